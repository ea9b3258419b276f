"""Fixtures in the manner of flaskr: app, client, runner, auth, and a JSON API client.

Also the helpers and data that several test modules share: the hand-computed 2025 table,
form_fields and staff_token.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from werkzeug.security import generate_password_hash

from app import create_app
from models import AdminUnit, Store, Survey, User, db
from survey.domain import policy, review, sync, tokens
from survey.domain.vocabularies import load_vocabularies

PASSWORDS = {
    "inspector": "inspector-pass-1",
    "inspector2": "inspector-pass-2",
    "reviewer": "reviewer-pass-1",
    "admin": "admin-pass-1",
    "ministry": "ministry-pass-1",  # not seeded: a test that needs the Ministry adds it
}
ROLES = {"inspector": "inspector", "inspector2": "inspector", "reviewer": "reviewer", "admin": "admin"}
# Set TEST_DATABASE_URL (e.g. postgresql+psycopg://…) to run the suite on another database.
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf-token" content="([^"]+)"')


def add_unit(code, name, level, parent=None, valid_from=None, valid_to=None):
    unit = AdminUnit(code=code, name=name, level=level, parent=parent, valid_from=valid_from, valid_to=valid_to)
    db.session.add(unit)
    return unit


def add_store(
    code, unit, type="supermarket", opened_on=None, closed_on=None, name=None, store_class=None, legacy_unit=None
):
    store = Store(
        code=code,
        name=name or f"Cửa hàng {code}",
        type=type,
        store_class=store_class,
        unit=unit,
        address=f"Địa chỉ {code}",
        opened_on=opened_on,
        closed_on=closed_on,
        legacy_unit=legacy_unit,
    )
    db.session.add(store)
    return store


def load_official_hung_yen() -> None:
    """Load the official units of Hưng Yên (33) beside the seeded stand-in province "HY", and make the
    seeded staff (made with no province) staff of 33: with two provinces, a user with none sees nothing
    (provinces.places.scope_of), and these tests are about the official units, not the stand-in's."""
    from survey.domain import official_units  # the vietnam-provinces data: loaded by the tests that need it

    official_units.load_official("33")
    official = db.session.scalar(select(AdminUnit.id).where(AdminUnit.code == "33"))
    db.session.execute(update(User).where(User.province_id.is_(None)).values(province_id=official))
    db.session.commit()


@functools.cache
def password_hash(username: str) -> str:
    """Each test user's password hash, deliberately cheap (1,000 PBKDF2 rounds).

    The app hashes with scrypt, which costs 80-160 ms per check by design; the suite logs in about a
    thousand times per pass, so the seeded users alone cost minutes of CI. The checking code is the
    app's own (check_password_hash reads the method from the hash); users made through the app or
    the CLI in a test still get the real scrypt hash.
    """
    return generate_password_hash(PASSWORDS[username], method="pbkdf2:sha256:1000")


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
        user.password_hash = password_hash(username)
        db.session.add(user)
    db.session.commit()


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory) -> Path | None:
    """A SQLite database with the schema, the vocabularies and seed_base, made once per run.

    Each test gets a copy: making it costs about 0.4 s (most of it the four password hashes),
    which every test that uses the app would otherwise pay again. None on another database.
    """
    if TEST_DATABASE_URL:
        return None
    folder = tmp_path_factory.mktemp("seeded")
    path = folder / "seeded.db"
    template = create_app(
        {"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"},
        str(folder / "instance"),
    )
    with template.app_context():
        db.create_all()
        load_vocabularies()
        seed_base()
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))  # everything in the file itself
        db.session.remove()
        db.engine.dispose()
    return path


SCHEMA_MADE = []  # on another database than SQLite: the tables are made once per run, then emptied


def empty_database() -> None:
    """Start a test from empty tables: made the first time, emptied (and counters reset) after."""
    if not SCHEMA_MADE:
        db.drop_all()
        db.create_all()
        SCHEMA_MADE.append(True)
        return
    names = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE TABLE {names} RESTART IDENTITY CASCADE"))
    db.session.commit()


@pytest.fixture
def app(tmp_path, seeded_sqlite):
    database = tmp_path / "test.db"
    if seeded_sqlite is not None:
        shutil.copyfile(seeded_sqlite, database)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL or f"sqlite:///{database}",
        },
        str(tmp_path / "instance"),  # never the developer's instance/
    )
    if seeded_sqlite is None:
        with app.app_context():
            empty_database()
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

    def put(self, url, data: bytes, content_type: str = "image/jpeg", **kwargs):
        headers = {"X-CSRFToken": self.token} if self.token else {}
        headers.update(kwargs.pop("headers", {}))
        return self.client.put(url, data=data, content_type=content_type, headers=headers, **kwargs)


@pytest.fixture
def api(client, auth):
    return JsonClient(client, auth)


def form_fields(html: str) -> dict[str, str]:
    """The named inputs of a page with their values, as a browser would send them."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="submit"' not in tag and 'type="checkbox"' not in tag:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def staff_token(app, code="S-001") -> str:
    with app.test_request_context("/"):
        store = db.session.scalar(select(Store).where(Store.code == code))
        return tokens.token_for(tokens.active_link(store, None).nonce)


# --- the hand-computed 2025 table -------------------------------------------------------

CHECKOUT_ALL_ECO = [{"zone": "checkout", "category": "PAPER", "count": 20}]


def visit(store, when, packaging, source="inspection", state="received", labels=()):
    """Store a survey through the same path as the API, then review it as a reviewer would."""
    sender = db.session.scalar(select(User).where(User.username == "inspector"))
    payload = {
        "id": str(uuid.uuid4()),
        "store_code": store,
        "visited_at": when,
        "form_version": 1,
        "packaging": packaging,
        "eco_labels": [{"label": code, "sku_count": n} for code, n in labels],
    }
    result = sync.store_survey(payload, source, sender if source == "inspection" else None)
    assert result["status"] == "created", result
    if state != "received":
        reviewer = db.session.scalar(select(User).where(User.username == "reviewer"))
        survey = db.session.get(Survey, uuid.UUID(payload["id"]))
        review.set_state(survey, state, "Lý do kiểm tra" if policy.reason_missing(state, "") else "", reviewer)
    return payload["id"]


@pytest.fixture
def table(app):
    """Stores and surveys whose 2025 figures are worked out by hand in the tests."""
    with app.app_context():
        yield seed_table()


def seed_table() -> dict[str, str]:
    """Add the stores and surveys of EXPECTED_2025 (in an app context, after seed_base)."""
    units = {u.code: u for u in db.session.scalars(select(AdminUnit))}
    add_store("S-004", units["HY-PH"], closed_on=date(2024, 12, 31))
    add_store("S-005", units["HY-MH"], opened_on=date(2026, 1, 10))
    add_store("S-006", units["HY-PH"], type="commercial_centre")
    add_store("S-007", units["HY-MH"], closed_on=date(2025, 6, 1))
    db.session.commit()
    # S-001: the March visit decides, because the September one was rejected.
    visit("S-001", "2025-03-01T10:00:00+07:00", CHECKOUT_ALL_ECO, labels=[("VN_ECOLABEL", 3), ("SELF_DECLARED", 5)])
    bad = [{"zone": "checkout", "category": "PE_BAG", "count": 9}]
    visit("S-001", "2025-09-01T10:00:00+07:00", bad, state="rejected")
    # S-002: checkout 15/20 eco → not compliant; pooled (15+10)/30; its self-report is not approved yet.
    visit(
        "S-002",
        "2025-05-01T10:00:00+07:00",
        [
            {"zone": "checkout", "category": "PE_BAG", "count": 5},
            {"zone": "checkout", "category": "PAPER", "count": 15},
            {"zone": "store_packed", "category": "NATURAL", "count": 10},
        ],
    )
    ids = {"S-002-self": visit("S-002", "2025-10-01T10:00:00+07:00", CHECKOUT_ALL_ECO, source="self_report")}
    # S-007: an approved self-report; checkout all eco, store-packed all foam (not judged before 2026).
    visit(
        "S-007",
        "2025-04-01T10:00:00+07:00",
        [
            {"zone": "checkout", "category": "CUSTOMER_OWN", "count": 10},
            {"zone": "store_packed", "category": "EPS_FOAM", "count": 10},
        ],
        source="self_report",
        state="approved",
        labels=[("ECO_BAG_CERT", 2)],
    )
    visit("S-003", "2025-04-01T10:00:00+07:00", CHECKOUT_ALL_ECO)  # a convenience store: out of scope
    visit("S-004", "2025-02-01T10:00:00+07:00", CHECKOUT_ALL_ECO)  # closed before 2025: out
    visit("S-006", "2024-11-01T10:00:00+07:00", CHECKOUT_ALL_ECO)  # another year: unsurveyed in 2025
    return ids


EXPECTED_2025 = {
    "stores_in_scope": 4,  # S-001, S-002, S-006, S-007
    "stores_surveyed": 3,
    "stores_compliant": 2,  # S-001, S-007
    "compliance_pct": 50.0,
    "compliance_pct_of_surveyed": 66.7,
    "coverage_pct": 75.0,
    "target_pct": 85,
    "target_met": False,
    "stores_needed": 2,  # ceil(0.85 * 4) - 2
    "eco_share_avg": 77.8,  # mean(100, 25/30, 10/20) as a percentage
    "eco_label_skus": 5,
    "stores_with_eco_label": 2,
    "eco_products": 0,  # no survey of the table lists products by barcode
}


def rows_of(html: str, table_id: str) -> list[list[str]]:
    body = re.search(rf'<table id="{table_id}">(.*?)</table>', html, re.S).group(1)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body.split("<tbody>")[1], re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows
    ]


def post_form(client, url: str, data: dict):
    """Post a form the way a browser does, with the token of the page it came from."""
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def make_survey(**changes) -> dict:
    survey = {
        "id": str(uuid.uuid4()),
        "store_code": "S-001",
        "visited_at": "2025-06-14T09:30:00+07:00",
        "form_version": 1,
        "packaging": [
            {"zone": "checkout", "category": "PE_BAG", "count": 12},
            {"zone": "checkout", "category": "PAPER", "count": 18},
        ],
        "eco_labels": [{"label": "VN_ECOLABEL", "product_group": "chất tẩy rửa", "sku_count": 3}],
        "skus_checked": 120,
        "notes": "",
        "location": {"lat": 20.655, "lon": 106.056, "accuracy_m": 15},
    }
    survey.update(changes)
    return survey


def sync_via_api(api, *surveys):
    response = api.post("/api/v1/surveys", json={"surveys": list(surveys)})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["results"]


def store_form(**changes) -> dict:
    form = {
        "code": "N-001",
        "name": "Siêu thị Mới",
        "type": "supermarket",
        "store_class": "II",
        "unit_code": "HY-PH",
        "address": "Đường 1",
        "chain": "",
        "opened_on": "2020-01-02",
        "closed_on": "",
        "lat": "20.655",
        "lon": "106.056",
    }
    form.update(changes)
    return form
