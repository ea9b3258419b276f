"""The inspector's offline app in real Chromium: nothing lost, nothing duplicated.

Each test counts rows in the database the app really syncs to.
"""

from __future__ import annotations

import json
import time

from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    fill_survey,
    log_in,
    new_phone,
    open_app,
    ready,
    save,
    screenshot,
    survey_rows,
    unsent,
    wait_for_rows,
)


def test_offline_reload_save_three_then_sync_exactly_three(browser, live_server, app):
    context, page = new_phone(browser, live_server)
    context.set_offline(True)
    page.reload()
    ready(page)  # the shell, the vocabularies and the store list all came from the phone
    for paper in (3, 4, 5):
        fill_survey(page, "S-001", paper)
        save(page)
    page.reload()
    ready(page)
    assert unsent(page) == 3
    assert survey_rows(app) == 0
    context.set_offline(False)
    page.click("#outbox-pill")
    page.click("#flush-button")
    assert wait_for_rows(app, 3) == 3
    page.wait_for_function("() => document.querySelector('#outbox-count').textContent === '0'")
    assert survey_rows(app) == 3
    context.close()


def test_server_error_then_dropped_connection_then_recovery_delivers_once(browser, live_server, app):
    context, page = new_phone(browser, live_server)
    calls = []

    def flaky(route):
        calls.append(route.request.method)
        if len(calls) == 1:
            route.fulfill(status=500, content_type="application/json", body='{"error": {"code": "server_error"}}')
        elif len(calls) == 2:
            route.abort("connectionreset")
        else:
            route.continue_()

    context.route("**/api/v1/surveys", flaky)
    fill_survey(page, "S-001", 2)
    save(page)
    fill_survey(page, "S-002", 3)
    save(page)
    page.wait_for_function("() => document.querySelector('#status').textContent.length > 0")
    deadline = time.monotonic() + 20
    while len(calls) < 3 and time.monotonic() < deadline:
        page.click("#outbox-pill")
        page.click("#flush-button")
        time.sleep(0.5)
    assert wait_for_rows(app, 2, page=page) == 2
    page.wait_for_function("() => document.querySelector('#outbox-count').textContent === '0'")
    assert len(calls) >= 3 and survey_rows(app) == 2
    context.close()


def test_two_tabs_flushing_at_once_and_a_double_tap_make_one_row(browser, live_server, app):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    first = context.new_page()
    open_app(first, live_server)
    second = context.new_page()
    second.goto(live_server + "/app")
    ready(second)
    context.set_offline(True)
    fill_survey(first, "S-001", 2)
    first.dblclick("#save-survey")
    first.wait_for_selector("#view-stores:not([hidden])")
    context.set_offline(False)
    both = "import('/static/js/outbox.js').then((m) => m.flush(document.querySelector('meta[name=app-user]').content))"
    first.evaluate(f"() => {{ {both}; }}")
    second.evaluate(f"() => {{ {both}; }}")
    assert wait_for_rows(app, 1) == 1
    time.sleep(1)  # give a second, wrongly duplicated row the time to appear
    assert survey_rows(app) == 1
    context.close()


def test_one_invalid_survey_in_five_is_set_aside_with_its_reason(browser, live_server, app):
    context, page = new_phone(browser, live_server)
    context.set_offline(True)
    for paper in (1, 2, 3, 4):
        fill_survey(page, "S-001", paper)
        save(page)
    # A survey for a store the server no longer knows, as an old phone might hold.
    page.evaluate(
        """async () => {
            const outbox = await import('/static/js/outbox.js');
            const owner = document.querySelector('meta[name=app-user]').content;
            await outbox.saveSurvey(owner, {
              id: crypto.randomUUID(), store_code: 'GONE-999', visited_at: '2025-06-14T09:30:00+07:00',
              form_version: 1, packaging: [{zone: 'checkout', category: 'PAPER', count: 5}],
              eco_labels: [], skus_checked: null, notes: ''}, 'Cửa hàng đã xoá');
        }"""
    )
    context.set_offline(False)
    page.click("#outbox-pill")
    page.click("#flush-button")
    assert wait_for_rows(app, 4) == 4
    page.wait_for_selector(".outbox-item.state-invalid .reason")
    reason = page.text_content(".outbox-item.state-invalid .reason")
    assert "Cửa hàng" in reason and "store_code" not in reason  # the field named for a person
    assert unsent(page) == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "offline-outbox-360")
    context.close()


def test_update_while_form_half_filled_keeps_the_form(browser, live_server, app):
    context, page = new_phone(browser, live_server)
    fill_survey(page, "S-002", 4, pe_bags=2)
    page.fill("#f-notes", "Đang đếm dở")
    page.dispatch_event("#f-notes", "input")
    app.config["ASSET_VERSION"] = "next-version"  # a deploy: /sw.js now differs
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    page.wait_for_selector("#update-banner:not([hidden])", timeout=15000)
    assert page.input_value("#c-checkout-PAPER") == "4"  # nothing changed under the inspector's thumb
    with page.expect_navigation():
        page.click("#update-button")
    ready_form = page.wait_for_selector("#view-form:not([hidden])")
    assert ready_form
    page.wait_for_function("() => document.querySelector('#c-checkout-PAPER')?.value === '4'")
    assert page.input_value("#c-checkout-PE_BAG") == "2"
    assert page.input_value("#f-notes") == "Đang đếm dở"
    # The old shell's cache is gone; the barcode decoder's, fetched with the first form, stays (sw.js).
    version = [name for name in page.evaluate("caches.keys()") if name != "baobi-vendor"]
    assert any("next-version" in name for name in version) and len(version) == 1
    context.close()


def test_saving_right_after_typing_leaves_no_ghost_draft(browser, live_server, app):
    context, page = new_phone(browser, live_server)
    context.set_offline(True)
    fill_survey(page, "S-001", 2)
    page.fill("#f-notes", "vừa gõ xong")
    page.dispatch_event("#f-notes", "input")
    page.click("#save-survey")  # within the draft's 300 ms delay
    page.wait_for_selector("#view-stores:not([hidden])")
    page.wait_for_timeout(600)
    page.reload()
    ready(page)
    assert page.is_visible("#view-stores") and not page.is_visible("#view-form")
    assert page.locator("#draft-list li").count() == 0
    assert unsent(page) == 1
    context.close()


def test_chromium_reports_no_installability_errors(playwright_session, live_server, tmp_path):
    # A profile on disk: Chromium never offers to install from an incognito context.
    context = playwright_session.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": 360, "height": 740},
    )
    page = context.pages[0] if context.pages else context.new_page()
    open_app(page, live_server)
    session = context.new_cdp_session(page)
    errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == []
    manifest = session.send("Page.getAppManifest")
    assert json.loads(manifest["data"])["start_url"] == "/app"
    context.close()


def test_logout_with_unsent_surveys_warns_and_keeps_them(browser, live_server, app):
    context, page = new_phone(browser, live_server)
    context.set_offline(True)
    fill_survey(page, "S-001", 2)
    save(page)
    prompts = []

    def refuse(dialog):
        prompts.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    page.click("#logout-form button")
    assert prompts and "1" in prompts[0]
    assert page.url.endswith("/app") and unsent(page) == 1
    page.remove_listener("dialog", refuse)
    page.on("dialog", lambda dialog: dialog.accept())
    context.set_offline(False)
    with page.expect_navigation():
        page.click("#logout-form button")
    assert "/login" in page.url
    # The page that named this inspector is gone from the cache; the surveys stay on the phone.
    page.wait_for_selector("html[data-app-forgotten=true]")
    assert page.evaluate("caches.match('/app').then((r) => r === undefined)")
    log_in(page, live_server, "inspector")
    page.wait_for_url("**/app")
    ready(page)
    assert unsent(page) == 1 or wait_for_rows(app, 1, page=page) == 1
    context.close()


def test_export_then_import_on_another_phone(browser, live_server, app, tmp_path):
    context = browser.new_context(viewport={"width": 360, "height": 740}, accept_downloads=True)
    page = context.new_page()
    open_app(page, live_server)
    context.set_offline(True)
    fill_survey(page, "S-001", 6)
    save(page)
    page.click("#outbox-pill")
    with page.expect_download() as download:
        page.click("#export-button")
    path = tmp_path / "unsent.json"
    download.value.save_as(path)
    exported = json.loads(path.read_text(encoding="utf-8"))
    assert exported["format"] == "baobi-outbox" and len(exported["surveys"]) == 1
    context.close()

    other = browser.new_context(viewport={"width": 360, "height": 740})
    page = other.new_page()
    open_app(page, live_server)
    page.click("#outbox-pill")
    page.set_input_files("#import-file", str(path))
    assert wait_for_rows(app, 1) == 1
    other.close()
