"""The admin decides a store found in the field in real Chromium, at phone size and on a desktop."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from models import Store, Survey, db
from tests.browser.conftest import log_in, screenshot
from tests.test_proposals_pages import place_stores, proposed


def test_the_admin_merges_a_proposal_into_a_store_nearby_at_360px(browser, live_server, app, phone):
    proposal_id, survey_id = proposed(app)
    place_stores(app)
    log_in(phone, live_server, "admin")
    phone.goto(live_server + "/proposals")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "proposals-360")
    phone.click(f"#proposal-{proposal_id} a.button")
    screenshot(phone, "proposal-360")
    phone.check("#decide-merge input[value=S-001]")
    with phone.expect_navigation():
        phone.click("#decide-merge button[type=submit]")
    assert "Đã gộp Siêu thị Minh Anh vào cửa hàng S-001" in phone.locator(".flash").inner_text()
    with app.app_context():
        assert db.session.get(Survey, uuid.UUID(survey_id)).store.code == "S-001"


def test_the_admin_adds_a_proposal_to_the_registry_at_1280px(browser, live_server, app):
    proposal_id, _survey = proposed(app)
    place_stores(app)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    log_in(page, live_server, "admin")
    page.goto(f"{live_server}/proposals/{proposal_id}")
    screenshot(page, "proposal-1280")
    page.fill("#create-code", "HY-0301")
    with page.expect_navigation():
        page.click("#decide-create button[type=submit]")
    assert "HY-0301" in page.locator(".flash").inner_text()
    context.close()
    with app.app_context():
        assert db.session.scalar(select(Store.unit_id).where(Store.code == "HY-0301")) is not None
