"""The scoping rule, written once: a session scoped to a province sees only that province's rows.

Every ORM query run in the session (a page, the API, an export, the figures' SQL, which selects
from the models too) gets one `with_loader_criteria` per scoped model, added by a `do_orm_execute`
hook, so no view filters by province itself and a view that finds no row answers 404 for another
province's id, as for an id that does not exist. The web sets the scope from the logged-in user at
the start of each request (`enter`) and drops it at the end (`leave`); the Ministry, the command
line and the anonymous self-report pages run unscoped. A query that reads a table of no model
(`StoreYearStatus.__table__`) joins `Store` to be scoped. docs/provinces.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event, or_
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from models import (
    AdminUnit,
    AuditEntry,
    ComplianceRule,
    Photo,
    ReportSettings,
    Store,
    StoreLink,
    StoreProposal,
    Survey,
    SurveyRound,
    UncertifiedProduct,
    User,
    db,
)

SCOPE_KEY = "province_id"  # in Session.info: the province the session is scoped to, if any
# The execution option of the few queries that must read every province, whoever asks: a username
# is unique across them all.
ALL_PROVINCES = {"all_provinces": True}


def own_rows(province_id: int) -> Callable:
    """The province's rows of a table that says its province."""
    return lambda cls: cls.province_id == province_id


def own_units(province_id: int) -> Callable:
    """The province itself and every unit below it."""
    return lambda cls: or_(cls.id == province_id, cls.province_id == province_id)


def own_and_national(province_id: int) -> Callable:
    """The province's own rows and the national ones (no province): its rule versions and the
    national defaults it starts from; its "not certified" marks and those made for every province."""
    return lambda cls: or_(cls.province_id == province_id, cls.province_id.is_(None))


# Every model with a `province_id`, with the rows of it a province sees (tests/test_provinces.py
# fails if a model gains the column without being listed here).
SCOPED: dict[type, Callable[[int], Callable]] = {
    AdminUnit: own_units,
    AuditEntry: own_rows,
    ComplianceRule: own_and_national,
    Photo: own_rows,
    ReportSettings: own_rows,
    Store: own_rows,
    StoreLink: own_rows,
    StoreProposal: own_rows,
    Survey: own_rows,
    SurveyRound: own_rows,
    UncertifiedProduct: own_and_national,
    User: own_rows,
}


def current_province() -> int | None:
    """The province the session is scoped to; None when it sees every province."""
    return db.session.info.get(SCOPE_KEY)


def enter(province_id: int | None) -> None:
    """Scope the session to a province (None: every province) until `leave`."""
    if province_id is None:
        db.session.info.pop(SCOPE_KEY, None)
    else:
        db.session.info[SCOPE_KEY] = province_id


def leave() -> None:
    db.session.info.pop(SCOPE_KEY, None)


@contextmanager
def scoped_to(province_id: int | None) -> Iterator[None]:
    """Run a block as the province's own users see it (the Ministry's view of one province)."""
    before = current_province()
    enter(province_id)
    try:
        yield
    finally:
        enter(before)


def add_province_criteria(state: ORMExecuteState) -> None:
    """Keep a scoped session's queries to its province's rows."""
    province_id = state.session.info.get(SCOPE_KEY)
    if province_id is None or state.is_column_load or state.is_relationship_load:
        return  # a relationship or a deferred column follows from a row already scoped
    if state.execution_options.get("all_provinces") or not (state.is_select or state.is_update or state.is_delete):
        return
    state.statement = state.statement.options(
        *(
            with_loader_criteria(model, criterion(province_id), include_aliases=True)
            for model, criterion in SCOPED.items()
        )
    )


def install() -> None:
    """Apply the rule to every session from now on (the factory calls it once)."""
    if not event.contains(Session, "do_orm_execute", add_province_criteria):
        event.listen(Session, "do_orm_execute", add_province_criteria)
