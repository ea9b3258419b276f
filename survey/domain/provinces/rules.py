"""Each store judged by its own province's rule: the rule of each store's province, and the stores a
province's rule judges (docs/provinces.md).

For the store-year table (`store_years`), which keeps each store-year's verdict.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, select

from models import ComplianceRule, Store, db
from survey.domain import policy, rulebook

CHUNK = 500  # ids per IN (...) list, well under every database's limit on parameters

Ruled = tuple[int | None, int]  # (province id, year): each store is judged by its own province's rule


def store_provinces(store_ids: Iterable[int]) -> dict[int, int | None]:
    """The province of each of some stores."""
    ids = sorted(set(store_ids))
    found: dict[int, int | None] = {}
    for start in range(0, len(ids), CHUNK):
        query = select(Store.id, Store.province_id).where(Store.id.in_(ids[start : start + CHUNK]))
        found.update(db.session.execute(query).all())
    return found


def rules_by_province_year(pairs: Iterable[Ruled]) -> dict[Ruled, policy.Rule]:
    """The rule in force for each of some provinces and years, read once each rather than once per row."""
    return {(province, year): rulebook.rule_for_year(year, province) for province, year in set(pairs)}


def judged_by(phase_first_year: int, province_id: int | None):
    """SQL for the stores a province's rule of a phase judges: its own stores; for the national rule,
    the stores of every province with no version of its own (and of none)."""
    if province_id is not None:
        return Store.province_id == province_id
    own = select(ComplianceRule.province_id).where(
        ComplianceRule.phase_first_year == phase_first_year, ComplianceRule.province_id.is_not(None)
    )
    return or_(Store.province_id.is_(None), Store.province_id.not_in(own))
