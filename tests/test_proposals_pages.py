"""The admin's pages of stores found in the field: the waiting list with the stores nearby, and the three
decisions as forms with their CSRF token, each saying in Vietnamese what it did."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from models import Photo, Store, StoreProposal, Survey, db
from tests.conftest import AuthActions, JsonClient, csrf_from, make_survey, sync_via_api

PROPOSAL = {
    "name": "Siêu thị Minh Anh",
    "type": "supermarket",
    "address": "Số 5 đường Nguyễn Văn Linh",
    "unit_code": "HY-PH",
    "location": {"lat": 20.6466, "lon": 106.0512, "accuracy_m": 12},
}


def inspector(app) -> JsonClient:
    client = app.test_client()
    return JsonClient(client, AuthActions(client)).login("inspector")


def proposed(app, **change) -> tuple[str, str]:
    """A proposal and one survey of it, sent from the phone: their ids."""
    phone = inspector(app)
    body = {"id": str(uuid.uuid4()), **PROPOSAL, **change}
    assert phone.post("/api/v1/store-proposals", json=body).status_code == 201
    survey = make_survey()
    del survey["store_code"]
    survey["store_proposal"] = body["id"]
    assert sync_via_api(phone, survey)[0]["status"] == "created"
    return body["id"], survey["id"]


def place_stores(app) -> None:
    """S-001 stands about 110 m from the proposal; S-002, far away, bears the same distinguishing name."""
    with app.app_context():
        stores = {store.code: store for store in db.session.scalars(select(Store))}
        stores["S-001"].lat, stores["S-001"].lon = 20.6476, 106.0512
        stores["S-002"].name, stores["S-002"].lat, stores["S-002"].lon = "TTTM Minh Anh", 21.0, 105.8
        db.session.commit()


def decide_with_form(client, proposal_id: str, data: dict):
    page = client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    return client.post(f"/proposals/{proposal_id}/decision", data={**data, "csrf_token": csrf_from(page)})


def status_of(app, proposal_id: str) -> str:
    with app.app_context():
        return db.session.get(StoreProposal, uuid.UUID(proposal_id)).status


def test_the_list_shows_each_waiting_proposal_with_the_stores_near_it(app, client, auth):
    proposal_id, survey_id = proposed(app)
    place_stores(app)
    with app.app_context():
        db.session.add(
            Photo(id=uuid.uuid4(), survey_id=uuid.UUID(survey_id), position=0, caption="Mặt tiền",
                  received_at=datetime.now(UTC).replace(tzinfo=None))
        )  # fmt: skip
        db.session.commit()
    auth.login("admin")
    html = client.get("/proposals").get_data(as_text=True)
    assert 'href="/proposals"' in html  # in the admin's navigation
    card = html[html.index(f'id="proposal-{proposal_id}"') :]
    assert "Siêu thị Minh Anh" in card and "Số 5 đường Nguyễn Văn Linh" in card and "Phường Phố Hiến" in card
    assert "1 đề xuất đang chờ quyết định." in html
    rows = re.findall(r'<tr data-code="([^"]+)">(.*?)</tr>', card, re.S)
    assert [code for code, _row in rows] == ["S-001", "S-002"]  # the nearest first
    assert "111 m" in rows[0][1] and "Không" in rows[0][1]  # near, another name
    assert "Có" in rows[1][1]  # far away, the same name ("Minh Anh")
    assert "Mặt tiền" in card and "size=thumb" in card


def test_only_admins_see_the_pages(app, client, auth):
    proposal_id, _survey = proposed(app)
    auth.login("reviewer")
    assert client.get("/proposals").status_code == 403
    assert client.get(f"/proposals/{proposal_id}").status_code == 403
    assert 'href="/proposals"' not in client.get("/review").get_data(as_text=True)


def test_each_decision_is_a_form_with_its_csrf_token(app, client, auth):
    proposal_id, _survey = proposed(app)
    auth.login("admin")
    html = client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    forms = re.findall(r"<form [^>]*action=\"/proposals/[^\"]+/decision\".*?</form>", html, re.S)
    assert len(forms) == 3
    for form, action in zip(forms, ("create", "merge", "reject"), strict=True):
        assert 'name="csrf_token"' in form and f'name="action" value="{action}"' in form
    assert '<option value="HY-PH" selected>' in forms[0]  # the inspector's unit, chosen already
    without_token = client.post(f"/proposals/{proposal_id}/decision", data={"action": "reject", "comment": "x"})
    assert without_token.status_code == 400
    assert status_of(app, proposal_id) == "waiting"


def test_create_from_the_form_adds_the_store_and_says_so(app, client, auth):
    proposal_id, survey_id = proposed(app)
    auth.login("admin")
    response = decide_with_form(client, proposal_id, {"action": "create", "code": "HY-0201", "unit_code": "HY-PH"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/proposals")
    page = client.get("/proposals").get_data(as_text=True)
    assert "Đã thêm Siêu thị Minh Anh vào danh sách với mã HY-0201; 1 phiếu của cửa hàng nay được tính." in page
    assert "0 đề xuất đang chờ quyết định." in page
    with app.app_context():
        assert db.session.get(Survey, uuid.UUID(survey_id)).store.code == "HY-0201"
    review = client.get(f"/review/{survey_id}").get_data(as_text=True)
    assert "HY-0201" in review


def test_merge_into_a_store_picked_from_those_nearby(app, client, auth):
    proposal_id, survey_id = proposed(app)
    place_stores(app)
    auth.login("admin")
    response = decide_with_form(client, proposal_id, {"action": "merge", "store_code": "S-001", "other_code": ""})
    assert response.status_code == 302
    assert "Đã gộp Siêu thị Minh Anh vào cửa hàng S-001" in client.get("/proposals").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Survey, uuid.UUID(survey_id)).store.code == "S-001"


def test_a_typed_code_wins_over_a_picked_store(app, client, auth):
    proposal_id, _survey = proposed(app)
    place_stores(app)
    auth.login("admin")
    decide_with_form(client, proposal_id, {"action": "merge", "store_code": "S-001", "other_code": "S-002"})
    with app.app_context():
        assert db.session.get(StoreProposal, uuid.UUID(proposal_id)).store.code == "S-002"


@pytest.mark.parametrize(
    ("data", "shown"),
    [
        ({"action": "reject", "comment": ""}, "Vui lòng nêu rõ nội dung chưa đúng"),
        ({"action": "create", "code": "S-001", "unit_code": "HY-PH"}, "Đã có cửa hàng mang mã này."),
        ({"action": "merge", "other_code": "NOPE"}, "Cửa hàng không có trong danh sách."),
    ],
)
def test_a_refused_decision_shows_why_and_changes_nothing(app, client, auth, data, shown):
    proposal_id, _survey = proposed(app)
    auth.login("admin")
    response = decide_with_form(client, proposal_id, data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert shown in html and "Chưa có quyết định nào được lưu." in html
    assert status_of(app, proposal_id) == "waiting"


def test_reject_from_the_form(app, client, auth):
    proposal_id, survey_id = proposed(app)
    auth.login("admin")
    decide_with_form(client, proposal_id, {"action": "reject", "comment": "Tạp hoá nhỏ, không phải siêu thị"})
    assert "Đã từ chối đề xuất Siêu thị Minh Anh" in client.get("/proposals").get_data(as_text=True)
    page = client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert "bị từ chối" in page and "Tạp hoá nhỏ, không phải siêu thị" in page
    assert "/decision" not in page  # decided: no form any more
    again = decide_with_form(client, proposal_id, {"action": "create", "code": "HY-0202", "unit_code": "HY-PH"})
    assert again.status_code == 302
    assert "đã được quyết định trước đó" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert status_of(app, proposal_id) == "rejected"
    review = client.get(f"/review/{survey_id}").get_data(as_text=True)
    assert "không được tính" in review


def test_the_review_page_of_a_waiting_proposals_survey(app, client, auth):
    proposal_id, survey_id = proposed(app)
    auth.login("admin")
    html = client.get(f"/review/{survey_id}").get_data(as_text=True)
    assert "Siêu thị Minh Anh" in html and f'href="/proposals/{proposal_id}"' in html
    assert "chỉ được tính khi quản trị viên thêm cửa hàng vào danh sách" in html
    assert survey_id not in client.get("/review").get_data(as_text=True)  # not in the queue while it waits


def test_names_are_escaped(app, client, auth):
    proposal_id, _survey = proposed(app, name="<script>alert(1)</script> Mart", address="<b>x</b>")
    auth.login("admin")
    for url in ("/proposals", f"/proposals/{proposal_id}"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; Mart" in html
        assert "<b>x</b>" not in html
