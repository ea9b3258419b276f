"""The rounds at a glance: each one's state on a day and how many of its stores were visited, counted
in the database (two counts a round), for the list of rounds and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from models import Store, Survey, SurveyRound, db
from survey.domain import indicators
from survey.domain.rounds import coverage, progress

STATES = ("not_started", "in_progress", "ended")


def state_of(round_: SurveyRound, today: date) -> str:
    """Whether the round's days are still to come, include today, or are over."""
    if today < round_.starts_on:
        return "not_started"
    return "in_progress" if today <= round_.ends_on else "ended"


@dataclass(frozen=True)
class RoundSummary:
    round: SurveyRound
    state: str
    stores: int
    visited: int

    @property
    def visited_pct(self) -> float | None:
        return indicators.percentage(self.visited, self.stores)


def counts_of(round_: SurveyRound) -> tuple[int, int]:
    """The stores the round covers and how many of them were visited in it, as progress.progress counts them."""
    covered = coverage.covered_condition(round_)
    stores = db.session.scalar(select(func.count(Store.id)).where(covered))
    visited = db.session.scalar(
        select(func.count(func.distinct(Survey.store_id)))
        .join(Store, Store.id == Survey.store_id)
        .where(covered, progress.in_round_condition(round_))
    )
    return stores or 0, visited or 0


def summaries(rounds: list[SurveyRound], today: date) -> list[RoundSummary]:
    return [RoundSummary(round_, state_of(round_, today), *counts_of(round_)) for round_ in rounds]


def all_rounds() -> list[SurveyRound]:
    """Every round, the latest to start first (as GET /api/v1/rounds lists them)."""
    return list(db.session.scalars(select(SurveyRound).order_by(SurveyRound.starts_on.desc(), SurveyRound.id.desc())))


def rounds_in_progress(today: date) -> list[SurveyRound]:
    """The rounds whose days include today, the first to end first."""
    query = (
        select(SurveyRound)
        .where(SurveyRound.starts_on <= today, SurveyRound.ends_on >= today)
        .order_by(SurveyRound.ends_on, SurveyRound.id)
    )
    return list(db.session.scalars(query))
