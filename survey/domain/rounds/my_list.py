"""Each inspector's list for the rounds in progress: their stores, where they are, whether the round
counts them as visited, and how their survey stands with the reviewers (the phone's "Việc của tôi").

A store's state comes from the latest inspection survey of it, by anyone, whose local visit day lies in
the round and that no correction superseded: received is "sent", returned for correction "returned",
approved "approved"; a rejected one, or none, leaves it "not_surveyed" (someone has to go again).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models import AdminUnit, RoundAssignment, Store, Survey, SurveyRound, User, db
from survey.domain.rounds import progress

FIELD_STATES = {"received": "sent", "has_issues": "returned", "approved": "approved"}
NOT_SURVEYED = "not_surveyed"


def field_state(review_state: str | None) -> str:
    """The store's state on the inspector's list, from the review state of its latest survey."""
    return FIELD_STATES.get(review_state or "", NOT_SURVEYED)


def visits_in_round(round_: SurveyRound, store_ids: set[int]) -> tuple[set[int], dict[int, str]]:
    """In one query: the stores visited in the round (progress's rule) and each store's field state."""
    query = (
        select(
            Survey.store_id,
            Survey.source,
            Survey.review_state,
            progress.counted_condition(round_.self_reports_count).label("counts"),
        )
        .where(Survey.store_id.in_(store_ids), Survey.superseded_by_id.is_(None), progress.in_days_condition(round_))
        .order_by(Survey.visited_at, Survey.received_at)
    )
    visited: set[int] = set()
    latest: dict[int, str] = {}
    for store_id, source, review_state, counts in db.session.execute(query):
        if counts:
            visited.add(store_id)
        if source == "inspection":
            latest[store_id] = review_state  # in visit order: the last one written wins
    return visited, {store_id: field_state(state) for store_id, state in latest.items()}


def assignments_of(user: User, today: date | None = None) -> list[dict]:
    """The inspector's stores in every round whose days include today, each with its name, unit, place,
    whether it was visited and its field state."""
    today = today or progress.local_today()
    rows = db.session.execute(
        select(SurveyRound, Store.id, Store.code, Store.name, AdminUnit.name, Store.lat, Store.lon)
        .join(RoundAssignment, RoundAssignment.round_id == SurveyRound.id)
        .join(Store, Store.id == RoundAssignment.store_id)
        .join(AdminUnit, AdminUnit.id == Store.unit_id)
        .where(RoundAssignment.inspector_id == user.id, SurveyRound.starts_on <= today, SurveyRound.ends_on >= today)
        .order_by(SurveyRound.ends_on, SurveyRound.id, Store.code)
    ).all()
    by_round: dict[int, tuple[set[int], dict[int, str]]] = {}
    found = []
    for round_, store_id, code, name, unit_name, lat, lon in rows:
        if round_.id not in by_round:
            by_round[round_.id] = visits_in_round(round_, {row[1] for row in rows if row[0].id == round_.id})
        visited, states = by_round[round_.id]
        found.append(
            {
                "round_id": round_.id,
                "round_name": round_.name,
                "ends_on": round_.ends_on.isoformat(),
                "store_code": code,
                "visited": store_id in visited,
                "store_name": name,
                "unit_name": unit_name,
                "lat": lat,
                "lon": lon,
                "state": states.get(store_id, NOT_SURVEYED),
            }
        )
    return found
