"""The self-report form over HTTP: the link's limit counts only accepted reports, the address's every attempt;
the empty report; who reports."""

from __future__ import annotations

import html
import re
import unicodedata
import uuid

import pytest
from flask import render_template
from sqlalchemy import func, select

from models import Survey, db
from survey.domain import sync
from survey.web.self_report import retry_sentence
from tests.conftest import AuthActions, csrf_from, form_fields, staff_token
from tests.test_exports import read_export, read_xlsx

EMPTY_CHECKOUT = "Chưa đếm túi nào ở quầy thu ngân: hãy nhập số túi đã phát cho khoảng 30 lượt khách."
LIMIT_MESSAGE = re.compile(r"Bạn đã gửi nhiều báo cáo trong giờ qua\. Vui lòng thử lại sau khoảng (\d+) phút\.")


def fields_of(client, token) -> dict[str, str]:
    page = client.get(f"/r/{token}")
    assert page.status_code == 200
    return form_fields(page.get_data(as_text=True))


def send(client, token, **changes):
    """Open the form as a browser does, fill the checkout and send it with the changes."""
    data = fields_of(client, token)
    data.update({"pk__checkout__PAPER": "12", "pk__checkout__PE_BAG": "3"})
    data.update(changes)
    return client.post(f"/r/{token}", data=data)


def surveys(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Survey))


def page_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def value_of(page: str, name: str) -> str | None:
    """The value an input or textarea shows, as the browser will send it again."""
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    if tag:
        value = re.search(r'value="([^"]*)"', tag.group(0))
        return value.group(1) if value else ""
    area = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\s*(.*?)</textarea>', page, re.S)
    return area.group(1) if area else None


# --- limits ---------------------------------------------------------------------------------


def test_failed_attempts_do_not_use_up_the_link_and_the_11th_accepted_report_gets_the_form_back(app, client):
    app.config["SELF_REPORT_MAX_PENDING"] = 100  # the queue caps are tested apart
    app.config["SELF_REPORT_MAX_PENDING_PER_PHONE"] = 100
    app.config["SELF_REPORT_ADDRESS_LIMIT"] = "100 per hour"  # and so is the address's limit
    token = staff_token(app)
    for _ in range(15):  # typing mistakes, before and between the reports
        assert send(client, token, pk__checkout__PAPER="-1").status_code == 200
        assert send(client, token, pk__checkout__PAPER="0", pk__checkout__PE_BAG="0").status_code == 200
    for n in range(10):
        assert send(client, token, pk__checkout__PAPER=str(n + 1)).status_code == 302
    assert surveys(app) == 10

    typed = {
        "pk__checkout__PAPER": "17",
        "pk__checkout__CUSTOMER_OWN": "9",
        "pk__store_packed__NATURAL": "4",
        "el__VN_ECOLABEL": "2",
        "skus_checked": "40",
        "notes": "Ghi chú của cửa hàng",
        "reporter_name": "Nguyễn Thị Hoa",
        "reporter_phone": "0912 345 678",
        "visited_at": "2026-03-02T09:15",
    }
    refused = send(client, token, **typed)
    assert refused.status_code == 429
    page = page_of(refused)
    assert 'id="send-report"' in page and "Lỗi 429" not in page  # the form, not the error page
    for name, value in typed.items():
        assert value_of(page, name) == value, name
    minutes = int(LIMIT_MESSAGE.search(page).group(1))
    assert 55 <= minutes <= 60
    assert "Những gì bạn đã nhập vẫn còn bên dưới." in page
    assert 50 * 60 <= int(refused.headers["Retry-After"]) <= 3600
    assert surveys(app) == 10

    # Fixing a typing mistake while limited: the limit is still said, and the mistake is shown too.
    again = send(client, token, pk__checkout__PAPER="-5")
    assert again.status_code == 429
    assert LIMIT_MESSAGE.search(page_of(again)) and "Nhập số nguyên từ 0 đến" in page_of(again)


def test_refusals_and_repeats_do_not_use_up_the_link(app, client):
    app.config["SELF_REPORT_LINK_LIMIT"] = "2 per hour"
    app.config["SELF_REPORT_MAX_PENDING"] = 1
    token = staff_token(app)
    data = fields_of(client, token) | {"pk__checkout__PAPER": "5"}
    assert client.post(f"/r/{token}", data=data).status_code == 302
    assert client.post(f"/r/{token}", data=data).status_code == 302  # a double tap: the same report, stored once
    for _ in range(4):  # the queue is full: refused, not counted
        refused = send(client, token)
        assert refused.status_code == 200 and "vẫn đang chờ duyệt" in page_of(refused)
    with app.app_context():
        db.session.scalar(select(Survey)).review_state = "approved"
        db.session.commit()
    assert send(client, token).status_code == 302  # the second accepted report of the hour
    assert surveys(app) == 2
    assert send(client, token).status_code == 429


def test_the_address_limit_counts_every_attempt_and_keeps_the_form(app, client):
    app.config["SELF_REPORT_ADDRESS_LIMIT"] = "4 per hour"
    first, second = staff_token(app, "S-001"), staff_token(app, "S-002")
    for _ in range(3):  # refused forms cost the server work too: they count
        assert send(client, first, pk__checkout__PAPER="abc").status_code == 200
    assert send(client, first).status_code == 302
    refused = send(client, second, pk__checkout__PAPER="21", reporter_name="Trần Văn Nam")
    assert refused.status_code == 429
    page = page_of(refused)
    assert "Cửa hàng S-002" in page and value_of(page, "pk__checkout__PAPER") == "21"
    assert value_of(page, "reporter_name") == "Trần Văn Nam"
    assert "Gần đây có nhiều báo cáo được gửi từ mạng của bạn." in page and "Vui lòng thử lại sau khoảng" in page


def test_unknown_links_count_for_the_address_and_learn_nothing(app, client):
    app.config["SELF_REPORT_ADDRESS_LIMIT"] = "2 per hour"
    token = staff_token(app)
    data = fields_of(client, token)
    bogus = "x" * 43
    assert [client.post(f"/r/{bogus}", data=data).status_code for _ in range(2)] == [404, 404]
    guessed = client.post(f"/r/{bogus}", data=data)
    assert guessed.status_code == 429 and 'id="send-report"' not in guessed.get_data(as_text=True)
    assert send(client, token).status_code == 429  # the real link waits too, with its form


def test_a_daily_limit_says_hours(app, client):
    app.config["SELF_REPORT_LINK_LIMIT"] = "1 per day"
    token = staff_token(app)
    assert send(client, token).status_code == 302
    page = page_of(send(client, token))
    assert "Bạn đã gửi nhiều báo cáo trong ngày qua. Vui lòng thử lại sau khoảng 24 giờ." in page


def test_without_a_reset_time_it_says_in_an_hour(app):
    with app.test_request_context("/"):
        assert retry_sentence(None) == "Vui lòng thử lại sau một giờ."
        assert retry_sentence(30) == "Vui lòng thử lại sau khoảng 1 phút."
        assert retry_sentence(3 * 3600) == "Vui lòng thử lại sau khoảng 3 giờ."


# --- the empty report -----------------------------------------------------------------------


def test_an_all_zero_report_says_nothing_was_counted_at_the_checkout(app, client):
    token = staff_token(app)
    response = send(client, token, pk__checkout__PAPER="0", pk__checkout__PE_BAG="", pk__store_packed__NATURAL="0")
    page = page_of(response)
    assert response.status_code == 200 and surveys(app) == 0
    assert f'id="checkout-error" role="alert">{EMPTY_CHECKOUT}<' in page and "Quá ít mục" not in page
    assert page.index(EMPTY_CHECKOUT) < page.index('name="pk__checkout__PE_BAG"')  # next to the checkout counts
    assert page.count(EMPTY_CHECKOUT) == 1  # not at the top as well


def test_counts_elsewhere_but_none_at_the_checkout_say_the_same(app, client):
    token = staff_token(app)
    response = send(client, token, pk__checkout__PAPER="0", pk__checkout__PE_BAG="0", pk__store_packed__NATURAL="6")
    assert response.status_code == 200 and EMPTY_CHECKOUT in page_of(response)
    assert value_of(page_of(response), "pk__store_packed__NATURAL") == "6"


def test_the_inspectors_form_says_the_same(app, client, auth):
    auth.login("inspector")
    data = form_fields(client.get("/surveys/new").get_data(as_text=True)) | {"store_code": "S-001"}
    page = page_of(client.post("/surveys/new", data=data))
    assert EMPTY_CHECKOUT in page and "Quá ít mục" not in page
    assert surveys(app) == 0


@pytest.mark.parametrize("packaging", [[], [{"zone": "store_packed", "category": "NATURAL", "count": 3}]])
def test_the_api_still_refuses_a_survey_with_nothing_at_the_checkout(app, api, packaging):
    api.login("inspector")
    survey = {
        "id": str(uuid.uuid4()),
        "store_code": "S-001",
        "visited_at": "2025-05-01T10:00:00+07:00",
        "form_version": 1,
        "packaging": packaging,
    }
    [result] = api.post("/api/v1/surveys", json={"surveys": [survey]}).get_json()["results"]
    assert result["status"] == "invalid" and result["errors"] == {"packaging": EMPTY_CHECKOUT}
    assert surveys(app) == 0


def test_the_schema_still_requires_a_packaging_line():
    from survey.domain.schemas import SurveyIn

    assert SurveyIn.model_json_schema()["properties"]["packaging"]["minItems"] == 1


def test_other_errors_of_an_empty_survey_are_still_reported(app):
    with app.test_request_context("/"):
        result = sync.store_survey(
            {"id": "nope", "store_code": "S-001", "visited_at": "x", "form_version": 1, "packaging": []},
            "inspection",
            None,
        )
    assert result["status"] == "invalid"
    assert set(result["errors"]) == {"id", "visited_at", "packaging"}
    assert result["errors"]["packaging"] == EMPTY_CHECKOUT


# --- who reports ----------------------------------------------------------------------------


def stored_report(app) -> Survey:
    with app.app_context():
        survey = db.session.scalar(select(Survey))
        db.session.expunge(survey)
        return survey


def test_name_and_phone_are_optional(app, client):
    token = staff_token(app)
    assert send(client, token).status_code == 302
    survey = stored_report(app)
    assert survey.reporter_name is None and survey.reporter_phone is None


@pytest.mark.parametrize(
    ("name", "phone", "stored_name", "stored_phone"),
    [
        ("  Nguyễn   Thị  Hoa ", "0912 345 678", "Nguyễn Thị Hoa", "0912 345 678"),
        (unicodedata.normalize("NFD", "Đỗ Văn Hưởng"), "+ 84  912 345 678", "Đỗ Văn Hưởng", "+84 912 345 678"),
        ("Lê Mai", "０９１２３４５６７８", "Lê Mai", "0912345678"),  # full-width digits from some keyboards
        ("", "02213 862 123", None, "02213 862 123"),
        ("Phạm Minh", "", "Phạm Minh", None),
        (unicodedata.normalize("NFD", "ệ" * 120), "+84912345678901", "ệ" * 120, "+84912345678901"),
    ],
)
def test_name_and_phone_are_stored_cleaned(app, client, name, phone, stored_name, stored_phone):
    token = staff_token(app)
    assert send(client, token, reporter_name=name, reporter_phone=phone).status_code == 302
    survey = stored_report(app)
    assert survey.reporter_name == stored_name and survey.reporter_phone == stored_phone
    if stored_name:
        assert unicodedata.is_normalized("NFC", survey.reporter_name)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reporter_phone", "0912-345-678", "Chỉ dùng chữ số, dấu cách và dấu + ở đầu."),
        ("reporter_phone", "84+912345678", "Chỉ dùng chữ số, dấu cách và dấu + ở đầu."),
        ("reporter_phone", "091 234 5", "Số điện thoại có từ 8 đến 15 chữ số."),
        ("reporter_phone", "+84 9123 4567 890123", "Số điện thoại có từ 8 đến 15 chữ số."),
        ("reporter_name", "a" * 121, "Tối đa 120 ký tự."),
        ("reporter_name", "Hoa\x00", "Có ký tự không thể lưu."),
    ],
)
def test_name_and_phone_are_checked(app, client, field, value, message):
    token = staff_token(app)
    response = send(client, token, **{field: value, "pk__checkout__PAPER": "8"})
    page = page_of(response)
    assert response.status_code == 200 and surveys(app) == 0
    assert message in page and value_of(page, "pk__checkout__PAPER") == "8"


def test_name_and_phone_stay_out_of_the_api_and_the_exports(app, client, auth, api):
    token = staff_token(app)
    response = send(
        client, token, reporter_name="Hoàng Thu Trang", reporter_phone="0987 654 321", visited_at="2025-05-01T10:00"
    )
    assert response.status_code == 302
    survey_id = str(stored_report(app).id)
    api.login("reviewer")
    body = api.get(f"/api/v1/surveys/{survey_id}").get_data(as_text=True)
    listed = api.get("/api/v1/surveys").get_data(as_text=True)
    assert survey_id in body and survey_id in listed
    for text in (body, listed):
        # The phone's digits, not "654" alone: a random UUID in the answer may hold that.
        assert "reporter" not in text and "Trang" not in text and "0987" not in text and "654 321" not in text
    for fmt in ("csv", "xlsx"):
        rows = read_export(client, "surveys", 2025, fmt)
        assert [row["survey_id"] for row in rows] == [survey_id]
        # The workbook's own headers too, not only the CSV keys its rows are read by.
        cells = " ".join(str(value) for row in read_xlsx(client.get("/exports/surveys/2025.xlsx")) for value in row)
        cells += " ".join(str(value) for row in rows for value in [*row.keys(), *row.values()])
        assert "Trang" not in cells and "0987" not in cells and "654 321" not in cells and "reporter" not in cells


def test_the_reviewer_sees_name_and_phone(app, client):
    token = staff_token(app)
    send(client, token, reporter_name="Vũ Thị Lan", reporter_phone="+84 912 345 678")
    send(client, staff_token(app, "S-002"))
    with app.app_context():
        named, anonymous = db.session.scalars(select(Survey).order_by(Survey.received_at, Survey.reporter_name)).all()
        if named.reporter_name is None:
            named, anonymous = anonymous, named
        with app.test_request_context("/"):
            shown = render_template("review/_reporter.html", survey=named)
            nobody = render_template("review/_reporter.html", survey=anonymous)
            named.source = "inspection"
            inspection = render_template("review/_reporter.html", survey=named)
    assert "Vũ Thị Lan" in shown and 'href="tel:+84912345678"' in shown and "+84 912 345 678" in shown
    assert "không ghi tên hay số điện thoại" in nobody
    assert inspection.strip() == ""


def test_csrf_is_still_required(app, client):
    token = staff_token(app)
    data = fields_of(client, token) | {"pk__checkout__PAPER": "5", "csrf_token": "forged"}
    assert client.post(f"/r/{token}", data=data).status_code == 400
    assert csrf_from(client.get(f"/r/{token}").get_data(as_text=True))
    assert surveys(app) == 0


def test_the_reviewer_sees_who_reported(app, client, auth):
    token = staff_token(app)
    assert send(client, token, reporter_name="Nguyễn Thị Hoa", reporter_phone="0912 345 678").status_code == 302
    survey = stored_report(app)
    reviewer = app.test_client()
    AuthActions(reviewer).login("reviewer")
    page = page_of(reviewer.get(f"/review/{survey.id}"))
    assert "Nguyễn Thị Hoa" in page and 'href="tel:0912345678"' in page
