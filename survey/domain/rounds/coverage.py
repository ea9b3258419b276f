"""Which stores a round covers: those of its types, in its units or any unit below them, open on at
least one day of the round. Worked out when asked, so that a store registered later is covered too."""

from __future__ import annotations

from sqlalchemy import and_, or_, select

from models import AdminUnit, Store, SurveyRound, db
from survey.domain import figures


def types_of(round_: SurveyRound) -> list[str]:
    return [code for code in round_.store_types.split(";") if code]


def unit_codes_of(round_: SurveyRound) -> list[str]:
    return [code for code in round_.unit_codes.split(";") if code]


def open_during_condition(round_: SurveyRound):
    """SQL for "the store is open on some day from the round's first to its last"."""
    return and_(
        or_(Store.opened_on.is_(None), Store.opened_on <= round_.ends_on),
        or_(Store.closed_on.is_(None), Store.closed_on >= round_.starts_on),
    )


def unit_ids_of(codes: list[str]) -> set[int]:
    """The units named and every unit below them."""
    roots = db.session.scalars(select(AdminUnit.id).where(AdminUnit.code.in_(codes)))
    return figures.units_and_descendant_ids(roots)


def covered_condition(round_: SurveyRound):
    """SQL for "the round covers this store" (the store's unit, or its unit before the reform, counts)."""
    condition = and_(Store.type.in_(types_of(round_)), open_during_condition(round_))
    if codes := unit_codes_of(round_):
        unit_ids = unit_ids_of(codes)
        condition = and_(condition, or_(Store.unit_id.in_(unit_ids), Store.legacy_unit_id.in_(unit_ids)))
    return condition


def covered_store_ids(round_: SurveyRound) -> set[int]:
    return set(db.session.scalars(select(Store.id).where(covered_condition(round_))))
