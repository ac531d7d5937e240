"""The annual report as a Word document (python-docx), laid out as a Chinese government report.

Its words come from :mod:`.text` in the active language (:mod:`.render` sets the report's). A4, 宋体 body and 黑体 headings set for East Asian text (w:eastAsia in rPr/rFonts, theme fonts
removed so Word does not substitute them), tables with a repeated header row and coloured status
cells, charts as PNG images, page numbers 「— 1 —」 in the footer.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from kechuang.plans.report.charts import report_charts
from kechuang.plans.report.model import CELL_FILLS, AnnualReport
from kechuang.plans.report.text import (
    TextTable,
    appendix_caption,
    appendix_intro,
    as_of_line,
    captions,
    chart_note,
    department_heading,
    department_table,
    figure_caption,
    indicator_intro,
    indicator_sentence,
    indicator_table,
    indicator_table_note,
    lagging_intro,
    lagging_table,
    late_intro,
    late_milestone_tables,
    numbered,
    overdue_table,
    overview_paragraphs,
    recommendations,
    report_title,
    source_tables,
    split_notes,
    summary_table,
    tasks_intro,
)
from kechuang.web.names import english

SONG, HEI, KAI = "宋体", "黑体", "楷体"
LATIN = "Times New Roman"
BLACK = RGBColor(0, 0, 0)
HEADER_FILL = "E7EBF0"
TEXT_WIDTH_CM = 15.6  # A4 less 2.8 cm + 2.6 cm margins
AUTHOR = "科创 kechuang"
ENGLISH_HEADINGS = "Arial"


def _fonts(rpr_owner, east_asia: str, latin: str = LATIN) -> None:
    """Set the Latin and East Asian fonts on a style's or run's rPr, dropping theme fonts."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        fonts.set(qn(attr), name)


def _style(doc, name: str, east_asia: str, size: float, bold: bool = False, before=0, after=0, line=1.5):
    style = doc.styles[name]
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = BLACK
    _fonts(style.element, east_asia)
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(before), Pt(after), line
    return style


def _setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.6)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = _style(doc, "Normal", SONG, 12)
    normal.paragraph_format.first_line_indent = Pt(24)
    _style(doc, "Title", HEI, 22, before=6, after=12, line=1.25).paragraph_format.first_line_indent = Pt(0)
    _style(doc, "Heading 1", HEI, 15, before=12, after=6).paragraph_format.first_line_indent = Pt(0)
    _style(doc, "Heading 2", KAI, 13, bold=True, before=6, after=3).paragraph_format.first_line_indent = Pt(
        24
    )
    title = doc.styles["Title"].element.get_or_add_pPr()
    for border in title.findall(qn("w:pBdr")):  # the default template underlines titles
        title.remove(border)
    _page_numbers(section)
    if english():
        _english_styles(doc)


def _english_styles(doc) -> None:
    """An English report: headings bold in a sans-serif face, paragraphs unindented and spaced."""
    normal = doc.styles["Normal"].paragraph_format
    normal.first_line_indent, normal.space_after = Pt(0), Pt(6)
    for name, east_asia in (("Title", HEI), ("Heading 1", HEI), ("Heading 2", KAI)):
        style = doc.styles[name]
        style.font.bold = True
        style.paragraph_format.first_line_indent = Pt(0)
        _fonts(style.element, east_asia, ENGLISH_HEADINGS)


def _page_numbers(section) -> None:
    """「— N —」 centred in the footer."""
    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.first_line_indent = Pt(0)
    _run(para, "— ", size=10.5)
    run = _run(para, "", size=10.5)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = " PAGE "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)
    _run(para, " —", size=10.5)


def _run(
    para, text: str, size: float | None = None, bold=False, font: str | None = None, colour: str | None = None
):
    run = para.add_run(text)
    if size:
        run.font.size = Pt(size)
    run.font.bold = bold or None
    if font:
        _fonts(run._r, font)
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour.lstrip("#"))
    return run


def _para(doc_or_cell, text: str = "", style: str | None = None, align=None, indent=True, size=None, **kw):
    para = doc_or_cell.add_paragraph(style=style)
    if text:
        _run(para, text, size=size, **kw)
    if align is not None:
        para.alignment = align
    if not indent:
        para.paragraph_format.first_line_indent = Pt(0)
    return para


def _shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill.lstrip("#"))
    tcpr.append(shd)


def _cell(cell, text, size=9, bold=False, align=WD_ALIGN_PARAGRAPH.CENTER, fill=None, colour=None, font=SONG):
    para = cell.paragraphs[0]
    para.paragraph_format.first_line_indent = Pt(0)
    para.paragraph_format.line_spacing = 1.15
    para.paragraph_format.space_before = para.paragraph_format.space_after = Pt(1.5)
    para.alignment = align
    _run(para, str(text), size=size, bold=bold, font=font, colour=colour)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if fill:
        _shade(cell, fill)


def _table(doc, t: TextTable, widths_cm: list[float], left: tuple[int, ...] = (), english_cm=None):
    """A grid table: shaded header row repeated on each page, fixed widths, rows kept whole. English
    words are longer than Chinese ones: an English table is set a point smaller, with ``english_cm``
    as its widths where given."""
    size = 7.5 if english() else 9
    widths_cm = english_cm if english() and english_cm else widths_cm
    table = doc.add_table(rows=1, cols=len(t.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _cell_margins(table, 0.06 if english() else 0.1)
    scale = min(1, TEXT_WIDTH_CM / sum(widths_cm))
    widths = [Cm(w * scale) for w in widths_cm]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    for i, text in enumerate(t.headers):
        _cell(table.rows[0].cells[i], text, size=size, bold=True, fill=HEADER_FILL, font=HEI)
    for values, marks in zip(t.rows, t.marks, strict=True):  # the table's rows
        cells = table.add_row().cells
        for i, value in enumerate(values):
            fill = CELL_FILLS.get(marks.get(i, ""))
            _cell(
                cells[i],
                value,
                size=size,
                fill=fill,
                align=WD_ALIGN_PARAGRAPH.LEFT if i in left else WD_ALIGN_PARAGRAPH.CENTER,
            )
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for i, col in enumerate(table.columns):
        col.width = widths[i]
        for cell in col.cells:
            cell.width = widths[i]
    _para(doc, "", size=4, indent=False).paragraph_format.space_after = Pt(2)
    return table


def _cell_margins(table, cm: float) -> None:
    tblpr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(int(cm * 567)))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tblpr.append(margins)


def _caption(doc, text: str) -> None:
    para = _para(doc, text, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, size=10.5, font=HEI)
    para.paragraph_format.keep_with_next = True
    para.paragraph_format.space_before = Pt(6)


def _picture(doc_or_cell, png: bytes, width_cm: float) -> None:
    para = doc_or_cell.add_paragraph() if hasattr(doc_or_cell, "add_paragraph") else doc_or_cell
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.first_line_indent = Pt(0)
    para.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))


def _notice(doc, title: str, lines: list[str]) -> None:
    """A shaded box with the report's notes (示例分工, 模拟数据 …)."""
    table = doc.add_table(rows=1, cols=1)
    table.style = "Table Grid"
    cell = table.rows[0].cells[0]
    _shade(cell, "FFF8E1")
    _cell(cell, title, size=10.5, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT, font=HEI)
    for line in lines:
        para = cell.add_paragraph()
        para.paragraph_format.first_line_indent = Pt(0)
        para.paragraph_format.line_spacing = 1.2
        _run(para, line, size=9.5, font=KAI)
    _para(doc, "", size=4, indent=False)


def _title_block(doc, r: AnnualReport) -> None:
    _para(doc, "", indent=False).paragraph_format.space_after = Pt(18)
    head = doc.add_paragraph(style="Title")
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title, words = report_title(r), captions(r)
    if "实施" in title and not english():
        first, second = title.split("实施", 1)
        title = f"{first}实施\n{second}"
    _run(head, title)
    for sub in (words["plan_line"], as_of_line(r), words["generated"]):
        para = _para(doc, sub, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, size=11, font=KAI)
        para.paragraph_format.line_spacing = 1.2
    _para(doc, "", indent=False)
    _notice(doc, words["notes"], split_notes(r)[0])


def _summary(doc, r: AnnualReport, charts: dict[str, bytes]) -> None:
    words = captions(r)
    doc.add_paragraph(words["s1"], style="Heading 1")
    for text in overview_paragraphs(r):
        _para(doc, text)
    _caption(doc, words["table1"])
    _table(doc, summary_table(r), [2.0] * 8)
    _caption(doc, words["figure1"])
    _picture(doc, charts["summary"], 15.0)


def _indicators(doc, r: AnnualReport, charts: dict[str, bytes]) -> None:
    words = captions(r)
    doc.add_paragraph(words["s2"], style="Heading 1")
    _para(doc, indicator_intro(r))
    doc.add_paragraph(words["s2_1"], style="Heading 2")
    _caption(doc, words["table2"])
    widths = [2.8, 1.4, 1.9, 1.9, 1.0, 1.2, 1.5, 1.0, 1.0, 1.6]
    english_cm = [2.4, 1.55, 1.7, 1.5, 1.45, 1.4, 1.75, 1.45, 1.45, 2.1]
    _table(doc, indicator_table(r), widths, left=(0,), english_cm=english_cm)
    _para(doc, indicator_table_note(r), size=9, indent=False, font=KAI)
    for text in split_notes(r)[1]:
        _para(doc, text, size=9, indent=False, font=KAI)
    doc.add_paragraph(words["s2_2"], style="Heading 2")
    _para(doc, chart_note(r))
    for i, x in enumerate(r.indicators):  # one chart per indicator
        para = doc.add_paragraph()
        para.paragraph_format.keep_with_next = True
        para.paragraph_format.space_before = Pt(4)
        _picture(para, charts[x.code], 14.5)
        cap = _para(
            doc,
            figure_caption(i + 2, x.name),
            align=WD_ALIGN_PARAGRAPH.CENTER,
            indent=False,
            size=10.5,
            font=HEI,
        )
        cap.paragraph_format.space_after = Pt(6)


def _lagging(doc, r: AnnualReport) -> None:
    words = captions(r)
    doc.add_paragraph(words["s3"], style="Heading 1")
    lagging = r.lagging
    if not lagging:
        _para(doc, words["no_lagging"])
        return
    _para(doc, lagging_intro(r))
    _caption(doc, words["table3"])
    _table(doc, lagging_table(r), [3.6, 1.6, 1.7, 2.0, 2.6, 1.5, 2.3], left=(0,))
    for n, x in enumerate(lagging):
        _para(doc, f"{n + 1}. {indicator_sentence(x)}")


def _tasks(doc, r: AnnualReport) -> None:
    words = captions(r)
    doc.add_paragraph(words["s4"], style="Heading 1")
    _para(doc, tasks_intro(r))
    _caption(doc, words["table4"])
    _table(doc, department_table(r), [4.0, 2, 2, 2, 2, 2])
    doc.add_paragraph(words["s4_1"], style="Heading 2")
    if not r.overdue_tasks:
        _para(doc, words["no_overdue"])
    for name, tasks in r.overdue_by_department():
        _para(doc, department_heading(name, len(tasks)), font=HEI).paragraph_format.keep_with_next = True
        widths, english_cm = [1.4, 5.4, 2.6, 1.4, 3.4, 1.4], [1.3, 5.0, 2.4, 1.5, 3.4, 1.7]
        _table(doc, overdue_table(tasks), widths, left=(1,), english_cm=english_cm)
    doc.add_paragraph(words["s4_2"], style="Heading 2")
    if not r.late_milestone_tasks:
        _para(doc, words["no_late"])
        return
    _para(doc, late_intro(r))
    for name, table in late_milestone_tables(r):
        _para(doc, department_heading(name, len(table.rows)), font=HEI).paragraph_format.keep_with_next = True
        _table(doc, table, [1.4, 5.6, 8.6], left=(1, 2))


def _next_steps(doc, r: AnnualReport) -> None:
    doc.add_paragraph(captions(r)["s5"], style="Heading 1")
    for text in numbered(recommendations(r)):
        _para(doc, text)


def _appendix(doc, r: AnnualReport) -> None:
    para = doc.add_paragraph()
    para.add_run().add_break(WD_BREAK.PAGE)
    doc.add_paragraph(captions(r)["appendix"], style="Heading 1")
    _para(doc, appendix_intro(r))
    for n, (name, table) in enumerate(source_tables(r)):
        _caption(doc, appendix_caption(n + 1, name))
        _table(doc, table, [1.4, 2.2, 9.6, 1.2, 1.2][: len(table.headers)], left=(2,))


def render_docx(report: AnnualReport) -> bytes:
    doc = Document()
    _setup(doc)
    doc.core_properties.title = report_title(report)
    doc.core_properties.author = AUTHOR if not english() else "kechuang"
    charts = report_charts(report)
    _title_block(doc, report)
    _summary(doc, report, charts)
    _indicators(doc, report, charts)
    _lagging(doc, report)
    _tasks(doc, report)
    _next_steps(doc, report)
    _appendix(doc, report)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
