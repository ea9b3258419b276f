"""How far a round has got: which covered stores were visited in its days, by whom they were to be
visited and where they are; and each inspector's own list of the rounds in progress.

A store is visited in the round when a survey of it that counts (policy.survey_counts) from an
inspection, or an approved self-report when the round says so, has its local visit day within the
round, whoever sent it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, or_, select

from models import AdminUnit, RoundAssignment, Store, Survey, SurveyRound, User, db
from survey.domain import policy
from survey.domain.rounds import coverage


def local_day_start_utc(day: date) -> datetime:
    """The UTC moment (naive, as stored) at which a local day begins."""
    return datetime.combine(day, time(), policy.LOCAL_TZ).astimezone(UTC).replace(tzinfo=None)


def counted_condition(self_reports_count: bool):
    """SQL for "the survey counts for a round" (mirrors policy.survey_counts; tests hold them together)."""
    counted = and_(Survey.source == "inspection", Survey.review_state != "rejected")
    if self_reports_count:
        counted = or_(counted, and_(Survey.source == "self_report", Survey.review_state == "approved"))
    return and_(Survey.superseded_by_id.is_(None), counted)


def visited_store_ids(round_: SurveyRound, store_ids: set[int] | None = None) -> set[int]:
    """The stores with a counted survey whose local visit day lies in the round."""
    query = (
        select(Survey.store_id)
        .distinct()
        .where(
            counted_condition(round_.self_reports_count),
            Survey.visited_at >= local_day_start_utc(round_.starts_on),
            Survey.visited_at < local_day_start_utc(round_.ends_on + timedelta(days=1)),
        )
    )
    if store_ids is not None:
        query = query.where(Survey.store_id.in_(store_ids))
    return set(db.session.scalars(query))


def round_as_dict(round_: SurveyRound, stores: int | None = None) -> dict:
    if stores is None:
        stores = len(coverage.covered_store_ids(round_))
    return {
        "id": round_.id,
        "name": round_.name,
        "starts_on": round_.starts_on.isoformat(),
        "ends_on": round_.ends_on.isoformat(),
        "store_types": coverage.types_of(round_),
        "unit_codes": coverage.unit_codes_of(round_),
        "self_reports_count": round_.self_reports_count,
        "stores": stores,
    }


def covered_rows(round_: SurveyRound) -> list:
    """Each covered store with its unit and its inspector (None when unassigned or no longer active)."""
    assignment = and_(RoundAssignment.round_id == round_.id, RoundAssignment.store_id == Store.id)
    inspector = and_(User.id == RoundAssignment.inspector_id, User.active.is_(True))
    query = (
        select(
            Store.id, Store.code, AdminUnit.code.label("unit_code"), AdminUnit.name.label("unit_name"), User.username
        )
        .join(AdminUnit, Store.unit_id == AdminUnit.id)
        .outerjoin(RoundAssignment, assignment)
        .outerjoin(User, inspector)
        .where(coverage.covered_condition(round_))
        .order_by(Store.code)
    )
    return list(db.session.execute(query))


def tally(rows: list, visited: set[int], key) -> list[dict]:
    groups: dict = defaultdict(lambda: [0, 0])
    for row in rows:
        group = groups[key(row)]
        group[0] += 1
        group[1] += row.id in visited
    return [(name, stores, done) for name, (stores, done) in groups.items()]


def progress(round_: SurveyRound) -> dict:
    """The round's figures: visited out of covered, by inspector, by unit, and who has which store left."""
    rows = covered_rows(round_)
    visited = visited_store_ids(round_, {row.id for row in rows})
    by_inspector = sorted(tally(rows, visited, lambda row: row.username), key=lambda t: (t[0] is None, t[0] or ""))
    by_unit = sorted(tally(rows, visited, lambda row: (row.unit_code, row.unit_name)), key=lambda t: t[0][1])
    return {
        "round": round_as_dict(round_, len(rows)),
        "stores": len(rows),
        "visited": sum(row.id in visited for row in rows),
        "by_inspector": [{"inspector": name, "stores": n, "visited": v} for name, n, v in by_inspector],
        "by_unit": [
            {"unit_code": code, "unit_name": name, "stores": n, "visited": v} for (code, name), n, v in by_unit
        ],
        "unvisited": [{"store_code": row.code, "inspector": row.username} for row in rows if row.id not in visited],
    }


def local_today() -> date:
    return datetime.now(policy.LOCAL_TZ).date()


def assignments_of(user: User, today: date | None = None) -> list[dict]:
    """The inspector's stores in every round whose days include today, each with whether it was visited."""
    today = today or local_today()
    rows = db.session.execute(
        select(SurveyRound, Store.id, Store.code)
        .join(RoundAssignment, RoundAssignment.round_id == SurveyRound.id)
        .join(Store, Store.id == RoundAssignment.store_id)
        .where(RoundAssignment.inspector_id == user.id, SurveyRound.starts_on <= today, SurveyRound.ends_on >= today)
        .order_by(SurveyRound.ends_on, SurveyRound.id, Store.code)
    ).all()
    by_round: dict[int, set[int]] = {}
    found = []
    for round_, store_id, store_code in rows:
        if round_.id not in by_round:
            by_round[round_.id] = visited_store_ids(round_, {r[1] for r in rows if r[0].id == round_.id})
        found.append(
            {
                "round_id": round_.id,
                "round_name": round_.name,
                "ends_on": round_.ends_on.isoformat(),
                "store_code": store_code,
                "visited": store_id in by_round[round_.id],
            }
        )
    return found
