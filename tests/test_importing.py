"""CSV import of stores and units: all or nothing, every bad line reported."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import AdminUnit, Store, db
from survey.domain import importing
from survey.domain.importing import import_csv

DATA = Path(__file__).parent.parent / "survey" / "data"
STORE_COLUMNS = "code,name,type,class,unit_code,address,chain,opened_on,closed_on,lat,lon"
UNIT_COLUMNS = "code,name,level,parent_code,valid_from,valid_to"
GOOD_STORE = {
    "code": "N-001",
    "name": "Siêu thị Mới",
    "type": "supermarket",
    "class": "II",
    "unit_code": "HY-PH",
    "address": "Đường 1",
    "chain": "Chuỗi A",
    "opened_on": "2020-01-02",
    "closed_on": "",
    "lat": "20.655",
    "lon": "106.056",
}


def csv_bytes(header: str, *lines: str) -> bytes:
    return "\n".join((header, *lines)).encode() + b"\n"


def store_line(**changes: str) -> str:
    return ",".join({**GOOD_STORE, **changes}.values())


def store(code: str) -> Store | None:
    return db.session.scalar(select(Store).where(Store.code == code))


def unit(code: str) -> AdminUnit | None:
    return db.session.scalar(select(AdminUnit).where(AdminUnit.code == code))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def ctx(app):
    """A request in English, so that messages are the msgids whatever catalogues exist."""
    with app.test_request_context("/?lang=en"):
        yield


def test_stores_are_created_then_updated(ctx):
    data = csv_bytes(STORE_COLUMNS, store_line(), store_line(code="S-001", name="Tên mới", unit_code="HY-MH"))
    report = import_csv("stores", data)
    assert report.errors == []
    assert (report.created, report.updated) == (1, 1)
    new = store("N-001")
    assert (new.name, new.type, new.store_class, new.unit.code) == ("Siêu thị Mới", "supermarket", "II", "HY-PH")
    assert (new.address, new.chain, new.opened_on, new.closed_on) == ("Đường 1", "Chuỗi A", date(2020, 1, 2), None)
    assert (new.lat, new.lon) == (20.655, 106.056)
    assert (store("S-001").name, store("S-001").unit.code) == ("Tên mới", "HY-MH")

    again = import_csv(
        "stores", csv_bytes(STORE_COLUMNS, store_line(name="Đổi tên", **{"class": "", "lat": "", "lon": ""}))
    )
    assert (again.created, again.updated, again.errors) == (0, 1, [])
    db.session.expire_all()
    assert (store("N-001").name, store("N-001").store_class, store("N-001").lat) == ("Đổi tên", None, None)
    assert count(Store) == 4


def test_sample_files_import(ctx):
    units = import_csv("units", (DATA / "admin-units.csv").read_bytes())
    assert (units.created, units.updated, units.errors) == (12, 3, [])
    assert unit("HY-VG").parent.code == "HY"
    assert unit("HY-VG").valid_to == date(2025, 6, 30)
    stores = import_csv("stores", (DATA / "stores-sample.csv").read_bytes())
    assert (stores.created, stores.updated, stores.errors) == (4, 0, [])
    assert store("DEMO-003").closed_on == date(2024, 12, 31)
    assert store("DEMO-004").store_class is None


def test_one_bad_line_imports_nothing(ctx):
    data = csv_bytes(
        STORE_COLUMNS,
        store_line(),
        store_line(code="N-002", type="shop"),
        store_line(code="S-001", name="Không được đổi"),
    )
    report = import_csv("stores", data)
    assert [error.line for error in report.errors] == [3]
    assert "shop" in report.errors[0].message
    assert (report.created, report.updated) == (0, 0)
    assert store("N-001") is None
    assert store("S-001").name == "Cửa hàng S-001"


def test_every_bad_line_is_reported(ctx):
    data = csv_bytes(
        STORE_COLUMNS,
        store_line(code="bad code"),
        store_line(code="N-002"),
        store_line(code="N-003", lat="95"),
        store_line(code="N-004", unit_code="NOPE"),
    )
    assert [error.line for error in import_csv("stores", data).errors] == [2, 4, 5]
    assert count(Store) == 3


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": ""}, "The column code is required."),
        ({"code": "N 002"}, "may only contain letters, digits, - and _"),
        ({"code": "N/002"}, "may only contain letters, digits, - and _"),
        ({"code": "N" * 41}, "code is longer than 40 characters."),
        ({"name": ""}, "The column name is required."),
        ({"name": "n" * 201}, "name is longer than 200 characters."),
        ({"address": "a" * 301}, "address is longer than 300 characters."),
        ({"chain": "c" * 201}, "chain is longer than 200 characters."),
        ({"type": "shop"}, 'type "shop" is not one of'),
        ({"type": ""}, 'type "" is not one of'),
        ({"class": "IV"}, 'class "IV" is not one of'),
        ({"unit_code": ""}, "The column unit_code is required."),
        ({"unit_code": "HY-XX"}, 'Unknown administrative unit "HY-XX".'),
        ({"opened_on": "2020/01/02"}, "is not a date: write dd/mm/yyyy or YYYY-MM-DD."),
        ({"opened_on": "2020-02-30"}, "is not a date that exists."),
        ({"closed_on": "20250101"}, "is not a date: write dd/mm/yyyy or YYYY-MM-DD."),
        ({"closed_on": "2019-12-31"}, "closed_on must not be before opened_on."),
        ({"lat": "90.5"}, "lat must be between -90 and 90."),
        ({"lon": "-180.01"}, "lon must be between -180 and 180."),
        ({"lat": "abc"}, 'lat "abc" is not a number'),
        ({"lat": "nan"}, 'lat "nan" is not a number'),
        ({"lon": "106,05"}, "fields but the header has"),
        ({"lon": ""}, "Give both lat and lon, or neither."),
        ({"lat": ""}, "Give both lat and lon, or neither."),
    ],
)
def test_bad_store_row(ctx, changes, message):
    changes.setdefault("code", "N-002")
    report = import_csv("stores", csv_bytes(STORE_COLUMNS, store_line(), store_line(**changes)))
    assert report.errors, "the bad row was accepted"
    assert {error.line for error in report.errors} == {3}
    assert any(message in error.message for error in report.errors), report.errors
    assert store("N-001") is None


def test_duplicate_code_in_file(ctx):
    report = import_csv("stores", csv_bytes(STORE_COLUMNS, store_line(), store_line(), store_line(code="N-002")))
    assert [(error.line, "line 2" in error.message) for error in report.errors] == [(3, True)]
    assert count(Store) == 3


def test_whitespace_empty_lines_and_quoted_fields(ctx):
    padded = ",".join(f"  {value} " for value in GOOD_STORE.values())
    multiline = store_line(code="N-002", address='"Tầng 2\nSố 5, Đường B"')
    data = csv_bytes(STORE_COLUMNS, "", padded, " , ,", multiline, "", store_line(code="N-003", type="shop"))
    report = import_csv("stores", data)
    # The bad row is on physical line 8: blank lines and the two-line address count.
    assert [error.line for error in report.errors] == [8]

    report = import_csv("stores", data.replace("N-003,Siêu thị Mới,shop".encode(), b"N-003,X,market"))
    assert (report.created, report.errors) == (3, [])
    assert store("N-001").name == "Siêu thị Mới"
    assert store("N-002").address == "Tầng 2\nSố 5, Đường B"
    assert store("N-003").type == "market"


def test_byte_order_mark_is_accepted(ctx):
    report = import_csv("stores", b"\xef\xbb\xbf" + csv_bytes(STORE_COLUMNS, store_line()))
    assert (report.created, report.errors) == (1, [])


def test_file_that_is_not_utf8(ctx):
    data = csv_bytes(STORE_COLUMNS, store_line(code="N-002")) + "N-003,Café,market,,HY-PH,,,,,,\n".encode("cp1252")
    report = import_csv("stores", data)
    assert len(report.errors) == 1
    assert report.errors[0].line == 3
    assert "UTF-8" in report.errors[0].message
    assert count(Store) == 3


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("code,name,type,class,unit_code,address,chain,opened_on,closed_on,lat", "Missing columns: lon."),
        ("code,name,type,unit_code,address,chain,opened_on,lat,lon", "Missing columns: class, closed_on."),
        (STORE_COLUMNS + ",notes", "Unknown columns: notes."),
        (STORE_COLUMNS + ",code", "Repeated columns: code."),
        (STORE_COLUMNS.replace(",", ";"), "separated by commas"),
    ],
)
def test_bad_header(ctx, header, message):
    report = import_csv("stores", csv_bytes(header, store_line()))
    assert [error.line for error in report.errors] == [1]
    assert message in report.errors[0].message
    assert store("N-001") is None


def test_header_is_case_and_space_tolerant(ctx):
    header = ", ".join(column.upper() for column in STORE_COLUMNS.split(","))
    assert import_csv("stores", csv_bytes(header, store_line())).errors == []


def test_empty_file(ctx):
    assert [error.line for error in import_csv("stores", b"").errors] == [1]
    assert import_csv("stores", b"\n\n").errors
    report = import_csv("stores", csv_bytes(STORE_COLUMNS))
    assert (report.created, report.updated, report.errors) == (0, 0, [])


def test_row_limit(ctx, monkeypatch):
    monkeypatch.setattr(importing.rows, "MAX_ROWS", 2)
    lines = [store_line(code=f"N-00{number}") for number in range(1, 4)]
    report = import_csv("stores", csv_bytes(STORE_COLUMNS, *lines))
    assert [error.line for error in report.errors] == [4]
    assert "more than" in report.errors[0].message
    assert count(Store) == 3
    assert import_csv("stores", csv_bytes(STORE_COLUMNS, *lines[:2])).created == 2


def test_units_with_parents_later_in_the_file(ctx):
    data = csv_bytes(
        UNIT_COLUMNS,
        "TB-KX,Xã Kiến Xương,commune,TB-TX,2025-07-01,",
        "TB-TX,Thị xã mới,district,TB,,2025-06-30",
        "TB,Tỉnh Thái Bình,province,,,2025-06-30",
        "HY-PH,Phường Phố Hiến (mới),commune,HY,2025-07-01,",
    )
    report = import_csv("units", data)
    assert (report.created, report.updated, report.errors) == (3, 1, [])
    assert unit("TB-KX").parent.parent.code == "TB"
    assert (unit("TB-KX").level, unit("TB-KX").valid_from) == ("commune", date(2025, 7, 1))
    assert unit("TB").parent is None
    assert (unit("HY-PH").name, unit("HY-PH").parent.code) == ("Phường Phố Hiến (mới)", "HY")


@pytest.mark.parametrize(
    "lines",
    [
        ["A,Một,district,A,,"],
        ["A,Một,district,B,,", "B,Hai,district,A,,"],
        ["A,Một,district,B,,", "B,Hai,district,C,,", "C,Ba,district,A,,"],
        # HY-MH is below HY in the database: HY cannot move below it.
        ["HY,Tỉnh Hưng Yên,province,HY-MH,,"],
    ],
)
def test_unit_cannot_be_its_own_ancestor(ctx, lines):
    before = count(AdminUnit)
    report = import_csv("units", csv_bytes(UNIT_COLUMNS, *lines))
    assert [error.line for error in report.errors] == list(range(2, 2 + len(lines)))
    assert all("own ancestor" in error.message for error in report.errors)
    assert count(AdminUnit) == before
    assert unit("HY").parent is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("X-1,Xã,village,HY,,", 'level "village" is not one of'),
        ("X-1,Xã,commune,NOPE,,", 'Unknown parent unit "NOPE".'),
        ("X-1,,commune,HY,,", "The column name is required."),
        ("X 1,Xã,commune,HY,,", "may only contain letters, digits, - and _"),
        ("X-1,Xã,commune,HY,2025-7-1,", "is not a date: write dd/mm/yyyy or YYYY-MM-DD."),
        ("X-1,Xã,commune,HY,2025-07-01,2025-06-30", "valid_to must not be before valid_from."),
    ],
)
def test_bad_unit_row(ctx, line, message):
    report = import_csv("units", csv_bytes(UNIT_COLUMNS, "X-0,Xã tốt,commune,HY,,", line))
    assert [error.line for error in report.errors] == [3]
    assert message in report.errors[0].message
    assert unit("X-0") is None


def test_cli_import_stores(app, runner, tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(STORE_COLUMNS, store_line(), store_line(code="S-002", name="Đổi")))
    result = runner.invoke(args=["import-stores", str(good)])
    assert result.exit_code == 0, result.output
    assert "1" in result.output and "Imported" in result.output

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(STORE_COLUMNS, store_line(code="N-009"), store_line(code="N-010", lat="100")))
    result = runner.invoke(args=["import-stores", str(bad)])
    assert result.exit_code != 0
    assert "line 3" in result.output
    assert "line 2" not in result.output
    with app.app_context():
        assert store("N-001") is not None and store("S-002").name == "Đổi"
        assert store("N-009") is None


def test_cli_import_units(app, runner, tmp_path):
    good = tmp_path / "units.csv"
    good.write_bytes((DATA / "admin-units.csv").read_bytes())
    result = runner.invoke(args=["import-units", str(good)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert count(AdminUnit) == 15

    bad = tmp_path / "bad-units.csv"
    bad.write_bytes(csv_bytes(UNIT_COLUMNS, "X-1,Xã,commune,HY,,", "X-2,Xã,commune,X-2,,"))
    result = runner.invoke(args=["import-units", str(bad)])
    assert result.exit_code != 0
    assert "line 3" in result.output
    with app.app_context():
        assert unit("X-1") is None


def test_cli_missing_file(runner, tmp_path):
    result = runner.invoke(args=["import-stores", str(tmp_path / "missing.csv")])
    assert result.exit_code != 0
