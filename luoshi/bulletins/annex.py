"""The Excel annex (附件) of a bulletin: one sheet per full list, every cell through core/cells.py."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from openpyxl import Workbook

from luoshi.core import cells
from luoshi.core.bulletin_sections import Annex

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


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
            cells.append(sheet, row)
        any_sheet = True
    if not any_sheet:
        return None
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
