"""Excel for key projects: export the (filtered) registry and its monthly investment; import a
month's investment for many projects at once; register many projects from one workbook.

The import is all-or-nothing per file: every row is checked first and every bad row is
reported (row number, column, reason in Chinese); only a file without errors is written,
in one transaction, through :func:`luoshi.projects.services.investment_record` (permission,
bounds and the activity log as on the page). Exported cells go through ``core.cells``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook, load_workbook

from luoshi.accounts.types import Actor
from luoshi.core import cells, uploads
from luoshi.core.errors import LuoshiError, ValidationFailed
from luoshi.org.labels import Labeller
from luoshi.org.models import Person, Unit
from luoshi.projects import services
from luoshi.projects.error_codes import ProjectErrorCode
from luoshi.projects.models import Investment, Kind, Level, Project, Stage
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
    label = Labeller()  # lead units named with their township
    for p in qs:
        ids.append(p.pk)
        cells.append(
            sheet,
            [
                p.code, p.name, str(p.get_kind_display()), "、".join(p.level_labels), str(p.get_stage_display()),
                str(p.get_schedule_display()) if p.schedule else "", str(p.get_light_display()) if p.light else "",
                label(p.unit), p.total_investment, p.plan_year, p.annual_plan, p.completed_year, p.completed_total,
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


def read(*, actor: Actor, content: bytes) -> Report:
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
def import_investment(*, actor: Actor, content: bytes) -> int:
    """Write every row, or nothing: raises with every bad row when any is bad.

    Rows that read well go through the service each in a savepoint, so that a rule only the
    service knows (a month not begun, 旬 mixed with a whole month) is reported for every row it
    refuses, next to the rows that could not be read; any error rolls the whole file back."""
    report = read(actor=actor, content=content)
    for row in report.rows:
        if row.errors or row.project is None or row.month is None or row.amount is None:
            continue
        try:
            with transaction.atomic():
                services.investment_record(
                    actor=actor, project=row.project, month=row.month, amount=row.amount, period=row.period,
                    note=row.note,
                )  # fmt: skip
        except LuoshiError as exc:
            row.errors.append(str(exc.message))
    if report.errors:
        raise ValidationFailed(
            _("Nothing was imported: %(n)d rows have errors.") % {"n": sum(1 for r in report.rows if r.errors)},
            code=ProjectErrorCode.IMPORT_INVALID,
            details={"rows": report.errors},
        )
    return len(report.rows)


# --- the registry: many projects registered from one workbook ---------------------------------

REGISTRY_COLUMNS = (
    "name", "kind", "levels", "unit", "stage", "total_investment", "plan_year", "annual_plan", "planned_start",
    "planned_finish", "leaders", "lat", "lng", "description",
)  # fmt: skip
MAX_REGISTRY_ROWS = 2_000


def _registry_headers() -> list[str]:
    return [
        _("Project name"), _("Type"), _("Levels (、 between)"), _("Lead unit (code or name)"), _("Stage"),
        _("Total investment (万元)"), _("Plan year"), _("Annual plan (万元)"), _("Planned start"),
        _("Planned finish"), _("Linked leaders (names, 、 between)"), _("Latitude"), _("Longitude"),
        _("Description"),
    ]  # fmt: skip


def registry_template() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Key projects")
    sheet.append(_registry_headers())
    sheet.append(
        [
            "天一智能装备产业园（一期）", str(Kind.INDUSTRY.label), "市、区县", "CD", str(Stage.CONSTRUCTION.label),
            20000, 2026, 8000, "2026-03-01", "2027-06-30", "", 28.01, 120.69, _("example row: delete it"),
        ]
    )  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _choices(enum: Any, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Cell text → value: the value itself, its label in Chinese and in English, and ``extra``."""
    out: dict[str, str] = {}
    for value, label in enum.choices:
        out[value] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                out[str(label).lower()] = value
    out.update(extra or {})
    return out


LEVEL_WORDS = {"省": "province", "省级": "province", "市": "city", "市级": "city", "区": "county", "区县": "county",
               "县": "county", "区级": "county", "县级": "county", "乡镇": "township", "镇": "township",
               "乡": "township", "街道": "township"}  # fmt: skip


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(_text(value).replace("/", "-").replace(".", "-"))


def _names(value: Any) -> list[str]:
    return [n.strip() for n in re.split(r"[、,，;；\s]+", _text(value)) if n.strip()]


def _registry_rows(content: bytes) -> list[tuple[int, list[Any]]]:
    uploads.check_xlsx(content)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ValidationFailed(
            _("The file cannot be read as an Excel workbook."), details={"file": [str(exc)[:200]]}
        ) from exc
    sheet = book.worksheets[0]
    raw = list(sheet.iter_rows(min_row=2, max_col=len(REGISTRY_COLUMNS), values_only=True))
    uploads.check_row_count(len(raw) + 1, max_rows=MAX_REGISTRY_ROWS)
    rows = [
        (number, (list(values) + [None] * len(REGISTRY_COLUMNS))[: len(REGISTRY_COLUMNS)])
        for number, values in enumerate(raw, start=2)
        if values and not all(v in (None, "") for v in values)
    ]
    if not rows:
        raise ValidationFailed(_("The sheet has no rows to import."), details={"file": [_("No rows.")]})
    return rows


@transaction.atomic
def import_registry(*, actor: Actor, content: bytes) -> int:
    """Register one project per row, or none: every row goes through
    :func:`luoshi.projects.services.project_create` (permission, every rule, the activity log) in
    a savepoint; when any row is refused, the whole file is rolled back and every bad row is
    reported with the column and the reason."""
    from luoshi.projects.forms import scoped_people, scoped_units
    from luoshi.projects.permissions import CREATORS

    rows = _registry_rows(content)
    units = list(scoped_units(actor, CREATORS).only("id", "code", "name", "kind", "path"))
    by_code = {u.code: u for u in units if u.code}
    by_name: dict[str, list[Unit]] = {}
    for u in units:
        by_name.setdefault(u.name, []).append(u)
    leaders: dict[str, list[Person]] = {}
    for person in scoped_people(actor, leaders_only=True).only("id", "name"):
        leaders.setdefault(person.name, []).append(person)
    kinds, stages = _choices(Kind), _choices(Stage)
    levels = _choices(Level, LEVEL_WORDS)
    headers = _registry_headers()
    column = dict(zip(REGISTRY_COLUMNS, headers, strict=True))
    errors: list[str] = []
    created = 0

    def bad(number: int, name: str, message: str) -> None:
        errors.append(_("Row %(n)d, %(column)s: %(e)s") % {"n": number, "column": column.get(name, name), "e": message})

    for number, values in rows:
        cell = dict(zip(REGISTRY_COLUMNS, values, strict=True))
        before = len(errors)
        unit_text = _text(cell["unit"])
        unit = by_code.get(unit_text)
        if unit is None:
            found = by_name.get(unit_text, [])
            if len(found) == 1:
                unit = found[0]
            else:
                bad(number, "unit", _("unit %(unit)s not found among the units where you may register projects")
                    % {"unit": unit_text or "—"})  # fmt: skip
        kind = kinds.get(_text(cell["kind"]).lower() or Kind.OTHER.value)
        if kind is None:
            bad(number, "kind", _("unknown type %(text)s") % {"text": _text(cell["kind"])})
        level_values = []
        for word in _names(cell["levels"]):
            level = levels.get(word.lower()) or levels.get(word.removesuffix("重点").removesuffix("重点项目"))
            if level is None:
                bad(number, "levels", _("unknown level %(text)s") % {"text": word})
            else:
                level_values.append(level)
        stage = stages.get(_text(cell["stage"]).lower() or Stage.PLANNING.value)
        if stage is None:
            bad(number, "stage", _("unknown stage %(text)s") % {"text": _text(cell["stage"])})
        linked: list[Person] = []
        for name in _names(cell["leaders"]):
            found_people = leaders.get(name, [])
            if len(found_people) != 1:
                bad(
                    number, "leaders", _("leader %(name)s not found (or not one person) in your scope") % {"name": name}
                )
            else:
                linked.append(found_people[0])
        dates: dict[str, dt.date | None] = {}
        for name in ("planned_start", "planned_finish"):
            try:
                dates[name] = _date(cell[name])
            except ValueError:
                bad(number, name, _("the date must look like 2026-03-01"))
        year_text = _text(cell["plan_year"])
        if not (year_text.isdigit() and len(year_text) == 4):
            bad(number, "plan_year", _("the plan year must be a year such as 2026"))
        if len(errors) > before or unit is None:
            continue
        data = services.ProjectData(
            name=_text(cell["name"]), unit=unit, kind=kind or Kind.OTHER, levels=level_values,
            stage=stage or Stage.PLANNING, total_investment=_text(cell["total_investment"]).replace(",", ""),
            plan_year=int(year_text), annual_plan=_text(cell["annual_plan"]).replace(",", ""),
            planned_start=dates.get("planned_start"), planned_finish=dates.get("planned_finish"), leaders=linked,
            lat=_text(cell["lat"]) or None, lng=_text(cell["lng"]) or None, description=_text(cell["description"]),
        )  # fmt: skip
        try:
            with transaction.atomic():
                services.project_create(actor=actor, data=data)
        except LuoshiError as exc:
            details = exc.details if isinstance(exc.details, dict) else {}
            if not details:
                bad(number, "", str(exc.message))
            for name, messages in details.items():
                for message in messages if isinstance(messages, list) else [messages]:
                    bad(number, name, str(message))
            continue
        created += 1
    if errors:
        raise ValidationFailed(
            _("Nothing was imported: %(n)d rows have errors.") % {"n": len(rows) - created},
            code=ProjectErrorCode.IMPORT_INVALID,
            details={"rows": errors},
        )
    return created
