"""The app's start in real Chromium: the first screen comes from one read of the phone's database,
before the parts loaded later (the form, sending, the sent surveys' list); a first visit asks the
server for the vocabularies and the stores once each, as the page starts, and the list arriving
moves nothing on the screen."""

from __future__ import annotations

import re

from tests.browser.conftest import log_in, ready

# The modules the first screen must not need (survey/web/offline_app.py: LAZY_SCRIPTS).
LATER = re.compile(r"/static/js/(form|outbox|photos|location|mine-view)\.js$")

# What boot.js reads for the first screen, put on the phone as the app would have left it: one
# survey queued, one photo waiting to go, one survey returned for correction, one draft.
LEAVE_WORK = """async () => {
  const idb = await import('/static/js/idb.js');
  await idb.put('outbox', { id: 'q-1', owner: 'inspector', savedAt: new Date().toISOString(), attempts: 0,
    payload: { id: 'q-1', store_code: 'S-001' }, storeName: 'Siêu thị A' });
  await idb.put('photos', { id: 'p-1', owner: 'inspector', surveyId: 'q-0', state: 'upload', caption: '' });
  await idb.put('photos', { id: 'p-2', owner: 'inspector', surveyId: 'q-1', state: 'waiting', caption: '' });
  await idb.put('drafts', { id: 'd-1', owner: 'inspector', storeName: 'Siêu thị B',
    updatedAt: '2025-06-14T02:30:00Z' });
  await idb.setMeta('mine:inspector', { fetchedAt: new Date().toISOString(), surveys: [
    { id: 'r-1', store_code: 'S-001', review_state: 'has_issues', superseded_by: null },
    { id: 'r-2', store_code: 'S-001', review_state: 'approved', superseded_by: null }] });
}"""


def test_the_first_screen_is_drawn_without_the_parts_loaded_later(browser, live_server):
    # No service worker: every request reaches the routes below, and the later parts can be refused.
    context = browser.new_context(viewport={"width": 360, "height": 740}, service_workers="block")
    page = context.new_page()
    # The server is never told of the work left below, nor asked for a fresher list of sent surveys.
    context.route(re.compile(r"/api/v1/(surveys|assignments)"), lambda route: route.abort())
    log_in(page, live_server, "inspector")
    ready(page)
    page.evaluate(LEAVE_WORK)

    # Refused outright: a start that imported any of them would never get as far as being ready.
    context.route(LATER, lambda route: route.abort())
    page.reload()
    page.wait_for_selector("body[data-ready=true]")

    assert page.locator("#store-list button.store").count() > 0
    assert page.text_content("#outbox-count") == "1"
    assert page.text_content("#outbox-photo-count") == "1"  # the waiting photo's survey is not sent yet
    assert page.text_content("#returned-count") == "1" and page.is_visible("#returned-banner")
    assert "Siêu thị B" in page.text_content("#draft-list")
    context.close()


# Every layout shift of the page, as the browser measures them for the Web Vitals.
WATCH_SHIFTS = """window.shifts = [];
new PerformanceObserver((list) => { for (const entry of list.getEntries()) window.shifts.push(entry.value); })
  .observe({ type: 'layout-shift', buffered: true });"""


def test_a_first_visit_asks_for_the_vocabularies_and_the_stores_once_each(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 740}, service_workers="block")
    page = context.new_page()
    page.add_init_script(WATCH_SHIFTS)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url.removeprefix(live_server)))
    log_in(page, live_server, "inspector")
    ready(page)  # the stores came from the server: the phone had none
    page.wait_for_function("() => !document.querySelector('#stores-refreshed').textContent.endsWith('–')")

    assert asked.count("/app/vocabularies.json") == 1
    assert asked.count("/api/v1/stores") == 1
    # Both were asked for by the page's first script, before the app's modules were run.
    started = page.evaluate("""() => Object.fromEntries(performance.getEntriesByType('resource')
        .map((entry) => [new URL(entry.name).pathname, entry.startTime]))""")
    modules_ran = page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventStart")
    assert started["/app/vocabularies.json"] < modules_ran and started["/api/v1/stores"] < modules_ran
    # The list arriving after the first paint moves nothing already on show.
    assert page.evaluate("window.shifts") == []
    context.close()


def test_a_phone_whose_database_cannot_open_says_so(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 740}, service_workers="block")
    page = context.new_page()
    log_in(page, live_server, "inspector")
    page.wait_for_selector("body[data-ready=true]")
    # A browser that refuses storage (some private modes do): the page says what went wrong.
    page.add_init_script("indexedDB.open = () => { throw new DOMException('refused', 'SecurityError'); };")
    page.reload()
    page.wait_for_selector("#status:not([hidden])")
    assert page.text_content("#status") == "Không đọc được dữ liệu lưu trên điện thoại này: refused"
    assert page.get_attribute("body", "data-ready") is None
    context.close()


def test_a_phone_with_no_stores_says_how_to_get_them_below_the_empty_list(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 740}, service_workers="block")
    context.route("**/api/v1/stores", lambda route: route.fulfill(json={"stores": []}))
    page = context.new_page()
    log_in(page, live_server, "inspector")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("#stores-empty:not([hidden])")
    assert page.text_content("#stores-empty") == "Chưa có danh sách cửa hàng: hãy kết nối mạng một lần để tải về."
    assert page.text_content("#store-count") == "0 / 0 cửa hàng"
    assert page.locator("#store-list li").count() == 0
    context.close()
