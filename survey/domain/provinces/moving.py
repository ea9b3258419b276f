"""An existing database moved over to provinces (`init-db`), without loss.

Every row gets the province above it where the unit tree says it (units, stores, and through them
surveys, photos and links). A deployment that holds exactly one province, as every deployment did
before provinces, puts everything else there too: its users (the Ministry's aside), rounds, store
proposals, report settings, audit entries, "not certified" marks, and the rule versions its admins saved (the seeded
national defaults stay national). Run again, it changes nothing. docs/provinces.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import bindparam, func, select, update

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
from survey.domain.provinces import places


class NoProvince(Exception):
    """Rows wait for a province, and the deployment holds none: load one first."""


@dataclass
class Moved:
    province: AdminUnit | None
    counts: dict[str, int] = field(default_factory=dict)  # rows given a province, by table

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def unit_provinces() -> dict[int, int]:
    """Each unit below a province, with that province's id, read from the tree in one query."""
    rows = db.session.execute(select(AdminUnit.id, AdminUnit.parent_id, AdminUnit.level)).all()
    parent = {unit_id: parent_id for unit_id, parent_id, _level in rows}
    provinces = {unit_id for unit_id, parent_id, level in rows if parent_id is None and level == places.LEVEL}
    found = {}
    for unit_id in parent:
        top, steps = unit_id, 0
        while parent.get(top) is not None and steps < 20:
            top, steps = parent[top], steps + 1
        if top in provinces and top != unit_id:
            found[unit_id] = top
    return found


def waiting() -> bool:
    """Whether any store or staff user has no province yet."""
    store = db.session.scalar(select(Store.id).where(Store.province_id.is_(None)).limit(1))
    user = db.session.scalar(select(User.id).where(User.province_id.is_(None), User.role != "ministry").limit(1))
    return store is not None or user is not None


def move_over() -> Moved:
    """Give every row without a province the one above it (not committed); NoProvince when rows wait
    and the deployment holds no province."""
    provinces = places.all_provinces()
    if not provinces:
        if waiting():
            raise NoProvince()
        return Moved(None)
    moved = Moved(provinces[0] if len(provinces) == 1 else None)
    by_unit = unit_provinces()
    table = AdminUnit.__table__
    rows = db.session.execute(select(table.c.id, table.c.province_id))
    missing = [{"u": unit_id, "p": by_unit[unit_id]} for unit_id, kept in rows if kept is None and unit_id in by_unit]
    if missing:
        db.session.execute(
            update(table).where(table.c.id == bindparam("u")).values(province_id=bindparam("p")), missing
        )
    moved.counts["admin_unit"] = len(missing)
    own = func.coalesce(table.c.province_id, table.c.id)  # a unit's province, or the province itself
    from_parent(moved, Store, select(own).where(table.c.id == Store.__table__.c.unit_id))
    from_parent(moved, StoreProposal, select(own).where(table.c.id == StoreProposal.__table__.c.unit_id))
    store = Store.__table__
    from_parent(moved, Survey, select(store.c.province_id).where(store.c.id == Survey.__table__.c.store_id))
    proposal = StoreProposal.__table__
    survey_proposal = Survey.__table__.c.store_proposal_id
    from_parent(moved, Survey, select(proposal.c.province_id).where(proposal.c.id == survey_proposal))
    survey = Survey.__table__
    from_parent(moved, Photo, select(survey.c.province_id).where(survey.c.id == Photo.__table__.c.survey_id))
    from_parent(moved, StoreLink, select(store.c.province_id).where(store.c.id == StoreLink.__table__.c.store_id))
    if moved.province is not None:
        everything_to(moved)
    return moved


def from_parent(moved: Moved, model, province_query) -> None:
    """Rows without a province take the one the query finds for them (where it finds one)."""
    table = model.__table__
    value = province_query.scalar_subquery()
    statement = update(table).where(table.c.province_id.is_(None)).values(province_id=value)
    count = db.session.execute(statement.where(value.is_not(None))).rowcount or 0
    moved.counts[table.name] = moved.counts.get(table.name, 0) + count


def everything_to(moved: Moved) -> None:
    """The one province's deployment: every row still without a province is of that province."""
    province_id = moved.province.id
    for model, condition in (
        (AdminUnit, AdminUnit.__table__.c.id != province_id),
        (Store, None),
        (StoreProposal, None),
        (Survey, None),
        (Photo, None),
        (StoreLink, None),
        (SurveyRound, None),
        (ReportSettings, None),
        (AuditEntry, None),
        (UncertifiedProduct, None),
        (User, User.__table__.c.role != "ministry"),
        (ComplianceRule, ComplianceRule.__table__.c.created_by_id.is_not(None)),  # saved by its admins
    ):
        table = model.__table__
        statement = update(table).where(table.c.province_id.is_(None))
        if condition is not None:
            statement = statement.where(condition)
        count = db.session.execute(statement.values(province_id=province_id)).rowcount or 0
        moved.counts[table.name] = moved.counts.get(table.name, 0) + count
