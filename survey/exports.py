"""Exports for spreadsheets: surveys and indicators of a year, as CSV and XLSX.

CSV is UTF-8 with a byte-order mark so that Excel shows Vietnamese; a text cell that
begins with =, +, -, @ (or a tab or carriage return) is prefixed with an apostrophe so
that no spreadsheet ever runs it as a formula. Every row carries the rule version that
judged it and the time of the export.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from flask import Blueprint, Response, abort
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from models import Store, Survey, db
from survey import figures, policy, vocab
from survey.auth import role_required
from survey.review import visited_at_iso

bp = Blueprint("exports", __name__)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FIGURES = (
    "stores_in_scope", "stores_surveyed", "stores_compliant", "compliance_pct", "compliance_pct_of_surveyed",
    "coverage_pct", "target_pct", "target_met", "stores_needed", "eco_share_avg", "eco_label_skus",
    "stores_with_eco_label",
)  # fmt: skip


def safe_cell(value):
    """Neutralise text a spreadsheet would read as a formula; leave numbers alone."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_time() -> str:
    return datetime.now(policy.LOCAL_TZ).replace(microsecond=0).isoformat()


def survey_table(year: int) -> tuple[list[str], list[list]]:
    """One row per survey of the year: a column per zone and category, one per eco-label type."""
    categories = [(zone, c.code) for zone, cats in vocab.categories_by_zone().items() for c in cats]
    labels = [label.code for label in vocab.label_types()]
    rule = figures.rule_for_year(year)
    stamp = export_time()
    header = [
        "survey_id", "store_code", "store_name", "store_type", "unit_code", "unit_name", "visited_at", "year",
        "source", "review_state", "counts", "compliant", "submitted_by", "received_at", "skus_checked", "notes",
        *[f"{zone}:{code}" for zone, code in categories], *[f"label:{code}" for code in labels],
        "rule_version", "exported_at",
    ]  # fmt: skip
    surveys = db.session.scalars(
        select(Survey)
        .where(Survey.visit_year == year)
        .options(
            joinedload(Survey.store).joinedload(Store.unit),
            joinedload(Survey.submitted_by),
            selectinload(Survey.packaging),
            selectinload(Survey.eco_labels),
        )
        .order_by(Survey.visited_at, Survey.id)
    )
    eco = {c.code: c.eco for c in vocab.categories()}
    rows = []
    for survey in surveys:
        counts = {(line.zone, line.category_code): line.count for line in survey.packaging}
        label_counts: dict[str, int] = {}
        for line in survey.eco_labels:
            label_counts[line.label_code] = label_counts.get(line.label_code, 0) + line.sku_count
        zones: dict[str, policy.ZoneCount] = {}
        for (zone, code), count in counts.items():
            before = zones.get(zone, policy.ZoneCount(0, 0))
            zones[zone] = policy.ZoneCount(before.eco + (count if eco[code] else 0), before.total + count)
        rows.append(
            [
                str(survey.id), survey.store.code, survey.store.name, survey.store.type, survey.store.unit.code,
                survey.store.unit.name, visited_at_iso(survey), survey.visit_year, survey.source, survey.review_state,
                policy.survey_counts(survey.source, survey.review_state), policy.is_compliant(zones, rule),
                survey.submitted_by.username if survey.submitted_by else "", survey.received_at.isoformat() + "Z",
                survey.skus_checked, survey.notes, *[counts.get(key, 0) for key in categories],
                *[label_counts.get(code, 0) for code in labels], rule.version, stamp,
            ]
        )  # fmt: skip
    return header, rows


def indicator_table(year: int) -> tuple[list[str], list[list]]:
    """The year's figures: the province, then each unit, then each store type."""
    result = figures.year_indicators(year)
    stamp = export_time()
    header = ["year", "scope", "code", "name", *FIGURES, "rule_version", "rule_zones", "rule_min_eco_share_pct",
              "exported_at"]  # fmt: skip
    rule = result["rule"]
    tail = [rule["version"], ";".join(rule["zones"]), rule["min_eco_share_pct"], stamp]
    rows = [[year, "province", "", "", *[result[key] for key in FIGURES], *tail]]
    rows += [
        [year, "unit", e["unit_code"], e["unit_name"], *[e[key] for key in FIGURES], *tail] for e in result["by_unit"]
    ]
    rows += [[year, "type", e["type"], "", *[e[key] for key in FIGURES], *tail] for e in result["by_type"]]
    return header, rows


def as_csv(header: list[str], rows: list[list], name: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[safe_cell("" if v is None else v) for v in row] for row in rows])
    body = "\ufeff" + buffer.getvalue()
    return attachment(body.encode("utf-8"), "text/csv; charset=utf-8", f"{name}.csv")


def as_xlsx(header: list[str], rows: list[list], name: str) -> Response:
    book = Workbook()
    sheet = book.active
    sheet.title = name[:31]
    sheet.append(header)
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return attachment(buffer.getvalue(), media, f"{name}.xlsx")


def attachment(data: bytes, media: str, filename: str) -> Response:
    response = Response(data, mimetype=media.split(";")[0])
    response.headers["Content-Type"] = media
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


TABLES = {"surveys": survey_table, "indicators": indicator_table}


@bp.route("/exports/<kind>/<int:year>.<fmt>")
@role_required("reviewer", "admin")
def export(kind: str, year: int, fmt: str):
    """Download a year's surveys or indicators as CSV or XLSX."""
    if kind not in TABLES or fmt not in ("csv", "xlsx") or not 1900 <= year <= 2200:
        abort(404)
    header, rows = TABLES[kind](year)
    name = f"{'phieu-kiem-tra' if kind == 'surveys' else 'chi-tieu'}-{year}"
    return as_csv(header, rows, name) if fmt == "csv" else as_xlsx(header, rows, name)
