"""Excel files in and out: the import template, reading an upload, the scorecard export.

Two layouts are read (docs/indicators.md shows both):

- **wide** (the template): one row per unit, one column per indicator; the
  period is in the title row ("年份 2026 月份 8"), or chosen on the upload form;
  the first columns are 单位编码 and/or 单位名称.
- **long**: one row per value with columns 单位, 指标, 年份, 月份, 数值 and,
  optionally, 同比(%). Machine exports and very large files use this one.

Reading only turns cells into :class:`RawRow` objects; matching units and
indicators, checking numbers and permissions is the import service's job.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from luoshi.core import cells as safe_cells
from luoshi.core import uploads
from luoshi.core.errors import ValidationFailed
from luoshi.indicators.textnorm import normalise

if TYPE_CHECKING:
    from luoshi.indicators.models import Indicator
    from luoshi.indicators.selectors import Scorecard
    from luoshi.org.models import Unit


class ExcelError(Exception):
    """The file cannot be read at all (not a workbook, no header)."""


@dataclass
class RawRow:
    row: int  # row number in the sheet, as Excel shows it
    column: str  # column letter of the value cell
    unit: str
    indicator: str
    year: Any
    month: Any
    value: Any
    yoy: Any = None
    percent_format: bool = False


@dataclass
class Sheet:
    layout: str  # "wide" or "long"
    year: int | None
    month: int | None
    rows: list[RawRow]


UNIT_HEADERS = {"单位", "单位名称", "乡镇街道", "乡镇(街道)", "单位编码", "编码", "unit", "unit_code", "unit_name"}
UNIT_CODE_HEADERS = {"单位编码", "编码", "unit_code", "code"}
INDICATOR_HEADERS = {"指标", "指标名称", "指标编码", "indicator"}
VALUE_HEADERS = {"数值", "值", "完成值", "本期累计", "value"}
YEAR_HEADERS = {"年份", "年", "year"}
MONTH_HEADERS = {"月份", "月", "month"}
NOTE_HEADERS = {"备注", "说明", "填报人", "联系电话", "序号", "note", "notes"}
YOY_HEADERS = {"同比", "同比(%)", "同比增长(%)", "同比增长", "增速(%)", "增速", "比增(%)", "yoy", "yoy_pct"}


def _header(value: Any) -> str:
    if value is None:
        return ""
    text = normalise(str(value)).strip().lower()
    text = re.sub(r"\s+", "", text)
    return text.replace("（", "(").replace("）", ")")


def _indicator_header(value: Any) -> str:
    """ "规上工业产值(万元)" → "规上工业产值" (the unit in brackets is informative only)."""
    text = str(value or "").strip()
    return re.sub(r"\s*[(（][^()（）]{1,8}[)）]\s*$", "", text).strip()


def _period_from_title(cells: Sequence[Any]) -> tuple[int | None, int | None]:
    text = " ".join(str(c) for c in cells if c is not None)
    year = re.search(r"(?:年份|year)\D{0,3}((?:19|20)\d{2})", text, re.IGNORECASE) or re.search(
        r"((?:19|20)\d{2})\s*年", text
    )
    month = re.search(r"(?:月份|month)\D{0,3}(\d{1,2})", text, re.IGNORECASE) or re.search(
        r"(?:1\s*[-—~至]\s*)?(\d{1,2})\s*月", text
    )
    return (int(year.group(1)) if year else None, int(month.group(1)) if month else None)


class Cell(NamedTuple):
    value: Any
    percent: bool = False


Row = tuple[int, list[Cell]]  # the sheet's row number, and its cells from column A

# Uploaded XML is parsed with the standard library's expat: it does not fetch
# external entities, and expat ≥ 2.4 stops entity-expansion bombs; the sheet's
# unpacked size is capped as well. Hence the S314 exemptions below.
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_PERCENT_FORMATS = {9, 10}


def read_workbook(data: bytes) -> Sheet:
    """The first sheet of an .xlsx file as raw rows. Raises :class:`ExcelError`.

    The sheet is streamed straight from the package's XML (shared strings,
    inline strings, numbers, booleans, and whether a cell is formatted as a
    percentage): openpyxl builds an object per cell and needs several times as
    long for a 100,000-row file (docs/decisions/0305-streaming-xlsx-reader.md).
    """
    try:
        archive = uploads.check_xlsx(data)  # size, packing ratio and unpacked total checked before parsing
    except ValidationFailed as exc:
        raise ExcelError(str(exc.message)) from exc
    try:
        path = _first_sheet_path(archive)
        archive.getinfo(path)
    except (zipfile.BadZipFile, KeyError, ET.ParseError, ValueError) as exc:
        raise ExcelError(_("The file is not an Excel workbook (.xlsx).")) from exc
    try:
        strings = _shared_strings(archive)
        percent = _percent_styles(archive)
        raw = archive.read(path)
        if _regular(raw):
            return _read_sheet(_capped(_scan_rows(raw, strings, percent)))
        return _read_sheet(_capped(_iter_rows(io.BytesIO(raw), strings, percent)))
    except ET.ParseError as exc:
        raise ExcelError(_("The file is not an Excel workbook (.xlsx).")) from exc


def _capped(rows: Iterator[Row]) -> Iterator[Row]:
    """The rows, refusing the sheet once a row lies beyond :data:`luoshi.core.uploads.MAX_ROWS`."""
    for row in rows:
        try:
            uploads.check_row_count(row[0])
        except ValidationFailed as exc:
            raise ExcelError(str(exc.message)) from exc
        yield row


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    workbook = ET.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314
    sheet = workbook.find(f"{_NS}sheets/{_NS}sheet")
    if sheet is None:
        raise ValueError("no sheet")
    rel_id = sheet.get(f"{_REL_NS}id")
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    for rel in rels.iter(f"{_PKG_NS}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target") or ""
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
    raise ValueError("no sheet relationship")


def _text(element: ET.Element) -> str:
    """The text of a string item: plain <t>, or the runs <r><t>, but not phonetic guides <rPh>."""
    direct = element.find(f"{_NS}t")
    if direct is not None:
        return direct.text or ""
    return "".join(t.text or "" for r in element.findall(f"{_NS}r") for t in r.findall(f"{_NS}t"))


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings = []
    with archive.open("xl/sharedStrings.xml") as handle:
        for _event, element in ET.iterparse(handle):  # noqa: S314
            if element.tag == f"{_NS}si":
                strings.append(_text(element))
                element.clear()
    return strings


def _percent_styles(archive: zipfile.ZipFile) -> frozenset[int]:
    """Indexes of the cell formats that show a percentage."""
    if "xl/styles.xml" not in archive.namelist():
        return frozenset()
    styles = ET.fromstring(archive.read("xl/styles.xml"))  # noqa: S314
    custom = {
        int(fmt.get("numFmtId") or -1) for fmt in styles.iter(f"{_NS}numFmt") if "%" in (fmt.get("formatCode") or "")
    }
    xfs = styles.find(f"{_NS}cellXfs")
    if xfs is None:
        return frozenset()
    return frozenset(
        index
        for index, xf in enumerate(xfs.findall(f"{_NS}xf"))
        if int(xf.get("numFmtId") or 0) in _PERCENT_FORMATS | custom
    )


def _column_index(ref: str) -> int:
    index = 0
    for char in ref:
        if "A" <= char <= "Z":
            index = index * 26 + ord(char) - 64
        else:
            break
    return index - 1


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


# The fast path: sheets written by Excel, WPS, LibreOffice and openpyxl put every
# cell as <c r="B7" …>; a regular expression over the sheet finds them about five
# times faster than building elements. Anything else takes the element path.
_CELL_RE = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_ATTR_T_RE = re.compile(rb'\st="([a-zA-Z]+)"')
_ATTR_S_RE = re.compile(rb'\ss="([0-9]+)"')
_V_RE = re.compile(rb"<v>(.*?)</v>", re.S)
_T_RE = re.compile(rb"<t(?:\s[^>]*)?>(.*?)</t>", re.S)


def _regular(raw: bytes) -> bool:
    """Unprefixed markup in which every cell starts with its reference."""
    if b"<sheetData" not in raw:
        return False
    cells = raw.count(b"<c ") + raw.count(b"<c>")
    return cells == raw.count(b'<c r="')


def _unescape(text: bytes) -> str:
    decoded = text.decode("utf-8")
    return html.unescape(decoded) if "&" in decoded else decoded


def _scan_rows(raw: bytes, strings: list[str], percent: frozenset[int]) -> Iterator[Row]:
    current = -1
    cells: list[Cell] = []
    columns: dict[bytes, int] = {}
    for match in _CELL_RE.finditer(raw):
        letters, number_text, attrs, body = match.groups()
        number = int(number_text)
        if number != current:
            if current >= 0:
                yield current, cells
            current, cells = number, []
        index = columns.get(letters)
        if index is None:
            index = columns[letters] = _column_index(letters.decode("ascii"))
        value: Any = None
        kind_match = _ATTR_T_RE.search(attrs) if attrs else None
        kind = kind_match.group(1) if kind_match else b"n"
        if body:
            if kind == b"inlineStr":
                value = "".join(_unescape(t) for t in _T_RE.findall(body))
            else:
                v = _V_RE.search(body)
                text = v.group(1) if v else b""
                if kind == b"s":
                    value = strings[int(text)] if text else None
                elif kind == b"b":
                    value = text == b"1"
                elif kind in (b"str", b"e"):
                    value = _unescape(text)
                else:
                    value = _number(text.decode("ascii")) if text else None
        style = _ATTR_S_RE.search(attrs) if attrs else None
        while len(cells) < index:
            cells.append(Cell(None))
        cells.append(Cell(value, style is not None and int(style.group(1)) in percent))
    if current >= 0:
        yield current, cells


def _cell_value(kind: str | None, raw: str | None, inline: Any, strings: list[str]) -> Any:
    if kind == "s":
        return strings[int(raw)] if raw else None
    if kind == "inlineStr":
        return _text(inline) if inline is not None else None
    if kind == "b":
        return raw == "1"
    if kind in ("str", "e"):
        return raw
    return _number(raw) if raw else None


def _iter_rows(handle: Any, strings: list[str], percent: frozenset[int]) -> Iterator[Row]:
    """(row number, cells) for every row of the sheet, streamed: only one row is in memory."""
    c_tag, v_tag, row_tag, is_tag = f"{_NS}c", f"{_NS}v", f"{_NS}row", f"{_NS}is"
    previous = 0
    for _event, row in _iterparse_rows(handle, row_tag):
        number = int(row.get("r") or previous + 1)
        previous = number
        cells: list[Cell] = []
        for element in row.iter(c_tag):
            ref = element.get("r")
            index = _column_index(ref) if ref else len(cells)
            value = _cell_value(element.get("t"), element.findtext(v_tag), element.find(is_tag), strings)
            style = element.get("s")
            while len(cells) < index:
                cells.append(Cell(None))
            cells.append(Cell(value, style is not None and int(style) in percent))
        row.clear()
        yield number, cells


def _iterparse_rows(handle: Any, row_tag: str) -> Iterator[tuple[str, Any]]:
    """Completed <row> elements. lxml (installed with python-docx) parses several times
    faster than the standard library; both refuse external entities."""
    try:
        from lxml import etree
    except ImportError:  # pragma: no cover - lxml comes with python-docx
        for event, element in ET.iterparse(handle, events=("end",)):  # noqa: S314
            if element.tag == row_tag:
                yield event, element
        return
    parser = etree.iterparse(
        handle, events=("end",), tag=row_tag, resolve_entities=False, no_network=True, huge_tree=True
    )
    for event, element in parser:
        yield event, element
        while element.getprevious() is not None:
            del element.getparent()[0]


def _read_sheet(rows: Iterator[Row]) -> Sheet:
    title_cells: list[Any] = []
    header: list[str] = []
    raw_header: list[Any] = []
    for row_number, cells in rows:
        values = [c.value for c in cells]
        names = [_header(v) for v in values]
        if any(n in UNIT_HEADERS for n in names):
            header, raw_header = names, values
            break
        title_cells.extend(values)
        if row_number >= 10:
            break
    if not header:
        raise ExcelError(_("No header row found: the first rows must name the columns (单位, 指标, 数值 …)."))
    year, month = _period_from_title(title_cells)
    if any(n in INDICATOR_HEADERS for n in header) and any(n in VALUE_HEADERS for n in header):
        return Sheet("long", year, month, list(_long_rows(rows, header)))
    return Sheet("wide", year, month, list(_wide_rows(rows, header, raw_header)))


def _col(header: list[str], names: set[str]) -> int | None:
    for index, name in enumerate(header):
        if name in names:
            return index
    return None


def _cell(row: Sequence[Cell], index: int | None) -> Any:
    if index is None or index >= len(row):
        return None
    return row[index].value


def _is_percent(row: Sequence[Cell], index: int | None) -> bool:
    if index is None or index >= len(row):
        return False
    return row[index].percent


def _empty(row: Sequence[Cell]) -> bool:
    for cell in row:
        value = cell.value
        if value is not None and (not isinstance(value, str) or value.strip()):
            return False
    return True


def _long_rows(rows: Iterator[Row], header: list[str]) -> Iterator[RawRow]:
    unit_col = _col(header, UNIT_CODE_HEADERS)
    if unit_col is None:
        unit_col = _col(header, UNIT_HEADERS)
    ind_col = _col(header, INDICATOR_HEADERS)
    value_col = _col(header, VALUE_HEADERS)
    year_col = _col(header, YEAR_HEADERS)
    month_col = _col(header, MONTH_HEADERS)
    yoy_col = _col(header, YOY_HEADERS)
    letter = get_column_letter((value_col or 0) + 1)
    for row_number, row in rows:
        if _empty(row):
            continue
        yield RawRow(
            row=row_number,
            column=letter,
            unit=str(_cell(row, unit_col) or "").strip(),
            indicator=str(_cell(row, ind_col) or "").strip(),
            year=_cell(row, year_col),
            month=_cell(row, month_col),
            value=_cell(row, value_col),
            yoy=_cell(row, yoy_col),
            percent_format=_is_percent(row, value_col),
        )


def _wide_rows(rows: Iterator[Row], header: list[str], raw_header: list[Any]) -> Iterator[RawRow]:
    code_col = _col(header, UNIT_CODE_HEADERS)
    name_col = _col(header, UNIT_HEADERS - UNIT_CODE_HEADERS)
    fixed = {i for i in (code_col, name_col) if i is not None}
    value_cols = [
        (i, _indicator_header(raw_header[i]))
        for i in range(len(raw_header))
        if i not in fixed and raw_header[i] and header[i] not in NOTE_HEADERS
    ]
    for row_number, row in rows:
        if _empty(row):
            continue
        unit = str(_cell(row, code_col) or "").strip() or str(_cell(row, name_col) or "").strip()
        for index, indicator in value_cols:
            value = _cell(row, index)
            if value is None or str(value).strip() == "":
                continue
            yield RawRow(
                row=row_number,
                column=get_column_letter(index + 1),
                unit=unit,
                indicator=indicator,
                year=None,
                month=None,
                value=value,
                percent_format=_is_percent(row, index),
            )


# --- Writing ---------------------------------------------------------------------------

_TITLE = Font(bold=True, size=14)
_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="FDE2E2")


def template_workbook(units: Sequence[Unit], indicators: Sequence[Indicator], year: int, month: int) -> bytes:
    """The wide import template: one row per unit, one column per indicator."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Values")
    safe_cells.append(sheet, [_("Monthly indicator values"), "年份", year, "月份", month])
    sheet["A1"].font = _TITLE
    safe_cells.append(
        sheet,
        [
            _(
                "Cumulative indicators: the total from January to this month. "
                "Numbers may carry 万/亿 and thousands separators."
            )
        ],
    )
    safe_cells.append(sheet, ["单位编码", "单位名称", *[f"{i.name}({i.unit})" for i in indicators]])
    for cell in sheet[3]:
        cell.font, cell.fill = _BOLD, _HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for unit in units:
        safe_cells.append(sheet, [unit.code, unit.name])
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 18
    for index in range(len(indicators)):
        sheet.column_dimensions[get_column_letter(index + 3)].width = 16
    sheet.freeze_panes = "C4"
    return _save(book)


def scorecard_workbook(card: Scorecard) -> bytes:
    """The scorecard as a sheet: what the page shows, for printing or forwarding."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Scorecard")
    safe_cells.append(
        sheet, [_("%(unit)s scorecard, %(period)s") % {"unit": card.unit.name, "period": card.period_label}]
    )
    sheet["A1"].font = _TITLE
    safe_cells.append(sheet, [_("Time progress: %(pct)s%%") % {"pct": card.time_progress}])
    headers = [
        _("Indicator"),
        _("Unit of measure"),
        _("Value"),
        _("Same period last year"),
        _("Year-over-year (%)"),
        _("Annual target"),
        _("Completion (%)"),
        _("Ahead of time progress (points)"),
        _("Light"),
    ]
    safe_cells.append(sheet, headers)
    for cell in sheet[3]:
        cell.font, cell.fill = _BOLD, _HEAD_FILL
    lights = {"green": _("green"), "yellow": _("yellow"), "red": _("red"), "": ""}
    for row in card.rows:
        f = row.figures
        safe_cells.append(
            sheet,
            [
                row.indicator.name,
                row.indicator.unit,
                _num(f.value),
                _num(f.previous),
                _num(f.yoy),
                _num(f.target),
                _num(f.completion),
                _num(f.gap),
                lights.get(f.light, ""),
            ],
        )
    sheet.column_dimensions["A"].width = 22
    for letter in "BCDEFGHI":
        sheet.column_dimensions[letter].width = 14
    safe_cells.append(sheet, [])
    safe_cells.append(sheet, [_("Exported %(when)s") % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M")}])
    return _save(book)


def _num(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
