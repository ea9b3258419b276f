"""A store manager reports through the link on a phone; a reviewer finds it in the queue."""

from __future__ import annotations

from tests.browser.conftest import log_in, screenshot, wait_for_rows
from tests.conftest import staff_token


def test_manager_reports_at_360px_and_reviewer_finds_it(browser, live_server, app):
    token = staff_token(app, "S-002")
    manager = browser.new_context(viewport={"width": 360, "height": 740})
    page = manager.new_page()
    page.goto(f"{live_server}/r/{token}")
    assert "Cửa hàng S-002" in page.text_content("h1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "self-report-form-360")
    page.fill("#pk__checkout__PAPER", "14")
    page.fill("#pk__checkout__CUSTOMER_OWN", "9")
    page.fill("#pk__store_packed__NATURAL", "4")
    page.fill("#el__VN_ECOLABEL", "2")
    page.click("#send-report")
    page.wait_for_url("**/thanks")
    screenshot(page, "self-report-thanks-360")
    assert wait_for_rows(app, 1) == 1
    manager.close()

    staff = browser.new_context(viewport={"width": 360, "height": 740})
    page = staff.new_page()
    log_in(page, live_server, "reviewer")
    page.goto(f"{live_server}/review?source=self_report")
    page.wait_for_selector("table tbody a")
    assert "Cửa hàng S-002" in page.text_content("table tbody")
    screenshot(page, "review-queue-360")
    page.click("table tbody a")
    page.wait_for_selector("#review-state")
    screenshot(page, "review-detail-360")
    staff.close()
