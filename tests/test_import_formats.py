"""The store import as provincial staff use it: XLSX or CSV, Vietnamese type names, dd/mm/yyyy dates,
the unit before the reform, codes in any capitals, text in any Unicode form, the first 50 errors, templates."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date, datetime

import pytest
from flask_babel import force_locale, gettext
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from models import AdminUnit, Store, db
from survey.domain import importing
from survey.domain.importing import headers, import_file
from tests.conftest import add_unit, csrf_from, load_official_hung_yen

COLUMNS = "code name type class unit_code legacy_unit_code address chain opened_on closed_on lat lon".split()
# The same columns as the Excel template heads them for people (Vietnamese pages).
VIETNAMESE_COLUMNS = [
    "Mã cửa hàng", "Tên cửa hàng", "Loại cửa hàng", "Hạng", "Mã đơn vị hành chính", "Mã đơn vị trước 01/07/2025",
    "Địa chỉ", "Chuỗi cửa hàng", "Ngày mở cửa", "Ngày đóng cửa", "Vĩ độ", "Kinh độ",
]  # fmt: skip
OLD_COLUMNS = [column for column in COLUMNS if column != "legacy_unit_code"]
ERROR_ROWS = re.compile(r'<tr><td class="num">(\d+)</td>')


def store(code: str) -> Store | None:
    return db.session.scalar(select(Store).where(Store.code == code))


def unit(code: str) -> AdminUnit | None:
    return db.session.scalar(select(AdminUnit).where(AdminUnit.code == code))


def store_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Store))


def xlsx(*rows, start_row: int = 1) -> bytes:
    """A workbook whose first sheet holds the rows from start_row on (None leaves a row empty)."""
    book = Workbook()
    sheet = book.active
    for offset, row in enumerate(rows):
        for column, value in enumerate(row or (), start=1):
            sheet.cell(row=start_row + offset, column=column, value=value)
    other = book.create_sheet("notes")  # only the first sheet is read
    other["A1"] = "not a header"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(columns: list[str], *rows: dict) -> bytes:
    lines = [",".join(columns)] + [",".join(row.get(column, "") for column in columns) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def good(**changes) -> dict:
    row = {"code": "N-001", "name": "Siêu thị Mới", "type": "Siêu thị", "unit_code": "HY-PH", "opened_on": "02/01/2020"}
    return {**row, **changes}


def old_units() -> None:
    """A unit abolished by the reform and the unit in force that reuses its code, as the official ones are."""
    province = unit("HY")
    add_unit("11953", "Phường Phố Hiến", "commune", province, valid_from=date(2025, 7, 1))
    add_unit("L-11953", "Phường Hiến Nam", "commune", unit("HY-MH"), valid_to=date(2025, 6, 30))
    db.session.commit()


@pytest.fixture
def ctx(app):
    """A request in English, so that messages are the msgids whatever catalogues exist."""
    with app.test_request_context("/?lang=en"):
        yield


@pytest.fixture
def admin(client, auth):
    auth.login("admin")
    return client


def upload(client, content: bytes, filename: str):
    # Encoded in memory: the test client would spool a large body to a temporary file it never closes.
    fields = {
        "file": FileStorage(io.BytesIO(content), filename, content_type="application/octet-stream"),
        "csrf_token": csrf_from(client.get("/stores/import?lang=en").get_data(as_text=True)),
    }
    boundary, body = encode_multipart(fields)
    return client.post("/stores/import?lang=en", data=body, content_type=f"multipart/form-data; boundary={boundary}")


# --- XLSX -----------------------------------------------------------------------------------


def test_xlsx_with_vietnamese_types_local_dates_and_the_unit_before_the_reform(ctx):
    old_units()
    data = xlsx(
        COLUMNS,
        ["X-001", "Siêu thị Phố Hiến", "Siêu thị", "II", 11953, "L-11953", "Số 1", "", "15/03/2020", "", 20.6465, 106],
        ["X-002", "TTTM Hưng Yên", "TRUNG TÂM THƯƠNG MẠI", None, 11953.0, None, None, None, datetime(2021, 7, 1)],
        ["X-003", "Tiện lợi 24h", "cua hang tien loi", "", "HY-PH", "", "", "", "1/7/2025", "31/12/2025"],
        None,  # an empty row in the middle is skipped
        ["X-004", "Chợ Gạo", "Chợ", "", "HY-MH", "", "", "", date(2019, 5, 1)],
        ["X-005", "Circle K", "Convenience store", "", "HY-PH", "", "", "", "2024-02-29"],
        ["X-006", "Chợ đầu mối", "market", "", "HY-PH"],  # short rows: the missing cells are empty
        start_row=3,  # the header is the first non-empty row, wherever it is
    )
    report = import_file("stores", data, filename="cua-hang.xlsx")
    assert report.errors == []
    assert (report.created, report.updated) == (6, 0)
    first = store("X-001")
    assert (first.type, first.store_class, first.unit.code, first.legacy_unit.code) == (
        "supermarket",
        "II",
        "11953",
        "L-11953",
    )
    assert (first.opened_on, first.lat, first.lon) == (date(2020, 3, 15), 20.6465, 106.0)
    assert (store("X-002").type, store("X-002").unit.code, store("X-002").opened_on) == (
        "commercial_centre",
        "11953",
        date(2021, 7, 1),
    )
    assert store("X-002").legacy_unit is None
    assert (store("X-003").type, store("X-003").opened_on, store("X-003").closed_on) == (
        "convenience_store",
        date(2025, 7, 1),
        date(2025, 12, 31),
    )
    assert (store("X-004").type, store("X-004").opened_on) == ("market", date(2019, 5, 1))
    assert (store("X-005").type, store("X-005").opened_on) == ("convenience_store", date(2024, 2, 29))
    assert (store("X-006").type, store("X-006").address, store("X-006").opened_on) == ("market", "", None)


def test_xlsx_is_told_by_its_content_not_its_name(ctx):
    data = xlsx(OLD_COLUMNS, ["N-001", "Mới", "Siêu thị", "", "HY-PH"])
    assert import_file("stores", data, filename="stores.csv").created == 1
    assert importing.import_csv("stores", xlsx(OLD_COLUMNS, ["N-002", "Mới", "market", "", "HY-PH"])).created == 1


def test_xlsx_errors_name_the_sheet_rows_and_nothing_is_imported(ctx):
    data = xlsx(
        None,
        OLD_COLUMNS,
        ["N-001", "Tốt", "Siêu thị", "", "HY-PH"],
        None,
        ["N-002", "Sai loại", "Cửa hàng", "", "HY-PH"],
        ["S-001", "Không được đổi", "market", "", "HY-PH"],
        ["N-003", "Ngày sai", "Chợ", "", "HY-PH", "", "", "31/02/2025"],
        ["N-004", "Thừa ô", "Chợ", "", "HY-PH", "", "", "", "", "", "", "ghi chú"],
    )
    report = import_file("stores", data, filename="stores.xlsx")
    assert [error.line for error in report.errors] == [5, 7, 8]
    assert 'type "Cửa hàng" is not one of: Siêu thị (supermarket)' in report.errors[0].message
    assert 'opened_on "31/02/2025" is not a date that exists.' == report.errors[1].message
    assert "column L" in report.errors[2].message
    assert (report.created, report.updated) == (0, 0)
    assert store("N-001") is None
    assert store("S-001").name == "Cửa hàng S-001"


def test_xlsx_numbers_and_text_cells(ctx):
    book = Workbook()
    sheet = book.active
    sheet.append(["  Code ", "NAME", *OLD_COLUMNS[2:]])
    sheet.append([12.0, "  Tên có khoảng trắng  ", "market", None, "HY-PH", 12345, None, None, None, 20.5, 106])
    sheet.append([345, "Mã có số 0", "market", None, "HY-PH", None, None, None, None, 0.00001, -0.5])
    sheet["A3"].number_format = "00000"  # a code typed as 00345 in a cell formatted to keep its zeros
    buffer = io.BytesIO()
    book.save(buffer)
    report = import_file("stores", buffer.getvalue())
    assert report.errors == []
    assert (store("12").name, store("12").address, store("12").lat, store("12").lon) == (
        "Tên có khoảng trắng",
        "12345",
        20.5,
        106.0,
    )
    assert (store("00345").lat, store("00345").lon) == (0.00001, -0.5)


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"PK\x03\x04 not really a zip", "stores.xlsx", "not a readable XLSX workbook"),
        (b"code,name\n", "stores.xlsx", "not a readable XLSX workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), "stores.xls", "old Excel (.xls)"),
    ],
)
def test_unreadable_workbooks(ctx, content, filename, message):
    report = import_file("stores", content, filename=filename)
    assert [error.line for error in report.errors] == [1]
    assert message in report.errors[0].message


def test_empty_workbook(ctx):
    report = import_file("stores", xlsx(None), filename="stores.xlsx")
    assert [error.message for error in report.errors] == ["The file is empty: it needs a header line."]


def test_units_from_xlsx_with_local_dates(ctx):
    data = xlsx(
        ["code", "name", "level", "parent_code", "valid_from", "valid_to"],
        ["TB", "Tỉnh Thái Bình", "province", None, None, "30/06/2025"],
        ["TB-KX", "Xã Kiến Xương", "commune", "TB", datetime(2025, 7, 1), None],
    )
    report = import_file("units", data, filename="units.xlsx")
    assert (report.created, report.errors) == (2, [])
    assert (unit("TB").valid_to, unit("TB-KX").valid_from) == (date(2025, 6, 30), date(2025, 7, 1))


def test_row_limit_in_a_workbook(ctx, monkeypatch):
    monkeypatch.setattr(importing.rows, "MAX_ROWS", 2)
    rows = [[f"N-00{number}", "Mới", "market", "", "HY-PH"] for number in range(1, 6)]
    report = import_file("stores", xlsx(OLD_COLUMNS, *rows))
    assert [error.line for error in report.errors] == [4]
    assert "more than" in report.errors[0].message
    assert store_count() == 3


def test_a_workbook_is_read_only_up_to_the_first_run_of_empty_rows(ctx):
    # A few filled rows, then a cell at Excel's last row: openpyxl would yield a million empty rows
    # before it. Reading stops after importing.MAX_EMPTY_RUN of them, so the far row (which would be
    # refused: it has no name or type) is never seen.
    rows = [OLD_COLUMNS, ["N-001", "Mới", "market", "", "HY-PH"], ["N-002", "Mới 2", "market", "", "HY-PH"]]
    book = load_workbook(io.BytesIO(xlsx(*rows)))
    book.active.cell(row=1_048_576, column=1, value="N-999")
    buffer = io.BytesIO()
    book.save(buffer)
    report = import_file("stores", buffer.getvalue(), filename="stores.xlsx")
    assert (report.created, report.errors) == (2, [])


def test_rows_after_a_short_gap_are_still_read(ctx):
    rows = [OLD_COLUMNS, ["N-001", "Mới", "market", "", "HY-PH"], *[None] * (importing.MAX_EMPTY_RUN - 1)]
    report = import_file("stores", xlsx(*rows, ["N-002", "Mới 2", "market", "", "HY-PH"]), filename="stores.xlsx")
    assert (report.created, report.errors) == (2, [])


def test_a_workbook_is_read_only_as_wide_as_the_template_and_a_margin(ctx):
    # A value in column XFD (the 16,384th) is not read: each row is cut at importing.MAX_COLUMNS.
    book = load_workbook(io.BytesIO(xlsx(OLD_COLUMNS, ["N-001", "Mới", "market", "", "HY-PH"])))
    book.active.cell(row=2, column=16_384, value="far away")
    book.active.cell(row=2, column=importing.MAX_COLUMNS + 1, value="beyond the margin")
    buffer = io.BytesIO()
    book.save(buffer)
    report = import_file("stores", buffer.getvalue(), filename="stores.xlsx")
    assert (report.created, report.errors) == (1, [])
    # Within the margin, a value without a column name is still refused, naming its column.
    near = xlsx(OLD_COLUMNS, ["N-001", "Mới", "market", "", "HY-PH", *[""] * 7, "stray"])
    report = import_file("stores", near, filename="stores.xlsx")
    assert [error.line for error in report.errors] == [2]
    assert "column M" in report.errors[0].message


# --- the unit before the reform -----------------------------------------------------------


def test_a_file_without_legacy_unit_code_still_imports(ctx):
    report = import_file("stores", csv_bytes(OLD_COLUMNS, good()))
    assert (report.created, report.errors) == (1, [])
    assert store("N-001").legacy_unit is None


def test_legacy_unit_code(ctx):
    old_units()
    rows = [good(legacy_unit_code="L-11953"), good(code="N-002", legacy_unit_code=""), good(code="S-001")]
    report = import_file("stores", csv_bytes(COLUMNS, *rows))
    assert (report.created, report.updated, report.errors) == (2, 1, [])
    assert store("N-001").legacy_unit.code == "L-11953"
    assert store("N-002").legacy_unit is None

    # A file without the column leaves the unit before the reform alone; an empty cell clears it.
    assert import_file("stores", csv_bytes(OLD_COLUMNS, good(name="Đổi tên"))).updated == 1
    db.session.expire_all()
    assert (store("N-001").name, store("N-001").legacy_unit.code) == ("Đổi tên", "L-11953")
    assert import_file("stores", csv_bytes(COLUMNS, good(legacy_unit_code=""))).updated == 1
    db.session.expire_all()
    assert store("N-001").legacy_unit is None


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("L-99999", 'Unknown administrative unit "L-99999".'),
        # The code in force of the new ward: nearly always the old code without its prefix.
        ("11953", 'legacy_unit_code "11953" is a unit in force after 01/07/2025: did you mean "L-11953"'),
        ("HY-PH", 'legacy_unit_code "HY-PH" is a unit in force after 01/07/2025: give a unit abolished'),
    ],
)
def test_bad_legacy_unit_code(ctx, code, message):
    old_units()
    report = import_file("stores", csv_bytes(COLUMNS, good(code="N-000"), good(legacy_unit_code=code)))
    assert [error.line for error in report.errors] == [3]
    assert message in report.errors[0].message
    assert store("N-000") is None


def test_unit_codes_in_other_capitals(ctx):
    old_units()
    report = import_file("stores", csv_bytes(COLUMNS, good(unit_code="hy-ph", legacy_unit_code="l-11953")))
    assert report.errors == []
    assert (store("N-001").unit.code, store("N-001").legacy_unit.code) == ("HY-PH", "L-11953")


# --- types, dates, text -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("supermarket", "supermarket"),
        ("Siêu thị", "supermarket"),
        ("SIÊU THỊ", "supermarket"),
        ("sieu  thi", "supermarket"),
        ("Supermarket", "supermarket"),
        ("commercial_centre", "commercial_centre"),
        ("Trung tâm thương mại", "commercial_centre"),
        ("Commercial centre", "commercial_centre"),
        ("convenience_store", "convenience_store"),
        ("Cửa hàng tiện lợi", "convenience_store"),
        ("Convenience store", "convenience_store"),
        ("market", "market"),
        ("Chợ", "market"),
        ("CHO", "market"),
        ("Market", "market"),
    ],
)
def test_store_type_names(ctx, written, code):
    report = import_file("stores", csv_bytes(OLD_COLUMNS, good(type=written)))
    assert report.errors == []
    assert store("N-001").type == code


def test_unknown_type_lists_the_allowed_values(ctx):
    report = import_file("stores", csv_bytes(OLD_COLUMNS, good(type="Tạp hoá")))
    message = report.errors[0].message
    assert message.startswith('type "Tạp hoá" is not one of: ')
    for name in ("Siêu thị", "Trung tâm thương mại", "Cửa hàng tiện lợi", "Chợ"):
        assert name in message
    for code in ("supermarket", "commercial_centre", "convenience_store", "market"):
        assert code in message


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("15/03/2020", date(2020, 3, 15)),
        ("5/3/2020", date(2020, 3, 5)),
        ("05/03/2020", date(2020, 3, 5)),
        ("29/02/2024", date(2024, 2, 29)),
        ("2020-03-15", date(2020, 3, 15)),
    ],
)
def test_dates(ctx, written, expected):
    report = import_file("stores", csv_bytes(OLD_COLUMNS, good(opened_on=written)))
    assert report.errors == []
    assert store("N-001").opened_on == expected


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("31/02/2025", 'opened_on "31/02/2025" is not a date that exists.'),
        ("29/02/2025", 'opened_on "29/02/2025" is not a date that exists.'),
        ("15/13/2020", 'opened_on "15/13/2020" is not a date that exists.'),
        ("2025-02-31", 'opened_on "2025-02-31" is not a date that exists.'),
        ("15/03/20", 'opened_on "15/03/20" is not a date: write dd/mm/yyyy or YYYY-MM-DD.'),
        ("15-03-2020", 'opened_on "15-03-2020" is not a date: write dd/mm/yyyy or YYYY-MM-DD.'),
        ("15.03.2020", 'opened_on "15.03.2020" is not a date: write dd/mm/yyyy or YYYY-MM-DD.'),
    ],
)
def test_impossible_or_unreadable_date_is_a_line_error(ctx, written, message):
    report = import_file("stores", csv_bytes(OLD_COLUMNS, good(code="N-000"), good(opened_on=written)))
    assert [(error.line, error.message) for error in report.errors] == [(3, message)]
    assert store("N-000") is None


def test_text_is_stored_composed(ctx):
    name, address = "Siêu thị Hoà Bình", "Đường Nguyễn Văn Linh"
    decomposed = {"name": unicodedata.normalize("NFD", name), "address": unicodedata.normalize("NFD", address)}
    assert decomposed["name"] != name
    nfd_type = unicodedata.normalize("NFD", "Siêu thị")
    report = import_file("stores", csv_bytes(OLD_COLUMNS, good(type=nfd_type, **decomposed)))
    assert report.errors == []
    assert (store("N-001").name, store("N-001").address) == (name, address)

    data = xlsx(OLD_COLUMNS, ["N-002", unicodedata.normalize("NFD", "Chợ Gạo"), "Chợ", "", "HY-PH"])
    assert import_file("stores", data).errors == []
    assert store("N-002").name == "Chợ Gạo"
    # Found by the composed name, as anyone types it.
    assert db.session.scalar(select(Store.code).where(Store.name == "Chợ Gạo")) == "N-002"


# --- codes in any capitals ----------------------------------------------------------------


def test_codes_differing_only_in_case_are_one_code_in_a_file(ctx):
    report = import_file("stores", csv_bytes(OLD_COLUMNS, good(code="demo-001"), good(code="DEMO-001")))
    assert [error.line for error in report.errors] == [3]
    assert 'The code "DEMO-001" already appears on line 2.' == report.errors[0].message
    assert store_count() == 3


def test_a_code_in_other_capitals_updates_the_store_and_keeps_its_spelling(ctx):
    report = import_file("stores", csv_bytes(OLD_COLUMNS, good(code="s-001", name="Tên mới", type="Chợ")))
    assert (report.created, report.updated, report.errors) == (0, 1, [])
    assert store_count() == 3
    assert (store("S-001").name, store("S-001").type) == ("Tên mới", "market")
    assert store("s-001") is None


def test_new_store_form_refuses_a_code_in_other_capitals(app, admin):
    token = csrf_from(admin.get("/stores/new?lang=en").get_data(as_text=True))
    form = {"code": "s-001", "name": "Trùng", "type": "supermarket", "store_class": "", "unit_code": "HY-PH"}
    response = admin.post("/stores/new?lang=en", data={**form, "csrf_token": token})
    assert response.status_code == 200
    assert "A store with this code already exists." in response.get_data(as_text=True)
    with app.app_context():
        assert store_count() == 3


# --- the first 50 errors, and a count of the rest -----------------------------------------


def many_bad_rows(count: int) -> list[dict]:
    return [good(code=f"N-{number:03d}", type="shop") for number in range(count)]


def test_the_report_keeps_the_first_50_errors(ctx):
    report = import_file("stores", csv_bytes(OLD_COLUMNS, good(code="OK-1"), *many_bad_rows(120)))
    assert len(report.errors) == importing.MAX_ERRORS == 50
    assert [error.line for error in report.errors] == list(range(3, 53))
    assert (report.more_errors, report.error_count) == (70, 120)
    assert store("OK-1") is None

    few = import_file("stores", csv_bytes(OLD_COLUMNS, *many_bad_rows(50)))
    assert (len(few.errors), few.more_errors) == (50, 0)


def test_the_page_shows_50_errors_and_counts_the_rest(app, admin):
    response = upload(admin, csv_bytes(OLD_COLUMNS, *many_bad_rows(120)), "stores.csv")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert len(ERROR_ROWS.findall(html)) == 50
    assert "The file has 120 errors." in html
    assert "… and 70 more errors not shown." in html
    assert len(html) < 100_000

    response = upload(admin, csv_bytes(OLD_COLUMNS, *many_bad_rows(51)), "stores.csv")
    assert "… and 1 more error not shown." in response.get_data(as_text=True)
    response = upload(admin, csv_bytes(OLD_COLUMNS, *many_bad_rows(3)), "stores.csv")
    assert "more error" not in response.get_data(as_text=True)
    with app.app_context():
        assert store_count() == 3


def test_the_cli_prints_50_errors_and_counts_the_rest(app, runner, tmp_path):
    path = tmp_path / "stores.xlsx"
    path.write_bytes(xlsx(OLD_COLUMNS, *[[row["code"], "Tên", "shop", "", "HY-PH"] for row in many_bad_rows(75)]))
    result = runner.invoke(args=["import-stores", str(path)])
    assert result.exit_code != 0
    assert len(re.findall(r"line \d+:", result.output)) == 50
    assert "line 51:" in result.output and "line 52:" not in result.output
    assert "25 more errors not shown" in result.output
    assert "75 errors, nothing imported" in result.output
    with app.app_context():
        assert store_count() == 3


def test_the_cli_imports_xlsx(app, runner, tmp_path):
    path = tmp_path / "stores.xlsx"
    path.write_bytes(xlsx(OLD_COLUMNS, ["N-001", "Mới", "Siêu thị", "", "HY-PH", "", "", "02/01/2020"]))
    result = runner.invoke(args=["import-stores", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert (store("N-001").type, store("N-001").opened_on) == ("supermarket", date(2020, 1, 2))


# --- the web upload and the templates -----------------------------------------------------


def test_upload_xlsx(app, admin):
    data = xlsx(OLD_COLUMNS, ["N-001", "Mới", "Trung tâm thương mại", "", "HY-PH", "", "", "02/01/2020"])
    response = upload(admin, data, "Cửa hàng.XLSX")
    assert response.status_code == 302
    with app.app_context():
        assert store("N-001").type == "commercial_centre"


def test_upload_xlsx_with_a_bad_row_imports_nothing(app, admin):
    data = xlsx(OLD_COLUMNS, ["N-001", "Tốt", "Chợ", "", "HY-PH"], ["N-002", "Xấu", "Chợ", "", "NOPE"])
    response = upload(admin, data, "stores.xlsx")
    assert response.status_code == 200
    assert ERROR_ROWS.findall(response.get_data(as_text=True)) == ["3"]
    with app.app_context():
        assert store("N-001") is None


def test_import_page_links_both_templates(admin):
    html = admin.get("/stores/import?lang=en").get_data(as_text=True)
    assert 'href="/stores/template.csv"' in html and 'href="/stores/template.xlsx"' in html
    assert "legacy_unit_code" in html and "dd/mm/yyyy" in html and "Siêu thị" in html
    assert 'accept=".csv,.xlsx' in html


def test_csv_template_has_an_example_row_and_imports_cleanly(app, admin):
    response = admin.get("/stores/template.csv")
    assert response.mimetype == "text/csv"
    header, example = response.get_data().decode("utf-8-sig").strip().split("\r\n")
    assert header.split(",") == COLUMNS
    assert example.startswith("VD-001,") and ",Siêu thị,II,11953,L-11953," in example and ",15/03/2020," in example
    with app.app_context():
        load_official_hung_yen()
    response = upload(admin, response.get_data(), "stores-template.csv")
    assert response.status_code == 302, ERROR_ROWS.findall(response.get_data(as_text=True))
    with app.app_context():
        example = store("VD-001")
        assert (example.type, example.unit.name, example.legacy_unit.name) == (
            "supermarket",
            "Phường Phố Hiến",
            "Phường Hiến Nam",
        )
        assert (example.opened_on, example.lat) == (date(2020, 3, 15), 20.6465)


def test_xlsx_template_has_an_example_row_and_imports_cleanly(app, admin):
    response = admin.get("/stores/template.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.get_data()))
    rows = list(book.active.iter_rows(values_only=True))
    assert list(rows[0]) == VIETNAMESE_COLUMNS  # for people; the CSV template keeps the columns' own names
    assert len(rows) == 2
    assert rows[1][:6] == ("VD-001", "Siêu thị Ví dụ Phố Hiến", "Siêu thị", "II", "11953", "L-11953")
    assert rows[1][COLUMNS.index("opened_on")] == datetime(2020, 3, 15)
    opened = book.active.cell(row=2, column=COLUMNS.index("opened_on") + 1)
    assert opened.number_format == "dd/mm/yyyy"
    assert book.active.freeze_panes == "A2" and all(cell.font.b for cell in book.active[1])
    with app.app_context():
        load_official_hung_yen()
    response = upload(admin, response.get_data(), "stores-template.xlsx")
    assert response.status_code == 302, ERROR_ROWS.findall(response.get_data(as_text=True))
    with app.app_context():
        example = store("VD-001")
        assert (example.type, example.unit.code, example.legacy_unit.code) == ("supermarket", "11953", "L-11953")
        assert example.opened_on == date(2020, 3, 15)


def test_templates_are_for_admins_only(client, auth):
    auth.login("reviewer")
    for url in ("/stores/template.csv", "/stores/template.xlsx"):
        assert client.get(url).status_code in (302, 403)


# --- headers for people ------------------------------------------------------------------------


def test_each_column_is_named_once_in_each_language(app):
    with app.app_context():
        names = headers.header_names("stores")
        for locale in ("vi", "en"):
            with force_locale(locale):
                labels = [headers.header_key(gettext(label)) for label in headers.HEADERS["stores"].values()]
            assert len(set(labels)) == len(COLUMNS)  # two columns never share a header
            assert [names[label] for label in labels] == COLUMNS
    assert all(names[column] == column for column in COLUMNS)  # the columns' own names always stand


def test_a_csv_with_vietnamese_headers_imports(ctx):
    old_units()
    # As people type headers: any capitals, decomposed accents, no accents, extra spaces; mixed with own names.
    header = [
        "MÃ CỬA HÀNG", unicodedata.normalize("NFD", "Tên cửa hàng"), "  Loại   cửa hàng ", "hạng",
        "Ma don vi hanh chinh", "Mã đơn vị trước 01/07/2025", "address", "Chuỗi cửa hàng", "Ngày mở cửa",
        "Ngày đóng cửa", "Vĩ độ", "Kinh độ",
    ]  # fmt: skip
    line = ["N-001", "Siêu thị Mới", "Siêu thị", "II", "11953", "L-11953", "Số 1", "", "15/03/2020", "", "20.6", "106"]
    data = ("\n".join(",".join(f'"{cell}"' for cell in row) for row in (header, line)) + "\n").encode()
    report = import_file("stores", data, filename="cua-hang.csv")
    assert report.errors == [] and report.created == 1
    saved = store("N-001")
    assert (saved.name, saved.type, saved.store_class, saved.unit.code, saved.legacy_unit.code) == (
        "Siêu thị Mới",
        "supermarket",
        "II",
        "11953",
        "L-11953",
    )
    assert (saved.opened_on, saved.lat, saved.lon, saved.address) == (date(2020, 3, 15), 20.6, 106.0, "Số 1")


def test_errors_name_the_columns_as_the_file_does(ctx):
    rows = [
        ["N-001", "Một", "Siêu thị", "", "HY-PH", "", "", "", "2020/01/02"],
        ["N-002", "Hai", "Siêu thị", "", "HY-PH", "", "", "", "02/01/2020", "01/01/2020"],
        ["N-003", "Ba", "shop", "", "HY-PH", "", "", "", "", "", "20.6"],
    ]
    report = import_file("stores", xlsx(VIETNAMESE_COLUMNS, *rows), filename="cua-hang.xlsx")
    messages = [error.message for error in report.errors]
    assert messages[0] == 'Ngày mở cửa "2020/01/02" is not a date: write dd/mm/yyyy or YYYY-MM-DD.'
    assert messages[1] == "Ngày đóng cửa must not be before Ngày mở cửa."
    assert messages[2].startswith('Loại cửa hàng "shop" is not one of:')
    assert messages[3] == "Give both Vĩ độ and Kinh độ, or neither."
    assert not any(column in " ".join(messages) for column in ("opened_on", "closed_on", "type", "lat", "lon"))
    with_own_names = import_file("stores", xlsx(COLUMNS, rows[1]), filename="stores.xlsx")
    assert [error.message for error in with_own_names.errors] == ["closed_on must not be before opened_on."]


def test_errors_in_vietnamese_name_the_vietnamese_column(app):
    with app.test_request_context("/"):
        data = xlsx(VIETNAMESE_COLUMNS, ["N-001", "Một", "Siêu thị", "", "HY-PH", "", "", "", "02/01/2020", "1/1/2020"])
        report = import_file("stores", data, filename="cua-hang.xlsx")
    assert [error.message for error in report.errors] == ["Ngày đóng cửa không được trước Ngày mở cửa."]


def test_header_problems_name_the_columns_as_the_file_does(ctx):
    vietnamese = [name for name in VIETNAMESE_COLUMNS if name != "Ngày mở cửa"] + ["Ghi chú", "Mã cửa hàng"]
    report = import_file("stores", xlsx(vietnamese, ["N-001"]), filename="cua-hang.xlsx")
    assert [error.message for error in report.errors] == [
        "Missing columns: Opened on.",  # said in the page's language (English here) as the template heads it
        "Unknown columns: Ghi chú.",
        "Repeated columns: Mã cửa hàng.",
    ]
    own = [name for name in COLUMNS if name != "opened_on"]
    report = import_file("stores", xlsx(own, ["N-001"]), filename="stores.xlsx")
    assert [error.message for error in report.errors] == ["Missing columns: opened_on."]
    both = import_file("stores", xlsx([*COLUMNS, "Mã cửa hàng"], ["N-001"]), filename="stores.xlsx")
    assert [error.message for error in both.errors] == ["Repeated columns: Mã cửa hàng, code."]


def test_the_import_page_lists_the_headers_for_people(admin):
    html = admin.get("/stores/import").get_data(as_text=True)
    assert "Ngày mở cửa (<code>opened_on</code>)" in html and "Mã cửa hàng (<code>code</code>)" in html
