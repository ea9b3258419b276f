"""Fixtures in the manner of flaskr: app, client, runner, auth, and a JSON API client."""

from __future__ import annotations

import os
import re
from datetime import date

import pytest

from app import create_app
from models import AdminUnit, Store, User, db
from survey.domain.vocabularies import load_vocabularies

PASSWORDS = {
    "inspector": "inspector-pass-1",
    "inspector2": "inspector-pass-2",
    "reviewer": "reviewer-pass-1",
    "admin": "admin-pass-1",
}
ROLES = {"inspector": "inspector", "inspector2": "inspector", "reviewer": "reviewer", "admin": "admin"}
# Set TEST_DATABASE_URL (e.g. postgresql+psycopg://…) to run the suite on another database.
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf-token" content="([^"]+)"')


def add_unit(code, name, level, parent=None, valid_from=None, valid_to=None):
    unit = AdminUnit(code=code, name=name, level=level, parent=parent, valid_from=valid_from, valid_to=valid_to)
    db.session.add(unit)
    return unit


def add_store(code, unit, type="supermarket", opened_on=None, closed_on=None, name=None, store_class=None):
    store = Store(
        code=code,
        name=name or f"Cửa hàng {code}",
        type=type,
        store_class=store_class,
        unit=unit,
        address=f"Địa chỉ {code}",
        opened_on=opened_on,
        closed_on=closed_on,
    )
    db.session.add(store)
    return store


def seed_base() -> None:
    """Units, users and three stores that most tests share."""
    province = add_unit("HY", "Tỉnh Hưng Yên", "province")
    district = add_unit("HY-MH", "Thị xã Mỹ Hào", "district", province, valid_to=date(2025, 6, 30))
    commune = add_unit("HY-PH", "Phường Phố Hiến", "commune", province, valid_from=date(2025, 7, 1))
    add_store("S-001", commune, "supermarket", opened_on=date(2019, 5, 1))
    add_store("S-002", district, "commercial_centre", opened_on=date(2021, 3, 15))
    add_store("S-003", district, "convenience_store")
    for username, role in ROLES.items():
        user = User(username=username, role=role, active=True)
        user.set_password(PASSWORDS[username])
        db.session.add(user)
    db.session.commit()


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'test.db'}",
        }
    )
    with app.app_context():
        if TEST_DATABASE_URL:
            db.drop_all()
        db.create_all()
        load_vocabularies()
        seed_base()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username="inspector", password=None):
        page = self._client.get("/login").get_data(as_text=True)
        return self._client.post(
            "/login",
            data={"username": username, "password": password or PASSWORDS[username], "csrf_token": csrf_from(page)},
        )

    def csrf(self) -> str:
        return self._client.get("/api/v1/csrf").get_json()["csrf_token"]


@pytest.fixture
def auth(client):
    return AuthActions(client)


class JsonClient:
    """Log in as a role and call the API with the CSRF header, as the phone does."""

    def __init__(self, client, auth):
        self.client, self.auth = client, auth
        self.token = None

    def login(self, username="inspector"):
        self.auth.login(username)
        self.token = self.auth.csrf()
        return self

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url, json=None, **kwargs):
        headers = {"X-CSRFToken": self.token} if self.token else {}
        headers.update(kwargs.pop("headers", {}))
        return self.client.post(url, json=json, headers=headers, **kwargs)


@pytest.fixture
def api(client, auth):
    return JsonClient(client, auth)
