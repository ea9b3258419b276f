"""The lines of an import as rows of named values (the header read by `headers`), each field's reader,
and the report of what was saved or refused, each problem against its line number."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from models import AdminUnit, Store, db
from survey.domain.importing.files import Unreadable, csv_lines, is_workbook, workbook_lines
from survey.domain.importing.headers import COLUMNS, Header, shorten
from survey.domain.schemas import has_control_characters

MAX_ROWS = 20_000
MAX_ERRORS = 50  # kept in the report; the rest are only counted
# A workbook is read only as wide as the template's columns and a margin (a stray value just beyond is
# still named; further right, nothing is read).
MAX_COLUMNS = max(len(columns) for columns in COLUMNS.values()) + 8
# Strict on purpose: date.fromisoformat would also take 20250101 or 2025-W01-1,
# and float() would take "nan", "inf" and "1_000".
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
LOCAL_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")  # dd/mm/yyyy, as written in Vietnam
NUMBER_PATTERN = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)")


@dataclass
class LineError:
    line: int
    message: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[LineError] = field(default_factory=list)  # the first MAX_ERRORS, by line
    more_errors: int = 0  # how many more there were

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.more_errors


class Row:
    """Read the fields of one line, noting each problem against its line number."""

    def __init__(self, line: int, values: dict[str, str], errors: list[LineError], names: dict[str, str]):
        self.line, self.values, self.errors, self.names = line, values, errors, names

    def fail(self, message: str) -> None:
        """Record a problem on this line."""
        self.errors.append(LineError(self.line, message))

    def name(self, column: str) -> str:
        """A column as the file's header names it ("Ngày mở cửa" or "opened_on"), for a message."""
        return self.names.get(column, column)

    def at(self, column: str) -> dict[str, str]:
        """Name a column and its value for a message, cutting a long value short."""
        return {"column": self.name(column), "value": shorten(self.values[column])}

    def text(self, column: str, limit: int, required: bool = False, pattern: re.Pattern | None = None) -> str:
        """Read a text field, checking presence, length and, for codes, the characters used."""
        value, name = self.values[column], self.name(column)
        if has_control_characters(value):
            self.fail(_("%(column)s holds invisible control characters: retype the value.", column=name))
        elif required and not value:
            self.fail(_("The column %(column)s is required.", column=name))
        elif len(value) > limit:
            self.fail(_("%(column)s is longer than %(limit)s characters.", column=name, limit=limit))
        elif pattern and value and not pattern.fullmatch(value):
            self.fail(_('%(column)s "%(value)s" may only contain letters, digits, - and _.', **self.at(column)))
        return value

    def choice(self, column: str, allowed: tuple[str, ...], optional: bool = False) -> str:
        """Read a value that must be one of a list (or empty, when optional)."""
        value = self.values[column]
        if value not in allowed and (value or not optional):
            names = ", ".join(allowed)
            self.fail(_('%(column)s "%(value)s" is not one of: %(allowed)s.', allowed=names, **self.at(column)))
        return value

    def date(self, column: str) -> date | None:
        """Read an optional date written as dd/mm/yyyy (or d/m/yyyy) or YYYY-MM-DD."""
        value = self.values[column]
        if not value:
            return None
        if match := ISO_DATE.fullmatch(value):
            year, month, day = match.groups()
        elif match := LOCAL_DATE.fullmatch(value):
            day, month, year = match.groups()
        else:
            self.fail(_('%(column)s "%(value)s" is not a date: write dd/mm/yyyy or YYYY-MM-DD.', **self.at(column)))
            return None
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            self.fail(_('%(column)s "%(value)s" is not a date that exists.', **self.at(column)))
            return None

    def number(self, column: str, limit: int) -> float | None:
        """Read an optional number between -limit and limit."""
        value = self.values[column]
        if not value:
            return None
        if not NUMBER_PATTERN.fullmatch(value):
            self.fail(_('%(column)s "%(value)s" is not a number (use a dot for decimals).', **self.at(column)))
        elif not -limit <= float(value) <= limit:
            self.fail(_("%(column)s must be between -%(limit)s and %(limit)s.", column=self.name(column), limit=limit))
        else:
            return float(value)
        return None


def clean(text: str) -> str:
    """A cell as stored: without surrounding spaces, composed (NFC)."""
    return unicodedata.normalize("NFC", text.strip())


def read_rows(data: bytes, filename: str, kind: str, errors: list[LineError]) -> list[Row] | None:
    """Read the file's lines, check its header and pair each non-empty row with its line number."""
    workbook = is_workbook(data, filename)
    rows: list[Row] = []
    header: Header | None = None
    try:
        for line, raw in workbook_lines(data, MAX_COLUMNS, MAX_ROWS) if workbook else csv_lines(data):
            cells = [clean(cell) for cell in raw]
            if not any(cells):
                continue
            if header is None:
                header = Header.read(kind, cells)
                if problems := header.problems():
                    errors.extend(LineError(line, problem) for problem in problems)
                    return None
            elif len(rows) + len(errors) >= MAX_ROWS:  # lines with too few fields count too
                errors.append(LineError(line, _("The file has more than %(limit)s rows.", limit=f"{MAX_ROWS:,}")))
                return None
            elif problem := cells_problem(cells, header.cells, workbook):
                errors.append(LineError(line, problem))
            else:
                # Only the columns the file has: an optional column left out is not an empty one.
                values = {name: cells[index] if index < len(cells) else "" for index, name in enumerate(header.columns)}
                values.pop("", None)
                rows.append(Row(line, values, errors, header.written))
    except Unreadable as error:
        errors.append(LineError(error.line, error.message))
        return None
    if header is None:
        errors.append(LineError(1, _("The file is empty: it needs a header line.")))
        return None
    return rows


def cells_problem(cells: list[str], header: list[str], workbook: bool) -> str | None:
    """Why a line's cells do not fit the header: a value without a column, or (CSV) a field missing."""
    if not workbook and (len(cells) < len(header) or any(cells[len(header) :])):
        # In CSV this is nearly always a comma inside an unquoted value, or one too few.
        message = _("This line has %(count)s fields but the header has %(expected)s.")
        return message % {"count": len(cells), "expected": len(header)}
    for index, cell in enumerate(cells):
        if cell and (index >= len(header) or not header[index]):
            column = get_column_letter(index + 1)
            return _("This line has a value in column %(column)s, which has no name in the header.", column=column)
    return None


def check_codes(rows: list[Row], key=lambda code: code, column: str = "code") -> None:
    """Refuse a code that appears twice in the same file (compared by key, e.g. ignoring case)."""
    first_line: dict[str, int] = {}
    for row in rows:
        code = row.values[column]
        if key(code) in first_line:
            row.fail(_('The code "%(code)s" already appears on line %(line)s.', code=code, line=first_line[key(code)]))
        elif code:
            first_line[key(code)] = row.line


def upsert(
    model: type[Store] | type[AdminUnit], records: list[dict], report: ImportReport, key=lambda code: code
) -> dict:
    """Insert or update each row by code (compared by key), returning every object of the model by key.

    A row that matches a known item in other capitals updates it and keeps the code as stored.
    """
    by_key = {key(item.code): item for item in db.session.scalars(select(model))}
    for record in records:
        item = by_key.get(key(record["code"]))
        if item is None:
            item = by_key[key(record["code"])] = model()
            db.session.add(item)
            report.created += 1
        else:
            record["code"] = item.code
            report.updated += 1
        for name, value in record.items():
            setattr(item, name, value)
    return by_key
