"""Safe spreadsheet cells: every exported value goes through :func:`safe_value` or :func:`safe_row`.

Two things go wrong when user text is written into an .xlsx file as it is:

- Characters XML 1.0 cannot hold (C0 control characters other than tab, line
  feed and carriage return, e.g. ``\\x1b``) make openpyxl raise, so one
  resident's description would break a township's export for good. They are
  removed (as are lone surrogates, which cannot be encoded as UTF-8).
- Text starting with ``=``, ``+``, ``-`` or ``@`` (also after leading tabs,
  carriage returns, line feeds or spaces) is a formula to Excel and WPS:
  ``=HYPERLINK(...)`` would be live. Such text is written as a *string* cell
  with Excel's "quote prefix" (the apostrophe users type for the same
  purpose), so it shows exactly as typed and never runs.

Numbers, dates, booleans and ``None`` pass through unchanged.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

#: Characters openpyxl (XML 1.0) rejects, plus lone surrogates.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
#: Leading characters that make a spreadsheet treat text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@")
_LEADING_BLANKS = "\t\r\n "


def clean_text(text: str) -> str:
    """``text`` without the characters a spreadsheet cannot hold."""
    return _ILLEGAL.sub("", text)


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula (``=1+1``, ``\\t=cmd``, ``@SUM(A1)``, ``-2+3``)."""
    return text.lstrip(_LEADING_BLANKS).startswith(FORMULA_STARTS)


def safe_value(value: Any) -> Any:
    """The value with illegal characters removed; text stays text (use :func:`safe_row` to quote formulas)."""
    if isinstance(value, str):
        return clean_text(value)
    if value is not None and not isinstance(value, numbers.Number) and not hasattr(value, "isoformat"):
        return clean_text(str(value))  # lazy translations, Decimals and other objects: as text
    return value


def safe_cell(sheet: Worksheet | WriteOnlyWorksheet, value: Any) -> Any:
    """One cell for ``sheet.append``: plain values as they are, formula-like text as a quoted string cell."""
    value = safe_value(value)
    if isinstance(value, str) and is_formula_like(value):
        cell: Cell = WriteOnlyCell(sheet)
        cell.value = value
        cell.data_type = "s"  # openpyxl made it a formula ("f"); force text
        cell.quotePrefix = True
        return cell
    return value


def safe_row(sheet: Worksheet | WriteOnlyWorksheet, values: Iterable[Any]) -> list[Any]:
    """The row ``values`` made safe, ready for ``sheet.append``."""
    return [safe_cell(sheet, value) for value in values]


def append(sheet: Worksheet | WriteOnlyWorksheet, values: Iterable[Any]) -> None:
    """``sheet.append(values)`` with every cell made safe."""
    sheet.append(safe_row(sheet, values))
