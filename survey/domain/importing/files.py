"""Reading a CSV or XLSX file into numbered lines of text, bounded whatever the file claims."""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import suppress
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from openpyxl import load_workbook

# A 2 MB workbook could unpack to gigabytes: refuse it before reading.
MAX_XLSX_UNPACKED = 100 * 1024 * 1024
# A small workbook can still claim millions of rows (one cell in row 16,000,000: openpyxl yields every
# empty row before it) or 16,384 columns. Reading stops at the first run of this many empty rows, and
# cuts every row at the width the caller gives.
MAX_EMPTY_RUN = 1_000
ZIP_MAGIC = b"PK\x03\x04"  # an XLSX workbook is a ZIP archive
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # an old .xls workbook, or an encrypted .xlsx
ZERO_PADDED = re.compile(r"0+")  # a number format such as 00000 that keeps leading zeros


class Unreadable(Exception):
    """The file cannot be read at all from this line on."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


def is_workbook(data: bytes, filename: str) -> bool:
    return data.startswith((ZIP_MAGIC, OLE_MAGIC)) or filename.lower().endswith((".xlsx", ".xls"))


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


def workbook_lines(data: bytes, max_columns: int, max_rows: int) -> list[tuple[int, list[str]]]:
    """The filled rows of an XLSX workbook's first worksheet, each with its row number.

    Bounded whatever the file claims: at most max_columns columns, at most max_rows filled rows and
    one more (enough to refuse the file), and nothing after the first run of MAX_EMPTY_RUN empty rows
    (a table has no such gap; a padded or hostile file does).
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
                for number, cells in enumerate(sheet.iter_rows(max_col=max_columns), start=1):
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
                    if filled > max_rows + 1:  # the header and one row too many
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
