"""Excel exports of the run table and of one subject's breakdown (every cell through core/cells.py)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook

from luoshi.assessment.engine import Structure
from luoshi.assessment.models import Result, Run
from luoshi.assessment.selectors import SectionLine
from luoshi.core import cells

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _num(value: str | Decimal | None) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def run_table(run: Run, structure: Structure, results: Sequence[Result]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(run.period_key)
    cells.append(sheet, [f"{run.scheme.name} · {run.period_key} · {run.get_state_display()}"])
    cells.append(
        sheet,
        [_("Rank"), _("Scored unit or cadre"), *[s.name for s in structure.sections], _("Base"), _("Bonus"),
         _("Deduction"), _("Total score"), _("Band")],
    )  # fmt: skip
    for r in results:
        cells.append(
            sheet,
            [r.rank, r.name, *[_num(r.sections.get(str(s.id))) for s in structure.sections], r.base, r.bonus,
             r.deduction, r.total, r.band],
        )  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def breakdown(run: Run, result: Result, lines: Sequence[SectionLine]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(run.period_key)
    cells.append(sheet, [f"{run.scheme.name} · {run.period_key} · {result.name}"])
    cells.append(sheet, [_("Total score"), result.total, _("Rank"), result.rank, _("Band"), result.band])
    cells.append(
        sheet, [_("Section"), _("Item"), _("Full points"), _("Value"), _("Basis"), _("Records"), _("Points earned"),
                _("Counts for")]
    )  # fmt: skip
    for line in lines:
        for i in line.items:
            cells.append(
                sheet,
                [line.section.name, i.item.name, i.item.points, _num(i.value), i.basis, i.count, _num(i.points),
                 _num(i.contribution)],
            )  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
