""" "Việc của tôi" in real Chromium at 360 px: the inspector's assigned stores, nearest first, kept on the
phone and shown offline; a store surveyed offline shows "đang chờ gửi" at once, then "đã gửi" once sent."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from models import Store, User, db
from survey.domain.rounds import planning
from survey.domain.rounds.payloads import AssignmentLine, RoundIn
from tests.browser.conftest import fill_survey, new_phone, ready, save, screenshot, wait_for_rows
from tests.browser.test_returned_survey_in_chromium import return_survey

NEAR_S001 = {"latitude": 20.001, "longitude": 106.0}
NEAR_S002 = {"latitude": 21.001, "longitude": 106.0}


def round_in_progress(app) -> date:
    """A round around today with S-001 and S-002 given to the inspector, each store at a known place."""
    today = date.today()
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        asked = RoundIn(
            name="Đợt thử", starts_on=str(today - timedelta(days=30)), ends_on=str(today + timedelta(days=60))
        )
        round_ = planning.create_round(asked, admin)
        lines = [AssignmentLine(store_code=code, inspector="inspector") for code in ("S-001", "S-002")]
        planning.assign(round_, lines, admin)
        for code, lat in (("S-001", 20.0), ("S-002", 21.0)):
            store = db.session.scalar(select(Store).where(Store.code == code))
            store.lat, store.lon = lat, 106.0
        db.session.commit()
    return today + timedelta(days=60)


def open_list(page) -> None:
    page.click("button[data-tab='todo']")
    page.wait_for_selector("#view-todo:not([hidden]) #todo-list button.store")


def first_code(page, code: str) -> None:
    page.wait_for_function(f"() => document.querySelector('#todo-list button.store')?.dataset.code === '{code}'")


def item_text(page, code: str) -> str:
    return page.text_content(f"#todo-list button.store[data-code='{code}']")


def test_the_list_is_kept_offline_nearest_first_and_follows_the_outbox(browser, live_server, app):
    last_day = round_in_progress(app)
    context, page = new_phone(browser, live_server, geolocation=NEAR_S001, permissions=["geolocation"])
    open_list(page)
    first_code(page, "S-001")
    text = item_text(page, "S-001")
    assert "chưa khảo sát" in text and last_day.strftime("%d/%m/%Y") in text and "cách 0,1 km" in text
    context.set_geolocation(NEAR_S002)  # walking to the other store: the list follows
    page.click("button[data-tab='stores']")
    open_list(page)
    first_code(page, "S-002")

    context.set_offline(True)
    page.reload()
    ready(page)
    open_list(page)
    assert page.locator("#todo-list button.store").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.click("#todo-list button.store[data-code='S-001']")  # a tap opens its survey, offline too
    page.wait_for_selector("#view-form:not([hidden])")
    assert "S-001" in page.text_content("#form-store") + page.text_content("#form-store-meta")
    for _ in range(3):
        page.click("#c-checkout-PAPER ~ button.step[data-step='1']")
    page.fill("#c-checkout-PE_BAG", "0")
    page.dispatch_event("#c-checkout-PE_BAG", "input")
    save(page)
    open_list(page)
    assert "đang chờ gửi" in item_text(page, "S-001")
    first_code(page, "S-002")  # still to visit: before the one surveyed
    screenshot(page, "my-list-offline")

    context.set_offline(False)
    page.click("#outbox-pill")
    page.click("#flush-button")
    assert wait_for_rows(app, 1, page=page) == 1
    open_list(page)
    page.wait_for_function(
        "() => document.querySelector(\"#todo-list button.store[data-code='S-001']\").textContent.includes('đã gửi')"
    )
    assert wait_for_rows(app, 1, page=page) == 1
    context.close()


# Five stores where the nearest store next (33.2 km) is not the shortest way; 2-opt finds the best one
# (25.9 km, checked against all 120 orders when the test was written).
STOPS = [(20.137, 106.127), (20.163, 106.048), (20.075, 106.142), (20.14, 106.011), (20.137, 106.094)]
PLAN = """async ([stops]) => {
  const plan = await import('/static/js/day-plan.js');
  const points = stops.map(([lat, lon], i) => ({ code: `S${i}`, lat, lon }));
  const start = { lat: 20.1, lon: 106.1 };
  const day = plan.planDay(start, points);
  return { codes: day.stops.map((s) => s.code), km: day.km,
           nearest: plan.pathKm(plan.nearestNeighbour(start, points)),
           fromFirst: plan.planDay(null, points).stops[0].code, none: plan.planDay(start, []) };
}"""

SORT = """async () => {
  const { sortItems } = await import('/static/js/my-list.js');
  const item = (store_code, unit_name, store_name, shown, lat = null) =>
    ({ store_code, unit_name, store_name, shown, lat, lon: lat });
  const items = [item('e', 'Phường C', 'A', 'pending'), item('b', 'Phường B', 'Ă', 'approved'),
    item('a', 'Phường B', 'Á', 'sent'), item('d', 'Phường B', 'A', 'not_surveyed', 21),
    item('f', 'Phường D', 'A', 'returned'), item('c', 'Phường A', 'Z', 'not_surveyed', 20)];
  const codes = (here) => sortItems(items, here).map((i) => i.store_code).join('');
  return [codes(null), codes({ lat: 21, lon: 21 })];
}"""


def test_the_day_plan_orders_the_ticked_stores_into_a_short_way(browser, live_server, app):
    round_in_progress(app)
    context, page = new_phone(browser, live_server, geolocation=NEAR_S002, permissions=["geolocation"])
    found = page.evaluate(PLAN, [STOPS])
    assert found["codes"] == ["S2", "S0", "S4", "S1", "S3"]
    assert round(found["km"], 1) == 25.9 and round(found["nearest"], 1) == 33.2
    assert found["fromFirst"] == "S0"  # no position: the way starts at the first store ticked
    assert found["none"] == {"stops": [], "km": 0}

    order = page.evaluate(SORT)
    # To do first, then returned, then the rest; nearest first when the phone knows where it is.
    assert order == ["cdfabe", "dcfabe"]

    open_list(page)
    first_code(page, "S-002")
    for code in ("S-001", "S-002"):
        page.check(f"#todo-list input[data-pick='{code}']")
    page.click("#plan-day")
    route = page.locator("#plan-route li").all_text_contents()
    assert route == ["Cửa hàng S-002", "Cửa hàng S-001"]  # from where the inspector stands, near S-002
    # The ticks are kept for the day: a reload (a call, a crash) keeps the plan.
    page.wait_for_timeout(200)
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    open_list(page)
    assert page.is_checked("#todo-list input[data-pick='S-001']") and page.is_checked(
        "#todo-list input[data-pick='S-002']"
    )
    page.click("#plan-day")
    assert page.locator("#plan-route li").all_text_contents() == route
    assert page.text_content("#plan-total") == "Tổng cộng: 111,3 km đường chim bay"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "my-list-day-plan")
    context.close()


def test_a_store_returned_for_more_information_opens_its_correction(browser, live_server, app):
    round_in_progress(app)
    context, page = new_phone(browser, live_server)
    fill_survey(page, "S-001", 4)
    save(page)
    assert wait_for_rows(app, 1, page=page) == 1
    original = return_survey(app, "Thiếu ảnh quầy thu ngân")
    page.reload()  # online: the review and the list's states come back
    page.wait_for_selector("#returned-banner:not([hidden])")
    open_list(page)
    page.wait_for_selector("#todo-list button.store[data-code='S-001'][data-state='returned']")
    assert "cần bổ sung" in item_text(page, "S-001")
    page.click("#todo-list button.store[data-code='S-001']")
    page.wait_for_selector("#view-form:not([hidden])")
    assert "sửa phiếu bị trả lại" in page.text_content("#form-store-meta")
    [draft] = page.evaluate("import('/static/js/idb.js').then((idb) => idb.getAll('drafts'))")
    assert draft["supersedes"] == original and draft["counts"]["checkout|PAPER"] == 4
    context.close()
