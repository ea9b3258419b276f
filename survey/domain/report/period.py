"""Which years a report covers, and how it names them: its subject and its summary (trích yếu).

A report covers one year, a span of years, or a plan phase reviewed from its first year: the
whole phase once it is over (final review, tổng kết), else up to this year (mid-phase review,
sơ kết). See docs/report.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from survey.domain import policy, rulebook

LONGEST_SPAN = 10  # years in one report: the whole plan


@dataclass(frozen=True)
class Period:
    """The years a report covers; `phase` when it reviews a plan phase from its first year."""

    first: int
    last: int
    phase: policy.Phase | None = None

    @property
    def kind(self) -> str:
        """year, final (a whole phase), mid (a phase still under way) or years (any other span)."""
        if self.phase is not None:
            return "final" if self.last == self.phase.last_year else "mid"
        return "year" if self.first == self.last else "years"

    @property
    def years(self) -> list[int]:
        """Each year of the period, in order."""
        return list(range(self.first, self.last + 1))


def year_period(year: int) -> Period:
    """One calendar year."""
    return Period(year, year)


def phase_period(first_year: int, this_year: int) -> Period | None:
    """A review of the phase starting in first_year: the whole phase once it is over, else up to this year."""
    phase = rulebook.phase_starting(first_year)
    if phase is None:
        return None
    return Period(phase.first_year, min(phase.last_year, max(phase.first_year, this_year)), phase)


def span_period(first: int, last: int) -> Period | None:
    """Any span of years; one that starts a phase and stays in it reviews that phase."""
    if not first <= last < first + LONGEST_SPAN:
        return None
    phase = policy.phase_for_year(first)
    if first == last or phase is None or phase.first_year != first or last > phase.last_year:
        return Period(first, last)
    return Period(first, last, phase)


def subject(period: Period) -> str:
    """What the report is about, in the summary under BÁO CÁO and in the closing sentence."""
    if period.kind == "year":
        return _("the year %(year)s", year=period.first)
    if period.kind == "years":
        return _("the years %(first)s–%(last)s", first=period.first, last=period.last)
    phase = period.phase
    if period.kind == "final":
        return _("the phase %(first)s–%(last)s", first=phase.first_year, last=phase.last_year)
    if period.first == period.last:
        return _(
            "the year %(year)s of the phase %(first)s–%(last)s",
            year=period.first,
            first=phase.first_year,
            last=phase.last_year,
        )
    return _(
        "the years %(from)s–%(to)s of the phase %(first)s–%(last)s",
        first=phase.first_year,
        last=phase.last_year,
        **{"from": period.first, "to": period.last},
    )


def summary(period: Period) -> str:
    """The summary (trích yếu) under BÁO CÁO: what kind of review, and of what."""
    kind = period.kind
    if kind == "final":
        lead = _("Final review of replacing single-use plastic packaging at supermarkets and commercial centres:")
    elif kind == "mid":
        lead = _("Mid-phase review of replacing single-use plastic packaging at supermarkets and commercial centres:")
    else:
        lead = _("Results of replacing single-use plastic packaging at supermarkets and commercial centres:")
    return f"{lead} {subject(period)}"
