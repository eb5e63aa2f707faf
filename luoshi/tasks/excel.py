"""Task lists in Excel (清单化): the template, the all-or-nothing import, and the export.

The import is read twice: once for the preview (every row validated, nothing
written) and once more on confirmation, inside one transaction, so a file that
has become invalid in between still changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from luoshi.accounts.types import Actor
from luoshi.core import audit, cells, uploads
from luoshi.core.errors import Forbidden, ValidationFailed
from luoshi.core.timeutil import today as local_today
from luoshi.org.labels import Labeller
from luoshi.org.models import Person, Unit, UnitKind
from luoshi.org.selectors import units_visible_to
from luoshi.tasks import selectors, services
from luoshi.tasks.error_codes import TaskErrorCode
from luoshi.tasks.models import Cadence, Category, Goal, Light, Priority, Source, Status, Task
from luoshi.tasks.permissions import can_create_task_in, can_dispatch_somewhere, goals_visible_to

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 2000
MAX_BYTES = uploads.MAX_SPREADSHEET_BYTES

# (key, header, required, example)
COLUMNS: list[tuple[str, str | Promise, bool, str]] = [
    ("title", gettext_lazy("Task"), True, "东星4号地块征迁净地"),
    ("source", gettext_lazy("Source"), False, "上级交办"),
    ("goal", gettext_lazy("Goal"), False, ""),
    ("category", gettext_lazy("Category or project"), False, ""),
    ("target", gettext_lazy("Target"), True, "月底前完成净地"),
    ("acceptance", gettext_lazy("Acceptance standard"), True, "现场核查无遗留建筑"),
    ("measures", gettext_lazy("Measures"), False, "组建专班，每日调度"),
    ("responsible_leader", gettext_lazy("Responsible leader"), True, "林建华"),
    ("lead_unit", gettext_lazy("Lead unit"), True, "CDD03"),
    ("co_units", gettext_lazy("Co-units"), False, "CD01、CDD04"),
    ("task_force", gettext_lazy("Task force"), False, ""),
    ("start_date", gettext_lazy("Start date"), True, "2026-06-01"),
    ("deadline", gettext_lazy("Deadline"), True, "2026-06-30"),
    ("priority", gettext_lazy("Priority"), False, "重要"),
    ("report_cadence", gettext_lazy("Report cadence"), False, "每周"),
    ("description", gettext_lazy("Description"), False, ""),
]

LIST_SPLIT = re.compile(r"[、,，;；/\n]+")
DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def _labels(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Map value, English label and Chinese label (all lower-cased) to the value."""
    mapping: dict[str, str] = {}
    for value, label in choices:
        mapping[str(value).lower()] = str(value)
        with translation.override("en"):
            mapping[str(label).lower()] = str(value)
        with translation.override("zh-hans"):
            mapping[str(label).lower()] = str(value)
    return mapping


EXTRA_CHOICES = {
    "source": {"上级交办": "higher", "会议部署": "meeting", "领导批示": "instruction", "信访转办": "petition",
               "督查发现": "inspection", "其他": "other"},
    "priority": {"一般": "normal", "普通": "normal", "重要": "important", "紧急": "urgent"},
    "report_cadence": {"每周": "weekly", "每半月": "semimonthly", "半月": "semimonthly", "每月": "monthly",
                       "不定期": "none", "无": "none"},
}  # fmt: skip


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    for pattern in DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                # No such day (month 13, 30 February): Python's own message is English, so
                # raise the cell's text and let the row say it cannot be read.
                raise ValueError(text) from None
    raise ValueError(text)


def _header_map() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for key, header, _required, _example in COLUMNS:
        mapping[key] = key
        for lang in ("en", "zh-hans"):
            with translation.override(lang):
                mapping[str(header).strip().lower()] = key
                mapping[str(header).strip().lower() + "*"] = key
    return mapping


def template() -> bytes:
    """An empty task list with headers, one example row and a sheet of instructions."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Tasks")
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FDE2E2")
    for col, (_key, header, required, _example) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=col, value=f"{header}*" if required else str(header))
        cell.font = bold
        if required:
            cell.fill = required_fill
        ws.column_dimensions[get_column_letter(col)].width = 18
    # The example's dates start today, so the example row itself could be dispatched.
    start = local_today()
    dates = {"start_date": start.isoformat(), "deadline": (start + dt.timedelta(days=30)).isoformat()}
    for col, (key, _header, _required, example) in enumerate(COLUMNS, start=1):
        ws.cell(row=2, column=col, value=cells.safe_value(dates.get(key, example)))
    notes = wb.create_sheet(_("Instructions"))
    lines = [
        _("Fill one task per row. Columns marked * are required. Delete the example row."),
        _("Units and people are matched by name or short code (e.g. CDD03); several co-units are separated by 、"),
        _("Dates look like 2026-06-30, 2026/6/30 or 2026年6月30日."),
        _("Source: 上级交办, 会议部署, 领导批示, 信访转办, 督查发现 or 其他."),
        _("Priority: 一般, 重要 or 紧急. Report cadence: 每周, 每半月, 每月 or 不定期."),
        _("If any row has an error, nothing is imported; the preview lists every error."),
    ]
    for i, line in enumerate(lines, start=1):
        notes.cell(row=i, column=1, value=line)
    notes.column_dimensions["A"].width = 100
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass
class RowResult:
    number: int
    values: dict[str, Any]
    data: services.TaskData | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class Preview:
    rows: list[RowResult]
    file_errors: list[str] = field(default_factory=list)
    token: str = ""

    @property
    def ok(self) -> bool:
        return not self.file_errors and bool(self.rows) and all(not r.errors for r in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + sum(len(r.errors) for r in self.rows)


class _Lookup:
    """Name-or-code matching within the actor's scope, cached per import."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        units = list(units_visible_to(actor).filter(is_active=True).only("id", "name", "code", "path", "kind", "depth"))
        self.units_by_code = {u.code.upper(): u for u in units}
        self.units_by_name: dict[str, list[Unit]] = {}
        for u in units:
            self.units_by_name.setdefault(u.name, []).append(u)
        self.people: dict[str, list[Person]] = {}
        for p in selectors.people_choices(actor):
            self.people.setdefault(p.name, []).append(p)
        self.goals = list(goals_visible_to(actor))
        self.categories = list(Category.objects.filter(goal__in=self.goals))

    def unit(self, text: str) -> Unit:
        text = text.strip()
        if text.upper() in self.units_by_code:
            return self.units_by_code[text.upper()]
        matches = self.units_by_name.get(text, [])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise ValueError(_("“%(name)s” names several units; use its short code instead.") % {"name": text})
        raise ValueError(_("No unit “%(name)s” in your scope.") % {"name": text})

    def person(self, text: str) -> Person:
        matches = self.people.get(text.strip(), [])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise ValueError(_("Several people are called “%(name)s”.") % {"name": text})
        raise ValueError(_("No person “%(name)s” in your scope.") % {"name": text})

    def goal(self, text: str) -> Goal:
        matches = [g for g in self.goals if g.title == text.strip() or str(g) == text.strip()]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise ValueError(_("Several goals are called “%(name)s”; add the year in front.") % {"name": text})
        raise ValueError(_("No goal “%(name)s” in your scope.") % {"name": text})

    def category(self, text: str, goal: Goal | None) -> Category:
        text = text.strip()
        matches = [
            c
            for c in self.categories
            if (c.name == text or (c.code and c.code == text)) and (goal is None or c.goal_id == goal.pk)
        ]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise ValueError(_("Several categories are called “%(name)s”; fill in the goal too.") % {"name": text})
        raise ValueError(_("No category “%(name)s”.") % {"name": text})


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _choice(key: str, text: str, choices: Iterable[tuple[str, Any]], default: str) -> str:
    if not text:
        return default
    mapping = {**_labels(choices), **EXTRA_CHOICES.get(key, {})}
    value = mapping.get(text.lower())
    if value is None:
        raise ValueError(text)
    return value


def _read_rows(content: bytes) -> tuple[list[tuple[int, dict[str, Any]]], list[str]]:
    try:
        uploads.check_xlsx(content, max_bytes=MAX_BYTES)  # sizes and packing checked before openpyxl unpacks
    except ValidationFailed as exc:
        return [], [str(exc.message)]
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file gets the same answer
        return [], [_("This is not an Excel .xlsx file, or it is damaged.")]
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        return [], [_("The file is empty.")]
    names = _header_map()
    columns: dict[int, str] = {}
    for i, cell in enumerate(header):
        key = names.get(_cell_text(cell).lower())
        if key:
            columns[i] = key
    missing = [str(h) for k, h, required, _e in COLUMNS if required and k not in columns.values()]
    if missing:
        return [], [_("Missing columns: %(names)s. Download the template.") % {"names": "、".join(missing)}]
    result: list[tuple[int, dict[str, Any]]] = []
    for number, row in enumerate(rows, start=2):
        if number > uploads.MAX_ROWS:
            return [], [_("At most %(n)d rows can be imported at once.") % {"n": MAX_ROWS}]
        values = {key: row[i] if i < len(row) else None for i, key in columns.items()}
        if all(_cell_text(v) == "" for v in values.values()):
            continue
        result.append((number, values))
        if len(result) > MAX_ROWS:
            return [], [_("At most %(n)d rows can be imported at once.") % {"n": MAX_ROWS}]
    wb.close()
    if not result:
        return [], [_("The file has no task rows.")]
    return result, []


def _column_error(key: str, message: str) -> str:
    return _("%(column)s: %(message)s") % {"column": _column_label(key), "message": message}


def _validate_row(number: int, values: dict[str, Any], lookup: _Lookup) -> RowResult:
    row = RowResult(number=number, values={k: _cell_text(v) for k, v in values.items()})
    text = row.values
    errors = row.errors
    resolved: dict[str, Any] = {}

    def attempt(label: str, func: Any) -> Any:
        try:
            return func()
        except ValueError as exc:
            message = str(exc) if str(exc) and str(exc) != text.get(label, "") else ""
            errors.append(message or _("%(column)s: cannot read “%(value)s”.") % {
                "column": _column_label(label), "value": text.get(label, "")})  # fmt: skip
            return None

    if not text.get("title"):
        errors.append(_("%(column)s is required.") % {"column": _column_label("title")})
    for key in ("lead_unit", "start_date", "deadline"):
        if not text.get(key):
            errors.append(_("%(column)s is required.") % {"column": _column_label(key)})
    if text.get("lead_unit"):
        resolved["lead_unit"] = attempt("lead_unit", lambda: lookup.unit(text["lead_unit"]))
        lead = resolved["lead_unit"]
        if lead is not None and not can_create_task_in(lookup.actor, lead):
            errors.append(_("You cannot assign tasks to %(unit)s.") % {"unit": lead.name})
    co_units = []
    for part in LIST_SPLIT.split(text.get("co_units", "")):
        if part.strip():
            unit = attempt("co_units", lambda p=part: lookup.unit(p))
            if unit is not None:
                co_units.append(unit)
    resolved["task_force"] = (
        attempt("task_force", lambda: lookup.unit(text["task_force"])) if text.get("task_force") else None
    )
    if resolved["task_force"] is not None and resolved["task_force"].kind != UnitKind.TASK_FORCE:
        errors.append(_("%(unit)s is not a task force.") % {"unit": resolved["task_force"].name})
    resolved["responsible_leader"] = (
        attempt("responsible_leader", lambda: lookup.person(text["responsible_leader"]))
        if text.get("responsible_leader")
        else None
    )
    goal = attempt("goal", lambda: lookup.goal(text["goal"])) if text.get("goal") else None
    category = attempt("category", lambda: lookup.category(text["category"], goal)) if text.get("category") else None
    for key in ("start_date", "deadline"):
        if text.get(key):
            resolved[key] = attempt(key, lambda k=key: parse_date(values[k]))
    # Checked here too, so a row with other errors lists this one as well.
    start, deadline = resolved.get("start_date"), resolved.get("deadline")
    if start and deadline and deadline < start:
        errors.append(_column_error("deadline", _("The deadline cannot be before the start date.")))
    resolved["source"] = attempt(
        "source", lambda: _choice("source", text.get("source", ""), Source.choices, Source.HIGHER)
    )
    resolved["priority"] = attempt(
        "priority", lambda: _choice("priority", text.get("priority", ""), Priority.choices, Priority.NORMAL)
    )
    resolved["report_cadence"] = attempt(
        "report_cadence",
        lambda: _choice("report_cadence", text.get("report_cadence", ""), Cadence.choices, Cadence.WEEKLY),
    )
    if errors:
        return row
    data = services.TaskData(
        title=text["title"][:200],
        lead_unit=resolved["lead_unit"],
        start_date=resolved["start_date"],
        deadline=resolved["deadline"],
        description=text.get("description", ""),
        source=resolved["source"],
        goal=goal or (category.goal if category else None),
        category=category,
        target=text.get("target", ""),
        acceptance=text.get("acceptance", ""),
        measures=text.get("measures", ""),
        responsible_leader=resolved["responsible_leader"],
        co_units=co_units,
        task_force=resolved["task_force"],
        priority=resolved["priority"],
        report_cadence=resolved["report_cadence"],
    )
    try:
        services.validate_task_data(data)
    except ValidationFailed as exc:
        details = exc.details if isinstance(exc.details, dict) else {}
        for key, messages in details.items():
            for message in messages:
                errors.append(_column_error(key, message))
        if not details:
            errors.append(str(exc.message))
    for key, messages in services.dispatch_gaps(data, today=local_today()).items():
        errors.extend(_column_error(key, message) for message in messages)
    if len(text["title"]) > 200:
        errors.append(_("The title is too long (200 characters at most)."))
    if not errors:
        row.data = data
    return row


def _column_label(key: str) -> str:
    for k, header, _required, _example in COLUMNS:
        if k == key:
            return str(header)
    return key


def import_preview(*, actor: Actor, content: bytes) -> Preview:
    """Validate every row; write nothing. Only those who may create tasks somewhere may import."""
    if not can_dispatch_somewhere(actor):
        raise Forbidden(_("Only supervisors and leaders can import task lists."))
    rows, file_errors = _read_rows(content)
    if file_errors:
        return Preview(rows=[], file_errors=file_errors)
    lookup = _Lookup(actor)
    return Preview(rows=[_validate_row(n, v, lookup) for n, v in rows])


@transaction.atomic
def import_commit(*, actor: Actor, content: bytes) -> list[Task]:
    """Create every task of the file, assigned at once, or none of them."""
    preview = import_preview(actor=actor, content=content)
    if not preview.ok:
        details = {str(r.number): r.errors for r in preview.rows if r.errors}
        if preview.file_errors:
            details["file"] = preview.file_errors
        raise ValidationFailed(
            _("The file has %(n)d errors; nothing was imported.") % {"n": preview.error_count},
            code=TaskErrorCode.IMPORT_INVALID,
            details=details,
        )
    created = []
    for row in preview.rows:
        assert row.data is not None
        created.append(services.task_create(actor=actor, data=row.data, assign=True))
    if created:
        audit.record(actor=actor, obj=created[0], verb="task.import", comment=_("%(n)d tasks") % {"n": len(created)})
    return created


EXPORT_HEADERS: list[str | Promise] = [
    gettext_lazy("Number"), gettext_lazy("Task"), gettext_lazy("Status"), gettext_lazy("Light"),
    gettext_lazy("Progress %"), gettext_lazy("Lead unit"), gettext_lazy("Responsible leader"),
    gettext_lazy("Start date"), gettext_lazy("Deadline"), gettext_lazy("Source"), gettext_lazy("Priority"),
    gettext_lazy("Overdue"), gettext_lazy("Closed on time"), gettext_lazy("Missed reports"),
    gettext_lazy("Reminders"),
]  # fmt: skip

EXPORT_LIMIT = 50_000


def export_tasks(qs: QuerySet[Task]) -> bytes:
    """The rows of any filtered task list as .xlsx (streamed through a write-only workbook).

    Choice labels are translated once, not per row (``get_FOO_display`` translates
    every label of the field on each call, which made a 50,000-row export slow).
    """
    statuses = {v: str(label) for v, label in Status.choices}
    light_labels = {v: str(label) for v, label in Light.choices if v}
    sources = {v: str(label) for v, label in Source.choices}
    priorities = {v: str(label) for v, label in Priority.choices}
    yes, no = pgettext("spreadsheet cell", "yes"), pgettext("spreadsheet cell", "no")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Tasks"))
    cells.append(ws, [str(h) for h in EXPORT_HEADERS])
    label = Labeller()  # lead units named with their township
    for t in qs[:EXPORT_LIMIT].iterator(chunk_size=2000):
        cells.append(ws,
            [
                t.number, t.title, statuses.get(t.status, t.status), light_labels.get(t.light, ""), float(t.progress),
                label(t.lead_unit), t.responsible_leader.name if t.responsible_leader else "", t.start_date, t.deadline,
                sources.get(t.source, t.source), priorities.get(t.priority, t.priority),
                yes if t.is_overdue or t.closed_on_time is False else "",
                "" if t.closed_on_time is None else (yes if t.closed_on_time else no),
                t.missed_reports, t.reminder_count,
            ]
        )  # fmt: skip
    cells.append(ws, [])
    cells.append(ws, [_("Exported on %(date)s") % {"date": local_today().isoformat()}])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


__all__ = ["XLSX", "export_tasks", "import_commit", "import_preview", "template"]
