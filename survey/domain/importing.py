"""Import stores and administrative units from CSV or XLSX files, all or nothing.

Every row is checked before anything is written, so a file with one bad line
leaves the database as it was and the report names the bad lines (the first
MAX_ERRORS of them, and how many more there were), counting the header as line 1
in a CSV file and using the sheet's row numbers in an XLSX workbook.

Staff fill these files by hand, so the import takes what they naturally write:
store types in Vietnamese or English as well as the codes, whatever the capitals
and accents; dates as dd/mm/yyyy as well as YYYY-MM-DD; and text in any Unicode
form, stored composed (NFC) so that one name is always spelt one way.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from models import STORE_CLASSES, UNIT_LEVELS, AdminUnit, Store, User, db
from survey.domain import audit
from survey.domain.official_units import REFORM_DAY, legacy_code
from survey.domain.policy import STORE_TYPES
from survey.domain.schemas import has_control_characters
from survey.domain.search import fold

COLUMNS = {
    "stores": tuple(
        "code name type class unit_code legacy_unit_code address chain opened_on closed_on lat lon".split()
    ),
    "units": tuple("code name level parent_code valid_from valid_to".split()),
}
# Columns a file may leave out altogether (an empty value then).
OPTIONAL_COLUMNS = {"stores": ("legacy_unit_code",), "units": ()}
MAX_ROWS = 20_000
MAX_ERRORS = 50  # kept in the report; the rest are only counted
# A 2 MB workbook could unpack to gigabytes: refuse it before reading.
MAX_XLSX_UNPACKED = 100 * 1024 * 1024
# A small workbook can still claim millions of rows (one cell in row 16,000,000: openpyxl yields every
# empty row before it) or 16,384 columns. Reading stops at the first run of this many empty rows...
MAX_EMPTY_RUN = 1_000
# ...and never looks right of the template's columns and a margin (a stray value just beyond is still named).
MAX_COLUMNS = max(len(columns) for columns in COLUMNS.values()) + 8
CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]+")
# Strict on purpose: date.fromisoformat would also take 20250101 or 2025-W01-1,
# and float() would take "nan", "inf" and "1_000".
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
LOCAL_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")  # dd/mm/yyyy, as written in Vietnam
NUMBER_PATTERN = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)")
ZIP_MAGIC = b"PK\x03\x04"  # an XLSX workbook is a ZIP archive
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # an old .xls workbook, or an encrypted .xlsx
ZERO_PADDED = re.compile(r"0+")  # a number format such as 00000 that keeps leading zeros

# The names a store type may be given by, besides its code (which the import stores).
# Written here rather than taken from the translated labels: a file says the same
# thing whatever language the person uploading it reads the pages in.
TYPE_NAMES = {
    "supermarket": ("Siêu thị", "Supermarket"),
    "commercial_centre": ("Trung tâm thương mại", "Commercial centre"),
    "convenience_store": ("Cửa hàng tiện lợi", "Convenience store"),
    "market": ("Chợ", "Market"),
}
assert tuple(TYPE_NAMES) == STORE_TYPES


def type_key(text: str) -> str:
    """What a store type is matched by: no case, no accents, _ as a space, single spaces."""
    return " ".join(fold(text).replace("_", " ").split())


TYPE_BY_KEY = {type_key(name): code for code, names in TYPE_NAMES.items() for name in (code, *names)}

# The example row of the downloadable template: a real commune of Hưng Yên in force
# (11953, Phường Phố Hiến) and the unit it had before the reform (L-11953, Phường Hiến Nam).
EXAMPLE_STORE = {
    "code": "VD-001",
    "name": "Siêu thị Ví dụ Phố Hiến",
    "type": "Siêu thị",
    "class": "II",
    "unit_code": "11953",
    "legacy_unit_code": "L-11953",
    "address": "Số 1 đường Ví dụ, Phường Phố Hiến",
    "chain": "",
    "opened_on": date(2020, 3, 15),
    "closed_on": None,
    "lat": 20.6465,
    "lon": 106.0511,
}
assert tuple(EXAMPLE_STORE) == COLUMNS["stores"]


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


class Unreadable(Exception):
    """The file cannot be read at all from this line on."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


class Row:
    """Read the fields of one line, noting each problem against its line number."""

    def __init__(self, line: int, values: dict[str, str], errors: list[LineError]):
        self.line, self.values, self.errors = line, values, errors

    def fail(self, message: str) -> None:
        """Record a problem on this line."""
        self.errors.append(LineError(self.line, message))

    def at(self, column: str) -> dict[str, str]:
        """Name a column and its value for a message, cutting a long value short."""
        return {"column": column, "value": shorten(self.values[column])}

    def text(self, column: str, limit: int, required: bool = False, pattern: re.Pattern | None = None) -> str:
        """Read a text field, checking presence, length and, for codes, the characters used."""
        value = self.values[column]
        if has_control_characters(value):
            self.fail(_("%(column)s holds invisible control characters: retype the value.", column=column))
        elif required and not value:
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

    def store_type(self, column: str) -> str:
        """Read a store type given by its code, or its Vietnamese or English name; return the code."""
        code = TYPE_BY_KEY.get(type_key(self.values[column]))
        if code is None:
            names = ", ".join(f"{names[0]} ({code})" for code, names in TYPE_NAMES.items())
            self.fail(_('%(column)s "%(value)s" is not one of: %(allowed)s.', allowed=names, **self.at(column)))
        return code or ""

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
            self.fail(_("%(column)s must be between -%(limit)s and %(limit)s.", column=column, limit=limit))
        else:
            return float(value)
        return None


def shorten(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


def clean(text: str) -> str:
    """A cell as stored: without surrounding spaces, composed (NFC)."""
    return unicodedata.normalize("NFC", text.strip())


def import_file(kind: str, data: bytes, actor: User | None = None, filename: str = "") -> ImportReport:
    """Check every row of a CSV or XLSX file of stores or units, then upsert them all or none (audited).

    The content tells an XLSX workbook from a CSV file; the filename only helps when it
    cannot (a damaged workbook named .xlsx is reported as a workbook, not as bad text).
    """
    report = ImportReport()
    errors: list[LineError] = []
    rows = read_rows(data, filename, kind, errors)
    records = [] if rows is None else check_stores(rows) if kind == "stores" else check_units(rows)
    if errors:
        errors.sort(key=lambda error: error.line)
        report.errors, report.more_errors = errors[:MAX_ERRORS], max(0, len(errors) - MAX_ERRORS)
        return report
    try:
        if kind == "stores":
            upsert(Store, records, report, key=str.lower)
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


def import_csv(kind: str, data: bytes, actor: User | None = None) -> ImportReport:
    """The import as it was first called: the content still decides between CSV and XLSX."""
    return import_file(kind, data, actor)


def is_workbook(data: bytes, filename: str) -> bool:
    return data.startswith((ZIP_MAGIC, OLE_MAGIC)) or filename.lower().endswith((".xlsx", ".xls"))


def read_rows(data: bytes, filename: str, kind: str, errors: list[LineError]) -> list[Row] | None:
    """Read the file's lines, check its header and pair each non-empty row with its line number."""
    columns, optional = COLUMNS[kind], OPTIONAL_COLUMNS[kind]
    workbook = is_workbook(data, filename)
    rows: list[Row] = []
    header: list[str] | None = None
    try:
        for line, raw in workbook_lines(data) if workbook else csv_lines(data):
            cells = [clean(cell) for cell in raw]
            if not any(cells):
                continue
            if header is None:
                header = [cell.lower() for cell in cells]
                while header and not header[-1]:  # spreadsheets may pad with empty cells
                    header.pop()
                if not check_header(header, columns, optional, line, errors):
                    return None
            elif len(rows) + len(errors) >= MAX_ROWS:  # lines with too few fields count too
                errors.append(LineError(line, _("The file has more than %(limit)s rows.", limit=f"{MAX_ROWS:,}")))
                return None
            elif problem := cells_problem(cells, header, workbook):
                errors.append(LineError(line, problem))
            else:
                # Only the columns the file has: an optional column left out is not an empty one.
                values = {name: cells[index] if index < len(cells) else "" for index, name in enumerate(header)}
                values.pop("", None)
                rows.append(Row(line, values, errors))
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


def csv_lines(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """The records of a UTF-8 CSV file, each with the line it starts on."""
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise Unreadable(line, _('The file is not UTF-8 text. Save it as "CSV UTF-8" and try again.')) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    try:
        # Count from where each record starts: a quoted field may span several lines.
        while (record := next(reader, None)) is not None:
            yield line, record
            line = reader.line_num + 1
    except csv.Error as error:
        raise Unreadable(line, _("The file is not valid CSV: %(reason)s.", reason=str(error))) from None


def workbook_lines(data: bytes) -> list[tuple[int, list[str]]]:
    """The filled rows of an XLSX workbook's first worksheet, each with its row number.

    Bounded whatever the file claims: at most MAX_COLUMNS columns, and nothing after the first run
    of MAX_EMPTY_RUN empty rows (a table has no such gap; a padded or hostile file does).
    """
    if data.startswith(OLE_MAGIC):
        raise Unreadable(
            1, _("This is an old Excel (.xls) or password-protected workbook: save it as .xlsx or CSV UTF-8.")
        )
    not_readable = _("The file is not a readable XLSX workbook: save it again as .xlsx or as CSV UTF-8.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise Unreadable(1, not_readable) from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise Unreadable(1, _("The workbook is too large once unpacked."))
    number = 1
    lines: list[tuple[int, list[str]]] = []
    filled = empty_run = 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
            try:
                if not book.worksheets:
                    raise Unreadable(1, _("The workbook has no worksheet."))
                sheet = book.worksheets[0]
                sheet.reset_dimensions()  # some programs write wrong dimensions; read what is there
                for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
                    texts = [cell_text(cell) for cell in cells]
                    if not any(text.strip() for text in texts):
                        empty_run += 1
                        if empty_run >= MAX_EMPTY_RUN:
                            break
                        continue
                    empty_run = 0
                    # The rows come from row 1, empty ones included; a cell knows its own row besides.
                    lines.append((next((cell.row for cell in cells if getattr(cell, "row", None)), number), texts))
                    filled += 1
                    if filled > MAX_ROWS + 1:  # the header and one row too many: enough to refuse the file
                        break
            finally:
                book.close()
    except Unreadable:
        raise
    except Exception:  # a damaged workbook fails in many ways inside openpyxl, zipfile and the XML parser
        raise Unreadable(number, not_readable) from None
    return lines


def cell_text(cell) -> str:
    """A worksheet cell as the text a CSV file would hold: 12 not 12.0, dates as YYYY-MM-DD."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        number_format = getattr(cell, "number_format", "") or ""
        # A code such as 01234 typed into a cell formatted 00000 keeps its leading zero.
        return str(value).zfill(len(number_format)) if ZERO_PADDED.fullmatch(number_format) else str(value)
    if isinstance(value, float):
        with suppress(InvalidOperation, ValueError):
            return format(Decimal(repr(value)), "f")  # 0.00001, never 1e-05
    return str(value)


def check_header(
    header: list[str], columns: tuple[str, ...], optional: tuple[str, ...], line: int, errors: list[LineError]
) -> bool:
    """Check that the header names each required column once, optional ones at most once, and nothing else."""
    if len(header) == 1 and ";" in header[0]:
        errors.append(LineError(line, _("Columns must be separated by commas, not semicolons.")))
        return False
    named = [name for name in header if name]
    problems = (
        (_("Missing columns: %(columns)s."), [name for name in columns if name not in named and name not in optional]),
        (_("Unknown columns: %(columns)s."), [name for name in named if name not in columns]),
        (_("Repeated columns: %(columns)s."), sorted({name for name in named if named.count(name) > 1})),
    )
    for message, names in problems:
        if names:
            errors.append(LineError(line, message % {"columns": name_list(names)}))
    return not any(names for _message, names in problems)


def name_list(names: list[str], limit: int = 20) -> str:
    """Column names for a message, never a page long."""
    shown = ", ".join(shorten(name) for name in names[:limit])
    return shown + ", …" if len(names) > limit else shown


def check_codes(rows: list[Row], key=lambda code: code) -> None:
    """Refuse a code that appears twice in the same file (compared by key, e.g. ignoring case)."""
    first_line: dict[str, int] = {}
    for row in rows:
        code = row.values["code"]
        if key(code) in first_line:
            row.fail(_('The code "%(code)s" already appears on line %(line)s.', code=code, line=first_line[key(code)]))
        elif code:
            first_line[key(code)] = row.line


class UnitFinder:
    """Find units by code as written, or in other capitals when that names one unit only."""

    def __init__(self) -> None:
        found = db.session.execute(select(AdminUnit.id, AdminUnit.code, AdminUnit.valid_to))
        self.units = {unit.code: unit for unit in found}
        by_lower: dict[str, list] = {}
        for unit in self.units.values():
            by_lower.setdefault(unit.code.lower(), []).append(unit)
        self.by_lower = {code: units[0] for code, units in by_lower.items() if len(units) == 1}

    def find(self, code: str):
        return self.units.get(code) or self.by_lower.get(code.lower())


def check_stores(rows: list[Row]) -> list[dict]:
    """Check every store row and return the values to save."""
    check_codes(rows, key=str.lower)  # "demo-001" and "DEMO-001" are one store
    units = UnitFinder()
    records = []
    for row in rows:
        record = {
            "code": row.text("code", 40, required=True, pattern=CODE_PATTERN),
            "name": row.text("name", 200, required=True),
            "type": row.store_type("type"),
            "store_class": row.choice("class", STORE_CLASSES, optional=True) or None,
            "address": row.text("address", 300),
            "chain": row.text("chain", 200),
            "opened_on": row.date("opened_on"),
            "closed_on": row.date("closed_on"),
            "lat": row.number("lat", 90),
            "lon": row.number("lon", 180),
        }
        unit_code = row.text("unit_code", 40, required=True)
        unit = units.find(unit_code) if unit_code else None
        if unit_code and unit is None:
            row.fail(_('Unknown administrative unit "%(value)s".', **row.at("unit_code")))
        record["unit_id"] = unit.id if unit else None
        # A file without the column leaves each store's unit before the reform as it is; an empty cell clears it.
        if "legacy_unit_code" in row.values:
            old_code = row.text("legacy_unit_code", 40)
            legacy = units.find(old_code) if old_code else None
            if old_code:
                check_legacy(row, legacy, units)
            record["legacy_unit_id"] = legacy.id if legacy else None
        if record["opened_on"] and record["closed_on"] and record["closed_on"] < record["opened_on"]:
            row.fail(_("closed_on must not be before opened_on."))
        if (row.values["lat"] == "") != (row.values["lon"] == ""):
            row.fail(_("Give both lat and lon, or neither."))
        records.append(record)
    return records


def check_legacy(row: Row, legacy, units: UnitFinder) -> None:
    """The unit before the reform must be a unit abolished on 01/07/2025.

    Official codes were reused across the reform (11953 is the new Phường Phố Hiến,
    L-11953 the old Phường Hiến Nam), so a code in force here is nearly always the
    old code written without its prefix: say which unit was probably meant.
    """
    if legacy is None:
        row.fail(_('Unknown administrative unit "%(value)s".', **row.at("legacy_unit_code")))
    elif legacy.valid_to is None or legacy.valid_to >= REFORM_DAY:
        old = units.find(legacy_code(row.values["legacy_unit_code"]))
        if old is not None and old.valid_to is not None and old.valid_to < REFORM_DAY:
            message = _(
                '%(column)s "%(value)s" is a unit in force after 01/07/2025: did you mean "%(code)s", '
                "the unit with that code before the reform?",
                code=old.code,
                **row.at("legacy_unit_code"),
            )
        else:
            message = _(
                '%(column)s "%(value)s" is a unit in force after 01/07/2025: give a unit abolished by the reform.',
                **row.at("legacy_unit_code"),
            )
        row.fail(message)


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


def save_units(records: list[dict], report: ImportReport) -> None:
    """Insert or update the units, then link the parents once they all exist."""
    parent_codes = {record["code"]: record.pop("parent_code") for record in records}
    units = upsert(AdminUnit, records, report)
    for code, parent_code in parent_codes.items():
        units[code].parent = units.get(parent_code)
