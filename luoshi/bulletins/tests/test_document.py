"""The Word file opened back: GB/T 9704 page setup, fonts, numbering, tables; the Excel annex."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import load_workbook

from luoshi.bulletins import annex, document
from luoshi.core.bulletin_sections import Annex, SectionContent, Table


def _data() -> document.DocData:
    overdue = Table(
        ["编号", "任务名称", "牵头单位"], [["DB2026-00001", "整治东门口占道经营", "城东街道城管办"]], "逾期任务"
    )
    return document.DocData(
        body="城东街道督查督办工作领导小组办公室",
        doc_number="城东督〔2026〕12号",
        title="关于2026年第48周督查督办工作情况的通报",
        addressees="各社区（村）、各部门",
        intro=["现将2026年11月23日至2026年11月29日督查督办工作情况通报如下："],
        sections=[
            document.DocSection(
                "任务交办、办结和逾期情况", "请各单位抓紧整改。", SectionContent(["新交办任务1项。"], [overdue])
            ),
            document.DocSection("下步工作要求", "一是压实责任。", SectionContent()),
        ],
        sign_date="2026年11月30日",
        cc="区委督查室，区政府督查室",
        printer="城东街道督查办",
        annex_note="通报明细表（电子表格）",
    )


def mm(length: Any) -> float:
    return round(int(length) / 36000)  # EMU per millimetre


def _fonts(run: object) -> dict[str, str]:
    fonts = run._element.rPr.find(qn("w:rFonts"))
    return {a: fonts.get(qn(f"w:{a}")) for a in ("ascii", "eastAsia")}


def test_page_setup_grid_and_page_numbers() -> None:
    doc = Document(io.BytesIO(document.render(_data())))
    section = doc.sections[0]
    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert tuple(mm(m) for m in margins) == (37, 35, 28, 26)
    width = int(section.page_width or 0) - int(section.left_margin or 0) - int(section.right_margin or 0)
    height = int(section.page_height or 0) - int(section.top_margin or 0) - int(section.bottom_margin or 0)
    assert (mm(width), mm(height)) == (156, 225)  # the type area
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    # 22 lines fill the 225 mm (12,756 twentieths of a point) without room for a 23rd nor too little for the 22nd
    assert int(grid.get(qn("w:linePitch"))) == 579
    assert 22 * 579 <= 12756 < 23 * 579
    # 28 characters of 16 pt plus the character space fill 156 mm
    pitch_pt = 16 + int(grid.get(qn("w:charSpace"))) / 4096
    assert abs(pitch_pt * 28 / 72 * 25.4 - 156) < 0.2
    assert doc.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert (odd.alignment, even.alignment) == (WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT)
    for footer in (odd, even):
        assert footer.text == "— 1 —"
        assert " PAGE " in [i.text for i in footer._p.iter(qn("w:instrText"))]
        assert {_fonts(r)["eastAsia"] for r in footer.runs} == {"宋体"}
        assert {r.font.size for r in footer.runs} == {Pt(14)}


def test_banner_title_body_headings_and_record() -> None:
    doc = Document(io.BytesIO(document.render(_data())))
    paragraphs = [p for p in doc.paragraphs if p.text]
    by_text = {p.text: p for p in paragraphs}
    banner = paragraphs[0]
    assert banner.text == "城东街道督查督办工作领导小组办公室"
    assert banner.runs[0].font.color.rgb == document.RED
    number = by_text["城东督〔2026〕12号"]
    bottom = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == "FF0000"  # the red separator line
    title = by_text["关于2026年第48周\n督查督办工作情况的通报"]  # two lines of nearly equal length
    assert _fonts(title.runs[0])["eastAsia"] == "方正小标宋简体" and title.runs[0].font.size == Pt(22)
    body = by_text["新交办任务1项。"]
    assert _fonts(body.runs[0]) == {"ascii": "仿宋_GB2312", "eastAsia": "仿宋_GB2312"}
    assert body.runs[0].font.size == Pt(16)
    assert body.paragraph_format.first_line_indent == Pt(32)
    assert body.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert _fonts(by_text["一、任务交办、办结和逾期情况"].runs[0])["eastAsia"] == "黑体"
    assert "二、下步工作要求" in by_text
    assert _fonts(by_text["（一）逾期任务"].runs[0])["eastAsia"] == "楷体_GB2312"
    assert [p.text for p in paragraphs[-3:]] == [
        "附件：通报明细表（电子表格）",
        "城东街道督查督办工作领导小组办公室",
        "2026年11月30日",
    ]
    # 版记: a table floating at the foot of the type area of the last page, after the 落款
    record = doc.tables[-1]
    assert [[c.text for c in r.cells] for r in record.rows] == [
        ["抄送：区委督查室，区政府督查室。"],
        ["城东街道督查办\t2026年11月30日印发"],
    ]
    assert record._tbl.getnext().tag == qn("w:p") and record._tbl.getprevious() is by_text["2026年11月30日"]._p
    place = record._tbl.tblPr.find(qn("w:tblpPr"))
    assert (place.get(qn("w:vertAnchor")), place.get(qn("w:tblpYSpec"))) == ("margin", "bottom")
    assert (place.get(qn("w:horzAnchor")), place.get(qn("w:tblpX"))) == ("page", str(Mm(28).twips))
    assert record._tbl.tblPr.find(qn("w:tblW")).get(qn("w:w")) == str(Mm(156).twips)  # the type area's width
    rules = record._tbl.tblPr.find(qn("w:tblBorders"))
    assert {side: rules.find(qn(f"w:{side}")).get(qn("w:sz")) for side in ("top", "insideH", "bottom")} == {
        "top": "8", "insideH": "6", "bottom": "8",  # thick outside, thin between
    }  # fmt: skip
    assert {rules.find(qn(f"w:{side}")).get(qn("w:val")) for side in ("left", "right", "insideV")} == {"nil"}
    cc = record.rows[0].cells[0].paragraphs[0]
    assert cc.runs[0].font.size == Pt(14) and _fonts(cc.runs[0])["eastAsia"] == "仿宋_GB2312"
    assert cc.paragraph_format.left_indent == Pt(14) == cc.paragraph_format.right_indent  # a character in
    assert by_text["2026年11月30日"].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # fonts are named, not embedded
    assert not [p for p in doc.part.package.parts if "fonts/" in str(p.partname)]


def test_tables_are_word_tables() -> None:
    doc = Document(io.BytesIO(document.render(_data())))
    assert len(doc.tables) == 2  # the overdue tasks, and the 版记
    table = doc.tables[0]
    assert [[c.text for c in r.cells] for r in table.rows] == [
        ["编号", "任务名称", "牵头单位"],
        ["DB2026-00001", "整治东门口占道经营", "城东街道城管办"],
    ]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # the header repeats on each page
    assert _fonts(table.rows[0].cells[0].paragraphs[0].runs[0])["eastAsia"] == "黑体"
    for cell, font in ((table.rows[0].cells[2], "黑体"), (table.rows[1].cells[0], "仿宋_GB2312"),
                       (table.rows[1].cells[2], "仿宋_GB2312")):  # fmt: skip
        (paragraph,) = cell.paragraphs
        (run,) = paragraph.runs
        assert (run.font.size, paragraph.alignment, _fonts(run)["eastAsia"]) == (
            Pt(12),
            WD_ALIGN_PARAGRAPH.CENTER,
            font,
        )
    # an empty first cell: the copies still carry their text
    empty_first = Table(["编号", "名称"], [["", "甲"], ["DB1", "乙"]])
    doc = Document(io.BytesIO(document.render(document.DocData(**{**_data().__dict__, "sections": [
        document.DocSection("清单", "", SectionContent([], [empty_first]))]}))))  # fmt: skip
    assert [[c.text for c in r.cells] for r in doc.tables[0].rows] == [["编号", "名称"], ["", "甲"], ["DB1", "乙"]]


def test_heading_numbers() -> None:
    assert [document.heading_number(n) for n in (1, 9, 10, 11, 20, 23)] == ["一", "九", "十", "十一", "二十", "二十三"]


def test_excel_annex_cells_are_safe() -> None:
    data = annex.render(
        [("逾期", Annex("逾期任务/清单", ["编号", "任务"], [["DB1", '=HYPERLINK("x")'], ["DB2", "正常\x1b任务"]]))]
    )
    assert data is not None
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet.title == "逾期任务 清单"
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows == [["编号", "任务"], ["DB1", '=HYPERLINK("x")'], ["DB2", "正常任务"]]
    assert sheet["B2"].data_type == "s"
    assert annex.render([]) is None


# text of a section's cell → what the annex's cell holds
ANNEX_CELLS = [
    ("22000", 22000), ("0", 0), ("-110", -110), ("52.68", 52.68), ("6", 6),
    ("66.2%", "66.2%"), ("0012", "0012"), ("13912345678", "13912345678"), ("2026-11-29", "2026-11-29"),
    ("DB2026-00028", "DB2026-00028"), ("—", "—"), ("1.5.2", "1.5.2"), ("", None),
]  # fmt: skip


def test_excel_annex_writes_plain_numbers_as_numbers() -> None:
    header = [text or "空" for text, _ in ANNEX_CELLS]
    data = annex.render([("表", Annex("清单", header, [[text for text, _ in ANNEX_CELLS]]))])
    assert data is not None
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    values = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert values == [expected for _, expected in ANNEX_CELLS]
    assert [type(v) for v in values[:5]] == [int, int, int, float, int]


def test_column_widths_keep_codes_dates_and_units_on_one_line() -> None:
    overdue = Table(
        ["编号", "任务名称", "牵头单位", "完成时限", "逾期天数"],
        [["DB2026-00028", "东星4号地块征迁净地", "城东征迁专班", "2026-11-29", "6"],
         ["DB2026-00032", "征迁范围内电线杆迁移和管线改造协调推进", "项目服务组", "2026-11-29", "16"]],
    )  # fmt: skip
    # a half-width character of 12 pt is 2.12 mm, a Chinese one 4.23 mm; 3.5 mm of padding and slack a cell.
    # 编号 12 × 1.3 half-widths, 牵头单位 6 Chinese, 完成时限 10 × 1.3, 逾期天数 4 Chinese: whole;
    # 任务名称 (19 Chinese) takes the rest of the 156 mm and wraps
    widths = [round(w.mm, 1) for w in document.column_widths(overdue)]
    assert widths == [36.5, 39.1, 28.9, 31.0, 20.4]
    assert abs(sum(w.mm for w in document.column_widths(overdue)) - 156) < 0.01
    # everything fits: the columns grow in proportion to what they need (东星社区 20.4 mm, 红灯 12.0 mm)
    lights = Table(["单位", "红灯"], [["东星社区", "1"]])
    assert [round(w.mm, 1) for w in document.column_widths(lights)] == [98.4, 57.6]
    # eight columns that do not fit: the widest are capped alike, the narrowest keeps its width
    projects = Table(
        ["编号", "项目", "牵头单位", "年度计划（万元）", "已完成投资（万元）", "完成率", "序时进度", "滞后节点"],
        [["XM2026-0001", "城东片区老旧小区改造提升工程", "城东街道", "12000", "8000", "66.7%", "92.1%", "2"]],
    )
    assert [round(w.mm, 1) for w in document.column_widths(projects)] == [19.8] * 5 + [17.3, 19.8, 19.8]
