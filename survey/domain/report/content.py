"""What a report is made of, read from the domain: each year's figures and the names of stores and units.

The only part of the report that reads the database. The figures are those of the dashboard and
of the indicators API (figures.dashboard_figures over indicators.indicators_from_rows), so the report
says what they say; the writer works from this and nothing else. The Ministry's national report reads
the nation's figures and each province's row (`read_national`), those of the national comparison and
of the Ministry's indicators API (provinces.national.national_indicators).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from models import Store, db
from survey.domain import figures, policy
from survey.domain.products import found
from survey.domain.provinces import national
from survey.domain.report.period import Period


@dataclass(frozen=True)
class Figures:
    """The figures of each year of a period, and when they were read: what every report is written from."""

    period: Period
    by_year: dict[int, dict]  # the figures of each year, as the indicators API gives them
    produced_at: datetime  # local time

    @property
    def last(self) -> dict:
        """The figures of the period's last year."""
        return self.by_year[self.period.last]

    @property
    def single_year(self) -> bool:
        """Whether the period is one year."""
        return self.period.first == self.period.last


@dataclass(frozen=True)
class Content(Figures):
    """A province's figures, with the names the report needs."""

    level: str  # the level the units are read at
    store_names: Mapping[str, str]  # store code: name
    unit_names: Mapping[str, str]  # unit code: name
    products: tuple[found.FoundProduct, ...] = ()  # the certified products the last year's surveys found


def read(period: Period, level: str) -> Content:
    """Everything a report of the period shows, with its units read at a level."""
    by_year = {year: figures.dashboard_figures(year, level) for year in period.years}
    return Content(
        period=period,
        level=level,
        by_year=by_year,
        store_names=dict(db.session.execute(select(Store.code, Store.name)).all()),
        unit_names=figures.unit_names(),
        produced_at=policy.local_now(),
        products=tuple(found.products_of_year(period.last)),
    )


def read_national(period: Period) -> Figures:
    """The nation's figures for each year of the period, each with `by_province` (one row per province,
    by its own rule), as the Ministry's indicators API gives them. No store's or person's name."""
    by_year = {year: national.national_indicators(year, breakdowns=False) for year in period.years}
    return Figures(period=period, by_year=by_year, produced_at=policy.local_now())
