"""Real Chromium (Debian's /usr/bin/chromium) driving the app served on loopback.

Where the browser is missing these tests are skipped with a loud message, unless
CI or REQUIRE_BROWSER is set: then a missing browser fails the run.

Also the helpers that several browser tests share: log_in, open_app, new_phone, ready,
fill_survey, save, unsent, survey_rows, wait_for_rows and screenshot.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
import warnings
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from models import Survey, db
from tests.conftest import PASSWORDS

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
# The flags that keep Chromium from reaching for Google's servers on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def browser_required() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER"))


@pytest.fixture(scope="session")
def playwright_session():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}: browser tests NOT RUN (apt-get install chromium)"
        if browser_required():
            pytest.fail(message + " and CI/REQUIRE_BROWSER is set", pytrace=False)
        warnings.warn(message, pytest.PytestWarning, stacklevel=1)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_session):
    browser = playwright_session.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def live_server(app):
    """Serve the test app on a free loopback port in a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def phone(browser):
    """A page the size of a mid-range phone: 360×740."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", device_scale_factor=1)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot for a person to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORDS[username])
    with page.expect_navigation():
        page.click("#submit")
    page.wait_for_load_state("load")


def survey_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Survey))


def wait_for_rows(app, expected: int, timeout: float = 15, page=None) -> int:
    """Poll the database until it holds the expected number of surveys (or time runs out).

    With a page, wait through Playwright so that its route handlers keep running meanwhile.
    """
    deadline = time.monotonic() + timeout
    while (rows := survey_rows(app)) != expected and time.monotonic() < deadline:
        if page is not None:
            page.wait_for_timeout(100)
        else:
            time.sleep(0.1)
    return rows


def open_app(page, base: str, username: str = "inspector") -> None:
    log_in(page, base, username)
    page.wait_for_url("**/app")
    ready(page)
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def new_phone(browser, base: str, **options):
    """A fresh 360×740 phone with the inspector's app open and its service worker in control.

    Options go to the browser context (a geolocation and its permission, for instance)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, **options)
    page = context.new_page()
    open_app(page, base)
    return context, page


def ready(page) -> None:
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("#store-list button.store")


def fill_survey(page, store_code: str, paper: int, pe_bags: int = 0) -> None:
    page.fill("#store-search", "")
    page.click(f"#store-list button.store[data-code='{store_code}']")
    page.wait_for_selector("#view-form:not([hidden])")
    for _ in range(paper):
        page.click("#c-checkout-PAPER ~ button.step[data-step='1']")
    page.fill("#c-checkout-PE_BAG", str(pe_bags))
    page.dispatch_event("#c-checkout-PE_BAG", "input")


def save(page) -> None:
    page.click("#save-survey")
    page.wait_for_selector("#view-stores:not([hidden])")


def wait_until(page, script: str, timeout: float = 15) -> None:
    """Poll a page function answering a promise until it resolves true. (wait_for_function takes the
    promise itself for true, so it would not wait at all.)"""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        if time.monotonic() > deadline:
            raise AssertionError(f"never true within {timeout} s: {script[:120]}")
        page.wait_for_timeout(100)


def no_then_yes(page) -> list[str]:
    """Answer the page's confirmations "no" the first time and "yes" after; return their messages."""
    asked: list[str] = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.dismiss() if len(asked) == 1 else dialog.accept()

    page.on("dialog", answer)
    return asked


def unsent(page) -> int:
    return int(page.text_content("#outbox-count"))
