"""The yearly report as a Word file (python-docx) and its chart as a PNG (Pillow).

Both draw a `survey.domain.report.Document`, the same one the printed page shows, in the
format of Decree 30/2020/NĐ-CP, Appendix I: A4, Times New Roman, margins of 20 mm at the top
and bottom, 30 mm on the left and 15 mm on the right; the national heading, the issuing body,
number, place and date in a two-column table without borders; the body in 14 pt; the
recipients in 12 pt (heading) and 11 pt; page numbers from page 2, at the top centre.
See docs/report.md.
"""

from __future__ import annotations

import io
import math
import unicodedata
from functools import cache
from pathlib import Path

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from PIL import Image, ImageDraw, ImageFont

from survey.domain import report

FONT = "Times New Roman"
PAGE = {"width": 210, "height": 297, "top": 20, "bottom": 20, "left": 30, "right": 15}  # mm
TEXT_WIDTH = PAGE["width"] - PAGE["left"] - PAGE["right"]  # 165 mm
HEAD_COLUMNS = (65, 100)  # mm: issuing body | national heading
SIGN_COLUMNS = (80, 85)  # mm: recipients | signer
BODY_PT, TABLE_PT, HEADER_PT = 14, 11, 10
INDENT = Mm(10)
# The chart's fonts, the first found is used: each has every Vietnamese letter.
CHART_FONTS = {
    False: ("noto/NotoSans-Regular.ttf", "dejavu/DejaVuSans.ttf"),
    True: ("noto/NotoSans-Bold.ttf", "dejavu/DejaVuSans-Bold.ttf"),
}
# For measuring lines only: Liberation Serif has Times New Roman's widths (and, in older versions, no
# Vietnamese letters, so they are measured as their base letters, which are as wide in Times).
MEASURE_FONTS = {False: ("liberation/LiberationSerif-Regular.ttf",), True: ("liberation/LiberationSerif-Bold.ttf",)}
FONT_DIRS = (Path("/usr/share/fonts/truetype"), Path("/usr/local/share/fonts"))
BASE_LETTERS = str.maketrans("đĐưƯơƠ", "dDuUoO")


@cache
def font_file(names: tuple[str, ...]) -> Path | None:
    for name in names:
        for folder in FONT_DIRS:
            if (path := folder / name).exists():
                return path
    return None


def font(size: int, bold: bool = False, names: dict = CHART_FONTS) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = font_file(names[bold])
    return ImageFont.truetype(str(path), size) if path else ImageFont.load_default(size)


def text_mm(text: str, size_pt: float, bold: bool = False) -> float:
    """How wide a line of text is in Times New Roman, in millimetres."""
    base = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    measured = font(1000, bold, MEASURE_FONTS).getlength(base.translate(BASE_LETTERS)) / 1000 * size_pt
    return measured * 25.4 / 72


# --- the chart ----------------------------------------------------------------------------------

CHART = {"width": 1600, "row": 76, "bar": 46, "top": 16, "axis": 80, "gap": 24, "value": 200}
GREEN, AMBER, RED, GREY, INK = "#1b6b3a", "#c9822b", "#c0392b", "#d5dbd7", "#1f2a24"


def label_room(labels: list[str], label_font) -> int:
    """The pixels the bars' labels get: the longest's width rounded up (rounded down, it would be cut by a
    fraction of a pixel and lose its end), within the chart's limit."""
    return min(560 - CHART["gap"], math.ceil(max(label_font.getlength(label) for label in labels)))


def fitted(label: str, label_font, room: int) -> str:
    """A label cut short with "…" when it is wider than the room."""
    while label_font.getlength(label) > room and len(label) > 4:
        label = label[:-2] + "…"
    return label


def chart_png(chart: report.Chart) -> bytes:
    """Horizontal bars of compliance, one per unit or year, the target as a red dashed line."""
    label_font, value_font = font(38), font(38, bold=True)
    bars = chart.bars or (report.Bar("–", None, None, "–"),)
    room = label_room([bar.label for bar in bars], label_font)
    label_width = room + CHART["gap"]
    left = label_width + CHART["gap"]
    inner = CHART["width"] - left - CHART["value"]
    height = CHART["top"] + len(bars) * CHART["row"] + CHART["axis"]
    image = Image.new("RGB", (CHART["width"], height), "white")
    draw = ImageDraw.Draw(image)
    bottom = CHART["top"] + len(bars) * CHART["row"]

    def x_of(pct: float) -> float:
        return left + inner * pct / 100

    for pct in (0, 25, 50, 75, 100):
        draw.line([(x_of(pct), CHART["top"]), (x_of(pct), bottom)], fill=GREY, width=2)
        draw.text((x_of(pct), bottom + 10), f"{pct}%", fill=INK, font=label_font, anchor="ma")
    for index, bar in enumerate(bars):
        top = CHART["top"] + index * CHART["row"]
        middle = top + CHART["row"] / 2
        draw.text((label_width, middle), fitted(bar.label, label_font, room), fill=INK, font=label_font, anchor="rm")
        value = bar.value or 0
        met = bar.target is not None and bar.value is not None and bar.value >= bar.target
        if value > 0:
            box = [left, middle - CHART["bar"] / 2, x_of(value), middle + CHART["bar"] / 2]
            draw.rectangle(box, fill=GREEN if met or bar.target is None else AMBER)
        draw.text((x_of(value) + 12, middle), bar.text, fill=INK, font=value_font, anchor="lm")
        if bar.target is not None:
            x = x_of(bar.target)
            for y in range(int(top), int(top + CHART["row"]), 14):
                draw.line([(x, y), (x, min(y + 8, top + CHART["row"]))], fill=RED, width=5)
    draw.line([(left, CHART["top"]), (left, bottom)], fill=INK, width=2)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


# --- the Word file -------------------------------------------------------------------------------


def write(document: report.Document) -> bytes:
    """The report as a .docx: the same parts, figures and words as the printed page."""
    doc = new_docx()
    set_up(doc, document)
    heading_table(doc, document)
    title(doc, document)
    chart_number = 0
    for block in document.body:
        if isinstance(block, report.Heading):
            paragraph(doc, block.text, bold=True, first_line=INDENT, before=6).paragraph_format.keep_with_next = True
        elif isinstance(block, report.Paragraph):
            paragraph(doc, block.text, justify=True, first_line=INDENT)
        elif isinstance(block, report.Items):
            for line in block.lines:
                paragraph(doc, f"- {line}", justify=True, first_line=INDENT)
        elif isinstance(block, report.Placeholder):
            placeholder(doc, block.text)
        elif isinstance(block, report.Table):
            data_table(doc, block)
        elif isinstance(block, report.Chart):
            chart_number += 1
            picture(doc, block, chart_number)
    signature(doc, document)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def set_up(doc, document: report.Document) -> None:
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    normal.paragraph_format.space_after = Pt(0)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE["width"]), Mm(PAGE["height"])
    section.top_margin, section.bottom_margin = Mm(PAGE["top"]), Mm(PAGE["bottom"])
    section.left_margin, section.right_margin = Mm(PAGE["left"]), Mm(PAGE["right"])
    section.header_distance = Mm(10)
    # Decree 30: the page number at the top centre, from the second page on.
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    number._p.append(field)
    properties = doc.core_properties
    properties.title = document.summary
    properties.author = document.settings.issuing_body
    properties.language = "vi-VN"


def paragraph(
    container,
    text: str = "",
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    center: bool = False,
    justify: bool = False,
    first_line=None,
    before: float = 0,
    after: float = 6,
):
    para = container.add_paragraph()
    if text:
        run = para.add_run(text)
        run.font.size, run.bold, run.italic = Pt(size), bold, italic
    fmt = para.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing = 1.1
    if center:
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif justify:
        para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if first_line is not None:
        fmt.first_line_indent = first_line
    return para


def line_under(container, length_mm: float, width_mm: float) -> None:
    """A solid line of a given length, centred in a column: a tiny paragraph with a top border."""
    para = container.add_paragraph()
    side = max(0.0, (width_mm - length_mm) / 2)
    fmt = para.paragraph_format
    fmt.left_indent = fmt.right_indent = Mm(side)
    fmt.space_before, fmt.space_after = Pt(3), Pt(0)
    fmt.line_spacing = Pt(2)
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    para._p.get_or_add_pPr().append(borders)
    run = para.add_run("")
    run.font.size = Pt(1)


def borderless(doc, widths: tuple[int, ...]):
    table = doc.add_table(rows=1, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    set_widths(table, widths)
    for cell in table.rows[0].cells:
        cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    return table


def set_widths(table, widths_mm) -> None:
    """Column widths in the table's grid, which Word and LibreOffice both follow, and on its first cells."""
    table.autofit = False
    for column, cell, width in zip(table.columns, table.rows[0].cells, widths_mm, strict=True):
        column.width = cell.width = Mm(width)


def heading_table(doc, document: report.Document) -> None:
    """The issuing body and number on the left, the national heading, place and date on the right."""
    settings = document.settings
    left, right = borderless(doc, HEAD_COLUMNS).rows[0].cells
    cell_width = HEAD_COLUMNS[0] - 4  # Word's cell margins
    if settings.parent_body:
        paragraph(left, settings.parent_body.upper(), size=13, center=True, after=0)
    paragraph(left, settings.issuing_body.upper(), size=13, bold=True, center=True, after=0)
    line_under(left, text_mm(settings.issuing_body.upper(), 13, bold=True) * 0.4, cell_width)
    paragraph(left, document.number, size=13, center=True, before=6, after=0)
    cell_width = HEAD_COLUMNS[1] - 4
    paragraph(right, document.national_name, size=13, bold=True, center=True, after=0)
    paragraph(right, document.motto, size=14, bold=True, center=True, after=0)
    line_under(right, text_mm(document.motto, 14, bold=True), cell_width)
    paragraph(right, document.place_date, size=14, italic=True, center=True, before=6, after=0)


def title(doc, document: report.Document) -> None:
    paragraph(doc, document.kind, size=14, bold=True, center=True, before=18, after=0)
    paragraph(doc, document.summary, size=14, bold=True, center=True, after=2)
    line_under(doc, TEXT_WIDTH * 0.25, TEXT_WIDTH)
    if document.addressee:
        paragraph(doc, document.addressee, center=True, before=12, after=12)
    else:
        paragraph(doc, after=6)


def placeholder(doc, text: str) -> None:
    """A marked place for the Department's own words: highlighted, for staff to replace."""
    para = paragraph(doc, justify=True, first_line=INDENT)
    run = para.add_run(text)
    run.italic = True
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    for _ in range(2):
        dots = paragraph(doc, "." * 120, first_line=INDENT, after=6)
        dots.runs[0].font.color.rgb = RGBColor(0x80, 0x80, 0x80)


def data_table(doc, block: report.Table) -> None:
    """A real Word table: a header row repeated on each page, figures aligned right."""
    table = doc.add_table(rows=1, cols=len(block.columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    first = 36 if len(block.columns) > 6 else 60
    rest = (TEXT_WIDTH - first) / max(len(block.columns) - 1, 1)
    widths = [first, *[rest] * (len(block.columns) - 1)]
    set_widths(table, widths)
    header = table.rows[0]
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(flag)
    for cell, column, width in zip(header.cells, block.columns, widths, strict=True):
        cell_text(cell, column.title, bold=True, center=True, size=HEADER_PT)
        cell.width = Mm(width)
    for values in block.rows:
        table_row(table, block, values, widths)
    if not block.rows and block.empty:
        cells = table.add_row().cells
        merged = cells[0].merge(cells[-1])
        cell_text(merged, block.empty)
    if block.total:
        table_row(table, block, block.total, widths, bold=True)  # the whole country's, set apart
    paragraph(doc, after=6)


def table_row(table, block: report.Table, values: tuple[str, ...], widths: list[float], bold: bool = False) -> None:
    cells = table.add_row().cells
    for cell, column, value, width in zip(cells, block.columns, values, widths, strict=True):
        cell_text(cell, value, bold=bold, right=column.numeric)
        cell.width = Mm(width)


def cell_text(
    cell, text: str, bold: bool = False, center: bool = False, right: bool = False, size: float = TABLE_PT
) -> None:
    para = cell.paragraphs[0]
    run = para.add_run(text)
    run.font.size, run.bold = Pt(size), bold
    para.paragraph_format.space_after = Pt(0)
    if center:
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif right:
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def picture(doc, chart: report.Chart, number: int) -> None:
    para = paragraph(doc, center=True, after=0)
    para.add_run().add_picture(io.BytesIO(chart_png(chart)), width=Mm(min(160, TEXT_WIDTH)))
    paragraph(doc, chart.title, size=13, italic=True, center=True, after=6)
    # The figures in words too, for those who cannot see the image (Word's alternative text).
    shape = para._p.xpath(".//wp:docPr")
    if shape:
        shape[0].set("descr", chart.description)


def signature(doc, document: report.Document) -> None:
    """Recipients on the left (12 pt bold italic heading, 11 pt list), the signer on the right."""
    table = borderless(doc, SIGN_COLUMNS)
    row = table.rows[0]
    cant_split = OxmlElement("w:cantSplit")
    row._tr.get_or_add_trPr().append(cant_split)
    left, right = row.cells
    paragraph(left, document.recipients_title, size=12, bold=True, italic=True, before=6, after=0)
    for line in document.recipients:
        paragraph(left, line, size=11, after=0)
    settings = document.settings
    if settings.signer_authority:
        paragraph(right, settings.signer_authority.upper(), bold=True, center=True, before=6, after=0)
    paragraph(right, settings.signer_position.upper(), bold=True, center=True, after=0)
    for _ in range(4):
        paragraph(right, after=0)
    paragraph(right, document.signer_name, bold=True, center=True, before=12, after=0)
