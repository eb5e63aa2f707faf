"""Bulletin pages: the archive, a new draft, the editor and workflow, downloads (thin: services do the work)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from luoshi.bulletins import permissions, selectors, services, workflow
from luoshi.bulletins.forms import WEEKDAYS, NewBulletinForm, ScheduleForm
from luoshi.bulletins.models import Kind, Status
from luoshi.core import downloads, params
from luoshi.core.errors import LuoshiError, NotFound
from luoshi.core.forms import apply_error
from luoshi.core.pagination import paginate
from luoshi.org.permissions import can
from luoshi.org.scope import scope_for

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
def bulletin_list(request: HttpRequest) -> HttpResponse:
    status = params.get_choice(request.GET, "status", [s for s in Status.values if s != Status.DISCARDED], default="")
    kind = params.get_choice(request.GET, "kind", Kind.values, default="")
    page = paginate(request, selectors.bulletin_list(request.user, status=status, kind=kind))
    return render(
        request,
        "bulletins/list.html",
        {
            "page_obj": page, "status": status, "kind": kind, "kinds": Kind.choices,
            "statuses": [c for c in Status.choices if c[0] != Status.DISCARDED],
            "may_create": permissions.can_create_somewhere(request.user),
            "querystring": f"&status={status}&kind={kind}",
        },
    )  # fmt: skip


@login_required
def bulletin_new(request: HttpRequest) -> HttpResponse:
    units = selectors.units_for_new(request.user)
    if not permissions.can_create_somewhere(request.user) or not units.exists():
        raise NotFound()
    form = NewBulletinForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = services.DraftData(
            kind=d["kind"], unit=d["unit"], as_of=d["as_of"], period_start=d.get("period_start"),
            subject=d.get("subject", ""), text=d.get("text", ""),
            section_keys=d.get("sections") or None,
        )  # fmt: skip
        try:
            bulletin = services.create_draft(actor=request.user, data=data)
        except LuoshiError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("The draft was built from the record as of that day. Edit it, then issue it."))
            return redirect("bulletins:detail", bulletin.pk)
    return render(request, "bulletins/new.html", {"form": form})


def _detail_context(request: HttpRequest, bulletin: Any) -> dict[str, Any]:
    roles = scope_for(request.user).roles_at(bulletin.unit)
    editable = bulletin.status in workflow.EDITABLE and can(request.user, "bulletin.edit", bulletin)
    sections = selectors.sections_of(bulletin)
    return {
        "bulletin": bulletin,
        "sections": sections,
        "editable": editable,
        "actions": [(t, workflow.ACTION_LABELS[t.action]) for t in workflow.actions_for(bulletin.status, roles)],
        "events": [
            (e, workflow.ACTION_LABELS.get(e.action) or _("Built the draft"))
            for e in bulletin.events.select_related("actor").order_by("created_at", "id")
        ],
        "recipients": list(bulletin.recipients.order_by("sort_order", "pk")),
        "choices": services.default_recipients(bulletin.unit) if editable else [],
        "recipient_ids": set(bulletin.recipients.values_list("pk", flat=True)),
        "issued": bulletin.status == Status.ISSUED,
    }


@login_required
def bulletin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = selectors.access_bulletin(request.user, pk)
    return render(request, "bulletins/detail.html", _detail_context(request, bulletin))


def _section_edits(request: HttpRequest, bulletin: Any) -> list[services.SectionEdit]:
    edits = []
    for section in bulletin.sections.all():
        position = params.get_int(
            request.POST, f"position_{section.pk}", default=section.position, minimum=0, maximum=999
        )
        edits.append(
            services.SectionEdit(
                pk=section.pk, position=position, included=request.POST.get(f"included_{section.pk}") == "on",
                text=params.get_text(request.POST, f"text_{section.pk}", max_length=services.MAX_TEXT),
            )
        )  # fmt: skip
    return edits


@login_required
@require_POST
def bulletin_edit(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = selectors.access_bulletin(request.user, pk)
    try:
        data = services.Edit(
            title=params.get_text(request.POST, "title", max_length=120),
            cc=params.get_text(request.POST, "cc", max_length=200),
            recipient_ids=params.get_ids(request.POST, "recipients"),
            sections=_section_edits(request, bulletin),
            new_title=params.get_text(request.POST, "new_title", max_length=80),
            new_text=params.get_text(request.POST, "new_text", max_length=services.MAX_TEXT),
        )
        services.edit(
            actor=request.user, bulletin=bulletin, data=data, version=params.get_int(request.POST, "version", minimum=1)
        )
    except LuoshiError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, _detail_message(exc))
    else:
        messages.success(request, _("The bulletin was saved."))
    return redirect("bulletins:detail", bulletin.pk)


def _detail_message(exc: LuoshiError) -> str:
    details = exc.details if isinstance(exc.details, dict) else {}
    parts = [str(m) for errors in details.values() for m in (errors if isinstance(errors, list) else [errors])]
    return " ".join([str(exc.message), *parts])


@login_required
@require_POST
def bulletin_rebuild(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = selectors.access_bulletin(request.user, pk)
    try:
        services.rebuild(actor=request.user, bulletin=bulletin)
    except LuoshiError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The sections were built again from the record as of the bulletin's date."))
    return redirect("bulletins:detail", bulletin.pk)


@login_required
@require_POST
def bulletin_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    bulletin = selectors.access_bulletin(request.user, pk)
    try:
        bulletin = services.act(
            actor=request.user, bulletin=bulletin, action=action,
            comment=params.get_text(request.POST, "comment", max_length=services.MAX_TEXT),
            version=params.get_int(request.POST, "version", minimum=1),
        )  # fmt: skip
    except LuoshiError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, str(exc.message))
    else:
        if bulletin.status == Status.ISSUED and action == workflow.ISSUE:
            messages.success(request, _("Issued as %(number)s and archived.") % {"number": bulletin.doc_number})
        else:
            messages.success(request, _("Done."))
    if bulletin.status == Status.DISCARDED:
        return redirect("bulletins:list")
    return redirect("bulletins:detail", bulletin.pk)


@login_required
def bulletin_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse | FileResponse:
    bulletin = selectors.access_bulletin(request.user, pk)
    if fmt not in CONTENT_TYPES:
        raise NotFound()
    name = bulletin.doc_number or bulletin.title
    if bulletin.status != Status.ISSUED:
        # a draft's preview is rendered on request (it changes until it is issued)
        if fmt == "docx":
            data = services.render_docx(bulletin)
        elif fmt == "xlsx":
            data = services.render_xlsx(bulletin) or b""
            if not data:
                raise NotFound()
        else:
            raise NotFound()
        draft = pgettext("file name", "Draft")
        return downloads.download(data, draft, name, extension=fmt, content_type=CONTENT_TYPES[fmt])
    stored = getattr(bulletin, fmt)
    if not stored:
        raise NotFound()
    response = FileResponse(stored.open("rb"), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = downloads.content_disposition(downloads.file_name(name, extension=fmt))
    return response


# --- schedules (the worker makes the drafts; the supervisor reviews and issues them) ---------------


def _schedule_units(request: HttpRequest) -> Any:
    units = selectors.units_for_new(request.user)
    if not permissions.can_create_somewhere(request.user) or not units.exists():
        raise NotFound()
    return units


def _when(schedule: Any) -> str:
    if schedule.kind == Kind.MONTHLY:
        return _("the 1st of each month at %(hour)02d:00") % {"hour": schedule.hour}
    return _("every %(day)s at %(hour)02d:00") % {"day": dict(WEEKDAYS)[schedule.weekday], "hour": schedule.hour}


@login_required
def schedule_list(request: HttpRequest) -> HttpResponse:
    _schedule_units(request)
    now = timezone.now()
    page = paginate(request, selectors.schedules_for(request.user))
    rows = [(s, selectors.next_run(s, now), _when(s)) for s in page]
    return render(request, "bulletins/schedules.html", {"page_obj": page, "rows": rows})


def _schedule_data(form: ScheduleForm) -> services.ScheduleData:
    d = form.cleaned_data
    return services.ScheduleData(
        unit=d["unit"], kind=d["kind"], weekday=d["weekday"], hour=d["hour"], is_active=d["is_active"]
    )


@login_required
def schedule_new(request: HttpRequest) -> HttpResponse:
    form = ScheduleForm(request.POST or None, units=_schedule_units(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.schedule_create(actor=request.user, data=_schedule_data(form))
        except LuoshiError as exc:
            if exc.status in (403, 404):
                raise
            apply_error(form, exc)
        else:
            messages.success(request, _("The schedule was saved. Its drafts wait for you in the list."))
            return redirect("bulletins:schedules")
    return render(request, "bulletins/schedule_form.html", {"form": form, "schedule": None})


@login_required
def schedule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = selectors.access_schedule(request.user, pk)
    initial = {"unit": schedule.unit_id, "kind": schedule.kind, "weekday": schedule.weekday, "hour": schedule.hour,
               "is_active": schedule.is_active}  # fmt: skip
    form = ScheduleForm(request.POST or None, initial=initial, units=_schedule_units(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.schedule_update(actor=request.user, schedule=schedule, data=_schedule_data(form))
        except LuoshiError as exc:
            if exc.status in (403, 404):
                raise
            apply_error(form, exc)
        else:
            messages.success(request, _("The schedule was saved."))
            return redirect("bulletins:schedules")
    return render(request, "bulletins/schedule_form.html", {"form": form, "schedule": schedule})


@login_required
@require_POST
def schedule_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = selectors.access_schedule(request.user, pk)
    schedule = services.schedule_set_active(actor=request.user, schedule=schedule, active=not schedule.is_active)
    messages.success(request, _("The schedule runs again.") if schedule.is_active else _("The schedule is paused."))
    return redirect("bulletins:schedules")
