"""The Ministry's figures: the nation's, and each province's beside them (docs/provinces.md).

The national figure counts stores, each judged by its own province's rule (the verdicts the
store-year table keeps), against the national targets; it is never an average of the provinces'
percentages. Each province's row is what that province's own users see: its stores' rows, judged
by its own rule.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from models import AdminUnit, Store, db
from survey.domain import figures, indicators, policy, rulebook
from survey.domain.provinces import places, tenancy


def province_row(province: AdminUnit, year: int, rows: list[policy.StoreYear], rule: policy.Rule) -> dict:
    """One province's headline figures for a year over its stores, by its own rule in force, which it states."""
    return {
        "province_code": province.code,
        "province_name": province.name,
        "rule": indicators.rule_as_dict(rule),
        **indicators.summarise(rows, policy.target_pct_for_year(year, rule)),
    }


def national_indicators(year: int, level: str | None = None, breakdowns: bool = True) -> dict:
    """The nation's indicators for a year (every store in scope, the national rule's target), and
    `by_province`, one row per province the deployment holds, by code. Without `breakdowns`, the
    nation's headline figures alone beside the provinces (the comparison page needs no more).

    The year's stores are read once; each province's row is made of the rows of its stores, the
    very rows a session scoped to it reads (tests/test_provinces.py compares the two)."""
    with tenancy.scoped_to(None):
        rows = figures.status_rows(year)
        if breakdowns:
            result = figures.indicators_of_rows(rows, year, level)
        else:
            rule = rulebook.rule_for_year(year, None)
            target = policy.target_pct_for_year(year, rule)
            result = {"year": year, "rule": indicators.rule_as_dict(rule), **indicators.summarise(rows, target)}
        province_of = dict(db.session.execute(select(Store.code, Store.province_id)).all())
        by_province: dict[int | None, list[policy.StoreYear]] = defaultdict(list)
        for row in rows:
            by_province[province_of.get(row.code)].append(row)
        provinces = places.all_provinces()
        rules = rulebook.rules_of_provinces(year, [province.id for province in provinces])
        result["by_province"] = [
            province_row(province, year, by_province[province.id], rules[province.id]) for province in provinces
        ]
    return result
