"""Import stores, administrative units and certified products from CSV or XLSX files, all or nothing.

Every row is checked before anything is written, so a file with one bad line
leaves the database as it was and the report names the bad lines (the first
MAX_ERRORS of them, and how many more there were), counting the header as line 1
in a CSV file and using the sheet's row numbers in an XLSX workbook.

Staff fill these files by hand, so the import takes what they naturally write:
columns named by their own names (`code`, `opened_on`) or by the headers people read
("Mã cửa hàng", "Ngày mở cửa"), with errors that name a column as the file does; store
types in Vietnamese or English as well as the codes, whatever the capitals and accents;
dates as dd/mm/yyyy as well as YYYY-MM-DD; and text in any Unicode form, stored
composed (NFC) so that one name is always spelt one way.
"""

from __future__ import annotations

from models import Store, User, db
from survey.domain import audit
from survey.domain.importing.files import MAX_EMPTY_RUN, is_workbook
from survey.domain.importing.headers import COLUMNS, HEADERS
from survey.domain.importing.products import check_products, save_products
from survey.domain.importing.rows import (
    MAX_COLUMNS,
    MAX_ERRORS,
    MAX_ROWS,
    ImportReport,
    LineError,
    read_rows,
    upsert,
)
from survey.domain.importing.stores import EXAMPLE_STORE, TYPE_NAMES, check_stores
from survey.domain.importing.units import check_units, save_units
from survey.domain.products import counting

__all__ = [
    "COLUMNS",
    "EXAMPLE_STORE",
    "HEADERS",
    "MAX_COLUMNS",
    "MAX_EMPTY_RUN",
    "MAX_ERRORS",
    "MAX_ROWS",
    "TYPE_NAMES",
    "ImportReport",
    "LineError",
    "import_csv",
    "import_file",
]


CHECKS = {"stores": check_stores, "units": check_units, "products": check_products}


def import_file(kind: str, data: bytes, actor: User | None = None, filename: str = "") -> ImportReport:
    """Check every row of a CSV or XLSX file of stores, units or products, then upsert them all or none (audited).

    The content tells an XLSX workbook from a CSV file; the filename only helps when it
    cannot (a damaged workbook named .xlsx is reported as a workbook, not as bad text).
    """
    report = ImportReport()
    errors: list[LineError] = []
    rows = read_rows(data, filename, kind, errors)
    records = [] if rows is None else CHECKS[kind](rows)
    if errors:
        errors.sort(key=lambda error: error.line)
        report.errors, report.more_errors = errors[:MAX_ERRORS], max(0, len(errors) - MAX_ERRORS)
        return report
    try:
        if kind == "stores":
            upsert(Store, records, report, key=str.lower)
        elif kind == "products":
            counting.rederive(save_products(records, report))
        else:
            save_units(records, report)
        codes = ", ".join(record.get("code") or record["gtin"] for record in records)
        target = audit.import_target(kind, "xlsx" if is_workbook(data, filename) else "csv")
        summary = audit.import_counts(report.created, report.updated)
        audit.record(actor, f"{kind[:-1]}_import", target, "", summary, codes)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def import_csv(kind: str, data: bytes, actor: User | None = None) -> ImportReport:
    """The import as it was first called: the content still decides between CSV and XLSX."""
    return import_file(kind, data, actor)
