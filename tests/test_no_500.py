"""No input and no race answers 500: each finding of the security review, reproduced and held."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models import ComplianceRule, Store, Survey, User, db
from survey.domain import importing, rule_versions, rulebook
from tests.conftest import PASSWORDS, csrf_from, make_survey, post_form, store_form, sync_via_api

BELL = "\x07"


@pytest.mark.parametrize("target", ["/stores\r\nSet-Cookie: x=1", "/stores\nX: 1", "/\\evil.example"])
def test_odd_next_values_send_people_home(client, target):
    page = client.get("/login").get_data(as_text=True)
    data = {"username": "admin", "password": PASSWORDS["admin"], "csrf_token": csrf_from(page)}
    response = client.post("/login", query_string={"next": target}, data=data)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    language = client.get("/lang/en", query_string={"next": target})
    assert language.status_code == 302 and language.headers["Location"] == "/"


@pytest.mark.parametrize("url", ["/api/v1/surveys", "/api/v1/surveys/00000000-0000-4000-8000-000000000000/review"])
def test_json_nested_too_deep_is_bad_json(api, url):
    api.login("admin" if "review" in url else "inspector")
    body = '{"surveys": ' + "[" * 5000 + "]" * 5000 + "}"
    response = api.client.post(url, data=body, content_type="application/json", headers={"X-CSRFToken": api.token})
    assert response.status_code in (400, 403, 404) and response.status_code != 500
    if url == "/api/v1/surveys":
        assert response.get_json()["error"]["code"] == "bad_json"


def test_a_wrong_method_under_api_says_which_are_allowed(api):
    api.login("inspector")
    response = api.client.delete("/api/v1/surveys", headers={"X-CSRFToken": api.token})
    assert response.status_code == 405
    assert {"GET", "POST"} <= {method.strip() for method in response.headers["Allow"].split(",")}
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_control_characters_are_refused_on_the_store_form_naming_the_field(client, auth, app):
    auth.login("admin")
    response = post_form(client, "/stores/new", store_form(name=f"Siêu thị{BELL} Mới"))
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "Tên: Hãy xoá các ký tự điều khiển không nhìn thấy được khỏi nội dung này." in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Store).where(Store.code == "N-001")) == 0


def test_control_characters_are_refused_by_the_import_naming_the_column(app):
    header = "code,name,type,class,unit_code,address,chain,opened_on,closed_on,lat,lon"
    rows = [
        f"N-1,Siêu thị{BELL},supermarket,II,HY-PH,Đường 1,,,,,",
        "N-2,Siêu thị Tốt,supermarket,II,HY-PH,Đường 2,,,,,",
    ]
    with app.app_context():
        report = importing.import_csv("stores", ("\n".join([header, *rows]) + "\n").encode())
        messages = " ".join(error.message for error in report.errors)
        assert report.errors and "name" in messages
        # All or nothing, as every import: the file is fixed and sent again whole.
        assert db.session.scalar(select(Store).where(Store.code.in_(["N-1", "N-2"]))) is None


def test_control_characters_are_refused_by_the_api(api, app):
    api.login("inspector")
    result = sync_via_api(api, make_survey(notes=f"ghi chú{BELL}"))[0]
    assert result["status"] == "invalid" and "notes" in result["errors"]


def test_a_rule_saved_meanwhile_is_not_overwritten_and_asks_for_a_reload(client, auth, app):
    auth.login("admin")
    first = client.get("/rules/2021/new").get_data(as_text=True)
    second = client.get("/rules/2021/new").get_data(as_text=True)
    form = {"target_pct": "85", "zones": "checkout", "min_eco_share_pct": "80", "note": "Lần một"}
    based_on = html.unescape(first).split('name="based_on" type="hidden" value="')[1].split('"')[0]
    saved = client.post("/rules/2021/new", data={**form, "based_on": based_on, "csrf_token": csrf_from(first)})
    assert saved.status_code == 302
    late = {**form, "note": "Lần hai", "based_on": based_on, "csrf_token": csrf_from(second)}
    refused = client.post("/rules/2021/new", data=late)
    assert refused.status_code == 409
    assert "đã có người lưu một phiên bản mới hơn của quy tắc" in html.unescape(refused.get_data(as_text=True))
    with app.app_context():
        notes = db.session.scalars(select(ComplianceRule.note).where(ComplianceRule.phase_first_year == 2021)).all()
        assert "Lần một" in notes and "Lần hai" not in notes


def test_two_saves_that_race_give_one_version_and_one_clear_refusal(app, monkeypatch):
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.role == "admin"))
        phase = rulebook.phase_starting(2021)
        stale = rulebook.versions(2021)
        rule_versions.save_version(phase, 85, ["checkout"], Decimal(80), "first", admin)
        # The second save read the versions before the first committed: both aim at the same number.
        monkeypatch.setattr(rulebook, "versions", lambda first_year: stale)
        with pytest.raises(rule_versions.NewerVersionSaved):
            rule_versions.save_version(phase, 90, ["checkout"], Decimal(80), "second", admin)
        monkeypatch.undo()
        assert [row.note for row in rulebook.versions(2021)][:1] == ["first"]


def test_a_crash_in_a_transaction_still_gives_the_error_page_and_the_next_request_works(app, client, auth):
    @app.get("/test-crash")
    def crash():
        db.session.add(Survey(id=None))  # a row the database refuses
        db.session.flush()
        return "never"

    auth.login("admin")
    response = client.get("/test-crash")
    assert response.status_code == 500
    assert "Dữ liệu bạn gửi không bị mất" in html.unescape(response.get_data(as_text=True))  # the page, not a crash
    assert client.get("/stores").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "year=%C2%B2",  # "²": a digit to str.isdigit, not to int()
        "year=%D9%A2%D9%A0%D9%A2%D9%A5",  # 2025 in Arabic-Indic digits
        "year=2025&unit=%00",  # PostgreSQL refuses text holding NUL
        "year=2025&unit=HY%00",
        "year=2025&%00=1",
    ],
)
def test_odd_query_strings_on_the_indicators_are_a_400_or_a_404(api, query):
    api.login("reviewer")
    response = api.get(f"/api/v1/indicators?{query}")
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["error"]["code"]


@pytest.mark.parametrize("path", ["/stores/S-001%00", "/api/v1/surveys/%00", "/r/%00abc", "/lang/en?next=%00"])
def test_a_nul_in_the_address_is_a_400(api, path):
    api.login("admin")
    assert api.get(path).status_code == 400


HUGE = "99999999999999999999"  # past SQLite's INTEGER and PostgreSQL's bigint


@pytest.mark.parametrize("url", ["/review", "/audit", "/stores"])
def test_a_page_past_the_end_is_the_last_page(client, auth, url, table):
    auth.login("admin")
    first = client.get(url)
    for page in (HUGE, "2", "-1", "0", "%C2%B2", "%D9%A2", "1e3", "x"):
        response = client.get(f"{url}?page={page}")
        assert response.status_code == 200, (page, response.status_code)
        # The table's lists fit on one page: every one of these shows it, never an empty page.
        assert table_rows(response) == table_rows(first), page
    assert len(table_rows(first)) > 1  # a header and at least one row


def table_rows(response) -> list[str]:
    return re.findall(r"<tr[ >].*?</tr>", response.get_data(as_text=True), re.S)


@pytest.mark.parametrize("action", ["edit", "deactivate"])
def test_a_user_id_past_any_id_is_a_404(client, auth, action):
    auth.login("admin")
    for user_id in (HUGE, str(2**31), str(2**63)):
        assert client.get(f"/users/{user_id}/{action}").status_code == 404
    assert client.post(f"/users/{HUGE}/activate", data={"csrf_token": auth.csrf()}).status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=0001-01-01", "Ngày kiểm tra từ"),
        ("to=9999-12-31", "Ngày kiểm tra đến"),
        ("from=1899-12-31&to=2025-01-01", "Ngày kiểm tra từ"),
        ("to=2201-01-01", "Ngày kiểm tra đến"),
        ("from=2025-02-30", "Ngày kiểm tra từ"),
        ("from=%D9%A2%D9%A0%D9%A2%D9%A5-01-01", "Ngày kiểm tra từ"),
    ],
)
def test_a_day_outside_the_calendar_the_queue_can_use_is_a_400_naming_the_field(client, auth, query, field):
    auth.login("reviewer")
    response = client.get(f"/review?{query}")
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert f"{field}: hãy nhập một ngày từ 01/01/1900 đến 31/12/2200." in page
    assert 'id="from"' in page  # the queue itself, to fix the date
    assert client.get("/review?from=1900-01-01&to=2200-12-31").status_code == 200


@pytest.mark.parametrize("value", ["sNaN", "NaN", "-Infinity", "Infinity", "1e999999999"])
@pytest.mark.parametrize("target", ["85", "9" * 400])
def test_a_rule_with_no_number_is_refused_naming_the_field(client, auth, app, value, target):
    auth.login("admin")
    form = {"target_pct": target, "zones": "checkout", "min_eco_share_pct": value, "note": "Không phải số"}
    response = post_form(client, "/rules/2021/new", form)
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    finite = value == "1e999999999"
    assert ("Nhập số từ 0 đến 100." if finite else "Vui lòng nhập một số.") in page
    if target != "85":
        assert "Nhập số từ 0 đến 100." in page  # the target too, however many digits
    with app.app_context():
        notes = db.session.scalars(select(ComplianceRule.note)).all()
        assert "Không phải số" not in notes
