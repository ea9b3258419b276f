"""The Ministry's figures: the nation's, and each province's beside them (docs/provinces.md).

The national figure counts stores, each judged by its own province's rule (the verdicts the
store-year table keeps), against the national targets; it is never an average of the provinces'
percentages. Each province's row is what that province's own users see, worked out in a session
scoped to it by the same rule that scopes their requests.
"""

from __future__ import annotations

from models import AdminUnit
from survey.domain import figures, indicators, policy, rulebook
from survey.domain.provinces import places, tenancy


def province_row(province: AdminUnit, year: int) -> dict:
    """One province's headline figures for a year, by its own rule in force, which it states."""
    with tenancy.scoped_to(province.id):
        rule = rulebook.rule_for_year(year, province.id)
        summary = indicators.summarise(figures.status_rows(year), policy.target_pct_for_year(year, rule))
    return {
        "province_code": province.code,
        "province_name": province.name,
        "rule": indicators.rule_as_dict(rule),
        **summary,
    }


def national_indicators(year: int, level: str | None = None) -> dict:
    """The nation's indicators for a year (every store in scope, the national rule's target), and
    `by_province`, one row per province the deployment holds, by code."""
    with tenancy.scoped_to(None):
        result = figures.year_indicators(year, level=level)
        result["by_province"] = [province_row(province, year) for province in places.all_provinces()]
    return result
