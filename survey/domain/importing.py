"""Import stores and administrative units from CSV files, all or nothing.

Every row is checked before anything is written, so a file with one bad line
leaves the database as it was and the report names every bad line, counting the
header as line 1.
"""

from __future__ import annotations

import csv
import io
import re
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from models import STORE_CLASSES, UNIT_LEVELS, AdminUnit, Store, User, db
from survey.domain import audit
from survey.domain.policy import STORE_TYPES

COLUMNS = {
    "stores": tuple("code name type class unit_code address chain opened_on closed_on lat lon".split()),
    "units": tuple("code name level parent_code valid_from valid_to".split()),
}
MAX_ROWS = 20_000
CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]+")
# Strict on purpose: date.fromisoformat would also take 20250101 or 2025-W01-1,
# and float() would take "nan", "inf" and "1_000".
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
NUMBER_PATTERN = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)")


@dataclass
class LineError:
    line: int
    message: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[LineError] = field(default_factory=list)


class Row:
    """Read the fields of one line, noting each problem against its line number."""

    def __init__(self, line: int, values: dict[str, str], errors: list[LineError]):
        self.line, self.values, self.errors = line, values, errors

    def fail(self, message: str) -> None:
        """Record a problem on this line."""
        self.errors.append(LineError(self.line, message))

    def at(self, column: str) -> dict[str, str]:
        """Name a column and its value for a message, cutting a long value short."""
        value = self.values[column]
        return {"column": column, "value": value if len(value) <= 40 else value[:40] + "…"}

    def text(self, column: str, limit: int, required: bool = False, pattern: re.Pattern | None = None) -> str:
        """Read a text field, checking presence, length and, for codes, the characters used."""
        value = self.values[column]
        if required and not value:
            self.fail(_("The column %(column)s is required.", column=column))
        elif len(value) > limit:
            self.fail(_("%(column)s is longer than %(limit)s characters.", column=column, limit=limit))
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
        """Read an optional date written as YYYY-MM-DD."""
        value = self.values[column]
        if value and DATE_PATTERN.fullmatch(value):
            with suppress(ValueError):
                return date.fromisoformat(value)
        if value:
            self.fail(_('%(column)s "%(value)s" is not a date in the form YYYY-MM-DD.', **self.at(column)))
        return None

    def number(self, column: str, limit: int) -> float | None:
        """Read an optional number between -limit and limit."""
        value = self.values[column]
        if not value:
            return None
        if not NUMBER_PATTERN.fullmatch(value):
            self.fail(_('%(column)s "%(value)s" is not a number (use a dot for decimals).', **self.at(column)))
        elif not -limit <= float(value) <= limit:
            self.fail(_("%(column)s must be between -%(limit)s and %(limit)s.", column=column, limit=limit))
        else:
            return float(value)
        return None


def import_csv(kind: str, data: bytes, actor: User | None = None) -> ImportReport:
    """Check every row of a CSV file of stores or units, then upsert them all or none (audited)."""
    report = ImportReport()
    rows = read_rows(data, COLUMNS[kind], report.errors)
    if rows is None:
        return report
    records = check_stores(rows) if kind == "stores" else check_units(rows)
    if report.errors:
        report.errors.sort(key=lambda error: error.line)
        return report
    try:
        if kind == "stores":
            upsert(Store, records, report)
        else:
            save_units(records, report)
        codes = ", ".join(record["code"] for record in records)
        target = "stores" if kind == "stores" else "units"
        summary = f"{report.created} new, {report.updated} updated"
        audit.record(actor, f"{kind[:-1]}_import", f"{target}:file", "", summary, codes)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def read_rows(data: bytes, columns: tuple[str, ...], errors: list[LineError]) -> list[Row] | None:
    """Decode the file, check its header and pair each non-empty row with its line number."""
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        errors.append(LineError(line, _('The file is not UTF-8 text. Save it as "CSV UTF-8" and try again.')))
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[Row] = []
    header: list[str] | None = None
    line = 1
    try:
        # Count from where each record starts: a quoted field may span several lines.
        while (record := next(reader, None)) is not None:
            cells = [cell.strip() for cell in record]
            if not any(cells):
                pass
            elif header is None:
                header = [cell.lower() for cell in cells]
                if not check_header(header, columns, line, errors):
                    return None
            elif len(rows) + len(errors) >= MAX_ROWS:  # lines with too few fields count too
                errors.append(LineError(line, _("The file has more than %(limit)s rows.", limit=f"{MAX_ROWS:,}")))
                return None
            elif len(cells) < len(header) or any(cells[len(header) :]):  # spreadsheets may pad with empty cells
                message = _("This line has %(count)s fields but the header has %(expected)s.")
                errors.append(LineError(line, message % {"count": len(cells), "expected": len(header)}))
            else:
                rows.append(Row(line, dict(zip(header, cells, strict=False)), errors))
            line = reader.line_num + 1
    except csv.Error as error:
        errors.append(LineError(line, _("The file is not valid CSV: %(reason)s.", reason=str(error))))
        return None
    if header is None:
        errors.append(LineError(1, _("The file is empty: it needs a header line.")))
        return None
    return rows


def check_header(header: list[str], columns: tuple[str, ...], line: int, errors: list[LineError]) -> bool:
    """Check that the header names each expected column once and nothing else."""
    if len(header) == 1 and ";" in header[0]:
        errors.append(LineError(line, _("Columns must be separated by commas, not semicolons.")))
        return False
    problems = (
        (_("Missing columns: %(columns)s."), [name for name in columns if name not in header]),
        (_("Unknown columns: %(columns)s."), [name for name in header if name not in columns]),
        (_("Repeated columns: %(columns)s."), sorted({name for name in header if header.count(name) > 1})),
    )
    for message, names in problems:
        if names:
            errors.append(LineError(line, message % {"columns": ", ".join(names)}))
    return not any(names for _message, names in problems)


def check_codes(rows: list[Row]) -> None:
    """Refuse a code that appears twice in the same file."""
    first_line: dict[str, int] = {}
    for row in rows:
        code = row.values["code"]
        if code in first_line:
            row.fail(_('The code "%(code)s" already appears on line %(line)s.', code=code, line=first_line[code]))
        elif code:
            first_line[code] = row.line


def check_stores(rows: list[Row]) -> list[dict]:
    """Check every store row and return the values to save."""
    check_codes(rows)
    unit_ids = dict(db.session.execute(select(AdminUnit.code, AdminUnit.id)).all())
    records = []
    for row in rows:
        record = {
            "code": row.text("code", 40, required=True, pattern=CODE_PATTERN),
            "name": row.text("name", 200, required=True),
            "type": row.choice("type", STORE_TYPES),
            "store_class": row.choice("class", STORE_CLASSES, optional=True) or None,
            "unit_id": unit_ids.get(row.text("unit_code", 40, required=True)),
            "address": row.text("address", 300),
            "chain": row.text("chain", 200),
            "opened_on": row.date("opened_on"),
            "closed_on": row.date("closed_on"),
            "lat": row.number("lat", 90),
            "lon": row.number("lon", 180),
        }
        if row.values["unit_code"] and record["unit_id"] is None:
            row.fail(_('Unknown administrative unit "%(value)s".', **row.at("unit_code")))
        if record["opened_on"] and record["closed_on"] and record["closed_on"] < record["opened_on"]:
            row.fail(_("closed_on must not be before opened_on."))
        if (row.values["lat"] == "") != (row.values["lon"] == ""):
            row.fail(_("Give both lat and lon, or neither."))
        records.append(record)
    return records


def check_units(rows: list[Row]) -> list[dict]:
    """Check every unit row, including that no unit becomes its own ancestor."""
    check_codes(rows)
    known = db.session.execute(select(AdminUnit.id, AdminUnit.code, AdminUnit.parent_id)).all()
    code_by_id = {unit_id: code for unit_id, code, _parent_id in known}
    # The tree as it will be after the import: the database overlaid with the file.
    parents = {code: code_by_id.get(parent_id) for _unit_id, code, parent_id in known}
    parents.update({row.values["code"]: row.values["parent_code"] or None for row in rows})
    records = []
    for row in rows:
        record = {
            "code": row.text("code", 40, required=True, pattern=CODE_PATTERN),
            "name": row.text("name", 200, required=True),
            "level": row.choice("level", UNIT_LEVELS),
            "parent_code": row.values["parent_code"] or None,
            "valid_from": row.date("valid_from"),
            "valid_to": row.date("valid_to"),
        }
        if record["valid_from"] and record["valid_to"] and record["valid_to"] < record["valid_from"]:
            row.fail(_("valid_to must not be before valid_from."))
        if record["parent_code"] and record["parent_code"] not in parents:
            row.fail(_('Unknown parent unit "%(value)s".', **row.at("parent_code")))
        elif record["parent_code"] and in_loop(record["code"], parents):
            row.fail(_('The unit "%(code)s" would become its own ancestor.', code=record["code"]))
        records.append(record)
    return records


def in_loop(code: str, parents: dict[str, str | None]) -> bool:
    """Tell whether walking up the tree from a unit comes back to it."""
    seen, current = {code}, parents.get(code)
    while current is not None and current not in seen:
        seen.add(current)
        current = parents.get(current)
    return current == code


def upsert(model: type[Store] | type[AdminUnit], records: list[dict], report: ImportReport) -> dict:
    """Insert or update each row by code, returning every object of the model by code."""
    by_code = {item.code: item for item in db.session.scalars(select(model))}
    for record in records:
        item = by_code.get(record["code"])
        if item is None:
            item = by_code[record["code"]] = model()
            db.session.add(item)
            report.created += 1
        else:
            report.updated += 1
        for name, value in record.items():
            setattr(item, name, value)
    return by_code


def save_units(records: list[dict], report: ImportReport) -> None:
    """Insert or update the units, then link the parents once they all exist."""
    parent_codes = {record["code"]: record.pop("parent_code") for record in records}
    units = upsert(AdminUnit, records, report)
    for code, parent_code in parent_codes.items():
        units[code].parent = units.get(parent_code)
