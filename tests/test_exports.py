"""Exports open back in the csv module and openpyxl, with the hand-computed figures."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from models import Store, db
from tests.conftest import EXPECTED_2025


def read_csv(response) -> list[dict]:
    assert response.data.startswith("\ufeff".encode())  # Excel reads Vietnamese only with the BOM
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def read_xlsx(response) -> list[dict]:
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_indicator_export_matches_the_api(client, auth, table, fmt):
    auth.login("reviewer")
    response = client.get(f"/exports/indicators/2025.{fmt}")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
    province = next(row for row in rows if row["scope"] == "province")
    for key, value in EXPECTED_2025.items():
        got = province[key]
        if fmt == "csv":
            assert got == ("" if value is None else str(value)), key
        else:
            assert got == value, key
    assert {row["code"] for row in rows if row["scope"] == "unit"} == {"HY-PH", "HY-MH"}
    assert {row["code"] for row in rows if row["scope"] == "type"} == {"supermarket", "commercial_centre"}
    assert all(str(row["rule_version"]) == "1" and row["exported_at"] for row in rows)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_survey_export_has_a_column_per_zone_category_and_label(client, auth, table, fmt):
    auth.login("admin")
    rows = (read_csv if fmt == "csv" else read_xlsx)(client.get(f"/exports/surveys/2025.{fmt}"))
    assert len(rows) == 7  # every survey visited in 2025, counted or not
    s002 = next(row for row in rows if row["store_code"] == "S-002" and row["source"] == "inspection")
    assert str(s002["checkout:PE_BAG"]) == "5" and str(s002["checkout:PAPER"]) == "15"
    assert str(s002["store_packed:NATURAL"]) == "10" and str(s002["store_packed:EPS_FOAM"]) == "0"
    s001 = [row for row in rows if row["store_code"] == "S-001"]
    assert sorted(str(row["label:VN_ECOLABEL"]) for row in s001) == ["0", "3"]
    assert {str(row["review_state"]) for row in s001} == {"received", "rejected"}
    assert all(str(row["rule_version"]) == "1" and row["exported_at"] for row in rows)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formulas_never_reach_the_spreadsheet(app, client, auth, table, fmt):
    with app.app_context():
        store = db.session.scalar(select(Store).where(Store.code == "S-002"))
        store.name = '=HYPERLINK("http://evil.example","bấm")'
        db.session.commit()
    auth.login("reviewer")
    rows = (read_csv if fmt == "csv" else read_xlsx)(client.get(f"/exports/surveys/2025.{fmt}"))
    names = {row["store_name"] for row in rows if row["store_code"] == "S-002"}
    assert names == {'\'=HYPERLINK("http://evil.example","bấm")'}
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(client.get("/exports/surveys/2025.xlsx").data)).active
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_exports_are_for_staff_only(client, auth):
    assert client.get("/exports/surveys/2025.csv").status_code == 302
    auth.login("inspector")
    assert client.get("/exports/surveys/2025.csv").status_code == 403


def test_unknown_export_is_404(client, auth):
    auth.login("reviewer")
    assert client.get("/exports/secrets/2025.csv").status_code == 404
    assert client.get("/exports/surveys/2025.pdf").status_code == 404
