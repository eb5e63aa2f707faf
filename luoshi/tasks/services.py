"""Every write on goals, tasks and inspections: one use case per function.

Each function is keyword-only, runs in one transaction, checks permission,
writes the task's timeline (:class:`TaskEvent`) and the audit log, and sends
notifications that are delivered only if the transaction commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.accounts.models import User
from luoshi.accounts.types import Actor, signed_in
from luoshi.core import audit, bounds, uploads, versioning, workdays
from luoshi.core.errors import Conflict, Forbidden, LuoshiError, NotFound, ValidationFailed
from luoshi.core.timeutil import today as local_today
from luoshi.notifications.services import notify
from luoshi.org.models import Person, Role, RoleGrant, Unit, UnitKind
from luoshi.org.permissions import require
from luoshi.org.scope import scope_for
from luoshi.tasks import lights, workflow
from luoshi.tasks.error_codes import TaskErrorCode
from luoshi.tasks.models import (
    CADENCE_DAYS,
    OPEN_STATUSES,
    Attachment,
    Cadence,
    Category,
    EventKind,
    ExtensionRequest,
    ExtensionStatus,
    Finding,
    Goal,
    Inspection,
    Milestone,
    Priority,
    ProgressReport,
    Source,
    Status,
    Task,
    TaskEvent,
)
from luoshi.tasks.permissions import DISPATCHERS, DOERS, REVIEWERS, can_create_task_in, can_edit_task, task_roles
from luoshi.tasks.workflow import Action, TaskRole

TASK_FIELDS = [
    "title", "description", "source", "goal", "category", "target", "acceptance", "measures",
    "responsible_leader", "lead_unit", "task_force", "start_date", "deadline", "priority", "report_cadence", "weight",
]  # fmt: skip

DEFAULT_EXTENSIONS = uploads.DOCUMENT_EXTENSIONS


# --- helpers -----------------------------------------------------------------


def _now() -> dt.datetime:
    return timezone.now()


def _event(
    task: Task,
    actor: Actor | None,
    kind: str,
    *,
    action: str = "",
    from_status: str = "",
    to_status: str = "",
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> TaskEvent:
    user = actor if isinstance(actor, User) else None
    name = (user.get_full_name() or user.get_username()) if user else ""
    return TaskEvent.objects.create(
        task=task,
        kind=kind,
        action=action,
        actor=user if name else None,
        actor_name=name,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
        data=data or {},
    )


def _task_url(task: Task) -> str:
    return reverse("tasks:detail", args=[task.pk])


def _check_version(obj: Any, version: int | None) -> None:
    versioning.check_version(obj, version)


def _lock(task: Task) -> Task:
    """Re-read the task row for update (serialises writers on PostgreSQL)."""
    return versioning.lock(Task.objects.select_related("lead_unit", "task_force", "responsible_leader"), task.pk)


def _ancestor_ids(unit: Unit) -> list[int]:
    return [*unit.ancestor_ids, unit.pk]


def users_with_roles_over(units: Iterable[Unit | None], roles: Iterable[str]) -> list[Any]:
    """Active users holding one of ``roles`` at one of ``units`` or an ancestor."""
    unit_ids: set[int] = set()
    for unit in units:
        if unit is not None:
            unit_ids.update(_ancestor_ids(unit))
    if not unit_ids:
        return []
    user_ids = RoleGrant.objects.filter(unit_id__in=unit_ids, role__in=list(roles)).values("user_id")
    return list(User.objects.filter(pk__in=user_ids, is_active=True))


def doers_of(task: Task) -> list[Any]:
    return users_with_roles_over([task.lead_unit, task.task_force], DOERS)


def reviewers_of(task: Task) -> list[Any]:
    users = users_with_roles_over([task.lead_unit], REVIEWERS - {Role.ADMIN})
    leader = task.responsible_leader
    if leader is not None and leader.user_id is not None and leader.user is not None:
        users.append(leader.user)
    return users


def dispatchers_of(task: Task) -> list[Any]:
    return users_with_roles_over([task.lead_unit], DISPATCHERS - {Role.ADMIN})


def _notify(
    task: Task, recipients: Iterable[Any], kind: str, title: str, body: str = "", exclude: Actor | None = None
) -> None:
    people = [u for u in recipients if u is not None and (exclude is None or u.pk != exclude.pk)]
    notify(recipients=people, kind=kind, title=title, body=body, url=_task_url(task), obj=task)


def _require_text(value: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(message, code=TaskErrorCode.COMMENT_REQUIRED, details={"comment": [message]})
    return text


# --- lights and roll-up -------------------------------------------------------


def light_for(
    task: Task, *, today: dt.date | None = None, cal: workdays.WorkCalendar | None = None
) -> lights.LightResult:
    """The live light of ``task`` (pure computation on the task's fields)."""
    return lights.compute(
        status=task.status,
        start=task.start_date,
        deadline=task.deadline,
        today=today or local_today(),
        progress=float(task.progress),
        cal=cal or workdays.calendar(),
        next_report_due=task.next_report_due,
        cadence_days=CADENCE_DAYS.get(task.report_cadence),
        submitted_on=timezone.localdate(task.submitted_at) if task.submitted_at else None,
        missed_before=task.reports_outstanding,
        thresholds=lights.Thresholds.from_settings(),
    )


def apply_light(task: Task, *, today: dt.date | None = None, cal: workdays.WorkCalendar | None = None) -> list[str]:
    """Set the stored light fields from the live computation; return the fields that changed."""
    result = light_for(task, today=today, cal=cal)
    changed: list[str] = []
    if task.light != result.light:
        task.light = result.light
        changed.append("light")
    if task.is_overdue != result.overdue:
        task.is_overdue = result.overdue
        changed.append("is_overdue")
    return changed


def _own_progress(task: Task) -> Decimal:
    if task.status == Status.DONE:
        return Decimal(100)
    subtasks = list(task.subtasks.exclude(status=Status.CANCELLED).values_list("progress", "weight", "status"))
    if subtasks:
        return lights.rollup((Decimal(100) if s == Status.DONE else p, w) for p, w, s in subtasks)
    return Decimal(task.reported_progress)


def rollup_from(task: Task) -> None:
    """Recompute progress up the tree: parent tasks, then categories, then the goal."""
    node: Task | None = task
    category_id: int | None = None
    goal_id: int | None = None
    while node is not None:
        new = _own_progress(node)
        if node.progress != new:
            node.progress = new
            Task.objects.filter(pk=node.pk).update(progress=new)
        category_id = node.category_id or category_id
        goal_id = node.goal_id or goal_id
        node = Task.objects.filter(pk=node.parent_id).first() if node.parent_id else None
    if category_id is not None:
        rollup_category(Category.objects.get(pk=category_id))
    elif goal_id is not None:
        rollup_goal(Goal.objects.get(pk=goal_id))


def _category_value(category: Category) -> Decimal:
    items: list[tuple[Decimal, Decimal | None]] = []
    for p, w, s in (
        Task.objects.filter(category=category, parent__isnull=True)
        .exclude(status__in=[Status.CANCELLED, Status.DRAFT])
        .values_list("progress", "weight", "status")
    ):
        items.append((Decimal(100) if s == Status.DONE else p, w))
    items += list(category.children.values_list("progress", "weight"))
    return lights.rollup(items)


def rollup_category(category: Category) -> None:
    node: Category | None = category
    goal_id = category.goal_id
    while node is not None:
        value = _category_value(node)
        if node.progress != value:
            Category.objects.filter(pk=node.pk).update(progress=value)
            node.progress = value
        node = Category.objects.filter(pk=node.parent_id).first() if node.parent_id else None
    rollup_goal(Goal.objects.get(pk=goal_id))


def rollup_goal(goal: Goal) -> None:
    items: list[tuple[Decimal, Decimal | None]] = list(
        goal.categories.filter(parent__isnull=True).values_list("progress", "weight")
    )
    for p, w, s in (
        Task.objects.filter(goal=goal, category__isnull=True, parent__isnull=True)
        .exclude(status__in=[Status.CANCELLED, Status.DRAFT])
        .values_list("progress", "weight", "status")
    ):
        items.append((Decimal(100) if s == Status.DONE else p, w))
    value = lights.rollup(items)
    if goal.progress != value:
        Goal.objects.filter(pk=goal.pk).update(progress=value)
        goal.progress = value


def _schedule_next_report(task: Task, after: dt.date) -> None:
    """Start the report clock again from ``after`` (a report, acceptance, return, resume or reopen)."""
    days = CADENCE_DAYS.get(task.report_cadence)
    task.next_report_due = after + dt.timedelta(days=days) if days else None
    task.reports_outstanding = 0


# --- goals and categories -------------------------------------------------------


@transaction.atomic
def goal_create(
    *,
    actor: Actor,
    owner_unit: Unit,
    year: int,
    title: str,
    description: str = "",
    weight: Decimal | int | str = 0,
    assessment: str = "",
) -> Goal:
    require(actor, "goal.create", owner_unit)
    title = _require_text(title, _("Give the goal a title."))
    if not 2000 <= int(year) <= 2100:
        raise ValidationFailed(_("The year must be between 2000 and 2100."), details={"year": [_("Invalid year.")]})
    goal = Goal.objects.create(
        owner_unit=owner_unit,
        year=int(year),
        title=title,
        description=description,
        weight=Decimal(str(weight or 0)),
        assessment=assessment,
        created_by=signed_in(actor),
    )
    audit.record(actor=actor, obj=goal, verb="create")
    return goal


@transaction.atomic
def goal_update(*, actor: Actor, goal: Goal, version: int | None = None, **fields: Any) -> Goal:
    require(actor, "goal.manage", goal)
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    _check_version(goal, version)
    names = ["title", "description", "weight", "assessment", "year", "is_active"]
    before = audit.snapshot(goal, names)
    for key, value in fields.items():
        if key not in names:
            raise ValidationFailed(_("Unknown field %(name)s.") % {"name": key})
        setattr(goal, key, value)
    goal.version += 1
    goal.save()
    audit.record(actor=actor, obj=goal, verb="update", changes=audit.diff(before, audit.snapshot(goal, names)))
    return goal


@transaction.atomic
def category_create(
    *,
    actor: Actor,
    goal: Goal,
    name: str,
    parent: Category | None = None,
    code: str = "",
    weight: Decimal | None = None,
    sort_order: int = 0,
) -> Category:
    require(actor, "goal.manage", goal)
    name = _require_text(name, _("Give the category a name."))
    if parent is not None and parent.goal_id != goal.pk:
        raise ValidationFailed(_("The parent category belongs to another goal."))
    category = Category.objects.create(
        goal=goal, parent=parent, name=name, code=code, weight=weight, sort_order=sort_order
    )
    audit.record(actor=actor, obj=goal, verb="update", comment=_("Added category %(name)s") % {"name": name})
    return category


# --- tasks: create and edit --------------------------------------------------------


@dataclass
class TaskData:
    """Validated input for creating or editing a task."""

    title: str
    lead_unit: Unit
    start_date: dt.date
    deadline: dt.date
    description: str = ""
    source: str = Source.HIGHER
    goal: Goal | None = None
    category: Category | None = None
    target: str = ""
    acceptance: str = ""
    measures: str = ""
    responsible_leader: Person | None = None
    co_units: Sequence[Unit] = ()
    task_force: Unit | None = None
    priority: str = Priority.NORMAL
    report_cadence: str = Cadence.WEEKLY
    weight: Decimal | None = None
    parent: Task | None = None


def validate_task_data(data: TaskData) -> None:
    errors: dict[str, list[str]] = {}
    if not (data.title or "").strip():
        errors.setdefault("title", []).append(_("Give the task a title."))
    if len(data.title or "") > 200:
        errors.setdefault("title", []).append(_("The title is too long (200 characters at most)."))
    if data.deadline < data.start_date:
        errors.setdefault("deadline", []).append(_("The deadline cannot be before the start date."))
    if data.source not in Source.values:
        errors.setdefault("source", []).append(_("Unknown source."))
    if data.priority not in Priority.values:
        errors.setdefault("priority", []).append(_("Unknown priority."))
    if data.report_cadence not in Cadence.values:
        errors.setdefault("report_cadence", []).append(_("Unknown report cadence."))
    if data.category is not None and data.goal is not None and data.category.goal_id != data.goal.pk:
        errors.setdefault("category", []).append(_("The category belongs to another goal."))
    if data.task_force is not None and data.task_force.kind != UnitKind.TASK_FORCE:
        errors.setdefault("task_force", []).append(_("Choose a task force (专班) unit."))
    if any(u.pk == data.lead_unit.pk for u in data.co_units):
        errors.setdefault("co_units", []).append(_("The lead unit cannot also be a co-unit."))
    if data.weight is not None and data.weight < 0:
        errors.setdefault("weight", []).append(_("The weight cannot be negative."))
    bounds.check(errors, "weight", data.weight, maximum=bounds.WEIGHT_MAX)
    bounds.check(errors, "start_date", data.start_date)
    bounds.check(errors, "deadline", data.deadline)
    for name in ("description", "target", "acceptance", "measures"):
        bounds.check(errors, name, getattr(data, name, None), max_length=bounds.TEXT_MAX)
    bounds.check(errors, "title", data.title)  # length checked above
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, details=errors)


#: The five fixes (五定) a task needs before it is dispatched, in the order the form shows them.
FIVE_FIXES: tuple[str, ...] = ("target", "responsible_leader", "lead_unit", "deadline", "acceptance")


def dispatch_gaps(task: Task | TaskData, *, today: dt.date | None = None) -> dict[str, list[str]]:
    """What keeps ``task`` from being dispatched (交办), as field → messages; empty when it may go.

    A draft may lack any of the five fixes; dispatch needs all of them and a deadline
    that has not already passed (a task must not be born red).
    """
    gaps: dict[str, list[str]] = {}
    if not (task.target or "").strip():
        gaps["target"] = [_("Give the target (定目标) before dispatching.")]
    if task.responsible_leader is None:
        gaps["responsible_leader"] = [_("Choose the responsible leader (定领导) before dispatching.")]
    if getattr(task, "lead_unit_id", None) is None and getattr(task, "lead_unit", None) is None:
        gaps["lead_unit"] = [_("Choose the lead unit (定单位) before dispatching.")]
    if task.deadline is None:
        gaps["deadline"] = [_("Set the deadline (定时限) before dispatching.")]
    elif task.deadline < (today or local_today()):
        gaps["deadline"] = [
            _("The deadline %(date)s has already passed; choose today or a later day.")
            % {"date": task.deadline.isoformat()}
        ]
    if not (task.acceptance or "").strip():
        gaps["acceptance"] = [_("Give the acceptance standard (定标准) before dispatching.")]
    return gaps


def _dispatch_refusal(task: Task | TaskData, today: dt.date | None = None) -> ValidationFailed | None:
    gaps = dispatch_gaps(task, today=today)
    if not gaps:
        return None
    first = next(iter(gaps.values()))[0]
    message = _("The task cannot be dispatched yet: %(first)s") % {"first": first}
    return ValidationFailed(message, code=TaskErrorCode.FIVE_FIXES_MISSING, details=gaps)


def comment_required(task: Task, action: str) -> bool:
    """Whether ``action`` on ``task`` needs a comment now (a reason, or the review opinion).

    Submitting for review below 100% asks why; sign-off always takes the reviewer's
    opinion (审核意见); the table marks the other actions that need a reason.
    """
    transition = workflow.lookup(task.status, action)
    if transition is None:
        return False
    if action == Action.SUBMIT:
        return task.progress < 100
    return transition.needs_comment


def action_refusal(
    actor: Actor,
    task: Task,
    action: str,
    *,
    roles: frozenset[str] | None = None,
    pending_extension: bool | None = None,
    today: dt.date | None = None,
    comment: str | None = None,
) -> LuoshiError | None:
    """Why ``actor`` may not fire ``action`` on ``task`` now, or ``None`` when the service will accept it.

    The one check behind the buttons on the page, ``allowed_actions`` in the API and
    :func:`task_transition` itself. Listing actions passes no ``comment`` (the forms ask
    for one where :func:`comment_required` says so); the service passes the one it got.
    """
    try:
        workflow.require(task.status, action, task_roles(actor, task) if roles is None else roles)
    except LuoshiError as exc:
        return exc
    if action == Action.SIGN_OFF and task.submitted_by_id is not None and task.submitted_by_id == actor.pk:
        return Forbidden(
            _("You submitted this task, so someone else must sign it off."), code=TaskErrorCode.SELF_SIGN_OFF
        )
    if comment is not None and comment_required(task, action) and not comment.strip():
        return _comment_refusal(action)
    if action in workflow.EXTENSION_ACTIONS:
        if pending_extension is None:
            pending_extension = ExtensionRequest.objects.filter(task=task, status=ExtensionStatus.PENDING).exists()
        if action == Action.REQUEST_EXTENSION and pending_extension:
            return Conflict(
                _("An extension request is already waiting for a decision."), code=TaskErrorCode.EXTENSION_PENDING
            )
        if action != Action.REQUEST_EXTENSION and not pending_extension:
            return Conflict(_("There is no extension request to decide."), code=TaskErrorCode.NO_EXTENSION_PENDING)
    if action == Action.ASSIGN:
        return _dispatch_refusal(task, today)
    return None


def _comment_refusal(action: str) -> ValidationFailed:
    if action == Action.SIGN_OFF:
        message = _("Give your review opinion (审核意见).")
    elif action == Action.SUBMIT:
        message = _("The task is not complete yet; say why it should be reviewed now.")
    else:
        message = _("Please give a reason.")
    return ValidationFailed(message, code=TaskErrorCode.COMMENT_REQUIRED, details={"comment": [message]})


def available_actions(
    actor: Actor, task: Task, *, pending_extension: bool | None = None, today: dt.date | None = None
) -> list[str]:
    """The workflow actions the service would accept from ``actor`` on ``task`` now, in table order."""
    roles = task_roles(actor, task)
    return [
        a
        for a in workflow.allowed_actions(task.status, roles)
        if action_refusal(actor, task, a, roles=roles, pending_extension=pending_extension, today=today) is None
    ]


def _check_refs_visible(actor: Actor, data: TaskData) -> None:
    scope = scope_for(actor)
    if not scope.covers(data.lead_unit):
        raise NotFound()
    for unit in [*data.co_units, *([data.task_force] if data.task_force else [])]:
        if not scope.covers(unit):
            raise ValidationFailed(
                _("%(unit)s is outside your scope.") % {"unit": unit.name}, details={"co_units": [unit.name]}
            )
    if data.goal is not None and not scope.covers(data.goal.owner_unit):
        raise ValidationFailed(_("The goal is outside your scope."), details={"goal": [_("Not visible.")]})
    if data.category is not None and data.goal is None:
        data.goal = data.category.goal


@transaction.atomic
def task_create(
    *,
    actor: Actor,
    data: TaskData,
    assign: bool = False,
    finding: Finding | None = None,
    files: Sequence[UploadedFile] = (),
) -> Task:
    """Create a task (a draft, or assigned at once when ``assign``)."""
    _check_refs_visible(actor, data)
    parent_doer = data.parent is not None and TaskRole.DOER in task_roles(actor, data.parent)
    if not can_create_task_in(actor, data.lead_unit) and not parent_doer:
        raise Forbidden(_("Only supervisors and leaders over the lead unit can create tasks for it."))
    validate_task_data(data)
    for upload in files:
        validate_upload(upload)
    if data.parent is not None:
        if data.parent.parent_id is not None:
            raise ValidationFailed(_("Subtasks cannot have subtasks of their own."))
        data.goal = data.goal or data.parent.goal
        data.category = data.category or data.parent.category
    task = Task.objects.create(
        title=data.title.strip(),
        description=data.description,
        source=data.source,
        goal=data.goal,
        category=data.category,
        parent=data.parent,
        target=data.target,
        acceptance=data.acceptance,
        measures=data.measures,
        responsible_leader=data.responsible_leader,
        lead_unit=data.lead_unit,
        task_force=data.task_force,
        start_date=data.start_date,
        deadline=data.deadline,
        original_deadline=data.deadline,
        priority=data.priority,
        report_cadence=data.report_cadence,
        weight=data.weight,
        source_finding=finding,
        created_by=signed_in(actor),
    )
    task.number = f"DB{data.start_date.year}-{task.pk:05d}"
    task.save(update_fields=["number"])
    if data.co_units:
        task.co_units.set(list(data.co_units))
    _event(task, actor, EventKind.CREATE, to_status=Status.DRAFT)
    audit.record(actor=actor, obj=task, verb="create")
    if files:
        stored = _store_files(task, actor, files, None)
        _event(task, actor, EventKind.ATTACHMENT, data={"files": [a.name for a in stored]})
    if assign:
        task = task_transition(actor=actor, task=task, action=Action.ASSIGN)
    if data.parent is not None:
        rollup_from(data.parent)
    return task


EDITABLE = {
    "title", "description", "source", "target", "acceptance", "measures", "responsible_leader", "co_units",
    "task_force", "start_date", "deadline", "priority", "report_cadence", "weight", "goal", "category",
}  # fmt: skip


@transaction.atomic
def task_update(*, actor: Actor, task: Task, version: int | None, **fields: Any) -> Task:
    """Edit a task's fields (supervisors and leaders; the deadline only while it is a draft)."""
    if not can_edit_task(actor, task):
        raise Forbidden(_("Only supervisors and leaders can edit a task."))
    task = _lock(task)
    _check_version(task, version)
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValidationFailed(_("Unknown field %(name)s.") % {"name": ", ".join(sorted(unknown))})
    if task.status in {Status.DONE, Status.CANCELLED}:
        raise Conflict(_("A closed task cannot be edited; reopen it first."), code=TaskErrorCode.WRONG_STATE)
    if "deadline" in fields and fields["deadline"] != task.deadline and task.status != Status.DRAFT:
        raise Conflict(
            _("Once assigned, the deadline changes only through an extension request."),
            code=TaskErrorCode.DEADLINE_LOCKED,
        )
    names = [n for n in TASK_FIELDS if n != "lead_unit"]
    before = audit.snapshot(task, names)
    co_units = fields.pop("co_units", None)
    for key, value in fields.items():
        setattr(task, key, value)
    data = TaskData(
        title=task.title, lead_unit=task.lead_unit, start_date=task.start_date, deadline=task.deadline,
        source=task.source, goal=task.goal, category=task.category, task_force=task.task_force,
        priority=task.priority, report_cadence=task.report_cadence, weight=task.weight,
        co_units=co_units if co_units is not None else [],
    )  # fmt: skip
    _check_refs_visible(actor, data)
    validate_task_data(data)
    task.goal = data.goal
    if task.status == Status.DRAFT:
        task.original_deadline = task.deadline
    task.version += 1
    apply_light(task)
    task.save()
    if co_units is not None:
        task.co_units.set(list(co_units))
    changes = audit.diff(before, audit.snapshot(task, names))
    _event(task, actor, EventKind.EDIT, data={"fields": sorted(changes)})
    audit.record(actor=actor, obj=task, verb="update", changes=changes)
    rollup_from(task)
    return task


# --- the workflow ------------------------------------------------------------------


@transaction.atomic
def task_transition(
    *,
    actor: Actor,
    task: Task,
    action: str,
    comment: str = "",
    version: int | None = None,
    new_deadline: dt.date | None = None,
    files: Sequence[UploadedFile] = (),
    attachment_ids: Sequence[int] = (),
) -> Task:
    """Fire one workflow action on ``task`` (see the table in :mod:`luoshi.tasks.workflow`).

    Submitting, signing off and returning take evidence: ``files`` sent with the step (a page)
    or ``attachment_ids`` of files the actor uploaded to the task before (the API), kept with
    the step's timeline entry.
    """
    task = _lock(task)
    _check_version(task, version)
    roles = task_roles(actor, task)
    transition = workflow.require(task.status, action, roles)
    today = local_today()
    refusal = action_refusal(actor, task, action, roles=roles, today=today, comment=comment or "")
    if refusal is not None:
        raise refusal
    evidence = _step_evidence(actor, task, action, files, attachment_ids)
    comment = (comment or "").strip()
    source = task.status
    now = _now()
    extra: dict[str, Any] = {}
    recipients: list[Any] = []
    title = ""
    if action in workflow.EXTENSION_ACTIONS:
        extra = _extension_step(actor, task, action, comment, new_deadline, today)
    task.status = transition.target
    if action == Action.ASSIGN:
        task.assigned_at = now
        recipients, title = doers_of(task), _("New task to accept: %(title)s")
    elif action == Action.ACCEPT:
        task.accepted_at = now
        _schedule_next_report(task, today)
        recipients, title = dispatchers_of(task), _("Task accepted: %(title)s")
    elif action == Action.DECLINE:
        recipients, title = dispatchers_of(task), _("Task declined: %(title)s")
    elif action == Action.SUBMIT:
        task.submitted_at = now
        task.submitted_by = signed_in(actor)
        recipients, title = reviewers_of(task), _("Task waiting for your review: %(title)s")
    elif action == Action.RETURN:
        task.submitted_at = None
        _schedule_next_report(task, today)
        recipients, title = doers_of(task), _("Task returned: %(title)s")
    elif action == Action.SIGN_OFF:
        task.closed_at = now
        task.closed_on_time = timezone.localdate(task.submitted_at or now) <= task.deadline
        task.next_report_due = None
        recipients, title = doers_of(task), _("Task signed off: %(title)s")
    elif action == Action.SUSPEND:
        task.next_report_due = None
        recipients, title = doers_of(task), _("Task suspended: %(title)s")
    elif action == Action.RESUME:
        _schedule_next_report(task, today)
        recipients, title = doers_of(task), _("Task resumed: %(title)s")
    elif action == Action.CANCEL:
        task.closed_at = now
        task.closed_on_time = None
        task.next_report_due = None
        recipients, title = doers_of(task), _("Task cancelled: %(title)s")
    elif action == Action.REOPEN:
        task.closed_at = None
        task.closed_on_time = None
        task.submitted_at = None
        task.submitted_by = None
        _schedule_next_report(task, today)
        recipients, title = doers_of(task), _("Task reopened: %(title)s")
    elif action == Action.REQUEST_EXTENSION:
        recipients, title = dispatchers_of(task), _("Extension requested: %(title)s")
    elif action in {Action.APPROVE_EXTENSION, Action.REFUSE_EXTENSION}:
        requester = extra.pop("requester", None)
        recipients = [requester, *doers_of(task)]
        title = (
            _("Extension approved: %(title)s")
            if action == Action.APPROVE_EXTENSION
            else _("Extension refused: %(title)s")
        )
    task.version += 1
    apply_light(task, today=today)
    task.save()
    if files or evidence:
        extra["files"] = [getattr(f, "name", "") for f in [*evidence, *files]]
    step = _event(
        task, actor, EventKind.TRANSITION, action=action, from_status=source, to_status=task.status,
        comment=comment, data=extra,
    )  # fmt: skip
    for attachment in evidence:
        attachment.event = step
        attachment.save(update_fields=["event"])
    _store_files(task, actor, files, None, event=step)
    changes: dict[str, dict[str, Any]] = {
        "status": {"before": str(Status(source).label), "after": str(Status(task.status).label)}
    }
    if "new_deadline" in extra:
        changes["deadline"] = {"before": extra.get("old_deadline"), "after": extra["new_deadline"]}
    audit.record(actor=actor, obj=task, verb=f"task.{action}", changes=changes, comment=comment)
    if title:
        _notify(task, recipients, f"task.{action}", title % {"title": task.title}, body=comment, exclude=actor)
    rollup_from(task)
    return task


def _extension_step(
    actor: Actor, task: Task, action: str, comment: str, new_deadline: dt.date | None, today: dt.date
) -> dict[str, Any]:
    pending = ExtensionRequest.objects.select_for_update().filter(task=task, status=ExtensionStatus.PENDING).first()
    if action == Action.REQUEST_EXTENSION:
        if pending is not None:
            raise Conflict(
                _("An extension request is already waiting for a decision."), code=TaskErrorCode.EXTENSION_PENDING
            )
        if new_deadline is None or new_deadline <= task.deadline:
            raise ValidationFailed(
                _("Ask for a new deadline later than the current one."),
                details={"new_deadline": [_("Must be after %(d)s.") % {"d": task.deadline.isoformat()}]},
            )
        ExtensionRequest.objects.create(
            task=task,
            requested_by=signed_in(actor),
            old_deadline=task.deadline,
            requested_deadline=new_deadline,
            reason=comment,
        )
        return {"requested_deadline": new_deadline.isoformat()}
    if pending is None:
        raise Conflict(_("There is no extension request to decide."), code=TaskErrorCode.NO_EXTENSION_PENDING)
    pending.decided_by = signed_in(actor)
    pending.decided_at = _now()
    pending.decision_comment = comment
    extra: dict[str, Any] = {"requester": pending.requested_by}
    if action == Action.APPROVE_EXTENSION:
        granted = new_deadline or pending.requested_deadline
        if granted <= task.deadline:
            raise ValidationFailed(
                _("The new deadline must be later than the current one."),
                details={"new_deadline": [_("Must be after %(d)s.") % {"d": task.deadline.isoformat()}]},
            )
        pending.status = ExtensionStatus.APPROVED
        pending.new_deadline = granted
        extra.update({"old_deadline": task.deadline.isoformat(), "new_deadline": granted.isoformat()})
        task.deadline = granted
    else:
        pending.status = ExtensionStatus.REFUSED
        extra["requested_deadline"] = pending.requested_deadline.isoformat()
    pending.save()
    return extra


# --- progress, milestones, attachments, reminders ------------------------------------


def validate_upload(upload: UploadedFile) -> None:
    """Accept a file only when its type is allowed, its size within the limit and its content fits its
    name (checked by luoshi.core.uploads; pictures are decoded too)."""
    uploads.check_attachment(upload, field="files")


#: Steps that take files (the doer's evidence on submission, the reviewer's on sign-off or return).
EVIDENCE_ACTIONS = frozenset({Action.SUBMIT, Action.SIGN_OFF, Action.RETURN})


def _step_evidence(
    actor: Actor, task: Task, action: str, files: Sequence[UploadedFile], attachment_ids: Sequence[int]
) -> list[Attachment]:
    """Check a step's files before anything changes; the earlier uploads it names, by id."""
    if (files or attachment_ids) and action not in EVIDENCE_ACTIONS:
        message = _("Files go with submitting, signing off or returning a task.")
        raise ValidationFailed(message, code=TaskErrorCode.NO_FILES_HERE, details={"attachments": [message]})
    uploads.check_count([*files, *attachment_ids], field="attachments")
    for upload in files:
        validate_upload(upload)
    if not attachment_ids:
        return []
    found = {
        a.pk: a
        for a in Attachment.objects.filter(
            pk__in=list(attachment_ids),
            task=task,
            uploaded_by=signed_in(actor),
            report__isnull=True,
            event__isnull=True,
        )
    }
    unknown = [pk for pk in attachment_ids if pk not in found]
    if unknown:
        message = _("File %(id)s is not one you uploaded to this task, or it is already used.") % {"id": unknown[0]}
        raise ValidationFailed(message, code=TaskErrorCode.UNKNOWN_ATTACHMENT, details={"attachment_ids": [message]})
    return [found[pk] for pk in attachment_ids]


def _store_files(
    task: Task,
    actor: Actor,
    files: Sequence[UploadedFile],
    report: ProgressReport | None,
    *,
    event: TaskEvent | None = None,
) -> list[Attachment]:
    uploads.check_count(files, field="attachments")
    for upload in files:
        validate_upload(upload)
    stored = []
    for upload in files:
        stored.append(
            Attachment.objects.create(
                task=task,
                report=report,
                event=event,
                file=upload,
                name=(upload.name or "file")[:200],
                size=upload.size or 0,
                uploaded_by=signed_in(actor),
            )
        )
    return stored


def _require_doer(actor: Actor, task: Task, message: str) -> frozenset[str]:
    roles = task_roles(actor, task)
    if TaskRole.DOER not in roles:
        raise Forbidden(message)
    return roles


@transaction.atomic
def task_report_progress(
    *,
    actor: Actor,
    task: Task,
    percent: int,
    text: str,
    reported_on: dt.date | None = None,
    files: Sequence[UploadedFile] = (),
) -> ProgressReport:
    """Record a progress report (percent, text, files) by the doing unit."""
    _require_doer(actor, task, _("Only the lead unit or task force can report progress."))
    task = _lock(task)
    if task.status not in {Status.IN_PROGRESS}:
        raise Conflict(
            _("Progress can be reported only while the task is in progress."), code=TaskErrorCode.WRONG_STATE
        )
    if not 0 <= int(percent) <= 100:
        raise ValidationFailed(_("Percent complete is between 0 and 100."), details={"percent": [_("0 to 100.")]})
    text = _require_text(text, _("Say what has been done."))
    today = local_today()
    reported_on = reported_on or today
    if reported_on > today:
        raise ValidationFailed(_("A report cannot be dated in the future."), details={"reported_on": [_("Future.")]})
    report = ProgressReport.objects.create(
        task=task, percent=int(percent), text=text, reported_on=reported_on, reported_by=signed_in(actor)
    )
    attachments = _store_files(task, actor, files, report)
    before = task.reported_progress
    task.reported_progress = int(percent)
    task.last_report_at = _now()
    _schedule_next_report(task, today)
    task.progress = _own_progress(task)
    task.version += 1
    apply_light(task, today=today)
    task.save()
    _event(
        task, actor, EventKind.PROGRESS, comment=text,
        data={"percent": int(percent), "report": report.pk, "files": [a.name for a in attachments]},
    )  # fmt: skip
    audit.record(
        actor=actor,
        obj=task,
        verb="task.progress",
        changes={"reported_progress": {"before": before, "after": int(percent)}},
        comment=text,
    )
    rollup_from(task)
    return report


@transaction.atomic
def task_add_attachments(
    *, actor: Actor, task: Task, files: Sequence[UploadedFile], report: ProgressReport | None = None
) -> list[Attachment]:
    """Files for the task, or for one of its progress reports (the doing unit's)."""
    roles = task_roles(actor, task)
    if not roles:
        raise Forbidden()
    if report is not None:
        if report.task_id != task.pk:
            raise NotFound()
        _require_doer(actor, task, _("Only the lead unit or task force can add files to a progress report."))
    stored = _store_files(task, actor, files, report)
    data: dict[str, Any] = {"files": [a.name for a in stored]}
    if report is not None:
        data["report"] = report.pk
    _event(task, actor, EventKind.ATTACHMENT, data=data)
    audit.record(actor=actor, obj=task, verb="task.attachment", comment=", ".join(a.name for a in stored))
    return stored


@transaction.atomic
def task_remind(*, actor: Actor, task: Task, comment: str = "") -> Task:
    """A supervisor's reminder (催办) to the doing unit and the responsible leader."""
    roles = task_roles(actor, task)
    if not roles & {TaskRole.SUPERVISOR, TaskRole.LEADER, TaskRole.RESPONSIBLE_LEADER}:
        raise Forbidden(_("Only supervisors and leaders can send reminders."))
    if task.status not in OPEN_STATUSES:
        raise Conflict(_("Only open tasks can be reminded about."), code=TaskErrorCode.WRONG_STATE)
    Task.objects.filter(pk=task.pk).update(reminder_count=task.reminder_count + 1)
    task.reminder_count += 1
    _event(task, actor, EventKind.REMINDER, comment=comment)
    audit.record(actor=actor, obj=task, verb="task.remind", comment=comment)
    recipients = doers_of(task)
    leader = task.responsible_leader
    if leader is not None and leader.user_id is not None:
        recipients.append(leader.user)
    _notify(task, recipients, "task.reminder", _("Reminder: %(title)s") % {"title": task.title}, comment, exclude=actor)
    return task


@transaction.atomic
def milestone_add(*, actor: Actor, task: Task, title: str, due_date: dt.date) -> Milestone:
    roles = task_roles(actor, task)
    if not roles & {TaskRole.SUPERVISOR, TaskRole.LEADER, TaskRole.DOER}:
        raise Forbidden()
    if task.status in {Status.DONE, Status.CANCELLED}:
        raise Conflict(_("A closed task cannot be changed; reopen it first."), code=TaskErrorCode.WRONG_STATE)
    title = _require_text(title, _("Give the milestone a title."))
    milestone = Milestone.objects.create(task=task, title=title, due_date=due_date)
    _event(
        task, actor, EventKind.MILESTONE, comment=title, data={"milestone": milestone.pk, "due": due_date.isoformat()}
    )
    audit.record(actor=actor, obj=task, verb="task.milestone", comment=title)
    return milestone


@transaction.atomic
def milestone_set_done(*, actor: Actor, milestone: Milestone, done: bool) -> Milestone:
    task = milestone.task
    if TaskRole.DOER not in task_roles(actor, task) and not task_roles(actor, task) & {
        TaskRole.SUPERVISOR,
        TaskRole.LEADER,
    }:
        raise Forbidden()
    milestone = Milestone.objects.select_for_update().select_related("task").get(pk=milestone.pk)
    task = milestone.task
    if task.status in {Status.DONE, Status.CANCELLED}:
        # The page offers no toggle on a closed task (can_milestone); the service says the same.
        raise Conflict(_("A closed task cannot be changed; reopen it first."), code=TaskErrorCode.WRONG_STATE)
    if milestone.done == done:
        return milestone
    milestone.done = done
    milestone.done_at = _now() if done else None
    milestone.done_by = signed_in(actor) if done else None
    milestone.save()
    _event(
        task, actor, EventKind.MILESTONE, action="done" if done else "undone", comment=milestone.title,
        data={"milestone": milestone.pk, "done": done},
    )  # fmt: skip
    audit.record(actor=actor, obj=task, verb="task.milestone", comment=milestone.title)
    return milestone


# --- inspections -------------------------------------------------------------------


@transaction.atomic
def inspection_create(
    *,
    actor: Actor,
    unit: Unit,
    date: dt.date,
    place: str,
    unannounced: bool = True,
    inspectors: Sequence[Person] = (),
    summary: str = "",
    findings: Sequence[str] = (),
) -> Inspection:
    require(actor, "inspection.create", unit)
    place = _require_text(place, _("Say where the inspection took place."))
    if date > local_today():
        raise ValidationFailed(_("An inspection cannot be dated in the future."), details={"date": [_("Future.")]})
    inspection = Inspection.objects.create(
        unit=unit, date=date, place=place, unannounced=unannounced, summary=summary, created_by=signed_in(actor)
    )
    if inspectors:
        inspection.inspectors.set(list(inspectors))
    for i, text in enumerate(f.strip() for f in findings):
        if text:
            Finding.objects.create(inspection=inspection, description=text, sort_order=i)
    audit.record(actor=actor, obj=inspection, verb="create")
    return inspection


@transaction.atomic
def finding_add(*, actor: Actor, inspection: Inspection, description: str, unit: Unit | None = None) -> Finding:
    require(actor, "inspection.manage", inspection)
    description = _require_text(description, _("Describe the finding."))
    finding = Finding.objects.create(
        inspection=inspection, description=description, unit=unit, sort_order=inspection.findings.count()
    )
    audit.record(actor=actor, obj=inspection, verb="update", comment=description[:200])
    return finding


@transaction.atomic
def finding_to_task(
    *,
    actor: Actor,
    finding: Finding,
    lead_unit: Unit,
    deadline: dt.date,
    responsible_leader: Person | None = None,
    title: str = "",
) -> Task:
    """Turn an inspection finding into an assigned rectification task (整改任务) linked back to it."""
    inspection = finding.inspection
    require(actor, "inspection.manage", inspection)
    if finding.rectification_tasks.exclude(status=Status.CANCELLED).exists():
        raise Conflict(_("This finding already has a rectification task."), code=TaskErrorCode.FINDING_HAS_TASK)
    today = local_today()
    data = TaskData(
        title=(title or _("Rectify: %(finding)s") % {"finding": finding.description})[:200],
        description=finding.description,
        source=Source.INSPECTION,
        lead_unit=lead_unit,
        start_date=today,
        deadline=deadline,
        responsible_leader=responsible_leader,
        target=_("Rectify: %(finding)s") % {"finding": finding.description},
        acceptance=_("The problem found on %(date)s at %(place)s is fixed and checked on site.")
        % {"date": inspection.date.isoformat(), "place": inspection.place},
        report_cadence=Cadence.WEEKLY,
    )
    task = task_create(actor=actor, data=data, assign=True, finding=finding)
    if finding.unit_id is None:
        Finding.objects.filter(pk=finding.pk).update(unit=lead_unit)
    audit.record(actor=actor, obj=inspection, verb="update", comment=_("Rectification task %(n)s") % {"n": task.number})
    return task


# --- scheduled checks -------------------------------------------------------------------


@dataclass
class CheckResult:
    lights_changed: int = 0
    became_overdue: int = 0
    reports_missed: int = 0
    due_soon_notified: int = 0


def run_daily_checks(*, today: dt.date | None = None, batch_size: int = 1000) -> CheckResult:
    """Refresh lights, mark overdue tasks, flag missed reports, warn about near deadlines.

    Idempotent: each overdue event, missed report and due-soon warning is
    recorded once (the task's ``next_report_due`` moves on, overdue is a flag,
    and due-soon warnings are keyed by date in the timeline).
    """
    today = today or local_today()
    cal = workdays.calendar()
    thresholds = lights.Thresholds.from_settings()
    result = CheckResult()
    last_pk = 0
    while True:
        batch = list(
            Task.objects.filter(status__in=OPEN_STATUSES, pk__gt=last_pk)
            .select_related("lead_unit", "task_force", "responsible_leader__user")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            break
        last_pk = batch[-1].pk
        for task in batch:
            with transaction.atomic():
                _check_one(task, today, cal, thresholds, result)
    return result


def record_missed_reports(task: Task, today: dt.date) -> int:
    """Record one missed report per cadence period that has fully passed without one.

    Each goes on the timeline and into both counters (``missed_reports`` for the
    record, ``reports_outstanding`` for the light until the next report), and the due
    date moves on past it, so running this again the same day records nothing.
    The caller saves the task's fields.
    """
    days = CADENCE_DAYS.get(task.report_cadence)
    if task.status != Status.IN_PROGRESS or not days or task.next_report_due is None:
        return 0
    missed = 0
    while task.next_report_due < today:
        task.missed_reports += 1
        task.reports_outstanding += 1
        missed += 1
        _event(task, None, EventKind.REPORT_MISSED, data={"due": task.next_report_due.isoformat()})
        task.next_report_due = task.next_report_due + dt.timedelta(days=days)
    return missed


def _check_one(
    task: Task, today: dt.date, cal: workdays.WorkCalendar, thresholds: lights.Thresholds, result: CheckResult
) -> None:
    was_overdue = task.is_overdue
    fields = apply_light(task, today=today, cal=cal)
    if task.is_overdue and not was_overdue:
        result.became_overdue += 1
        _event(task, None, EventKind.OVERDUE, data={"deadline": task.deadline.isoformat()})
        audit.record(actor=None, obj=task, verb="task.overdue")
        _notify(
            task,
            [*doers_of(task), *dispatchers_of(task)],
            "task.overdue",
            _("Overdue: %(title)s") % {"title": task.title},
        )
    missed = record_missed_reports(task, today)
    if missed:
        result.reports_missed += missed
        fields += ["missed_reports", "reports_outstanding", "next_report_due"]
        fields += apply_light(task, today=today, cal=cal)
        _notify(
            task, doers_of(task), "task.report_missed", _("Progress report missing: %(title)s") % {"title": task.title}
        )
    left = cal.working_days_between(today, task.deadline)
    if task.status in {Status.ASSIGNED, Status.IN_PROGRESS} and 0 <= left <= thresholds.yellow_days_left:
        key = f"due_soon:{today.isoformat()}"
        if not TaskEvent.objects.filter(task=task, kind=EventKind.REMINDER, action=key).exists():
            TaskEvent.objects.create(task=task, kind=EventKind.REMINDER, action=key, data={"days_left": left})
            result.due_soon_notified += 1
            _notify(
                task,
                doers_of(task),
                "task.due_soon",
                _("Due in %(n)d working days: %(title)s") % {"n": left, "title": task.title},
            )
    if fields:
        result.lights_changed += 1 if "light" in fields else 0
        Task.objects.filter(pk=task.pk).update(**{f: getattr(task, f) for f in set(fields)})


def refresh_lights(*, tasks: Iterable[Task], today: dt.date | None = None) -> int:
    """Recompute stored lights for ``tasks`` (used by imports and the demo loader)."""
    cal = workdays.calendar()
    changed = 0
    for task in tasks:
        fields = apply_light(task, today=today, cal=cal)
        if fields:
            Task.objects.filter(pk=task.pk).update(**{f: getattr(task, f) for f in fields})
            changed += 1
    return changed
