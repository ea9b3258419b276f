"""Self-reports a stranger cannot block: pending caps per phone and per store, and the burst flag.

Each test client is one phone: it keeps its own cookies, so two clients are two phones.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import Survey, db, utcnow
from survey.domain import self_reports
from survey.web.self_report import PHONE_COOKIE
from tests.conftest import AuthActions, staff_token
from tests.test_self_report_form import fields_of, page_of, send, surveys, value_of

PHONE_FULL = "Điện thoại của bạn đã gửi 3 báo cáo vẫn đang chờ duyệt, mức tối đa cho một điện thoại."
STORE_FULL = "Cửa hàng này đã có {n} báo cáo vẫn đang chờ duyệt, mức tối đa cho một cửa hàng."
KEPT = "Những gì bạn đã nhập vẫn còn bên dưới."
LINK_BADGE = re.compile(r"(\d+) báo cáo từ đường dẫn này trong 24 giờ")
PHONE_BADGE = re.compile(r"(\d+) báo cáo từ điện thoại này trong 24 giờ")


@pytest.fixture
def roomy(app):
    """Rate limits out of the way: these tests are about the review queue, not floods per hour."""
    app.config["SELF_REPORT_LINK_LIMIT"] = "1000 per hour"
    app.config["SELF_REPORT_ADDRESS_LIMIT"] = "1000 per hour"
    return app


def phone_cookie(client) -> str | None:
    cookie = client.get_cookie(PHONE_COOKIE, path="/r/")
    return cookie.value if cookie else None


def reports(app, store="S-001") -> list[Survey]:
    with app.app_context():
        rows = db.session.scalars(
            select(Survey).join(Survey.store).where(Survey.source == "self_report").order_by(Survey.received_at)
        ).all()
        rows = [row for row in rows if row.store.code == store]
        for row in rows:
            db.session.expunge(row)
        return rows


def reviewer(app):
    client = app.test_client()
    AuthActions(client).login("reviewer")
    return client


def approve(app, survey_id) -> None:
    with app.app_context():
        db.session.get(Survey, survey_id).review_state = "approved"
        db.session.commit()


# --- the cap per phone ----------------------------------------------------------------------


def test_a_strangers_phone_fills_its_own_quota_and_the_manager_still_reports(roomy):
    app = roomy
    token = staff_token(app)
    stranger, manager = app.test_client(), app.test_client()
    for n in range(3):
        assert send(stranger, token, pk__checkout__PAPER=str(n + 1)).status_code == 302

    refused = send(stranger, token, pk__checkout__PAPER="44", reporter_name="Người lạ")
    page = page_of(refused)
    assert refused.status_code == 200 and PHONE_FULL in page and KEPT in page
    assert value_of(page, "pk__checkout__PAPER") == "44" and value_of(page, "reporter_name") == "Người lạ"
    assert surveys(app) == 3

    sent = send(manager, token, pk__checkout__PAPER="30", reporter_name="Quản lý Hoa")
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/thanks")
    stored = reports(app)
    assert len(stored) == 4
    managers = [row for row in stored if row.reporter_name == "Quản lý Hoa"]
    assert len(managers) == 1 and managers[0].review_state == "received"
    assert len({row.reporter_device for row in stored}) == 2  # two phones
    assert len({row.id for row in stored}) == 4  # each its own report, none merged or replaced

    # Each waits in its own place: four rows in the queue, the manager's among them.
    queue = reviewer(app).get("/review").get_data(as_text=True)
    for row in stored:
        assert queue.count(f"/review/{row.id}") == 1
    assert "4 phiếu" in page_of_text(queue)


def page_of_text(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def test_the_phone_cap_counts_all_stores_and_frees_up_on_review(roomy):
    app = roomy
    first, second = staff_token(app, "S-001"), staff_token(app, "S-002")
    phone = app.test_client()
    assert [send(phone, token).status_code for token in (first, second, first)] == [302, 302, 302]
    assert PHONE_FULL in page_of(send(phone, second))
    approve(app, reports(app, "S-002")[0].id)
    assert send(phone, second).status_code == 302


def test_a_double_tap_after_the_cap_is_still_the_same_report(roomy):
    app = roomy
    token = staff_token(app)
    phone = app.test_client()
    for _ in range(2):
        assert send(phone, token).status_code == 302
    data = fields_of(phone, token) | {"pk__checkout__PAPER": "7"}
    assert phone.post(f"/r/{token}", data=data).status_code == 302  # the third: the phone is now full
    assert phone.post(f"/r/{token}", data=data).status_code == 302  # the same report again, not refused
    assert surveys(app) == 3


# --- the cap per store ------------------------------------------------------------------------


def test_the_store_cap_holds_against_many_phones(roomy):
    app = roomy
    app.config["SELF_REPORT_MAX_PENDING"] = 5
    token = staff_token(app)
    phones = [app.test_client() for _ in range(3)]
    for phone, count in zip(phones, (3, 2, 0), strict=True):
        for _ in range(count):
            assert send(phone, token).status_code == 302
    assert surveys(app) == 5

    refused = send(phones[2], token, pk__checkout__PAPER="19")
    page = page_of(refused)
    assert refused.status_code == 200 and STORE_FULL.format(n=5) in page and KEPT in page
    assert PHONE_FULL not in page and value_of(page, "pk__checkout__PAPER") == "19"
    assert surveys(app) == 5

    # Another store's link is not held up by this one's queue.
    assert send(phones[2], staff_token(app, "S-002")).status_code == 302
    # A decision frees a place.
    approve(app, reports(app)[0].id)
    assert send(phones[2], token).status_code == 302


def test_the_default_caps():
    from app import create_app

    config = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}).config
    assert config["SELF_REPORT_MAX_PENDING_PER_PHONE"] == 3
    assert config["SELF_REPORT_MAX_PENDING"] == 20
    assert config["SELF_REPORT_BURST"] == 5


# --- the phone's cookie ------------------------------------------------------------------------


def set_cookie_header(response) -> str:
    [header] = [value for value in response.headers.getlist("Set-Cookie") if value.startswith(PHONE_COOKIE + "=")]
    return header


def test_opening_the_form_sets_an_http_only_cookie_and_only_its_digest_is_stored(app, client):
    token = staff_token(app)
    header = set_cookie_header(client.get(f"/r/{token}"))
    attributes = [part.strip().lower() for part in header.split(";")]
    assert "httponly" in attributes and "samesite=lax" in attributes and "path=/r/" in attributes
    assert "secure" not in attributes  # plain HTTP while developing
    assert any(part.startswith("max-age=") and int(part.split("=")[1]) >= 365 * 24 * 3600 for part in attributes)
    raw = phone_cookie(client)
    assert raw and self_reports.is_phone_id(raw)

    assert client.get(f"/r/{token}").status_code == 200 and phone_cookie(client) == raw  # kept, not replaced
    assert send(client, token).status_code == 302
    [stored] = reports(app)
    assert stored.reporter_device == hashlib.sha256(raw.encode()).hexdigest() != raw
    with app.app_context():
        for row in db.session.execute(select(Survey.__table__)).mappings():
            assert raw not in " ".join(str(value) for value in row.values())


def test_the_cookie_is_secure_over_https(app, client):
    app.config["SESSION_COOKIE_SECURE"] = True
    header = set_cookie_header(client.get(f"/r/{staff_token(app)}"))
    assert "secure" in [part.strip().lower() for part in header.split(";")]


def test_an_unknown_link_sets_no_cookie(client):
    response = client.get("/r/" + "A" * 43)
    assert response.status_code == 404
    assert not [value for value in response.headers.getlist("Set-Cookie") if value.startswith(PHONE_COOKIE)]


def test_a_phone_without_the_cookie_or_with_a_forged_one_gets_a_fresh_one(app, client):
    token = staff_token(app)
    data = fields_of(client, token) | {"pk__checkout__PAPER": "5"}
    client.set_cookie(PHONE_COOKIE, "not-ours", path="/r/")
    assert client.post(f"/r/{token}", data=data).status_code == 302
    fresh = phone_cookie(client)
    assert fresh != "not-ours" and self_reports.is_phone_id(fresh)
    assert reports(app)[0].reporter_device == self_reports.phone_digest(fresh)


# --- the burst flag ------------------------------------------------------------------------------


def burst_on_pages(app, survey_id) -> tuple[str, str]:
    staff = reviewer(app)
    queue = page_of(staff.get("/review"))
    detail = page_of(staff.get(f"/review/{survey_id}"))
    return queue, detail


def test_one_phone_sending_more_than_five_is_flagged_in_the_queue_and_on_the_report(roomy):
    app = roomy
    app.config["SELF_REPORT_MAX_PENDING_PER_PHONE"] = 100
    token = staff_token(app)
    phone = app.test_client()
    for n in range(6):
        assert send(phone, token, pk__checkout__PAPER=str(n + 1)).status_code == 302
    assert send(app.test_client(), staff_token(app, "S-002")).status_code == 302  # another store, calm
    calm = reports(app, "S-002")[0]
    queue, detail = burst_on_pages(app, reports(app)[-1].id)

    assert [int(n) for n in LINK_BADGE.findall(queue)] == [6] * 6
    assert [int(n) for n in PHONE_BADGE.findall(queue)] == [6] * 6
    assert "burst-flag" not in re.search(rf"<tr>(?:(?!</tr>).)*/review/{calm.id}.*?</tr>", queue, re.S).group(0)
    assert 'id="burst"' in detail and "Nhiều báo cáo cùng lúc" in detail
    assert "đường dẫn của cửa hàng này đã gửi 6 báo cáo trong vòng 24 giờ (nhiều hơn 5)." in detail
    assert "Điện thoại gửi báo cáo này đã gửi 6 báo cáo trong vòng 24 giờ (nhiều hơn 5)." in detail
    assert 'href="#burst"' in detail
    assert 'id="burst"' not in page_of(reviewer(app).get(f"/review/{calm.id}"))


def test_many_phones_on_one_link_flag_the_link_only(roomy):
    app = roomy
    token = staff_token(app)
    for _ in range(6):
        assert send(app.test_client(), token).status_code == 302
    queue, detail = burst_on_pages(app, reports(app)[0].id)
    assert LINK_BADGE.findall(queue) == ["6"] * 6 and not PHONE_BADGE.search(queue)
    assert 'id="burst-link"' in detail and 'id="burst-phone"' not in detail


def test_five_reports_are_no_burst(roomy):
    app = roomy
    app.config["SELF_REPORT_MAX_PENDING_PER_PHONE"] = 100
    token = staff_token(app)
    phone = app.test_client()
    for _ in range(5):
        assert send(phone, token).status_code == 302
    queue, detail = burst_on_pages(app, reports(app)[0].id)
    assert len(reports(app)) == 5
    assert "burst-flag" not in queue and not LINK_BADGE.search(queue) and not PHONE_BADGE.search(queue)
    assert 'id="burst"' not in detail and "Nhiều báo cáo cùng lúc" not in detail


def test_the_threshold_is_a_setting(roomy):
    app = roomy
    app.config["SELF_REPORT_BURST"] = 2
    token = staff_token(app)
    for _ in range(3):
        assert send(app.test_client(), token).status_code == 302
    queue, _detail = burst_on_pages(app, reports(app)[0].id)
    assert LINK_BADGE.findall(queue) == ["3"] * 3


def spread(app, hours: list[float], days_ago: float = 0) -> list[uuid.UUID]:
    """Set the reports' receipt times: so many hours apart, ending `days_ago` days before now."""
    rows = reports(app)
    end = utcnow() - timedelta(days=days_ago)
    with app.app_context():
        for row, offset in zip(rows, hours, strict=True):
            db.session.get(Survey, row.id).received_at = end - timedelta(hours=offset)
        db.session.commit()
    return [row.id for row in rows]


def test_a_burst_stays_flagged_after_a_day_and_reports_spread_out_are_not_one(roomy):
    app = roomy
    token = staff_token(app)
    for _ in range(6):
        assert send(app.test_client(), token).status_code == 302
    ids = spread(app, [0, 1, 2, 3, 4, 5], days_ago=3)  # six within an afternoon, three days ago
    queue, detail = burst_on_pages(app, ids[0])
    assert LINK_BADGE.findall(queue) == ["6"] * 6 and 'id="burst-link"' in detail

    spread(app, [0, 5, 10, 15, 20, 25])  # six over 25 hours: never more than five within 24
    queue, detail = burst_on_pages(app, ids[0])
    assert not LINK_BADGE.search(queue) and 'id="burst"' not in detail


def test_peak_counts_the_fullest_day_around_a_moment():
    hour = timedelta(hours=1)
    start = utcnow()
    times = [start + n * hour for n in (0, 1, 2, 30, 31, 60)]
    assert self_reports.peak(times, times[0]) == 3
    assert self_reports.peak(times, times[3]) == 2  # 30 and 31; 2 is 28 hours before 30
    assert self_reports.peak(times, times[5]) == 1
    assert self_reports.peak(times, start + 20 * hour) == 3  # a moment between reports
    assert self_reports.peak([], start) == 0


def test_inspections_are_never_flagged(app, client, auth):
    from tests.test_self_report import stored

    for _ in range(7):
        stored(app, source="inspection")
    auth.login("reviewer")
    queue = page_of(client.get("/review?source=inspection"))
    assert queue.count("/review/") >= 7 and "burst-flag" not in queue


def test_the_phone_digest_stays_out_of_the_api_and_the_exports(roomy, api):
    app = roomy
    assert send(app.test_client(), staff_token(app), visited_at="2025-05-01T10:00").status_code == 302
    [report] = reports(app)
    api.login("reviewer")
    answers = [
        api.get(f"/api/v1/surveys/{report.id}"),
        api.get("/api/v1/surveys"),
        api.get("/exports/surveys/2025.csv"),
    ]
    assert all(answer.status_code == 200 for answer in answers)
    for answer in answers:
        text = answer.get_data(as_text=True)
        assert report.reporter_device not in text and "reporter_device" not in text
