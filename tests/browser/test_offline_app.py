"""The inspector's offline app in real Chromium: nothing lost, nothing duplicated."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from models import Survey, db
from tests.browser.conftest import screenshot
from tests.browser.test_pages_in_chromium import log_in


def survey_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Survey))


def wait_for_rows(app, expected: int, timeout: float = 10) -> int:
    """Poll the database until it holds the expected number of surveys (or time runs out)."""
    deadline = time.monotonic() + timeout
    while (rows := survey_rows(app)) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    return rows


def open_app(page, base: str) -> None:
    log_in(page, base, "inspector")
    page.wait_for_url("**/app")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_function("navigator.serviceWorker.controller !== null || navigator.serviceWorker.ready")
    page.wait_for_selector("#store-list button.store")


def fill_survey(page, store_code: str, paper: int, pe_bags: int = 0) -> None:
    page.click(f"#store-list button.store[data-code='{store_code}']")
    page.wait_for_selector("#view-form:not([hidden])")
    for _ in range(paper):
        page.click("#c-checkout-PAPER ~ button.step[data-step='1']")
    page.fill("#c-checkout-PE_BAG", str(pe_bags))
    page.dispatch_event("#c-checkout-PE_BAG", "input")


def test_smoke_open_fill_and_sync(phone, live_server, app):
    messages = []
    phone.on("console", lambda message: messages.append(message.text))
    phone.on("pageerror", lambda error: messages.append(str(error)))
    open_app(phone, live_server)
    screenshot(phone, "offline-store-picker-360")
    fill_survey(phone, "S-001", paper=3, pe_bags=1)
    screenshot(phone, "offline-form-360")
    phone.click("#save-survey")
    assert wait_for_rows(app, 1) == 1, messages
    phone.wait_for_selector("#sent-list li", state="attached")
