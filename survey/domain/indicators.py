"""Every indicator, declared once (its key, its kind, whether the breakdown tables show it, its names),
and computed over the stores of a year (`summarise`, `indicators`).

`summarise` computes them; the names on the pages, the CSV and Excel exports, `openapi.json`,
the figures row of the breakdown tables and the yearly report's tables all iterate this list, so
a new indicator is one entry here and one line of arithmetic in `summarise` (docs/recipes.md).
`tests/test_indicator_registry.py` fails when any of them leaves one out.

Pure, as `policy` is: the names are message ids, marked with N_ for the catalogues and
translated where they are shown.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from survey.domain import policy


def N_(message: str) -> str:
    """Mark a message id for the catalogues (pybabel's -k N_) without translating it here."""
    return message


Kind = Literal["count", "percentage", "flag"]


@dataclass(frozen=True)
class Indicator:
    key: str
    kind: Kind  # a count of stores or SKUs, a percentage, or a yes/no
    label: str  # the message id of its full name
    short: str | None = None  # the message id of its column header; None: not in the breakdown tables
    nullable: bool = False  # None where it cannot be worked out (no store in scope, no target)
    whole: bool = False  # a percentage in whole points (a target), not a measured share

    @property
    def in_breakdown(self) -> bool:
        """Shown in every breakdown table (by unit, by type), on the pages and in the report."""
        return self.short is not None


# In the order of summarise's answer, of the export's columns and of openapi.json.
INDICATORS = (
    Indicator("stores_in_scope", "count", N_("Stores in scope"), N_("In scope")),
    Indicator("stores_surveyed", "count", N_("Stores surveyed"), N_("Surveyed")),
    Indicator("stores_compliant", "count", N_("Stores compliant"), N_("Compliant")),
    Indicator(
        "compliance_pct", "percentage", N_("Compliance, share of stores in scope (%)"), N_("Compliance %%"), True
    ),
    Indicator("compliance_pct_of_surveyed", "percentage", N_("Compliance, share of surveyed stores (%)"), None, True),
    Indicator("coverage_pct", "percentage", N_("Coverage, share surveyed (%)"), N_("Coverage %%"), True),
    Indicator("target_pct", "percentage", N_("Target (%)"), None, True, whole=True),
    Indicator("target_met", "flag", N_("Target met"), None, True),
    Indicator("stores_needed", "count", N_("More stores needed to meet the target"), N_("Still needed"), True),
    Indicator("eco_share_avg", "percentage", N_("Average eco share (%)"), N_("Eco share %%"), True),
    Indicator("eco_label_skus", "count", N_("Eco-labelled SKUs"), N_("Eco-labelled SKUs")),
    Indicator("stores_with_eco_label", "count", N_("Stores with eco-labelled products")),
    Indicator("eco_products", "count", N_("Certified eco-labelled products found")),
)
KEYS = tuple(indicator.key for indicator in INDICATORS)
IN_BREAKDOWN = tuple(indicator for indicator in INDICATORS if indicator.in_breakdown)


def mean_share(shares: Sequence[tuple[int, int]]) -> Fraction:
    """The exact mean of eco/total over (eco, total) pairs with total > 0.

    Summed per denominator first: totals repeat a lot, and adding Fractions one by one
    (a gcd at every step) is what a year's figures spent most of their time on.
    """
    by_total: dict[int, int] = {}
    for eco, total in shares:
        by_total[total] = by_total.get(total, 0) + eco
    return sum((Fraction(eco, total) for total, eco in by_total.items()), Fraction(0)) / len(shares)


def exact_pct(numerator: int, denominator: int) -> Fraction | None:
    """Return 100·n/d exactly, or None on a zero denominator."""
    return Fraction(100 * numerator, denominator) if denominator else None


def percentage(numerator: int, denominator: int) -> float | None:
    """Return 100·n/d rounded half-up to one decimal, or None on a zero denominator."""
    exact = exact_pct(numerator, denominator)
    return None if exact is None else policy.round_half_up(exact)


def summarise(rows: Iterable[policy.StoreYear], target_pct: int | None) -> dict:
    """Compute every indicator of docs/policy.md over judged stores."""
    judged = list(rows)
    deciding = [row.deciding for row in judged if row.deciding is not None]
    n, s = len(judged), len(deciding)
    # An unsurveyed store is never compliant, whatever flag the caller passed.
    c = sum(1 for row in judged if row.deciding is not None and row.compliant)
    exact = exact_pct(c, n)
    shares = [survey.pooled for survey in deciding if survey.pooled[1]]
    return {
        "stores_in_scope": n,
        "stores_surveyed": s,
        "stores_compliant": c,
        "compliance_pct": percentage(c, n),
        "compliance_pct_of_surveyed": percentage(c, s),
        "coverage_pct": percentage(s, n),
        "target_pct": target_pct,
        "target_met": None if exact is None or target_pct is None else exact >= target_pct,
        "stores_needed": None if target_pct is None else max(0, math.ceil(Fraction(target_pct * n, 100)) - c),
        "eco_share_avg": policy.round_half_up(100 * mean_share(shares)) if shares else None,
        "eco_label_skus": sum(survey.eco_label_skus for survey in deciding),
        "stores_with_eco_label": sum(1 for survey in deciding if survey.eco_label_skus >= 1),
        "eco_products": len(frozenset().union(*(survey.eco_products for survey in deciding))),
    }


def judge_stores(stores: Iterable[policy.StoreFacts], year: int, rule: policy.Rule) -> list[policy.StoreYear]:
    """Keep the stores in scope for the year and judge each by its deciding survey."""
    judged = []
    for store in stores:
        if policy.store_in_scope(store.type, store.opened_on, store.closed_on, year):
            deciding = policy.deciding_survey(store.surveys, year)
            compliant = deciding is not None and policy.is_compliant(deciding.zones, rule)
            judged.append(
                policy.StoreYear(store.code, store.type, store.unit_code, deciding, compliant, store.legacy_unit_code)
            )
    return judged


def summarise_by_level(
    rows: Sequence[policy.StoreYear], level: str, tree: Mapping[str, tuple[str, str | None]], target_pct: int | None
) -> list[tuple[str | None, dict]]:
    """Every indicator per unit at a level, each store in exactly one group (None: no unit at that level)."""
    groups: dict[str | None, list[policy.StoreYear]] = {}
    for row in rows:
        groups.setdefault(policy.reporting_unit(row, level, tree), []).append(row)
    return [(code, summarise(group, target_pct)) for code, group in groups.items()]


def rule_as_dict(rule: policy.Rule) -> dict:
    """A rule as the indicators state it beside their figures."""
    return {
        "version": rule.version,
        "zones": list(rule.zones),
        "min_eco_share_pct": float(rule.min_eco_share_pct),
        "target_pct": rule.target_pct,
    }


def indicators_from_rows(rows: list[policy.StoreYear], year: int, rule: policy.Rule) -> dict:
    """Compute the headline figures and their breakdowns by unit and by type."""
    target = policy.target_pct_for_year(year, rule)
    by_unit: dict[str, list[policy.StoreYear]] = {}
    for row in rows:
        by_unit.setdefault(row.unit_code, []).append(row)
    return {
        "year": year,
        "rule": rule_as_dict(rule),
        **summarise(rows, target),
        "by_unit": [{"unit_code": code, **summarise(by_unit[code], target)} for code in sorted(by_unit)],
        "by_type": [
            {"type": kind, **summarise([r for r in rows if r.type == kind], target)}
            for kind in policy.IN_SCOPE_TYPES
            if any(r.type == kind for r in rows)
        ],
    }


def indicators(stores: Iterable[policy.StoreFacts], year: int, rule: policy.Rule) -> dict:
    """Compute every indicator for a year from stores and their surveys."""
    return indicators_from_rows(judge_stores(stores, year, rule), year, rule)
