"""The app's language switch works with no network, and the phone keeps the choice."""

from __future__ import annotations

from tests.browser.conftest import new_phone, ready


def test_switch_to_english_and_back_offline(browser, live_server, app):
    context, page = new_phone(browser, live_server)
    page.evaluate("navigator.serviceWorker.ready")
    context.set_offline(True)
    page.reload()
    ready(page)
    assert page.text_content("#view-stores h1") == "Chọn cửa hàng"
    page.click("a.lang-switch[data-lang='en']")
    ready(page)
    assert page.text_content("#view-stores h1") == "Choose a store"
    page.goto(f"{live_server}/app")  # the plain address: the phone remembers English
    ready(page)
    assert page.text_content("#view-stores h1") == "Choose a store"
    page.click("a.lang-switch[data-lang='vi']")
    ready(page)
    assert page.text_content("#view-stores h1") == "Chọn cửa hàng"
    context.close()
