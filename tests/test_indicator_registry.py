"""The indicator registry (survey/domain/indicators.py) is the one list: every channel that names, exports,
describes or tabulates the figures follows it, and a test here fails when one leaves an indicator out."""

from __future__ import annotations

import csv
import io
import re

from survey.domain import figures, indicators, report, tables
from survey.domain.indicators import IN_BREAKDOWN, INDICATORS, KEYS
from survey.labels import FIGURE_NAMES
from survey.web import openapi
from tests.conftest import rows_of
from tests.test_report_writer import NAMES

YEAR = 2025
BREAKDOWN_KEYS = [indicator.key for indicator in IN_BREAKDOWN]


def test_the_registry_names_each_indicator_once_with_a_kind_and_a_label():
    assert len(set(KEYS)) == len(KEYS) > 0
    for indicator in INDICATORS:
        assert indicator.kind in ("count", "percentage", "flag") and indicator.label


def test_summarise_gives_every_indicator_in_the_registrys_order(app, table):
    with app.app_context():
        result = figures.year_indicators(YEAR)
    assert [key for key in result if key in KEYS or key not in ("year", "rule", "by_unit", "by_type")] == list(KEYS)
    for row in (*result["by_unit"], *result["by_type"]):
        assert [key for key in row if key not in ("unit_code", "unit_name", "type")] == list(KEYS)
    assert list(indicators.summarise([], 85)) == list(KEYS)  # nothing in scope: still every key


def test_every_indicator_has_its_name_on_the_pages():
    assert list(FIGURE_NAMES) == list(KEYS)
    assert all(str(name) for name in FIGURE_NAMES.values())


def test_the_exports_have_a_column_for_every_indicator(app, table):
    with app.app_context():
        header, rows = tables.indicator_table(YEAR)
    assert header[4 : 4 + len(KEYS)] == list(KEYS)
    assert all(len(row) == len(header) for row in rows)


def test_the_csv_export_has_a_column_for_every_indicator(client, auth, table):
    auth.login("reviewer")
    text = client.get(f"/exports/indicators/{YEAR}.csv").get_data(as_text=True)
    header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert [name for name in header if name in KEYS] == list(KEYS)


def test_openapi_describes_every_indicator_with_its_type():
    assert list(openapi.FIGURES) == list(KEYS)
    described = openapi.document()["components"]["schemas"]["IndicatorsAnswer"]["properties"]
    assert [key for key in described if key in KEYS] == list(KEYS)
    kinds = {"count": "integer", "percentage": "number", "flag": "boolean"}
    for indicator in INDICATORS:
        schema = openapi.FIGURES[indicator.key]
        types = {option["type"] for option in schema.get("anyOf", [schema])}
        expected = "integer" if indicator.whole else kinds[indicator.kind]
        assert types == ({expected, "null"} if indicator.nullable else {expected}), indicator.key


def test_the_figures_row_has_a_cell_and_a_header_for_every_indicator_in_breakdowns(client, auth, table):
    auth.login("reviewer")
    for page, table_id in ((f"/indicators?year={YEAR}", "by-unit"), (f"/dashboard?year={YEAR}", "by-level")):
        html = client.get(page).get_data(as_text=True)
        section = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)
        assert section, (page, table_id)
        headers = re.findall(r"<th[ >]", section.group(0))
        assert len(headers) == 1 + len(IN_BREAKDOWN), page
        assert all(len(row) == 1 + len(IN_BREAKDOWN) for row in rows_of(html, table_id)), page


def test_the_reports_tables_have_a_column_for_every_indicator_in_breakdowns(app, table):
    with app.app_context():
        content = report.content.read(report.year_period(YEAR), "district")
    tabulated = report.tables.Tables(content, NAMES)
    columns = tabulated.figure_columns("Unit")
    assert len(columns) == 1 + len(IN_BREAKDOWN)
    assert report.tables.FIGURE_KEYS == tuple(BREAKDOWN_KEYS)
    row = dict.fromkeys(KEYS, 7)
    assert tabulated.figure_cells(row) == tuple("<7>" for _ in IN_BREAKDOWN)


def test_a_new_indicator_reaches_every_channel_that_iterates_the_registry(monkeypatch):
    # What the recipe promises: one entry in the registry shows in the names, the exports' columns,
    # openapi and the breakdown tables (summarise's arithmetic is the one other line to write).
    extra = indicators.Indicator("stores_probe", "count", indicators.N_("Probe"), indicators.N_("Probe"))
    assert extra.in_breakdown
    assert openapi.figure_schema(extra) == openapi.INTEGER
    assert openapi.figure_schema(indicators.Indicator("share_probe", "percentage", "x", nullable=True)) == (
        openapi.nullable(openapi.NUMBER)
    )
