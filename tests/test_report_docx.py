"""The yearly report as a Word file, opened back with python-docx: the parts of Decree 30/2020/NĐ-CP,
and the same figures as the indicators API, on the page and in the file, written the Vietnamese way."""

from __future__ import annotations

import io

import docx
import pytest
from babel.numbers import format_decimal
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.shared import Pt

from survey.domain import policy
from tests.conftest import EXPECTED_2025, rows_of

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FIGURE_KEYS = (
    "stores_in_scope",
    "stores_surveyed",
    "stores_compliant",
    "compliance_pct",
    "coverage_pct",
    "stores_needed",
    "eco_share_avg",
    "eco_label_skus",
)
TYPE_NAMES = {"supermarket": "Siêu thị", "commercial_centre": "Trung tâm thương mại"}


def vi(value) -> str:
    """A figure as a Vietnamese reader writes it: 57,1 and 1.234; a dash when there is none."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return format_decimal(value, "#,##0.0", locale="vi")
    return format_decimal(value, "#,##0", locale="vi")


def api_figures(client, year: int, level: str = "district") -> dict:
    response = client.get(f"/api/v1/indicators?year={year}&level={level}")
    assert response.status_code == 200
    return response.get_json()


def download(client, query: str) -> docx.document.Document:
    response = client.get(f"/report.docx?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == DOCX_TYPE
    return docx.Document(io.BytesIO(response.data))


def table_rows(table) -> list[list[str]]:
    return [[cell.text.strip() for cell in row.cells] for row in table.rows]


def data_table(document, first_header: str, columns: int) -> list[list[str]]:
    """The body of the Word table whose header row starts with first_header and has that many columns."""
    for table in document.tables:
        rows = table_rows(table)
        if rows and rows[0][0] == first_header and len(rows[0]) == columns:
            return rows[1:]
    raise AssertionError(f"no table headed {first_header!r} with {columns} columns")


def texts(document) -> list[str]:
    return [paragraph.text for paragraph in document.paragraphs]


def paragraph_with(document, fragment: str):
    return next(paragraph for paragraph in document.paragraphs if fragment in paragraph.text)


def test_the_word_file_has_every_part_of_an_administrative_document(client, auth, table):
    auth.login("reviewer")
    response = client.get("/report.docx?year=2025")
    assert response.headers["Content-Disposition"] == "attachment; filename=bao-cao-2025.docx"
    document = docx.Document(io.BytesIO(response.data))

    # A4, Times New Roman, margins of Decree 30: 20 mm top and bottom, 30 mm left, 15 mm right.
    section = document.sections[0]
    sizes = (section.page_width, section.page_height, section.top_margin, section.bottom_margin)
    sides = (section.left_margin, section.right_margin)
    assert [round(length.mm) for length in (*sizes, *sides)] == [210, 297, 20, 20, 30, 15]
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert section.different_first_page_header_footer  # page numbers from page 2 on
    assert "PAGE" in section.header._element.xml

    # The heading: issuing body and number on the left, national heading, place and date on the right.
    left, right = document.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs if p.text] == ["UBND TỈNH HƯNG YÊN", "SỞ CÔNG THƯƠNG", "Số: …/BC-SCT"]
    this_year = policy.local_today().year
    assert [p.text for p in right.paragraphs if p.text] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Hưng Yên, ngày … tháng … năm {this_year}",
    ]
    national, motto = right.paragraphs[0].runs[0], right.paragraphs[1].runs[0]
    assert national.bold and not national.italic and national.font.size == Pt(13)
    assert motto.bold and motto.font.size == Pt(14)
    assert "w:pBdr" in right.paragraphs[2]._p.xml  # the line under the motto
    date = right.paragraphs[3].runs[0]
    assert date.italic and date.font.size == Pt(14)
    assert left.paragraphs[1].runs[0].bold and not left.paragraphs[0].runs[0].bold

    # The document type and its summary, centred and bold.
    kind = paragraph_with(document, "BÁO CÁO")
    assert kind.text == "BÁO CÁO" and kind.alignment == WD_ALIGN_PARAGRAPH.CENTER and kind.runs[0].bold
    all_texts = texts(document)
    summary = all_texts[all_texts.index("BÁO CÁO") + 1]
    assert summary.startswith("Kết quả thay thế") and summary.endswith("năm 2025")
    assert "Kính gửi: Ủy ban nhân dân tỉnh Hưng Yên." in all_texts

    # Real tables, the chart as a picture, marked places for the Department's own words.
    assert len(document.tables) >= 5
    assert len(document.inline_shapes) == 1
    picture = document.inline_shapes[0]
    blip = picture._inline.graphic.graphicData.pic.blipFill.blip
    assert document.part.related_parts[blip.embed].content_type == "image/png"
    marked = [
        run.text for p in document.paragraphs for run in p.runs if run.font.highlight_color == WD_COLOR_INDEX.YELLOW
    ]
    assert len(marked) == 2 and all(text.startswith("[Phần Sở tự viết") for text in marked)
    assert "II. ĐÁNH GIÁ CHUNG" in all_texts and "III. ĐỀ XUẤT, KIẾN NGHỊ" in all_texts

    # The signature block and the recipients close the document.
    recipients, signer = document.tables[-1].rows[0].cells
    lines = [p.text for p in recipients.paragraphs if p.text]
    assert lines == [
        "Nơi nhận:",
        "- Như trên;",
        "- Bộ Công Thương (để b/c);",
        "- Giám đốc Sở (để b/c);",
        "- Lưu: VT, QLTM.",
    ]
    heading = recipients.paragraphs[0].runs[0]
    assert heading.bold and heading.italic and heading.font.size == Pt(12)
    assert recipients.paragraphs[1].runs[0].font.size == Pt(11)
    assert [p.text for p in signer.paragraphs if p.text] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "(Họ và tên)"]


def test_the_page_and_the_word_file_give_the_figures_of_the_indicators_api(client, auth, table):
    auth.login("reviewer")
    api = api_figures(client, 2025)
    assert {key: api[key] for key in EXPECTED_2025} == EXPECTED_2025
    document = download(client, "year=2025")
    page = client.get("/report?year=2025").get_data(as_text=True)

    headline = paragraph_with(document, "siêu thị, trung tâm thương mại đạt").text
    expected = f"{api['stores_compliant']}/{api['stores_in_scope']} siêu thị, trung tâm thương mại đạt, chiếm "
    assert headline.startswith(expected + vi(api["compliance_pct"]) + "%.")
    assert vi(api["compliance_pct"]) == "50,0"
    assert (
        f"Mục tiêu của năm là {api['target_pct']}%: chưa hoàn thành; cần thêm {api['stores_needed']} cửa hàng đạt."
        in (headline)
    )
    assert f"Tỷ lệ được kiểm tra: {vi(api['coverage_pct'])}%" in headline
    assert f"bình quân: {vi(api['eco_share_avg'])}%" in headline
    assert headline in page

    by_type = [[TYPE_NAMES[row["type"]], *(vi(row[key]) for key in FIGURE_KEYS)] for row in api["by_type"]]
    assert data_table(document, "Loại", 9) == by_type
    assert rows_of(page, "report-by-type") == by_type
    by_unit = [
        [row["unit_name"] or "Chưa gán huyện (trước 07/2025)", *(vi(row[key]) for key in FIGURE_KEYS)]
        for row in api["by_level"]
    ]
    assert data_table(document, "Đơn vị", 9) == by_unit
    assert rows_of(page, "report-by-unit") == by_unit

    labels = paragraph_with(document, "mã hàng (SKU) có nhãn sinh thái tại").text
    assert labels == f"Đã ghi nhận {api['eco_label_skus']} mã hàng (SKU) có nhãn sinh thái tại " + (
        f"{api['stores_with_eco_label']} cửa hàng."
    )
    coverage = paragraph_with(document, "độ bao phủ").text
    assert f"{api['stores_surveyed']}/{api['stores_in_scope']} cửa hàng" in coverage
    assert f"tỷ lệ đạt là {vi(api['compliance_pct_of_surveyed'])}%" in coverage
    assert coverage in page

    to_act = data_table(document, "Cửa hàng", 3)
    assert [row[0] for row in to_act] == ["Cửa hàng S-002 (S-002)", "Cửa hàng S-006 (S-006)"]
    assert [row[0] for row in rows_of(page, "to-act")] == [row[0] for row in to_act]


def test_a_final_review_of_the_first_phase_gives_each_year_and_the_units_at_85(client, auth, table):
    auth.login("admin")
    document = download(client, "period=phase-2021")
    page = client.get("/report?period=phase-2021").get_data(as_text=True)
    all_texts = texts(document)
    summary = all_texts[all_texts.index("BÁO CÁO") + 1]
    assert summary.startswith("Tổng kết kết quả thay thế") and summary.endswith("giai đoạn 2021–2025")

    years = data_table(document, "Năm", 9)
    assert [row[0] for row in years] == ["2021", "2022", "2023", "2024", "2025"]
    assert rows_of(page, "report-by-year") == years
    for row in years:
        api = api_figures(client, int(row[0]))
        met = {True: "Đạt", False: "Chưa đạt", None: "–"}[api["target_met"]]
        assert row[1:] == [
            vi(api["stores_in_scope"]),
            vi(api["stores_surveyed"]),
            vi(api["stores_compliant"]),
            vi(api["compliance_pct"]),
            vi(api["coverage_pct"]),
            vi(api["target_pct"]),
            met,
            str(api["rule"]["version"]),
        ]

    units = data_table(document, "Đơn vị", 7)
    assert rows_of(page, "report-units-by-year") == units
    api = api_figures(client, 2025)
    for row in api["by_level"]:
        name = row["unit_name"] or "Chưa gán huyện (trước 07/2025)"
        found = next(unit for unit in units if unit[0] == name)
        assert found[5] == vi(row["compliance_pct"])
        assert found[6] == ("Đạt" if row["target_met"] else "Chưa đạt")
    header = table_rows(next(t for t in document.tables if table_rows(t)[0][:2] == ["Đơn vị", "2021"]))[0]
    assert header[-1] == "Đạt 85% năm 2025"
    assert "0/1 đơn vị đạt mục tiêu 85% trong năm 2025." in all_texts
    assert "Mục tiêu 85% của giai đoạn đến năm 2025 chưa hoàn thành: còn thiếu 2 cửa hàng đạt." in all_texts
    assert len(document.inline_shapes) == 1


def test_a_mid_phase_review_of_the_second_phase_runs_to_this_year(client, auth, table):
    auth.login("reviewer")
    this_year = min(max(policy.local_today().year, 2026), 2030)
    document = download(client, "period=phase-2026")
    summary = texts(document)[texts(document).index("BÁO CÁO") + 1]
    if this_year < 2030:
        assert summary.startswith("Sơ kết kết quả thay thế")
    years = [int(row[0]) for row in data_table(document, "Năm", 9)] if this_year > 2026 else [2026]
    assert years == list(range(2026, this_year + 1))
    assert "giai đoạn 2026–2030" in summary


@pytest.mark.parametrize(
    ("query", "years"),
    [("from=2023&to=2027", ["2023", "2024", "2025", "2026", "2027"]), ("from=2021&to=2023", ["2021", "2022", "2023"])],
)
def test_any_span_of_years(client, auth, table, query, years):
    auth.login("reviewer")
    document = download(client, query)
    assert [row[0] for row in data_table(document, "Năm", 9)] == years
    page = client.get(f"/report?{query}").get_data(as_text=True)
    assert [row[0] for row in rows_of(page, "report-by-year")] == years


@pytest.mark.parametrize(
    "query",
    ["period=phase-2022", "period=everything", "from=2027&to=2023", "from=2021", "from=x&to=y", "from=1990&to=2021"],
)
def test_a_period_that_is_not_one_is_refused(client, auth, query):
    auth.login("reviewer")
    assert client.get(f"/report?{query}").status_code == 400
    assert client.get(f"/report.docx?{query}").status_code == 400


def test_only_reviewers_and_admins_download_the_report(client, auth):
    response = client.get("/report.docx?year=2025")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    auth.login("inspector")
    assert client.get("/report.docx?year=2025").status_code == 403
    assert client.get("/report?year=2025").status_code == 403
    client.post("/logout", data={"csrf_token": auth.csrf()})
    for username in ("reviewer", "admin"):
        auth.login(username)
        assert client.get("/report.docx?year=2025").status_code == 200


def test_the_word_file_is_vietnamese_whatever_the_page_language(client, auth):
    # No `table` here: its app context would keep the first request's language for every request.
    auth.login("reviewer")
    client.get("/lang/en")
    page = client.get("/report?year=2025").get_data(as_text=True)
    assert '<html lang="en">' in page and "SOCIALIST REPUBLIC OF VIETNAM" in page  # a reading copy
    assert "Download for Word (.docx)" in page and "The Word file is always in Vietnamese." in page
    document = download(client, "year=2025")
    assert "Độc lập - Tự do - Hạnh phúc" in [p.text for p in document.tables[0].rows[0].cells[1].paragraphs]
    assert any(text.startswith("0/2 siêu thị, trung tâm thương mại đạt, chiếm 0,0%.") for text in texts(document))
