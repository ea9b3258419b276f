"""Failed log-ins: limits a stranger cannot turn on the owner of an account (survey/web/auth.py).

A guesser's address is refused once it has failed too often, before any password is checked;
an address that has not failed always logs in with the right password; failures from many
addresses only make further failed attempts answer slower. With Redis out of reach the limits
fall back to memory and log-in works.
"""

from __future__ import annotations

import html
import logging
import re

import pytest

from app import create_app
from models import db
from survey.extensions import limiter
from survey.web import auth
from tests.conftest import PASSWORDS, csrf_from

WRONG = "not-the-password"


def attempt(app, username: str, password: str, address: str):
    """One log-in from an address, as a fresh browser there would make it."""
    client = app.test_client()
    page = client.get("/login", environ_base={"REMOTE_ADDR": address}).get_data(as_text=True)
    data = {"username": username, "password": password, "csrf_token": csrf_from(page)}
    return client.post("/login", data=data, environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def pauses(monkeypatch) -> list[float]:
    """The waits of failed log-ins, recorded instead of slept."""
    waited: list[float] = []
    monkeypatch.setattr(auth, "pause", waited.append)
    return waited


def test_a_guessers_address_is_refused_and_the_owner_elsewhere_logs_in(app, pauses):
    # "REVIEWER " is the account reviewer, as the log-in reads it.
    for _ in range(10):
        assert attempt(app, "REVIEWER ", WRONG, "10.0.0.1").status_code == 200
    refused = attempt(app, "reviewer", PASSWORDS["reviewer"], "10.0.0.1")
    assert refused.status_code == 429
    message = html.unescape(refused.get_data(as_text=True))
    assert "Có quá nhiều lần đăng nhập sai từ địa chỉ của bạn." in message
    assert re.search(r"Vui lòng thử lại sau khoảng 1[0-5] phút\.", message)  # the 15-minute window
    assert 'name="username"' in message  # the form again, to try later
    # The owner, from an address that has not failed, is let in at once.
    assert attempt(app, "reviewer", PASSWORDS["reviewer"], "10.0.0.2").status_code == 302
    # The guesser's address may still log in to other accounts it has not failed on.
    assert attempt(app, "admin", PASSWORDS["admin"], "10.0.0.1").status_code == 302


def test_a_refused_address_learns_nothing_of_the_password(app, pauses):
    for _ in range(10):
        attempt(app, "inspector", WRONG, "10.0.0.1")
    right = attempt(app, "inspector", PASSWORDS["inspector"], "10.0.0.1")
    wrong = attempt(app, "inspector", WRONG, "10.0.0.1")
    assert right.status_code == wrong.status_code == 429
    assert strip_tokens(right.get_data(as_text=True)) == strip_tokens(wrong.get_data(as_text=True))
    assert right.headers["Retry-After"] and wrong.headers["Retry-After"]
    assert pauses == []  # refused before any password check: nothing to slow down


def strip_tokens(page: str) -> str:
    return re.sub(r'value="[^"]*"|content="[^"]*"', "", page)


def test_failures_from_many_addresses_slow_failed_attempts_and_never_the_owner(app, pauses, caplog):
    app.config["LOGIN_ACCOUNT_SLOWDOWN"] = "5 per 15 minutes"
    with caplog.at_level(logging.WARNING):
        for n in range(20):
            assert attempt(app, "admin", WRONG, f"10.1.0.{n}").status_code == 200  # no address refused
    # Five free failures, then a wait that grows by a tenth of a second and stops at one second.
    assert pauses == pytest.approx([0.1 * n for n in range(1, 11)] + [1.0] * 5)
    assert "More than 5 failed log-ins for the account 'admin'" in caplog.text
    pauses.clear()
    # The owner, from any address that has not failed, logs in at once.
    assert attempt(app, "admin", PASSWORDS["admin"], "10.2.0.1").status_code == 302
    assert pauses == []


def test_an_unknown_name_is_counted_and_slowed_as_a_real_one(app, pauses):
    app.config["LOGIN_ACCOUNT_SLOWDOWN"] = "2 per 15 minutes"
    for name in ("admin", "nobody-of-that-name"):
        for n in range(4):
            attempt(app, name, WRONG, f"10.3.{len(name)}.{n}")
    assert pauses == pytest.approx([0.1, 0.2] * 2)  # the same waits: the delay tells no name apart


def test_successful_log_ins_are_not_counted(app, pauses):
    # A whole office behind one address logs in at the start of the day.
    for _ in range(35):
        assert attempt(app, "inspector", PASSWORDS["inspector"], "10.4.0.1").status_code == 302


def test_failures_from_one_address_across_accounts_are_limited(app, pauses):
    app.config["LOGIN_RATE_LIMIT"] = "4 per minute"
    for name in ("admin", "reviewer", "inspector", "inspector2"):
        assert attempt(app, name, WRONG, "10.5.0.1").status_code == 200
    assert attempt(app, "admin", PASSWORDS["admin"], "10.5.0.1").status_code == 429
    assert attempt(app, "admin", PASSWORDS["admin"], "10.5.0.2").status_code == 302


@pytest.fixture
def app_with_redis_down(tmp_path, seeded_sqlite, app):
    """The app with its limits in a Redis that does not answer (port 1 is closed)."""
    config = {**app.config, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1"}
    down = create_app(config, str(tmp_path / "instance-redis"))
    yield down
    with down.app_context():
        db.session.remove()
        db.engine.dispose()
    # The limiter is one object for every app of the test run: the next app's memory storage is alive.
    limiter._storage_dead = False


def test_with_redis_down_log_in_works_and_a_warning_is_logged(app_with_redis_down, pauses, caplog):
    with caplog.at_level(logging.WARNING):
        response = attempt(app_with_redis_down, "admin", PASSWORDS["admin"], "10.6.0.1")
    assert response.status_code == 302
    assert "Rate limit storage unreachable - falling back to in-memory storage" in caplog.text
    # The limits hold meanwhile, in the worker's memory.
    for _ in range(10):
        assert attempt(app_with_redis_down, "reviewer", WRONG, "10.6.0.2").status_code == 200
    assert attempt(app_with_redis_down, "reviewer", PASSWORDS["reviewer"], "10.6.0.2").status_code == 429
    assert attempt(app_with_redis_down, "reviewer", PASSWORDS["reviewer"], "10.6.0.3").status_code == 302
