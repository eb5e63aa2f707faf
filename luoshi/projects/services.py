"""Every write on key projects: one function per use case, one transaction each.

Each function checks the permission (``luoshi.projects.permissions`` over
``org.permissions``), validates its input with messages in Chinese, writes, records
the change in the activity log and recomputes what is derived (一数一源): the
investment sums, the 超前 / 正常 / 滞后 status, the light, the next milestone and
the open problems are never typed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from luoshi.accounts.types import Actor, signed_in
from luoshi.core import audit, links, uploads, versioning, workdays
from luoshi.core import lights as core_lights
from luoshi.core.errors import Conflict, ValidationFailed
from luoshi.core.timeutil import today as local_today
from luoshi.org.models import Person, Unit, UnitKind
from luoshi.org.permissions import can, require
from luoshi.org.scope import scope_for
from luoshi.projects import workflow
from luoshi.projects.creditcode import normalise as normalise_credit_code
from luoshi.projects.creditcode import validate_credit_code
from luoshi.projects.error_codes import ProjectErrorCode
from luoshi.projects.models import (
    LEVEL_FIELDS,
    MAX_MONEY,
    Enterprise,
    Investment,
    Kind,
    Lead,
    LeadSource,
    LeadStage,
    Level,
    Meeting,
    Milestone,
    Problem,
    ProblemKind,
    ProblemStatus,
    ProgressEntry,
    ProgressPhoto,
    Project,
    Stage,
)
from luoshi.projects.permissions import can_manage, person_of, require_manage, require_problem_manage, require_report

#: Working days before a milestone's or a problem's date when it turns yellow.
YELLOW_DAYS_LEFT = 3
#: Points by which this year's investment may trail (or lead) the time-progress line before
#: the project counts as 滞后 (or 超前).
BEHIND_MARGIN = 10
AHEAD_MARGIN = 10
#: Below this trail (in points) the project is still 正常 but its light turns yellow.
YELLOW_LAG = 5


def _fail(field_name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, details={field_name: [message]})


def _money(value: Any, field_name: str, *, required: bool = True) -> Decimal | None:
    if value is None or value == "":
        if required:
            raise _fail(field_name, _("Enter an amount in 万元."))
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise _fail(field_name, _("Enter the amount as a number of 万元, e.g. 1250.5.")) from None
    if not amount.is_finite():
        raise _fail(field_name, _("Enter the amount as a number of 万元, e.g. 1250.5."))
    if amount < 0:
        raise _fail(field_name, _("An amount cannot be negative."))
    if amount > MAX_MONEY:
        raise _fail(field_name, _("The amount is too large (at most 999,999,999.99 万元)."))
    return amount.quantize(Decimal("0.01"))


def _text(value: Any, field_name: str, limit: int, *, required: bool, label: str = "") -> str:
    text = str(value or "").strip()
    if required and not text:
        raise _fail(field_name, _("This field is required: %(label)s.") % {"label": label or field_name})
    if len(text) > limit:
        raise _fail(field_name, _("Too long: at most %(n)d characters.") % {"n": limit})
    return text


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


# --- computed status -------------------------------------------------------------------


@dataclass(frozen=True)
class Computed:
    completed_total: Decimal
    completed_year: Decimal
    time_progress: int
    schedule: str
    light: str
    next_milestone_due: dt.date | None
    late_milestones: int
    open_problems: int
    last_reported_month: dt.date | None
    reasons: tuple[str, ...] = ()
    late_problems: int = 0


def year_time_progress(cal: workdays.WorkCalendar, year: int, today: dt.date) -> int:
    """Share (0..100) of the plan year's working days that have passed by ``today``."""
    return core_lights.time_progress(cal, dt.date(year - 1, 12, 31), dt.date(year, 12, 31), today)


def compute(
    *,
    stage: str,
    plan_year: int,
    annual_plan: Decimal,
    completed_total: Decimal,
    completed_year: Decimal,
    milestones: Iterable[tuple[dt.date, dt.date | None]],
    problems: Iterable[tuple[str, dt.date]],
    today: dt.date,
    cal: workdays.WorkCalendar,
    last_reported_month: dt.date | None = None,
) -> Computed:
    """The derived figures of one project (pure: no database).

    - Investment is measured in 前期 and 在建 when there is an annual plan: this
      year's completed share of the plan against the share of the plan year's
      working days passed (the time-progress line).
    - 滞后 when the share trails the line by ``BEHIND_MARGIN`` points or a
      milestone is past its date; 超前 when it leads by ``AHEAD_MARGIN`` points and
      nothing is late; else 正常. Stages before signing and after completion carry
      no status unless a milestone is late.
    - The light (签约, 前期, 在建 only): red when 滞后 or an open problem is past its
      time limit; yellow when the share trails by ``YELLOW_LAG`` points or more, or a
      milestone or problem date is ``YELLOW_DAYS_LEFT`` working days away or closer;
      green otherwise.
    """
    tp = year_time_progress(cal, plan_year, today) if plan_year else 0
    late = 0
    near = False
    next_due: dt.date | None = None
    for due, done_on in milestones:
        lit = core_lights.due_light(cal, due=due, today=today, done_on=done_on, yellow_days_left=YELLOW_DAYS_LEFT)
        if lit.overdue:
            late += 1
        elif lit.light == core_lights.YELLOW:
            near = True
        if done_on is None and (next_due is None or due < next_due):
            next_due = due
    open_count = 0
    late_problems = 0
    for status, due in problems:
        if status == ProblemStatus.SETTLED:
            continue
        open_count += 1
        lit = core_lights.due_light(cal, due=due, today=today, yellow_days_left=YELLOW_DAYS_LEFT)
        if lit.overdue:
            late_problems += 1
        elif lit.light == core_lights.YELLOW:
            near = True
    problem_red = late_problems > 0
    measured = stage in workflow.MEASURED_STAGES and annual_plan > 0 and plan_year == today.year
    share = float(100 * completed_year / annual_plan) if annual_plan > 0 else 0.0
    reasons: list[str] = []
    if measured:
        schedule = core_lights.schedule_status(
            done_share=share, time_share=tp, ahead_margin=AHEAD_MARGIN, behind_margin=BEHIND_MARGIN
        )
        if schedule == core_lights.BEHIND:
            reasons.append("investment_behind")
    else:
        schedule = core_lights.ON_TRACK if stage in workflow.LIT_STAGES or late else ""
    if late:
        reasons.append("milestone_late")
        schedule = core_lights.BEHIND
    elif schedule == core_lights.AHEAD and late:
        schedule = core_lights.ON_TRACK
    light = core_lights.NONE
    if stage in workflow.LIT_STAGES:
        if problem_red:
            reasons.append("problem_overdue")
        if schedule == core_lights.BEHIND or problem_red:
            light = core_lights.RED
        elif near or (measured and tp - share >= YELLOW_LAG):
            light = core_lights.YELLOW
        else:
            light = core_lights.GREEN
    return Computed(
        completed_total=completed_total,
        completed_year=completed_year,
        time_progress=tp,
        schedule=schedule,
        light=light,
        next_milestone_due=next_due,
        late_milestones=late,
        open_problems=open_count,
        last_reported_month=last_reported_month,
        reasons=tuple(reasons),
        late_problems=late_problems,
    )


COMPUTED_FIELDS = (
    "completed_total", "completed_year", "time_progress", "schedule", "light", "next_milestone_due",
    "late_milestones", "open_problems", "late_problems", "last_reported_month",
)  # fmt: skip


def recompute(
    project: Project, *, today: dt.date | None = None, cal: workdays.WorkCalendar | None = None, save: bool = True
) -> list[str]:
    """Recompute and store the derived fields of one project; return those that changed."""
    today = today or local_today()
    cal = cal or workdays.calendar()
    sums = Investment.objects.filter(project=project).aggregate(total=Sum("amount"))
    year_sum = Investment.objects.filter(project=project, month__year=project.plan_year).aggregate(total=Sum("amount"))
    last = Investment.objects.filter(project=project).order_by("-month").values_list("month", flat=True).first()
    result = compute(
        stage=project.stage,
        plan_year=project.plan_year,
        annual_plan=project.annual_plan,
        completed_total=sums["total"] or Decimal("0"),
        completed_year=year_sum["total"] or Decimal("0"),
        milestones=Milestone.objects.filter(project=project).values_list("due_date", "done_on"),
        problems=Problem.objects.filter(project=project).values_list("status", "due_date"),
        today=today,
        cal=cal,
        last_reported_month=last,
    )
    return _store(project, result, save=save)


def _store(project: Project, result: Computed, *, save: bool) -> list[str]:
    changed = []
    for name in COMPUTED_FIELDS:
        value = getattr(result, name)
        if getattr(project, name) != value:
            setattr(project, name, value)
            changed.append(name)
    if save and changed:
        Project.objects.filter(pk=project.pk).update(**{n: getattr(project, n) for n in changed})
    return changed


# --- projects: create and edit ---------------------------------------------------------


@dataclass
class ProjectData:
    name: str
    unit: Unit
    total_investment: Any
    annual_plan: Any
    plan_year: int
    kind: str = Kind.INDUSTRY
    levels: Sequence[str] = ()
    stage: str = Stage.PLANNING
    description: str = ""
    task_force: Unit | None = None
    liaison: Person | None = None
    leaders: Sequence[Person] = ()
    enterprise: Any = None
    lat: Any = None
    lng: Any = None
    polygon: Any = None
    output_value: Any = None
    planned_start: dt.date | None = None
    planned_finish: dt.date | None = None
    actual_start: dt.date | None = None
    actual_finish: dt.date | None = None
    code: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)


def _coordinate(value: Any, field_name: str, low: int, high: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise _fail(field_name, _("Enter the coordinate as a decimal number.")) from None
    if not number.is_finite() or not low <= number <= high:
        raise _fail(field_name, _("The coordinate is out of range (%(low)s to %(high)s).") % {"low": low, "high": high})
    return number.quantize(Decimal("0.000001"))


def _polygon(value: Any) -> Any:
    if value in (None, "", {}):
        return None
    ok = (
        isinstance(value, dict)
        and value.get("type") == "Polygon"
        and isinstance(value.get("coordinates"), list)
        and 0 < len(value["coordinates"]) <= 10
        and all(isinstance(ring, list) and 4 <= len(ring) <= 2000 for ring in value["coordinates"])
        and all(
            isinstance(pt, list | tuple)
            and len(pt) == 2
            and all(isinstance(c, int | float) and not isinstance(c, bool) for c in pt)
            and -180 <= pt[0] <= 180
            and -90 <= pt[1] <= 90
            for ring in value["coordinates"]
            for pt in ring
        )
    )
    if not ok:
        raise _fail("polygon", _("The outline must be a GeoJSON Polygon with rings of 4 to 2000 [lng, lat] points."))
    return value


def _clean(actor: Actor, data: ProjectData) -> dict[str, Any]:
    """Validate ``data``; return the model field values. Raises with every field's error at once."""
    errors: dict[str, list[str]] = {}

    def check(name: str, func: Any) -> Any:
        try:
            return func()
        except ValidationFailed as exc:
            for key, messages in (exc.details or {name: [str(exc.message)]}).items():
                errors.setdefault(key, []).extend(str(m) for m in messages)
            return None

    values: dict[str, Any] = {
        "name": check("name", lambda: _text(data.name, "name", 120, required=True, label=_("name"))),
        "description": check("description", lambda: _text(data.description, "description", 4000, required=False)),
        "total_investment": check("total_investment", lambda: _money(data.total_investment, "total_investment")),
        "annual_plan": check("annual_plan", lambda: _money(data.annual_plan, "annual_plan")),
        "output_value": check("output_value", lambda: _money(data.output_value, "output_value", required=False)),
        "lat": check("lat", lambda: _coordinate(data.lat, "lat", -90, 90)),
        "lng": check("lng", lambda: _coordinate(data.lng, "lng", -180, 180)),
        "polygon": check("polygon", lambda: _polygon(data.polygon)),
    }
    if data.kind not in Kind.values:
        errors.setdefault("kind", []).append(_("Unknown project type."))
    unknown = [level for level in data.levels if level not in LEVEL_FIELDS]
    if unknown:
        errors.setdefault("levels", []).append(_("Unknown level: %(level)s.") % {"level": ", ".join(unknown)})
    if data.stage not in Stage.values:
        errors.setdefault("stage", []).append(_("Unknown stage."))
    if not 2000 <= int(data.plan_year or 0) <= 2100:
        errors.setdefault("plan_year", []).append(_("The plan year must lie between 2000 and 2100."))
    total, annual = values["total_investment"], values["annual_plan"]
    if total is not None and annual is not None and annual > total:
        errors.setdefault("annual_plan", []).append(_("The annual plan cannot exceed the total investment."))
    for begin, end, name in (
        (data.planned_start, data.planned_finish, "planned_finish"),
        (data.actual_start, data.actual_finish, "actual_finish"),
    ):
        if begin and end and end < begin:
            errors.setdefault(name, []).append(_("The finish cannot be before the start."))
    if data.actual_start and data.actual_start > local_today():
        errors.setdefault("actual_start", []).append(_("The actual start cannot be in the future."))
    if data.actual_finish and data.actual_finish > local_today():
        errors.setdefault("actual_finish", []).append(_("The actual finish cannot be in the future."))
    if data.task_force is not None and data.task_force.kind != UnitKind.TASK_FORCE:
        errors.setdefault("task_force", []).append(_("Choose a task force (专班) unit."))
    if len(data.leaders) > 10:
        errors.setdefault("leaders", []).append(_("Link at most 10 leaders."))
    scope = scope_for(actor)
    if data.task_force is not None and not scope.covers(data.task_force):
        errors.setdefault("task_force", []).append(_("The task force is outside your scope."))
    if data.enterprise is not None and not can(actor, "enterprise.view", data.enterprise):
        errors.setdefault("enterprise", []).append(_("The enterprise is outside your scope."))
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, details=errors)
    values.update(
        kind=data.kind,
        stage=data.stage,
        plan_year=int(data.plan_year),
        unit=data.unit,
        task_force=data.task_force,
        liaison=data.liaison,
        enterprise=data.enterprise,
        planned_start=data.planned_start,
        planned_finish=data.planned_finish,
        actual_start=data.actual_start,
        actual_finish=data.actual_finish,
    )
    for level, field_name in LEVEL_FIELDS.items():
        values[field_name] = level in data.levels
    return values


def next_code(year: int) -> str:
    prefix = f"XM{year}-"
    last = (
        Project.objects.filter(code__startswith=prefix).order_by("-code").values_list("code", flat=True).first() or ""
    )
    number = int(last.removeprefix(prefix)) + 1 if last.removeprefix(prefix).isdigit() else 1
    return f"{prefix}{number:05d}"


AUDITED = (
    "name", "kind", "stage", "unit", "task_force", "liaison", "enterprise", "total_investment", "plan_year",
    "annual_plan", "output_value", "planned_start", "planned_finish", "actual_start", "actual_finish", "lat", "lng",
    "on_province_list", "on_city_list", "on_county_list", "on_township_list", "description",
)  # fmt: skip


@transaction.atomic
def project_create(*, actor: Actor, data: ProjectData) -> Project:
    """Register a key project in ``data.unit`` (the lead unit)."""
    require(actor, "project.create", data.unit)
    values = _clean(actor, data)
    code = _text(data.code, "code", 24, required=False) or next_code(values["plan_year"])
    if Project.objects.filter(code=code).exists():
        raise _fail("code", _("The code %(code)s is already taken.") % {"code": code})
    project = Project.objects.create(code=code, created_by=signed_in(actor), **values)
    if data.leaders:
        project.leaders.set(list(data.leaders))
    recompute(project)
    audit.record(actor=actor, obj=project, verb="create")
    return project


@transaction.atomic
def project_update(*, actor: Actor, project: Project, data: ProjectData, version: int | None = None) -> Project:
    """Edit a project's registry fields. The stage moves only through :func:`project_step`."""
    project = versioning.lock(Project, project.pk)
    require_manage(actor, project)
    versioning.check_version(
        project, version, message=_("Someone else changed this project in the meantime. Reload the page and try again.")
    )
    if data.unit.pk != project.unit_id:
        require(actor, "project.create", data.unit)
    data.stage = project.stage
    before = audit.snapshot(project, AUDITED)
    leaders_before = sorted(str(p) for p in project.leaders.all())
    values = _clean(actor, data)
    for key, value in values.items():
        setattr(project, key, value)
    project.version += 1
    project.save()
    project.leaders.set(list(data.leaders))
    changes = audit.diff(before, audit.snapshot(project, AUDITED))
    leaders_after = sorted(str(p) for p in data.leaders)
    if leaders_after != leaders_before:
        changes["leaders"] = {"before": leaders_before, "after": leaders_after}
    recompute(project)
    if changes:
        audit.record(actor=actor, obj=project, verb="update", changes=changes)
    return project


@transaction.atomic
def project_step(
    *,
    actor: Actor,
    project: Project,
    action: str,
    comment: str = "",
    on: dt.date | None = None,
    version: int | None = None,
) -> Project:
    """Move the project one stage on (or back, with a reason) along the stage table. With the
    ``version`` the caller read, a step someone else took meanwhile is not taken twice (409)."""
    project = versioning.lock(Project, project.pk)
    require_manage(actor, project)
    versioning.check_version(project, version)
    row = workflow.project_transition(project.stage, action)
    comment = _text(comment, "comment", 500, required=row.needs_comment, label=_("reason"))
    day = on or local_today()
    if day > local_today():
        raise _fail("on", _("The date cannot be in the future."))
    before = audit.snapshot(project, ["stage", "actual_start", "actual_finish"])
    project.stage = row.target
    if row.target == Stage.CONSTRUCTION and project.actual_start is None:
        project.actual_start = day
    if row.target == Stage.COMPLETED and project.actual_finish is None:
        project.actual_finish = day
    project.version += 1
    project.save(update_fields=["stage", "actual_start", "actual_finish", "version", "updated_at"])
    recompute(project)
    audit.record(
        actor=actor,
        obj=project,
        verb=f"project.{action}",
        changes=audit.diff(before, audit.snapshot(project, ["stage", "actual_start", "actual_finish"])),
        comment=comment,
    )
    return project


# --- money, milestones, progress ---------------------------------------------------------


@transaction.atomic
def investment_record(
    *, actor: Actor, project: Project, month: dt.date, amount: Any, period: int = 0, note: str = ""
) -> Investment:
    """Record (or correct) the investment completed in a month, or in one 旬 of it.

    A month is recorded either as a whole (``period`` 0) or by 旬 (1, 2, 3), not both.
    """
    require_report(actor, project)
    value = _money(amount, "amount") or Decimal("0")  # required: None raises
    note = _text(note, "note", 200, required=False)
    if period not in (0, 1, 2, 3):
        raise _fail("period", _("The period is 0 (whole month) or 1, 2, 3 (上旬, 中旬, 下旬)."))
    first = month_start(month)
    if first > month_start(local_today()):
        raise _fail("month", _("Investment cannot be recorded for a month that has not begun."))
    if first.year < 2000:
        raise _fail("month", _("The month is too far in the past."))
    others = Investment.objects.filter(project=project, month=first)
    if period == 0 and others.exclude(period=0).exists():
        raise _fail("period", _("This month is recorded by ten-day periods; correct those instead."))
    if period != 0 and others.filter(period=0).exists():
        raise _fail("period", _("This month is recorded as a whole; correct the month instead."))
    row = others.filter(period=period).first()
    before = row.amount if row else None
    if row is None:
        row = Investment.objects.create(
            project=project, month=first, period=period, amount=value, note=note, recorded_by=signed_in(actor)
        )
    else:
        row.amount, row.note, row.recorded_by = value, note, signed_in(actor)
        row.save(update_fields=["amount", "note", "recorded_by"])
    recompute(project)
    label = first.strftime("%Y-%m") + (f"/{period}" if period else "")
    audit.record(
        actor=actor,
        obj=project,
        verb="project.investment",
        changes={f"investment {label}": {"before": None if before is None else str(before), "after": str(value)}},
    )
    return row


@transaction.atomic
def milestone_add(*, actor: Actor, project: Project, title: str, due_date: dt.date) -> Milestone:
    require_manage(actor, project)
    title = _text(title, "title", 120, required=True, label=_("title"))
    if not dt.date(2000, 1, 1) <= due_date <= dt.date(2100, 12, 31):
        raise _fail("due_date", _("The date must lie between 2000 and 2100."))
    milestone = Milestone.objects.create(project=project, title=title, due_date=due_date)
    recompute(project)
    audit.record(actor=actor, obj=project, verb="project.milestone", comment=f"+ {title} {due_date.isoformat()}")
    return milestone


@transaction.atomic
def milestone_set_done(*, actor: Actor, milestone: Milestone, done_on: dt.date | None) -> Milestone:
    project = milestone.project
    require_report(actor, project)
    if done_on is not None and done_on > local_today():
        raise _fail("done_on", _("A milestone cannot be done in the future."))
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    recompute(project)
    state = done_on.isoformat() if done_on else _("not done")
    audit.record(actor=actor, obj=project, verb="project.milestone", comment=f"{milestone.title}: {state}")
    return milestone


MAX_PHOTOS = 9


@transaction.atomic
def progress_add(
    *, actor: Actor, project: Project, text: str, date: dt.date | None = None, photos: Sequence[Any] = ()
) -> ProgressEntry:
    """Add a 形象进度 entry with up to :data:`MAX_PHOTOS` photos.

    Each photo is checked by its content and re-encoded (``core.uploads.check_image``);
    one bad photo refuses the whole entry, so nothing is half-saved.
    """
    require_report(actor, project)
    text = _text(text, "text", 2000, required=True, label=_("progress"))
    day = date or local_today()
    if day > local_today():
        raise _fail("date", _("The date cannot be in the future."))
    if day.year < 2000:
        raise _fail("date", _("The date must lie between 2000 and 2100."))
    if len(photos) > MAX_PHOTOS:
        raise _fail("photos", _("At most %(n)d photos per entry.") % {"n": MAX_PHOTOS})
    checked = [uploads.check_image(photo, field="photos") for photo in photos]
    entry = ProgressEntry.objects.create(project=project, date=day, text=text, created_by=signed_in(actor))
    for image in checked:
        stem = uuid.uuid4().hex
        lat, lng = image.location if image.location else (None, None)
        ProgressPhoto.objects.create(
            entry=entry,
            evidence=image.evidence_file(f"{stem}-exif"),
            public=image.public_file(stem),
            thumbnail=image.thumbnail_file(stem),
            content_type=image.content_type,
            width=image.width,
            height=image.height,
            taken_at=image.taken_at,
            lat=Decimal(str(lat)) if lat is not None else None,
            lng=Decimal(str(lng)) if lng is not None else None,
        )
    comment = text[:200] + (f" (+{len(checked)} 📷)" if checked else "")
    audit.record(actor=actor, obj=project, verb="project.progress", comment=comment)
    return entry


# --- problems to coordinate -> tasks -----------------------------------------------------


@transaction.atomic
def problem_add(
    *,
    actor: Actor,
    project: Project,
    kind: str,
    title: str,
    unit: Unit,
    due_date: dt.date,
    description: str = "",
    meeting: Any = None,
) -> Problem:
    require_manage(actor, project)
    if kind not in ProblemKind.values:
        raise _fail("kind", _("Unknown kind of problem."))
    title = _text(title, "title", 200, required=True, label=_("problem"))
    description = _text(description, "description", 4000, required=False)
    if not scope_for(actor).covers(unit) and not can(actor, "unit.view", unit):
        raise _fail("unit", _("The responsible unit is outside your scope."))
    if due_date < local_today():
        raise _fail("due_date", _("The time limit cannot be in the past."))
    if due_date > dt.date(2100, 12, 31):
        raise _fail("due_date", _("The date must lie between 2000 and 2100."))
    problem = Problem.objects.create(
        project=project,
        kind=kind,
        title=title,
        description=description,
        unit=unit,
        due_date=due_date,
        meeting=meeting,
        created_by=signed_in(actor),
    )
    recompute(project)
    audit.record(actor=actor, obj=project, verb="project.problem", comment=title)
    return problem


def _lock_problem(problem: Problem) -> Problem:
    return versioning.lock(Problem.objects.select_related("project", "unit"), problem.pk)


@transaction.atomic
def problem_to_task(
    *,
    actor: Actor,
    problem: Problem,
    responsible_leader: Person,
    deadline: dt.date | None = None,
    target: str = "",
    acceptance: str = "",
) -> links.TaskRef:
    """Put a problem into the closed loop as an assigned task (one action).

    The task carries the five fixes: the target (what must be true), the
    responsible leader, the lead unit (the problem's responsible unit), the
    deadline (the problem's time limit unless given) and the acceptance standard.
    """
    problem = _lock_problem(problem)
    require_problem_manage(actor, problem)
    if problem.task_id is not None and problem.status != ProblemStatus.OPEN:
        raise Conflict(_("This problem is already being handled as a task."), code=ProjectErrorCode.PROBLEM_HAS_TASK)
    if problem.status == ProblemStatus.SETTLED:
        raise Conflict(_("This problem is already settled."), code=ProjectErrorCode.PROBLEM_SETTLED)
    project = problem.project
    request = links.TaskRequest(
        title=_("%(project)s: %(problem)s") % {"project": project.name, "problem": problem.title},
        target=_text(target, "target", 2000, required=False)
        or _("Settle the problem so that the project %(project)s can go on: %(problem)s")
        % {"project": project.name, "problem": problem.title},
        acceptance=_text(acceptance, "acceptance", 2000, required=False)
        or _("The project's liaison confirms on the project page that the problem no longer holds the project up."),
        lead_unit_id=problem.unit_id,
        responsible_leader_id=responsible_leader.pk,
        deadline=deadline or problem.due_date,
        description=(problem.description or problem.title)
        + "\n\n"
        + _("Problem to coordinate (%(kind)s) of the key project %(code)s %(project)s.")
        % {"kind": problem.get_kind_display(), "code": project.code, "project": project.name},
        origin=f"projects.problem:{problem.pk}",
    )
    ref = links.spawn_task(actor=actor, request=request)
    problem.task_id = ref.id
    problem.task_status = ref.status
    problem.status = ProblemStatus.IN_TASK
    problem.version += 1
    problem.save(update_fields=["task_id", "task_status", "status", "version"])
    audit.record(actor=actor, obj=project, verb="project.problem_task", comment=f"{problem.title} → {ref.number}")
    return ref


def _state_from_task(ref: links.TaskRef | None) -> str:
    if ref is None or not ref.closed:
        return ProblemStatus.IN_TASK
    return ProblemStatus.SETTLED if ref.done else ProblemStatus.OPEN


@transaction.atomic
def sync_problem_tasks(*, problems: Iterable[Problem] | None = None, today: dt.date | None = None) -> int:
    """Pull the state of the problems' tasks back (done → settled, cancelled → open again).

    With no ``problems`` every problem handled as a task is checked. Returns how
    many problems changed.
    """
    rows = (
        list(problems)
        if problems is not None
        else list(Problem.objects.filter(status=ProblemStatus.IN_TASK, task_id__isnull=False))
    )
    rows = [p for p in rows if p.task_id is not None]
    if not rows:
        return 0
    states = links.task_states(p.task_id for p in rows)
    day = today or local_today()
    touched: set[int] = set()
    changed = 0
    for problem in rows:
        ref = states.get(problem.task_id or 0)
        status = _state_from_task(ref)
        task_status = ref.status if ref else problem.task_status
        if status == problem.status and task_status == problem.task_status:
            continue
        update: dict[str, Any] = {"status": status, "task_status": task_status}
        if status == ProblemStatus.SETTLED and problem.settled_on is None:
            update["settled_on"] = day
        if status == ProblemStatus.OPEN:
            update["task_id"] = None
        Problem.objects.filter(pk=problem.pk).update(**update)
        for key, value in update.items():
            setattr(problem, key, value)
        touched.add(problem.project_id)
        changed += 1
        if status != ProblemStatus.IN_TASK:
            audit.record(
                actor=None,
                obj=problem,
                verb="project.problem_sync",
                comment=str(ProblemStatus(status).label),
            )
    for project in Project.objects.filter(pk__in=touched):
        recompute(project, today=day)
    return changed


@transaction.atomic
def problem_settle(*, actor: Actor, problem: Problem, comment: str = "") -> Problem:
    """Mark a problem settled by hand (one that was settled without a task)."""
    problem = _lock_problem(problem)
    require_problem_manage(actor, problem)
    if problem.status != ProblemStatus.OPEN:
        raise Conflict(
            _("Only an open problem that is not being handled as a task can be settled by hand."),
            code=ProjectErrorCode.PROBLEM_NOT_OPEN,
        )
    comment = _text(comment, "comment", 500, required=True, label=_("how it was settled"))
    problem.status = ProblemStatus.SETTLED
    problem.settled_on = local_today()
    problem.version += 1
    problem.save(update_fields=["status", "settled_on", "version"])
    recompute(problem.project)
    audit.record(
        actor=actor, obj=problem.project, verb="project.problem_settled", comment=f"{problem.title}: {comment}"
    )
    return problem


# --- the daily job ---------------------------------------------------------------------


def refresh_all(*, today: dt.date | None = None, batch_size: int = 500) -> dict[str, int]:
    """Recompute every project's derived fields (time progress moves every working day)."""
    day = today or local_today()
    cal = workdays.calendar()
    synced = sync_problem_tasks(today=day)
    changed = 0
    ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        changed += _refresh_chunk(chunk, day, cal)
    return {"projects": len(ids), "changed": changed, "problems_synced": synced}


@transaction.atomic
def _refresh_chunk(ids: list[int], day: dt.date, cal: workdays.WorkCalendar) -> int:
    """Recompute a batch of projects with four queries (not four per project)."""
    projects = list(Project.objects.filter(pk__in=ids))
    plan_years = {p.pk: p.plan_year for p in projects}
    totals: dict[int, Decimal] = {}
    years: dict[int, Decimal] = {}
    lasts: dict[int, dt.date] = {}
    for pid, month, amount in Investment.objects.filter(project_id__in=ids).values_list(
        "project_id", "month", "amount"
    ):
        totals[pid] = totals.get(pid, Decimal("0")) + amount
        if month.year == plan_years[pid]:
            years[pid] = years.get(pid, Decimal("0")) + amount
        lasts[pid] = max(lasts.get(pid, month), month)
    milestones: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
    for pid, due, done in Milestone.objects.filter(project_id__in=ids).values_list("project_id", "due_date", "done_on"):
        milestones.setdefault(pid, []).append((due, done))
    problems: dict[int, list[tuple[str, dt.date]]] = {}
    for pid, status, due in Problem.objects.filter(project_id__in=ids).values_list("project_id", "status", "due_date"):
        problems.setdefault(pid, []).append((status, due))
    changed = 0
    for project in projects:
        result = compute(
            stage=project.stage,
            plan_year=project.plan_year,
            annual_plan=project.annual_plan,
            completed_total=totals.get(project.pk, Decimal("0")),
            completed_year=years.get(project.pk, Decimal("0")),
            milestones=milestones.get(project.pk, []),
            problems=problems.get(project.pk, []),
            today=day,
            cal=cal,
            last_reported_month=lasts.get(project.pk),
        )
        if _store(project, result, save=True):
            changed += 1
    return changed


# --- consultation meetings (会商) -------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor: Actor,
    unit: Unit,
    date: dt.date,
    title: str,
    projects: Sequence[Project],
    chair: Person | None = None,
    attendees: str = "",
    notes: str = "",
) -> Meeting:
    """Record a consultation meeting on one or more projects the actor may see."""
    require(actor, "meeting.create", unit)
    title = _text(title, "title", 120, required=True, label=_("title"))
    attendees = _text(attendees, "attendees", 2000, required=False)
    notes = _text(notes, "notes", 8000, required=False)
    if not dt.date(2000, 1, 1) <= date <= local_today():
        raise _fail("date", _("The meeting date cannot be in the future."))
    if not projects:
        raise _fail("projects", _("Choose the projects discussed."))
    if len(projects) > 100:
        raise _fail("projects", _("At most 100 projects per meeting."))
    for project in projects:
        if not can(actor, "project.view", project) and not can_manage(actor, project):
            raise _fail("projects", _("%(name)s is outside your scope.") % {"name": project.name})
    meeting = Meeting.objects.create(
        unit=unit, date=date, title=title, chair=chair, attendees=attendees, notes=notes, created_by=signed_in(actor)
    )
    meeting.projects.set(list(projects))
    audit.record(actor=actor, obj=meeting, verb="create")
    return meeting


def meeting_problem_add(
    *,
    actor: Actor,
    meeting: Meeting,
    project: Project,
    kind: str,
    title: str,
    unit: Unit,
    due_date: dt.date,
    description: str = "",
) -> Problem:
    """A problem raised at a meeting: tracked like any other, and listed at the next meeting."""
    if not meeting.projects.filter(pk=project.pk).exists():
        raise _fail("project", _("The project was not discussed at this meeting."))
    if not can(actor, "meeting.manage", meeting):
        require(actor, "meeting.manage", meeting)
    return problem_add(
        actor=actor, project=project, kind=kind, title=title, unit=unit, due_date=due_date,
        description=description, meeting=meeting,
    )  # fmt: skip


# --- 招商 leads -------------------------------------------------------------------------


@dataclass
class LeadData:
    name: str
    unit: Unit
    cadre: Person
    amount: Any
    found_on: dt.date
    investor: str = ""
    sector: str = ""
    source: str = LeadSource.OWN
    referrer: Enterprise | None = None
    note: str = ""


def _clean_lead(actor: Actor, data: LeadData) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}

    def check(name: str, func: Any) -> Any:
        try:
            return func()
        except ValidationFailed as exc:
            for key, messages in (exc.details or {name: [str(exc.message)]}).items():
                errors.setdefault(key, []).extend(str(m) for m in messages)
            return None

    values = {
        "name": check("name", lambda: _text(data.name, "name", 120, required=True, label=_("name"))),
        "investor": check("investor", lambda: _text(data.investor, "investor", 120, required=False)),
        "sector": check("sector", lambda: _text(data.sector, "sector", 50, required=False)),
        "note": check("note", lambda: _text(data.note, "note", 4000, required=False)),
        "amount": check("amount", lambda: _money(data.amount, "amount")),
    }
    if data.source not in LeadSource.values:
        errors.setdefault("source", []).append(_("Unknown source of the lead."))
    if data.source == LeadSource.REFERRAL and data.referrer is None:
        errors.setdefault("referrer", []).append(_("Name the enterprise that referred the lead (以企招企)."))
    if data.referrer is not None and not can(actor, "enterprise.view", data.referrer):
        errors.setdefault("referrer", []).append(_("The enterprise is outside your scope."))
    if not dt.date(2000, 1, 1) <= data.found_on <= local_today():
        errors.setdefault("found_on", []).append(_("The date cannot be in the future."))
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], details=errors)
    values.update(
        unit=data.unit, cadre=data.cadre, source=data.source, found_on=data.found_on,
        referrer=data.referrer,
    )  # fmt: skip
    return values


def _is_cadre(actor: Actor, lead: Lead) -> bool:
    person = person_of(actor)
    return person is not None and lead.cadre_id == person


def can_manage_lead(actor: Actor, lead: Lead) -> bool:
    return can(actor, "lead.manage", lead) or _is_cadre(actor, lead)


@transaction.atomic
def lead_create(*, actor: Actor, data: LeadData) -> Lead:
    """Register a lead. 全员招商: anybody with a role at the unit may, and any cadre may own it."""
    require(actor, "lead.create", data.unit)
    values = _clean_lead(actor, data)
    lead = Lead.objects.create(created_by=signed_in(actor), **values)
    audit.record(actor=actor, obj=lead, verb="create")
    return lead


LEAD_AUDITED = ("name", "investor", "sector", "amount", "source", "referrer", "unit", "cadre", "found_on", "note")


@transaction.atomic
def lead_update(*, actor: Actor, lead: Lead, data: LeadData, version: int | None = None) -> Lead:
    lead = versioning.lock(Lead, lead.pk)
    if not can_manage_lead(actor, lead):
        require(actor, "lead.manage", lead)
    versioning.check_version(lead, version)
    if data.unit.pk != lead.unit_id:
        require(actor, "lead.create", data.unit)
    before = audit.snapshot(lead, LEAD_AUDITED)
    for key, value in _clean_lead(actor, data).items():
        setattr(lead, key, value)
    lead.version += 1
    lead.save()
    changes = audit.diff(before, audit.snapshot(lead, LEAD_AUDITED))
    if changes:
        audit.record(actor=actor, obj=lead, verb="update", changes=changes)
    return lead


@transaction.atomic
def lead_step(
    *, actor: Actor, lead: Lead, action: str, on: dt.date | None = None, comment: str = "", version: int | None = None
) -> Lead:
    """Move a lead along the pipeline (线索 → 在谈 → 签约 → 落地/开工 → 投产), recording the day of each step
    (with the ``version`` read, a step someone else took meanwhile is refused: 409)."""
    lead = versioning.lock(Lead, lead.pk)
    if not can_manage_lead(actor, lead):
        require(actor, "lead.manage", lead)
    versioning.check_version(lead, version)
    row = workflow.lead_transition(lead.stage, action)
    comment = _text(comment, "comment", 500, required=row.needs_comment, label=_("reason"))
    day = on or local_today()
    if day > local_today():
        raise _fail("on", _("The date cannot be in the future."))
    previous = [getattr(lead, f) for f in ("found_on", "talks_on", "signed_on", "landed_on") if getattr(lead, f)]
    if action != workflow.REVIVE and previous and day < max(previous):
        raise _fail("on", _("A step cannot be dated before the step before it."))
    before = audit.snapshot(lead, ["stage"])
    lead.stage = row.target
    date_field = workflow.LEAD_DATE_FIELD.get(row.target)
    if date_field:
        setattr(lead, date_field, day)
    if action == workflow.REVIVE:
        lead.dropped_on = None
    lead.version += 1
    lead.save()
    audit.record(
        actor=actor, obj=lead, verb=f"lead.{action}", changes=audit.diff(before, audit.snapshot(lead, ["stage"])),
        comment=comment,
    )  # fmt: skip
    return lead


#: Lead stages from which a registry project can be made, and the stage it starts at.
PROJECT_STAGE_OF_LEAD: dict[str, str] = {
    LeadStage.SIGNED: Stage.SIGNED,
    LeadStage.LANDED: Stage.CONSTRUCTION,
    LeadStage.OPERATING: Stage.OPERATING,
}


@transaction.atomic
def lead_to_project(*, actor: Actor, lead: Lead, unit: Unit | None = None) -> Project:
    """A signed lead becomes a key project in the registry with one action (and stays linked to it)."""
    lead = versioning.lock(Lead, lead.pk)
    if not can_manage_lead(actor, lead):
        require(actor, "lead.manage", lead)
    if lead.project_id is not None:
        raise Conflict(_("This lead already is a registry project."), code=ProjectErrorCode.LEAD_HAS_PROJECT)
    stage = PROJECT_STAGE_OF_LEAD.get(lead.stage)
    if stage is None:
        raise Conflict(_("Only a signed lead can become a registry project."), code=ProjectErrorCode.LEAD_NOT_SIGNED)
    day = lead.signed_on or local_today()
    project = project_create(
        actor=actor,
        data=ProjectData(
            name=lead.name, unit=unit or lead.unit, total_investment=lead.amount, annual_plan=Decimal("0"),
            plan_year=local_today().year, kind=Kind.INDUSTRY, levels=[Level.TOWNSHIP], stage=stage,
            description=_("From the investment lead %(name)s (investor %(investor)s, signed %(day)s).")
            % {"name": lead.name, "investor": lead.investor or "—", "day": day.isoformat()},
            actual_start=lead.landed_on,
        ),
    )  # fmt: skip
    lead.project = project
    lead.version += 1
    lead.save(update_fields=["project", "version"])
    audit.record(actor=actor, obj=lead, verb="lead.to_project", comment=project.code)
    return project


# --- enterprises -----------------------------------------------------------------------


@dataclass
class EnterpriseData:
    name: str
    credit_code: str
    unit: Unit
    sector: str = ""
    above_scale: bool = False
    above_quota: bool = False
    contact: Person | None = None
    address: str = ""
    lat: Any = None
    lng: Any = None


def _clean_enterprise(data: EnterpriseData, *, exclude_pk: int | None = None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    code = normalise_credit_code(data.credit_code)
    try:
        validate_credit_code(code)
    except DjangoValidationError as exc:
        errors["credit_code"] = [str(m) for m in exc.messages]
    else:
        clash = Enterprise.objects.filter(credit_code=code)
        if exclude_pk:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            errors["credit_code"] = [_("An enterprise with this credit code is already registered.")]
    values: dict[str, Any] = {"credit_code": code}
    for name, limit, required in (("name", 100, True), ("sector", 50, False), ("address", 200, False)):
        try:
            values[name] = _text(getattr(data, name), name, limit, required=required, label=_("name"))
        except ValidationFailed as exc:
            errors[name] = [str(exc.message)]
    for name, low, high in (("lat", -90, 90), ("lng", -180, 180)):
        try:
            values[name] = _coordinate(getattr(data, name), name, low, high)
        except ValidationFailed as exc:
            errors[name] = [str(exc.message)]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], details=errors)
    values.update(
        unit=data.unit, above_scale=bool(data.above_scale), above_quota=bool(data.above_quota), contact=data.contact
    )
    return values


ENTERPRISE_AUDITED = (
    "name",
    "credit_code",
    "sector",
    "above_scale",
    "above_quota",
    "unit",
    "contact",
    "address",
    "lat",
    "lng",
)


@transaction.atomic
def enterprise_create(*, actor: Actor, data: EnterpriseData) -> Enterprise:
    require(actor, "enterprise.create", data.unit)
    enterprise = Enterprise.objects.create(**_clean_enterprise(data))
    audit.record(actor=actor, obj=enterprise, verb="create")
    return enterprise


@transaction.atomic
def enterprise_update(
    *, actor: Actor, enterprise: Enterprise, data: EnterpriseData, version: int | None = None
) -> Enterprise:
    enterprise = versioning.lock(Enterprise, enterprise.pk)
    require(actor, "enterprise.manage", enterprise)
    versioning.check_version(enterprise, version)
    if data.unit.pk != enterprise.unit_id:
        require(actor, "enterprise.create", data.unit)
    before = audit.snapshot(enterprise, ENTERPRISE_AUDITED)
    for key, value in _clean_enterprise(data, exclude_pk=enterprise.pk).items():
        setattr(enterprise, key, value)
    enterprise.version += 1
    enterprise.save()
    changes = audit.diff(before, audit.snapshot(enterprise, ENTERPRISE_AUDITED))
    if changes:
        audit.record(actor=actor, obj=enterprise, verb="update", changes=changes)
    return enterprise


#: The case category of enterprise requests (小微管家) and the question that names the enterprise.
ENTERPRISE_CATEGORY = "08009"
ENTERPRISE_QUESTION = "enterprise"


def enterprise_subject(enterprise: Enterprise) -> str:
    return f"{ENTERPRISE_QUESTION}:{enterprise.credit_code}"


def enterprise_request(
    *,
    actor: Actor,
    enterprise: Enterprise,
    title: str,
    description: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> links.CaseRef:
    """File an enterprise's request into the case loop (助企服务), linked to the enterprise by its credit code."""
    if not can(actor, "enterprise.view", enterprise):
        require(actor, "enterprise.view", enterprise)
    title = _text(title, "title", 200, required=True, label=_("request"))
    description = _text(description, "description", 4000, required=False)
    return links.file_case(
        actor=actor,
        request=links.CaseRequest(
            category_code=ENTERPRISE_CATEGORY, unit_id=enterprise.unit_id, title=title,
            description=description or title, attributes={ENTERPRISE_QUESTION: enterprise.credit_code},
            reporter_name=_text(contact_name, "contact_name", 64, required=False),
            reporter_phone=_text(contact_phone, "contact_phone", 32, required=False),
        ),
    )  # fmt: skip
