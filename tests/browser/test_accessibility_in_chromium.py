"""axe-core (pinned in package-lock.json) over every page of the app, in real Chromium, at 360 and 1280 px.

The pages are found in the URL map, not listed by hand: a new page is checked the day it is
added, and a page whose address needs a value this file cannot give fails the test until
sample_values names one. Every rule axe runs by default counts, best practices included.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path

import pytest
from flask import url_for
from sqlalchemy import select

from models import StoreProposal, Survey, SurveyRound, User, db
from tests.browser.conftest import log_in
from tests.conftest import password_hash, staff_token

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# Who sees which page: the admin sees every staff page, the inspector their own two, a stranger the rest.
VISITORS = ("admin", "inspector", "ministry", None)
# Every rule axe runs by default, and one it calls experimental that Lighthouse runs: a link or
# button whose visible words are not in its accessible name (a voice user says what they see).
OPTIONS = json.dumps({"resultTypes": ["violations"], "rules": {"label-content-name-mismatch": {"enabled": True}}})
NOT_PAGES = ("/api/", "/static/", "/lang/", "/exports/", "/icons/")


def sample_values(app) -> dict[str, object]:
    """A value for each parameter an address can have, taken from the test's own rows."""
    with app.app_context():
        survey_id = db.session.scalar(select(Survey.id).where(Survey.source == "inspection").limit(1))
        user_id = db.session.scalar(select(User.id).where(User.username == "inspector"))
        # A store found in the field, waiting: its page shows the three decisions' forms.
        proposal_id = uuid.uuid4()
        db.session.add(
            StoreProposal(
                id=proposal_id, name="Siêu thị Minh Anh", type="supermarket", inspector_id=user_id, content_hash=""
            )
        )
        # A round over the table's year, with its surveys: its page draws the weekly chart and the tables.
        admin_id = db.session.scalar(select(User.id).where(User.username == "admin"))
        a_round = SurveyRound(
            name="Đợt 2025", starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31),
            store_types="supermarket;commercial_centre", created_by_id=admin_id,
        )  # fmt: skip
        db.session.add(a_round)
        # The Ministry's user, for its own pages (the national comparison and report).
        db.session.add(User(username="ministry", role="ministry", active=True, password_hash=password_hash("ministry")))
        db.session.commit()
        round_id = a_round.id
    return {
        "code": "S-001",
        "survey_id": survey_id,
        "user_id": user_id,
        "first_year": 2021,
        "token": staff_token(app),
        "proposal_id": proposal_id,
        "round_id": round_id,
    }


def addresses(app, samples: dict) -> list[str]:
    """Every GET address of the app but its API, files and redirects, with the sample values filled in."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(NOT_PAGES):
            continue
        missing = rule.arguments - samples.keys()
        assert not missing, f"{rule.rule}: give sample_values a value for {missing}"
        with app.test_request_context():
            urls.append(url_for(rule.endpoint, **{name: samples[name] for name in rule.arguments}))
    return sorted(set(urls))


def is_page(context, url: str) -> bool:
    """Whether this visitor gets a page at this address (not a redirect to log in, a 403, a file)."""
    response = context.request.get(url, max_redirects=0)
    return response.status == 200 and response.headers.get("content-type", "").startswith("text/html")


def violations(page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(f"async () => (await axe.run(document, {OPTIONS})).violations")
    return [
        f"{url}: {v['id']} ({v['impact']}) ×{len(v['nodes'])}: {json.dumps([n['target'] for n in v['nodes'][:3]])}"
        for v in found
    ]


@pytest.mark.parametrize("width", [360, 1280])
def test_axe_finds_nothing_on_any_page(browser, live_server, app, table, width):
    samples = sample_values(app)
    problems, checked = [], []
    for visitor in VISITORS:
        # The pages' scripts are the app's own; axe is added to each page, which its CSP would refuse.
        context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True, locale="vi-VN")
        page = context.new_page()
        if visitor:
            log_in(page, live_server, visitor)
        for path in addresses(app, samples):
            if is_page(context, live_server + path):
                checked.append(path)
                problems += violations(page, live_server + path)
        problems += violations(page, live_server + "/no-such-page")
        context.close()
    assert len(checked) >= 25, checked
    assert not problems, "\n".join(problems)
