"""A round's pace: stores visited week by week against the even pace that ends on its last day,
and the day the pace so far would finish on.

Pure arithmetic over the round's days, the number of stores it covers and the local day each
store was first visited in it (progress.first_visit_days), so that the page, the API and the
tests read one rule. A store counts once, in the week of its first counted visit: a second visit
finishes nothing more.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

# A pace read over fewer days than this says more about the first visits' luck than about the
# round; before it, or before any visit, the projection is "not enough data".
MIN_DAYS = 7
# A round drawn week by week up to this many weeks (five years); a longer one has no weekly figures.
MAX_WEEKS = 261
# A pace that would need longer than this after the last day is "too slow", not a date.
MAX_PROJECTED_DAYS = 3653


@dataclass(frozen=True)
class Week:
    """One ISO week of a round (cut to the round's days at both ends)."""

    year: int  # the ISO year and week number: 2026-W10 is (2026, 10)
    number: int
    starts_on: date
    ends_on: date
    visited: int  # stores first visited in the round that week
    visited_so_far: int  # stores visited by the end of the week
    even_pace: float  # stores an even pace from the first day to the last would have visited by then

    @property
    def key(self) -> str:
        return f"{self.year}-W{self.number:02d}"


@dataclass(frozen=True)
class Projection:
    """Where the pace so far leads.

    `state`: "done" (every store visited, the last on `finish_on`), "ended" (the last day is past and
    stores are left), "projected" (the pace so far would finish on `finish_on`), "too_slow" (not
    within MAX_PROJECTED_DAYS of the last day) or "not_enough_data" (fewer than MIN_DAYS of the round
    gone, or no visit yet). `per_week_needed` is the even pace that would still finish on the last
    day: None once the round is over or done.
    """

    state: str
    ends_on: date  # the round's last day
    finish_on: date | None = None
    per_week_needed: float | None = None

    @property
    def in_time(self) -> bool:
        return self.finish_on is not None and self.finish_on <= self.ends_on


def week_starts(first: date, last: date) -> list[date]:
    """The Monday of every ISO week from the one holding `first` to the one holding `last`
    (none when there are more than MAX_WEEKS)."""
    monday = first - timedelta(days=first.weekday())
    count = (last - monday).days // 7 + 1
    return [] if count > MAX_WEEKS else [monday + timedelta(days=7 * index) for index in range(count)]


def even_pace(stores: int, first: date, last: date, day: date) -> float:
    """The stores an even pace has visited by the end of `day` (all of them on the last day)."""
    days = (last - first).days + 1
    elapsed = min(max((day - first).days + 1, 0), days)
    return stores * elapsed / days


def weeks(first: date, last: date, stores: int, visits: Iterable[date]) -> list[Week]:
    """The round's weeks, each with its stores first visited, the total so far and the even pace."""
    per_week = Counter(day - timedelta(days=day.weekday()) for day in visits if first <= day <= last)
    found, so_far = [], 0
    for monday in week_starts(first, last):
        so_far += per_week[monday]
        start, end = max(monday, first), monday + timedelta(days=min(6, (last - monday).days))
        year, number, _weekday = monday.isocalendar()
        pace = round(even_pace(stores, first, last, end), 1)
        found.append(Week(year, number, start, end, per_week[monday], so_far, pace))
    return found


def projection(first: date, last: date, stores: int, visits: list[date], today: date) -> Projection:
    """The day the pace so far (stores visited per day since the first day) would finish the round on,
    while the round is in progress."""
    visited = len(visits)
    if stores and visited >= stores:
        return Projection("done", last, max(visits))
    if today > last:
        return Projection("ended", last)
    remaining = stores - visited
    # The days after today (today's visits are counted already), or all of them before the first.
    days_left = (last - today).days if today >= first else (last - first).days + 1
    needed = round(remaining * 7 / days_left, 1) if days_left > 0 and remaining > 0 else None
    elapsed = (today - first).days + 1
    if not stores or elapsed < MIN_DAYS or visited == 0:
        return Projection("not_enough_data", last, per_week_needed=needed)
    days_needed = math.ceil(remaining * elapsed / visited)
    try:
        finish_on = today + timedelta(days=days_needed)
    except OverflowError:  # past the year 9999
        finish_on = date.max
    if (finish_on - last).days > MAX_PROJECTED_DAYS or finish_on == date.max:
        return Projection("too_slow", last, per_week_needed=needed)
    return Projection("projected", last, finish_on, needed)


def as_dict(found_weeks: list[Week], found: Projection) -> dict:
    """The pace as the API answers it (new keys beside the contract's, never in place of one)."""
    return {
        "weeks": [
            {
                "week": week.key,
                "starts_on": week.starts_on.isoformat(),
                "ends_on": week.ends_on.isoformat(),
                "visited": week.visited,
                "visited_so_far": week.visited_so_far,
                "even_pace": week.even_pace,
            }
            for week in found_weeks
        ],
        "projection": found.state,
        "finish_on": found.finish_on.isoformat() if found.finish_on else None,
        "per_week_needed": found.per_week_needed,
    }
