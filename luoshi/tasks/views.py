"""Task pages: thin views that parse, call a selector or service, and render."""

from __future__ import annotations

import uuid
from html import escape
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from luoshi.core import downloads, versioning
from luoshi.core.errors import Forbidden, LuoshiError, NotFound
from luoshi.core.forms import apply_error, keep_refused, take_refused
from luoshi.core.pagination import paginate, querystring_without_page
from luoshi.core.timeutil import today
from luoshi.org.permissions import can
from luoshi.org.selectors import access_unit, units_visible_to
from luoshi.tasks import excel, helpdoc, lights, selectors, services, workflow
from luoshi.tasks.forms import (
    AttachmentForm,
    CategoryForm,
    FindingTaskForm,
    GoalForm,
    ImportForm,
    InspectionForm,
    MilestoneForm,
    ProgressForm,
    ReminderForm,
    TaskForm,
    TransitionForm,
)
from luoshi.tasks.models import Attachment, Category, Light, Source, Status
from luoshi.tasks.permissions import (
    can_dispatch_somewhere,
    can_edit_task,
    goals_visible_to,
    require_create,
    task_roles,
)
from luoshi.tasks.workflow import TaskRole


def _options(items: Any, selected: Any) -> SafeString:
    """``<option>`` tags built in Python: a template loop over hundreds of units is slow."""
    chosen = str(selected) if selected is not None else None
    parts = []
    for value, label in items:
        v = escape(str(value))
        parts.append(f'<option value="{v}"{" selected" if v == chosen else ""}>{escape(str(label))}</option>')
    return mark_safe("".join(parts))  # noqa: S308 - values and labels are escaped


FILTER_PARAMS = ("q", "unit", "leader", "goal", "category", "light", "status", "overdue", "source", "priority")


def _filter_context(request: HttpRequest, filters: selectors.TaskFilters) -> dict[str, Any]:
    units = units_visible_to(request.user).filter(is_active=True).exclude(kind="grid").order_by("path")
    leaders = selectors.people_choices(request.user, leaders_only=True)
    goals = goals_visible_to(request.user).filter(is_active=True).order_by("-year", "title")
    return {
        "filters": filters,
        "unit_options": _options(units.values_list("id", "name")[:400], filters.unit),
        "leader_options": _options(leaders.values_list("id", "name")[:300], filters.leader),
        "goal_options": _options(
            ((pk, f"{year} {title}") for pk, year, title in goals.values_list("id", "year", "title")[:100]),
            filters.goal,
        ),
        "category_options": _category_options(request, filters),
        "light_options": _options(((v, label) for v, label in Light.choices if v), filters.light),
        "status_options": _options(Status.choices, filters.status),
        "source_options": _options(Source.choices, filters.source),
        "querystring": querystring_without_page(request),
        # Chosen by the user (not a page's default such as the timeline's "open"): keeps
        # the filter box unfolded on a phone.
        "filters_chosen": any(request.GET.get(k) for k in FILTER_PARAMS),
    }


def _category_options(request: HttpRequest, filters: selectors.TaskFilters) -> SafeString | None:
    """The categories and projects of the chosen goal (none until a goal is chosen)."""
    if not filters.goal:
        return None
    rows = (
        Category.objects.filter(goal_id=filters.goal, goal__in=goals_visible_to(request.user))
        .order_by("sort_order", "id")
        .values_list("id", "parent_id", "code", "name")
    )
    roots = [r for r in rows if r[1] is None]
    children: dict[int, list[Any]] = {}
    for r in rows:
        if r[1] is not None:
            children.setdefault(r[1], []).append(r)
    items: list[tuple[int, str]] = []
    for pk, _parent, code, name in roots:
        items.append((pk, f"{code} {name}".strip()))
        items += [(c[0], f"— {c[2]} {c[3]}".replace("  ", " ")) for c in children.get(pk, [])]
    return _options(items, filters.category)


def _filters(request: HttpRequest) -> selectors.TaskFilters:
    try:
        return selectors.TaskFilters.from_params(request.GET)
    except LuoshiError as exc:
        messages.error(request, str(exc.message))
        return selectors.TaskFilters()


# --- lists ----------------------------------------------------------------------------


def _my_tasks_qs(request: HttpRequest) -> tuple[str, Any]:
    show = request.GET.get("show", "open")
    qs = selectors.my_tasks(request.user)
    if show == "open":
        qs = qs.filter(status__in=[Status.ASSIGNED, Status.IN_PROGRESS, Status.PENDING_REVIEW])
    return show, qs


def _unit_choice(request: HttpRequest) -> tuple[list[Any], Any]:
    units = selectors.home_units(request.user)
    if request.GET.get("unit"):
        return units, access_unit(request.user, request.GET["unit"])
    return units, units[0] if units else None


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    show, qs = _my_tasks_qs(request)
    page = paginate(request, selectors.IdsFirst(qs, values=True))  # type: ignore[arg-type]
    return render(
        request,
        "tasks/my_tasks.html",
        {"page_obj": page, "show": show, "querystring": querystring_without_page(request)},
    )


@login_required
def unit_tasks(request: HttpRequest) -> HttpResponse:
    units, unit = _unit_choice(request)
    page = (
        paginate(request, selectors.IdsFirst(selectors.unit_tasks(request.user, unit), values=True))  # type: ignore[arg-type]
        if unit
        else None
    )
    return render(
        request,
        "tasks/unit_tasks.html",
        {"page_obj": page, "unit": unit, "units": units, "querystring": querystring_without_page(request)},
    )


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    qs = selectors.task_list(request.user, filters)
    counts = selectors.light_counts_of(qs)  # its total is the page count too: one scan, not two
    page = paginate(request, selectors.IdsFirst(qs, count=counts["total"], values=True))  # type: ignore[arg-type]
    light_links = {}
    for light in ("red", "yellow", "green", "none"):
        params = request.GET.copy()
        params.pop("page", None)
        params["light"] = light
        light_links[light] = params.urlencode()
    context = {
        "page_obj": page,
        "counts": counts,
        "light_links": light_links,
        "can_create": can_dispatch_somewhere(request.user),
        **_filter_context(request, filters),
    }
    template = "tasks/_task_table.html" if getattr(request, "htmx", False) else "tasks/overview.html"
    return render(request, template, context)


@login_required
def board(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    return render(
        request,
        "tasks/board.html",
        {"columns": selectors.board(request.user, filters), **_filter_context(request, filters)},
    )


@login_required
def gantt(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    if not filters.status:
        filters.status = "open"
    context = {"chart": selectors.gantt(request.user, filters), **_filter_context(request, filters)}
    params = request.GET.copy()
    params.setdefault("status", filters.status)
    params.pop("page", None)
    context["export_query"] = params.urlencode()
    return render(request, "tasks/gantt.html", context)


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """Any list as .xlsx: ``view=mine`` or ``view=unit`` as on those pages, else the overview's filters."""
    view = request.GET.get("view", "")
    if view == "mine":
        qs = _my_tasks_qs(request)[1]
    elif view == "unit":
        unit = _unit_choice(request)[1]
        qs = selectors.unit_tasks(request.user, unit) if unit else selectors.task_list(request.user).none()
    else:
        qs = selectors.task_list(request.user, _filters(request))
    content = excel.export_tasks(qs)
    return downloads.download(content, pgettext("file name", "Task list"), day=today())


# --- one task ---------------------------------------------------------------------------


def light_reason_texts(reasons: Any) -> list[str]:
    """Why a task has its light, in words, with this site's thresholds."""
    t = lights.Thresholds.from_settings()
    texts = {
        "overdue": _("the deadline has passed"),
        "far_behind": _("progress trails time progress by %(n)d points or more") % {"n": t.red_lag},
        "reports_missing": _("%(n)d or more required progress reports are missing") % {"n": t.red_missing_reports},
        "deadline_near": _("%(n)d working days or fewer are left") % {"n": t.yellow_days_left},
        "behind": _("progress trails time progress by %(n)d points or more") % {"n": t.yellow_lag},
        "report_missing": _("a required progress report is missing"),
    }
    return [texts.get(r, r) for r in reasons]


def _detail_context(request: HttpRequest, task: Any) -> dict[str, Any]:
    detail = selectors.task_detail(request.user, task)
    live = services.light_for(task)
    roles = task_roles(request.user, task)
    actions = services.available_actions(request.user, task, pending_extension=detail.pending_extension is not None)
    action_rows = [
        {
            "action": a,
            "label": workflow.ACTION_LABELS[a],
            "needs_comment": services.comment_required(task, a),
            "comment_label": workflow.COMMENT_LABELS.get(a, workflow.COMMENT_LABELS["default"]),
            "needs_date": a in {workflow.Action.REQUEST_EXTENSION, workflow.Action.APPROVE_EXTENSION},
            "style": workflow.button_style(a),
            "takes_files": a in services.EVIDENCE_ACTIONS,
        }
        for a in workflow.button_order(actions)
    ]
    return {
        "task": task,
        "detail": detail,
        "live": live,
        "light_reasons": light_reason_texts(live.reasons),
        "roles": roles,
        "action_rows": action_rows,
        "dispatch_gaps": _dispatch_gap_rows(task, roles),
        "can_report": TaskRole.DOER in roles and task.status == Status.IN_PROGRESS,
        "can_remind": bool(roles & {TaskRole.SUPERVISOR, TaskRole.LEADER, TaskRole.RESPONSIBLE_LEADER})
        and task.is_open,
        "can_edit": can_edit_task(request.user, task) and not task.is_closed,
        "can_milestone": bool(roles & {TaskRole.SUPERVISOR, TaskRole.LEADER, TaskRole.DOER}) and not task.is_closed,
        "can_subtask": bool(roles & {TaskRole.SUPERVISOR, TaskRole.LEADER, TaskRole.DOER})
        and task.parent_id is None
        and not task.is_closed,
        "progress_form": take_refused(request, "task-progress", ProgressForm)
        or ProgressForm(initial={"percent": task.reported_progress, "reported_on": today()}),
        "reminder_form": take_refused(request, "task-reminder", ReminderForm) or ReminderForm(),
        "milestone_form": take_refused(request, "task-milestone", MilestoneForm, auto_id="milestone_%s")
        or MilestoneForm(auto_id="milestone_%s"),
        "attachment_form": AttachmentForm(auto_id="upload_%s"),
        "verbs": workflow.ACTION_VERBS,
        "statuses": dict(Status.choices),
    }


def _dispatch_gap_rows(task: Any, roles: frozenset[str]) -> list[str]:
    """What a dispatcher must still fill in before this draft can be dispatched (shown beside the buttons)."""
    if task.status != Status.DRAFT or not roles & {TaskRole.SUPERVISOR, TaskRole.LEADER}:
        return []
    return [m for messages in services.dispatch_gaps(task).values() for m in messages]


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.access_task(request.user, pk)
    return render(request, "tasks/detail.html", _detail_context(request, task))


def _task_data(form: TaskForm, lead_unit: Any, parent: Any = None) -> services.TaskData:
    d = form.cleaned_data
    return services.TaskData(
        title=d["title"],
        lead_unit=lead_unit,
        start_date=d["start_date"],
        deadline=d["deadline"],
        description=d.get("description") or "",
        source=d["source"],
        goal=d.get("goal"),
        category=d.get("category"),
        target=d.get("target") or "",
        acceptance=d.get("acceptance") or "",
        measures=d.get("measures") or "",
        responsible_leader=d.get("responsible_leader"),
        co_units=list(d.get("co_units") or []),
        task_force=d.get("task_force"),
        priority=d["priority"],
        report_cadence=d["report_cadence"],
        weight=d.get("weight"),
        parent=parent,
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    parent = selectors.access_task(request.user, request.GET["parent"]) if request.GET.get("parent") else None
    require_create(request.user, parent=parent)
    initial: dict[str, Any] = {"start_date": today()}
    if parent is not None:
        initial.update(
            {
                "lead_unit": parent.lead_unit_id,
                "responsible_leader": parent.responsible_leader_id,
                "deadline": parent.deadline,
                "goal": parent.goal_id,
                "category": parent.category_id,
                "source": parent.source,
            }
        )
    if request.GET.get("goal"):
        initial["goal"] = request.GET["goal"]
    if request.GET.get("category"):
        initial["category"] = request.GET["category"]
    form = TaskForm(request.POST or None, request.FILES or None, initial=initial, user=request.user)
    if parent is not None:
        form.fields["lead_unit"].queryset = form.fields["lead_unit"].queryset | units_visible_to(request.user).filter(  # type: ignore[attr-defined]
            pk=parent.lead_unit_id
        )
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_create(
                actor=request.user,
                data=_task_data(form, form.cleaned_data["lead_unit"], parent),
                assign="assign" in request.POST,
                files=form.cleaned_data.get("attachments") or [],
            )
        except LuoshiError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Task %(number)s was created.") % {"number": task.number})
            return redirect("tasks:detail", pk=task.pk)
    return render(request, "tasks/task_form.html", {"form": form, "task": None, "parent": parent})


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.access_task(request.user, pk)
    if not can_edit_task(request.user, task):
        raise Forbidden(_("Only supervisors and leaders can edit a task."))
    initial = {
        name: getattr(task, name)
        for name in [
            "title", "description", "source", "goal", "category", "target", "acceptance", "measures",
            "responsible_leader", "task_force", "start_date", "deadline", "priority", "report_cadence", "weight",
            "version",
        ]
    }  # fmt: skip
    initial["co_units"] = list(task.co_units.all())
    form = TaskForm(request.POST or None, initial=initial, user=request.user, editing=True)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        version = d.pop("version", None)
        try:
            services.task_update(actor=request.user, task=task, version=versioning.required(version), **d)
        except LuoshiError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("The task was saved."))
            return redirect("tasks:detail", pk=task.pk)
    return render(request, "tasks/task_form.html", {"form": form, "task": task, "parent": task.parent})


def _refused(request: HttpRequest, exc: LuoshiError) -> None:
    """A refused write on a task page: not the user's to do (403) answers with its own page that says
    why (无权操作); anything else (a wrong state, bad input) goes back to the task with the message."""
    if exc.status == 403:
        raise exc
    messages.error(request, str(exc.message))


def _refused_on_form(form: Form, exc: LuoshiError) -> None:
    """As ``_refused``, but a refusal that is not about permission stands under the form's field."""
    if exc.status == 403:
        raise exc
    apply_error(form, exc)


@login_required
@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.access_task(request.user, pk)
    form = TransitionForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Please check the date you entered."))
        return redirect("tasks:detail", pk=pk)
    d = form.cleaned_data
    try:
        services.task_transition(
            actor=request.user,
            task=task,
            action=d["action"],
            comment=d.get("comment") or "",
            version=d.get("version"),
            new_deadline=d.get("new_deadline"),
            files=d.get("attachments") or [],
        )
    except LuoshiError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": workflow.ACTION_LABELS.get(d["action"], "")})
    return redirect("tasks:detail", pk=pk)


@login_required
@require_POST
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.access_task(request.user, pk)
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.task_report_progress(
                actor=request.user,
                task=task,
                percent=d["percent"],
                text=d["text"],
                reported_on=d.get("reported_on"),
                files=d.get("attachments") or [],
            )
        except LuoshiError as exc:
            _refused_on_form(form, exc)
        else:
            messages.success(request, _("Your progress report was recorded."))
            return redirect("tasks:detail", pk=pk)
    keep_refused(request, "task-progress", form)
    return redirect(reverse("tasks:detail", args=[pk]) + "#report")


@login_required
@require_POST
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.access_task(request.user, pk)
    form = ReminderForm(request.POST)
    if form.is_valid():
        try:
            services.task_remind(actor=request.user, task=task, comment=form.cleaned_data.get("comment") or "")
        except LuoshiError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The reminder was sent."))
            return redirect("tasks:detail", pk=pk)
    else:
        keep_refused(request, "task-reminder", form)
    return redirect("tasks:detail", pk=pk)


@login_required
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.access_task(request.user, pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_add(
                actor=request.user, task=task, title=form.cleaned_data["title"], due_date=form.cleaned_data["due_date"]
            )
        except LuoshiError as exc:
            _refused_on_form(form, exc)
            keep_refused(request, "task-milestone", form)
    else:
        keep_refused(request, "task-milestone", form)
    return redirect(reverse("tasks:detail", args=[pk]) + "#milestones")


@login_required
@require_POST
def milestone_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = selectors.access_milestone(request.user, pk)
    try:
        services.milestone_set_done(actor=request.user, milestone=milestone, done=request.POST.get("done") == "1")
    except LuoshiError as exc:
        _refused(request, exc)
    return redirect("tasks:detail", pk=milestone.task_id)


@login_required
@require_POST
def attachments_add(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.access_task(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.task_add_attachments(actor=request.user, task=task, files=form.cleaned_data["attachments"])
        except LuoshiError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The files were added."))
    else:
        messages.error(request, _("Choose at least one file."))
    return redirect("tasks:detail", pk=pk)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise NotFound()
    selectors.access_task(request.user, attachment.task_id)
    if attachment.is_image:
        # A photo opens in the browser (the timeline's thumbnails show it); anything else downloads.
        suffix = Path(attachment.name).suffix.lower()
        response = FileResponse(
            attachment.file.open("rb"), filename=attachment.name, content_type=_IMAGE_TYPES.get(suffix, "image/jpeg")
        )
        response["Cache-Control"] = "private, max-age=3600"
        return response
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


_IMAGE_TYPES = {
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".webp": "image/webp",
}  # fmt: skip


# --- goals ----------------------------------------------------------------------------------


@login_required
def goal_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.goal_list(request.user))
    return render(
        request,
        "tasks/goal_list.html",
        {"page_obj": page, "can_create": can_dispatch_somewhere(request.user), "querystring": ""},
    )


@login_required
def goal_create(request: HttpRequest) -> HttpResponse:
    require_create(request.user)
    form = GoalForm(request.POST or None, user=request.user, initial={"year": today().year})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            goal = services.goal_create(
                actor=request.user,
                owner_unit=d["owner_unit"],
                year=d["year"],
                title=d["title"],
                description=d.get("description") or "",
                weight=d["weight"],
                assessment=d.get("assessment") or "",
            )
        except LuoshiError as exc:
            apply_error(form, exc)
        else:
            return redirect("tasks:goal", pk=goal.pk)
    return render(request, "tasks/goal_form.html", {"form": form})


@login_required
def goal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    goal = selectors.access_goal(request.user, pk)
    roots, loose = selectors.goal_tree(request.user, goal)
    can_manage = can(request.user, "goal.manage", goal)
    return render(
        request,
        "tasks/goal_detail.html",
        {
            "goal": goal,
            "roots": roots,
            "loose": loose,
            "can_manage": can_manage,
            "category_form": (
                take_refused(request, "task-category", CategoryForm, goal=goal) or CategoryForm(goal=goal)
            )
            if can_manage
            else None,
        },
    )


@login_required
@require_POST
def category_add(request: HttpRequest, pk: int) -> HttpResponse:
    goal = selectors.access_goal(request.user, pk)
    form = CategoryForm(request.POST, goal=goal)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.category_create(
                actor=request.user, goal=goal, name=d["name"], parent=d.get("parent"), code=d.get("code") or "",
                weight=d.get("weight"), sort_order=Category.objects.filter(goal=goal).count(),
            )  # fmt: skip
        except LuoshiError as exc:
            _refused_on_form(form, exc)
        else:
            return redirect("tasks:goal", pk=pk)
    keep_refused(request, "task-category", form)
    return redirect(reverse("tasks:goal", args=[pk]) + "#add-category")


# --- inspections ---------------------------------------------------------------------------------


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.inspection_list(request.user))
    return render(
        request,
        "tasks/inspection_list.html",
        {"page_obj": page, "can_create": can_dispatch_somewhere(request.user), "querystring": ""},
    )


@login_required
def inspection_create(request: HttpRequest) -> HttpResponse:
    require_create(request.user)
    form = InspectionForm(request.POST or None, user=request.user, initial={"date": today(), "unannounced": True})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            inspection = services.inspection_create(
                actor=request.user,
                unit=d["unit"],
                date=d["date"],
                place=d["place"],
                unannounced=d.get("unannounced", False),
                inspectors=list(d.get("inspectors") or []),
                summary=d.get("summary") or "",
                findings=(d.get("findings") or "").splitlines(),
            )
        except LuoshiError as exc:
            apply_error(form, exc)
        else:
            return redirect("tasks:inspection", pk=inspection.pk)
    return render(request, "tasks/inspection_form.html", {"form": form})


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.access_inspection(request.user, pk)
    return render(
        request,
        "tasks/inspection_detail.html",
        {
            "inspection": inspection,
            "findings": selectors.inspection_findings(inspection),
            "inspectors": list(inspection.inspectors.all()),
            "can_manage": can(request.user, "inspection.manage", inspection),
        },
    )


@login_required
@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.access_inspection(request.user, pk)
    try:
        services.finding_add(actor=request.user, inspection=inspection, description=request.POST.get("description", ""))
    except LuoshiError as exc:
        _refused(request, exc)
    return redirect("tasks:inspection", pk=pk)


@login_required
def finding_task(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.access_finding(request.user, pk)
    if not can(request.user, "inspection.manage", finding.inspection):
        raise Forbidden(
            _("Not allowed (无权操作): only supervisors and leaders over the unit make rectification tasks.")
        )
    form = FindingTaskForm(
        request.POST or None,
        user=request.user,
        initial={"lead_unit": finding.unit_id or finding.inspection.unit_id, "title": finding.description[:80]},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            task = services.finding_to_task(
                actor=request.user,
                finding=finding,
                lead_unit=d["lead_unit"],
                deadline=d["deadline"],
                responsible_leader=d.get("responsible_leader"),
                title=d.get("title") or "",
            )
        except LuoshiError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Rectification task %(number)s was assigned.") % {"number": task.number})
            return redirect("tasks:detail", pk=task.pk)
    return render(request, "tasks/finding_task_form.html", {"form": form, "finding": finding})


# --- Excel import ------------------------------------------------------------------------------------

IMPORT_SESSION_KEY = "tasks_import"


def _import_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    return downloads.download(excel.template(), pgettext("file name", "Task list import template"))


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    require_create(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and "confirm" in request.POST:
        token = request.session.get(IMPORT_SESSION_KEY, "")
        path = _import_dir() / f"{token}.xlsx"
        if not token or request.POST.get("token") != token or not path.exists():
            messages.error(request, _("The uploaded file has expired. Please upload it again."))
            return redirect("tasks:import")
        try:
            created = excel.import_commit(actor=request.user, content=path.read_bytes())
        except LuoshiError as exc:
            messages.error(request, str(exc.message))
            return redirect("tasks:import")
        finally:
            path.unlink(missing_ok=True)
            request.session.pop(IMPORT_SESSION_KEY, None)
        messages.success(request, _("%(n)d tasks were imported.") % {"n": len(created)})
        return redirect(reverse_overview())
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["file"].read()
        preview = excel.import_preview(actor=request.user, content=content)
        if preview.ok:
            token = uuid.uuid4().hex
            (_import_dir() / f"{token}.xlsx").write_bytes(content)
            request.session[IMPORT_SESSION_KEY] = token
            preview.token = token
    return render(request, "tasks/import.html", {"form": form, "preview": preview})


def reverse_overview() -> str:
    from django.urls import reverse

    return reverse("tasks:overview")


def help_page(request: HttpRequest) -> HttpResponse:
    from django.utils.translation import get_language

    t = lights.Thresholds.from_settings()
    thresholds = [
        (_("Yellow when this many working days or fewer are left"), t.yellow_days_left),
        (_("Yellow when progress trails time progress by this many points"), t.yellow_lag),
        (_("Red when progress trails time progress by this many points"), t.red_lag),
        (_("Red when this many required progress reports are missing"), t.red_missing_reports),
    ]
    return render(
        request, "tasks/help.html", {"html": helpdoc.rendered(get_language() or ""), "thresholds": thresholds}
    )
