"""Exports for spreadsheets: surveys and indicators of a year (survey.domain.tables), as CSV and XLSX.

CSV is UTF-8 with a byte-order mark so that Excel shows Vietnamese; a text cell that
begins with =, +, -, @ (or a tab or carriage return) is prefixed with an apostrophe so
that no spreadsheet ever runs it as a formula.
"""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, url_for
from openpyxl import Workbook

from survey.domain import tables
from survey.domain.schemas import CONTROL_CHARACTERS
from survey.web.auth import role_required
from survey.web.public_address import absolute

bp = Blueprint("exports", __name__)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Neutralise text a spreadsheet would read as a formula, and drop control characters a
    spreadsheet file cannot hold (from rows stored before every entry refused them); leave numbers alone."""
    if not isinstance(value, str):
        return value
    value = CONTROL_CHARACTERS.sub("", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


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
    """A photo's absolute link for a spreadsheet cell (public_address: never from a stranger's Host)."""
    return absolute(url_for("photos_api.get_photo", photo_id=photo_id))


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
