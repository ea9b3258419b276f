"""Excel workbooks for people, from the same table a CSV file for programs is written from.

A CSV file keeps each column's key and each value as it is (`tables.Column`): programs read it.
A workbook is read by staff: every header and code named in the reader's language (`labels`, the
indicator registry, the vocabularies), yes/no as Có/Không, times as real dates shown dd/mm/yyyy,
shares as numbers shown with a % sign, a bold header row that stays in view with a filter, and
columns as wide as what they hold. In both, text a spreadsheet would run as a formula is
neutralised (`safe_cell`).
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterable, Mapping
from datetime import date, datetime

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from survey.domain import policy, vocabularies
from survey.domain.schemas import CONTROL_CHARACTERS
from survey.domain.tables import Column, Table
from survey.i18n import category_label
from survey.labels import (
    FLAG_NAMES,
    NO_INSPECTOR_NAME,
    SCOPE_NAMES,
    SOURCE_NAMES,
    STATE_NAMES,
    STORE_TYPE_NAMES,
    UNASSIGNED_NAMES,
    ZONE_SHORT_NAMES,
)

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Whole numbers (counts, years) keep Excel's General format: it shows them as they are, and a
# format on each of a large export's count cells would double the time to write it.
NUMBER_FORMATS = {"date": "dd/mm/yyyy", "datetime": "dd/mm/yyyy hh:mm"}
MIN_WIDTH, MAX_WIDTH = 8, 50  # in characters
HEADER_WIDTH = 18  # a longer header wraps onto more lines rather than widen its column
HEADER_FILL = PatternFill("solid", fgColor="E2EFDA")
HEADER_FONT = Font(bold=True)
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")


def safe_cell(value):
    """Neutralise text a spreadsheet would read as a formula, and drop control characters a
    spreadsheet file cannot hold (from rows stored before every entry refused them); leave numbers alone."""
    if not isinstance(value, str):
        return value
    value = CONTROL_CHARACTERS.sub("", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def name_lists() -> dict[str, dict]:
    """The names the codes of a column are read by (`Column.names`, `Column.named_after`), by list,
    translated once for the whole table."""
    lists: dict[str, Mapping] = {
        "store_type": STORE_TYPE_NAMES,
        "source": SOURCE_NAMES,
        "review_state": STATE_NAMES,
        "zone": ZONE_SHORT_NAMES,
        "scope": SCOPE_NAMES,
        "flag": FLAG_NAMES,
        "category": {category.code: category_label(category) for category in vocabularies.categories()},
        "eco_label": {label.code: category_label(label) for label in vocabularies.label_types()},
    }
    return {kind: {code: str(name) for code, name in names.items()} for kind, names in lists.items()}


def header(column: Column, names: Mapping[str, Mapping]) -> str:
    """A column's header for people: its label, then the names of the codes it is about."""
    parts = [_(column.label)] if column.label else []
    parts += [names[kind].get(code, code) for kind, code in column.named_after]
    return " – ".join(parts) or column.key


def group_name(row: Mapping) -> str:
    """The name of a row of the indicator export that has none: a store type, or the stores with no
    unit at the level (the whole province's row needs none: its scope says it)."""
    scope, code = row.get("scope"), row.get("code")
    if scope == "type":
        return str(STORE_TYPE_NAMES.get(code, code))
    return str(UNASSIGNED_NAMES[scope]) if scope in UNASSIGNED_NAMES and scope != "province" and not code else ""


def for_people(column: Column, value, row: Mapping, names: Mapping[str, Mapping]):
    """A value as the workbook holds it: named, a real date, a share out of 1, or as it is."""
    if column.names == "group" and not value:
        value = group_name(row)
    elif column.names == "nobody" and not value:  # the stores of a round no active inspector holds
        value = str(NO_INSPECTOR_NAME)
    if value is None or value == "":
        return None
    if column.kind == "flag":
        return names["flag"][bool(value)]
    if column.kind == "percentage":
        return round(value / 100, column.places + 2)  # 57.1 (points) is 0.571, shown 57.1%
    if column.kind == "datetime":  # an ISO time with its offset, shown at local time (Excel has no zones)
        return datetime.fromisoformat(value).astimezone(policy.LOCAL_TZ).replace(tzinfo=None)
    if column.kind == "date":
        return value if isinstance(value, date) else date.fromisoformat(value)
    if column.kind == "code":
        return safe_cell(names[column.names].get(value, value))
    if column.kind == "codes":
        return "; ".join(names[column.names].get(code, code) for code in value.split(";") if code)
    return safe_cell(value)


def people_row(columns: tuple[Column, ...], raw: list, names: Mapping[str, Mapping]) -> list:
    by_key = {column.key: value for column, value in zip(columns, raw, strict=True)}
    return [for_people(column, value, by_key, names) for column, value in zip(columns, raw, strict=True)]


def number_format(column: Column) -> str | None:
    if column.kind == "percentage":
        return "0." + "0" * column.places + "%" if column.places else "0%"
    return NUMBER_FORMATS.get(column.kind)


def shown_width(value) -> int:
    """About how many characters a cell shows."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, int | float):
        return len(str(value))  # General shows a number as it is; a share of 1 (0.571) as 57.1%
    return max(len(line) for line in str(value).split("\n"))


def column_width(title: str, values: list) -> int:
    """Wide enough for the widest value and the header's longest word; a long header wraps instead."""
    longest_word = max((len(word) for word in title.split()), default=0)
    widest = max((shown_width(value) for value in values), default=0)
    return max(MIN_WIDTH, min(MAX_WIDTH, max(widest, longest_word, min(len(title), HEADER_WIDTH)) + 2))


def workbook(table: Table, title: str, filters: bool = True, validations: Iterable[DataValidation] = ()) -> bytes:
    """The table as an .xlsx workbook for people, on one sheet named `title` (with a filter on each column)."""
    return workbook_of([(table, title)], filters, validations)


def workbook_of(
    sheets: Iterable[tuple[Table, str]], filters: bool = True, validations: Iterable[DataValidation] = ()
) -> bytes:
    """Tables as one .xlsx workbook for people, a sheet each, named by its title (the validations go on the first).

    Written in openpyxl's write-only mode, row by row (faster and lighter than a sheet built in memory:
    10,000 surveys in about the time the unformatted sheet took before), so the widths, the frozen
    header and the filter are set before the first row.
    """
    names = name_lists()
    book = Workbook(write_only=True)
    for table, title in sheets:
        add_sheet(book, table, title, names, filters, validations)
        validations = ()
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def add_sheet(book: Workbook, table: Table, title: str, names, filters: bool, validations) -> None:
    titles = [header(column, names) for column in table.columns]
    rows = [people_row(table.columns, raw, names) for raw in table.rows]
    sheet = book.create_sheet(title[:31])
    widths = [column_width(text, [row[index] for row in rows]) for index, text in enumerate(titles)]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    if filters:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{len(rows) + 1}"
    for validation in validations:
        sheet.data_validations.append(validation)
    lines = max((len(textwrap.wrap(text, width - 1)) for text, width in zip(titles, widths, strict=True)), default=1)
    sheet.row_dimensions[1].height = 15 * lines
    sheet.append([header_cell(sheet, text) for text in titles])
    formats = [number_format(column) for column in table.columns]
    for row in rows:
        sheet.append([formatted(sheet, value, fmt) if fmt else value for value, fmt in zip(row, formats, strict=True)])


def header_cell(sheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, text)
    cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
    return cell


def formatted(sheet, value, fmt: str):
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value)
    cell.number_format = fmt
    return cell
