"""A store found in the field, in real Chromium at 360 px (docs/store-proposals.md, "On the phone"):
proposed and surveyed offline with a photo of its shop front, kept through a reload, sent once however
often it goes, then merged by an admin into a registered store, for which the survey then counts, in the
round too. A proposal without a name or a type is refused on the phone and nothing is saved; one the
server refuses sets its survey aside in the outbox with the server's reason; the exported outbox file
carries the proposal. Screenshots: proposal-link-360, proposal-form-360, proposal-form-errors-360,
proposal-survey-360, proposal-refused-outbox-360."""

from __future__ import annotations

import io
import json
import re
import uuid
from datetime import date, timedelta

from PIL import Image
from sqlalchemy import func, select

from models import Photo, StoreProposal, Survey, db
from tests.browser.conftest import new_phone, save, screenshot, unsent, wait_for_rows
from tests.conftest import AuthActions, JsonClient
from tests.test_proposals_pages import inspector

PLACE = {"latitude": 20.6551, "longitude": 106.0561, "accuracy": 12}
NAME = "Siêu thị Hoa Sen"

# What the phone keeps in IndexedDB, read through its own modules.
DRAFTS = """async () => (await (await import('/static/js/idb.js')).getAll('drafts'))
  .map((d) => ({ name: d.storeName, counts: d.counts, proposal: d.proposal, store_code: d.store_code }))"""
EXPORT = """async () => (await import('/static/js/outbox.js'))
  .exportUnsent(document.querySelector('meta[name="app-user"]').content)"""
IMPORT = """async (data) => (await import('/static/js/outbox.js'))
  .importUnsent(document.querySelector('meta[name="app-user"]').content, data)"""
RESEND = "async (id) => (await import('/static/js/outbox.js')).resend(id)"


def shop_front(tmp_path) -> str:
    path = tmp_path / "mat-tien.jpg"
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (200, 60, 40)).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return str(path)


def open_proposal(page) -> None:
    page.click("#propose-store")
    page.wait_for_selector("#view-propose:not([hidden]) #p-name")


def propose(page, tmp_path, name: str = NAME) -> None:
    """Fill the proposal form with a photo and save it: the survey form opens on the proposed store."""
    open_proposal(page)
    page.fill("#p-name", name)
    page.check("#p-types input[value=supermarket]")
    page.fill("#p-address", "Số 12 đường Điện Biên")
    page.select_option("#p-unit", "HY-PH")
    page.set_input_files("#p-photo-input", shop_front(tmp_path))
    page.wait_for_selector("#p-photo li img")


def count_checkout(page, paper: int) -> None:
    for _ in range(paper):
        page.click("#c-checkout-PAPER ~ button.step[data-step='1']")


def a_round_around_today(app) -> int:
    """A round of the in-scope stores (S-001 among them) whose days include today."""
    today = date.today()
    days = {"starts_on": str(today - timedelta(days=30)), "ends_on": str(today + timedelta(days=30))}
    asked = {"name": "Đợt thử", **days}
    answer = admin_api(app).post("/api/v1/rounds", json=asked)
    assert answer.status_code == 201
    return answer.get_json()["round"]["id"]


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(StoreProposal)),
            db.session.scalar(select(func.count()).select_from(Survey)),
        )


def wait_for_photo(app, page) -> list[Photo]:
    for _ in range(150):
        with app.app_context():
            rows = db.session.scalars(select(Photo)).all()
            if rows and all(row.received_at is not None for row in rows):
                return rows
        page.wait_for_timeout(100)
    raise AssertionError("the shop front never arrived")


def wait_for_draft(page, kept) -> None:
    """Until the draft kept on the phone passes `kept` (it is written shortly after each change)."""
    for _ in range(100):
        if any(kept(draft) for draft in page.evaluate(DRAFTS)):
            return
        page.wait_for_timeout(50)
    raise AssertionError("the draft was never kept")


def admin_api(app) -> JsonClient:
    client = app.test_client()
    return JsonClient(client, AuthActions(client)).login("admin")


def test_a_store_found_offline_is_proposed_surveyed_sent_once_and_merged(browser, live_server, app, tmp_path):
    round_id = a_round_around_today(app)
    mine = {"assignments": [{"store_code": "S-002", "inspector": "inspector"}]}
    plan = json.dumps(mine).encode()
    assert admin_api(app).put(f"/api/v1/rounds/{round_id}/assignments", plan, "application/json").status_code == 200
    context, page = new_phone(browser, live_server, geolocation=PLACE, permissions=["geolocation"])
    page.wait_for_function("() => document.querySelector('#outbox-count').textContent === '0'")
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    # In the field with no signal: the inspector's own list is on the phone.
    page.click(".tabbar [data-tab='todo']")
    page.wait_for_selector("#todo-list button.store[data-code='S-002']")
    assert "chưa khảo sát" in page.text_content("#todo-list")
    page.click(".tabbar [data-tab='stores']")

    propose(page, tmp_path)
    page.wait_for_function("() => document.querySelector('#p-location').textContent === 'Đã lấy vị trí (±12 m)'")
    assert re.fullmatch(r"\d+ KB \(từ \d+ KB\)", page.text_content("#p-photo li span"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "proposal-form-360")
    page.click("#p-save")
    page.wait_for_selector("#view-form:not([hidden])")
    assert page.text_content("#form-store") == NAME
    assert page.text_content("#form-store-meta") == "Cửa hàng mới đề xuất · Phường Phố Hiến"
    page.wait_for_function("() => document.querySelectorAll('#photo-list li').length === 1")
    assert page.input_value("#photo-list li input") == "Mặt tiền cửa hàng"
    count_checkout(page, 3)
    # Midway, the phone reloads (a crash, an update): the draft comes back with its proposal and photo.
    wait_for_draft(page, lambda draft: draft["counts"].get("checkout|PAPER") == 3)
    page.reload()
    page.wait_for_selector("body[data-ready=true] #view-form:not([hidden])")
    assert page.text_content("#form-store") == NAME and page.input_value("#c-checkout-PAPER") == "3"
    page.wait_for_function("() => document.querySelectorAll('#photo-list li').length === 1")
    [draft] = page.evaluate(DRAFTS)
    assert draft["proposal"]["name"] == NAME and draft["store_code"] is None
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "proposal-survey-360")
    save(page)
    assert unsent(page) == 1
    page.click("#outbox-pill")
    page.wait_for_selector("#outbox-list li")
    assert NAME in page.text_content("#outbox-list")
    assert counts(app) == (0, 0)

    context.set_offline(False)
    page.click("#flush-button")
    assert wait_for_rows(app, 1, page=page) == 1
    [photo] = wait_for_photo(app, page)
    with app.app_context():
        proposal = db.session.scalar(select(StoreProposal))
        survey = db.session.scalar(select(Survey))
        assert (proposal.name, proposal.type, proposal.unit.code) == (NAME, "supermarket", "HY-PH")
        assert abs(proposal.lat - PLACE["latitude"]) < 1e-6 and proposal.accuracy_m == 12
        assert survey.store_proposal_id == proposal.id and survey.store_id is None
        assert photo.survey_id == survey.id and photo.caption == "Mặt tiền cửa hàng"
        proposal_id, survey_id = str(proposal.id), str(survey.id)

    # Sent again (the sent log's "send again"), and reloaded: the server still holds one of each.
    assert page.evaluate(RESEND, survey_id) is True
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_function("() => document.querySelector('#outbox-count').textContent === '0'")
    page.click("#outbox-pill")
    page.wait_for_function("() => document.querySelector('#sent-list').textContent.includes('đã nhận trước đó')")
    assert counts(app) == (1, 1)

    admin = admin_api(app)
    assert admin.get(f"/api/v1/rounds/{round_id}/progress").get_json()["visited"] == 0  # waiting: counts nowhere
    merge = {"action": "merge", "store_code": "S-001"}
    answer = admin.post(f"/api/v1/store-proposals/{proposal_id}/decision", json=merge)
    assert answer.status_code == 200
    assert admin.get(f"/api/v1/surveys/{survey_id}").get_json()["store_code"] == "S-001"
    progress = admin.get(f"/api/v1/rounds/{round_id}/progress").get_json()
    assert progress["visited"] == 1 and "S-001" not in [line["store_code"] for line in progress["unvisited"]]
    context.close()


def test_a_proposal_without_a_name_or_a_type_is_refused_on_the_phone_and_nothing_is_saved(browser, live_server, app):
    context, page = new_phone(browser, live_server)
    screenshot(page, "proposal-link-360")
    open_proposal(page)
    page.fill("#p-address", "Chợ mới")
    page.click("#p-save")
    assert page.text_content("#err-p-name") == "Tên cửa hàng: Nhập tên cửa hàng."
    assert page.text_content("#err-p-type") == "Loại cửa hàng: Chọn loại cửa hàng."
    assert page.evaluate("document.activeElement.id") == "p-name"
    assert page.get_attribute("#p-name", "aria-invalid") == "true"
    screenshot(page, "proposal-form-errors-360")
    # The server's limit, counted in characters as it counts them.
    page.fill("#p-name", "Ấ" * 201)
    page.check("#p-types input[value=market]")
    page.click("#p-save")
    assert page.text_content("#err-p-name") == "Tên cửa hàng: Dài 201 ký tự; tối đa 200."
    assert page.locator("#err-p-type").count() == 0
    assert page.is_visible("#view-propose") and page.evaluate(DRAFTS) == [] and unsent(page) == 0
    page.click("#p-cancel")
    assert page.is_visible("#view-stores") and page.evaluate(DRAFTS) == []
    context.close()
    assert counts(app) == (0, 0)


def test_the_export_carries_the_proposal_and_a_refused_one_sets_its_survey_aside(browser, live_server, app, tmp_path):
    context, page = new_phone(browser, live_server)
    context.set_offline(True)
    propose(page, tmp_path)
    page.click("#p-save")
    page.wait_for_selector("#view-form:not([hidden])")
    count_checkout(page, 2)
    save(page)
    exported = page.evaluate(EXPORT)
    context.close()
    [record] = exported["surveys"]
    assert record["proposal"]["name"] == NAME and record["payload"]["store_proposal"] == record["proposal"]["id"]
    assert "store_code" not in record["payload"]

    # The same file on another phone, with a second survey whose proposal names a unit the server lacks.
    refused = {**record, "id": str(uuid.uuid4()), "proposal": {**record["proposal"], "id": str(uuid.uuid4())}}
    refused["proposal"]["unit_code"] = "HY-NOWHERE"
    refused["payload"] = {**record["payload"], "id": refused["id"], "store_proposal": refused["proposal"]["id"]}
    # And a third whose proposal is received but whose survey is refused (a visit in 2099).
    late = {**record, "id": str(uuid.uuid4()), "proposal": {**record["proposal"], "id": str(uuid.uuid4())}}
    late["payload"] = {**record["payload"], "id": late["id"], "store_proposal": late["proposal"]["id"]}
    late["payload"]["visited_at"] = "2099-01-01T10:00:00+07:00"
    other, page = new_phone(browser, live_server)
    posted = []
    page.on("request", lambda r: posted.append(r) if r.method == "POST" and "store-proposals" in r.url else None)
    assert page.evaluate(IMPORT, {**exported, "surveys": [record, refused, late]}) == 3
    page.click("#outbox-pill")
    page.click("#flush-button")
    assert wait_for_rows(app, 1, page=page) == 1
    page.wait_for_selector(f"#outbox-list li[data-id='{late['id']}'].state-invalid")
    reason = page.text_content(f"#outbox-list li[data-id='{refused['id']}'].state-invalid .reason")
    assert reason == "Cửa hàng mới đề xuất: Đơn vị hành chính: Đơn vị hành chính không có trong danh sách."
    assert unsent(page) == 2 and counts(app) == (2, 1)
    screenshot(page, "proposal-refused-outbox-360")
    assert len(posted) == 3  # each proposal once
    # "Gửi lại" of the survey refused on its own posts its proposal again, in case the server lost it.
    page.click(f"#outbox-list li[data-id='{late['id']}'] button[data-retry]")
    for _ in range(100):
        if len(posted) == 4:
            break
        page.wait_for_timeout(50)
    assert len(posted) == 4 and late["proposal"]["id"] in posted[3].post_data
    assert counts(app) == (2, 1)
    other.close()
    # The inspector's own list shows the survey under the proposed name until an admin decides.
    listed = inspector(app).get("/api/v1/surveys?mine=1").get_json()["surveys"]
    assert [(s["store_code"], s["store_name"]) for s in listed] == [(None, NAME)]
