"""The poster as printed: its QR code sits in the middle of the page, under the centred text."""

from __future__ import annotations

from tests.browser.conftest import log_in
from tests.conftest import staff_token


def test_the_printed_posters_qr_code_is_centred(browser, live_server, app):
    staff_token(app)  # S-001 gets its link, hence a poster
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, live_server, "admin")
    page.goto(f"{live_server}/stores/S-001/poster")
    page.emulate_media(media="print")
    poster = page.locator(".poster").first.bounding_box()
    code = page.locator(".poster img").first.bounding_box()
    heading = page.locator(".poster h2").first.bounding_box()
    middle = poster["x"] + poster["width"] / 2
    assert abs(code["x"] + code["width"] / 2 - middle) < 2
    assert abs(heading["x"] + heading["width"] / 2 - middle) < 2 or heading["width"] >= poster["width"] - 50
    context.close()
