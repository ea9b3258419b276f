"""Secret links, their QR codes and posters, the self-report form, review and counting."""

from __future__ import annotations

import io
import re
import uuid

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from models import AuditEntry, Store, StoreLink, Survey, User, db
from survey.domain import sync, tokens
from tests.conftest import csrf_from, form_fields, staff_token

LINK = re.compile(r'value="(http[^"]+/r/[A-Za-z0-9_-]{43})"')


def make_link(client, code="S-001"):
    """Press "Make the link" on the store's link page (viewing the page alone makes none)."""
    html = client.get(f"/stores/{code}/link").get_data(as_text=True)
    return client.post(f"/stores/{code}/link/create", data={"csrf_token": csrf_from(html)})


def current_url(client, code="S-001") -> str:
    html = client.get(f"/stores/{code}/link").get_data(as_text=True)
    if not LINK.search(html):
        make_link(client, code)
        html = client.get(f"/stores/{code}/link").get_data(as_text=True)
    match = LINK.search(html)
    assert match, "no link on the page"
    return match.group(1)


def decode_qr(png: bytes) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def token_of(url: str) -> str:
    return url.rsplit("/r/", 1)[1]


def change_link(client, code, action):
    html = client.get(f"/stores/{code}/link").get_data(as_text=True)
    return client.post(f"/stores/{code}/link/{action}", data={"csrf_token": csrf_from(html), "comment": "in lại"})


def test_qr_png_holds_exactly_the_current_absolute_link(client, auth):
    auth.login("reviewer")
    url = current_url(client)
    assert url.startswith("http://localhost/r/")
    response = client.get("/stores/S-001/qr.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert decode_qr(response.data) == [url]
    change_link(client, "S-001", "replace")
    new_url = current_url(client)
    assert new_url != url
    assert decode_qr(client.get("/stores/S-001/qr.png").data) == [new_url]


def test_qr_uses_public_base_url_behind_a_proxy(app, client, auth):
    app.config["PUBLIC_BASE_URL"] = "https://baobi.hungyen.gov.vn/"
    auth.login("admin")
    make_link(client, "S-002")
    decoded = decode_qr(client.get("/stores/S-002/qr.png").data)
    assert len(decoded) == 1 and decoded[0].startswith("https://baobi.hungyen.gov.vn/r/")


def test_tokens_are_long_random_and_stored_only_as_digest(app, client, auth):
    auth.login("reviewer")
    tokens = {token_of(current_url(client, code)) for code in ("S-001", "S-002", "S-003")}
    assert len(tokens) == 3 and all(len(t) == 43 for t in tokens)  # 256 bits, base64url
    assert not any(code.lower() in t.lower() for t in tokens for code in ("s-001", "s001"))
    with app.app_context():
        for link in db.session.scalars(select(StoreLink)):
            assert link.token_digest not in tokens and link.nonce not in tokens
            assert len(link.nonce) == 32  # 128 random bits


@pytest.mark.parametrize(("username", "status"), [("inspector", 403), ("reviewer", 200), ("admin", 200)])
def test_qr_and_link_pages_roles(app, client, auth, username, status):
    staff_token(app, "S-001")  # the store has a link, so its QR code and poster exist
    auth.login(username)
    for url in ("/stores/S-001/qr.png", "/stores/S-001/link", "/stores/S-001/poster", "/posters?unit=HY"):
        assert client.get(url).status_code == status, url


def test_qr_needs_login(client):
    assert client.get("/stores/S-001/qr.png").status_code == 302
    assert client.get("/stores/NOPE/qr.png").status_code == 302


def test_unknown_store_qr_is_404_for_staff(client, auth):
    auth.login("reviewer")
    assert client.get("/stores/NOPE/qr.png").status_code == 404


def test_poster_sheet_for_a_unit_lists_its_stores(client, auth):
    auth.login("reviewer")
    html = client.get("/posters?unit=HY").get_data(as_text=True)
    assert "/qr.png" not in html  # no store has a link yet, and viewing the sheet makes none
    client.post("/posters/links", data={"csrf_token": csrf_from(html), "unit": "HY"})
    html = client.get("/posters?unit=HY").get_data(as_text=True)
    for code in ("S-001", "S-002", "S-003"):
        assert f"/stores/{code}/qr.png" in html
    only_commune = client.get("/posters?unit=HY-PH").get_data(as_text=True)
    assert "/stores/S-001/qr.png" in only_commune and "/stores/S-002/qr.png" not in only_commune
    assert "@page" in html and "A4" in html


def self_report(client, token, **changes):
    page = client.get(f"/r/{token}")
    assert page.status_code == 200
    data = form_fields(page.get_data(as_text=True))
    data.update({"pk__checkout__PAPER": "12", "pk__checkout__PE_BAG": "3"})
    data.update(changes)
    return client.post(f"/r/{token}", data=data)


def test_self_report_creates_a_received_self_report(app, client):
    token = staff_token(app)
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert "Cửa hàng S-001" in page and "store_code" not in page
    response = self_report(client, token)
    assert response.status_code == 302 and response.headers["Location"].endswith("/thanks")
    with app.app_context():
        survey = db.session.scalar(select(Survey))
        assert (survey.source, survey.review_state, survey.submitted_by) == ("self_report", "received", None)
        assert survey.store.code == "S-001"


def test_double_submit_stores_one_report(app, client):
    token = staff_token(app)
    data = form_fields(client.get(f"/r/{token}").get_data(as_text=True))
    data.update({"pk__checkout__PAPER": "5"})
    assert client.post(f"/r/{token}", data=data).status_code == 302
    assert client.post(f"/r/{token}", data=data).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Survey)) == 1


def test_a_token_never_reaches_another_store(app, client):
    token = staff_token(app, "S-001")
    self_report(client, token, store_code="S-002")
    with app.app_context():
        assert [s.store.code for s in db.session.scalars(select(Survey))] == ["S-001"]


def test_self_report_needs_csrf_and_valid_counts(app, client):
    token = staff_token(app)
    data = form_fields(client.get(f"/r/{token}").get_data(as_text=True))
    data.pop("csrf_token")
    assert client.post(f"/r/{token}", data={**data, "pk__checkout__PAPER": "3"}).status_code == 400
    bad = self_report(client, token, pk__checkout__PAPER="-1")
    assert bad.status_code == 200 and 'role="alert"' in bad.get_data(as_text=True)
    empty = self_report(client, token, pk__checkout__PAPER="0", pk__checkout__PE_BAG="0")
    assert empty.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Survey)) == 0


def test_an_implausible_visit_date_is_refused_not_a_crash(app, client):
    token = staff_token(app)
    response = self_report(client, token, visited_at="0001-01-01T03:00")
    assert response.status_code == 200 and 'role="alert"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Survey)) == 0


def test_revoked_and_unknown_links_show_the_same_page(app, client, auth):
    token = staff_token(app)
    auth.login("reviewer")
    change_link(client, "S-001", "revoke")
    visitor = app.test_client()  # a store manager's phone
    revoked = visitor.get(f"/r/{token}")
    unknown = visitor.get("/r/" + "A" * 43)
    malformed = visitor.get("/r/short")
    assert revoked.status_code == unknown.status_code == malformed.status_code == 404
    # CSRF tokens and the language switch's return path differ by nature; nothing else may.
    strip = lambda html: re.sub(r'content="[^"]*"|value="[^"]*"|next=[^"]*"', "", html)  # noqa: E731
    assert strip(revoked.get_data(as_text=True)) == strip(unknown.get_data(as_text=True))
    assert "S-001" not in revoked.get_data(as_text=True)
    assert visitor.post(f"/r/{token}", data={}).status_code in (400, 404)
    assert client.get("/stores/S-001/qr.png").status_code == 404  # no link in force, no code to print
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Survey)) == 0


def test_replaced_link_works_at_once_and_old_one_stops(app, client, auth):
    old = staff_token(app)
    auth.login("reviewer")
    change_link(client, "S-001", "replace")
    new = token_of(current_url(client))
    client.post("/logout", data={"csrf_token": auth.csrf()})
    assert client.get(f"/r/{old}").status_code == 404
    assert client.get(f"/r/{new}").status_code == 200
    with app.app_context():
        entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "link_replace")))
        assert len(entries) == 1 and entries[0].actor.username == "reviewer" and entries[0].comment == "in lại"


def test_rate_limit_per_link_answers_429(app, client):
    app.config["SELF_REPORT_LINK_LIMIT"] = "2 per hour"
    token = staff_token(app)
    answers = [self_report(client, token, pk__checkout__PAPER=str(n)) for n in (1, 2, 3)]
    assert [a.status_code for a in answers] == [302, 302, 429]
    page = answers[2].get_data(as_text=True)
    assert "Bạn đã gửi nhiều báo cáo trong giờ qua." in page  # the form again, as typed, and when to retry
    assert re.search(r'name="pk__checkout__PAPER"[^>]*value="3"', page)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Survey)) == 2


def test_a_store_cannot_flood_the_review_queue(app, client):
    app.config["SELF_REPORT_MAX_PENDING"] = 2
    token = staff_token(app)
    results = [self_report(client, token, pk__checkout__PAPER=str(n)).status_code for n in (1, 2, 3)]
    assert results == [302, 302, 200]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Survey)) == 2


# --- review --------------------------------------------------------------------------


def stored(app, source="self_report", store="S-001", paper=10, pe_bags=0) -> str:
    payload = {
        "id": str(uuid.uuid4()),
        "store_code": store,
        "visited_at": "2025-05-01T10:00:00+07:00",
        "form_version": 1,
        "packaging": [
            {"zone": "checkout", "category": "PAPER", "count": paper},
            {"zone": "checkout", "category": "PE_BAG", "count": pe_bags},
        ],
    }
    with app.app_context():
        sender = db.session.scalar(select(User).where(User.username == "inspector"))
        result = sync.store_survey(payload, source, sender if source == "inspection" else None)
        assert result["status"] == "created"
    return payload["id"]


def decide(client, survey_id, state, comment=""):
    html = client.get(f"/review/{survey_id}").get_data(as_text=True)
    return client.post(f"/review/{survey_id}", data={"csrf_token": csrf_from(html), "state": state, "comment": comment})


def test_queue_shows_self_reports_and_inspections_apart(app, client, auth):
    report_id, inspection_id = stored(app), stored(app, source="inspection", store="S-002")
    auth.login("reviewer")
    reports = client.get("/review?source=self_report").get_data(as_text=True)
    assert report_id in reports and inspection_id not in reports
    inspections = client.get("/review?source=inspection").get_data(as_text=True)
    assert inspection_id in inspections and report_id not in inspections
    assert inspection_id not in client.get("/review?source=inspection&store=S-001").get_data(as_text=True)
    assert report_id not in client.get("/review?source=self_report&unit=HY-MH").get_data(as_text=True)
    assert report_id in client.get("/review?source=self_report&from=2025-05-01&to=2025-05-01").get_data(as_text=True)
    assert report_id not in client.get("/review?source=self_report&from=2025-05-02").get_data(as_text=True)


def test_queue_opens_on_the_tab_where_surveys_wait(app, client, auth):
    auth.login("reviewer")
    report_id = stored(app)
    assert report_id in client.get("/review").get_data(as_text=True)  # only a self-report waits
    inspection_id = stored(app, source="inspection", store="S-002")
    first = client.get("/review").get_data(as_text=True)
    assert inspection_id in first and report_id not in first  # inspections come first when both wait


def test_detail_shows_counts_share_and_verdict(app, client, auth):
    survey_id = stored(app, paper=3, pe_bags=1)
    auth.login("reviewer")
    html = client.get(f"/review/{survey_id}").get_data(as_text=True)
    assert "75,0%" in html  # eco share at the checkout, the Vietnamese way
    assert 'class="verdict bad"' in html


@pytest.mark.parametrize(
    ("path", "comment"),
    [
        (["approved", "rejected", "received"], ["", "Sai số liệu", ""]),
        (["has_issues", "approved"], ["Thiếu ảnh", "Đã bổ sung"]),
    ],
)
def test_every_transition_is_audited(app, client, auth, path, comment):
    survey_id = stored(app)
    auth.login("reviewer")
    before = "received"
    for state, note in zip(path, comment, strict=True):
        assert decide(client, survey_id, state, note).status_code == 302
        with app.app_context():
            survey = db.session.get(Survey, uuid.UUID(survey_id))
            assert survey.review_state == state
            entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
            assert (entry.from_value, entry.to_value, entry.comment) == (before, state, note)
            assert entry.actor.username == "reviewer" and entry.target == f"survey:{survey_id}"
        before = state


def test_reject_without_a_reason_is_refused(app, client, auth):
    survey_id = stored(app)
    auth.login("reviewer")
    assert decide(client, survey_id, "rejected").status_code == 200
    with app.app_context():
        assert db.session.get(Survey, uuid.UUID(survey_id)).review_state == "received"
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_review_pages_roles(app, client, auth):
    survey_id = stored(app)
    auth.login("inspector")
    assert client.get("/review").status_code == 403
    assert client.get(f"/review/{survey_id}").status_code == 403
    assert client.get("/audit").status_code == 403


def test_admin_reads_the_audit_log(app, client, auth):
    survey_id = stored(app)
    auth.login("admin")
    decide(client, survey_id, "has_issues", "Kiểm tra lại quầy 2")
    html = client.get("/audit").get_data(as_text=True)
    assert "Kiểm tra lại quầy 2" in html
    # People's names, not raw codes: the store's name stands for the survey.
    assert "Cửa hàng S-001 (S-001)" in html and f"survey:{survey_id}" not in html


def test_indicators_follow_the_review_at_once(app, client, auth):
    report_id = stored(app, paper=10)  # compliant, but a self-report not yet approved
    inspection_id = stored(app, source="inspection", store="S-002", paper=10)
    auth.login("reviewer")
    indicators = lambda: client.get("/api/v1/indicators?year=2025").get_json()  # noqa: E731
    assert (indicators()["stores_surveyed"], indicators()["stores_compliant"]) == (1, 1)
    decide(client, report_id, "approved")
    assert (indicators()["stores_surveyed"], indicators()["stores_compliant"]) == (2, 2)
    decide(client, inspection_id, "rejected", "Đếm nhầm cửa hàng")
    assert (indicators()["stores_surveyed"], indicators()["stores_compliant"]) == (1, 1)


def test_a_closed_store_no_longer_takes_reports(app, client):
    token = staff_token(app)
    with app.app_context():
        store = db.session.scalar(select(Store).where(Store.code == "S-001"))
        store.closed_on = store.opened_on  # closed long ago
        db.session.commit()
    assert client.get(f"/r/{token}").status_code == 404


def test_revoke_withdraws_every_link_in_force(app, client, auth):
    with app.app_context():
        store = db.session.scalar(select(Store).where(Store.code == "S-001"))
        first, second = tokens.new_link(store, None), tokens.new_link(store, None)  # as two requests at once might
        db.session.commit()
        both = [tokens.token_for(first.nonce), tokens.token_for(second.nonce)]
    auth.login("reviewer")
    change_link(client, "S-001", "revoke")
    visitor = app.test_client()
    assert [visitor.get(f"/r/{token}").status_code for token in both] == [404, 404]
