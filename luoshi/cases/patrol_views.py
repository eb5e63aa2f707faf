"""Patrol pages (走访巡查): thin views over :mod:`luoshi.cases.selectors.patrols` and
:mod:`luoshi.cases.services.patrols`. Phone first: the grid worker's bar opens the list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.accounts.types import Actor
from luoshi.cases import forms, patrol_forms, sla
from luoshi.cases.error_codes import CaseErrorCode
from luoshi.cases.models import Attachment, PatrolKind, PatrolOutcome
from luoshi.cases.selectors import patrols as reads
from luoshi.cases.services import patrols as writes
from luoshi.cases.services.intake import attachment_store
from luoshi.cases.views import serve_attachment
from luoshi.core.errors import Forbidden, LuoshiError, NotFound, ValidationFailed
from luoshi.core.forms import apply_error
from luoshi.core.pagination import paginate, querystring_without_page
from luoshi.org.permissions import works_the_grid


def _require_recording(user: Actor) -> list[Any]:
    """The grids where ``user`` records; 403 (with the reason) for a reader, 404 for anyone else."""
    grids = reads.recording_grids(user)
    if grids:
        return grids
    if reads.may_read_patrols(user):
        raise Forbidden(writes.read_only_message(), code=CaseErrorCode.READ_ONLY)
    raise NotFound()


@login_required
def patrols(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not reads.may_read_patrols(user):
        raise NotFound()
    today = sla.local_date(timezone.now())
    may_record = bool(reads.recording_grids(user))
    overview = not works_the_grid(user)
    context: dict[str, Any] = {"today": today, "may_record": may_record, "overview": overview}
    if may_record:
        context["counts"] = reads.my_counts(user, today)
    if overview:
        grids = list(reads.readable_grids(user).order_by("path").only("pk", "name", "path")[:500])
        filter_form = patrol_forms.PatrolFilterForm(request.GET or None, grids=grids, recorders=reads.recorders(user))
        filters = reads.PatrolFilters()
        within = None
        if filter_form.is_valid():
            data = filter_form.cleaned_data
            within = filter_form.grids.get(data.get("grid") or "")
            recorder = data.get("recorder") or ""
            filters = reads.PatrolFilters(
                grid=within,
                recorder=int(recorder) if recorder.isdigit() else None,
                date_from=data.get("date_from"),
                date_to=data.get("date_to"),
            )
        context["filter_form"] = filter_form
        context["coverage"] = reads.grid_coverage(user, today=today, within=within)
    else:
        filters = reads.PatrolFilters(mine=True)
    page = paginate(request, reads.patrol_list(user, filters))
    context.update({"page_obj": page, "querystring": querystring_without_page(request)})
    return render(request, "cases/patrols.html", context)


def _kept(form: patrol_forms.PatrolForm, user: Actor) -> list[Attachment]:
    tokens = form.kept_tokens()
    if not tokens:
        return []
    return list(
        Attachment.objects.filter(
            token__in=tokens, case__isnull=True, patrol__isnull=True, uploaded_by_id=getattr(user, "pk", None)
        )
    )


@login_required
def patrol_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    grids = _require_recording(user)
    today = sla.local_date(timezone.now())
    now_local = timezone.now().astimezone(sla.local_tz())
    initial = {
        "grid": str(grids[0].pk),
        "patrol_date": today,
        "started_at": now_local.time().replace(second=0, microsecond=0),
        "kind": request.GET.get("kind") if request.GET.get("kind") in PatrolKind.values else PatrolKind.PATROL,
    }
    form = patrol_forms.PatrolForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        grids=grids,
        key_persons=reads.key_persons_for(user, grids),
        today=today,
    )
    kept: list[Attachment] = []
    if request.method == "POST":
        kept = _kept(form, user)
        for upload in request.FILES.getlist("photos"):
            try:
                kept.append(attachment_store(actor=user, upload=upload, field="photos"))
            except ValidationFailed as exc:
                form.add_error("photos", str(exc.message))
        if form.is_valid():
            data = form.cleaned_data
            try:
                patrol = writes.patrol_record(
                    actor=user,
                    grid=data["grid"],
                    kind=data["kind"],
                    patrol_date=data["patrol_date"],
                    started_at=data["started_at"],
                    ended_at=data.get("ended_at"),
                    places=data["places"],
                    findings=data.get("findings", ""),
                    outcome=data["outcome"],
                    key_person=data.get("key_person"),
                    lat=data.get("lat"),
                    lng=data.get("lng"),
                    photos=kept,
                )
            except LuoshiError as exc:
                if exc.status in (403, 404):
                    raise
                apply_error(form, exc)
            else:
                messages.success(request, _("The record was saved."))
                if patrol.outcome == PatrolOutcome.REPORTED:
                    messages.info(request, _("Now report the problem you found; it will be linked to this record."))
                    return redirect("cases:patrol_report", pk=patrol.pk)
                return redirect("cases:patrol", pk=patrol.pk)
    context = {"form": form, "kept": kept, "kept_tokens": ",".join(a.token for a in kept), "today": today}
    return render(request, "cases/patrol_form.html", context)


@login_required
def patrol_detail(request: HttpRequest, pk: int) -> HttpResponse:
    detail = reads.patrol_detail(request.user, pk)
    return render(request, "cases/patrol_detail.html", {"d": detail, "patrol": detail.patrol})


@login_required
def patrol_photo(request: HttpRequest, pk: int, token: str) -> FileResponse:
    patrol = reads.access_patrol(request.user, pk)
    return serve_attachment(Attachment.objects.filter(patrol=patrol, token=token).first())


@login_required
def patrol_report(request: HttpRequest, pk: int) -> HttpResponse:
    """上报问题 from a record: the grid worker's report form, filled in from the record."""
    from luoshi.cases.views import _category, _keep_uploads

    user = request.user
    patrol = reads.access_patrol(user, pk)
    if not reads.patrol_detail(user, pk).may_report:
        raise Forbidden(writes.read_only_message(), code=CaseErrorCode.READ_ONLY)
    initial = {
        "unit": str(patrol.grid.pk),
        "address": patrol.places[:255],
        "description": patrol.findings,
        "lat": patrol.lat,
        "lng": patrol.lng,
    }
    form = forms.GridReportForm(request.POST or None, initial=initial, units=[patrol.grid])
    kept: list[Attachment] = []
    if request.method == "POST":
        kept = _keep_uploads(request, form, user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = writes.patrol_report_case(
                    actor=user,
                    patrol=patrol,
                    category=_category(data["category"]),
                    title=data.get("title", ""),
                    description=data["description"],
                    address=data.get("address", ""),
                    lat=data.get("lat"),
                    lng=data.get("lng"),
                    urgent=bool(data.get("urgent")),
                    reporter_name=data.get("reporter_name", ""),
                    reporter_phone=data.get("reporter_phone", ""),
                    attachment_tokens=[a.token for a in kept],
                )
            except LuoshiError as exc:
                if exc.status in (403, 404) and not exc.details:
                    raise
                apply_error(form, exc)
            else:
                messages.success(request, _("Case %(no)s was reported. Thank you.") % {"no": case.tracking_no})
                return redirect(f"{reverse('cases:detail', args=[case.pk])}?reported=1")
    context = {"form": form, "kept": kept, "kept_tokens": ",".join(a.token for a in kept), "patrol": patrol}
    return render(request, "cases/patrol_report.html", context)
