"""The dashboard in Chromium at desktop and phone widths, screenshotted for a person to look at."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in, screenshot


@pytest.mark.parametrize("width", [1280, 360])
def test_dashboard_fits_and_shows_its_charts(browser, live_server, table, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    log_in(page, live_server, "reviewer")
    page.goto(f"{live_server}/dashboard?year=2025")
    assert page.text_content("#headline-pct") == "50,0%"
    assert page.locator("svg[role=img]").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"dashboard-{width}")
    context.close()


def test_yearly_report_at_1280_and_as_a4_pdf(browser, live_server, table, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, live_server, "reviewer")
    page.goto(f"{live_server}/report?year=2025")
    screenshot(page, "report-1280")
    pdf = page.pdf(path=str(tmp_path / "report.pdf"), format="A4", print_background=False)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 1
    context.close()
