"""The Word file of a bulletin, laid out per GB/T 9704-2012 (党政机关公文格式).

- A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm: a type area of 156 × 225 mm;
- a document grid of 22 lines of 28 characters (line pitch 225/22 mm, character pitch
  156/28 mm) and body lines set exactly to that pitch;
- 版头: the issuing body in red, the 发文字号 centred below it and the red separator line;
- title in 小标宋 二号 (22 pt); body in 仿宋_GB2312 三号 (16 pt), first lines indented two
  characters; first-level headings "一、" in 黑体, second-level "（一）" in 楷体_GB2312;
- page numbers "— 1 —" in 宋体 四号 (14 pt), odd pages on the right, even on the left, one
  character in from the edge of the type area;
- 落款 (issuing body) and 成文日期 in Arabic numerals, four characters from the right;
- 版记: the 抄送 and 印发 lines between full-width lines (thick outside, thin between).

Fonts are named, not embedded: the East Asian name is set with ``w:eastAsia`` so Word
uses 仿宋_GB2312 / 方正小标宋简体 where the office has them; LibreOffice here falls back to
a CJK font from Debian. Tables are real Word tables.
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass, field
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from luoshi.core.bulletin_sections import SectionContent, Table

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_FONT = "宋体"
RED = RGBColor(0xFF, 0x00, 0x00)

BODY_PT = 16  # 三号
TITLE_PT = 22  # 二号
PAGE_PT = 14  # 四号
BANNER_PT = 36
TABLE_PT = 12  # 小四, so tables of seven columns fit the type area
LINES, CHARS = 22, 28
TYPE_W_MM, TYPE_H_MM = 156, 225
LEFT_MM = 28
#: 225 mm / 22 lines in twentieths of a point, rounded down (579: 22 lines fill at most the 12,756 of the type
#: area; 580 would leave room for 21 only) and the exact line height in points.
LINE_PITCH_TWIPS = int(TYPE_H_MM / 25.4 * 1440 / LINES)
LINE_PT = LINE_PITCH_TWIPS / 20
#: The character pitch 156 mm / 28 over the 16 pt font, in 4096ths of a point (negative: tighter).
CHAR_SPACE = round((TYPE_W_MM / 25.4 * 72 / CHARS - BODY_PT) * 4096)
NUMERALS = "一二三四五六七八九十"


@dataclass
class DocSection:
    title: str
    text: str
    content: SectionContent


@dataclass
class DocData:
    body: str  # 发文机关 (red, on top, and in the 落款)
    doc_number: str  # 发文字号; empty on a draft
    title: str
    addressees: str  # 主送机关
    intro: list[str]
    sections: list[DocSection]
    sign_date: str  # 成文日期, e.g. 2026年12月7日
    cc: str = ""  # 抄送
    printer: str = ""  # 印发机关
    annex_note: str = ""
    draft: bool = False
    extra: list[str] = field(default_factory=list)


def heading_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (headings never run past ninety-nine)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def set_font(run: object, name: str, size: float, *, bold: bool = False, color: RGBColor | None = None) -> None:
    """Name the font for Latin and East Asian text alike (not embedded)."""
    font = run.font  # type: ignore[attr-defined]
    font.name = name
    font.size = Pt(size)
    font.bold = bold
    if color is not None:
        font.color.rgb = color
    r_pr = run._element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _exact(paragraph: Paragraph, points: float = LINE_PT) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(points)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


def off_grid(paragraph: Paragraph) -> Paragraph:
    """Banner, title, tables and the 版记 keep their own spacing (not snapped to the 28-character grid)."""
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    paragraph._p.get_or_add_pPr().append(snap)
    return paragraph


def _border(paragraph: Paragraph, side: str, *, size: int, color: str = "000000", space: int = 1) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    borders = p_pr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        p_pr.append(borders)
    edge = OxmlElement(f"w:{side}")
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(size))
    edge.set(qn("w:space"), str(space))
    edge.set(qn("w:color"), color)
    borders.append(edge)


def _para(
    doc: object, text: str = "", *, font: str = BODY_FONT, size: float = BODY_PT, bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None, indent_chars: float = 0, color: RGBColor | None = None,
) -> Paragraph:  # fmt: skip
    p: Paragraph = doc.add_paragraph()  # type: ignore[attr-defined]
    _exact(p)
    if align is not None:
        p.alignment = align
    if indent_chars:
        p.paragraph_format.first_line_indent = Pt(size * indent_chars)
    if text:
        set_font(p.add_run(text), font, size, bold=bold, color=color)
    return p


def _page_setup(doc: object) -> None:
    section = doc.sections[0]  # type: ignore[attr-defined]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(LEFT_MM), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(24)
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))
    # the character grid is counted from the default font size: make it the body's 16 pt
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))  # type: ignore[attr-defined]
    for tag in ("w:sz", "w:szCs"):
        size = defaults.find(qn(tag))
        if size is None:
            size = OxmlElement(tag)
            defaults.append(size)
        size.set(qn("w:val"), str(BODY_PT * 2))
    normal = doc.styles["Normal"]  # type: ignore[attr-defined]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(BODY_PT)
    r_pr = normal.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), BODY_FONT)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = Pt(LINE_PT)
    normal.paragraph_format.space_after = Pt(0)
    _page_numbers(doc, section)


def _page_field(paragraph: Paragraph) -> None:
    # its own line height (not the body's 22-line pitch): the footer fits the 11 mm below the type area
    off_grid(paragraph)
    _exact(paragraph, PAGE_PT * 1.2)
    set_font(paragraph.add_run("— "), PAGE_FONT, PAGE_PT)
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
        run = paragraph.add_run()
        set_font(run, PAGE_FONT, PAGE_PT)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        elif kind == "text":
            run.text = text or ""
        else:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
    set_font(paragraph.add_run(" —"), PAGE_FONT, PAGE_PT)


def _page_numbers(doc: object, section: object) -> None:
    """ "— 1 —" in 宋体 四号: right on odd pages, left on even ones, a character in from the edge."""
    doc.settings.odd_and_even_pages_header_footer = True  # type: ignore[attr-defined]
    odd = section.footer.paragraphs[0]  # type: ignore[attr-defined]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = Pt(PAGE_PT)
    _page_field(odd)
    even = section.even_page_footer.paragraphs[0]  # type: ignore[attr-defined]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = Pt(PAGE_PT)
    _page_field(even)


def _table(doc: object, table: Table) -> None:
    cols = len(table.header)
    t = doc.add_table(rows=1 + len(table.rows), cols=cols)  # type: ignore[attr-defined]
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(int(Mm(CELL_PAD_MM / 2).twips)))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    t._tbl.tblPr.append(margins)
    widths = column_widths(table)
    for col, width in zip(t.columns, widths, strict=True):
        col.width = width
    # each row's cells read once (python-docx walks the table again for every t.rows[i] and row.cells); the
    # first cell of the header and of the body is formatted through python-docx, the others are copies of it
    protos: dict[bool, Any] = {}
    for row_i, (row, values) in enumerate(zip(t.rows, [table.header, *table.rows], strict=True)):
        header = row_i == 0
        if header:
            tr_pr = row._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")
            tr_pr.append(repeat)
        cells = row.cells
        for col_i in range(cols):
            text = str(values[col_i]) if col_i < len(values) else ""
            cell = cells[col_i]
            cell.width = widths[col_i]
            proto = protos.get(header)
            if proto is None:
                p = off_grid(cell.paragraphs[0])
                _exact(p, TABLE_PT * 1.5)
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                set_font(p.add_run(text), HEADING_FONT if header else BODY_FONT, TABLE_PT)
                protos[header] = p._p
                continue
            _replace_paragraph(cell, proto, text)


def _replace_paragraph(cell: Any, proto: Any, text: str) -> None:
    """The cell's paragraph becomes a copy of ``proto`` (one formatted run) with ``text``."""
    new = copy.deepcopy(proto)
    run = new.find(qn("w:r"))
    t = run.find(qn("w:t"))
    if t is None:  # the prototype's own text was empty
        t = OxmlElement("w:t")
        run.append(t)
    t.text = text
    if text != text.strip():
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    old = cell._tc.p_lst[0]
    old.addprevious(new)
    old.getparent().remove(old)


TITLE_CHARS = int(TYPE_W_MM / 25.4 * 72 / TITLE_PT)  # 20 characters of 二号 to a line


def title_lines(title: str) -> list[str]:
    """A long title in lines of nearly equal length (GB/T 9704: no single character left on a line)."""
    count = -(-len(title) // TITLE_CHARS)
    size = -(-len(title) // max(1, count))
    return [title[i : i + size] for i in range(0, len(title), size)] or [""]


def _line_break() -> object:
    run = OxmlElement("w:r")
    run.append(OxmlElement("w:br"))
    return run


def banner_size(body: str) -> int:
    """The issuing body on one line: at most 36 pt, smaller for a long name (the type area is 442 pt wide)."""
    return max(16, min(BANNER_PT, int(TYPE_W_MM / 25.4 * 72 / max(1, len(body)))))


#: A half-width character of the tables' 12 pt text, and a cell's padding on both sides together, in mm.
HALF_MM = TABLE_PT / 2 / 72 * 25.4
CELL_PAD_MM = 2.0
#: Room a cell needs beyond its text and padding (its borders, rounding in the layout), in mm.
CELL_SLACK_MM = 1.5


def _visual(text: str) -> float:
    """Width in half-width characters: a Chinese character counts two, a digit or letter a bit more than one
    (LibreOffice sets them in DejaVu Sans when the named font is missing: 0.64 em a digit)."""
    return sum(2 if ord(c) > 0x2E7F else 1.3 for c in text)


def column_widths(table: Table) -> list[Length]:
    """The type area's width shared by the columns. When every column's longest text fits on one line, the
    columns grow in proportion; otherwise the widest are capped at one width, as large as the type area
    allows (the narrow columns — codes, dates, numbers, unit names — keep what they need and do not wrap;
    the long texts, names of tasks and projects, wrap in the capped ones)."""
    need = []
    for i, head in enumerate(table.header):
        longest = max([_visual(str(head))] + [_visual(str(r[i])) for r in table.rows[:50] if i < len(r)])
        need.append(max(longest, 4) * HALF_MM + CELL_PAD_MM + CELL_SLACK_MM)
    total = sum(need)
    if total <= TYPE_W_MM:
        return [Mm(TYPE_W_MM * n / total) for n in need]
    cap, left, count = float(TYPE_W_MM), float(TYPE_W_MM), len(need)
    for n in sorted(need):  # the cap c with sum(min(n, c)) == the type area's width
        if n * count >= left:
            cap = left / count
            break
        left, count = left - n, count - 1
    return [Mm(min(n, cap)) for n in need]


def _banner(doc: object, data: DocData) -> None:
    size = banner_size(data.body)
    banner = off_grid(_para(doc, data.body, font=TITLE_FONT, size=size, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED))
    _exact(banner, size * 1.4)
    _para(doc)
    number = off_grid(_para(doc, data.doc_number or "（草稿）", align=WD_ALIGN_PARAGRAPH.CENTER))
    # the red line, 4 mm below the number, the width of the type area
    _border(number, "bottom", size=18, color="FF0000", space=11)


def _sign_off(doc: object, data: DocData) -> None:
    """落款 centred over the 成文日期, which stands four characters from the right."""
    _para(doc)
    _para(doc)
    shift = max(0.0, (len(data.sign_date) - len(data.body)) / 2)
    body = _para(doc, data.body, align=WD_ALIGN_PARAGRAPH.RIGHT)
    body.paragraph_format.right_indent = Pt(BODY_PT * (4 + shift))
    body.paragraph_format.keep_with_next = True  # the 落款 never stands on a page without its date
    date = _para(doc, data.sign_date, align=WD_ALIGN_PARAGRAPH.RIGHT)
    date.paragraph_format.right_indent = Pt(BODY_PT * 4)


def _record_line(cell: object, text: str, *, right: str = "") -> Paragraph:
    p = off_grid(cell.paragraphs[0])  # type: ignore[attr-defined]
    _exact(p, PAGE_PT * 1.6)
    p.paragraph_format.left_indent = Pt(PAGE_PT)
    p.paragraph_format.right_indent = Pt(PAGE_PT)
    if right:
        p.paragraph_format.tab_stops.add_tab_stop(Mm(TYPE_W_MM) - Pt(PAGE_PT * 2), WD_TAB_ALIGNMENT.RIGHT)
        text = f"{text}\t{right}"
    set_font(p.add_run(text), BODY_FONT, PAGE_PT)
    return p


def _set_table_props(table: object, props: list[tuple[str, dict[str, str]]]) -> None:
    tbl_pr = table._tbl.tblPr  # type: ignore[attr-defined]
    for tag, attrs in props:
        old = tbl_pr.find(qn(tag))
        if old is not None:
            tbl_pr.remove(old)
        el = OxmlElement(tag)
        for k, v in attrs.items():
            el.set(qn(k), v)
        if tag == "w:tblpPr":  # first in w:tblPr (there is no w:tblStyle)
            tbl_pr.insert(0, el)
        else:
            tbl_pr.append(el)


def _record(doc: object, data: DocData) -> None:
    """版记: 抄送 and 印发 between full-width lines (thick outside, thin between), 仿宋 四号, a character in
    from both sides, at the foot of the last page (GB/T 9704-2012, 7.3.5): a table floating at the bottom
    of the type area of the page its anchor falls on; the body's text does not run under it."""
    rows = 2 if data.cc else 1
    table = doc.add_table(rows=rows, cols=1)  # type: ignore[attr-defined]
    table.autofit = False
    width = str(int(Mm(TYPE_W_MM).twips))
    _set_table_props(table, [
        ("w:tblpPr", {"w:vertAnchor": "margin", "w:horzAnchor": "page", "w:tblpX": str(int(Mm(LEFT_MM).twips)),
                      "w:tblpYSpec": "bottom", "w:leftFromText": "0", "w:rightFromText": "0",
                      "w:topFromText": "284", "w:bottomFromText": "0"}),
        ("w:tblW", {"w:w": width, "w:type": "dxa"}),
    ])  # fmt: skip
    borders = OxmlElement("w:tblBorders")
    for side, size in (("top", 8), ("left", 0), ("bottom", 8), ("right", 0), ("insideH", 6), ("insideV", 0)):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single" if size else "nil")
        if size:
            edge.set(qn("w:sz"), str(size))
            edge.set(qn("w:space"), "0")
            edge.set(qn("w:color"), "000000")
        borders.append(edge)
    tbl_pr = table._tbl.tblPr
    old = tbl_pr.find(qn("w:tblBorders"))
    if old is not None:
        tbl_pr.remove(old)
    tbl_pr.append(borders)
    table.columns[0].width = Mm(TYPE_W_MM)
    for row in table.rows:
        row.cells[0].width = Mm(TYPE_W_MM)
    if data.cc:
        _record_line(table.rows[0].cells[0], f"抄送：{data.cc}。")
    _record_line(table.rows[rows - 1].cells[0], data.printer or data.body, right=f"{data.sign_date}印发")
    # the floating table is anchored to the paragraph after it: an empty one of no height
    _exact(off_grid(_para(doc)), 1)


def record_on_next_page(docx: bytes) -> bytes:
    """The same document with the 版记 on a page of its own after the last page of text: the paragraph its
    table is anchored to (the last of the body) starts a new page. GB/T 9704 puts the 版记 on an even page
    (the back of the last sheet); :func:`luoshi.bulletins.pdf.record_on_even_page` uses this when the text
    ends on an odd page."""
    doc = Document(io.BytesIO(docx))
    anchor = doc.paragraphs[-1]
    anchor.paragraph_format.page_break_before = True
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render(data: DocData) -> bytes:
    doc = Document()
    _page_setup(doc)
    for empty in list(doc.paragraphs):  # nothing may stand above the banner
        empty._p.getparent().remove(empty._p)
    _banner(doc, data)
    _para(doc)
    title = off_grid(_para(doc, font=TITLE_FONT, size=TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER))
    for i, line in enumerate(title_lines(data.title)):
        run = title.add_run(line)
        set_font(run, TITLE_FONT, TITLE_PT)
        if i:
            run._r.addprevious(_line_break())
    _exact(doc.paragraphs[-1], TITLE_PT * 1.6)
    _para(doc)
    if data.addressees:
        _para(doc, f"{data.addressees}：")
    for text in data.intro:
        _para(doc, text, indent_chars=2)
    for n, section in enumerate(data.sections, start=1):
        _para(doc, f"{heading_number(n)}、{section.title}", font=HEADING_FONT, indent_chars=2)
        for line in [t for t in section.text.splitlines() if t.strip()]:
            _para(doc, line.strip(), indent_chars=2)
        for text in section.content.paragraphs:
            _para(doc, text, indent_chars=2)
        for m, table in enumerate(section.content.tables, start=1):
            if table.caption:
                _para(doc, f"（{heading_number(m)}）{table.caption}", font=SUBHEADING_FONT, indent_chars=2)
            _table(doc, table)
    for text in data.extra:
        _para(doc, text, indent_chars=2)
    if data.annex_note:
        _para(doc)
        _para(doc, f"附件：{data.annex_note}", indent_chars=2)
    _sign_off(doc, data)
    _record(doc, data)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
