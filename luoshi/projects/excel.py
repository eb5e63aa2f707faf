"""Excel for key projects: export the (filtered) registry and its monthly investment; import a
month's investment for many projects at once.

The import is all-or-nothing per file: every row is checked first and every bad row is
reported (row number, column, reason in Chinese); only a file without errors is written,
in one transaction, through :func:`luoshi.projects.services.investment_record` (permission,
bounds and the activity log as on the page). Exported cells go through ``core.cells``.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook, load_workbook

from luoshi.core import cells, uploads
from luoshi.core.errors import LuoshiError, ValidationFailed
from luoshi.projects import services
from luoshi.projects.models import Investment, Project
from luoshi.projects.permissions import can_report, projects_visible_to

MAX_IMPORT_ROWS = 20_000
COLUMNS = ("code", "month", "period", "amount", "note")


def _headers() -> list[str]:
    return [_("Project code"), _("Month (YYYY-MM)"), _("Ten-day period (0-3)"), _("Amount (万元)"), _("Note")]


def export_projects(qs: QuerySet[Project]) -> bytes:
    """The registry (one row per project) and, on a second sheet, every month's investment."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Key projects"))
    cells.append(
        sheet,
        [
            _("Code"), pgettext("project", "Name"), _("Type"), _("Levels"), _("Stage"), _("Status"), _("Light"),
            _("Lead unit"),
            _("Total investment (万元)"), _("Plan year"), _("Annual plan (万元)"), _("Completed this year (万元)"),
            _("Completed in all (万元)"), _("Time progress (%)"), _("Next milestone"), _("Open problems"),
            _("Linked leaders"),
        ],
    )  # fmt: skip
    ids: list[int] = []
    for p in qs:
        ids.append(p.pk)
        cells.append(
            sheet,
            [
                p.code, p.name, str(p.get_kind_display()), "、".join(p.level_labels), str(p.get_stage_display()),
                str(p.get_schedule_display()) if p.schedule else "", str(p.get_light_display()) if p.light else "",
                p.unit.name, p.total_investment, p.plan_year, p.annual_plan, p.completed_year, p.completed_total,
                p.time_progress, p.next_milestone_due, p.open_problems, "、".join(x.name for x in p.leaders.all()),
            ],
        )  # fmt: skip
    money = book.create_sheet(_("Monthly investment"))
    cells.append(money, _headers())
    rows = Investment.objects.filter(project_id__in=ids).order_by("project__code", "month", "period")
    for code, month, period, amount, note in rows.values_list("project__code", "month", "period", "amount", "note"):
        cells.append(money, [code, month.strftime("%Y-%m"), period, amount, note])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Monthly investment")
    sheet.append(_headers())
    sheet.append(["XM2026-00001", "2026-03", 0, 1250.5, _("example row: delete it")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass
class Row:
    number: int
    project: Project | None = None
    month: dt.date | None = None
    period: int = 0
    amount: Decimal | None = None
    note: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass
class Report:
    rows: list[Row]

    @property
    def errors(self) -> list[str]:
        return [_("Row %(n)d: %(e)s") % {"n": r.number, "e": e} for r in self.rows for e in r.errors]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _month(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date().replace(day=1)
    if isinstance(value, dt.date):
        return value.replace(day=1)
    text = _text(value).replace("/", "-").replace("年", "-").replace("月", "")
    parts = text.split("-")
    if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
        return dt.date(int(parts[0]), int(parts[1]), 1)
    raise ValueError(text)


def read(*, actor: Any, content: bytes) -> Report:
    """Parse and check every row; nothing is written."""
    uploads.check_xlsx(content)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ValidationFailed(
            _("The file cannot be read as an Excel workbook."), details={"file": [str(exc)[:200]]}
        ) from exc
    sheet = book.worksheets[0]
    raw = list(sheet.iter_rows(min_row=2, max_col=len(COLUMNS), values_only=True))
    uploads.check_row_count(len(raw) + 1, max_rows=MAX_IMPORT_ROWS)
    codes = {_text(r[0]) for r in raw if r and r[0] is not None}
    projects = {p.code: p for p in projects_visible_to(actor).filter(code__in=codes).select_related("unit")}
    rows: list[Row] = []
    seen: dict[tuple[int, dt.date, int], int] = {}
    for number, values in enumerate(raw, start=2):
        if not values or all(v in (None, "") for v in values):
            continue
        code, month, period, amount, note = (list(values) + [None] * len(COLUMNS))[: len(COLUMNS)]
        row = Row(number=number, note=_text(note)[:200])
        row.project = projects.get(_text(code))
        if row.project is None:
            row.errors.append(_("project %(code)s not found (or outside your scope)") % {"code": _text(code) or "—"})
        elif not can_report(actor, row.project):
            row.errors.append(_("you may not record investment for %(code)s") % {"code": row.project.code})
        try:
            row.month = _month(month)
        except (ValueError, TypeError):
            row.errors.append(_("the month must look like 2026-03"))
        text = _text(period) or "0"
        if text not in {"0", "1", "2", "3"}:
            row.errors.append(_("the ten-day period is 0 (whole month) or 1, 2, 3"))
        else:
            row.period = int(text)
        try:
            row.amount = Decimal(_text(amount).replace(",", ""))
            if not row.amount.is_finite() or row.amount < 0 or row.amount > Decimal("999999999.99"):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            row.errors.append(_("the amount must be a number of 万元 between 0 and 999,999,999.99"))
            row.amount = None
        if row.project is not None and row.month is not None:
            key = (row.project.pk, row.month, row.period)
            if key in seen:
                row.errors.append(_("the same project and month as row %(n)d") % {"n": seen[key]})
            seen[key] = number
        rows.append(row)
    if not rows:
        raise ValidationFailed(_("The sheet has no rows to import."), details={"file": [_("No rows.")]})
    return Report(rows)


@transaction.atomic
def import_investment(*, actor: Any, content: bytes) -> int:
    """Write every row, or nothing: raises with every bad row when any is bad."""
    report = read(actor=actor, content=content)
    if report.errors:
        raise ValidationFailed(
            _("Nothing was imported: %(n)d rows have errors.") % {"n": sum(1 for r in report.rows if r.errors)},
            code="import_rows",
            details={"rows": report.errors},
        )
    for row in report.rows:
        if row.project is None or row.month is None or row.amount is None:  # checked in read()
            continue
        try:
            services.investment_record(
                actor=actor, project=row.project, month=row.month, amount=row.amount, period=row.period, note=row.note
            )
        except LuoshiError as exc:
            # A rule only the service knows (a month not begun, 旬 mixed with a whole month):
            # report the row and roll the whole file back.
            raise ValidationFailed(
                _("Nothing was imported: row %(n)d: %(e)s") % {"n": row.number, "e": exc.message},
                code="import_rows",
                details={"rows": [_("Row %(n)d: %(e)s") % {"n": row.number, "e": exc.message}]},
            ) from exc
    return len(report.rows)
