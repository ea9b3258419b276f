"""The printed yearly report as Chromium makes its PDF: Decree 30/2020/NĐ-CP's parts where they belong.

The national heading opens page 1; the signature block and the recipients close the last page.
Each page's text is read back from the PDF (pypdfium2), and the first and last pages are saved as
pictures for a person to look at (tests/screenshots/report-page-1.png, report-page-last.png).
"""

from __future__ import annotations

import unicodedata

import pypdfium2 as pdfium
from sqlalchemy import select

from models import User, db
from survey.domain import report_settings
from tests.browser.conftest import SCREENSHOTS, log_in

MM = 72 / 25.4  # PDF points in a millimetre
A4 = (210 * MM, 297 * MM)


def page_texts(pdf: pdfium.PdfDocument) -> list[str]:
    texts = []
    for page in pdf:
        text = page.get_textpage().get_text_range()
        texts.append(unicodedata.normalize("NFC", " ".join(text.split())))
    return texts


def text_box(page: pdfium.PdfPage) -> tuple[float, float]:
    """The leftmost and rightmost edge of the page's letters, in points."""
    textpage = page.get_textpage()
    boxes = [textpage.get_charbox(index) for index in range(textpage.count_chars())]
    boxes = [box for box in boxes if box[2] > box[0]]
    return min(box[0] for box in boxes), max(box[2] for box in boxes)


def save_page(pdf: pdfium.PdfDocument, index: int, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    pdf[index].render(scale=1.5).to_pil().save(SCREENSHOTS / f"{name}.png")


def test_printed_report_opens_with_the_national_heading_and_ends_with_the_signature(
    app, browser, live_server, table, tmp_path
):
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        report_settings.save({"signer_name": "Nguyễn Văn An"}, admin)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, live_server, "reviewer")
    page.goto(f"{live_server}/report?year=2025")
    page.wait_for_load_state("load")
    path = tmp_path / "report.pdf"
    page.pdf(path=str(path), format="A4", prefer_css_page_size=True)
    context.close()

    pdf = pdfium.PdfDocument(str(path))
    texts = page_texts(pdf)
    assert len(texts) >= 2
    first, last = texts[0], texts[-1]
    for part in (
        "UBND TỈNH HƯNG YÊN",
        "SỞ CÔNG THƯƠNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: …/BC-SCT",
        "Hưng Yên, ngày … tháng … năm",
        "BÁO CÁO",
    ):
        assert part in first, part
    assert first.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") < first.index("BÁO CÁO")
    for part in ("Nơi nhận:", "- Bộ Công Thương (để b/c);", "- Lưu: VT, QLTM.", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"):
        assert part in last, part
    assert "Nguyễn Văn An" in last
    assert "Nơi nhận:" not in " ".join(texts[:-1]) and "CỘNG HÒA" not in " ".join(texts[1:])
    # Page numbers from page 2 on, at the top (Decree 30); none on page 1.
    assert texts[1].startswith("2")
    for index in range(len(pdf)):
        width, height = pdf[index].get_size()
        assert abs(width - A4[0]) < 1 and abs(height - A4[1]) < 1
    # Margins: nothing closer than 30 mm to the left edge or 15 mm to the right one.
    left, right = text_box(pdf[0])
    assert left >= 30 * MM - 1 and right <= A4[0] - 15 * MM + 1, (left / MM, right / MM)
    save_page(pdf, 0, "report-page-1")
    save_page(pdf, len(pdf) - 1, "report-page-last")
    pdf.close()
