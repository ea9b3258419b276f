"""Every indicator, declared once: its key, its kind, whether the breakdown tables show it, its names.

`policy.summarise` computes them; the names on the pages, the CSV and Excel exports, `openapi.json`,
the figures row of the breakdown tables and the yearly report's tables all iterate this list, so
a new indicator is one entry here and one line of arithmetic in `summarise` (docs/recipes.md).
`tests/test_indicator_registry.py` fails when any of them leaves one out.

Pure: the names are message ids, marked with N_ for the catalogues and translated where they
are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


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
)
KEYS = tuple(indicator.key for indicator in INDICATORS)
IN_BREAKDOWN = tuple(indicator for indicator in INDICATORS if indicator.in_breakdown)
