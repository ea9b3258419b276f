"""The inspector's list (GET /api/v1/assignments?mine=1): the keys added beside the contract's, each
store's field state from its latest survey in the round, and `visited` as the contract defines it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models import Store, db
from survey.domain.rounds import my_list
from survey.domain.rounds import progress as round_progress
from survey.web import openapi
from tests.conftest import CHECKOUT_ALL_ECO, visit
from tests.test_rounds_api import make_round, put_json

IN_ROUND = "2026-06-01T09:00:00+07:00"


@pytest.fixture
def my_round(api, app, monkeypatch):
    """A round in progress with S-001 and S-002 given to the inspector, who is then logged in."""
    api.login("admin")
    made = make_round(api, name="Đợt 2026", starts_on="2026-03-01", ends_on="2026-11-30")
    lines = [{"store_code": code, "inspector": "inspector"} for code in ("S-001", "S-002")]
    assert put_json(api, f"/api/v1/rounds/{made['id']}/assignments", {"assignments": lines}).status_code == 200
    with app.app_context():
        store = db.session.scalar(select(Store).where(Store.code == "S-001"))
        store.lat, store.lon = 20.65, 106.05
        db.session.commit()
    monkeypatch.setattr(round_progress, "local_today", lambda: date(2026, 6, 2))
    api.client.get("/logout")
    api.login("inspector")
    return made


def my_items(api) -> dict[str, dict]:
    response = api.get("/api/v1/assignments?mine=1")
    assert response.status_code == 200
    return {item["store_code"]: item for item in response.get_json()["assignments"]}


def test_each_item_names_its_store_unit_and_place_and_the_schema_says_so(api, my_round):
    items = my_items(api)
    first, second = items["S-001"], items["S-002"]
    assert first["store_name"] == "Cửa hàng S-001" and first["unit_name"]
    assert (first["lat"], first["lon"]) == (20.65, 106.05)
    assert (second["lat"], second["lon"]) == (None, None)  # no place known: null, never a made-up one
    assert first["state"] == second["state"] == "not_surveyed"
    assert first["round_id"] == my_round["id"] and first["ends_on"] == "2026-11-30"
    described = openapi.document()["components"]["schemas"]["AssignmentsAnswer"]
    assert set(described["properties"]["assignments"]["items"]["properties"]) == set(first)


@pytest.mark.parametrize(
    ("review_state", "state", "visited"),
    [
        ("received", "sent", True),
        ("has_issues", "returned", True),
        ("approved", "approved", True),
        ("rejected", "not_surveyed", False),  # someone has to go again
    ],
)
def test_the_state_follows_the_latest_survey_and_visited_is_unchanged(api, app, my_round, review_state, state, visited):
    with app.app_context():
        visit("S-002", IN_ROUND, CHECKOUT_ALL_ECO, state=review_state)
    items = my_items(api)
    assert (items["S-002"]["state"], items["S-002"]["visited"]) == (state, visited)
    assert (items["S-001"]["state"], items["S-001"]["visited"]) == ("not_surveyed", False)


def test_the_latest_visit_wins_and_a_survey_outside_the_round_is_not_seen(api, app, my_round):
    with app.app_context():
        visit("S-001", "2026-02-28T23:30:00+07:00", CHECKOUT_ALL_ECO, state="approved")  # the day before
        visit("S-002", "2026-05-01T09:00:00+07:00", CHECKOUT_ALL_ECO, state="approved")
        visit("S-002", IN_ROUND, CHECKOUT_ALL_ECO, state="has_issues")
    items = my_items(api)
    assert (items["S-001"]["state"], items["S-001"]["visited"]) == ("not_surveyed", False)
    assert (items["S-002"]["state"], items["S-002"]["visited"]) == ("returned", True)


def test_a_self_report_changes_no_state(api, app, my_round):
    with app.app_context():
        visit("S-002", IN_ROUND, CHECKOUT_ALL_ECO, source="self_report", state="approved")
    item = my_items(api)["S-002"]
    assert (item["state"], item["visited"]) == ("not_surveyed", False)  # the round does not count them


def test_a_corrected_survey_gives_way_to_its_correction(api, app, my_round):
    from survey.domain import sync  # the correction goes the way the phone sends it

    with app.app_context():
        returned = visit("S-002", IN_ROUND, CHECKOUT_ALL_ECO, state="has_issues")
        inspector = db.session.scalar(select(round_progress.User).where(round_progress.User.username == "inspector"))
        payload = {
            "id": "6f1c0f6e-0000-4000-8000-000000000001",
            "store_code": "S-002",
            "visited_at": "2026-05-31T09:00:00+07:00",  # earlier: only the superseding decides
            "form_version": 1,
            "packaging": CHECKOUT_ALL_ECO,
            "eco_labels": [],
            "supersedes": returned,
        }
        assert sync.store_survey(payload, "inspection", inspector)["status"] == "created"
        db.session.commit()
    assert my_items(api)["S-002"]["state"] == "sent"


def test_field_state_of_no_survey_is_not_surveyed():
    assert my_list.field_state(None) == "not_surveyed"
