"""Sessions that end: log-out, a new password, a new role or deactivation end every copy of every cookie."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import create_app
from models import User, db
from survey.domain import accounts
from survey.web import auth
from tests.conftest import PASSWORDS, csrf_from

PRIVATE_PAGE = "/stores"  # the admin's store list
REMEMBER = "remember_token"


def log_in(client, username="admin", remember=False):
    page = client.get("/login").get_data(as_text=True)
    data = {"username": username, "password": PASSWORDS[username], "csrf_token": csrf_from(page)}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response


def copy_of(app, client, *names):
    """A second browser holding copies of the first one's cookies (a stolen or kept copy)."""
    other = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        assert cookie is not None, name
        other.set_cookie(name, cookie.value)
    return other


def can_see_private_page(client) -> bool:
    return client.get(PRIVATE_PAGE).status_code == 200


def log_out(client):
    page = client.get(PRIVATE_PAGE).get_data(as_text=True)
    assert client.post("/logout", data={"csrf_token": csrf_from(page)}).status_code == 302


def set_user(app, username, **changes):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        accounts.update_user(
            user,
            changes.get("role", user.role),
            changes.get("active", user.active),
            changes.get("password"),
            None,
        )
        db.session.commit()


def test_a_copied_session_cookie_stops_working_at_log_out(app, client):
    log_in(client)
    stolen = copy_of(app, client, "session")
    assert can_see_private_page(stolen)
    log_out(client)
    assert not can_see_private_page(stolen)
    assert not can_see_private_page(client)


def test_a_copied_remember_cookie_stops_working_at_log_out(app, client):
    log_in(client, remember=True)
    kept = copy_of(app, client, REMEMBER)  # no session: only the remember cookie logs it in
    assert can_see_private_page(kept)
    log_out(client)
    assert not can_see_private_page(kept)


@pytest.mark.parametrize(
    "change",
    [{"password": "a-new-long-password"}, {"role": "reviewer"}, {"active": False}],
    ids=["password reset", "role change", "deactivation"],
)
def test_an_admin_change_ends_every_session_of_the_user(app, client, change):
    log_in(client, "inspector", remember=True)
    remembered = copy_of(app, client, REMEMBER)
    assert client.get("/app").status_code == 200 and remembered.get("/app").status_code == 200
    set_user(app, "inspector", **change)
    assert client.get("/app").status_code != 200
    assert remembered.get("/app").status_code != 200
    assert client.get("/api/v1/stores").status_code == 401


def test_an_unchanged_user_keeps_their_session(app, client):
    log_in(client, "inspector")
    set_user(app, "inspector")  # nothing changes: nobody is logged out
    assert client.get("/app").status_code == 200


def test_each_log_in_gets_its_own_remember_cookie(app):
    first, second = app.test_client(), app.test_client()
    log_in(first, remember=True)
    log_in(second, remember=True)
    assert first.get_cookie(REMEMBER).value != second.get_cookie(REMEMBER).value


def test_the_csrf_token_from_before_log_in_is_refused_after_it(app, client):
    page = client.get("/login").get_data(as_text=True)
    before = csrf_from(page)
    client.post("/login", data={"username": "admin", "password": PASSWORDS["admin"], "csrf_token": before})
    assert can_see_private_page(client)
    refused = client.post("/logout", data={"csrf_token": before})
    assert refused.status_code == 400
    assert can_see_private_page(client)  # still logged in: the stale token did nothing


def test_an_unknown_name_costs_a_password_check_too(app, monkeypatch):
    checks = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash", lambda *args: checks.append(args) or real(*args))
    with app.app_context():
        assert accounts.authenticate("nobody-by-this-name", "whatever-password") is None
        assert len(checks) == 1  # the dummy hash: as slow as a real check
        assert accounts.authenticate("admin", PASSWORDS["admin"]) is not None


def test_failed_log_ins_elsewhere_never_lock_the_owner_out(app, monkeypatch):
    # Many addresses failing on one account slow their own failures (tests/test_login_limits.py)
    # and never refuse the right password from an address that has not failed.
    monkeypatch.setattr(auth, "pause", lambda seconds: None)
    for n in range(12):
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        wrong = {"username": "admin", "password": "wrong-password", "csrf_token": csrf_from(page)}
        assert client.post("/login", data=wrong, environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code == 200
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    right = {"username": "admin", "password": PASSWORDS["admin"], "csrf_token": csrf_from(page)}
    assert client.post("/login", data=right, environ_base={"REMOTE_ADDR": "10.0.0.99"}).status_code == 302


def test_cookies_are_secure_and_hsts_is_sent_when_served_over_https(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/s.db",
            "SERVED_OVER_HTTPS": True,
            "PUBLIC_BASE_URL": "https://baobi.example.vn",
        },
        str(tmp_path),
    )
    with app.app_context():
        db.create_all()
        accounts.create_user("admin", "admin", PASSWORDS["admin"], None)
        db.session.commit()
    client = app.test_client()
    response = log_in(client, remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    for name in ("session", REMEMBER):
        cookie = next(c for c in cookies if c.startswith(name + "="))
        assert "Secure" in cookie and "HttpOnly" in cookie, cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_private_answers_are_never_cached_and_public_files_may_be(client, auth):
    auth.login("inspector")
    for url in ("/app", "/api/v1/stores", "/api/v1/surveys"):
        assert client.get(url).headers["Cache-Control"] == "no-store", url
    static = client.get("/static/css/app.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")
    static.close()
