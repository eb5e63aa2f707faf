"""The Excel annex (附件) of a bulletin: one sheet per full list, every cell through core/cells.py.

The sections write their figures as text (the Word tables' cells); in the annex a cell that is a plain
number (``"22000"``, ``"-110"``, ``"52.68"``) is written as a number, so the office can sum and sort
it. Codes, dates, percentages, numbers with a leading zero and long digit strings stay text."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from luoshi.core import cells
from luoshi.core.bulletin_sections import Annex

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


#: A count or an amount: no leading zero, at most nine digits before the point (a phone number stays text).
_NUMBER = re.compile(r"-?(0|[1-9]\d{0,8})(\.\d{1,4})?")


def number_or_text(value: Any) -> Any:
    """``"22000"`` → 22000, ``"52.68"`` → Decimal("52.68"); anything else as it is."""
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        return Decimal(value) if "." in value else int(value)
    return value


def sheet_name(name: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the book."""
    base = _SHEET_FORBIDDEN.sub(" ", name).strip()[:28] or "Sheet"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base[:26]}-{n}", n + 1
    taken.add(candidate)
    return candidate


def render(annexes: Iterable[tuple[str, Annex]]) -> bytes | None:
    """One sheet per (section title, annex); ``None`` when there is nothing to list."""
    book = Workbook(write_only=True)
    taken: set[str] = set()
    any_sheet = False
    for _section, annex in annexes:
        sheet = book.create_sheet(sheet_name(annex.name, taken))
        cells.append(sheet, annex.header)
        for row in annex.rows:
            cells.append(sheet, [number_or_text(v) for v in row])
        any_sheet = True
    if not any_sheet:
        return None
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
