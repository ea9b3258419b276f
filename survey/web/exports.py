"""Exports for spreadsheets: surveys and indicators of a year (survey.domain.tables), as CSV and XLSX.

One table serves both files. The CSV file is for programs: the columns' keys and the values as
they are, UTF-8 with a byte-order mark so that Excel shows Vietnamese. The Excel workbook is for
people: headers and values named in the reader's language, dates and shares formatted
(`spreadsheet`). In both, a text cell that begins with =, +, -, @ (or a tab or carriage return)
is prefixed with an apostrophe so that no spreadsheet ever runs it as a formula.
"""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, url_for
from flask_login import current_user

from survey.domain import tables
from survey.web import spreadsheet
from survey.web.auth import role_required
from survey.web.public_address import absolute
from survey.web.spreadsheet import safe_cell

bp = Blueprint("exports", __name__)


def as_csv(table: tables.Table, name: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.header)
    writer.writerows([[safe_cell("" if v is None else v) for v in row] for row in table.rows])
    body = "\ufeff" + buffer.getvalue()
    return attachment(body.encode("utf-8"), "text/csv; charset=utf-8", f"{name}.csv")


def as_xlsx(table: tables.Table, name: str) -> Response:
    return attachment(spreadsheet.workbook(table, name), spreadsheet.MEDIA_TYPE, f"{name}.xlsx")


def attachment(data: bytes, media: str, filename: str) -> Response:
    response = Response(data, mimetype=media.split(";")[0])
    response.headers["Content-Type"] = media
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def photo_url(photo_id: str) -> str:
    """A photo's absolute link for a spreadsheet cell (public_address: never from a stranger's Host)."""
    return absolute(url_for("photos_api.get_photo", photo_id=photo_id))


def survey_table(year: int) -> tables.Table:
    return tables.survey_table(year, photo_url=photo_url)


TABLES = {"surveys": survey_table, "indicators": tables.indicator_table, "products": tables.product_table}
MINISTRY_KINDS = ("indicators", "products")  # figures only: no person in them
FILE_NAMES = {"surveys": "phieu-kiem-tra", "indicators": "chi-tieu", "products": "san-pham-nhan-sinh-thai"}


@bp.route("/exports/<kind>/<int:year>.<fmt>")
@role_required("reviewer", "admin", "ministry")
def export(kind: str, year: int, fmt: str):
    """Download a year's surveys, indicators or products found as CSV (for programs) or XLSX (for people).

    The Ministry takes a province's figures (indicators, products found), not its survey rows: those
    name the inspectors who sent them."""
    if kind not in TABLES or fmt not in ("csv", "xlsx") or not 1900 <= year <= 2200:
        abort(404)
    if kind not in MINISTRY_KINDS and current_user.role == "ministry":
        abort(403)
    table = TABLES[kind](year)
    name = f"{FILE_NAMES[kind]}-{year}"
    return as_csv(table, name) if fmt == "csv" else as_xlsx(table, name)
