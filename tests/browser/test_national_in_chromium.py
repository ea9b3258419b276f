"""The Ministry in Chromium: the national comparison, a drill into one province, and nothing to change."""

from __future__ import annotations

from werkzeug.security import generate_password_hash

from models import User, db
from tests.browser.conftest import screenshot
from tests.provinces_world import PASSWORD, make_world


def test_the_ministry_compares_the_provinces_and_drills_into_one_read_only(app, browser, live_server):
    make_world(app)
    with app.app_context():
        user = User(username="bo-ct", role="ministry", active=True)
        user.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        db.session.add(user)
        db.session.commit()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.goto(live_server + "/login")
    page.fill("#username", "bo-ct")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("#submit")
    page.goto(f"{live_server}/national?year=2025")
    assert page.locator("#provinces tbody tr").count() == 2
    assert page.locator("#provinces-chart line.target").count() == 1
    screenshot(page, "national-1280")
    with page.expect_navigation():
        page.click("#provinces a:text('Tỉnh Bình Định Thử')")
    assert "province=BD" in page.url
    assert page.locator("#viewed-province").is_visible()
    # Read-only: the log-out is the page's one form that posts, and no link leads to an edit.
    assert page.locator("form[method=post]").count() == 1
    assert page.locator("a[href*='/edit'], a[href*='/new']").count() == 0
    screenshot(page, "national-drill-1280")
    context.close()
