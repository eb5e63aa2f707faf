"""Key-project pages: thin views that parse, call a selector or a service, and render."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from luoshi.core import audit, downloads, links, uploads, versioning
from luoshi.core.errors import LuoshiError, NotFound
from luoshi.core.forms import apply_error, keep_refused, take_refused
from luoshi.core.pagination import paginate, querystring_without_page
from luoshi.core.timeutil import today
from luoshi.org.permissions import can
from luoshi.org.scope import scope_for
from luoshi.org.selectors import access_unit
from luoshi.projects import charts, excel, selectors, services, workflow
from luoshi.projects.forms import (
    EnterpriseForm,
    EnterpriseRequestForm,
    InvestmentForm,
    LeadForm,
    LeadStepForm,
    MeetingForm,
    MeetingProblemForm,
    MilestoneForm,
    ProblemForm,
    ProblemTaskForm,
    ProgressForm,
    ProjectForm,
    SettleForm,
    StepForm,
    outline_text,
)
from luoshi.projects.models import Kind, LeadSource, LeadStage, Level, Project, Schedule, Stage
from luoshi.projects.permissions import (
    MANAGERS,
    can_create_somewhere,
    can_manage,
    can_report,
    person_of,
    require_manage,
)

BOARD_PAGE = 60


def _filter_context(request: HttpRequest, filters: selectors.ProjectFilters) -> dict[str, Any]:
    return {
        "filters": filters,
        "townships": selectors.township_choices(request.user),
        "kinds": Kind.choices,
        "levels": Level.choices,
        "stages": Stage.choices,
        "schedules": [c for c in Schedule.choices if c[0]],
        "querystring": querystring_without_page(request),
        "may_create": can_create_somewhere(request.user),
    }


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.ProjectFilters.from_params(request.user, request.GET)
    qs = selectors.project_list(request.user, filters)
    page = paginate(request, qs)
    return render(
        request,
        "projects/list.html",
        {"page_obj": page, "tally": selectors.tally(qs), **_filter_context(request, filters)},
    )


@login_required
def board(request: HttpRequest) -> HttpResponse:
    filters = selectors.ProjectFilters.from_params(request.user, request.GET)
    qs = selectors.project_list(request.user, filters)
    page = paginate(request, qs, per_page=BOARD_PAGE)
    return render(
        request,
        "projects/board.html",
        {"page_obj": page, "tally": selectors.tally(qs), **_filter_context(request, filters)},
    )


@login_required
def project_map(request: HttpRequest) -> HttpResponse:
    filters = selectors.ProjectFilters.from_params(request.user, request.GET)
    # The map's projects as a table too (a map is never the only way to them: docs/frontend.md).
    page = paginate(request, selectors.mapped_projects(request.user, filters))
    tally = selectors.tally(selectors.filtered_projects(request.user, filters))
    return render(request, "projects/map.html", {"page_obj": page, "tally": tally, **_filter_context(request, filters)})


@login_required
def map_data(request: HttpRequest) -> HttpResponse:
    filters = selectors.ProjectFilters.from_params(request.user, request.GET)
    return JsonResponse(
        {"projects": selectors.map_points(request.user, filters)}, json_dumps_params={"ensure_ascii": False}
    )


@login_required
def portfolio(request: HttpRequest) -> HttpResponse:
    return render(request, "projects/portfolio.html", {"portfolio": selectors.portfolio(request.user)})


def _detail_context(request: HttpRequest, project: Project) -> dict[str, Any]:
    user = request.user
    problems = list(selectors.project_problems(project))
    if any(p.task_id for p in problems):
        services.sync_problem_tasks(problems=[p for p in problems if p.task_id])
    months = selectors.investment_months(project)
    manage = can_manage(user, project)
    rows = selectors.problem_rows(problems)
    if manage:
        # One form per open problem (ids prefixed, so labels stay unique on the page); the
        # leaders' list is read once and shared.
        leaders = list(ProblemTaskForm(user=user).fields["responsible_leader"].choices)  # type: ignore[attr-defined]
        for row in rows:
            if row.problem.status == "open":
                form = ProblemTaskForm(user=user, auto_id=f"id_p{row.problem.pk}_%s")
                form.fields["responsible_leader"].choices = leaders  # type: ignore[attr-defined]
                row.task_form = form  # type: ignore[attr-defined]
                row.settle_form = SettleForm(auto_id=f"id_s{row.problem.pk}_%s")  # type: ignore[attr-defined]
    return {
        "project": project,
        "milestones": selectors.milestone_rows(project),
        "problems": rows,
        "entries": selectors.progress_entries(project),
        "history": selectors.investment_history(project, limit=24),
        "months": months,
        "chart": json.dumps(charts.plan_actual(project, months), ensure_ascii=False),
        "may_manage": manage,
        "may_report": can_report(user, project),
        "steps": [(t, Stage(t.target).label) for t in workflow.project_actions(project.stage)] if manage else [],
        "investment_form": take_refused(request, "project-investment", InvestmentForm, auto_id="id_inv_%s")
        or InvestmentForm(initial={"month": today().strftime("%Y-%m"), "period": 0}, auto_id="id_inv_%s"),
        "progress_form": take_refused(request, "project-progress", ProgressForm, auto_id="id_prog_%s")
        or ProgressForm(initial={"date": today()}, auto_id="id_prog_%s"),
        "milestone_form": take_refused(request, "project-milestone", MilestoneForm, auto_id="id_ms_%s")
        or MilestoneForm(auto_id="id_ms_%s"),
        "problem_form": (
            take_refused(request, "project-problem", ProblemForm, user=user, auto_id="id_pb_%s")
            or ProblemForm(user=user, auto_id="id_pb_%s")
        )
        if manage
        else None,
        # The project's change history (registry edits, stage steps, milestones, problems, entries).
        "activity": audit.entries_for(project, limit=50),
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.access_project(request.user, pk)
    return render(request, "projects/detail.html", _detail_context(request, project))


@login_required
def phone(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone page of one project: this month's investment and a progress entry, nothing else."""
    project = selectors.access_project(request.user, pk)
    if not can_report(request.user, project):
        return redirect("projects:detail", pk=project.pk)
    return render(
        request,
        "projects/phone.html",
        {
            "project": project,
            "investment_form": take_refused(request, "project-investment", InvestmentForm)
            or InvestmentForm(initial={"month": today().strftime("%Y-%m"), "period": 0}),
            "progress_form": take_refused(request, "project-progress", ProgressForm)
            or ProgressForm(initial={"date": today()}),
            "history": selectors.investment_history(project, limit=6),
            "entries": selectors.progress_entries(project, limit=5),
        },
    )


def _data_from(form: ProjectForm) -> services.ProjectData:
    c = form.cleaned_data
    return services.ProjectData(
        name=c["name"],
        unit=c["unit"],
        total_investment=c["total_investment"],
        annual_plan=c["annual_plan"],
        plan_year=c["plan_year"],
        kind=c["kind"],
        levels=c["levels"],
        description=c["description"],
        task_force=c["task_force"],
        liaison=c["liaison"],
        leaders=list(c["leaders"]),
        enterprise=c["enterprise"],
        lat=c["lat"],
        lng=c["lng"],
        polygon=c["polygon"],
        output_value=c["output_value"],
        planned_start=c["planned_start"],
        planned_finish=c["planned_finish"],
        actual_start=c["actual_start"],
        actual_finish=c["actual_finish"],
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None, user=request.user, initial={"plan_year": today().year})

    def save(c: dict[str, Any]) -> tuple[str, HttpResponse]:
        project = services.project_create(actor=request.user, data=_data_from(form))
        return _("Project %(code)s registered.") % {"code": project.code}, redirect("projects:detail", pk=project.pk)

    return _save(request, form, save) or render(request, "projects/form.html", {"form": form, "project": None})


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.access_project(request.user, pk)
    # Those who see the project but may not edit it get 403 无权操作, as from the API (not a redirect).
    require_manage(request.user, project)
    initial = {
        "name": project.name, "kind": project.kind, "levels": project.levels, "unit": project.unit,
        "task_force": project.task_force, "liaison": project.liaison, "leaders": list(project.leaders.all()),
        "enterprise": project.enterprise, "total_investment": project.total_investment,
        "plan_year": project.plan_year, "annual_plan": project.annual_plan, "output_value": project.output_value,
        "planned_start": project.planned_start, "planned_finish": project.planned_finish,
        "actual_start": project.actual_start, "actual_finish": project.actual_finish,
        "lat": project.lat, "lng": project.lng, "description": project.description,
        "polygon": outline_text(project.polygon),
    }  # fmt: skip
    form = ProjectForm(request.POST or None, user=request.user, initial=initial)

    def save(c: dict[str, Any]) -> tuple[str, HttpResponse]:
        version = versioning.required(request.POST.get("version"))
        services.project_update(actor=request.user, project=project, data=_data_from(form), version=version)
        return _("Project saved."), redirect("projects:detail", pk=project.pk)

    return _save(request, form, save) or render(request, "projects/form.html", {"form": form, "project": project})


def _back(request: HttpRequest, project: Project) -> HttpResponse:
    if request.POST.get("from") == "phone":
        return redirect("projects:phone", pk=project.pk)
    return redirect("projects:detail", pk=project.pk)


def _act(
    request: HttpRequest,
    form: Any,
    act: Callable[[dict[str, Any]], str],
    back: Callable[[], HttpResponse],
    keep: str = "",
) -> HttpResponse:
    """An action posted from a page that shows no form of its own: check ``form`` (if any), run
    ``act`` with its data (the service call; it returns what to tell the user), say what happened
    or why it was refused, and go ``back``. With ``keep``, a refused form is kept under that name
    for the page to show again as typed, each error under its field (core.forms.take_refused)."""
    if form is not None and not form.is_valid():
        if keep:
            keep_refused(request, keep, form)
        else:
            _form_errors(request, form)
        return back()
    try:
        done = act(form.cleaned_data if form is not None else {})
    except LuoshiError as exc:
        if keep and form is not None:
            apply_error(form, exc)
            keep_refused(request, keep, form)
        else:
            messages.error(request, str(exc.message))
        return back()
    if done:
        messages.success(request, done)
    return back()


Saver = Callable[[dict[str, Any]], tuple[str, HttpResponse]]


def _save(request: HttpRequest, form: Any, save: Saver) -> HttpResponse | None:
    """A page with its own form: on a valid POST run ``save`` (returns the message and where to go);
    ``None`` when the page is to be shown (again), refusals on the form's fields."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        message, response = save(form.cleaned_data)
    except LuoshiError as exc:
        apply_error(form, exc)
        return None
    messages.success(request, message)
    return response


def _form_errors(request: HttpRequest, form: Any) -> None:
    """A refused form on a page that shows no form: each field's errors as a message."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = "；".join(str(e) for e in errors)
        named = pgettext("label", "%(label)s:") % {"label": label}
        messages.error(request, f"{named} {text}" if label else text)


@login_required
@require_POST
def step(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.access_project(request.user, pk)

    def act(c: dict[str, Any]) -> str:
        services.project_step(
            actor=request.user,
            project=project,
            action=c["action"],
            comment=c["comment"],
            version=versioning.required(c["version"]),
        )
        return _("Stage changed.")

    return _act(request, StepForm(request.POST), act, lambda: _back(request, project))


@login_required
@require_POST
def investment(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.access_project(request.user, pk)

    def act(c: dict[str, Any]) -> str:
        services.investment_record(
            actor=request.user, project=project, month=c["month"], amount=c["amount"], period=c["period"],
            note=c["note"],
        )  # fmt: skip
        return _("Investment of %(month)s recorded.") % {"month": c["month"].strftime("%Y-%m")}

    return _act(request, InvestmentForm(request.POST), act, lambda: _back(request, project), keep="project-investment")


@login_required
@require_POST
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.access_project(request.user, pk)

    def act(c: dict[str, Any]) -> str:
        services.progress_add(actor=request.user, project=project, text=c["text"], date=c["date"], photos=c["photos"])
        return _("Progress entry added.")

    form = ProgressForm(request.POST, request.FILES)
    return _act(request, form, act, lambda: _back(request, project), keep="project-progress")


@login_required
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.access_project(request.user, pk)

    def act(c: dict[str, Any]) -> str:
        services.milestone_add(actor=request.user, project=project, title=c["title"], due_date=c["due_date"])
        return _("Milestone added.")

    return _act(request, MilestoneForm(request.POST), act, lambda: _back(request, project), keep="project-milestone")


@login_required
@require_POST
def milestone_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = selectors.access_milestone(request.user, pk)

    def act(c: dict[str, Any]) -> str:
        done_on = None if milestone.done_on else today()
        services.milestone_set_done(actor=request.user, milestone=milestone, done_on=done_on)
        return ""

    return _act(request, None, act, lambda: _back(request, milestone.project))


@login_required
@require_POST
def problem_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.access_project(request.user, pk)

    def act(c: dict[str, Any]) -> str:
        services.problem_add(
            actor=request.user, project=project, kind=c["kind"], title=c["title"], unit=c["unit"],
            due_date=c["due_date"], description=c["description"],
        )  # fmt: skip
        return _("Problem recorded.")

    form = ProblemForm(request.POST, user=request.user)
    return _act(request, form, act, lambda: _back(request, project), keep="project-problem")


@login_required
@require_POST
def problem_task(request: HttpRequest, pk: int) -> HttpResponse:
    problem = selectors.access_problem(request.user, pk)

    def act(c: dict[str, Any]) -> str:
        ref = services.problem_to_task(
            actor=request.user, problem=problem, responsible_leader=c["responsible_leader"],
            deadline=c["deadline"], target=c["target"], acceptance=c["acceptance"],
        )  # fmt: skip
        return _("Task %(number)s assigned.") % {"number": ref.number}

    form = ProblemTaskForm(request.POST, user=request.user)
    return _act(request, form, act, lambda: _back(request, problem.project))


@login_required
@require_POST
def problem_settle(request: HttpRequest, pk: int) -> HttpResponse:
    problem = selectors.access_problem(request.user, pk)

    def act(c: dict[str, Any]) -> str:
        services.problem_settle(actor=request.user, problem=problem, comment=c["comment"])
        return _("Problem settled.")

    return _act(request, SettleForm(request.POST), act, lambda: _back(request, problem.project))


# --- photos ----------------------------------------------------------------------------


@login_required
def photo(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    """A progress photo: ``thumb`` and ``full`` carry no metadata; ``evidence`` keeps the camera's
    EXIF data (place and time taken) and is for those who may report on the project."""
    item = selectors.access_photo(request.user, pk)
    if kind == "evidence":
        project = selectors.access_project(request.user, item.entry.project_id)
        if not can_report(request.user, project):
            raise NotFound()
        stored = item.evidence
    elif kind == "full":
        stored = item.public
    elif kind == "thumb":
        stored = item.thumbnail
    else:
        raise NotFound()
    response = FileResponse(stored.open("rb"), content_type=item.content_type)
    response["Content-Disposition"] = f'inline; filename="{pk}-{kind}"'
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- consultation meetings ---------------------------------------------------------------


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.meeting_list(request.user))
    return render(
        request,
        "projects/meeting_list.html",
        {"page_obj": page, "may_create": bool(scope_for(request.user).roles & MANAGERS)},
    )


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).roles & MANAGERS:
        return redirect("projects:meetings")
    within = None
    raw = request.GET.get("unit", "")
    if raw.isdigit() and len(raw) < 10:
        within = access_unit(request.user, int(raw))
    form = MeetingForm(request.POST or None, user=request.user, within=within, initial={"date": today()})

    def save(c: dict[str, Any]) -> tuple[str, HttpResponse]:
        meeting = services.meeting_create(
            actor=request.user, unit=c["unit"], date=c["date"], title=c["title"], projects=list(c["projects"]),
            chair=c["chair"], attendees=c["attendees"], notes=c["notes"],
        )  # fmt: skip
        return _("Meeting recorded."), redirect("projects:meeting", pk=meeting.pk)

    return _save(request, form, save) or render(
        request,
        "projects/meeting_form.html",
        {"form": form, "within": within, "townships": selectors.township_choices(request.user)},
    )


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.access_meeting(request.user, pk)
    manage = can(request.user, "meeting.manage", meeting)
    return render(
        request,
        "projects/meeting_detail.html",
        {
            "meeting": meeting,
            "projects": list(meeting.projects.select_related("unit").order_by("code")),
            "review": selectors.meeting_review(meeting),
            "problem_form": (
                take_refused(request, "meeting-problem", MeetingProblemForm, user=request.user, meeting=meeting)
                or MeetingProblemForm(user=request.user, meeting=meeting)
            )
            if manage
            else None,
        },
    )


@login_required
@require_POST
def meeting_problem(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.access_meeting(request.user, pk)

    def act(c: dict[str, Any]) -> str:
        services.meeting_problem_add(
            actor=request.user, meeting=meeting, project=c["project"], kind=c["kind"], title=c["title"],
            unit=c["unit"], due_date=c["due_date"], description=c["description"],
        )  # fmt: skip
        return _("Problem recorded.")

    form = MeetingProblemForm(request.POST, user=request.user, meeting=meeting)
    return _act(request, form, act, lambda: redirect("projects:meeting", pk=meeting.pk), keep="meeting-problem")


# --- 招商 leads -------------------------------------------------------------------------


@login_required
def lead_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.LeadFilters.from_params(request.user, request.GET)
    base = selectors.filtered_leads(request.user, filters)
    by_unit, by_cadre = selectors.lead_tallies(base)
    return render(
        request,
        "projects/lead_list.html",
        {
            "page_obj": paginate(request, selectors.lead_list(request.user, filters)),
            "funnel": selectors.funnel(base),
            "by_unit": by_unit[:30],
            "by_cadre": by_cadre[:30],
            "filters": filters,
            "townships": selectors.township_choices(request.user),
            "stages": LeadStage.choices,
            "sources": LeadSource.choices,
            "querystring": querystring_without_page(request),
        },
    )


def _lead_data(form: LeadForm) -> services.LeadData:
    c = form.cleaned_data
    return services.LeadData(
        name=c["name"], unit=c["unit"], cadre=c["cadre"], amount=c["amount"], found_on=c["found_on"],
        investor=c["investor"], sector=c["sector"], source=c["source"], referrer=c["referrer"], note=c["note"],
    )  # fmt: skip


@login_required
def lead_create(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {"found_on": today()}
    me = person_of(request.user)
    if me is not None:
        initial["cadre"] = me
    raw = request.GET.get("referrer", "")
    if raw.isdigit() and len(raw) < 10:
        initial.update(referrer=int(raw), source=LeadSource.REFERRAL)
    form = LeadForm(request.POST or None, user=request.user, initial=initial)

    def save(c: dict[str, Any]) -> tuple[str, HttpResponse]:
        lead = services.lead_create(actor=request.user, data=_lead_data(form))
        return _("Lead registered."), redirect("projects:lead", pk=lead.pk)

    return _save(request, form, save) or render(request, "projects/lead_form.html", {"form": form, "lead": None})


@login_required
def lead_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lead = selectors.access_lead(request.user, pk)
    if not services.can_manage_lead(request.user, lead):
        return redirect("projects:lead", pk=lead.pk)
    initial = {
        f: getattr(lead, f)
        for f in ("name", "investor", "sector", "amount", "source", "referrer", "unit", "cadre", "found_on", "note")
    }
    form = LeadForm(request.POST or None, user=request.user, initial=initial)

    def save(c: dict[str, Any]) -> tuple[str, HttpResponse]:
        version = versioning.required(request.POST.get("version"))
        services.lead_update(actor=request.user, lead=lead, data=_lead_data(form), version=version)
        return _("Lead saved."), redirect("projects:lead", pk=lead.pk)

    return _save(request, form, save) or render(request, "projects/lead_form.html", {"form": form, "lead": lead})


@login_required
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lead = selectors.access_lead(request.user, pk)
    manage = services.can_manage_lead(request.user, lead)
    steps = [
        (t, LeadStage(t.target).label, workflow.LEAD_ACTION_LABELS[t.action]) for t in workflow.lead_actions(lead.stage)
    ]
    return render(
        request,
        "projects/lead_detail.html",
        {
            "lead": lead,
            "steps": steps if manage else [],
            "may_convert": manage and lead.project_id is None and lead.stage in services.PROJECT_STAGE_OF_LEAD,
            "entries": audit.entries_for(lead),
        },
    )


@login_required
@require_POST
def lead_step(request: HttpRequest, pk: int) -> HttpResponse:
    lead = selectors.access_lead(request.user, pk)

    def act(c: dict[str, Any]) -> str:
        services.lead_step(
            actor=request.user,
            lead=lead,
            action=c["action"],
            on=c["on"],
            comment=c["comment"],
            version=versioning.required(c["version"]),
        )
        return _("Lead moved on.")

    return _act(request, LeadStepForm(request.POST), act, lambda: redirect("projects:lead", pk=lead.pk))


@login_required
@require_POST
def lead_convert(request: HttpRequest, pk: int) -> HttpResponse:
    lead = selectors.access_lead(request.user, pk)
    try:
        project = services.lead_to_project(actor=request.user, lead=lead)
    except LuoshiError as exc:
        messages.error(request, str(exc.message))
        return redirect("projects:lead", pk=lead.pk)
    messages.success(request, _("Project %(code)s registered from the lead.") % {"code": project.code})
    return redirect("projects:detail", pk=project.pk)


# --- enterprises -----------------------------------------------------------------------


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:50]
    scale = request.GET.get("scale", "")
    scale = scale if scale in ("above_scale", "above_quota") else ""
    unit = None
    raw = request.GET.get("unit", "")
    if raw.isdigit() and len(raw) < 10:
        candidate = access_unit(request.user, int(raw))
        unit = candidate
    page = paginate(request, selectors.enterprise_list(request.user, q=q, unit=unit, scale=scale))
    counts = selectors.request_counts(page.object_list)
    for enterprise in page.object_list:
        enterprise.requests = counts[enterprise.pk]
    return render(
        request,
        "projects/enterprise_list.html",
        {
            "page_obj": page,
            "q": q,
            "scale": scale,
            "unit": unit,
            "townships": selectors.township_choices(request.user),
            "querystring": querystring_without_page(request),
            "may_create": can_create_somewhere(request.user),
        },
    )


def _enterprise_data(form: EnterpriseForm) -> services.EnterpriseData:
    c = form.cleaned_data
    return services.EnterpriseData(
        name=c["name"], credit_code=c["credit_code"], unit=c["unit"], sector=c["sector"],
        above_scale=c["above_scale"], above_quota=c["above_quota"], contact=c["contact"], address=c["address"],
        lat=c["lat"], lng=c["lng"],
    )  # fmt: skip


@login_required
def enterprise_create(request: HttpRequest) -> HttpResponse:
    form = EnterpriseForm(request.POST or None, user=request.user)

    def save(c: dict[str, Any]) -> tuple[str, HttpResponse]:
        enterprise = services.enterprise_create(actor=request.user, data=_enterprise_data(form))
        return _("Enterprise registered."), redirect("projects:enterprise", pk=enterprise.pk)

    context = {"form": form, "enterprise": None}
    return _save(request, form, save) or render(request, "projects/enterprise_form.html", context)


@login_required
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = selectors.access_enterprise(request.user, pk)
    if not can(request.user, "enterprise.manage", enterprise):
        return redirect("projects:enterprise", pk=enterprise.pk)
    names = ("name", "credit_code", "sector", "above_scale", "above_quota", "unit", "contact", "address", "lat", "lng")
    form = EnterpriseForm(request.POST or None, user=request.user, initial={n: getattr(enterprise, n) for n in names})

    def save(c: dict[str, Any]) -> tuple[str, HttpResponse]:
        version = versioning.required(request.POST.get("version"))
        data = _enterprise_data(form)
        services.enterprise_update(actor=request.user, enterprise=enterprise, data=data, version=version)
        return _("Enterprise saved."), redirect("projects:enterprise", pk=enterprise.pk)

    context = {"form": form, "enterprise": enterprise}
    return _save(request, form, save) or render(request, "projects/enterprise_form.html", context)


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = selectors.access_enterprise(request.user, pk)
    subject = services.enterprise_subject(enterprise)
    return render(
        request,
        "projects/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "projects": list(selectors.projects_of_enterprise(request.user, enterprise)),
            "leads": list(selectors.leads_referred_by(request.user, enterprise)),
            "cases": links.case_refs(subject, limit=100),
            "count": links.case_counts([subject]).get(subject, links.CaseCount()),
            "request_form": take_refused(request, "enterprise-request", EnterpriseRequestForm)
            or EnterpriseRequestForm(),
            "may_manage": can(request.user, "enterprise.manage", enterprise),
        },
    )


@login_required
@require_POST
def enterprise_request(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = selectors.access_enterprise(request.user, pk)

    def act(c: dict[str, Any]) -> str:
        ref = services.enterprise_request(
            actor=request.user, enterprise=enterprise, title=c["title"], description=c["description"],
            contact_name=c["contact_name"], contact_phone=c["contact_phone"],
        )  # fmt: skip
        return _("Request %(number)s filed into the case loop.") % {"number": ref.number}

    form = EnterpriseRequestForm(request.POST)
    back = lambda: redirect("projects:enterprise", pk=enterprise.pk)  # noqa: E731
    return _act(request, form, act, back, keep="enterprise-request")


# --- Excel ---------------------------------------------------------------------------


@login_required
def export(request: HttpRequest) -> HttpResponse:
    filters = selectors.ProjectFilters.from_params(request.user, request.GET)
    qs = selectors.project_list(request.user, filters)[: excel.MAX_IMPORT_ROWS]
    return downloads.download(excel.export_projects(qs), pgettext("file name", "Key project list"), day=today())


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    return downloads.download(excel.template(), pgettext("file name", "Monthly investment import template"))


def _import(request: HttpRequest, run: Callable[[bytes], str], template: str) -> HttpResponse:
    """An all-or-nothing Excel import page: size-checked upload, every bad row listed on refusal."""
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [_("Choose an Excel file (.xlsx).")]
        else:
            try:
                uploads.check_size(upload, uploads.MAX_SPREADSHEET_BYTES)
                done = run(upload.read())
            except LuoshiError as exc:
                details = exc.details if isinstance(exc.details, dict) else {}
                errors = [str(exc.message)] + [str(e) for e in details.get("rows", [])]
            else:
                messages.success(request, done)
                return redirect("projects:list")
    return render(request, template, {"errors": errors})


@login_required
def import_investment(request: HttpRequest) -> HttpResponse:
    def run(content: bytes) -> str:
        count = excel.import_investment(actor=request.user, content=content)
        return _("%(n)d rows of investment imported.") % {"n": count}

    return _import(request, run, "projects/import.html")


@login_required
def import_registry(request: HttpRequest) -> HttpResponse:
    if not can_create_somewhere(request.user):
        return redirect("projects:list")

    def run(content: bytes) -> str:
        count = excel.import_registry(actor=request.user, content=content)
        return _("%(n)d projects registered.") % {"n": count}

    return _import(request, run, "projects/import_registry.html")


@login_required
def registry_template(request: HttpRequest) -> HttpResponse:
    return downloads.download(excel.registry_template(), pgettext("file name", "Key project import template"))
