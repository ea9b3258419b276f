"""Exports for spreadsheets: surveys and indicators of a year (survey.domain.tables), as CSV and XLSX.

CSV is UTF-8 with a byte-order mark so that Excel shows Vietnamese; a text cell that
begins with =, +, -, @ (or a tab or carriage return) is prefixed with an apostrophe so
that no spreadsheet ever runs it as a formula.
"""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, current_app, request, url_for
from openpyxl import Workbook

from survey.domain import tables
from survey.web.auth import role_required

bp = Blueprint("exports", __name__)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Neutralise text a spreadsheet would read as a formula; leave numbers alone."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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


def photo_url(photo_id: str) -> str:
    """A photo's absolute link for a spreadsheet cell, from PUBLIC_BASE_URL behind a proxy."""
    base = current_app.config.get("PUBLIC_BASE_URL") or request.url_root
    return base.rstrip("/") + url_for("photos_api.get_photo", photo_id=photo_id)


def survey_table(year: int) -> tuple[list[str], list[list]]:
    return tables.survey_table(year, photo_url=photo_url)


TABLES = {"surveys": survey_table, "indicators": tables.indicator_table}


@bp.route("/exports/<kind>/<int:year>.<fmt>")
@role_required("reviewer", "admin")
def export(kind: str, year: int, fmt: str):
    """Download a year's surveys or indicators as CSV or XLSX."""
    if kind not in TABLES or fmt not in ("csv", "xlsx") or not 1900 <= year <= 2200:
        abort(404)
    header, rows = TABLES[kind](year)
    name = f"{'phieu-kiem-tra' if kind == 'surveys' else 'chi-tieu'}-{year}"
    return as_csv(header, rows, name) if fmt == "csv" else as_xlsx(header, rows, name)
