"""Campaign pages: thin — parse, call a selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from luoshi.core import audit, downloads, links, versioning
from luoshi.core.errors import LuoshiError, NotFound
from luoshi.core.forms import apply_error
from luoshi.core.pagination import paginate, querystring_without_page
from luoshi.core.timeutil import today as local_today
from luoshi.org.permissions import can, require
from luoshi.relocation import excel, forms, selectors, services, workflow
from luoshi.relocation.models import STAGE_ORDER, HouseholdState, Stage
from luoshi.relocation.permissions import campaign_roles, can_create_somewhere
from luoshi.relocation.privacy import owner

HOUSEHOLDS_PER_PAGE = 50


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


# --- campaigns ------------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    stage = request.GET.get("stage", "")
    filters = selectors.CampaignFilters(
        q=request.GET.get("q", "").strip()[:100],
        stage=stage if stage in Stage.values else "",
        active=True if request.GET.get("active") else None,
    )
    page = paginate(request, selectors.campaign_list(request.user, filters))
    selectors.with_figures(list(page.object_list), brief=True)
    return render(
        request,
        "relocation/list.html",
        {
            "page_obj": page,
            "filters": filters,
            "stages": Stage.choices,
            "can_create": can_create_somewhere(request.user),
            "querystring": querystring_without_page(request),
        },
    )


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    if not can_create_somewhere(request.user):
        raise NotFound()
    form = forms.CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            campaign = services.campaign_create(
                actor=request.user,
                unit=d["unit"],
                team=d["team"],
                code=d["code"],
                name=d["name"],
                kind=d["kind"],
                launched_on=d["launched_on"],
                signing_starts_on=d["signing_starts_on"],
                signing_deadline=d["signing_deadline"],
                clearance_deadline=d["clearance_deadline"],
                description=d["description"],
                compensation_standard=d["compensation_standard"],
                is_public=d["is_public"],
                project_id=d.get("project_id"),
            )
        except LuoshiError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Campaign created."))
            return redirect("relocation:detail", campaign.pk)
    return render(request, "relocation/campaign_form.html", {"form": form, "campaign": None})


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.access_campaign(request.user, pk)
    require(request.user, "relocation.campaign.edit", campaign)
    initial = {name: getattr(campaign, name) for name in services.CAMPAIGN_FIELDS}
    initial.update(code=campaign.code, unit=campaign.unit, version=campaign.version)
    form = forms.CampaignForm(request.POST or None, initial=initial, user=request.user, editing=True)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        fields = {name: d[name] for name in services.CAMPAIGN_FIELDS if name in form.fields}
        try:
            services.campaign_update(
                actor=request.user, campaign=campaign, version=versioning.required(d.get("version")), **fields
            )
        except LuoshiError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("relocation:detail", campaign.pk)
    return render(request, "relocation/campaign_form.html", {"form": form, "campaign": campaign})


def _stage_steps(campaign: Any) -> list[dict[str, Any]]:
    current = STAGE_ORDER.index(campaign.stage)
    return [
        {"label": Stage(s).label, "state": "done" if i < current else ("current" if i == current else "todo")}
        for i, s in enumerate(STAGE_ORDER)
    ]


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign dashboard: figures from the ledger, daily progress, parcels, stage and history."""
    campaign = selectors.access_campaign(request.user, pk)
    selectors.with_figures([campaign])
    roles = campaign_roles(request.user, campaign)
    series = selectors.daily_progress(campaign)
    chart = {
        "days": [d.day.isoformat() for d in series],
        "signed": [d.signed_total for d in series],
        "vacated": [d.vacated_total for d in series],
        "demolished": [d.demolished_total for d in series],
        "daily": [d.signed for d in series],
        "labels": {
            "signed": _("Signed"),
            "vacated": _("Vacated"),
            "demolished": _("Demolished"),
            "daily": _("Signed that day"),
        },
        "total": campaign.figures.households,  # type: ignore[attr-defined]
    }
    recent = [d for d in series if d.signed or d.vacated or d.demolished][-14:]
    actions = [
        {
            "action": a,
            "label": workflow.ACTION_LABELS[a],
            "needs_comment": workflow.TABLE[(campaign.stage, a)].needs_comment,
        }
        for a in workflow.allowed_actions(campaign.stage, roles)
    ]
    return render(
        request,
        "relocation/detail.html",
        {
            "campaign": campaign,
            "f": campaign.figures,  # type: ignore[attr-defined]
            "s": campaign.schedule,  # type: ignore[attr-defined]
            "parcels": selectors.parcels_with_figures(campaign),
            "chart": chart,
            "recent": list(reversed(recent)),
            "steps": _stage_steps(campaign),
            "actions": actions,
            "can_edit": can(request.user, "relocation.campaign.edit", campaign),
            "can_keep": can(request.user, "relocation.ledger.edit", campaign),
            "project": links.project_refs([campaign.project_id]).get(campaign.project_id or 0),
            "entries": audit.entries_for(campaign, limit=30),
        },
    )


@login_required
@require_POST
def campaign_transition(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.access_campaign(request.user, pk)
    try:
        services.campaign_transition(
            actor=request.user,
            campaign=campaign,
            action=request.POST.get("action", ""),
            comment=request.POST.get("comment", "")[:2000],
            version=_int(request.POST.get("version")),
        )
    except LuoshiError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Stage changed."))
    return redirect("relocation:detail", campaign.pk)


@login_required
def campaign_map(request: HttpRequest, pk: int) -> HttpResponse:
    """作战图: parcels on the map coloured by signing rate (with the same figures as a table) and a
    board of households by state."""
    campaign = selectors.access_campaign(request.user, pk)
    parcels = selectors.parcels_with_figures(campaign)
    features = [
        {
            "id": p.pk,
            "name": p.name,
            "lat": float(p.lat) if p.lat is not None else None,
            "lng": float(p.lng) if p.lng is not None else None,
            "boundary": p.boundary,
            "households": p.figures.households,  # type: ignore[attr-defined]
            "signed": p.figures.signed,  # type: ignore[attr-defined]
            "rate": float(p.figures.signing_rate) if p.figures.signing_rate is not None else None,  # type: ignore[attr-defined]
        }
        for p in parcels
    ]
    return render(
        request,
        "relocation/map.html",
        {
            "campaign": campaign,
            "parcels": parcels,
            "features": features,
            "board": selectors.household_board(campaign),
            "can_keep": can(request.user, "relocation.ledger.edit", campaign),
        },
    )


# --- parcels --------------------------------------------------------------------------------


@login_required
def parcel_form(request: HttpRequest, pk: int, parcel_id: int | None = None) -> HttpResponse:
    campaign = selectors.access_campaign(request.user, pk)
    require(request.user, "relocation.ledger.edit", campaign)
    parcel = selectors.access_parcel(request.user, campaign, parcel_id) if parcel_id else None
    initial: dict[str, Any] = {}
    if parcel is not None:
        initial = {n: getattr(parcel, n) for n in ("name", "land_area", "lat", "lng", "transferred_on", "version")}
    form = forms.ParcelForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            if parcel is None:
                services.parcel_create(actor=request.user, campaign=campaign, **d)
            else:
                services.parcel_update(
                    actor=request.user,
                    parcel=parcel,
                    version=versioning.required(form.cleaned_data.get("version")),
                    **d,
                )
        except LuoshiError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Parcel saved."))
            return redirect("relocation:map", campaign.pk)
    return render(request, "relocation/parcel_form.html", {"form": form, "campaign": campaign, "parcel": parcel})


# --- the ledger -----------------------------------------------------------------------------


@login_required
def household_list(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.access_campaign(request.user, pk)
    state = request.GET.get("state", "")
    filters = selectors.HouseholdFilters(
        state=state if state in HouseholdState.values else "",
        parcel_id=_int(request.GET.get("parcel")),
        q=request.GET.get("q", "").strip()[:64],
        unpaid=bool(request.GET.get("unpaid")),
    )
    keeper = can(request.user, "relocation.ledger.edit", campaign)
    page = paginate(request, selectors.household_list(campaign, filters, by_name=keeper), HOUSEHOLDS_PER_PAGE)
    rows = [(h, owner(h, reveal=False)) for h in page.object_list]
    return render(
        request,
        "relocation/households.html",
        {
            "campaign": campaign,
            "page_obj": page,
            "rows": rows,
            "filters": filters,
            "states": HouseholdState.choices,
            "parcels": list(campaign.parcels.all()),
            "can_keep": keeper,
            "querystring": querystring_without_page(request),
        },
    )


@login_required
def household_detail(request: HttpRequest, pk: int, household_id: int) -> HttpResponse:
    """One household; opening it is logged. Ledger keepers record the next step here (phone layout)."""
    campaign = selectors.access_campaign(request.user, pk)
    household, reveal = services.household_open(actor=request.user, campaign=campaign, pk=household_id)
    keeper = can(request.user, "relocation.ledger.edit", campaign)
    step_form = forms.StepForm(initial={"on": local_today(), "version": household.version})
    if request.method == "POST":
        if not keeper:
            require(request.user, "relocation.ledger.edit", campaign)
        step_form = forms.StepForm(request.POST)
        if step_form.is_valid():
            try:
                services.household_update(
                    actor=request.user,
                    household=household,
                    version=step_form.cleaned_data["version"],
                    **step_form.values(),
                )
            except LuoshiError as exc:
                apply_error(step_form, exc)
            else:
                messages.success(request, _("Recorded."))
                return redirect("relocation:household", campaign.pk, household.pk)
    return render(
        request,
        "relocation/household.html",
        {
            "campaign": campaign,
            "h": household,
            "owner": owner(household, reveal=reveal),
            "can_keep": keeper,
            "step_form": step_form,
            "next_step": _next_step(household),
            "entries": audit.entries_for(household, limit=30) if keeper else [],
        },
    )


def _next_step(household: Any) -> str:
    return {
        HouseholdState.PENDING: "sign",
        HouseholdState.SIGNED: "vacate",
        HouseholdState.VACATED: "demolish",
    }.get(household.state, "")


@login_required
def household_form(request: HttpRequest, pk: int, household_id: int | None = None) -> HttpResponse:
    campaign = selectors.access_campaign(request.user, pk)
    require(request.user, "relocation.ledger.edit", campaign)
    household = None
    initial: dict[str, Any] = {}
    if household_id is not None:
        household, _reveal = services.household_open(actor=request.user, campaign=campaign, pk=household_id)
        initial = {n: getattr(household, n) for n in services.HOUSEHOLD_FIELDS}
        initial["version"] = household.version
    form = forms.HouseholdForm(request.POST or None, initial=initial, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            if household is None:
                household = services.household_create(actor=request.user, campaign=campaign, **form.values())
            else:
                household = services.household_update(
                    actor=request.user,
                    household=household,
                    version=versioning.required(form.cleaned_data.get("version")),
                    **form.values(),
                )
        except LuoshiError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Household saved."))
            return redirect("relocation:household", campaign.pk, household.pk)
    return render(
        request, "relocation/household_form.html", {"form": form, "campaign": campaign, "household": household}
    )


# --- Excel ------------------------------------------------------------------------------------


@login_required
def ledger_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The ledger as .xlsx: owners unmasked for ledger keepers, masked for other readers (logged)."""
    campaign = selectors.access_campaign(request.user, pk)
    reveal = can(request.user, "relocation.household.reveal", campaign)
    content = excel.export_ledger(actor=request.user, campaign=campaign, reveal=reveal)
    return downloads.download(content, pgettext("file name", "Household ledger"), campaign.name, day=local_today())


@login_required
def ledger_template(request: HttpRequest) -> HttpResponse:
    return downloads.download(excel.template(), pgettext("file name", "Household ledger import template"))


def _failure_rows(failure: LuoshiError | None) -> list[tuple[str, list[str]]]:
    """The errors of a refused import, the file's own first, then row by row."""
    if failure is None or not isinstance(failure.details, dict):
        return []
    items = list(failure.details.items())
    return sorted(items, key=lambda kv: (kv[0] != "file", int(kv[0]) if kv[0].isdigit() else 0))


@login_required
def ledger_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a ledger: every row added or updated, or none, with every bad row listed."""
    campaign = selectors.access_campaign(request.user, pk)
    require(request.user, "relocation.ledger.edit", campaign)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    failure: LuoshiError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            result = excel.import_ledger(
                actor=request.user, campaign=campaign, content=form.cleaned_data["file"].read()
            )
        except LuoshiError as exc:
            failure = exc
        else:
            messages.success(
                request,
                _("Imported: %(added)d households added, %(changed)d changed, %(same)d unchanged.")
                % {"added": result.added, "changed": result.changed, "same": result.matched - result.changed},
            )
            return redirect("relocation:households", campaign.pk)
    rows = _failure_rows(failure)
    return render(
        request, "relocation/import.html", {"campaign": campaign, "form": form, "failure": failure, "rows": rows}
    )


# --- public ---------------------------------------------------------------------------------


def public_index(request: HttpRequest) -> HttpResponse:
    campaigns = list(selectors.public_campaigns()[:100])
    selectors.with_figures(campaigns, brief=True)
    return render(request, "relocation/public/index.html", {"campaigns": campaigns})


def public_campaign(request: HttpRequest, code: str) -> HttpResponse:
    """阳光征迁: totals and the published standard, no personal data, no login."""
    campaign = selectors.public_campaign(code)
    selectors.with_figures([campaign])
    return render(
        request,
        "relocation/public/campaign.html",
        {
            "campaign": campaign,
            "f": campaign.figures,  # type: ignore[attr-defined]
            "s": campaign.schedule,  # type: ignore[attr-defined]
            "parcels": selectors.parcels_with_figures(campaign),
            "steps": _stage_steps(campaign),
        },
    )
