"""The store registry: create, edit and close stores, each change audited.

Stores are never deleted: their surveys stay, so a store that shuts is closed as of a
date and drops out of the years after it (policy.store_open_in_year).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, or_, select, update

from models import Store, Survey, User, db
from survey.domain import audit, names, policy
from survey.domain.provinces import tenancy

FIELDS = (
    "name",
    "type",
    "store_class",
    "unit",
    "legacy_unit",
    "address",
    "chain",
    "opened_on",
    "closed_on",
    "lat",
    "lon",
)


# --- what a store's values may be: the form, the import and the command line check by these ---

CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]+")  # a code, and a unit's code: letters, digits, - and _
MAX_LENGTHS = {"code": 40, "name": 200, "address": 300, "chain": 200}
COORDINATE_LIMITS = {"lat": 90, "lon": 180}  # degrees either side of zero


def closes_before_opening(opened_on: date | None, closed_on: date | None) -> bool:
    """A closing day before the opening day (either may be unknown)."""
    return opened_on is not None and closed_on is not None and closed_on < opened_on


def half_a_place(lat: float | None, lon: float | None) -> bool:
    """A latitude without a longitude, or the other way round: a place needs both, or neither."""
    return (lat is None) != (lon is None)


class ClosingBeforeOpening(ValueError):
    """A store cannot close before it opened."""


def code_taken(code: str) -> bool:
    """A store already has this code, whatever its capitals: "demo-001" and "DEMO-001" are one store.

    In any province: a code is unique across the deployment (docs/provinces.md)."""
    query = select(Store.id).where(func.lower(Store.code) == code.lower())
    return db.session.scalar(query.execution_options(**tenancy.ALL_PROVINCES)) is not None


def code_of_another_province(code: str) -> bool:
    """The code is a store's of another province than the one the session works in."""
    own = db.session.scalar(select(Store.id).where(func.lower(Store.code) == code.lower()))
    return own is None and code_taken(code)


def add_store(code: str, values: dict, actor: User | None) -> Store:
    """Add a new store with the given fields, audited, in the caller's transaction (not committed)."""
    store = Store(code=code)
    apply(store, values)
    db.session.add(store)
    db.session.flush()
    audit.record(actor, "store_create", audit.store_target(store), "", audit.store_summary(store))
    return store


def create_store(code: str, values: dict, actor: User | None) -> Store:
    """Add a new store with the given fields, audited (committed)."""
    store = add_store(code, values, actor)
    db.session.commit()
    return store


def update_store(store: Store, values: dict, actor: User | None) -> None:
    """Change a store's fields (never its code), audited when anything changed (committed)."""
    before = audit.store_summary(store)
    apply(store, values)
    after = audit.store_summary(store)
    if after != before:
        audit.record(actor, "store_update", audit.store_target(store), before, after)
    db.session.commit()


class ClosingTooFarAhead(ValueError):
    """A closing date more than a year ahead is a typing mistake, not a plan."""


def latest_closing_day(today: date) -> date:
    """The last day a store may be closed as of: one year from today (28/02 for a 29/02)."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


def check_closing(store: Store, closed_on: date, today: date) -> None:
    """Raise ClosingBeforeOpening or ClosingTooFarAhead when a store may not close as of this date."""
    if store.opened_on and closed_on < store.opened_on:
        raise ClosingBeforeOpening(closed_on)
    if closed_on > latest_closing_day(today):
        raise ClosingTooFarAhead(closed_on)


def surveys_after(store: Store, day: date) -> int:
    """How many of the store's surveys were made after a local day (a closing date typed wrong shows here)."""
    end = datetime.combine(day + timedelta(days=1), time(), policy.LOCAL_TZ).astimezone(UTC).replace(tzinfo=None)
    return db.session.scalar(
        select(func.count()).select_from(Survey).where(Survey.store_id == store.id, Survey.visited_at >= end)
    )


def close_store(store: Store, closed_on: date, actor: User | None) -> None:
    """Close a store as of a date; it is kept with its surveys (committed).

    The pages call this only from a confirmed POST that named the date (survey.web.stores).
    """
    check_closing(store, closed_on, policy.local_today())
    before = str(store.closed_on or "")
    store.closed_on = closed_on
    audit.record(actor, "store_close", audit.store_target(store), before, str(closed_on))
    db.session.commit()


def apply(store: Store, values: dict) -> None:
    """Set the given fields; the store's name in its one spelling (names.tidy), whoever passes it."""
    for field in FIELDS:
        if field in values:
            setattr(store, field, names.tidy(values[field]) if field == "name" else values[field])


# --- a store's place from an inspector's visit ----------------------------------------------


class PlaceRefused(ValueError):
    """The visit may not give the store its place; `reason` says why ("has_place", "not_accurate")."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def place_refusal(survey: Survey) -> str | None:
    """Why this visit may not give its store a place, or None when an admin may confirm it.

    Only a store without coordinates takes them, only from an inspection whose location was
    recorded within policy.STORE_PLACE_ACCURACY_M.
    """
    store = survey.store
    if store is None:  # a store found in the field and not yet in the registry
        return "no_store"
    if store.lat is not None and store.lon is not None:
        return "has_place"
    accurate = survey.accuracy_m is not None and survey.accuracy_m <= policy.STORE_PLACE_ACCURACY_M
    if survey.source != "inspection" or survey.lat is None or survey.lon is None or not accurate:
        return "not_accurate"
    return None


def place_store_from_visit(survey: Survey, actor: User | None) -> Store:
    """Give the survey's store the visit's location, audited (committed).

    Raises PlaceRefused, changing nothing, when place_refusal objects; the update itself only
    touches a store still without coordinates, so two admins confirming at once set it once.
    """
    if (reason := place_refusal(survey)) is not None:
        raise PlaceRefused(reason)
    store = survey.store
    changed = db.session.execute(
        update(Store)
        .where(Store.id == store.id, or_(Store.lat.is_(None), Store.lon.is_(None)))
        .values(lat=survey.lat, lon=survey.lon)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        db.session.rollback()
        raise PlaceRefused("has_place")
    db.session.expire(store, ["lat", "lon"])
    comment = f"{audit.survey_target(survey)} ±{round(survey.accuracy_m)} m"
    audit.record(actor, "store_place", audit.store_target(store), "", f"{survey.lat:.6f}, {survey.lon:.6f}", comment)
    db.session.commit()
    return store
