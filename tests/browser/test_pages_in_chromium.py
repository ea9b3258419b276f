"""The log-in page and the survey form in real Chromium at phone size."""

from __future__ import annotations

from sqlalchemy import select

from models import Survey, db
from tests.browser.conftest import log_in, screenshot


def test_inspector_fills_the_form_without_javascript_at_360px(browser, live_server, app):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, "inspector")
    page.goto(live_server + "/surveys/new")
    screenshot(page, "survey-form-360")
    page.select_option("#store_code", "S-001")
    page.fill("#pk__checkout__PAPER", "25")
    page.fill("#pk__checkout__PE_BAG", "3")
    page.fill("#el__VN_ECOLABEL", "2")
    page.click("#submit")
    assert page.locator(".flash").count() == 1
    # Nothing wider than the phone: no sideways scrolling on the form.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    context.close()
    with app.app_context():
        surveys = list(db.session.scalars(select(Survey)))
        assert len(surveys) == 1 and surveys[0].store.code == "S-001"
        assert {p.category_code: p.count for p in surveys[0].packaging} == {"PAPER": 25, "PE_BAG": 3}


def test_login_page_is_vietnamese_and_fits_360px(phone, live_server):
    phone.goto(live_server + "/login")
    assert "Đăng nhập" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "login-360")


def test_reviewer_indicators_page_fits_360px(phone, live_server):
    log_in(phone, live_server, "reviewer")
    assert phone.url.endswith("/review")  # a reviewer lands on what waits for them
    phone.goto(live_server + "/indicators")
    phone.wait_for_load_state("networkidle")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "indicators-360")
