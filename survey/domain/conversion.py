"""Give stores registered before the reform of 01/07/2025 their commune in force.

A store whose unit was abolished keeps that unit as its unit before the reform, and takes
the commune the official conversion gives it when there is exactly one. Communes split
between several new ones, and old districts, are left for an admin to assign, with the
official conversion's default as a suggestion.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models import AdminUnit, Store, UnitSuccessor, User, db
from survey.domain import official_units, registry


@dataclass
class Pending:
    """A store whose commune in force an admin must choose, and the official candidates."""

    store: Store
    candidates: list[AdminUnit]
    suggestion: AdminUnit | None


@dataclass
class ConversionReport:
    converted: list[Store] = field(default_factory=list)
    pending: list[Pending] = field(default_factory=list)


def stores_in_abolished_units() -> list[Store]:
    """Stores whose unit ceased to exist on 01/07/2025."""
    query = (
        select(Store)
        .join(AdminUnit, Store.unit_id == AdminUnit.id)
        .where(AdminUnit.valid_to < official_units.REFORM_DAY)
        .options(joinedload(Store.unit), joinedload(Store.legacy_unit))
        .order_by(Store.code)
    )
    return list(db.session.scalars(query).unique())


def successors(unit: AdminUnit) -> list[tuple[AdminUnit, bool]]:
    """The units in force that took over an abolished unit, with the official default flag."""
    query = (
        select(AdminUnit, UnitSuccessor.is_default)
        .join(UnitSuccessor, UnitSuccessor.new_unit_id == AdminUnit.id)
        .where(UnitSuccessor.old_unit_id == unit.id)
        .order_by(AdminUnit.name)
    )
    return [(successor, bool(is_default)) for successor, is_default in db.session.execute(query)]


def plan() -> ConversionReport:
    """What converting would do, without changing anything."""
    report = ConversionReport()
    for store in stores_in_abolished_units():
        options = successors(store.unit)
        if len(options) == 1:
            report.converted.append(store)
        else:
            suggestion = next((unit for unit, is_default in options if is_default), None)
            report.pending.append(Pending(store, [unit for unit, _default in options], suggestion))
    return report


def convert(actor: User | None) -> ConversionReport:
    """Move every store whose conversion is unambiguous to its commune in force (audited, committed)."""
    report = plan()
    for store in report.converted:
        (new_unit, _default) = successors(store.unit)[0]
        assign(store, new_unit, actor)
    return report


def assign(store: Store, unit: AdminUnit, actor: User | None) -> None:
    """Give a store its unit in force, keeping the abolished one as its unit before the reform."""
    values = {"unit": unit}
    if store.unit is not None and store.unit.valid_to is not None and store.unit.valid_to < official_units.REFORM_DAY:
        values["legacy_unit"] = store.legacy_unit or store.unit
    registry.update_store(store, values, actor)
