"""A round's tables for spreadsheets, each declared once (survey.domain.tables.Column): the plan, which
a planner downloads, edits and uploads again (rounds.plan_import), and the progress by inspector and by
unit. The plan's columns also name what its import reads (importing.headers.HEADERS["plan"])."""

from __future__ import annotations

from models import SurveyRound
from survey.domain import indicators
from survey.domain.indicators import N_
from survey.domain.rounds import progress
from survey.domain.tables import Column, Table

PLAN_COLUMNS = (
    Column("store_code", N_("Store code")),
    Column("store_name", N_("Store name")),
    Column("store_type", N_("Store type"), "code", "store_type"),
    Column("unit_code", N_("Unit code")),
    Column("unit_name", N_("Administrative unit")),
    Column("address", N_("Address")),
    Column("inspector", N_("Inspector (user name)")),  # empty: nobody (or an inspector no longer active)
    Column("visited", N_("Visited in the round"), "flag"),
)
# What the plan's import reads; the other columns may stay in the file, and are left alone.
PLAN_READ = ("store_code", "inspector")

FIGURE_COLUMNS = (
    Column("stores", N_("Stores covered"), "count"),
    Column("visited", N_("Stores visited"), "count"),
    Column("visited_pct", N_("Visited (%)"), "percentage"),
)
BY_INSPECTOR_COLUMNS = (Column("inspector", N_("Inspector"), "text", "nobody"), *FIGURE_COLUMNS)
BY_UNIT_COLUMNS = (
    Column("unit_code", N_("Unit code")),
    Column("unit_name", N_("Administrative unit")),
    *FIGURE_COLUMNS,
)


def plan_table(round_: SurveyRound) -> Table:
    """Every store the round covers, with its inspector (by user name) and whether it was visited."""
    rows = progress.covered_rows(round_)
    visited = progress.visited_store_ids(round_, {row.id for row in rows})
    return Table(
        PLAN_COLUMNS,
        [
            [row.code, row.name, row.type, row.unit_code, row.unit_name, row.address, row.username, row.id in visited]
            for row in rows
        ],
    )


def figures(entry: dict) -> list:
    return [entry["stores"], entry["visited"], indicators.percentage(entry["visited"], entry["stores"])]


def progress_tables(found: dict) -> tuple[Table, Table]:
    """The progress by inspector and by unit (progress.progress's figures), as two tables."""
    by_inspector = [[entry["inspector"], *figures(entry)] for entry in found["by_inspector"]]
    by_unit = [[entry["unit_code"], entry["unit_name"], *figures(entry)] for entry in found["by_unit"]]
    return Table(BY_INSPECTOR_COLUMNS, by_inspector), Table(BY_UNIT_COLUMNS, by_unit)
