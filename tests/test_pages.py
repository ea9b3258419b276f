"""Server-rendered pages: log-in, the no-JavaScript survey form, indicators, the rule."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models import AuditEntry, ComplianceRule, Survey, db
from tests.conftest import csrf_from, form_fields


def test_login_page_and_wrong_password(client):
    page = client.get("/login")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="username"' in html and 'name="password"' in html and 'name="csrf_token"' in html
    response = client.post("/login", data={"username": "inspector", "password": "nope", "csrf_token": csrf_from(html)})
    assert response.status_code == 200
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_login_without_csrf_is_refused(client):
    response = client.post("/login", data={"username": "inspector", "password": "inspector-pass-1"})
    assert response.status_code == 400
    with client.session_transaction() as session:
        assert "_user_id" not in session


@pytest.mark.parametrize(("username", "home"), [("inspector", "/app"), ("reviewer", "/review"), ("admin", "/stores")])
def test_login_sends_each_role_home(client, auth, username, home):
    response = auth.login(username)
    assert response.status_code == 302
    assert client.get("/").headers["Location"] == home


def test_login_ignores_offsite_next(client):
    html = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login?next=https://evil.example/",
        data={"username": "inspector", "password": "inspector-pass-1", "csrf_token": csrf_from(html)},
    )
    assert response.headers["Location"] == "/"


def test_logout_needs_post_with_csrf(client, auth):
    auth.login("inspector")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    html = client.get("/surveys/new").get_data(as_text=True)
    assert client.post("/logout", data={"csrf_token": csrf_from(html)}).status_code == 302
    assert client.get("/surveys/new").status_code == 302


def test_pages_redirect_anonymous_users_to_login(client):
    for url in ("/surveys/new", "/indicators", "/rules"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(
    ("username", "url", "status"),
    [
        ("reviewer", "/surveys/new", 403),
        ("admin", "/surveys/new", 403),
        ("inspector", "/indicators", 403),
        ("inspector", "/rules", 403),
        ("reviewer", "/rules", 403),
        ("admin", "/rules", 200),
        ("admin", "/indicators", 200),
    ],
)
def test_page_roles(client, auth, username, url, status):
    auth.login(username)
    assert client.get(url).status_code == status


def filled_survey_form(client) -> dict[str, str]:
    html = client.get("/surveys/new").get_data(as_text=True)
    data = form_fields(html)
    data.update({"store_code": "S-001", "pk__checkout__PAPER": "20", "pk__checkout__PE_BAG": "2"})
    data.update({"el__VN_ECOLABEL": "4", "skus_checked": "50", "notes": "Ghi chú"})
    return data


def test_survey_form_saves_one_survey_even_when_pressed_twice(client, auth, app):
    auth.login("inspector")
    data = filled_survey_form(client)
    assert data["survey_id"] and data["visited_at"]
    first = client.post("/surveys/new", data=data)
    second = client.post("/surveys/new", data=data)
    assert first.status_code == second.status_code == 302
    with app.app_context():
        surveys = list(db.session.scalars(select(Survey)))
        assert len(surveys) == 1
        survey = surveys[0]
        assert str(survey.id) == data["survey_id"] and survey.store.code == "S-001"
        assert sorted((p.zone, p.category_code, p.count) for p in survey.packaging) == [
            ("checkout", "PAPER", 20),
            ("checkout", "PE_BAG", 2),
        ]
        assert survey.visited_offset_min == 420 and survey.notes == "Ghi chú"


@pytest.mark.parametrize(
    ("changes", "marker"),
    [
        ({"pk__checkout__PAPER": "-3"}, "pk__checkout__PAPER"),
        ({"pk__checkout__PAPER": "abc"}, "pk__checkout__PAPER"),
        ({"pk__checkout__PAPER": "0", "pk__checkout__PE_BAG": "0"}, None),
        ({"store_code": "NOPE"}, "store_code"),
        ({"visited_at": ""}, "visited_at"),
    ],
)
def test_survey_form_refuses_bad_input_and_keeps_what_was_typed(client, auth, app, changes, marker):
    auth.login("inspector")
    data = filled_survey_form(client)
    data.update(changes)
    response = client.post("/surveys/new", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html
    assert 'value="50"' in html  # the SKUs checked are still there
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Survey)) == 0


def test_indicators_page_shows_rule_and_figures(client, auth):
    auth.login("reviewer")
    html = client.get("/indicators?year=2025").get_data(as_text=True)
    assert "2025" in html and "Phường Phố Hiến" in html
    assert "85" in html  # the phase's target is stated


def test_rule_new_version_keeps_history_and_is_audited(client, auth, app):
    auth.login("admin")
    html = client.get("/rules/2021/new").get_data(as_text=True)
    response = client.post(
        "/rules/2021/new",
        data={
            "csrf_token": csrf_from(html),
            "target_pct": "85",
            "zones": ["checkout"],
            "min_eco_share_pct": "80",
            "note": "Giảm dần túi ni lông",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        rules = list(db.session.scalars(select(ComplianceRule).where(ComplianceRule.phase_first_year == 2021)))
        assert sorted(rule.version for rule in rules) == [1, 2]
        assert max(rules, key=lambda r: r.version).min_eco_share_pct == Decimal("80")
        assert (
            db.session.scalar(select(AuditEntry).where(AuditEntry.action == "rule")).comment == "Giảm dần túi ni lông"
        )
    client.get("/logout")
    api_rule = client.get("/api/v1/indicators?year=2023").get_json()["rule"]
    assert api_rule == {"version": 2, "zones": ["checkout"], "min_eco_share_pct": 80.0, "target_pct": 85}


def test_rule_refuses_out_of_range(client, auth, app):
    auth.login("admin")
    html = client.get("/rules/2026/new").get_data(as_text=True)
    data = {"csrf_token": csrf_from(html), "target_pct": "100", "zones": [], "min_eco_share_pct": "120", "note": "x"}
    assert client.post("/rules/2026/new", data=data).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ComplianceRule)) == 2


def test_language_switch_sets_cookie_and_stays_on_site(client):
    response = client.get("/lang/en?next=/login")
    assert response.headers["Location"] == "/login"
    assert "lang=en" in response.headers["Set-Cookie"]
    assert client.get("/lang/en?next=//evil.example").headers["Location"] == "/"
    assert client.get("/lang/fr").status_code == 404


def test_pages_send_security_headers(client):
    response = client.get("/login")
    assert "script-src" not in response.headers["Content-Security-Policy"]  # default-src 'self' covers scripts
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_html_errors_are_pages_not_json(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "404" in response.get_data(as_text=True)
