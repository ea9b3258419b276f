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
from dataclasses import dataclass, field
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
    """The exact mean of eco/total over (eco, total) pairs with total > 0."""
    by_total: dict[int, tuple[int, int]] = {}
    for eco, total in shares:
        summed, count = by_total.get(total, (0, 0))
        by_total[total] = (summed + eco, count + 1)
    return mean_of_shares(by_total)


def mean_of_shares(by_total: Mapping[int, tuple[int, int]]) -> Fraction:
    """The exact mean share from {total: (eco units summed, surveys)}, the surveys grouped by total.

    Summed per denominator first: totals repeat a lot, and adding Fractions one by one (a gcd at
    every step) is what a year's figures spent most of their time on. The database can group the
    same way (survey/domain/sums.py), so a national figure needs no row per store.
    """
    surveys = sum(count for _, count in by_total.values())
    return sum((Fraction(eco, total) for total, (eco, _) in by_total.items()), Fraction(0)) / surveys


def exact_pct(numerator: int, denominator: int) -> Fraction | None:
    """Return 100·n/d exactly, or None on a zero denominator."""
    return Fraction(100 * numerator, denominator) if denominator else None


def percentage(numerator: int, denominator: int) -> float | None:
    """Return 100·n/d rounded half-up to one decimal, or None on a zero denominator."""
    exact = exact_pct(numerator, denominator)
    return None if exact is None else policy.round_half_up(exact)


@dataclass(frozen=True)
class Sums:
    """What every indicator of a group of judged stores is worked out from: sums that add up.

    Two groups' sums added are the sums of both, so a total is always computed from the stores,
    never from percentages. Built from rows here (`sums_of`) or counted by the database
    (survey/domain/sums.py); either way `summary_of` does the arithmetic, once.
    """

    in_scope: int = 0
    surveyed: int = 0
    compliant: int = 0  # surveyed and compliant: an unsurveyed store never is
    # {pooled total units: (pooled eco units summed, surveys)}, over surveys with units only
    shares_by_total: Mapping[int, tuple[int, int]] = field(default_factory=dict)
    eco_label_skus: int = 0
    with_eco_label: int = 0
    eco_products: frozenset[str] = frozenset()

    def __add__(self, other: Sums) -> Sums:
        shares = dict(self.shares_by_total)
        for total, (eco, count) in other.shares_by_total.items():
            summed, before = shares.get(total, (0, 0))
            shares[total] = (summed + eco, before + count)
        return Sums(
            self.in_scope + other.in_scope,
            self.surveyed + other.surveyed,
            self.compliant + other.compliant,
            shares,
            self.eco_label_skus + other.eco_label_skus,
            self.with_eco_label + other.with_eco_label,
            self.eco_products | other.eco_products,
        )


def added(parts: Iterable[Sums]) -> Sums:
    """The sums of several groups together (of none: zero)."""
    total = Sums()
    for part in parts:
        total = total + part
    return total


def sums_of(rows: Iterable[policy.StoreYear]) -> Sums:
    """The sums of judged stores' rows."""
    judged = list(rows)
    deciding = [row.deciding for row in judged if row.deciding is not None]
    shares: dict[int, tuple[int, int]] = {}
    for survey in deciding:
        eco, total = survey.pooled
        if total:
            summed, count = shares.get(total, (0, 0))
            shares[total] = (summed + eco, count + 1)
    return Sums(
        in_scope=len(judged),
        surveyed=len(deciding),
        compliant=sum(1 for row in judged if row.deciding is not None and row.compliant),
        shares_by_total=shares,
        eco_label_skus=sum(survey.eco_label_skus for survey in deciding),
        with_eco_label=sum(1 for survey in deciding if survey.eco_label_skus >= 1),
        eco_products=frozenset().union(*(survey.eco_products for survey in deciding)),
    )


def summarise(rows: Iterable[policy.StoreYear], target_pct: int | None) -> dict:
    """Compute every indicator of docs/policy.md over judged stores."""
    return summary_of(sums_of(rows), target_pct)


def summary_of(sums: Sums, target_pct: int | None) -> dict:
    """Every indicator of docs/policy.md from a group's sums, against a target."""
    n, s, c = sums.in_scope, sums.surveyed, sums.compliant
    exact = exact_pct(c, n)
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
        "eco_share_avg": (
            policy.round_half_up(100 * mean_of_shares(sums.shares_by_total)) if sums.shares_by_total else None
        ),
        "eco_label_skus": sums.eco_label_skus,
        "stores_with_eco_label": sums.with_eco_label,
        "eco_products": len(sums.eco_products),
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
