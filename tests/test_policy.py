"""Tests of survey.policy against domain.md; every expected number is worked out by hand."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from survey.domain import indicators, policy
from survey.domain.policy import Rule, StoreFacts, StoreYear, SurveyFacts, ZoneCount

CHECKOUT_100 = Rule(version=1, zones=("checkout",), min_eco_share_pct=Decimal(100), target_pct=85)
BOTH_100 = Rule(version=2, zones=("checkout", "store_packed"), min_eco_share_pct=Decimal(100), target_pct=100)
SUMMARY_KEYS = {
    "stores_in_scope",
    "stores_surveyed",
    "stores_compliant",
    "compliance_pct",
    "compliance_pct_of_surveyed",
    "coverage_pct",
    "target_pct",
    "target_met",
    "stores_needed",
    "eco_share_avg",
    "eco_label_skus",
    "stores_with_eco_label",
    "eco_products",
}


def survey(
    id="s",
    visited="2024-06-01T09:00:00+07:00",
    source="inspection",
    state="received",
    received=None,
    checkout=(10, 10),
    store_packed=None,
    labels=0,
):
    """Build a survey; received defaults to an hour after the visit."""
    visited_at = datetime.fromisoformat(visited)
    received_at = datetime.fromisoformat(received) if received else visited_at + timedelta(hours=1)
    zones = {"checkout": ZoneCount(*checkout)}
    if store_packed is not None:
        zones["store_packed"] = ZoneCount(*store_packed)
    return SurveyFacts(id, source, state, visited_at, received_at, zones, labels)


def row(code="S", deciding=None, compliant=False, type="supermarket", unit="U1"):
    """Build an already-judged store."""
    return StoreYear(code, type, unit, deciding, compliant)


# --- phases and targets -------------------------------------------------------------


def test_default_phases_match_the_plan():
    assert [(p.first_year, p.last_year, p.target_pct, p.zones, p.min_eco_share_pct) for p in policy.PHASES] == [
        (2021, 2025, 85, ("checkout",), Decimal(100)),
        (2026, 2030, 100, ("checkout", "store_packed"), Decimal(100)),
    ]


@pytest.mark.parametrize(
    ("year", "first_year"), [(2020, None), (2021, 2021), (2025, 2021), (2026, 2026), (2030, 2026), (2031, None)]
)
def test_phase_for_year(year, first_year):
    phase = policy.phase_for_year(year)
    assert (phase.first_year if phase else None) == first_year


@pytest.mark.parametrize(
    ("year", "expected"),
    [(1999, 2021), (2020, 2021), (2021, 2021), (2025, 2021), (2026, 2026), (2030, 2026), (2031, 2026), (2100, 2026)],
)
def test_rule_phase_year_uses_the_nearest_phase_outside_the_plan(year, expected):
    assert policy.rule_phase_year(year) == expected


@pytest.mark.parametrize(
    ("year", "expected"), [(2020, None), (2021, 85), (2025, 85), (2026, 100), (2030, 100), (2031, None)]
)
def test_target_pct_for_year_comes_from_the_rule_inside_the_plan(year, expected):
    default = next((phase.target_pct for phase in policy.PHASES if phase.first_year <= year <= phase.last_year), 0)
    assert policy.target_pct_for_year(year, Rule(1, ("checkout",), Decimal(100), default)) == expected
    lowered = Rule(2, ("checkout",), Decimal(100), 70)
    assert policy.target_pct_for_year(year, lowered) == (None if expected is None else 70)


# --- which surveys count ------------------------------------------------------------


@pytest.mark.parametrize(
    ("visited", "year"),
    [
        ("2025-12-31T18:00:00+00:00", 2026),  # 01:00 on 1 January in Hà Nội
        ("2025-12-31T16:59:59+00:00", 2025),  # 23:59:59 on 31 December in Hà Nội
        ("2025-12-31T23:59:00+07:00", 2025),
        ("2026-01-01T00:30:00+07:00", 2026),
        ("2026-01-01T01:00:00+09:00", 2025),  # 23:00 on 31 December in Hà Nội
    ],
)
def test_survey_year_is_the_local_calendar_year(visited, year):
    assert policy.survey_year(datetime.fromisoformat(visited)) == year


def test_survey_year_refuses_a_naive_time():
    with pytest.raises(ValueError):
        policy.survey_year(datetime(2025, 12, 31, 23, 0))


@pytest.mark.parametrize(
    ("source", "state", "counts"),
    [
        ("inspection", "received", True),
        ("inspection", "has_issues", True),
        ("inspection", "approved", True),
        ("inspection", "rejected", False),
        ("self_report", "received", False),
        ("self_report", "has_issues", False),
        ("self_report", "approved", True),
        ("self_report", "rejected", False),
        ("rumour", "approved", False),
    ],
)
def test_survey_counts(source, state, counts):
    assert policy.survey_counts(source, state) is counts


# --- which stores are in scope ------------------------------------------------------


@pytest.mark.parametrize(
    ("opened", "closed", "open_in_2024"),
    [
        (None, None, True),
        (date(2024, 12, 31), None, True),
        (date(2025, 1, 1), None, False),  # opened after the year
        (None, date(2024, 1, 1), True),
        (None, date(2023, 12, 31), False),  # closed before the year
        (date(2019, 5, 1), date(2024, 6, 30), True),  # closed during the year
        (date(2024, 6, 1), date(2024, 6, 2), True),
    ],
)
def test_store_open_in_year(opened, closed, open_in_2024):
    assert policy.store_open_in_year(opened, closed, 2024) is open_in_2024


@pytest.mark.parametrize(
    ("store_type", "in_scope"),
    [("supermarket", True), ("commercial_centre", True), ("convenience_store", False), ("market", False)],
)
def test_store_in_scope_by_type(store_type, in_scope):
    assert policy.store_in_scope(store_type, None, None, 2024) is in_scope


def test_store_in_scope_needs_the_store_open():
    assert policy.store_in_scope("supermarket", None, date(2023, 12, 31), 2024) is False
    assert policy.store_in_scope("supermarket", date(2025, 1, 1), None, 2024) is False


# --- the deciding survey ------------------------------------------------------------


def test_latest_visit_decides_whatever_the_order_given():
    early = survey("a", "2024-03-01T09:00:00+07:00", received="2024-12-01T09:00:00+07:00")
    late = survey("b", "2024-09-01T09:00:00+07:00")
    assert policy.deciding_survey([early, late], 2024) is late
    assert policy.deciding_survey([late, early], 2024) is late


def test_same_visit_time_later_receipt_decides():
    first = survey("z", "2024-05-01T09:00:00+07:00", received="2024-05-01T10:00:00+07:00")
    second = survey("a", "2024-05-01T02:00:00+00:00", received="2024-05-02T10:00:00+07:00")  # same instant
    assert policy.deciding_survey([second, first], 2024) is second
    assert policy.deciding_survey([first, second], 2024) is second


def test_full_tie_is_broken_by_id():
    a = survey("a", received="2024-06-01T12:00:00+07:00")
    b = survey("b", received="2024-06-01T12:00:00+07:00")
    assert policy.deciding_survey([a, b], 2024) is b
    assert policy.deciding_survey([b, a], 2024) is b


def test_rejected_inspection_leaves_the_earlier_one_deciding():
    earlier = survey("a", "2024-03-01T09:00:00+07:00", state="has_issues")
    rejected = survey("b", "2024-09-01T09:00:00+07:00", state="rejected")
    assert policy.deciding_survey([earlier, rejected], 2024) is earlier


@pytest.mark.parametrize("state", ["received", "has_issues", "rejected"])
def test_self_report_decides_only_once_approved(state):
    inspection = survey("a", "2024-03-01T09:00:00+07:00")
    report = survey("b", "2024-09-01T09:00:00+07:00", source="self_report", state=state)
    assert policy.deciding_survey([inspection, report], 2024) is inspection
    approved = survey("c", "2024-09-01T09:00:00+07:00", source="self_report", state="approved")
    assert policy.deciding_survey([inspection, approved], 2024) is approved


def test_survey_of_another_year_never_decides():
    this_year = survey("a", "2024-03-01T09:00:00+07:00")
    next_year = survey("b", "2025-01-02T09:00:00+07:00")
    new_year_night = survey("c", "2024-12-31T18:00:00+00:00")  # 2025 in Hà Nội
    assert policy.deciding_survey([this_year, next_year, new_year_night], 2024) is this_year
    assert policy.deciding_survey([this_year, new_year_night], 2025) is new_year_night
    assert policy.deciding_survey([this_year], 2023) is None
    assert policy.deciding_survey([], 2024) is None


# --- eco shares and the compliance rule ---------------------------------------------


@pytest.mark.parametrize(
    ("count", "share"), [(ZoneCount(3, 4), Fraction(3, 4)), (ZoneCount(0, 5), Fraction(0)), (ZoneCount(0, 0), None)]
)
def test_zone_eco_share(count, share):
    assert policy.zone_eco_share(count) == share


def test_overall_eco_share_pools_units_across_zones():
    # 10 eco of 40 units, not the mean of 100% and 0%.
    zones = {"checkout": ZoneCount(10, 10), "store_packed": ZoneCount(0, 30)}
    assert policy.overall_eco_share(zones) == Fraction(1, 4)
    assert policy.overall_eco_share({"checkout": ZoneCount(2, 3)}) == Fraction(2, 3)
    assert policy.overall_eco_share({}) is None
    assert policy.overall_eco_share({"checkout": ZoneCount(0, 0)}) is None


def test_first_phase_judges_checkout_only():
    assert policy.is_compliant({"checkout": ZoneCount(10, 10), "store_packed": ZoneCount(0, 5)}, CHECKOUT_100)
    assert not policy.is_compliant({"checkout": ZoneCount(29, 30), "store_packed": ZoneCount(5, 5)}, CHECKOUT_100)


def test_second_phase_judges_both_zones():
    assert not policy.is_compliant({"checkout": ZoneCount(10, 10), "store_packed": ZoneCount(4, 5)}, BOTH_100)
    assert not policy.is_compliant({"checkout": ZoneCount(9, 10), "store_packed": ZoneCount(5, 5)}, BOTH_100)
    assert policy.is_compliant({"checkout": ZoneCount(10, 10), "store_packed": ZoneCount(5, 5)}, BOTH_100)


def test_named_zone_with_nothing_counted_passes():
    assert policy.is_compliant({"checkout": ZoneCount(10, 10)}, BOTH_100)
    assert policy.is_compliant({"checkout": ZoneCount(10, 10), "store_packed": ZoneCount(0, 0)}, BOTH_100)


@pytest.mark.parametrize(
    ("minimum", "eco", "total", "compliant"),
    [
        (Decimal(80), 4, 5, True),
        (Decimal(80), 79, 100, False),
        (Decimal(80), 80, 100, True),
        (Decimal("79.5"), 159, 200, True),
        (Decimal("79.5"), 158, 200, False),
        (Decimal(57), 57, 100, True),  # 0.57 * 100 is 56.99999999999999 in floats
        (Decimal("33.33"), 3333, 10000, True),
    ],
)
def test_threshold_is_compared_exactly(minimum, eco, total, compliant):
    rule = Rule(version=7, zones=("checkout",), min_eco_share_pct=minimum, target_pct=85)
    assert policy.is_compliant({"checkout": ZoneCount(eco, total)}, rule) is compliant


# --- rounding and percentages -------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Fraction(8025, 100), 1, 80.3),
        (Decimal("80.25"), 1, 80.3),
        (Decimal("80.24"), 1, 80.2),
        (Fraction(100, 3), 1, 33.3),
        (Fraction(200, 3), 1, 66.7),
        (Decimal("0.05"), 1, 0.1),
        (Decimal("12.35"), 1, 12.4),  # round(12.35, 1) gives 12.3
        (Fraction(0), 1, 0.0),
        (Decimal("2.5"), 0, 3.0),  # round(2.5) gives 2
        (Decimal("1.005"), 2, 1.01),
    ],
)
def test_round_half_up(value, places, expected):
    result = policy.round_half_up(value, places)
    assert type(result) is float
    assert result == expected


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(1, 3, 33.3), (2, 3, 66.7), (17, 20, 85.0), (321, 400, 80.3), (0, 5, 0.0), (3, 0, None), (0, 0, None)],
)
def test_percentage(numerator, denominator, expected):
    assert indicators.percentage(numerator, denominator) == expected


# --- summarising ------------------------------------------------------------------


def test_summary_has_exactly_the_indicators():
    assert set(indicators.summarise([row()], 85)) == SUMMARY_KEYS


def test_unsurveyed_stores_stay_in_the_denominator():
    good = survey()
    rows = [row("A", good, True), row("B", good, False), row("C"), row("D")]
    summary = indicators.summarise(rows, 85)
    assert (summary["stores_in_scope"], summary["stores_surveyed"], summary["stores_compliant"]) == (4, 2, 1)
    assert summary["compliance_pct"] == 25.0
    assert summary["compliance_pct_of_surveyed"] == 50.0
    assert summary["coverage_pct"] == 50.0


def test_unsurveyed_store_is_never_counted_compliant():
    summary = indicators.summarise([row("A", None, True), row("B", survey(), True)], 85)
    assert summary["stores_compliant"] == 1


def test_zero_denominators_give_null():
    assert indicators.summarise([], 85) == {
        "stores_in_scope": 0,
        "stores_surveyed": 0,
        "stores_compliant": 0,
        "compliance_pct": None,
        "compliance_pct_of_surveyed": None,
        "coverage_pct": None,
        "target_pct": 85,
        "target_met": None,
        "stores_needed": 0,
        "eco_share_avg": None,
        "eco_label_skus": 0,
        "stores_with_eco_label": 0,
        "eco_products": 0,
    }
    unsurveyed = indicators.summarise([row("A"), row("B")], 85)
    assert unsurveyed["compliance_pct"] == 0.0
    assert unsurveyed["compliance_pct_of_surveyed"] is None
    assert unsurveyed["coverage_pct"] == 0.0
    assert unsurveyed["target_met"] is False
    assert unsurveyed["eco_share_avg"] is None


def test_target_met_on_the_exact_value():
    rows = [row(str(i), survey(), i < 17) for i in range(20)]
    summary = indicators.summarise(rows, 85)
    assert (summary["compliance_pct"], summary["target_met"], summary["stores_needed"]) == (85.0, True, 0)


def test_target_not_met_when_only_the_rounded_value_reaches_it():
    # 1699 of 2000 is 84.95%, shown as 85.0 but short of 85.
    rows = [row(str(i), survey(), i < 1699) for i in range(2000)]
    summary = indicators.summarise(rows, 85)
    assert summary["compliance_pct"] == 85.0
    assert summary["target_met"] is False
    assert summary["stores_needed"] == 1  # ceil(1700) - 1699


@pytest.mark.parametrize(
    ("target", "compliant", "needed"),
    [(85, 0, 6), (85, 4, 2), (85, 6, 0), (85, 7, 0), (100, 4, 3)],  # ceil(85·7/100) = ceil(5.95) = 6
)
def test_stores_needed_rounds_up_and_is_never_negative(target, compliant, needed):
    rows = [row(str(i), survey(), i < compliant) for i in range(7)]
    assert indicators.summarise(rows, target)["stores_needed"] == needed


def test_no_target_outside_the_plan_but_figures_still_computed():
    summary = indicators.summarise([row("A", survey(), True), row("B")], None)
    assert summary["compliance_pct"] == 50.0
    assert (summary["target_pct"], summary["target_met"], summary["stores_needed"]) == (None, None, None)


def test_eco_share_avg_pools_each_store_then_averages_stores():
    rows = [
        row("A", survey(checkout=(10, 10), store_packed=(0, 30))),  # 10/40 = 25%
        row("B", survey(checkout=(3, 4))),  # 75%
        row("C", survey(checkout=(1, 3))),  # 33.33…%
        row("D"),  # unsurveyed: no share
    ]
    # (1/4 + 3/4 + 1/3) / 3 = 4/9 = 44.44…%; not 52.8 (mean of zone shares) nor 29.8 (units of all stores pooled).
    assert indicators.summarise(rows, 85)["eco_share_avg"] == 44.4


@given(st.lists(st.tuples(st.integers(0, 500), st.integers(1, 500)), min_size=1, max_size=60))
def test_the_mean_share_summed_per_denominator_is_the_exact_mean(pairs):
    shares = [(min(eco, total), total) for eco, total in pairs]
    assert indicators.mean_share(shares) == sum(Fraction(eco, total) for eco, total in shares) / len(shares)


def test_eco_share_avg_skips_a_survey_with_no_units():
    empty = SurveyFacts("e", "inspection", "received", survey().visited_at, survey().received_at, {}, 0)
    summary = indicators.summarise([row("A", survey(checkout=(1, 2))), row("B", empty)], 85)
    assert summary["stores_surveyed"] == 2
    assert summary["eco_share_avg"] == 50.0


def test_eco_labels_summed_over_deciding_surveys():
    rows = [row("A", survey(labels=3)), row("B", survey(labels=0)), row("C", survey(labels=5)), row("D")]
    summary = indicators.summarise(rows, 85)
    assert summary["eco_label_skus"] == 8
    assert summary["stores_with_eco_label"] == 2


# --- judging stores and the indicators ----------------------------------------------


def test_judge_stores_keeps_in_scope_stores_and_judges_them():
    stores = [
        StoreFacts("A", "supermarket", "U1", None, None, [survey(checkout=(10, 10))]),
        StoreFacts("B", "commercial_centre", "U1", None, None, [survey(checkout=(9, 10))]),
        StoreFacts("C", "market", "U1", None, None, [survey()]),
        StoreFacts("D", "supermarket", "U1", None, date(2023, 12, 31), [survey()]),
        StoreFacts("E", "supermarket", "U1", None, None),
    ]
    judged = indicators.judge_stores(stores, 2024, CHECKOUT_100)
    assert [(r.code, r.deciding is not None, r.compliant) for r in judged] == [
        ("A", True, True),
        ("B", True, False),
        ("E", False, False),
    ]


def test_indicators_for_a_year_with_breakdowns():
    stores = [
        # Deciding: a2 (later), compliant at checkout, 20 eco of 40 units, no labels (a1's 4 do not count).
        StoreFacts(
            "A",
            "supermarket",
            "U2",
            None,
            None,
            [
                survey("a1", "2024-03-01T09:00:00+07:00", state="approved", labels=4),
                survey("a2", "2024-10-01T09:00:00+07:00", checkout=(20, 20), store_packed=(0, 20)),
            ],
        ),
        # Deciding: b1 (b2 is rejected), 90%, not compliant, 1 label.
        StoreFacts(
            "B",
            "commercial_centre",
            "U1",
            None,
            None,
            [
                survey("b1", "2024-05-01T09:00:00+07:00", "self_report", "approved", checkout=(9, 10), labels=1),
                survey("b2", "2024-11-01T09:00:00+07:00", state="rejected", labels=7),
            ],
        ),
        StoreFacts("C", "supermarket", "U1", None, None),
        # Unsurveyed in 2024: the self-report is not approved and the inspection falls in 2025 locally.
        StoreFacts(
            "D",
            "supermarket",
            "U1",
            None,
            None,
            [
                survey("d0", "2024-06-01T09:00:00+07:00", "self_report", "has_issues"),
                survey("d1", "2024-12-31T20:00:00+00:00"),
            ],
        ),
        StoreFacts("E", "convenience_store", "U1", None, None, [survey()]),
        StoreFacts("F", "market", "U3", None, None, [survey()]),
        StoreFacts("G", "supermarket", "U2", None, date(2023, 12, 31), [survey()]),
        # Opened on the last day, surveyed that evening: compliant, 10 eco of 20 units, 3 labels.
        StoreFacts(
            "H",
            "supermarket",
            "U2",
            date(2024, 12, 31),
            None,
            [survey("h1", "2024-12-31T20:00:00+07:00", checkout=(5, 5), store_packed=(5, 15), labels=3)],
        ),
    ]
    rule = Rule(version=3, zones=("checkout",), min_eco_share_pct=Decimal(100), target_pct=85)
    assert indicators.indicators(stores, 2024, rule) == {
        "year": 2024,
        "rule": {"version": 3, "zones": ["checkout"], "min_eco_share_pct": 100.0, "target_pct": 85},
        "stores_in_scope": 5,
        "stores_surveyed": 3,
        "stores_compliant": 2,
        "compliance_pct": 40.0,
        "compliance_pct_of_surveyed": 66.7,
        "coverage_pct": 60.0,
        "target_pct": 85,
        "target_met": False,
        "stores_needed": 3,  # ceil(4.25) - 2
        "eco_share_avg": 63.3,  # (50 + 90 + 50) / 3
        "eco_label_skus": 4,
        "stores_with_eco_label": 2,
        "eco_products": 0,
        "by_unit": [
            {
                "unit_code": "U1",
                "stores_in_scope": 3,
                "stores_surveyed": 1,
                "stores_compliant": 0,
                "compliance_pct": 0.0,
                "compliance_pct_of_surveyed": 0.0,
                "coverage_pct": 33.3,
                "target_pct": 85,
                "target_met": False,
                "stores_needed": 3,  # ceil(2.55)
                "eco_share_avg": 90.0,
                "eco_label_skus": 1,
                "stores_with_eco_label": 1,
                "eco_products": 0,
            },
            {
                "unit_code": "U2",
                "stores_in_scope": 2,
                "stores_surveyed": 2,
                "stores_compliant": 2,
                "compliance_pct": 100.0,
                "compliance_pct_of_surveyed": 100.0,
                "coverage_pct": 100.0,
                "target_pct": 85,
                "target_met": True,
                "stores_needed": 0,  # ceil(1.7) - 2, floored at 0
                "eco_share_avg": 50.0,
                "eco_label_skus": 3,
                "stores_with_eco_label": 1,
                "eco_products": 0,
            },
        ],
        "by_type": [
            {
                "type": "supermarket",
                "stores_in_scope": 4,
                "stores_surveyed": 2,
                "stores_compliant": 2,
                "compliance_pct": 50.0,
                "compliance_pct_of_surveyed": 100.0,
                "coverage_pct": 50.0,
                "target_pct": 85,
                "target_met": False,
                "stores_needed": 2,  # ceil(3.4) - 2
                "eco_share_avg": 50.0,
                "eco_label_skus": 3,
                "stores_with_eco_label": 1,
                "eco_products": 0,
            },
            {
                "type": "commercial_centre",
                "stores_in_scope": 1,
                "stores_surveyed": 1,
                "stores_compliant": 0,
                "compliance_pct": 0.0,
                "compliance_pct_of_surveyed": 0.0,
                "coverage_pct": 100.0,
                "target_pct": 85,
                "target_met": False,
                "stores_needed": 1,  # ceil(0.85)
                "eco_share_avg": 90.0,
                "eco_label_skus": 1,
                "stores_with_eco_label": 1,
                "eco_products": 0,
            },
        ],
    }


def test_each_phase_rule_applies_its_zones():
    surveys = [
        survey("y25", "2025-06-01T09:00:00+07:00", checkout=(10, 10), store_packed=(2, 5)),
        survey("y26", "2026-06-01T09:00:00+07:00", checkout=(10, 10), store_packed=(2, 5)),
    ]
    stores = [StoreFacts("A", "supermarket", "U1", None, None, surveys)]
    assert indicators.indicators(stores, 2025, CHECKOUT_100)["stores_compliant"] == 1
    assert indicators.indicators(stores, 2026, BOTH_100)["stores_compliant"] == 0
    assert indicators.indicators(stores, 2026, BOTH_100)["target_pct"] == 100


@pytest.mark.parametrize("year", [2019, 2031])
def test_indicators_outside_the_plan_have_no_target(year):
    stores = [
        StoreFacts("A", "supermarket", "U1", None, None, [survey(visited=f"{year}-06-01T09:00:00+07:00")]),
        StoreFacts(
            "B", "supermarket", "U1", None, None, [survey(visited=f"{year}-06-01T09:00:00+07:00", checkout=(1, 2))]
        ),
    ]
    result = indicators.indicators(stores, year, CHECKOUT_100)
    assert (result["stores_in_scope"], result["stores_compliant"], result["compliance_pct"]) == (2, 1, 50.0)
    assert (result["target_pct"], result["target_met"], result["stores_needed"]) == (None, None, None)
    assert result["by_unit"][0]["target_met"] is None


def test_indicators_from_rows_groups_by_unit_and_lists_only_present_types():
    rows = [
        row("A", survey(), True, unit="U9"),
        row("B", None, False, unit="U1"),
        row("C", survey(checkout=(1, 4)), False, unit="U9"),
    ]
    result = indicators.indicators_from_rows(rows, 2022, BOTH_100)
    assert result["rule"] == {
        "version": 2,
        "zones": ["checkout", "store_packed"],
        "min_eco_share_pct": 100.0,
        "target_pct": 100,
    }
    assert (result["stores_in_scope"], result["stores_surveyed"], result["stores_compliant"]) == (3, 2, 1)
    assert result["stores_needed"] == 2  # ceil(2.55) - 1
    assert result["eco_share_avg"] == 62.5  # (100 + 25) / 2
    assert [(u["unit_code"], u["stores_in_scope"], u["compliance_pct"]) for u in result["by_unit"]] == [
        ("U1", 1, 0.0),
        ("U9", 2, 50.0),
    ]
    assert [(t["type"], t["stores_in_scope"]) for t in result["by_type"]] == [("supermarket", 3)]
    assert set(result["by_unit"][0]) == SUMMARY_KEYS | {"unit_code"}
    assert set(result["by_type"][0]) == SUMMARY_KEYS | {"type"}


def test_indicators_with_no_store_in_scope():
    result = indicators.indicators([StoreFacts("E", "market", "U1", None, None, [survey()])], 2024, CHECKOUT_100)
    assert (result["stores_in_scope"], result["compliance_pct"], result["target_met"]) == (0, None, None)
    assert result["by_unit"] == [] and result["by_type"] == []
