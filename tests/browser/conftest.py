"""Real Chromium (Debian's /usr/bin/chromium) driving the app served on loopback.

Where the browser is missing these tests are skipped with a loud message, unless
CI or REQUIRE_BROWSER is set: then a missing browser fails the run.
"""

from __future__ import annotations

import os
import shutil
import threading
import warnings
from pathlib import Path

import pytest
from werkzeug.serving import make_server

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
