"""The report package's seams: only `content` reads the database; the writer works from what it is given,
and prints the names its caller passes in."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event

from models import db
from survey.domain import report
from survey.domain.report import content
from survey.domain.report.writer import Writer
from tests.test_layers import imports_of

PACKAGE = Path(report.__file__).parent
NAMES = report.Names(
    number=lambda value: "–" if value is None else f"<{value}>",
    store_types={"supermarket": "TYPE-supermarket", "commercial_centre": "TYPE-centre"},
    zones={"checkout": "ZONE-checkout", "store_packed": "ZONE-packed", "fresh_food": "ZONE-fresh"},
    levels={"district": "LEVEL-district", "commune": "LEVEL-commune"},
    unassigned={"district": "NO-DISTRICT", "commune": "NO-COMMUNE"},
    label_types={"VN_ECOLABEL": "LABEL-vn", "ECO_BAG_CERT": "LABEL-bag", "SELF_DECLARED": "LABEL-self"},
)


def statements_while(action) -> tuple[object, int]:
    """What action returns, and how many SQL statements it sent."""
    sent = []

    def count(*_args):
        sent.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        return action(), len(sent)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


@pytest.mark.parametrize("period", [report.year_period(2025), report.span_period(2024, 2025)], ids=["year", "span"])
def test_the_writer_sends_no_sql_and_prints_the_names_it_is_given(app, table, period):
    with app.test_request_context("/?lang=en"):
        read, reading = statements_while(lambda: content.read(period, "district"))
        body, writing = statements_while(lambda: Writer(read, NAMES).body())
    assert reading > 0
    assert writing == 0
    text = repr(body)
    assert "LEVEL-district" in text and "ZONE-checkout" in text and "TYPE-supermarket" in text
    assert "<50.0>%" in text  # 2025 compliance, in the number format passed in
    to_act = next(block for block in body if isinstance(block, report.Table) and block.key == "to-act")
    # The names of stores and units come from the content read beforehand.
    assert [row[0] for row in to_act.rows] == ["Cửa hàng S-002 (S-002)", "Cửa hàng S-006 (S-006)"]


def test_only_content_imports_the_models_or_sqlalchemy():
    modules = sorted(PACKAGE.glob("*.py"))
    assert {path.name for path in modules} >= {"content.py", "writer.py", "tables.py", "period.py", "blocks.py"}
    for path in modules:
        imported = {module for module, _names in imports_of(path)}
        reads = {"models", "sqlalchemy"} & {module.split(".")[0] for module in imported}
        assert not reads or path.name == "content.py", f"{path.name} imports {reads}"
