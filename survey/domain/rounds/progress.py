"""How far a round has got: which covered stores were visited in its days, by whom they were to be
visited and where they are (each inspector's own list is in my_list.py).

A store is visited in the round when a survey of it that counts (policy.survey_counts) from an
inspection, or an approved self-report when the round says so, has its local visit day within the
round, whoever sent it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from operator import attrgetter
from typing import NamedTuple

from sqlalchemy import and_, func, or_, select

from models import AdminUnit, RoundAssignment, Store, Survey, SurveyRound, User, db
from survey.domain import policy
from survey.domain.rounds import coverage, pace


def local_day_start_utc(day: date) -> datetime:
    """The UTC moment (naive, as stored) at which a local day begins."""
    return datetime.combine(day, time(), policy.LOCAL_TZ).astimezone(UTC).replace(tzinfo=None)


def counted_condition(self_reports_count: bool):
    """SQL for "the survey counts for a round" (mirrors policy.survey_counts; tests hold them together)."""
    counted = and_(Survey.source == "inspection", Survey.review_state != "rejected")
    if self_reports_count:
        counted = or_(counted, and_(Survey.source == "self_report", Survey.review_state == "approved"))
    return and_(Survey.superseded_by_id.is_(None), counted)


def in_days_condition(round_: SurveyRound):
    """SQL for "the survey's local visit day lies in the round"."""
    return and_(
        # Implied by the days, and what lets the database read only those years (ix_survey_year_store).
        Survey.visit_year.between(round_.starts_on.year, round_.ends_on.year),
        Survey.visited_at >= day_start_utc(round_.starts_on),
        Survey.visited_at < day_after_utc(round_.ends_on),
    )


def in_round_condition(round_: SurveyRound):
    """SQL for "the survey counts for the round and its local visit day lies in it"."""
    return and_(counted_condition(round_.self_reports_count), in_days_condition(round_))


def day_start_utc(day: date) -> datetime:
    """When a local day begins, in UTC; the calendar's first moment for 1 January of the year 1 (a round
    may start on any day: the local midnight of that one is in the year 0 in UTC)."""
    try:
        return local_day_start_utc(day)
    except OverflowError:
        return datetime.min


def day_after_utc(day: date) -> datetime:
    """When the local day after `day` begins, in UTC; the calendar's last moment after 31/12/9999."""
    try:
        return local_day_start_utc(day + timedelta(days=1))
    except OverflowError:
        return datetime.max


def visited_store_ids(round_: SurveyRound, store_ids: set[int] | None = None) -> set[int]:
    """The stores with a counted survey whose local visit day lies in the round."""
    query = select(Survey.store_id).distinct().where(in_round_condition(round_))
    if store_ids is not None:
        query = query.where(Survey.store_id.in_(store_ids))
    return set(db.session.scalars(query))


def first_visit_days(round_: SurveyRound, store_ids: Container[int]) -> dict[int, date]:
    """Each visited store's first local visit day in the round: the day it was done (pace.weeks).

    Every store visited in the round's days is read, and those not asked for left out here: a list of
    2,000 ids in the query cost more than the rows it kept out."""
    query = select(Survey.store_id, func.min(Survey.visited_at)).where(in_round_condition(round_))
    offset = timedelta(minutes=policy.utc_offset_minutes())  # one offset: Vietnam keeps no summer time
    rows = db.session.execute(query.group_by(Survey.store_id))
    return {store_id: (first + offset).date() for store_id, first in rows if store_id in store_ids}


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


class CoveredStore(NamedTuple):
    id: int
    code: str
    name: str
    type: str
    address: str
    unit_code: str
    unit_name: str
    username: str | None  # the store's inspector in the round, if any and still active


def covered_rows(round_: SurveyRound) -> list[CoveredStore]:
    """Each covered store (its code, name, type and address) with its unit and its inspector (None when
    unassigned or no longer active), by code. Plain tuples: the figures read 2,000 of them many times."""
    assignment = and_(RoundAssignment.round_id == round_.id, RoundAssignment.store_id == Store.id)
    inspector = and_(User.id == RoundAssignment.inspector_id, User.active.is_(True))
    query = (
        select(
            Store.id,
            Store.code,
            Store.name,
            Store.type,
            Store.address,
            AdminUnit.code.label("unit_code"),
            AdminUnit.name.label("unit_name"),
            User.username,
        )
        .join(AdminUnit, Store.unit_id == AdminUnit.id)
        .outerjoin(RoundAssignment, assignment)
        .outerjoin(User, inspector)
        .where(coverage.covered_condition(round_))
        .order_by(Store.code)
    )
    return [CoveredStore(*row) for row in db.session.execute(query).all()]


def tally(rows: list[CoveredStore], visited: Container[int], key) -> list[tuple]:
    """(group, stores, visited) for each group of rows by `key`, in the order first met."""
    stores = Counter(map(key, rows))
    done = Counter(key(row) for row in rows if row.id in visited)
    return [(group, count, done[group]) for group, count in stores.items()]


@dataclass(frozen=True)
class RoundFigures:
    """What the round's page shows: the API's answer, and the rows and pace it was made from."""

    answer: dict  # progress()'s answer
    rows: list  # covered_rows
    visited: Container[int]  # the ids of the stores visited in the round
    weeks: list[pace.Week]
    projection: pace.Projection


def round_figures(round_: SurveyRound, today: date | None = None) -> RoundFigures:
    """The round's figures: visited out of covered, by inspector, by unit, and who has which store left;
    and its pace: the stores visited week by week and the day the pace so far would finish on."""
    rows = covered_rows(round_)
    first_visits = first_visit_days(round_, {row.id for row in rows})
    visited = first_visits.keys()
    by_inspector = sorted(tally(rows, visited, attrgetter("username")), key=lambda t: (t[0] is None, t[0] or ""))
    by_unit = sorted(tally(rows, visited, attrgetter("unit_code", "unit_name")), key=lambda t: t[0][1])
    days, first, last = list(first_visits.values()), round_.starts_on, round_.ends_on
    today = today or local_today()
    weeks = pace.weeks(first, last, len(rows), days)
    projection = pace.projection(first, last, len(rows), days, today)
    answer = {
        "round": round_as_dict(round_, len(rows)),
        "stores": len(rows),
        "visited": len(visited),
        "by_inspector": [{"inspector": name, "stores": n, "visited": v} for name, n, v in by_inspector],
        "by_unit": [
            {"unit_code": code, "unit_name": name, "stores": n, "visited": v} for (code, name), n, v in by_unit
        ],
        "unvisited": [{"store_code": row.code, "inspector": row.username} for row in rows if row.id not in visited],
        "pace": pace.as_dict(weeks, projection, today),  # added beside the contract's keys
    }
    return RoundFigures(answer, rows, visited, weeks, projection)


def progress(round_: SurveyRound, today: date | None = None) -> dict:
    """The round's progress as GET /api/v1/rounds/<id>/progress answers it (round_figures)."""
    return round_figures(round_, today).answer


def inactive_assignments(round_: SurveyRound) -> dict[str, str]:
    """The stores of the round still given to an inspector no longer active (store code: username): the
    figures count them as unassigned, and the round's page says whose they were."""
    query = (
        select(Store.code, User.username)
        .join(RoundAssignment, RoundAssignment.store_id == Store.id)
        .join(User, User.id == RoundAssignment.inspector_id)
        .where(RoundAssignment.round_id == round_.id, User.active.is_(False))
    )
    return dict(db.session.execute(query).all())


def local_today() -> date:
    return policy.local_today()
