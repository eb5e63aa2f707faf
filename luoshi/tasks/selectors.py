"""Every read of tasks, goals and inspections, starting from the user's scoped queryset."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from luoshi.accounts.models import User
from luoshi.accounts.types import Actor
from luoshi.core import params as params_
from luoshi.core.errors import NotFound
from luoshi.core.timeutil import today as local_today
from luoshi.org.models import Person, Position, Unit
from luoshi.org.scope import scope_for
from luoshi.org.selectors import access_unit
from luoshi.tasks.models import (
    OPEN_STATUSES,
    Category,
    EventKind,
    ExtensionRequest,
    ExtensionStatus,
    Finding,
    Goal,
    Inspection,
    Light,
    Milestone,
    Priority,
    ProgressReport,
    Source,
    Status,
    Task,
    TaskEvent,
)
from luoshi.tasks.permissions import (
    DOERS,
    goals_visible_to,
    inspections_visible_to,
    tasks_visible_to,
)
from luoshi.tasks.workflow import ACTION_VERBS

LIST_FIELDS = (
    "id", "number", "title", "status", "light", "progress", "deadline", "start_date", "priority", "source",
    "is_overdue", "closed_on_time", "lead_unit_id", "lead_unit__name", "lead_unit__kind", "lead_unit__path",
    "responsible_leader_id", "responsible_leader__name", "reminder_count", "missed_reports", "parent_id", "version",
    "updated_at", "category_id", "goal_id",
)  # fmt: skip


@dataclass
class TaskFilters:
    """The filters of the supervisor overview, the API and the Excel export."""

    q: str = ""
    unit: int | None = None  # lead unit in this unit's subtree
    leader: int | None = None  # responsible leader (person id)
    goal: int | None = None
    category: int | None = None  # this category or one below it
    light: str = ""
    status: str = ""
    overdue: bool | None = None
    source: str = ""
    priority: str = ""
    top_level: bool = False
    due_before: dt.date | None = None
    due_after: dt.date | None = None
    missed: bool = False  # with progress reports missed (the home page's figure)

    @classmethod
    def from_params(cls, params: Any) -> TaskFilters:
        """Parse query parameters (a QueryDict or dict); bad values raise ValidationFailed."""

        def integer(name: str) -> int | None:
            return params_.get_id(params, name) if hasattr(params, "get") else None

        def choice(name: str, allowed: list[str]) -> str:
            return str(params_.get_choice(params, name, allowed, default=""))

        def date(name: str) -> dt.date | None:
            return params_.get_date(params, name)

        overdue_raw = (params.get("overdue") or "").strip().lower()
        return cls(
            q=(params.get("q") or "").strip()[:100],
            unit=integer("unit"),
            leader=integer("leader"),
            goal=integer("goal"),
            category=integer("category"),
            light=choice("light", [*Light.values, "none"]),
            status=choice("status", [*Status.values, "open"]),
            overdue=True if overdue_raw in {"1", "true", "yes"} else (False if overdue_raw in {"0", "false"} else None),
            source=choice("source", Source.values),
            priority=choice("priority", Priority.values),
            due_before=date("due_before"),
            due_after=date("due_after"),
            missed=(params.get("missed") or "").strip() == "1",
        )

    def active(self) -> bool:
        values: list[Any] = [
            self.q,
            self.unit,
            self.leader,
            self.goal,
            self.category,
            self.light,
            self.status,
            self.source,
        ]
        values += [self.priority, self.due_before, self.due_after, self.overdue is not None, self.missed]
        return any(values)


def list_rows(ids: Any) -> QuerySet[Task]:
    """The rows of a page of tasks (a list of ids or a sliced id subquery), with what a list row shows."""
    return Task.objects.filter(pk__in=ids).select_related("lead_unit", "responsible_leader").only(*LIST_FIELDS)


#: The columns of a task in API lists, read as plain values (no model instances).
API_LIST_FIELDS = (
    "id", "number", "title", "status", "light", "progress", "start_date", "deadline", "priority", "source",
    "is_overdue", "closed_on_time", "lead_unit_id", "lead_unit__name", "responsible_leader_id",
    "responsible_leader__name", "parent_id", "version", "missed_reports",
)  # fmt: skip


def task_list(user: Actor, filters: TaskFilters | None = None) -> QuerySet[Task]:
    """Tasks in scope, filtered, with what a list row shows (one query per page)."""
    f = filters or TaskFilters()
    qs = tasks_visible_to(user)
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(number__iexact=f.q))
    if f.unit:
        unit = access_unit(user, f.unit)
        qs = qs.filter(lead_unit__path__startswith=unit.path)
    if f.leader:
        qs = qs.filter(responsible_leader_id=f.leader)
    if f.goal:
        qs = qs.filter(goal_id=f.goal)
    if f.category:
        qs = qs.filter(Q(category_id=f.category) | Q(category__parent_id=f.category))
    if f.light == "none":
        qs = qs.filter(light="")
    elif f.light:
        qs = qs.filter(light=f.light)
    if f.status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.overdue is True:
        qs = qs.filter(Q(is_overdue=True) | Q(closed_on_time=False))
    elif f.overdue is False:
        qs = qs.filter(is_overdue=False).exclude(closed_on_time=False)
    if f.source:
        qs = qs.filter(source=f.source)
    if f.priority:
        qs = qs.filter(priority=f.priority)
    if f.top_level:
        qs = qs.filter(parent__isnull=True)
    if f.due_before:
        qs = qs.filter(deadline__lte=f.due_before)
    if f.due_after:
        qs = qs.filter(deadline__gte=f.due_after)
    if f.missed:
        qs = qs.filter(missed_reports__gt=0)
    return qs.select_related("lead_unit", "responsible_leader").only(*LIST_FIELDS).order_by("deadline", "id")


class IdsFirst:
    """A task list that pages by id: one query for the page, whatever its size.

    The page's ids are picked in a subquery (``id IN (SELECT id ... ORDER BY
    deadline, id LIMIT n OFFSET m)``), which the database answers from the
    ``(lead_unit, status, light, deadline)`` or ``(deadline, id)`` index without
    reading every visible row; the outer query reads only those rows and their
    unit and leader names. Works with Django's Paginator and the API paginator;
    with the count that makes two queries per page (the scope's own queries aside).
    ``values=True`` gives plain dicts (:data:`API_LIST_FIELDS`) instead of tasks.
    """

    ordered = True

    def __init__(self, qs: QuerySet[Task], *, count: int | None = None, values: bool = False) -> None:
        self.qs = qs
        self._count = count
        self.values = values

    def count(self) -> int:
        if self._count is None:
            self._count = self.qs.order_by().count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[Any]:
        if not isinstance(key, slice):
            raise TypeError("IdsFirst supports slices only")
        if key.stop is not None and key.start is not None and key.stop <= key.start:
            return []
        # The ids come from the scoped query, so the rows need no scope filter again.
        page_ids = self.qs.values("pk")[key]
        rows = Task.objects.filter(pk__in=page_ids).order_by("deadline", "id")
        if self.values:
            return list(rows.values(*API_LIST_FIELDS))
        return list(rows.select_related("lead_unit", "responsible_leader").only(*LIST_FIELDS))


def my_tasks(user: Actor) -> QuerySet[Task]:
    """Tasks this user works on: as doer at the lead unit or task force, as responsible leader, or as creator."""
    scope = scope_for(user)
    q = Q(responsible_leader__user_id=user.pk) | Q(created_by_id=user.pk)
    doer_paths = scope.root_paths(DOERS)
    for path in doer_paths:
        q |= Q(lead_unit__path__startswith=path) | Q(task_force__path__startswith=path)
    return task_list(user).filter(q).exclude(status=Status.CANCELLED)


def unit_tasks(user: Actor, unit: Unit) -> QuerySet[Task]:
    """Tasks the unit leads, carries as task force, or helps with as co-unit."""
    through = Task.co_units.through
    co = through.objects.filter(task_id=OuterRef("pk"), unit_id=unit.pk)
    return task_list(user).filter(Q(lead_unit=unit) | Q(task_force=unit) | Q(Exists(co)))


def home_units(user: Actor) -> list[Unit]:
    """The units where the user holds roles, then where they hold posts (for 'my unit')."""
    scope = scope_for(user)
    ids = scope.home_units()
    units = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    result = [units[i] for i in ids if i in units]
    if not result and isinstance(user, User):
        result = [p.unit for p in Position.objects.filter(person__user=user).select_related("unit")]
    return result


def access_task(user: Actor, pk: int | str) -> Task:
    """The task ``pk`` if the user may see it; :class:`NotFound` whether missing or out of scope."""
    try:
        return (
            tasks_visible_to(user)
            .select_related(
                "lead_unit", "task_force", "responsible_leader", "responsible_leader__user", "goal", "category",
                "parent", "created_by", "submitted_by", "source_finding", "source_finding__inspection",
            )
            .get(pk=int(pk))
        )  # fmt: skip
    except (Task.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


@dataclass
class TaskDetail:
    task: Task
    co_units: list[Unit]
    subtasks: list[Task]
    milestones: list[Milestone]
    events: list[TaskEvent]
    reports: dict[int, ProgressReport]
    attachments: list[Any]
    pending_extension: ExtensionRequest | None
    extensions: list[ExtensionRequest] = field(default_factory=list)
    # Whether the goal's and the parent task's pages are open to this user (named either way).
    goal_visible: bool = False
    parent_visible: bool = False


def task_detail(user: Actor, task: Task) -> TaskDetail:
    """Everything the detail page and API show, in a fixed number of queries."""
    reports = {
        r.pk: r
        for r in ProgressReport.objects.filter(task=task).select_related("reported_by").prefetch_related("attachments")
    }
    extensions = list(ExtensionRequest.objects.filter(task=task).select_related("requested_by", "decided_by"))
    events = list(TaskEvent.objects.filter(task=task).order_by("created_at", "id").prefetch_related("attachments"))
    labels = dict(EventKind.choices)
    statuses = dict(Status.choices)
    for event in events:
        if event.kind == EventKind.TRANSITION:
            event.label = str(ACTION_VERBS.get(event.action, event.action))  # type: ignore[attr-defined]
        elif event.kind == EventKind.MILESTONE and event.action:
            event.label = str(_("completed a milestone") if event.action == "done" else _("reopened a milestone"))  # type: ignore[attr-defined]
        elif event.kind == EventKind.REMINDER and event.action.startswith("due_soon"):
            event.label = str(_("deadline is near"))  # type: ignore[attr-defined]
        else:
            event.label = str(labels.get(event.kind, event.kind))  # type: ignore[attr-defined]
        event.from_label = str(statuses.get(event.from_status, ""))  # type: ignore[attr-defined]
        event.to_label = str(statuses.get(event.to_status, ""))  # type: ignore[attr-defined]
        event.report = reports.get(event.data.get("report")) if event.kind == EventKind.PROGRESS else None  # type: ignore[attr-defined]
    return TaskDetail(
        task=task,
        co_units=list(task.co_units.all().order_by("path")),
        subtasks=list(task_list(user).filter(parent=task)),
        milestones=list(Milestone.objects.filter(task=task).order_by("due_date", "sort_order", "id")),
        events=events,
        reports=reports,
        attachments=list(task.attachments.filter(report__isnull=True).select_related("uploaded_by")),
        pending_extension=next((e for e in extensions if e.status == ExtensionStatus.PENDING), None),
        extensions=extensions,
        goal_visible=task.goal_id is not None and goals_visible_to(user).filter(pk=task.goal_id).exists(),
        parent_visible=task.parent_id is not None and tasks_visible_to(user).filter(pk=task.parent_id).exists(),
    )


def people_choices(user: Actor, *, leaders_only: bool = False) -> QuerySet[Person]:
    """People in scope to choose a responsible leader or inspectors from."""
    scope = scope_for(user)
    positions = Position.objects.filter(person=OuterRef("pk"))
    if not scope.is_all:
        positions = positions.filter(scope.unit_q("unit"))
    if leaders_only:
        positions = positions.filter(is_leader=True, unit__kind__in=["district", "township", "subdistrict"])
    return Person.objects.filter(Exists(positions), is_active=True).order_by("name")


# --- board and timeline (挂图作战) ----------------------------------------------------


BOARD_COLUMNS = [Status.DRAFT, Status.ASSIGNED, Status.IN_PROGRESS, Status.PENDING_REVIEW, Status.DONE]
BOARD_LIMIT = 60


@dataclass
class BoardColumn:
    status: str
    label: str
    count: int
    tasks: list[Task]


def board(user: Actor, filters: TaskFilters) -> list[BoardColumn]:
    """The wall chart: one column per state, reddest first; a fixed number of queries."""
    qs = task_list(user, filters)
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    columns: list[BoardColumn] = []
    per_status: dict[str, list[Task]] = defaultdict(list)
    # The first BOARD_LIMIT ids of each column (cheap, from the index), then all their rows at once.
    ids: list[int] = []
    for status in BOARD_COLUMNS:
        ids += list(qs.filter(status=status).values_list("pk", flat=True)[:BOARD_LIMIT])
    for task in qs.order_by("deadline", "id").filter(pk__in=ids):
        per_status[task.status].append(task)
    severity = {"red": 0, "yellow": 1, "green": 2, "": 3}
    for status in BOARD_COLUMNS:
        tasks = sorted(per_status[status], key=lambda t: (severity.get(t.light, 3), t.deadline))
        columns.append(BoardColumn(str(status), str(Status(status).label), counts.get(status, 0), tasks))
    return columns


@dataclass
class GanttRow:
    task: Task
    offset: float  # percent from the left edge
    width: float
    milestones: list[tuple[Milestone, float]]


@dataclass
class Gantt:
    start: dt.date
    end: dt.date
    months: list[tuple[str, float]]
    today_offset: float | None
    rows: list[GanttRow]
    total: int = 0  # how many tasks match; the chart shows the first GANTT_LIMIT


GANTT_LIMIT = 80


def gantt(user: Actor, filters: TaskFilters) -> Gantt:
    """Tasks and their milestones on a time axis (the 时间表/路线图 view); a fixed number of queries."""
    matching = IdsFirst(task_list(user, filters).exclude(status=Status.CANCELLED))
    tasks = matching[:GANTT_LIMIT]
    total = matching.count()
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for m in Milestone.objects.filter(task_id__in=[t.pk for t in tasks]).order_by("due_date"):
        milestones[m.task_id].append(m)
    today = local_today()
    if tasks:
        start = min(t.start_date for t in tasks)
        end = max([t.deadline for t in tasks] + [m.due_date for ms in milestones.values() for m in ms])
    else:
        start, end = today.replace(day=1), today.replace(day=1) + dt.timedelta(days=90)
    start = start.replace(day=1)
    end = end + dt.timedelta(days=7)
    span = max(1, (end - start).days)

    def pos(day: dt.date) -> float:
        return round(100 * max(0, min(span, (day - start).days)) / span, 2)

    months: list[tuple[str, float]] = []
    cursor = start
    while cursor <= end:
        months.append((f"{cursor.year}-{cursor.month:02d}", pos(cursor)))
        cursor = (cursor.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    rows = [
        GanttRow(
            task=t,
            offset=pos(t.start_date),
            width=max(0.8, pos(t.deadline) - pos(t.start_date)),
            milestones=[(m, pos(m.due_date)) for m in milestones[t.pk]],
        )
        for t in tasks
    ]
    return Gantt(start, end, months, pos(today) if start <= today <= end else None, rows, total)


# --- statistics for the overview header --------------------------------------------------


def light_counts(user: Actor, filters: TaskFilters) -> dict[str, int]:
    return light_counts_of(task_list(user, filters))


def light_counts_of(qs: QuerySet[Task]) -> dict[str, int]:
    """How many tasks of ``qs`` show each light (one grouped query)."""
    qs = qs.order_by()
    # COUNT(*), not COUNT(id): PostgreSQL can then count from the (status, light, deadline)
    # index alone instead of reading every row (4 ms instead of 23 ms for 25,000 open tasks).
    # Grouping by (status, light) instead made SQLite drop the lead-unit index (43 ms).
    rows = qs.values_list("light").annotate(n=Count("*")).values_list("light", "n")
    counts = {"green": 0, "yellow": 0, "red": 0, "none": 0}
    for light, n in rows:
        counts[light or "none"] += n
    counts["total"] = sum(counts.values())
    return counts


# --- goals ---------------------------------------------------------------------------------


def goal_list(user: Actor, *, year: int | None = None) -> QuerySet[Goal]:
    qs = goals_visible_to(user).select_related("owner_unit")
    if year:
        qs = qs.filter(year=year)
    return qs.annotate(task_count=Count("tasks", distinct=True)).order_by("-year", "title", "id")


def access_goal(user: Actor, pk: int | str) -> Goal:
    try:
        return goals_visible_to(user).select_related("owner_unit").get(pk=int(pk))
    except (Goal.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


@dataclass
class CategoryNode:
    category: Category
    children: list[CategoryNode]
    tasks: list[Task]
    counts: dict[str, int]


def goal_tree(user: Actor, goal: Goal) -> tuple[list[CategoryNode], list[Task]]:
    """The goal's categories and projects with the visible top-level tasks under each (three queries)."""
    categories = list(Category.objects.filter(goal=goal).order_by("sort_order", "id"))
    tasks = list(task_list(user, TaskFilters(goal=goal.pk, top_level=True)))
    by_cat: dict[int | None, list[Task]] = defaultdict(list)
    for t in tasks:
        by_cat[t.category_id].append(t)
    nodes = {c.pk: CategoryNode(c, [], by_cat.get(c.pk, []), {}) for c in categories}
    roots: list[CategoryNode] = []
    for c in categories:
        parent = nodes.get(c.parent_id) if c.parent_id else None
        (parent.children if parent else roots).append(nodes[c.pk])

    def count(node: CategoryNode) -> dict[str, int]:
        totals = {"green": 0, "yellow": 0, "red": 0, "done": 0, "all": 0}
        for t in node.tasks:
            totals["all"] += 1
            if t.status == Status.DONE:
                totals["done"] += 1
            elif t.light in totals:
                totals[t.light] += 1
        for child in node.children:
            for k, v in count(child).items():
                totals[k] += v
        node.counts = totals
        return totals

    for root in roots:
        count(root)
    return roots, by_cat.get(None, [])


def goal_categories(goal: Goal) -> list[Category]:
    return list(Category.objects.filter(goal=goal).select_related("parent").order_by("sort_order", "id"))


# --- inspections -------------------------------------------------------------------------------


def inspection_list(user: Actor) -> QuerySet[Inspection]:
    return (
        inspections_visible_to(user)
        .select_related("unit")
        .annotate(
            finding_count=Count("findings", distinct=True),
            open_count=Count(
                "findings__rectification_tasks",
                filter=Q(findings__rectification_tasks__status__in=OPEN_STATUSES),
                distinct=True,
            ),
        )
        .order_by("-date", "-id")
    )


def access_inspection(user: Actor, pk: int | str) -> Inspection:
    try:
        return inspections_visible_to(user).select_related("unit", "created_by").get(pk=int(pk))
    except (Inspection.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def inspection_findings(inspection: Inspection) -> list[Finding]:
    return list(
        Finding.objects.filter(inspection=inspection)
        .select_related("unit")
        .prefetch_related(
            Prefetch(
                "rectification_tasks",
                queryset=Task.objects.select_related("lead_unit").order_by("id"),
            )
        )
    )


def access_finding(user: Actor, pk: int | str) -> Finding:
    try:
        finding = Finding.objects.select_related("inspection", "inspection__unit").get(pk=int(pk))
    except (Finding.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    access_inspection(user, finding.inspection_id)
    return finding


def access_milestone(user: Actor, pk: int | str) -> Milestone:
    try:
        milestone = Milestone.objects.get(pk=int(pk))
    except (Milestone.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    milestone.task = access_task(user, milestone.task_id)
    return milestone


def recent_missed_reports(task: Task) -> int:
    return TaskEvent.objects.filter(task=task, kind=EventKind.REPORT_MISSED).count()
