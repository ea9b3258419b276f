"""A round's progress page in real Chromium, at 360 px (a reviewer's phone) and 1280 px: the headline,
the weekly chart against the even pace, the tables, and nothing wider than the screen."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from models import User, db
from survey.domain.rounds import planning
from survey.domain.rounds.payloads import AssignmentLine, RoundIn
from tests.browser.conftest import log_in, screenshot
from tests.conftest import CHECKOUT_ALL_ECO, visit


def round_with_visits(app) -> int:
    """A round of the last three weeks and the next three, S-001 given to the inspector and visited."""
    today = date.today()
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        asked = RoundIn(name="Đợt khảo sát 2026", starts_on=str(today - timedelta(days=21)),
                        ends_on=str(today + timedelta(days=21)))  # fmt: skip
        round_ = planning.create_round(asked, admin)
        planning.assign(round_, [AssignmentLine(store_code="S-001", inspector="inspector")], admin)
        visit("S-001", f"{today - timedelta(days=7)}T09:00:00+07:00", CHECKOUT_ALL_ECO)
        return round_.id


@pytest.mark.parametrize("width", [360, 1280])
def test_the_rounds_page_reads_on_a_phone_and_a_desk(browser, live_server, app, width):
    round_id = round_with_visits(app)
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="vi-VN")
    page = context.new_page()
    log_in(page, live_server, "reviewer")
    page.goto(f"{live_server}/rounds/{round_id}")
    assert page.is_visible("svg#pace-chart")
    assert "Đợt khảo sát 2026" in page.text_content("h1")
    headline = page.text_content("#round-headline")
    assert "đã khảo sát 1/" in headline
    assert page.text_content("#by-inspector").count("inspector") >= 1
    # The page itself never scrolls sideways; only a wide table scrolls inside its own frame.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"round-{width}")
    page.goto(f"{live_server}/rounds")
    assert "Đợt khảo sát 2026" in page.text_content("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
