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

import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

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


def read_workbook(data: bytes) -> Sheet:
    """The first sheet of an .xlsx file as raw rows. Raises :class:`ExcelError`."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise ExcelError(_("The file is not an Excel workbook (.xlsx).")) from exc
    try:
        sheet = book.worksheets[0]
        return _read_sheet(sheet)
    finally:
        book.close()


def _read_sheet(sheet: Any) -> Sheet:
    rows = sheet.iter_rows()
    title_cells: list[Any] = []
    header: list[str] = []
    header_row = 0
    raw_header: list[Any] = []
    for index, row in enumerate(rows, start=1):
        values = [c.value for c in row]
        names = [_header(v) for v in values]
        if any(n in UNIT_HEADERS for n in names):
            header, header_row, raw_header = names, index, values
            break
        title_cells.extend(values)
        if index >= 10:
            break
    if not header:
        raise ExcelError(_("No header row found: the first rows must name the columns (单位, 指标, 数值 …)."))
    year, month = _period_from_title(title_cells)
    if any(n in INDICATOR_HEADERS for n in header) and any(n in VALUE_HEADERS for n in header):
        return Sheet("long", year, month, list(_long_rows(rows, header, header_row)))
    return Sheet("wide", year, month, list(_wide_rows(rows, header, raw_header, header_row)))


def _col(header: list[str], names: set[str]) -> int | None:
    for index, name in enumerate(header):
        if name in names:
            return index
    return None


def _cell(row: Sequence[Any], index: int | None) -> Any:
    if index is None or index >= len(row):
        return None
    return row[index].value


def _is_percent(row: Sequence[Any], index: int | None) -> bool:
    if index is None or index >= len(row):
        return False
    fmt = getattr(row[index], "number_format", "") or ""
    return "%" in fmt


def _empty(row: Sequence[Any]) -> bool:
    return all(c.value is None or str(c.value).strip() == "" for c in row)


def _long_rows(rows: Iterator[Any], header: list[str], header_row: int) -> Iterator[RawRow]:
    unit_col = _col(header, UNIT_CODE_HEADERS)
    if unit_col is None:
        unit_col = _col(header, UNIT_HEADERS)
    ind_col = _col(header, INDICATOR_HEADERS)
    value_col = _col(header, VALUE_HEADERS)
    year_col = _col(header, YEAR_HEADERS)
    month_col = _col(header, MONTH_HEADERS)
    yoy_col = _col(header, YOY_HEADERS)
    letter = get_column_letter((value_col or 0) + 1)
    for offset, row in enumerate(rows, start=1):
        if _empty(row):
            continue
        yield RawRow(
            row=header_row + offset,
            column=letter,
            unit=str(_cell(row, unit_col) or "").strip(),
            indicator=str(_cell(row, ind_col) or "").strip(),
            year=_cell(row, year_col),
            month=_cell(row, month_col),
            value=_cell(row, value_col),
            yoy=_cell(row, yoy_col),
            percent_format=_is_percent(row, value_col),
        )


def _wide_rows(rows: Iterator[Any], header: list[str], raw_header: list[Any], header_row: int) -> Iterator[RawRow]:
    code_col = _col(header, UNIT_CODE_HEADERS)
    name_col = _col(header, UNIT_HEADERS - UNIT_CODE_HEADERS)
    fixed = {i for i in (code_col, name_col) if i is not None}
    value_cols = [
        (i, _indicator_header(raw_header[i]))
        for i in range(len(raw_header))
        if i not in fixed and raw_header[i] and header[i] not in NOTE_HEADERS
    ]
    for offset, row in enumerate(rows, start=1):
        if _empty(row):
            continue
        unit = str(_cell(row, code_col) or "").strip() or str(_cell(row, name_col) or "").strip()
        for index, indicator in value_cols:
            value = _cell(row, index)
            if value is None or str(value).strip() == "":
                continue
            yield RawRow(
                row=header_row + offset,
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
    sheet.append([_("Monthly indicator values"), "年份", year, "月份", month])
    sheet["A1"].font = _TITLE
    sheet.append(
        [
            _(
                "Cumulative indicators: the total from January to this month. "
                "Numbers may carry 万/亿 and thousands separators."
            )
        ]
    )
    sheet.append(["单位编码", "单位名称", *[f"{i.name}({i.unit})" for i in indicators]])
    for cell in sheet[3]:
        cell.font, cell.fill = _BOLD, _HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for unit in units:
        sheet.append([unit.code, unit.name])
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
    sheet.append([_("%(unit)s scorecard, %(period)s") % {"unit": card.unit.name, "period": card.period_label}])
    sheet["A1"].font = _TITLE
    sheet.append([_("Time progress: %(pct)s%%") % {"pct": card.time_progress}])
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
    sheet.append(headers)
    for cell in sheet[3]:
        cell.font, cell.fill = _BOLD, _HEAD_FILL
    lights = {"green": _("green"), "yellow": _("yellow"), "red": _("red"), "": ""}
    for row in card.rows:
        f = row.figures
        sheet.append(
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
            ]
        )
    sheet.column_dimensions["A"].width = 22
    for letter in "BCDEFGHI":
        sheet.column_dimensions[letter].width = 14
    sheet.append([])
    sheet.append([_("Exported %(when)s") % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M")}])
    return _save(book)


def _num(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
