"""Exports open back in the csv module and openpyxl, with the hand-computed figures.

The CSV file is for programs: its headers and values stay exactly as they were. The workbook is
for people: the same columns in the same order, named and formatted for staff, read here by
position against the CSV file of the same export.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from models import Store, db
from survey.domain import survey_fields
from survey.domain.indicators import INDICATORS
from tests.conftest import EXPECTED_2025, seed_table

# The CSV headers as programs read them (contract: add, never rename).
INDICATOR_HEADER = [
    "year", "scope", "code", "name", "stores_in_scope", "stores_surveyed", "stores_compliant", "compliance_pct",
    "compliance_pct_of_surveyed", "coverage_pct", "target_pct", "target_met", "stores_needed", "eco_share_avg",
    "eco_label_skus", "stores_with_eco_label", "eco_products", "rule_version", "rule_zones", "rule_min_eco_share_pct",
    "rule_target_pct", "exported_at",
]  # fmt: skip
SURVEY_HEADER_START = [
    "survey_id", "store_code", "store_name", "store_type", "unit_code", "unit_name", "visited_at", "year", "source",
    "review_state", "counts", "compliant", "submitted_by", "received_at", "skus_checked", "notes", "checkout:PE_BAG",
]  # fmt: skip
# New columns are appended (issue 22: transactions_observed), so that programs reading by position keep working.
SURVEY_HEADER_END = [
    "label:SELF_DECLARED", "rule_version", "exported_at", "photos", "distance_m", "transactions_observed"
]  # fmt: skip


def read_csv(response) -> list[dict]:
    assert response.data.startswith("\ufeff".encode())  # Excel reads Vietnamese only with the BOM
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def csv_header(response) -> list[str]:
    return next(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def sheet_of(response):
    return load_workbook(io.BytesIO(response.data)).active


def read_xlsx(response, keys: list[str] | None = None) -> list[dict]:
    """The workbook's rows keyed by its own headers, or by `keys` (the CSV file's, column by column)."""
    rows = list(sheet_of(response).iter_rows(values_only=True))
    return [dict(zip(keys or rows[0], row, strict=True)) for row in rows[1:]]


def read_export(client, kind: str, year: int, fmt: str) -> list[dict]:
    """An export's rows keyed by the CSV file's column keys, whichever the format."""
    from_csv = client.get(f"/exports/{kind}/{year}.csv")
    if fmt == "csv":
        return read_csv(from_csv)
    return read_xlsx(client.get(f"/exports/{kind}/{year}.xlsx"), csv_header(from_csv))


def test_indicator_export_matches_the_api(client, auth, table):
    auth.login("reviewer")
    response = client.get("/exports/indicators/2025.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert csv_header(response) == INDICATOR_HEADER
    rows = read_csv(response)
    province = next(row for row in rows if row["scope"] == "province")
    for key, value in EXPECTED_2025.items():
        assert province[key] == ("" if value is None else str(value)), key
    assert {row["code"] for row in rows if row["scope"] == "unit"} == {"HY-PH", "HY-MH"}
    assert {row["code"] for row in rows if row["scope"] == "type"} == {"supermarket", "commercial_centre"}
    assert all(str(row["rule_version"]) == "1" and row["exported_at"] for row in rows)


def test_the_indicator_workbook_holds_the_same_figures_for_people(client, auth, table):
    auth.login("reviewer")
    from_csv = read_csv(client.get("/exports/indicators/2025.csv"))
    response = client.get("/exports/indicators/2025.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = read_xlsx(response, INDICATOR_HEADER)
    assert len(rows) == len(from_csv)
    province = rows[0]
    assert province["scope"] == "Toàn tỉnh" and from_csv[0]["scope"] == "province"
    people = {"flag": {True: "Có", False: "Không", None: None}}
    for indicator in INDICATORS:
        value, got = EXPECTED_2025[indicator.key], province[indicator.key]
        if indicator.kind == "percentage":
            assert got == pytest.approx(value / 100), indicator.key  # 50.0 points is 0.5, shown 50.0%
        else:
            assert got == people.get(indicator.kind, {}).get(value, value), indicator.key
    assert {row["code"] for row in rows if row["scope"] == "Đơn vị của cửa hàng"} == {"HY-PH", "HY-MH"}
    types = {(row["code"], row["name"]) for row in rows if row["scope"] == "Loại cửa hàng"}
    assert types == {("supermarket", "Siêu thị"), ("commercial_centre", "Trung tâm thương mại")}
    assert {row["rule_zones"] for row in rows} == {"Quầy thu ngân"}
    assert all(row["rule_version"] == 1 and isinstance(row["exported_at"], datetime) for row in rows)


def test_the_indicator_workbook_is_formatted_for_staff(client, auth, table):
    auth.login("reviewer")
    sheet = sheet_of(client.get("/exports/indicators/2025.xlsx"))
    header = [cell.value for cell in sheet[1]]
    assert header[:6] == ["Năm", "Tổng hợp theo", "Mã", "Tên", "Cửa hàng thuộc phạm vi", "Cửa hàng đã được kiểm tra"]
    assert "Tỷ lệ đạt, trên số cửa hàng thuộc phạm vi (%)" in header and "Đạt mục tiêu" in header
    assert not any(name in header for name in INDICATOR_HEADER[1:])  # no machine name left
    assert all(cell.font.b for cell in sheet[1]) and sheet.freeze_panes == "A2"
    column = {name: index for index, name in enumerate(INDICATOR_HEADER)}
    province = sheet[2]
    share = province[column["compliance_pct"]]
    assert share.value == pytest.approx(0.5) and share.number_format == "0.0%"
    target = province[column["target_pct"]]
    assert target.value == pytest.approx(0.85) and target.number_format == "0%"
    assert province[column["target_met"]].value == "Không"
    assert province[column["year"]].value == 2025 and province[column["year"]].number_format == "General"
    stamp = province[column["exported_at"]]
    assert isinstance(stamp.value, datetime) and stamp.number_format.startswith("dd/mm/yyyy")
    widths = [sheet.column_dimensions[chr(ord("A") + index)].width for index in range(len(header))]
    assert all(8 <= width <= 52 for width in widths) and widths[column["year"]] < widths[column["name"]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_survey_export_has_a_column_per_zone_category_and_label(client, auth, table, fmt):
    auth.login("admin")
    rows = read_export(client, "surveys", 2025, fmt)
    assert len(rows) == 7  # every survey visited in 2025, counted or not
    s002 = next(row for row in rows if row["store_code"] == "S-002" and row["source"] in ("inspection", "Kiểm tra"))
    assert str(s002["checkout:PE_BAG"]) == "5" and str(s002["checkout:PAPER"]) == "15"
    assert str(s002["store_packed:NATURAL"]) == "10" and str(s002["store_packed:EPS_FOAM"]) == "0"
    s001 = [row for row in rows if row["store_code"] == "S-001"]
    assert sorted(str(row["label:VN_ECOLABEL"]) for row in s001) == ["0", "3"]
    states = {"csv": {"received", "rejected"}, "xlsx": {"Đã nhận", "Bị từ chối"}}
    assert {str(row["review_state"]) for row in s001} == states[fmt]
    assert all(str(row["rule_version"]) == "1" and row["exported_at"] for row in rows)


def test_the_survey_csv_keeps_its_machine_header_and_values(client, auth, table):
    auth.login("admin")
    response = client.get("/exports/surveys/2025.csv")
    header = csv_header(response)
    assert header[: len(SURVEY_HEADER_START)] == SURVEY_HEADER_START
    assert header[-len(SURVEY_HEADER_END) :] == SURVEY_HEADER_END
    s001 = next(row for row in read_csv(response) if row["store_code"] == "S-001" and row["review_state"] == "received")
    assert (s001["store_type"], s001["source"], s001["counts"], s001["compliant"]) == (
        "supermarket",
        "inspection",
        "True",
        "True",
    )
    assert s001["visited_at"] == "2025-03-01T10:00:00+07:00" and s001["received_at"].endswith("Z")


def test_the_survey_workbook_speaks_vietnamese(client, auth, table):
    auth.login("admin")
    response = client.get("/exports/surveys/2025.xlsx")
    sheet = sheet_of(response)
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["Mã phiếu", "Mã cửa hàng", "Tên cửa hàng", "Loại cửa hàng"]
    assert {"Trạng thái duyệt", "Được tính vào số liệu", "Đạt", "Thời gian kiểm tra", "Ghi chú"} <= set(header)
    assert "Quầy thu ngân – Túi ni lông khó phân hủy (túi PE thông thường)" in header
    assert "Mã hàng (SKU) có nhãn sinh thái – Nhãn sinh thái Việt Nam" in header
    assert not any(":" in name or "_" in name for name in header)  # no machine name left
    assert sheet.freeze_panes == "A2" and all(cell.font.b for cell in sheet[1])
    rows = read_xlsx(response)
    s001 = next(row for row in rows if row["Mã cửa hàng"] == "S-001" and row["Trạng thái duyệt"] == "Đã nhận")
    assert (s001["Loại cửa hàng"], s001["Nguồn"]) == ("Siêu thị", "Kiểm tra")
    assert (s001["Được tính vào số liệu"], s001["Đạt"]) == ("Có", "Có")
    rejected = next(row for row in rows if row["Trạng thái duyệt"] == "Bị từ chối")
    assert (rejected["Được tính vào số liệu"], rejected["Đạt"]) == ("Không", "Không")
    assert {row["Nguồn"] for row in rows} == {"Kiểm tra", "Tự báo cáo"}
    visited = sheet.cell(row=2, column=header.index("Thời gian kiểm tra") + 1)
    assert isinstance(visited.value, datetime) and visited.number_format.startswith("dd/mm/yyyy")
    assert s001["Thời gian kiểm tra"] == datetime(2025, 3, 1, 10, 0)  # the local time, as the inspector saw it


def test_every_exported_survey_field_has_a_header_for_people():
    assert all(field.label for field in survey_fields.FIELDS if field.exported)


def test_the_workbook_follows_the_page_language(app, client, auth):
    with app.app_context():  # not the `table` fixture: its app context would hold the first request's language
        seed_table()
    auth.login("reviewer")
    sheet = sheet_of(client.get("/exports/surveys/2025.xlsx?lang=en"))
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["Survey ID", "Store code", "Store name", "Store type"]
    assert "Yes" in {cell.value for cell in sheet["K"]}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formulas_never_reach_the_spreadsheet(app, client, auth, table, fmt):
    with app.app_context():
        store = db.session.scalar(select(Store).where(Store.code == "S-002"))
        store.name = '=HYPERLINK("http://evil.example","bấm")'
        db.session.commit()
    auth.login("reviewer")
    rows = read_export(client, "surveys", 2025, fmt)
    names = {row["store_name"] for row in rows if row["store_code"] == "S-002"}
    assert names == {'\'=HYPERLINK("http://evil.example","bấm")'}
    if fmt == "xlsx":
        sheet = sheet_of(client.get("/exports/surveys/2025.xlsx"))
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_exports_are_for_staff_only(client, auth):
    assert client.get("/exports/surveys/2025.csv").status_code == 302
    auth.login("inspector")
    assert client.get("/exports/surveys/2025.csv").status_code == 403


def test_unknown_export_is_404(client, auth):
    auth.login("reviewer")
    assert client.get("/exports/secrets/2025.csv").status_code == 404
    assert client.get("/exports/surveys/2025.pdf").status_code == 404
