"""Tasks, goals and inspections API: thin handlers over selectors and services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest, JsonResponse
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.responses import Status as HttpStatus
from pydantic import StrictBool
from pydantic.json_schema import SkipJsonSchema

from luoshi.api.pagination import paginate
from luoshi.api.schemas import BodySchema, ErrorOut, PageOut
from luoshi.core import bounds, uploads
from luoshi.core.errors import NotFound, ValidationFailed
from luoshi.org.models import Person, Unit
from luoshi.org.selectors import access_unit
from luoshi.tasks import selectors, services, workflow
from luoshi.tasks.error_codes import TaskErrorCode
from luoshi.tasks.models import Category, Light, Priority, ProgressReport, Source, Status, Task

tasks_router = Router(tags=["tasks"])
goals_router = Router(tags=["goals"])
inspections_router = Router(tags=["inspections"])

ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut,
}  # fmt: skip


# --- schemas ------------------------------------------------------------------------


class TaskListItem(Schema):
    id: int
    number: str
    title: str
    status: str
    status_label: str
    light: str
    progress: Decimal
    start_date: dt.date
    deadline: dt.date
    priority: str
    source: str
    is_overdue: bool
    closed_on_time: bool | None
    lead_unit_id: int
    lead_unit_name: str
    responsible_leader_id: int | None
    responsible_leader_name: str | None
    parent_id: int | None
    version: int
    missed_reports: int = Field(0, description="Required progress reports ever missed (kept on record)")

    # Resolvers also receive the plain dicts built for detail responses, which carry the values already.
    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj["status_label"] if isinstance(obj, dict) else obj.get_status_display())

    @staticmethod
    def resolve_lead_unit_name(obj: Any) -> str:
        return str(obj["lead_unit_name"] if isinstance(obj, dict) else obj.lead_unit.name)

    @staticmethod
    def resolve_responsible_leader_name(obj: Any) -> str | None:
        if isinstance(obj, dict):
            return obj["responsible_leader_name"]
        return obj.responsible_leader.name if obj.responsible_leader_id and obj.responsible_leader else None


class UnitRef(Schema):
    id: int
    name: str
    code: str


class MilestoneOut(Schema):
    id: int
    title: str
    due_date: dt.date
    done: bool
    done_at: dt.datetime | None


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    report_id: int | None


class TaskEventOut(Schema):
    id: int
    kind: str
    action: str
    actor_name: str
    from_status: str
    to_status: str
    comment: str
    data: dict[str, Any]
    created_at: dt.datetime
    attachments: list[AttachmentOut] = Field([], description="Files sent with this step")


class ExtensionOut(Schema):
    id: int
    status: str
    old_deadline: dt.date
    requested_deadline: dt.date
    new_deadline: dt.date | None
    reason: str
    decision_comment: str


class TaskDetailOut(TaskListItem):
    description: str
    target: str
    acceptance: str
    measures: str
    goal_id: int | None
    category_id: int | None
    task_force: UnitRef | None
    co_units: list[UnitRef]
    report_cadence: str
    original_deadline: dt.date | None
    next_report_due: dt.date | None
    missed_reports: int
    reminder_count: int
    reported_progress: int
    time_progress: int
    working_days_left: int
    light_reasons: list[str]
    allowed_actions: list[str] = Field(..., description="The workflow actions the server will accept from you now")
    comment_required: list[str] = Field(..., description="Of allowed_actions, those that need a comment")
    dispatch_gaps: dict[str, list[str]] = Field(
        ..., description="For a draft: which of the five fixes (五定) are missing or wrong before it can be assigned"
    )
    milestones: list[MilestoneOut]
    subtasks: list[TaskListItem]
    extensions: list[ExtensionOut]
    timeline: list[TaskEventOut]


class TaskQuery(Schema):
    q: str = Field("", description="Title contains, or exact task number")
    unit: bounds.Id | None = Field(None, description="Lead unit in this unit's subtree")
    leader: bounds.Id | None = Field(None, description="Responsible leader (person id)")
    goal: bounds.Id | None = None
    category: bounds.Id | None = Field(None, description="This category or the projects under it")
    light: str = bounds.one_of([*Light.values, "none"], description="green, yellow, red, or none")
    status: str = bounds.one_of([*Status.values, "open"], description="A status, or `open` for all open ones")
    overdue: bool | None = Field(None, description="Only overdue (or closed late) tasks, or only the others")
    source: str = bounds.one_of(Source.values)
    priority: str = bounds.one_of(Priority.values)
    due_before: bounds.Day | None = None
    due_after: bounds.Day | None = None
    page: bounds.Page = 1
    page_size: bounds.PageSize = Field(50, description="1 to 500")

    def to_filters(self) -> selectors.TaskFilters:
        params = {k: "" if v is None else str(v) for k, v in self.dict().items()}
        if self.overdue is not None:
            params["overdue"] = "1" if self.overdue else "0"
        return selectors.TaskFilters.from_params(params)


class TaskIn(BodySchema):
    title: str = Field(..., min_length=1, max_length=200)
    lead_unit_id: bounds.Id
    start_date: bounds.Day
    deadline: bounds.Day
    description: bounds.Text = ""
    source: str = Field("higher", max_length=20)
    goal_id: bounds.Id | None = None
    category_id: bounds.Id | None = None
    parent_id: bounds.Id | None = None
    target: bounds.Text = ""
    acceptance: bounds.Text = ""
    measures: bounds.Text = ""
    responsible_leader_id: bounds.Id | None = None
    co_unit_ids: list[bounds.Id] = []
    task_force_id: bounds.Id | None = None
    priority: str = Field("normal", max_length=20)
    report_cadence: str = Field("weekly", max_length=20)
    weight: bounds.Weight | None = None
    assign: bool = Field(False, description="Assign at once (otherwise the task stays a draft)")


class TaskPatch(BodySchema):
    """A change: leave a field out to keep it. Only the leader and the weight can be cleared (null);
    the others are not nullable in the schema (``"description": null`` is refused: null_not_allowed)."""

    version: bounds.Version = Field(..., description="The version you read; a stale one gets 409")
    title: Annotated[str, Field(min_length=1, max_length=200)] | SkipJsonSchema[None] = None
    description: bounds.Text | SkipJsonSchema[None] = None
    target: bounds.Text | SkipJsonSchema[None] = None
    acceptance: bounds.Text | SkipJsonSchema[None] = None
    measures: bounds.Text | SkipJsonSchema[None] = None
    priority: Annotated[str, Field(max_length=20)] | SkipJsonSchema[None] = None
    report_cadence: Annotated[str, Field(max_length=20)] | SkipJsonSchema[None] = None
    deadline: bounds.Day | SkipJsonSchema[None] = None
    start_date: bounds.Day | SkipJsonSchema[None] = None
    responsible_leader_id: bounds.Id | None = None
    weight: bounds.Weight | None = None


class TaskTransitionIn(BodySchema):
    action: str = Field(..., max_length=40, description=", ".join(workflow.ACTIONS))
    comment: str = Field(
        "",
        max_length=2000,
        description="Required for the actions listed in comment_required (a reason; for sign_off the review opinion)",
    )
    version: bounds.Version | None = Field(None, description="The version you read, against lost updates")
    new_deadline: bounds.Day | None = Field(None, description="For request_extension and approve_extension")
    attachment_ids: list[bounds.Id] = Field(
        [],
        max_length=uploads.MAX_FILES_PER_STEP,
        description="For submit, sign_off and return: files you uploaded with POST /tasks/{id}/attachments "
        "(not yet used), kept with this step",
    )


class ProgressIn(BodySchema):
    percent: int = Field(..., ge=0, le=100)
    text: bounds.Text = Field(..., min_length=1)
    reported_on: bounds.Day | None = None


class ProgressOut(Schema):
    id: int
    percent: int
    text: str
    reported_on: dt.date
    task: TaskListItem


class ReminderIn(BodySchema):
    comment: bounds.Text = ""


class MilestoneIn(BodySchema):
    title: str = Field(..., min_length=1, max_length=200)
    due_date: bounds.Day


class GoalCategoryOut(Schema):
    id: int
    parent_id: int | None
    name: str
    code: str
    weight: Decimal | None
    progress: Decimal


class GoalOut(Schema):
    id: int
    year: int = Field(..., ge=2000, le=2099)
    title: str
    owner_unit_id: int
    owner_unit_name: str
    weight: Decimal
    progress: Decimal
    version: int

    @staticmethod
    def resolve_owner_unit_name(obj: Any) -> str:
        return str(obj["owner_unit_name"] if isinstance(obj, dict) else obj.owner_unit.name)


class GoalDetailOut(GoalOut):
    description: str
    assessment: str
    categories: list[GoalCategoryOut]


class GoalIn(BodySchema):
    owner_unit_id: bounds.Id
    year: int = Field(..., ge=2000, le=2099)
    title: str = Field(..., min_length=1, max_length=200)
    description: bounds.Text = ""
    weight: bounds.Weight = Decimal("0")
    assessment: bounds.Text = ""


class CategoryIn(BodySchema):
    name: str = Field(..., min_length=1, max_length=200)
    parent_id: bounds.Id | None = None
    code: str = Field("", max_length=20)
    weight: bounds.Weight | None = None
    sort_order: bounds.SortOrder = 0


class FindingOut(Schema):
    id: int
    description: str
    unit_id: int | None
    task_ids: list[int]


class InspectionOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    date: dt.date
    place: str
    unannounced: bool
    summary: str

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return str(obj["unit_name"] if isinstance(obj, dict) else obj.unit.name)


class InspectionDetailOut(InspectionOut):
    inspectors: list[str]
    findings: list[FindingOut]


class InspectionIn(BodySchema):
    unit_id: bounds.Id
    date: bounds.Day
    place: str = Field(..., min_length=1, max_length=200)
    unannounced: StrictBool = True
    inspector_ids: list[bounds.Id] = []
    summary: bounds.Text = ""
    findings: list[str] = []


class FindingIn(BodySchema):
    description: bounds.Text = Field(..., min_length=1)
    unit_id: bounds.Id | None = None


class FindingTaskIn(BodySchema):
    lead_unit_id: bounds.Id
    deadline: bounds.Day
    responsible_leader_id: bounds.Id | None = None
    title: bounds.Title = ""


# --- helpers ----------------------------------------------------------------------------


def _person(request: HttpRequest, pk: int | None) -> Person | None:
    if pk is None:
        return None
    person = selectors.people_choices(request.user).filter(pk=pk).first()
    if person is None:
        raise ValidationFailed("responsible_leader_id: not found in your scope", code=TaskErrorCode.UNKNOWN_PERSON)
    return person


def _units(request: HttpRequest, ids: list[int]) -> list[Unit]:
    return [access_unit(request.user, pk) for pk in ids]


def task_detail_dict(request: HttpRequest, task: Task) -> dict[str, Any]:
    detail = selectors.task_detail(request.user, task)
    live = services.light_for(task)
    actions = services.available_actions(request.user, task, pending_extension=detail.pending_extension is not None)
    return {
        **TaskListItem.from_orm(task).dict(),
        "description": task.description,
        "target": task.target,
        "acceptance": task.acceptance,
        "measures": task.measures,
        "goal_id": task.goal_id,
        "category_id": task.category_id,
        "task_force": task.task_force,
        "co_units": detail.co_units,
        "report_cadence": task.report_cadence,
        "original_deadline": task.original_deadline,
        "next_report_due": task.next_report_due,
        "missed_reports": task.missed_reports,
        "reminder_count": task.reminder_count,
        "reported_progress": task.reported_progress,
        "time_progress": live.time_progress,
        "working_days_left": live.working_days_left,
        "light_reasons": list(live.reasons),
        "allowed_actions": actions,
        "comment_required": [a for a in actions if services.comment_required(task, a)],
        "dispatch_gaps": services.dispatch_gaps(task) if task.status == Status.DRAFT else {},
        "milestones": detail.milestones,
        "subtasks": detail.subtasks,
        "extensions": detail.extensions,
        "timeline": detail.events,
    }


# --- tasks -----------------------------------------------------------------------------------


@tasks_router.get("", response={200: PageOut[TaskListItem], **ERRORS}, summary="List tasks in your scope")
def list_tasks(request: HttpRequest, filters: Query[TaskQuery]) -> Any:
    tasks = selectors.IdsFirst(selectors.task_list(request.user, filters.to_filters()), values=True)
    page = paginate(tasks, filters.page, filters.page_size)  # type: ignore[arg-type]
    page["results"] = list_items(page["results"])
    # Plain dicts straight to JSON: validating hundreds of rows through the schema cost
    # more than the queries. tests/test_api.py checks the output against TaskListItem.
    return JsonResponse(page, content_type="application/json; charset=utf-8", json_dumps_params={"ensure_ascii": False})


def list_items(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """API list rows (:class:`TaskListItem`) from :data:`selectors.API_LIST_FIELDS` values."""
    labels = {value: str(label) for value, label in Status.choices}
    return [
        {
            "id": r["id"], "number": r["number"], "title": r["title"], "status": r["status"],
            "status_label": labels.get(r["status"], r["status"]), "light": r["light"], "progress": r["progress"],
            "start_date": r["start_date"], "deadline": r["deadline"], "priority": r["priority"],
            "source": r["source"], "is_overdue": r["is_overdue"], "closed_on_time": r["closed_on_time"],
            "lead_unit_id": r["lead_unit_id"], "lead_unit_name": r["lead_unit__name"],
            "responsible_leader_id": r["responsible_leader_id"],
            "responsible_leader_name": r["responsible_leader__name"], "parent_id": r["parent_id"],
            "version": r["version"], "missed_reports": r["missed_reports"],
        }
        for r in rows
    ]  # fmt: skip


@tasks_router.post("", response={201: TaskDetailOut, **ERRORS}, summary="Create a task (supervisors and leaders)")
def create_task(request: HttpRequest, payload: TaskIn) -> Any:
    goal = selectors.access_goal(request.user, payload.goal_id) if payload.goal_id else None
    category = None
    if payload.category_id:
        category = Category.objects.filter(pk=payload.category_id).select_related("goal").first()
        if category is None:
            raise NotFound()
        goal = goal or selectors.access_goal(request.user, category.goal_id)
    parent = selectors.access_task(request.user, payload.parent_id) if payload.parent_id else None
    data = services.TaskData(
        title=payload.title,
        lead_unit=access_unit(request.user, payload.lead_unit_id),
        start_date=payload.start_date,
        deadline=payload.deadline,
        description=payload.description,
        source=payload.source,
        goal=goal,
        category=category,
        parent=parent,
        target=payload.target,
        acceptance=payload.acceptance,
        measures=payload.measures,
        responsible_leader=_person(request, payload.responsible_leader_id),
        co_units=_units(request, payload.co_unit_ids),
        task_force=access_unit(request.user, payload.task_force_id) if payload.task_force_id else None,
        priority=payload.priority,
        report_cadence=payload.report_cadence,
        weight=payload.weight,
    )
    task = services.task_create(actor=request.user, data=data, assign=payload.assign)
    return HttpStatus(201, task_detail_dict(request, selectors.access_task(request.user, task.pk)))


@tasks_router.get("/{int:task_id}", response={200: TaskDetailOut, **ERRORS}, summary="One task with its timeline")
def get_task(request: HttpRequest, task_id: int) -> Any:
    return task_detail_dict(request, selectors.access_task(request.user, task_id))


@tasks_router.patch("/{int:task_id}", response={200: TaskDetailOut, **ERRORS}, summary="Edit a task")
def update_task(request: HttpRequest, task_id: int, payload: TaskPatch) -> Any:
    task = selectors.access_task(request.user, task_id)
    data = bounds.refuse_nulls(payload.dict(exclude_unset=True), nullable=("responsible_leader_id", "weight"))
    version = data.pop("version")
    if "responsible_leader_id" in data:
        data["responsible_leader"] = _person(request, data.pop("responsible_leader_id"))
    services.task_update(actor=request.user, task=task, version=version, **data)
    return task_detail_dict(request, selectors.access_task(request.user, task_id))


@tasks_router.post(
    "/{int:task_id}/transitions", response={200: TaskDetailOut, **ERRORS}, summary="Fire a workflow action"
)
def transition_task(request: HttpRequest, task_id: int, payload: TaskTransitionIn) -> Any:
    task = selectors.access_task(request.user, task_id)
    services.task_transition(
        actor=request.user,
        task=task,
        action=payload.action,
        comment=payload.comment,
        version=payload.version,
        new_deadline=payload.new_deadline,
        attachment_ids=payload.attachment_ids,
    )
    return task_detail_dict(request, selectors.access_task(request.user, task_id))


@tasks_router.post("/{int:task_id}/progress", response={201: ProgressOut, **ERRORS}, summary="Report progress")
def report_progress(request: HttpRequest, task_id: int, payload: ProgressIn) -> Any:
    task = selectors.access_task(request.user, task_id)
    report = services.task_report_progress(
        actor=request.user, task=task, percent=payload.percent, text=payload.text, reported_on=payload.reported_on
    )
    fresh = selectors.access_task(request.user, task_id)
    return HttpStatus(
        201,
        {
            "id": report.pk,
            "percent": report.percent,
            "text": report.text,
            "reported_on": report.reported_on,
            "task": fresh,
        },
    )


@tasks_router.post(
    "/{int:task_id}/attachments",
    response={201: list[AttachmentOut], **ERRORS},
    summary="Upload files to a task or to one of its progress reports (multipart field `files`, optional "
    "`report_id`; type, size and content are checked)",
)
def upload_attachments(
    request: HttpRequest, task_id: int, files: File[list[UploadedFile]], report_id: Form[int | None] = None
) -> Any:
    task = selectors.access_task(request.user, task_id)
    report = None
    if report_id is not None:
        report = ProgressReport.objects.filter(pk=report_id, task=task).first()
        if report is None:
            raise NotFound()
    return HttpStatus(201, services.task_add_attachments(actor=request.user, task=task, files=files, report=report))


@tasks_router.post("/{int:task_id}/reminders", response={200: TaskListItem, **ERRORS}, summary="Send a reminder (催办)")
def remind_task(request: HttpRequest, task_id: int, payload: ReminderIn) -> Any:
    task = selectors.access_task(request.user, task_id)
    services.task_remind(actor=request.user, task=task, comment=payload.comment)
    return selectors.access_task(request.user, task_id)


@tasks_router.post("/{int:task_id}/milestones", response={201: MilestoneOut, **ERRORS}, summary="Add a milestone")
def add_milestone(request: HttpRequest, task_id: int, payload: MilestoneIn) -> Any:
    task = selectors.access_task(request.user, task_id)
    return HttpStatus(
        201, services.milestone_add(actor=request.user, task=task, title=payload.title, due_date=payload.due_date)
    )


# --- goals -------------------------------------------------------------------------------------


@goals_router.get("", response={200: PageOut[GoalOut], **ERRORS}, summary="List goals in your scope")
def list_goals(
    request: HttpRequest, year: bounds.Year | None = None, page: bounds.Page = 1, page_size: bounds.PageSize = 50
) -> Any:
    return paginate(selectors.goal_list(request.user, year=year), page, page_size)


def _goal_detail(goal: Any) -> dict[str, Any]:
    return {
        **GoalOut.from_orm(goal).dict(),
        "description": goal.description,
        "assessment": goal.assessment,
        "categories": selectors.goal_categories(goal),
    }


@goals_router.post("", response={201: GoalDetailOut, **ERRORS}, summary="Create a goal")
def create_goal(request: HttpRequest, payload: GoalIn) -> Any:
    unit = access_unit(request.user, payload.owner_unit_id)
    goal = services.goal_create(
        actor=request.user,
        owner_unit=unit,
        year=payload.year,
        title=payload.title,
        description=payload.description,
        weight=payload.weight,
        assessment=payload.assessment,
    )
    return HttpStatus(201, _goal_detail(selectors.access_goal(request.user, goal.pk)))


@goals_router.get("/{int:goal_id}", response={200: GoalDetailOut, **ERRORS}, summary="One goal with its categories")
def get_goal(request: HttpRequest, goal_id: int) -> Any:
    return _goal_detail(selectors.access_goal(request.user, goal_id))


@goals_router.post(
    "/{int:goal_id}/categories", response={201: GoalCategoryOut, **ERRORS}, summary="Add a category or project"
)
def add_category(request: HttpRequest, goal_id: int, payload: CategoryIn) -> Any:
    goal = selectors.access_goal(request.user, goal_id)
    parent = None
    if payload.parent_id:
        parent = Category.objects.filter(pk=payload.parent_id, goal=goal).first()
        if parent is None:
            raise NotFound()
    category = services.category_create(
        actor=request.user,
        goal=goal,
        name=payload.name,
        parent=parent,
        code=payload.code,
        weight=payload.weight,
        sort_order=payload.sort_order,
    )
    return HttpStatus(201, category)


# --- inspections -------------------------------------------------------------------------------


@inspections_router.get("", response={200: PageOut[InspectionOut], **ERRORS}, summary="List inspections")
def list_inspections(request: HttpRequest, page: bounds.Page = 1, page_size: bounds.PageSize = 50) -> Any:
    return paginate(selectors.inspection_list(request.user), page, page_size)


def _inspection_detail(request: HttpRequest, inspection: Any) -> dict[str, Any]:
    return {
        **InspectionOut.from_orm(inspection).dict(),
        "inspectors": [p.name for p in inspection.inspectors.all()],
        "findings": [
            {
                "id": f.pk,
                "description": f.description,
                "unit_id": f.unit_id,
                "task_ids": [t.pk for t in f.rectification_tasks.all()],
            }
            for f in selectors.inspection_findings(inspection)
        ],
    }


@inspections_router.post("", response={201: InspectionDetailOut, **ERRORS}, summary="Record an inspection")
def create_inspection(request: HttpRequest, payload: InspectionIn) -> Any:
    people = selectors.people_choices(request.user).filter(pk__in=payload.inspector_ids)
    inspection = services.inspection_create(
        actor=request.user,
        unit=access_unit(request.user, payload.unit_id),
        date=payload.date,
        place=payload.place,
        unannounced=payload.unannounced,
        inspectors=list(people),
        summary=payload.summary,
        findings=payload.findings,
    )
    return HttpStatus(201, _inspection_detail(request, selectors.access_inspection(request.user, inspection.pk)))


@inspections_router.get("/{int:inspection_id}", response={200: InspectionDetailOut, **ERRORS}, summary="One inspection")
def get_inspection(request: HttpRequest, inspection_id: int) -> Any:
    return _inspection_detail(request, selectors.access_inspection(request.user, inspection_id))


@inspections_router.post("/{int:inspection_id}/findings", response={201: FindingOut, **ERRORS}, summary="Add a finding")
def add_finding(request: HttpRequest, inspection_id: int, payload: FindingIn) -> Any:
    inspection = selectors.access_inspection(request.user, inspection_id)
    unit = access_unit(request.user, payload.unit_id) if payload.unit_id else None
    finding = services.finding_add(
        actor=request.user, inspection=inspection, description=payload.description, unit=unit
    )
    return HttpStatus(
        201, {"id": finding.pk, "description": finding.description, "unit_id": finding.unit_id, "task_ids": []}
    )


@inspections_router.post(
    "/findings/{int:finding_id}/task",
    response={201: TaskDetailOut, **ERRORS},
    summary="Turn a finding into a rectification task",
)
def finding_task(request: HttpRequest, finding_id: int, payload: FindingTaskIn) -> Any:
    finding = selectors.access_finding(request.user, finding_id)
    task = services.finding_to_task(
        actor=request.user,
        finding=finding,
        lead_unit=access_unit(request.user, payload.lead_unit_id),
        deadline=payload.deadline,
        responsible_leader=_person(request, payload.responsible_leader_id),
        title=payload.title,
    )
    return HttpStatus(201, task_detail_dict(request, selectors.access_task(request.user, task.pk)))


__all__ = ["Status", "goals_router", "inspections_router", "tasks_router"]
