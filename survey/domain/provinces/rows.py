"""Every new or moved row gets its province, whichever channel writes it.

A unit and a store take the province above their unit (a store moved to another unit follows it,
and a store moved into another province takes its surveys, photos and links along);
a survey, a photo and a link take their store's (or store proposal's); what is made by a person
(a round, a proposal, a user, the report's settings, an audit entry) takes the province the
session is scoped to, else the acting user's. The sync writes surveys and photos with one insert
per table, outside the ORM's flush: it asks `survey_provinces` (docs/provinces.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from models import (
    AdminUnit,
    AuditEntry,
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
from survey.domain.provinces import places
from survey.domain.provinces.tenancy import SCOPE_KEY


def unit_province(unit: AdminUnit | None) -> AdminUnit | None:
    province = places.province_above(unit)
    return None if province is unit else province


def person_province(session: Session, user_id: int | None) -> int | None:
    """The province the session works in, else that of the user acting."""
    if (scoped := session.info.get(SCOPE_KEY)) is not None:
        return scoped
    user = session.get(User, user_id) if user_id is not None else None
    return user.province_id if user is not None else None


def give_province(session: Session, row) -> None:
    """Fill a row's province from what it belongs to (a row that names its province keeps it)."""
    if isinstance(row, AdminUnit):
        row.province = unit_province(row)  # by object: the province may be new in the same flush
        return
    if isinstance(row, Store):
        unit = row.unit or (session.get(AdminUnit, row.unit_id) if row.unit_id else None)
        row.province = places.province_above(unit)
        return
    if row.province_id is not None:
        return
    if isinstance(row, StoreLink | Survey):
        store = row.store or (row.store_id and session.get(Store, row.store_id))
        proposal = getattr(row, "store_proposal", None)
        row.province_id = store.province_id if store else (proposal.province_id if proposal else None)
    elif isinstance(row, Photo):
        survey = row.survey or session.get(Survey, row.survey_id)
        row.province_id = survey.province_id if survey is not None else None
    elif isinstance(row, StoreProposal):
        row.province_id = person_province(session, row.inspector_id)
    elif isinstance(row, SurveyRound):
        row.province_id = person_province(session, row.created_by_id)
    elif isinstance(row, ReportSettings):
        row.province_id = person_province(session, row.updated_by_id)
    elif isinstance(row, AuditEntry):
        row.province_id = person_province(session, row.actor_id)
    elif isinstance(row, UncertifiedProduct):
        row.province_id = person_province(session, row.decided_by_id)
    elif isinstance(row, User) and row.role != "ministry":
        row.province_id = session.info.get(SCOPE_KEY)


KEPT = (
    AdminUnit, Store, StoreLink, Survey, Photo, StoreProposal, SurveyRound, ReportSettings, AuditEntry,
    UncertifiedProduct, User,
)  # fmt: skip


def fill_provinces(session: Session, _context, _instances) -> None:
    """Before each flush: new rows get their province; a unit or store moved gets its new one."""
    with session.no_autoflush:
        for row in list(session.new):
            if isinstance(row, KEPT):
                give_province(session, row)
        for row in list(session.dirty):
            if isinstance(row, AdminUnit | Store) and moved(row):
                before = row.province_id
                give_province(session, row)  # sets the relationship: the id follows at the flush
                after = row.province.id if row.province is not None else None
                if isinstance(row, Store) and row.id is not None and after != before:
                    follow_store(session, row.id, after)


def follow_store(session: Session, store_id: int, province_id: int | None) -> None:
    """A store moved into another province takes its surveys, their photos and its links along:
    they are the new province's to see from now on (only the server's operator can move one so)."""
    connection = session.connection()
    survey, photo, link = Survey.__table__, Photo.__table__, StoreLink.__table__
    connection.execute(update(survey).where(survey.c.store_id == store_id).values(province_id=province_id))
    its_surveys = select(survey.c.id).where(survey.c.store_id == store_id)
    connection.execute(update(photo).where(photo.c.survey_id.in_(its_surveys)).values(province_id=province_id))
    connection.execute(update(link).where(link.c.store_id == store_id).values(province_id=province_id))


def moved(row) -> bool:
    state = inspect(row)
    names = ("parent", "parent_id") if isinstance(row, AdminUnit) else ("unit", "unit_id")
    return any(state.attrs[name].history.has_changes() for name in names)


def keep_provinces() -> None:
    """Have every row written from now on get its province (the factory calls it once)."""
    if not event.contains(Session, "before_flush", fill_provinces):
        event.listen(Session, "before_flush", fill_provinces)


def survey_provinces(store_ids: Iterable[int | None], proposal_ids: Iterable[uuid.UUID | None]) -> tuple[dict, dict]:
    """The province of some stores and store proposals, for the surveys the sync inserts itself."""
    stores = {i for i in store_ids if i is not None}
    proposals = {i for i in proposal_ids if i is not None}
    by_store = by_proposal = {}
    if stores:
        by_store = dict(db.session.execute(select(Store.id, Store.province_id).where(Store.id.in_(stores))).all())
    if proposals:
        query = select(StoreProposal.id, StoreProposal.province_id).where(StoreProposal.id.in_(proposals))
        by_proposal = dict(db.session.execute(query).all())
    return by_store, by_proposal
