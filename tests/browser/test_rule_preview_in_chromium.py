"""The phone's verdict preview follows the rule in force, and agrees with the server's verdict."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from models import Survey, User, db
from survey.domain import review, rule_versions, rulebook
from tests.browser.conftest import fill_survey, new_phone, save, screenshot, wait_for_rows


@pytest.fixture
def lowered_rule(app):
    """The admin's version 2 of 2021–2025: target 70%, checkout only, 80% eco."""
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        rule_versions.save_version(rulebook.phase_starting(2021), 70, ["checkout"], Decimal(80), "Giảm dần", admin)


def preview(page, store_code: str, visited: str, paper: int, pe_bags: int) -> str:
    fill_survey(page, store_code, paper, pe_bags)
    page.fill("#f-visited", visited)
    page.dispatch_event("#f-visited", "input")
    return page.text_content("#verdict")


def server_verdicts(app) -> dict[str, bool]:
    with app.app_context():
        return {survey.store.code: review.judge(survey).compliant for survey in db.session.scalars(select(Survey))}


def test_the_phone_previews_what_the_server_decides_under_the_new_version(browser, live_server, app, lowered_rule):
    context, page = new_phone(browser, live_server)
    # 85% eco at the checkout: enough for version 2's 80%, not for the default 100%.
    text = preview(page, "S-001", "2025-06-14T09:30", paper=17, pe_bags=3)
    assert "đạt" in text and "chưa đạt" not in text.lower() and "2" in text, text
    assert "verdict ok" in page.get_attribute("#verdict", "class")
    save(page)
    # 75%: below 80%, so not compliant; the phone names the failing zone.
    text = preview(page, "S-002", "2025-06-14T10:30", paper=15, pe_bags=5)
    assert "verdict bad" in page.get_attribute("#verdict", "class"), text
    assert "80" in text, text
    screenshot(page, "rule-preview-not-compliant")
    save(page)
    assert wait_for_rows(app, 2, page=page) == 2
    assert server_verdicts(app) == {"S-001": True, "S-002": False}
    context.close()


def test_the_phone_judges_2026_by_its_own_phase(browser, live_server, app, lowered_rule):
    context, page = new_phone(browser, live_server)
    text = preview(page, "S-001", "2026-03-01T09:00", paper=17, pe_bags=3)
    assert "verdict bad" in page.get_attribute("#verdict", "class"), text
    save(page)
    assert wait_for_rows(app, 1, page=page) == 1
    with app.app_context():
        survey = db.session.scalar(select(Survey))
        assert review.judge(survey).rule.version == 1 and review.judge(survey).compliant is False
    context.close()
