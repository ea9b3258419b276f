"""The Ministry's figures: the nation's, and each province's beside them (docs/provinces.md).

The national figure counts stores, each judged by its own province's rule (the verdicts the
store-year table keeps), against the national targets; it is never an average of the provinces'
percentages. Each province's row is what that province's own users see: its stores' rows, judged
by its own rule.
"""

from __future__ import annotations

from models import AdminUnit, Store
from survey.domain import figures, indicators, policy, rulebook, sums
from survey.domain.provinces import places, tenancy


def province_row(province: AdminUnit, year: int, sums: indicators.Sums, rule: policy.Rule) -> dict:
    """One province's headline figures for a year over its stores, by its own rule in force, which it states."""
    return {
        "province_code": province.code,
        "province_name": province.name,
        "rule": indicators.rule_as_dict(rule),
        **indicators.summary_of(sums, policy.target_pct_for_year(year, rule)),
    }


def national_indicators(year: int, level: str | None = None, breakdowns: bool = True) -> dict:
    """The nation's indicators for a year (every store in scope, the national rule's target), and
    `by_province`, one row per province the deployment holds, by code. Without `breakdowns`, the
    nation's headline figures alone beside the provinces (the comparison page needs no more).

    Each province's row is counted by the database from its stores' rows of the store-year table,
    the very rows a session scoped to it reads (tests/test_provinces.py compares the two); the
    nation's headline is the provinces' sums added, stores without a province included."""
    with tenancy.scoped_to(None):
        by_province = sums.sums_by(year, Store.province_id)
        if breakdowns:
            result = figures.year_indicators(year, level=level)
        else:
            rule = rulebook.rule_for_year(year, None)
            target = policy.target_pct_for_year(year, rule)
            nation = indicators.added(by_province.values())
            result = {"year": year, "rule": indicators.rule_as_dict(rule), **indicators.summary_of(nation, target)}
        provinces = places.all_provinces()
        rules = rulebook.rules_of_provinces(year, [province.id for province in provinces])
        result["by_province"] = [
            province_row(province, year, by_province.get(province.id, indicators.Sums()), rules[province.id])
            for province in provinces
        ]
    return result
