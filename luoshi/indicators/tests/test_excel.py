"""The streaming .xlsx reader: shared strings, rich text, inline strings, percent styles, odd markup."""

from __future__ import annotations

import io
import zipfile

import pytest

from luoshi.indicators.excel import ExcelError, read_workbook

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
WORKBOOK = (
    f'<workbook {NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"'
    ' Target="worksheets/data.xml"/></Relationships>'
)
STRINGS = (
    f'<sst {NS} count="5" uniqueCount="5">'
    "<si><t>单位</t></si><si><t>指标</t></si>"
    "<si><r><t>数</t></r><r><rPr><b/></rPr><t>值</t></r><rPh><t>shuzhi</t></rPh></si>"
    "<si><t>甲街道</t></si><si><t>税收收入</t></si></sst>"
)
STYLES = (
    f'<styleSheet {NS}><numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>'
    '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="10"/></cellXfs></styleSheet>'
)


def _book(rows: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", RELS)
        z.writestr("xl/sharedStrings.xml", STRINGS)
        z.writestr("xl/styles.xml", STYLES)
        z.writestr("xl/worksheets/data.xml", f"<worksheet {NS}><sheetData>{rows}</sheetData></worksheet>")
    return out.getvalue()


REGULAR = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
    '<row r="3"><c r="A3" t="s"><v>3</v></c><c r="B3" t="s"><v>4</v></c><c r="C3" s="1"><v>0.125</v></c></row>'
    '<row r="4"><c r="A4" t="inlineStr"><is><t>乙&amp;丙</t></is></c><c r="B4" t="s"><v>4</v></c>'
    '<c r="C4" t="str"><v>1,234</v></c></row>'
)
# The same cells, written the way some generators do: attributes in another order, no references.
IRREGULAR = (
    '<row r="1"><c t="s"><v>0</v></c><c t="s"><v>1</v></c><c t="s"><v>2</v></c></row>'
    '<row r="3"><c t="s" r="A3"><v>3</v></c><c t="s" r="B3"><v>4</v></c><c s="1" r="C3"><v>0.125</v></c></row>'
    '<row r="4"><c r="A4" t="inlineStr"><is><t>乙&amp;丙</t></is></c><c r="B4" t="s"><v>4</v></c>'
    '<c r="C4" t="str"><v>1,234</v></c></row>'
)


@pytest.mark.parametrize("rows", [REGULAR, IRREGULAR], ids=["fast path", "element path"])
def test_reader(rows):
    sheet = read_workbook(_book(rows))
    assert sheet.layout == "long"
    got = [(r.row, r.unit, r.indicator, r.value, r.percent_format) for r in sheet.rows]
    assert got == [(3, "甲街道", "税收收入", 0.125, True), (4, "乙&丙", "税收收入", "1,234", False)]


def test_not_a_workbook():
    with pytest.raises(ExcelError):
        read_workbook(b"PK\x03\x04 broken")
    with pytest.raises(ExcelError):
        read_workbook(_book("<row"))
