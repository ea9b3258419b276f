"""The Ministry's national report (docs/provinces.md, docs/report.md): the parts of Decree 30/2020/NĐ-CP with
the Ministry of Industry and Trade as issuing body, the nation's figures as `national_indicators` gives them,
one row per province by its own rule, on the printed page and in the Word file; the Ministry's alone."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest
from sqlalchemy import select

from models import Survey, db
from survey.domain.provinces import national
from survey.web import report_docx
from tests.conftest import form_fields, rows_of
from tests.provinces_world import B_STORE_NAME, log_in, make_world
from tests.test_provinces import ministry, save_rule
from tests.test_report_docx import DOCX_TYPE, data_table, texts, vi

REPORTER_NAME = "Trần Thị Người Báo"
REPORTER_PHONE = "0912345678"
PROVINCE_KEYS = (
    "stores_in_scope",
    "stores_surveyed",
    "stores_compliant",
    "compliance_pct",
    "target_pct",
    "stores_needed",
    "coverage_pct",
    "eco_label_skus",
)


@pytest.fixture
def world(app):
    """Two provinces, B with a rule of its own (50%) and a store manager's approved self-report that names
    the person who sent it: a name and a phone the Ministry must never see."""
    provinces = make_world(app)
    save_rule(app, "bd-admin", "50", "50")
    manager = app.test_client()
    form_page = manager.get(f"/r/{provinces['BD'].token}")
    data = form_fields(form_page.get_data(as_text=True))
    data.update(
        {
            "visited_at": "2025-06-20T10:00",
            "pk__checkout__PAPER": "20",
            "reporter_name": REPORTER_NAME,
            "reporter_phone": REPORTER_PHONE,
        }
    )
    sent = manager.post(f"/r/{provinces['BD'].token}", data=data)
    assert sent.status_code == 302, sent.get_data(as_text=True)
    with app.app_context():
        report = db.session.scalar(select(Survey.id).where(Survey.reporter_name == REPORTER_NAME))
    approved = log_in(app, "bd-reviewer").post(f"/api/v1/surveys/{report}/review", json={"state": "approved"})
    assert approved.status_code == 200, approved.get_data(as_text=True)
    return provinces


def nation(app, year: int) -> dict:
    with app.test_request_context("/"):
        return national.national_indicators(year, breakdowns=False)


def province_rows(result: dict) -> list[list[str]]:
    """The table by province as the report must write it: each province's row, then the whole country's."""
    rows = [[row["province_name"], *(vi(row[key]) for key in PROVINCE_KEYS)] for row in result["by_province"]]
    return [*rows, ["Cả nước", *(vi(result[key]) for key in PROVINCE_KEYS)]]


def word_text(content: bytes) -> str:
    """Every word of every part of a .docx (body, header, properties), as stored."""
    with zipfile.ZipFile(io.BytesIO(content)) as parts:
        return " ".join(parts.read(name).decode("utf-8") for name in parts.namelist() if name.endswith(".xml"))


def test_the_word_file_is_the_ministrys_report_with_the_nations_figures(app, runner, world):
    bo = ministry(app, runner)
    response = bo.client.get("/national/report.docx?year=2025")
    assert response.status_code == 200 and response.mimetype == DOCX_TYPE
    assert response.headers["Content-Disposition"] == "attachment; filename=bao-cao-toan-quoc-2025.docx"
    document = docx.Document(io.BytesIO(response.data))
    issuer, nation_cell = document.tables[0].rows[0].cells
    assert [p.text for p in issuer.paragraphs if p.text] == ["BỘ CÔNG THƯƠNG", "Số: …/BC-BCT"]  # no parent body
    assert [p.text for p in nation_cell.paragraphs if p.text][:2] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert re.fullmatch(r"Hà Nội, ngày … tháng … năm \d{4}", [p.text for p in nation_cell.paragraphs if p.text][2])
    paragraphs = texts(document)
    assert "BÁO CÁO" in paragraphs and "Kính gửi: Thủ tướng Chính phủ." in paragraphs
    assert any(text.startswith("Kết quả thay thế sản phẩm bao bì nhựa dùng một lần") for text in paragraphs)
    assert any("Bộ Công Thương kính báo cáo Thủ tướng Chính phủ./." in text for text in paragraphs)
    signer = [p.text for p in document.tables[-1].rows[0].cells[1].paragraphs if p.text]
    assert signer == ["KT. BỘ TRƯỞNG", "THỨ TRƯỞNG", "(Họ và tên)"]

    result = nation(app, 2025)
    assert (result["stores_in_scope"], result["stores_compliant"]) == (3, 1)  # counted from the stores
    assert data_table(document, "Tỉnh", 9) == province_rows(result)
    headline = next(text for text in paragraphs if "siêu thị, trung tâm thương mại đạt" in text)
    assert headline.startswith(
        f"{result['stores_compliant']}/{result['stores_in_scope']} siêu thị, trung tâm thương mại đạt, chiếm "
        f"{vi(result['compliance_pct'])}%."
    )
    # Each province's rule is stated; B's is its own.
    assert any(text.startswith("- Tỉnh Bình Định Thử: quy tắc phiên bản 2, mục tiêu 50%") for text in paragraphs)
    assert any(text.startswith("- Tỉnh Hưng Yên: quy tắc phiên bản 1, mục tiêu 85%") for text in paragraphs)
    labels = data_table(document, "Tỉnh", 4)
    assert labels[-1] == ["Cả nước", *(vi(result[key]) for key in ("eco_label_skus", "stores_with_eco_label"))] + [
        vi(result["eco_products"])
    ]
    # The chart of provinces against the target, with its figures in words.
    chart = document.inline_shapes[0]._inline.docPr.get("descr")
    assert "Tỉnh Bình Định Thử" in chart and "Tỉnh Hưng Yên" in chart and "Cả nước: 33,3%" in chart

    everything = word_text(response.data)
    for private in (REPORTER_NAME, REPORTER_PHONE, "bd-inspector", "hy-reviewer", B_STORE_NAME):
        assert private not in everything, private


def test_the_print_page_shows_the_same_report(app, runner, world):
    bo = ministry(app, runner)
    page = bo.client.get("/national/report?year=2025").get_data(as_text=True)
    result = nation(app, 2025)
    assert "BỘ CÔNG THƯƠNG" in page and "UBND TỈNH" not in page and "Số: …/BC-BCT" in page
    assert "Kính gửi: Thủ tướng Chính phủ." in page
    assert rows_of(page, "report-by-province") == province_rows(result)
    assert "<tfoot>" in page  # the whole country's row is set apart
    assert 'class="doc-chart"' in page and "data:image/png;base64," in page
    assert 'href="/national/report.docx?year=2025"' in page
    assert 'href="/report/settings"' not in page  # nothing to set: the Ministry changes nothing
    for private in (REPORTER_NAME, REPORTER_PHONE, "bd-inspector", B_STORE_NAME):
        assert private not in page, private


def test_the_national_comparison_and_the_menu_lead_to_the_report(app, runner, world):
    bo = ministry(app, runner)
    page = bo.client.get("/national?year=2025").get_data(as_text=True)
    assert 'href="/national/report?year=2025"' in page and 'href="/national/report.docx?year=2025"' in page
    assert 'href="/national/report"' in page and 'href="/report"' not in page  # the menu's report is the nation's
    # Looking at one province, the menu also leads to that province's own yearly report.
    drill = bo.client.get("/dashboard?province=BD").get_data(as_text=True)
    assert 'href="/report?province=BD"' in drill
    assert bo.client.get("/report?province=BD").status_code == 200


def test_several_years_give_each_year_and_each_province_year_by_year(app, runner, world):
    bo = ministry(app, runner)
    response = bo.client.get("/national/report.docx?from=2024&to=2025")
    assert response.headers["Content-Disposition"] == "attachment; filename=bao-cao-toan-quoc-2024-2025.docx"
    document = docx.Document(io.BytesIO(response.data))
    years = {year: nation(app, year) for year in (2024, 2025)}
    by_year = data_table(document, "Năm", 8)  # the nation's rule version is left out: each province has its own
    assert [row[:4] for row in by_year] == [
        [str(year), *(vi(years[year][key]) for key in ("stores_in_scope", "stores_surveyed", "stores_compliant"))]
        for year in (2024, 2025)
    ]
    provinces = data_table(document, "Tỉnh", 4)  # eco-labelled products by province in the last year
    assert provinces[-1][0] == "Cả nước"
    each_year = next(t for t in document.tables if t.rows[0].cells[-1].text.startswith("Đạt mục tiêu năm 2025"))
    rows = [[cell.text for cell in row.cells] for row in each_year.rows[1:]]
    assert rows[-1] == ["Cả nước", vi(years[2024]["compliance_pct"]), vi(years[2025]["compliance_pct"]), "Chưa đạt"]
    assert [row[0] for row in rows[:-1]] == [row["province_name"] for row in years[2025]["by_province"]]
    assert bo.client.get("/national/report?period=phase-2021").status_code == 200
    assert bo.client.get("/national/report.docx?period=phase-1999").status_code == 400


def test_the_word_file_is_vietnamese_whatever_the_page_language(app, runner, world):
    bo = ministry(app, runner)
    bo.client.get("/lang/en")
    page = bo.client.get("/national/report?year=2025").get_data(as_text=True)
    assert '<html lang="en">' in page and "National report" in page and "Whole country" in page
    document = docx.Document(io.BytesIO(bo.client.get("/national/report.docx?year=2025").data))
    assert "Kính gửi: Thủ tướng Chính phủ." in texts(document)


@pytest.mark.parametrize("url", ["/national/report?year=2025", "/national/report.docx?year=2025"])
def test_only_the_ministry_gets_the_national_report(app, world, url):
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")
    for username in ("hy-inspector", "hy-reviewer", "hy-admin", "bd-admin"):
        assert log_in(app, username).client.get(url).status_code == 403, username


def test_the_chart_keeps_the_longest_name_whole():
    """The labels' room is the longest label's width rounded up: rounded down, "Tỉnh Bình Định Thử" lost its end."""
    label_font = report_docx.font(38)
    names = ["Tỉnh Bình Định Thử", "Tỉnh Hưng Yên", "Cả nước"]
    room = report_docx.label_room(names, label_font)
    assert [report_docx.fitted(name, label_font, room) for name in names] == names
    assert report_docx.fitted("Thành phố " * 20, label_font, room).endswith("…")
