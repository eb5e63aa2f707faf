"""Key projects API under /api/v1/projects: thin handlers over selectors and services.

Schema names start with ``Project`` so they stay unique in the OpenAPI document.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.responses import Status as HttpStatus

from luoshi.api.pagination import paginate
from luoshi.api.schemas import ErrorOut, PageOut
from luoshi.core.errors import NotFound, ValidationFailed
from luoshi.org.models import Person, Unit
from luoshi.org.scope import scope_for
from luoshi.org.selectors import access_unit
from luoshi.projects import selectors, services
from luoshi.projects.models import Enterprise, Lead, Project
from luoshi.projects.permissions import enterprises_visible_to, require_manage, require_problem_manage

router = Router(tags=["projects"])

ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut,
}  # fmt: skip


class ProjectPersonRef(Schema):
    id: int
    name: str


class ProjectListItem(Schema):
    id: int
    code: str
    name: str
    kind: str
    levels: list[str]
    stage: str
    stage_label: str
    status: str = Field(description="Computed: ahead, on_track, behind, or empty when not measured")
    status_label: str
    light: str
    unit_id: int
    unit_name: str
    total_investment: Decimal
    plan_year: int
    annual_plan: Decimal
    completed_year: Decimal
    completed_total: Decimal
    year_share: int = Field(description="Completed this year as a share of the annual plan, in per cent")
    time_progress: int = Field(description="Share of the plan year's working days passed, in per cent")
    next_milestone_due: dt.date | None
    open_problems: int
    late_milestones: int
    leaders: list[ProjectPersonRef]
    version: int


def _item(p: Project) -> dict[str, Any]:
    return {
        "id": p.pk, "code": p.code, "name": p.name, "kind": p.kind, "levels": p.levels, "stage": p.stage,
        "stage_label": str(p.get_stage_display()), "status": p.schedule,
        "status_label": str(p.get_schedule_display()) if p.schedule else "", "light": p.light,
        "unit_id": p.unit_id, "unit_name": p.unit.name, "total_investment": p.total_investment,
        "plan_year": p.plan_year, "annual_plan": p.annual_plan, "completed_year": p.completed_year,
        "completed_total": p.completed_total, "year_share": p.year_share, "time_progress": p.time_progress,
        "next_milestone_due": p.next_milestone_due, "open_problems": p.open_problems,
        "late_milestones": p.late_milestones,
        "leaders": [{"id": person.pk, "name": person.name} for person in p.leaders.all()], "version": p.version,
    }  # fmt: skip


class ProjectMilestoneOut(Schema):
    id: int
    title: str
    due_date: dt.date
    done_on: dt.date | None
    light: str
    working_days_left: int


class ProjectProblemOut(Schema):
    id: int
    kind: str
    title: str
    unit_id: int
    unit_name: str
    due_date: dt.date
    status: str
    light: str
    task_id: int | None
    task_status: str


class ProjectInvestmentOut(Schema):
    month: dt.date
    period: int
    amount: Decimal
    note: str


class ProjectDetailOut(ProjectListItem):
    description: str
    task_force_id: int | None
    liaison: ProjectPersonRef | None
    enterprise_id: int | None
    lat: Decimal | None
    lng: Decimal | None
    polygon: Any | None
    output_value: Decimal | None
    planned_start: dt.date | None
    planned_finish: dt.date | None
    actual_start: dt.date | None
    actual_finish: dt.date | None
    milestones: list[ProjectMilestoneOut]
    problems: list[ProjectProblemOut]
    investments: list[ProjectInvestmentOut]


def _detail(project: Project) -> dict[str, Any]:
    data = _item(project)
    data.update(
        description=project.description,
        task_force_id=project.task_force_id,
        liaison={"id": project.liaison.pk, "name": project.liaison.name} if project.liaison else None,
        enterprise_id=project.enterprise_id,
        lat=project.lat,
        lng=project.lng,
        polygon=project.polygon,
        output_value=project.output_value,
        planned_start=project.planned_start,
        planned_finish=project.planned_finish,
        actual_start=project.actual_start,
        actual_finish=project.actual_finish,
        milestones=[
            {
                "id": r.milestone.pk,
                "title": r.milestone.title,
                "due_date": r.milestone.due_date,
                "done_on": r.milestone.done_on,
                "light": r.light,
                "working_days_left": r.days_left,
            }
            for r in selectors.milestone_rows(project)
        ],
        problems=[
            {
                "id": r.problem.pk,
                "kind": r.problem.kind,
                "title": r.problem.title,
                "unit_id": r.problem.unit_id,
                "unit_name": r.problem.unit.name,
                "due_date": r.problem.due_date,
                "status": r.problem.status,
                "light": r.light,
                "task_id": r.problem.task_id,
                "task_status": r.problem.task_status,
            }
            for r in selectors.problem_rows(selectors.project_problems(project))
        ],
        investments=[
            {"month": i.month, "period": i.period, "amount": i.amount, "note": i.note}
            for i in project.investments.order_by("month", "period")
        ],
    )
    return data


class ProjectQuery(Schema):
    q: str = Field("", max_length=50)
    unit: int | None = Field(None, ge=1, description="Only projects led within this unit's subtree")
    kind: str = Field("", max_length=20)
    level: str = Field("", max_length=20)
    stage: str = Field("", max_length=20)
    status: str = Field("", max_length=20, description="ahead, on_track or behind")
    light: str = Field("", max_length=10)
    leader: int | None = Field(None, ge=1, description="Only projects linked to this person")
    mine: bool = Field(False, description="Only projects linked to me")
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=500)


@router.get("", response={200: PageOut[ProjectListItem], **ERRORS}, summary="List key projects in your scope")
def list_projects(request: HttpRequest, query: Query[ProjectQuery]) -> Any:
    params = query.dict()
    params["schedule"] = params.pop("status")
    params["mine"] = "1" if query.mine else ""
    filters = selectors.ProjectFilters.from_params(
        request.user, {k: v if v is not None else "" for k, v in params.items()}
    )
    page = paginate(selectors.project_list(request.user, filters), query.page, query.page_size)
    page["results"] = [_item(p) for p in page["results"]]
    # Plain dicts straight to JSON: validating every row through the schema cost more than the
    # queries. test_views checks the output against ProjectListItem.
    return JsonResponse(page, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})


class ProjectIn(Schema):
    name: str = Field(..., max_length=120)
    unit_id: int = Field(..., ge=1, description="Lead unit")
    kind: str = Field("industry", max_length=20)
    levels: list[str] = Field(default_factory=list, max_length=4)
    stage: str = Field("planning", max_length=20, description="Only at registration; later stages move by steps")
    total_investment: Decimal = Field(..., ge=0, le=Decimal("999999999.99"), decimal_places=2)
    plan_year: int = Field(..., ge=2000, le=2100)
    annual_plan: Decimal = Field(..., ge=0, le=Decimal("999999999.99"), decimal_places=2)
    output_value: Decimal | None = Field(None, ge=0, le=Decimal("999999999.99"), decimal_places=2)
    description: str = Field("", max_length=4000)
    task_force_id: int | None = Field(None, ge=1)
    liaison_id: int | None = Field(None, ge=1)
    leader_ids: list[int] = Field(default_factory=list, max_length=10)
    enterprise_id: int | None = Field(None, ge=1)
    lat: Decimal | None = Field(None, ge=-90, le=90)
    lng: Decimal | None = Field(None, ge=-180, le=180)
    polygon: dict[str, Any] | None = None
    planned_start: dt.date | None = None
    planned_finish: dt.date | None = None
    actual_start: dt.date | None = None
    actual_finish: dt.date | None = None


class ProjectPatch(ProjectIn):
    version: int = Field(..., ge=1)


def _people(request: HttpRequest, ids: list[int]) -> list[Person]:
    from luoshi.org.selectors import people_visible_to

    found = list(people_visible_to(request.user).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        message = _("The chosen person was not found.")
        raise ValidationFailed(message, details={"leader_ids": [message]})
    return found


def _data(request: HttpRequest, payload: ProjectIn) -> services.ProjectData:
    user = request.user
    task_force: Unit | None = access_unit(user, payload.task_force_id) if payload.task_force_id else None
    liaison = _people(request, [payload.liaison_id])[0] if payload.liaison_id else None
    enterprise: Enterprise | None = None
    if payload.enterprise_id:
        enterprise = enterprises_visible_to(user).filter(pk=payload.enterprise_id).first()
        if enterprise is None:
            raise NotFound()
    unit = access_unit(user, payload.unit_id)
    if not scope_for(user).covers(unit):
        raise NotFound()
    return services.ProjectData(
        name=payload.name, unit=unit, total_investment=payload.total_investment, annual_plan=payload.annual_plan,
        plan_year=payload.plan_year, kind=payload.kind, levels=payload.levels, stage=payload.stage,
        description=payload.description, task_force=task_force, liaison=liaison,
        leaders=_people(request, payload.leader_ids) if payload.leader_ids else [], enterprise=enterprise,
        lat=payload.lat, lng=payload.lng, polygon=payload.polygon, output_value=payload.output_value,
        planned_start=payload.planned_start, planned_finish=payload.planned_finish,
        actual_start=payload.actual_start, actual_finish=payload.actual_finish,
    )  # fmt: skip


@router.post("", response={201: ProjectDetailOut, **ERRORS}, summary="Register a key project")
def create_project(request: HttpRequest, payload: ProjectIn) -> Any:
    project = services.project_create(actor=request.user, data=_data(request, payload))
    return HttpStatus(201, _detail(selectors.access_project(request.user, project.pk)))


@router.get("/{int:project_id}", response={200: ProjectDetailOut, **ERRORS}, summary="One key project")
def get_project(request: HttpRequest, project_id: int) -> Any:
    return _detail(selectors.access_project(request.user, project_id))


@router.put("/{int:project_id}", response={200: ProjectDetailOut, **ERRORS}, summary="Edit a key project")
def update_project(request: HttpRequest, project_id: int, payload: ProjectPatch) -> Any:
    project = selectors.access_project(request.user, project_id)
    require_manage(request.user, project)  # before the references are resolved: 403, not their 404 or 400
    services.project_update(actor=request.user, project=project, data=_data(request, payload), version=payload.version)
    return _detail(selectors.access_project(request.user, project_id))


class ProjectStepIn(Schema):
    action: str = Field(..., max_length=20, description="advance or step_back")
    comment: str = Field("", max_length=500)


@router.post("/{int:project_id}/steps", response={200: ProjectDetailOut, **ERRORS}, summary="Move the stage")
def step_project(request: HttpRequest, project_id: int, payload: ProjectStepIn) -> Any:
    project = selectors.access_project(request.user, project_id)
    services.project_step(actor=request.user, project=project, action=payload.action, comment=payload.comment)
    return _detail(selectors.access_project(request.user, project_id))


class ProjectInvestmentIn(Schema):
    month: str = Field(..., pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")
    period: int = Field(0, ge=0, le=3, description="0 whole month, 1/2/3 the ten-day periods")
    amount: Decimal = Field(..., ge=0, le=Decimal("999999999.99"), decimal_places=2)
    note: str = Field("", max_length=200)


@router.post(
    "/{int:project_id}/investments", response={200: ProjectDetailOut, **ERRORS}, summary="Record a month's investment"
)
def record_investment(request: HttpRequest, project_id: int, payload: ProjectInvestmentIn) -> Any:
    project = selectors.access_project(request.user, project_id)
    try:
        month = dt.date.fromisoformat(payload.month + "-01")
    except ValueError:
        message = _("The month is not valid (YYYY-MM).")
        raise ValidationFailed(message, details={"month": [message]}) from None
    services.investment_record(
        actor=request.user,
        project=project,
        month=month,
        amount=payload.amount,
        period=payload.period,
        note=payload.note,
    )
    return _detail(selectors.access_project(request.user, project_id))


class ProjectMilestoneIn(Schema):
    title: str = Field(..., max_length=120)
    due_date: dt.date


@router.post("/{int:project_id}/milestones", response={201: ProjectDetailOut, **ERRORS}, summary="Add a milestone")
def add_milestone(request: HttpRequest, project_id: int, payload: ProjectMilestoneIn) -> Any:
    project = selectors.access_project(request.user, project_id)
    services.milestone_add(actor=request.user, project=project, title=payload.title, due_date=payload.due_date)
    return HttpStatus(201, _detail(selectors.access_project(request.user, project_id)))


class ProjectMilestoneDoneIn(Schema):
    done_on: dt.date | None = None


@router.post(
    "/milestones/{int:milestone_id}/done",
    response={200: ProjectDetailOut, **ERRORS},
    summary="Mark a milestone done or not",
)
def milestone_done(request: HttpRequest, milestone_id: int, payload: ProjectMilestoneDoneIn) -> Any:
    milestone = selectors.access_milestone(request.user, milestone_id)
    services.milestone_set_done(actor=request.user, milestone=milestone, done_on=payload.done_on)
    return _detail(selectors.access_project(request.user, milestone.project_id))


class ProjectProgressIn(Schema):
    text: str = Field(..., max_length=2000)
    date: dt.date | None = None


class ProjectPhotoOut(Schema):
    id: int
    width: int
    height: int
    thumbnail_url: str
    url: str = Field(..., description="The picture without its metadata (EXIF location removed)")


class ProjectProgressOut(Schema):
    id: int
    date: dt.date
    text: str
    photos: list[ProjectPhotoOut] = []


def _progress_out(entry: Any) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "date": entry.date,
        "text": entry.text,
        "photos": [
            {
                "id": p.pk, "width": p.width, "height": p.height,
                "thumbnail_url": reverse("projects:photo", args=[p.pk, "thumb"]),
                "url": reverse("projects:photo", args=[p.pk, "full"]),
            }
            for p in entry.photos.order_by("id")
        ],
    }  # fmt: skip


@router.post("/{int:project_id}/progress", response={201: ProjectProgressOut, **ERRORS}, summary="Add a progress entry")
def add_progress(request: HttpRequest, project_id: int, payload: ProjectProgressIn) -> Any:
    project = selectors.access_project(request.user, project_id)
    entry = services.progress_add(actor=request.user, project=project, text=payload.text, date=payload.date)
    return HttpStatus(201, _progress_out(entry))


@router.post(
    "/{int:project_id}/progress/photos",
    response={201: ProjectProgressOut, **ERRORS},
    summary="Add a progress entry with photos (multipart: `text`, optional `date`, up to 9 `photos`; each "
    "photo is checked by its content, size-capped and re-encoded, its location kept for staff only)",
)
def add_progress_with_photos(
    request: HttpRequest,
    project_id: int,
    text: Form[str],
    photos: File[list[UploadedFile]],
    date: Form[dt.date | None] = None,
) -> Any:
    project = selectors.access_project(request.user, project_id)
    entry = services.progress_add(actor=request.user, project=project, text=text, date=date, photos=photos)
    return HttpStatus(201, _progress_out(entry))


class ProjectProblemIn(Schema):
    kind: str = Field(..., max_length=12)
    title: str = Field(..., max_length=200)
    unit_id: int = Field(..., ge=1, description="Responsible unit")
    due_date: dt.date
    description: str = Field("", max_length=4000)


@router.post(
    "/{int:project_id}/problems", response={201: ProjectDetailOut, **ERRORS}, summary="Record a problem to coordinate"
)
def add_problem(request: HttpRequest, project_id: int, payload: ProjectProblemIn) -> Any:
    project = selectors.access_project(request.user, project_id)
    services.problem_add(
        actor=request.user, project=project, kind=payload.kind, title=payload.title,
        unit=access_unit(request.user, payload.unit_id), due_date=payload.due_date, description=payload.description,
    )  # fmt: skip
    return HttpStatus(201, _detail(selectors.access_project(request.user, project_id)))


class ProjectProblemTaskIn(Schema):
    responsible_leader_id: int = Field(..., ge=1)
    deadline: dt.date | None = None
    target: str = Field("", max_length=2000)
    acceptance: str = Field("", max_length=2000)


class ProjectTaskRefOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    deadline: dt.date
    url: str


@router.post(
    "/problems/{int:problem_id}/task", response={201: ProjectTaskRefOut, **ERRORS}, summary="Turn a problem into a task"
)
def problem_task(request: HttpRequest, problem_id: int, payload: ProjectProblemTaskIn) -> Any:
    problem = selectors.access_problem(request.user, problem_id)
    require_problem_manage(request.user, problem)  # before the leader is looked up: 403, not a 400
    leader = _people(request, [payload.responsible_leader_id])[0]
    ref = services.problem_to_task(
        actor=request.user, problem=problem, responsible_leader=leader, deadline=payload.deadline,
        target=payload.target, acceptance=payload.acceptance,
    )  # fmt: skip
    return HttpStatus(
        201,
        {"id": ref.id, "number": ref.number, "status": ref.status, "status_label": ref.status_label,
         "deadline": ref.deadline, "url": ref.url},
    )  # fmt: skip


class ProjectPortfolioOut(Schema):
    person: ProjectPersonRef | None
    projects: list[ProjectListItem]
    late: list[int]
    problems: list[ProjectProblemOut]


@router.get(
    "/portfolio",
    response={200: ProjectPortfolioOut, **ERRORS},
    summary="My linked projects (挂钩领导): the first 24, reddest first; the list with mine=true has them all",
)
def my_portfolio(request: HttpRequest) -> Any:
    folio = selectors.portfolio(request.user)
    for p in folio.projects:
        p._prefetched_objects_cache = {"leaders": Person.objects.none()}  # type: ignore[attr-defined]
    items = []
    leaders_by_project: dict[int, list[dict[str, Any]]] = {}
    for pid, person_id, name in Project.leaders.through.objects.filter(
        project_id__in=[p.pk for p in folio.projects]
    ).values_list("project_id", "person_id", "person__name"):
        leaders_by_project.setdefault(pid, []).append({"id": person_id, "name": name})
    for p in folio.projects:
        row = _item(p)
        row["leaders"] = leaders_by_project.get(p.pk, [])
        items.append(row)
    # Plain dicts straight to JSON (test_views checks the shape against ProjectPortfolioOut).
    body = {
        "person": {"id": folio.person.pk, "name": folio.person.name} if folio.person else None,
        "projects": items,
        "late": [p.pk for p in folio.late],
        "problems": [
            {
                "id": r.problem.pk,
                "kind": r.problem.kind,
                "title": r.problem.title,
                "unit_id": r.problem.unit_id,
                "unit_name": r.problem.unit.name,
                "due_date": r.problem.due_date,
                "status": r.problem.status,
                "light": r.light,
                "task_id": r.problem.task_id,
                "task_status": r.problem.task_status,
            }
            for r in folio.problems
        ],
    }
    return JsonResponse(body, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})


# --- 招商 leads and enterprises -------------------------------------------------------------


class ProjectLeadOut(Schema):
    id: int
    name: str
    investor: str
    sector: str
    amount: Decimal
    source: str
    referrer_id: int | None
    unit_id: int
    cadre_id: int
    cadre_name: str
    stage: str
    stage_label: str
    found_on: dt.date
    talks_on: dt.date | None
    signed_on: dt.date | None
    landed_on: dt.date | None
    operating_on: dt.date | None
    dropped_on: dt.date | None
    project_id: int | None
    version: int


def _lead(lead: Lead) -> dict[str, Any]:
    return {
        "id": lead.pk, "name": lead.name, "investor": lead.investor, "sector": lead.sector, "amount": lead.amount,
        "source": lead.source, "referrer_id": lead.referrer_id, "unit_id": lead.unit_id, "cadre_id": lead.cadre_id,
        "cadre_name": lead.cadre.name, "stage": lead.stage, "stage_label": str(lead.get_stage_display()),
        "found_on": lead.found_on, "talks_on": lead.talks_on, "signed_on": lead.signed_on,
        "landed_on": lead.landed_on, "operating_on": lead.operating_on, "dropped_on": lead.dropped_on,
        "project_id": lead.project_id, "version": lead.version,
    }  # fmt: skip


class ProjectLeadQuery(Schema):
    q: str = Field("", max_length=50)
    unit: int | None = Field(None, ge=1)
    stage: str = Field("", max_length=12)
    source: str = Field("", max_length=12)
    cadre: int | None = Field(None, ge=1)
    year: int | None = Field(None, ge=2000, le=2100)
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=500)


@router.get("/leads", response={200: PageOut[ProjectLeadOut], **ERRORS}, summary="List investment leads")
def list_leads(request: HttpRequest, query: Query[ProjectLeadQuery]) -> Any:
    filters = selectors.LeadFilters.from_params(
        request.user, {k: ("" if v is None else v) for k, v in query.dict().items()}
    )
    page = paginate(selectors.lead_list(request.user, filters), query.page, query.page_size)
    page["results"] = [_lead(lead) for lead in page["results"]]
    return page


class ProjectLeadIn(Schema):
    name: str = Field(..., max_length=120)
    unit_id: int = Field(..., ge=1)
    cadre_id: int = Field(..., ge=1)
    amount: Decimal = Field(..., ge=0, le=Decimal("999999999.99"), decimal_places=2)
    found_on: dt.date
    investor: str = Field("", max_length=120)
    sector: str = Field("", max_length=50)
    source: str = Field("own", max_length=12)
    referrer_id: int | None = Field(None, ge=1)
    note: str = Field("", max_length=4000)


def _lead_data(request: HttpRequest, payload: ProjectLeadIn) -> services.LeadData:
    referrer = None
    if payload.referrer_id:
        referrer = enterprises_visible_to(request.user).filter(pk=payload.referrer_id).first()
        if referrer is None:
            raise NotFound()
    return services.LeadData(
        name=payload.name, unit=access_unit(request.user, payload.unit_id),
        cadre=_people(request, [payload.cadre_id])[0], amount=payload.amount, found_on=payload.found_on,
        investor=payload.investor, sector=payload.sector, source=payload.source, referrer=referrer, note=payload.note,
    )  # fmt: skip


@router.post("/leads", response={201: ProjectLeadOut, **ERRORS}, summary="Register an investment lead")
def create_lead(request: HttpRequest, payload: ProjectLeadIn) -> Any:
    lead = services.lead_create(actor=request.user, data=_lead_data(request, payload))
    return HttpStatus(201, _lead(selectors.access_lead(request.user, lead.pk)))


@router.get("/leads/{int:lead_id}", response={200: ProjectLeadOut, **ERRORS}, summary="One investment lead")
def get_lead(request: HttpRequest, lead_id: int) -> Any:
    return _lead(selectors.access_lead(request.user, lead_id))


class ProjectLeadStepIn(Schema):
    action: str = Field(..., max_length=20, description="talk, sign, land, operate, drop or revive")
    on: dt.date | None = None
    comment: str = Field("", max_length=500)


@router.post("/leads/{int:lead_id}/steps", response={200: ProjectLeadOut, **ERRORS}, summary="Move a lead on")
def step_lead(request: HttpRequest, lead_id: int, payload: ProjectLeadStepIn) -> Any:
    lead = selectors.access_lead(request.user, lead_id)
    services.lead_step(actor=request.user, lead=lead, action=payload.action, on=payload.on, comment=payload.comment)
    return _lead(selectors.access_lead(request.user, lead_id))


@router.post(
    "/leads/{int:lead_id}/project",
    response={201: ProjectDetailOut, **ERRORS},
    summary="Register a signed lead as a project",
)
def lead_project(request: HttpRequest, lead_id: int) -> Any:
    project = services.lead_to_project(actor=request.user, lead=selectors.access_lead(request.user, lead_id))
    return HttpStatus(201, _detail(selectors.access_project(request.user, project.pk)))


class ProjectFunnelStepOut(Schema):
    stage: str
    label: str
    count: int
    amount: Decimal


class ProjectLeadTallyOut(Schema):
    id: int
    name: str
    leads: int
    talks: int
    talks_amount: Decimal
    signed: int
    signed_amount: Decimal
    landed: int


class ProjectFunnelOut(Schema):
    funnel: list[ProjectFunnelStepOut]
    by_unit: list[ProjectLeadTallyOut]
    by_cadre: list[ProjectLeadTallyOut]


@router.get(
    "/leads-funnel", response={200: ProjectFunnelOut, **ERRORS}, summary="招商 funnel and tallies by unit and cadre"
)
def leads_funnel(request: HttpRequest, query: Query[ProjectLeadQuery]) -> Any:
    filters = selectors.LeadFilters.from_params(
        request.user, {k: ("" if v is None else v) for k, v in query.dict().items()}
    )
    base = selectors.filtered_leads(request.user, filters)
    by_unit, by_cadre = selectors.lead_tallies(base)

    def tally(t: selectors.LeadTally) -> dict[str, Any]:
        return {
            "id": t.key, "name": t.name, "leads": t.leads, "talks": t.talks, "talks_amount": t.talks_amount,
            "signed": t.signed, "signed_amount": t.signed_amount, "landed": t.landed,
        }  # fmt: skip

    return {
        "funnel": [vars(step) for step in selectors.funnel(base)],
        "by_unit": [tally(t) for t in by_unit],
        "by_cadre": [tally(t) for t in by_cadre],
    }


class ProjectEnterpriseOut(Schema):
    id: int
    name: str
    credit_code: str
    sector: str
    above_scale: bool
    above_quota: bool
    unit_id: int
    contact_id: int | None
    address: str
    lat: Decimal | None
    lng: Decimal | None
    requests_total: int
    requests_closed: int
    version: int


def _enterprise(e: Enterprise, count: Any) -> dict[str, Any]:
    return {
        "id": e.pk, "name": e.name, "credit_code": e.credit_code, "sector": e.sector, "above_scale": e.above_scale,
        "above_quota": e.above_quota, "unit_id": e.unit_id, "contact_id": e.contact_id, "address": e.address,
        "lat": e.lat, "lng": e.lng, "requests_total": count.total, "requests_closed": count.closed,
        "version": e.version,
    }  # fmt: skip


class ProjectEnterpriseQuery(Schema):
    q: str = Field("", max_length=50)
    scale: str = Field("", max_length=12, description="above_scale or above_quota")
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=500)


@router.get("/enterprises", response={200: PageOut[ProjectEnterpriseOut], **ERRORS}, summary="List enterprises")
def list_enterprises(request: HttpRequest, query: Query[ProjectEnterpriseQuery]) -> Any:
    qs = selectors.enterprise_list(request.user, q=query.q, scale=query.scale)
    page = paginate(qs, query.page, query.page_size)
    counts = selectors.request_counts(page["results"])
    page["results"] = [_enterprise(e, counts[e.pk]) for e in page["results"]]
    return page


class ProjectEnterpriseIn(Schema):
    name: str = Field(..., max_length=100)
    credit_code: str = Field(..., max_length=18)
    unit_id: int = Field(..., ge=1)
    sector: str = Field("", max_length=50)
    above_scale: bool = False
    above_quota: bool = False
    contact_id: int | None = Field(None, ge=1)
    address: str = Field("", max_length=200)
    lat: Decimal | None = Field(None, ge=-90, le=90)
    lng: Decimal | None = Field(None, ge=-180, le=180)


def _enterprise_data(request: HttpRequest, payload: ProjectEnterpriseIn) -> services.EnterpriseData:
    return services.EnterpriseData(
        name=payload.name, credit_code=payload.credit_code, unit=access_unit(request.user, payload.unit_id),
        sector=payload.sector, above_scale=payload.above_scale, above_quota=payload.above_quota,
        contact=_people(request, [payload.contact_id])[0] if payload.contact_id else None,
        address=payload.address, lat=payload.lat, lng=payload.lng,
    )  # fmt: skip


@router.post("/enterprises", response={201: ProjectEnterpriseOut, **ERRORS}, summary="Register an enterprise")
def create_enterprise(request: HttpRequest, payload: ProjectEnterpriseIn) -> Any:
    enterprise = services.enterprise_create(actor=request.user, data=_enterprise_data(request, payload))
    return HttpStatus(201, _enterprise(enterprise, selectors.request_counts([enterprise])[enterprise.pk]))


class ProjectEnterprisePatch(ProjectEnterpriseIn):
    version: int = Field(..., ge=1)


@router.put(
    "/enterprises/{int:enterprise_id}", response={200: ProjectEnterpriseOut, **ERRORS}, summary="Edit an enterprise"
)
def update_enterprise(request: HttpRequest, enterprise_id: int, payload: ProjectEnterprisePatch) -> Any:
    enterprise = selectors.access_enterprise(request.user, enterprise_id)
    enterprise = services.enterprise_update(
        actor=request.user,
        enterprise=enterprise,
        data=_enterprise_data(request, payload),
        version=payload.version,
    )
    return _enterprise(enterprise, selectors.request_counts([enterprise])[enterprise.pk])


@router.get(
    "/enterprises/{int:enterprise_id}", response={200: ProjectEnterpriseOut, **ERRORS}, summary="One enterprise"
)
def get_enterprise(request: HttpRequest, enterprise_id: int) -> Any:
    enterprise = selectors.access_enterprise(request.user, enterprise_id)
    return _enterprise(enterprise, selectors.request_counts([enterprise])[enterprise.pk])


# --- consultation meetings --------------------------------------------------------------


class ProjectMeetingOut(Schema):
    id: int
    unit_id: int
    date: dt.date
    title: str
    chair_id: int | None
    attendees: str
    notes: str
    project_ids: list[int]
    raised: list[ProjectProblemOut]
    previous_id: int | None = Field(None, description="The unit's meeting before this one")
    previous_settled: list[ProjectProblemOut]
    previous_unsettled: list[ProjectProblemOut]


def _problem_out(r: Any) -> dict[str, Any]:
    return {
        "id": r.problem.pk, "kind": r.problem.kind, "title": r.problem.title, "unit_id": r.problem.unit_id,
        "unit_name": r.problem.unit.name, "due_date": r.problem.due_date, "status": r.problem.status,
        "light": r.light, "task_id": r.problem.task_id, "task_status": r.problem.task_status,
    }  # fmt: skip


def _meeting(meeting: Any) -> dict[str, Any]:
    review = selectors.meeting_review(meeting)
    return {
        "id": meeting.pk, "unit_id": meeting.unit_id, "date": meeting.date, "title": meeting.title,
        "chair_id": meeting.chair_id, "attendees": meeting.attendees, "notes": meeting.notes,
        "project_ids": sorted(meeting.projects.values_list("pk", flat=True)),
        "raised": [_problem_out(r) for r in review.raised],
        "previous_id": review.previous.pk if review.previous else None,
        "previous_settled": [_problem_out(r) for r in review.settled],
        "previous_unsettled": [_problem_out(r) for r in review.unsettled],
    }  # fmt: skip


class ProjectMeetingListItem(Schema):
    id: int
    unit_id: int
    date: dt.date
    title: str
    chair_id: int | None


class ProjectPageQuery(Schema):
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=500)


@router.get("/meetings", response={200: PageOut[ProjectMeetingListItem], **ERRORS}, summary="Consultation meetings")
def list_meetings(request: HttpRequest, query: Query[ProjectPageQuery]) -> Any:
    page = paginate(selectors.meeting_list(request.user), query.page, query.page_size)
    page["results"] = [
        {"id": m.pk, "unit_id": m.unit_id, "date": m.date, "title": m.title, "chair_id": m.chair_id}
        for m in page["results"]
    ]
    return page


class ProjectMeetingIn(Schema):
    unit_id: int = Field(..., ge=1)
    date: dt.date
    title: str = Field(..., max_length=120)
    project_ids: list[int] = Field(..., min_length=1, max_length=100)
    chair_id: int | None = Field(None, ge=1)
    attendees: str = Field("", max_length=2000)
    notes: str = Field("", max_length=8000)


@router.post("/meetings", response={201: ProjectMeetingOut, **ERRORS}, summary="Record a consultation meeting")
def create_meeting(request: HttpRequest, payload: ProjectMeetingIn) -> Any:
    projects = [selectors.access_project(request.user, pk) for pk in dict.fromkeys(payload.project_ids)]
    meeting = services.meeting_create(
        actor=request.user, unit=access_unit(request.user, payload.unit_id), date=payload.date, title=payload.title,
        projects=projects, chair=_people(request, [payload.chair_id])[0] if payload.chair_id else None,
        attendees=payload.attendees, notes=payload.notes,
    )  # fmt: skip
    return HttpStatus(201, _meeting(meeting))


@router.get("/meetings/{int:meeting_id}", response={200: ProjectMeetingOut, **ERRORS}, summary="One meeting")
def get_meeting(request: HttpRequest, meeting_id: int) -> Any:
    return _meeting(selectors.access_meeting(request.user, meeting_id))


class ProjectMeetingProblemIn(ProjectProblemIn):
    project_id: int = Field(..., ge=1)


@router.post(
    "/meetings/{int:meeting_id}/problems", response={201: ProjectMeetingOut, **ERRORS}, summary="A problem raised"
)
def meeting_problem(request: HttpRequest, meeting_id: int, payload: ProjectMeetingProblemIn) -> Any:
    meeting = selectors.access_meeting(request.user, meeting_id)
    services.meeting_problem_add(
        actor=request.user, meeting=meeting, project=selectors.access_project(request.user, payload.project_id),
        kind=payload.kind, title=payload.title, unit=access_unit(request.user, payload.unit_id),
        due_date=payload.due_date, description=payload.description,
    )  # fmt: skip
    return HttpStatus(201, _meeting(meeting))
