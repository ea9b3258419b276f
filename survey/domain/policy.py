"""The policy in one place: local time, which stores and surveys count, the compliance
rule and its explanation, and every indicator.

Pure functions over plain data (no Flask, no database), so that a reviewer can check
this file line by line against docs/policy.md. Percentages are exact fractions until
the very end, then rounded half-up to one decimal.
"""

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

ZONES = ("checkout", "store_packed")
STORE_TYPES = ("supermarket", "commercial_centre", "convenience_store", "market")
IN_SCOPE_TYPES = ("supermarket", "commercial_centre")
SOURCES = ("inspection", "self_report")
REVIEW_STATES = ("received", "has_issues", "approved", "rejected")
# A decision that turns a survey down or sends it back must say why, so the sender can act.
STATES_NEEDING_A_REASON = ("has_issues", "rejected")
STATUSES = ("compliant", "not_compliant", "unsurveyed")
UNIT_LEVELS = ("province", "district", "commune")
# About 30 checkouts rarely hand out more bags than this: more asks "are you sure?", never refuses.
PLAUSIBLE_CHECKOUT_UNITS = 200
# The method watches about 30 customers; shares over fewer than this ask "are you sure?".
FEW_CUSTOMERS = 10
# A visit's location is flagged for the reviewer when it lies farther than this from the store's
# registered place, or when the phone's accuracy is worse than this.
FAR_VISIT_M = 500
POOR_ACCURACY_M = 200
# A visit this accurate may give a store without coordinates its place, once an admin confirms.
STORE_PLACE_ACCURACY_M = 50
EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)
# Districts carried the plan's first phase and were abolished on 01/07/2025: years up to
# 2025 are read by the old districts, later years by the communes in force.
LAST_DISTRICT_YEAR = 2025
# The one local time of the province; every "today", "this year" and local day comes from it.
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class Phase:
    first_year: int
    last_year: int
    target_pct: int
    zones: tuple[str, ...]
    min_eco_share_pct: Decimal


# The plan's defaults. They only seed each phase's first stored rule version: from then
# on the newest stored version is the rule (survey.domain.rulebook).
PHASES = (
    Phase(2021, 2025, 85, ("checkout",), Decimal(100)),
    Phase(2026, 2030, 100, ("checkout", "store_packed"), Decimal(100)),
)


@dataclass(frozen=True)
class Rule:
    """One stored version of a phase's rule: the target and how a store is judged."""

    version: int
    zones: tuple[str, ...]
    min_eco_share_pct: Decimal
    target_pct: int


@dataclass(frozen=True)
class ZoneCount:
    eco: int
    total: int


@dataclass(frozen=True)
class SurveyFacts:
    id: str
    source: str
    review_state: str
    visited_at: datetime
    received_at: datetime
    zones: Mapping[str, ZoneCount]
    eco_label_skus: int  # counted label types only
    superseded: bool = False  # a later correction replaced it
    # The listed products it found with a certificate valid on the visit day (products.found), by GTIN.
    eco_products: frozenset[str] = frozenset()

    @functools.cached_property
    def pooled(self) -> tuple[int, int]:
        """Eco units and all units, all zones together (worked out once: every summary of a year reads it)."""
        return pooled_units(self.zones)


@dataclass(frozen=True)
class StoreFacts:
    code: str
    type: str
    unit_code: str
    opened_on: date | None
    closed_on: date | None
    surveys: Sequence[SurveyFacts] = ()
    legacy_unit_code: str | None = None  # the unit before 01/07/2025, when known


@dataclass(frozen=True)
class StoreYear:
    """One in-scope store judged for one year."""

    code: str
    type: str
    unit_code: str
    deciding: SurveyFacts | None
    compliant: bool
    legacy_unit_code: str | None = None

    @property
    def status(self) -> str:
        """The store's status for the year: compliant, not_compliant or unsurveyed."""
        if self.deciding is None:
            return "unsurveyed"
        return "compliant" if self.compliant else "not_compliant"


@dataclass(frozen=True)
class ZoneVerdict:
    """What the rule says of one zone of one survey, with the figures behind it."""

    zone: str
    eco: int
    total: int
    share: Fraction | None  # None when nothing was counted
    judged: bool  # the rule names this zone
    passed: bool  # judged zones only; an empty zone passes

    @property
    def share_pct(self) -> float | None:
        return None if self.share is None else round_half_up(100 * self.share)


@dataclass(frozen=True)
class Verdict:
    """A survey judged by a rule: compliant or not, and which zone failed by how much."""

    rule: Rule
    compliant: bool
    zones: tuple[ZoneVerdict, ...]

    def zone(self, name: str) -> ZoneVerdict:
        return next(zone for zone in self.zones if zone.zone == name)

    @property
    def failed(self) -> tuple[ZoneVerdict, ...]:
        return tuple(zone for zone in self.zones if zone.judged and not zone.passed)

    def shortfall_pct(self, zone: ZoneVerdict) -> float | None:
        """Percentage points a failed zone is below the threshold."""
        if zone.share is None:
            return None
        return round_half_up(Fraction(self.rule.min_eco_share_pct) - 100 * zone.share)


def phase_for_year(year: int) -> Phase | None:
    """Return the plan phase that contains the year, if any."""
    return next((p for p in PHASES if p.first_year <= year <= p.last_year), None)


def rule_phase_year(year: int) -> int:
    """Return the first year of the phase whose rule judges this year (the nearest one outside 2021–2030)."""
    # Phases are contiguous and ordered, so clamping the year finds the nearest one.
    clamped = min(max(year, PHASES[0].first_year), PHASES[-1].last_year)
    return next(p.first_year for p in PHASES if clamped <= p.last_year)


def target_pct_for_year(year: int, rule: Rule) -> int | None:
    """Return the rule's target share of compliant stores, or None for a year outside 2021–2030."""
    return rule.target_pct if phase_for_year(year) else None


def local_now() -> datetime:
    """The time now in Hưng Yên, whatever the server's zone."""
    return datetime.now(LOCAL_TZ)


def local_today() -> date:
    """Today's date in Hưng Yên."""
    return local_now().date()


def utc_offset_minutes() -> int:
    """The province's offset from UTC in minutes (Vietnam keeps no daylight saving time)."""
    offset = local_now().utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)


def local_day_start_utc(day: date) -> datetime:
    """The UTC moment (naive, as stored) at which a local day begins."""
    return datetime.combine(day, time(), LOCAL_TZ).astimezone(UTC).replace(tzinfo=None)


def local_day(moment: datetime) -> date:
    """The day a moment falls on in Hưng Yên; a naive moment is UTC, as the database keeps it."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(LOCAL_TZ).date()


def survey_year(visited_at: datetime) -> int:
    """Return the calendar year of a visit in Asia/Ho_Chi_Minh."""
    if visited_at.tzinfo is None:
        # A naive time would silently take the server's zone and could shift the year.
        raise ValueError("visited_at must carry a UTC offset")
    return visited_at.astimezone(LOCAL_TZ).year


def survey_counts(source: str, review_state: str, superseded: bool = False) -> bool:
    """Tell whether a survey counts: inspections unless rejected, self-reports once approved,
    and never a survey that a later correction superseded."""
    if superseded:
        return False
    if source == "inspection":
        return review_state != "rejected"
    # Anything else must be an approved self-report; an unknown source never counts.
    return source == "self_report" and review_state == "approved"


def reason_missing(state: str, comment: str | None) -> bool:
    """Tell whether a review decision lacks the reason its state needs."""
    return state in STATES_NEEDING_A_REASON and not (comment or "").strip()


def unlikely_values(
    checkout_units: int, labelled_skus: int, skus_checked: int | None, customers: int | None = None
) -> tuple[str, ...]:
    """Values allowed but unlikely, to be confirmed rather than refused: "many_bags" for more than
    PLAUSIBLE_CHECKOUT_UNITS at checkout, "labels_over_checked" for more eco-labelled SKUs than SKUs
    checked (a product line may carry two labels, so it can be right), "few_customers" for a checkout
    watched over fewer than FEW_CUSTOMERS customers (transactions_observed)."""
    found = []
    if checkout_units > PLAUSIBLE_CHECKOUT_UNITS:
        found.append("many_bags")
    if skus_checked is not None and labelled_skus > skus_checked:
        found.append("labels_over_checked")
    if customers is not None and customers < FEW_CUSTOMERS:
        found.append("few_customers")
    return tuple(found)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> int:
    """Metres between two points on the globe (haversine), rounded to whole metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return round(2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a))))


def location_flags(distance: int | None, accuracy_m: float | None) -> tuple[str, ...]:
    """What a reviewer should look at in a visit's location: "far" from the store, "imprecise" fix."""
    flags = []
    if distance is not None and distance > FAR_VISIT_M:
        flags.append("far")
    if accuracy_m is not None and accuracy_m > POOR_ACCURACY_M:
        flags.append("imprecise")
    return tuple(flags)


def store_open_on(opened_on: date | None, closed_on: date | None, day: date) -> bool:
    """Tell whether a store is open on a local day (it closes at the end of its closing day)."""
    return (opened_on is None or opened_on <= day) and (closed_on is None or closed_on >= day)


def store_open_in_year(opened_on: date | None, closed_on: date | None, year: int) -> bool:
    """Tell whether a store was open at some point of the year."""
    opened_late = opened_on is not None and opened_on > date(year, 12, 31)
    closed_early = closed_on is not None and closed_on < date(year, 1, 1)
    return not (opened_late or closed_early)


def store_in_scope(store_type: str, opened_on: date | None, closed_on: date | None, year: int) -> bool:
    """Tell whether a store counts towards the target in a year."""
    return store_type in IN_SCOPE_TYPES and store_open_in_year(opened_on, closed_on, year)


def deciding_survey(surveys: Iterable[SurveyFacts], year: int) -> SurveyFacts | None:
    """Return the latest counted survey of the year (by visit, then receipt, then id)."""
    candidates = [
        s
        for s in surveys
        if survey_counts(s.source, s.review_state, s.superseded) and survey_year(s.visited_at) == year
    ]
    return max(candidates, key=lambda s: (s.visited_at, s.received_at, s.id), default=None)


def zone_eco_share(count: ZoneCount) -> Fraction | None:
    """Return eco units over all units in a zone, or None when nothing was counted."""
    return Fraction(count.eco, count.total) if count.total else None


def overall_eco_share(zones: Mapping[str, ZoneCount]) -> Fraction | None:
    """Return all eco units over all units, pooled across zones."""
    eco, total = pooled_units(zones)
    return Fraction(eco, total) if total else None


def pooled_units(zones: Mapping[str, ZoneCount]) -> tuple[int, int]:
    """Eco units and all units of a survey, all zones together."""
    return sum(count.eco for count in zones.values()), sum(count.total for count in zones.values())


def zone_counts(lines: Iterable[tuple[str, str, int]], eco: Mapping[str, bool]) -> dict[str, ZoneCount]:
    """Total (zone, category, count) lines into eco units and all units per zone."""
    totals: dict[str, ZoneCount] = {}
    for zone, category, count in lines:
        before = totals.get(zone, ZoneCount(0, 0))
        totals[zone] = ZoneCount(before.eco + (count if eco.get(category) else 0), before.total + count)
    return totals


def judge_survey(zones: Mapping[str, ZoneCount], rule: Rule) -> Verdict:
    """Judge each zone against the rule's minimum eco share; the survey complies when every judged zone passes."""
    minimum = Fraction(rule.min_eco_share_pct) / 100  # exact: Decimal and Fraction, never a float
    verdicts = []
    for zone in ZONES:
        count = zones.get(zone, ZoneCount(0, 0))
        share = zone_eco_share(count)
        judged = zone in rule.zones
        # An empty zone passes: nothing non-eco was seen there.
        verdicts.append(ZoneVerdict(zone, count.eco, count.total, share, judged, share is None or share >= minimum))
    return Verdict(rule, all(v.passed for v in verdicts if v.judged), tuple(verdicts))


def is_compliant(zones: Mapping[str, ZoneCount], rule: Rule) -> bool:
    """Tell whether every zone the rule names reaches its minimum eco share (empty zones pass)."""
    return judge_survey(zones, rule).compliant


def round_half_up(value: Fraction | Decimal, places: int = 1) -> float:
    """Round exactly, halves away from zero (80.25 → 80.3), and return a float."""
    scaled = Fraction(value) * 10**places
    rounded = math.floor(abs(scaled) + Fraction(1, 2))
    return float(Decimal(-rounded if scaled < 0 else rounded).scaleb(-places))


def default_level(year: int) -> str:
    """The level a year's figures are read at by default: old districts up to 2025, communes after."""
    return "district" if year <= LAST_DISTRICT_YEAR else "commune"


def unit_at_level(code: str | None, level: str, tree: Mapping[str, tuple[str, str | None]]) -> str | None:
    """The unit itself or its nearest ancestor at a level; tree maps a code to (level, parent code)."""
    seen: set[str] = set()
    while code is not None and code in tree and code not in seen:
        seen.add(code)
        unit_level, parent = tree[code]
        if unit_level == level:
            return code
        code = parent
    return None


def reporting_unit(row: StoreYear, level: str, tree: Mapping[str, tuple[str, str | None]]) -> str | None:
    """The unit a store is counted under at a level.

    At district level the district it belonged to (through its unit before the reform, or
    its own unit's ancestors); at commune and province level its own unit or its ancestor.
    """
    if level == "district" and (found := unit_at_level(row.legacy_unit_code, level, tree)) is not None:
        return found
    return unit_at_level(row.unit_code, level, tree)
