"""Case pages: thin views that parse, call a selector or service, render."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.accounts.types import Actor
from luoshi.cases import excel, forms, selectors, services, sla, standards
from luoshi.cases.error_codes import CaseErrorCode
from luoshi.cases.hotline import hotline_for
from luoshi.cases.models import (
    Attachment,
    CardLevel,
    Case,
    CaseKind,
    Channel,
    DailyKind,
    KeyPersonClass,
    MediationOutcome,
    Rating,
    RiskLevel,
    Status,
    VisitMethod,
)
from luoshi.cases.permissions import GRID_ADMINS, require_report, require_stats
from luoshi.cases.selectors.public import public_photos, public_picture
from luoshi.cases.workflow import ACTION_BUTTONS, ACTIVE_ROLES, Action, transition_for
from luoshi.core import params, uploads, versioning, workdays
from luoshi.core.errors import ErrorCode, Forbidden, LuoshiError, NotFound, ValidationFailed
from luoshi.core.forms import apply_error, keep_refused, take_refused
from luoshi.core.pagination import paginate, querystring_without_page
from luoshi.org.labels import Labeller, unit_labels
from luoshi.org.models import Person, Unit, UnitKind
from luoshi.org.scope import scope_for
from luoshi.org.selectors import access_unit


def _box_labels() -> list[tuple[str, str]]:
    return [
        ("accept", _("To accept")),
        ("dispatch", _("To dispatch")),
        ("handle", _("To handle")),
        ("verify", _("To verify")),
        ("overdue", _("Overdue")),
        ("visits", _("Return visits")),
        ("mine", _("Reported by me")),
        ("all", _("All cases")),
    ]


def place_units(user: Actor) -> list[Unit]:
    """Places where the user may report a case (grids, communities, townships): where they hold a role
    that acts, not where they only look."""
    scope = scope_for(user)
    return list(
        Unit.objects.filter(scope.unit_q(roles=ACTIVE_ROLES), kind__in=list(standards.CASE_PLACE_KINDS), is_active=True)
        .exclude(kind=UnitKind.DISTRICT)
        .order_by("path")
        .only("pk", "name", "kind", "depth", "path")
    )


# --- Inbox and lists -----------------------------------------------------------------------------------


@dataclass
class QuickPage:
    """A page without a total count: a million-row COUNT costs more than the page itself."""

    number: int
    object_list: list[Any]
    has_next: bool
    #: Keyset links: the first and last case on this page (see ``selectors.seek``).
    first_id: int | None = None
    last_id: int | None = None

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    def __iter__(self) -> Any:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def quick_page(
    request: HttpRequest, qs: QuerySet[Case], per_page: int | None = None, box: str | None = None
) -> QuickPage:
    """One page of ``qs``. Next and Previous links carry the last or first case shown
    (``after=`` / ``before=``) so that the next page is found by seeking in the list's index
    order rather than by skipping rows; a bare ``page=N`` still works with an offset."""
    size = per_page or int(settings.LUOSHI_PAGE_SIZE)
    number = params.get_page(request.GET)
    after, before = params.get_id(request.GET, "after"), params.get_id(request.GET, "before")
    seeked = None
    if box is not None and number > 1 and (after or before):
        seeked = selectors.seek(qs, box, int(after or before or 0), forward=bool(after))
    if seeked is None:
        items = list(qs[(number - 1) * size : number * size + 1])
        has_next = len(items) > size
        items = items[:size]
    elif after:
        items = list(seeked[: size + 1])
        has_next = len(items) > size
        items = items[:size]
    else:
        items = list(seeked[:size])[::-1]  # read backwards from the page after, shown in list order
        has_next = True
    return QuickPage(
        number,
        selectors.rows(items),
        has_next,
        first_id=items[0].pk if items else None,
        last_id=items[-1].pk if items else None,
    )


def _filters(request: HttpRequest, box: str) -> selectors.CaseFilters:
    get = request.GET
    unit = None
    if get.get("unit"):
        try:
            unit = access_unit(request.user, get["unit"])
        except NotFound:
            unit = None
    return selectors.CaseFilters(
        box=box,
        q=get.get("q", "").strip(),
        status=get.get("status", "") if get.get("status", "") in Status.values else "",
        category=params.get_id(get, "category"),
        kind=get.get("kind", "") if get.get("kind", "") in CaseKind.values else "",
        channel=get.get("channel", "") if get.get("channel", "") in Channel.values else "",
        unit=unit,
        light=get.get("light", "") if get.get("light", "") in (sla.GREEN, sla.YELLOW, sla.RED) else "",
        date_from=params.get_date(get, "date_from"),
        date_to=params.get_date(get, "date_to"),
        urgent=get.get("urgent") == "1",
    )


def row_html(rows: list[selectors.Row]) -> list[SafeString]:
    """The table rows of a case list, built in Python: the same markup the template loop would
    give (``cases/_rows.html``) at a fraction of its cost, which matters on every list page."""
    l_category, l_place = _("Category"), _("Place")
    l_handler, l_status, l_urgent = _("Handling unit"), _("Status"), _("urgent")
    label = Labeller()  # places and handling units named with their township (one query)
    out = []
    for row in rows:
        case = row.case
        if row.light:
            limit = format_html(
                '<span class="light light-{}" role="img" aria-label="{}" data-light="{}"></span>'
                '<span class="remaining{}" data-testid="remaining">{}</span>',
                row.light,
                row.light_label,
                row.light,
                " over" if row.remaining is not None and row.remaining.overdue else "",
                row.remaining_label,
            )
        else:
            limit = mark_safe('<span class="muted">—</span>')
        urgent = format_html(' <span class="tag tag-urgent">{}</span>', l_urgent) if case.urgent else ""
        duplicate = (
            format_html('<div class="small muted">→ {}</div>', case.duplicate_of.tracking_no)
            if case.duplicate_of_id and case.duplicate_of
            else ""
        )
        out.append(
            format_html(
                '<tr data-case="{}">\n    <td class="nowrap">{}</td>\n'
                '    <td><a href="{}">{}</a>{}<div class="small muted">{}</div></td>\n'
                '    <td data-label="{}">{}</td>\n    <td data-label="{}">{}</td>\n    <td data-label="{}">{}</td>\n'
                '    <td data-label="{}"><span class="tag tag-status-{}">{}</span>{}</td>\n'
                '    <td class="hide-mobile small">{}</td>\n  </tr>',
                case.tracking_no,
                limit,
                row.url,
                case.title,
                urgent,
                case.tracking_no,
                l_category,
                case.category.name,
                l_place,
                label(case.unit),
                l_handler,
                label(case.handling_unit) if case.handling_unit_id and case.handling_unit else "—",
                l_status,
                case.status,
                row.status_label,
                duplicate,
                timezone.localtime(case.reported_at).strftime("%Y-%m-%d %H:%M"),
            )
        )
    return out


def _querystring_without_paging(request: HttpRequest) -> str:
    params = request.GET.copy()
    for key in ("page", "after", "before"):
        params.pop(key, None)
    return params.urlencode()


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    counts = selectors.inbox_counts(request.user)
    box = request.GET.get("box", "")
    if box not in selectors.BOXES:
        box = next((b for b in ("accept", "dispatch", "handle", "verify") if counts.get(b)), "all")
    filters = _filters(request, box)
    page = quick_page(request, selectors.case_list(request.user, filters), box=box)
    context = {
        "page_obj": page,
        "row_html": row_html(page.object_list),
        "box": box,
        "boxes": [(key, label, counts.get(key)) for key, label in _box_labels()],
        "count_cap": selectors.COUNT_CAP,
        "f": filters,
        "statuses": Status.choices,
        "kinds": CaseKind.choices,
        "channels": Channel.choices,
        "categories": selectors.categories_for_intake(),
        "querystring": _querystring_without_paging(request),
        "filters_on": any(
            request.GET.get(k)
            for k in ("q", "status", "category", "kind", "channel", "light", "date_from", "date_to", "unit")
        ),
    }
    template = "cases/_rows.html" if getattr(request, "htmx", False) else "cases/inbox.html"
    return render(request, template, context)


@login_required
def export(request: HttpRequest) -> HttpResponse:
    box = request.GET.get("box", "all")
    filters = _filters(request, box if box in selectors.BOXES else "all")
    qs = selectors.case_list(request.user, filters)
    return excel.cases_workbook_response(qs, limit=int(getattr(settings, "LUOSHI_CASE_EXPORT_LIMIT", 20000)))


# --- Detail and actions --------------------------------------------------------------------------------


#: Steps that take photos or files (shown on the timeline beside the step).
EVIDENCE_ACTIONS = frozenset({Action.REPLY, Action.VERIFY, Action.SEND_BACK, Action.HANDLE_ON_SPOT})


def _action_rows(view: selectors.CaseView, evidence: forms.EvidenceForm | None = None) -> list[dict[str, Any]]:
    out = []
    for action in view.actions:
        row = transition_for(view.case.status, action)
        form = None
        if action in EVIDENCE_ACTIONS:
            form = evidence if evidence is not None and evidence.prefix == action else forms.EvidenceForm(action=action)
        out.append(
            {
                "action": action.value,
                "label": ACTION_BUTTONS.get(action, action),
                "needs_comment": bool(row and row.needs_comment),
                "evidence": form,
            }
        )
    return out


def _detail_context(request: HttpRequest, view: selectors.CaseView, **extra: Any) -> dict[str, Any]:
    case = view.case
    dispatching = {Action.DISPATCH, Action.REASSIGN, Action.ADD_CO_UNIT} & set(view.actions)
    # Units named with their township, as in every list (one query for the page).
    labels = unit_labels(
        [case.unit_id, case.owner_unit_id, case.handling_unit_id]
        + [link.unit_id for link in view.co_units]
        + [card.unit_id for card in view.cards]
    )
    return {
        "v": view,
        "case": case,
        "unit_labels": labels,
        "action_rows": _action_rows(view, extra.pop("evidence", None)),
        "units": list(selectors.dispatch_units(request.user, case)) if dispatching else [],
        "card_levels": CardLevel.choices,
        "card_points": services.card_points(),
        "ratings": [r for r in Rating.choices if r[0]],
        "visit_methods": VisitMethod.choices,
        "mediation_outcomes": MediationOutcome.choices,
        "today": timezone.localdate(),
        "source": selectors.effective(case),
        **extra,
    }


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.case_view(request.user, pk)
    return render(request, "cases/detail.html", _detail_context(request, view))


@login_required
@require_POST
def case_act(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.access_case(request.user, pk)
    post = request.POST
    action = post.get("action", "")
    evidence = forms.EvidenceForm(post, request.FILES, action=action) if action in EVIDENCE_ACTIONS else None
    files: dict[str, list[Any]] = {}
    if evidence is not None and evidence.is_valid():
        files = {"files": evidence.cleaned_data["photos"], "before_files": evidence.cleaned_data.get("before") or []}
    try:
        services.case_act(
            actor=request.user,
            case=case,
            action=action,
            version=params.get_int(post, "version", minimum=0, maximum=params.MAX_INT),
            comment=post.get("comment", ""),
            handling_unit=post.get("handling_unit") or None,
            co_units=[u for u in post.getlist("co_units") if u],
            original=post.get("original", ""),
            days=post.get("days") or None,
            approve=post.get("approve") == "1",
            rating=post.get("rating", ""),
            level=post.get("level", ""),
            method=post.get("method", ""),
            resolved=post.get("resolved", "1") == "1",
            held_on=post.get("held_on", ""),
            mediators=post.get("mediators", ""),
            parties=post.get("parties", ""),
            outcome=post.get("outcome", ""),
            agreement=post.get("agreement", ""),
            place=post.get("place", ""),
            **files,
        )
    except LuoshiError as exc:
        if exc.status == 404:
            raise
        view = selectors.case_view(request.user, pk)
        if evidence is not None:
            renamed = {"after": "photos", "files": "photos", "attachments": "photos", "before_attachments": "before"}
            apply_error(evidence, exc, fields=renamed)
        context = _detail_context(request, view, error_action=action, error=exc, posted=post, evidence=evidence)
        return render(request, "cases/detail.html", context, status=exc.status)
    label = ACTION_BUTTONS.get(action, action)
    messages.success(request, _("Done: %(action)s.") % {"action": label})
    try:
        selectors.access_case(request.user, pk)
    except NotFound:
        return redirect("cases:inbox")
    return redirect("cases:detail", pk=pk)


@login_required
def attachment(request: HttpRequest, pk: int, token: str) -> FileResponse:
    case = selectors.access_case(request.user, pk)
    return serve_attachment(Attachment.objects.filter(case=case, token=token).first())


def serve_attachment(item: Attachment | None) -> FileResponse:
    """A stored photo or file shown in the browser under its token (404 when there is none); the
    caller has checked that the reader may see the case or patrol it belongs to."""
    if item is None:
        raise NotFound()
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Content-Disposition"] = f'inline; filename="{item.token}"'
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- Intake ------------------------------------------------------------------------------------------


def _kept(form: forms._PlaceForm) -> list[Attachment]:
    tokens = form.kept_tokens()
    return list(Attachment.objects.filter(token__in=tokens, case__isnull=True)) if tokens else []


def _keep_uploads(request: HttpRequest, form: forms._PlaceForm, actor: Actor | None) -> list[Attachment]:
    """Store this attempt's photos so a failed submit does not lose them."""
    kept = _kept(form)
    for upload in request.FILES.getlist("photos"):
        try:
            kept.append(services.attachment_store(actor=actor, upload=upload))
        except ValidationFailed as exc:
            form.add_error("photos", str(exc.message))
    return kept


def _intake(
    request: HttpRequest, form_class: type[forms._PlaceForm], template: str, channel: str | None
) -> HttpResponse:
    require_report(request.user)
    units = place_units(request.user)
    if not units:
        raise NotFound(_("You have no place in your scope where a case could be reported."))
    initial: dict[str, Any] = {}
    grids = [u for u in units if u.kind == UnitKind.GRID]
    if grids and form_class is forms.GridReportForm:
        initial["unit"] = str(grids[0].pk)  # a grid worker reports in their own grid
    form = form_class(request.POST or None, initial=initial, units=units)
    kept: list[Attachment] = []
    if request.method == "POST":
        kept = _keep_uploads(request, form, request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = services.case_report(
                    actor=request.user,
                    channel=data.get("channel") or channel or Channel.STAFF,
                    kind=data.get("kind") or (CaseKind.EVENT if channel == Channel.GRID else CaseKind.REQUEST),
                    category=_category(data["category"]),
                    unit=data["unit"],
                    title=data.get("title", ""),
                    description=data["description"],
                    address=data.get("address", ""),
                    lat=data.get("lat"),
                    lng=data.get("lng"),
                    reporter_name=data.get("reporter_name", ""),
                    reporter_phone=data.get("reporter_phone", ""),
                    reporter_id_no=data.get("reporter_id_no", ""),
                    is_anonymous=bool(data.get("is_anonymous")),
                    urgent=bool(data.get("urgent")),
                    attachment_tokens=[a.token for a in kept],
                )
            except LuoshiError as exc:
                if exc.status == 404 and not exc.details:
                    form.add_error(None, str(exc.message))
                else:
                    apply_error(form, exc)
            else:
                messages.success(request, _("Case %(no)s was reported. Thank you.") % {"no": case.tracking_no})
                response = redirect(f"{reverse('cases:detail', args=[case.pk])}?reported=1")
                return response
    context = {"form": form, "kept": kept, "kept_tokens": ",".join(a.token for a in kept)}
    return render(request, template, context)


def _category(value: Any) -> Any:
    from luoshi.cases.models import Category

    try:
        return Category.objects.select_related("parent").get(pk=int(value))
    except (Category.DoesNotExist, TypeError, ValueError):
        raise ValidationFailed(
            _("Choose a category."), code=ErrorCode.INVALID, details={"category": [_("Choose a category.")]}
        ) from None


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    return _intake(request, forms.StaffIntakeForm, "cases/new.html", None)


@login_required
def grid_report(request: HttpRequest) -> HttpResponse:
    return _intake(request, forms.GridReportForm, "cases/report.html", Channel.GRID)


@login_required
def similar(request: HttpRequest) -> HttpResponse:
    """htmx: open cases like the one being entered (same category, near the same place)."""
    category_id = params.get_id(request.GET, "category")
    found: list[Case] = []
    if category_id:
        try:
            category = _category(category_id)
        except ValidationFailed:
            category = None
        unit = None
        if request.GET.get("unit"):
            try:
                unit = access_unit(request.user, request.GET["unit"])
            except NotFound:
                unit = None
        lat = params.get_float(request.GET, "lat", minimum=-90, maximum=90)
        lng = params.get_float(request.GET, "lng", minimum=-180, maximum=180)
        if category is not None:
            found = selectors.similar_open_cases(
                selectors.cases_visible_to(request.user), category=category, lat=lat, lng=lng, unit=unit
            )
    return render(request, "cases/_similar.html", {"similar": found})


# --- Map and statistics -----------------------------------------------------------------------------------


def _townships(user: Actor) -> QuerySet[Unit]:
    scope = scope_for(user)
    return Unit.objects.filter(scope.unit_q(), kind__in=list(standards.TOWNSHIP_KINDS), is_active=True).order_by(
        "sort_order", "name"
    )


@login_required
def case_map(request: HttpRequest) -> HttpResponse:
    townships = list(_townships(request.user))
    township = _choose(request, townships)
    # The map's text alternative: every grid with its open and overdue cases, as a table.
    grid_page = paginate(request, selectors.grids.grid_counts(request.user, township=township))  # type: ignore[arg-type]
    # Key persons under watch by risk, per grid: only for those who may open the registry (names masked).
    risk = selectors.key_person_risk_by_unit(request.user, [g["id"] for g in grid_page.object_list])
    if risk is not None:
        for g in grid_page.object_list:
            g["key_persons"] = risk.get(g["id"], {"high": 0, "medium": 0, "low": 0})
    return render(
        request,
        "cases/map.html",
        {
            "grid_page": grid_page,
            "key_persons": risk is not None,
            "page_obj": grid_page,
            "querystring": querystring_without_page(request),
            "townships": townships,
            "township": township,
            "data_url": reverse("cases:map_data") + (f"?township={township.pk}" if township else ""),
            "may_import_grids": _may_import_grids(request.user),
        },
    )


#: A district's grid boundaries are a few megabytes at most.


def _may_import_grids(user: Actor) -> bool:
    scope = scope_for(user)
    return scope.is_all or bool(scope.roles & GRID_ADMINS)


@login_required
def grid_import(request: HttpRequest) -> HttpResponse:
    """Administrators upload grid boundaries (GeoJSON): all or nothing, every bad feature listed."""
    if not _may_import_grids(request.user):
        raise Forbidden(_("Not allowed (无权操作): only administrators import grid boundaries."))
    error, details = "", []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Choose a GeoJSON file to upload.")
        elif upload.size is not None and upload.size > uploads.MAX_GEOJSON_BYTES:
            error = _("The file is larger than 20 MB.")
        else:
            try:
                data = json.loads(upload.read().decode("utf-8-sig"))
            except (UnicodeDecodeError, ValueError, RecursionError):
                error = _("This file is not GeoJSON (it could not be read as JSON text).")
            else:
                try:
                    count = services.grid_boundaries_import(actor=request.user, data=data)
                except LuoshiError as exc:
                    error = str(exc.message)
                    if isinstance(exc.details, dict):
                        details = [f"{key}: {'；'.join(map(str, value))}" for key, value in exc.details.items()]
                else:
                    messages.success(request, _("%(n)d grid boundaries imported.") % {"n": count})
                    return redirect("cases:map")
    return render(
        request,
        "cases/grid_import.html",
        {"error": error, "details": details, "max_mb": uploads.MAX_GEOJSON_BYTES // uploads.MB},
        status=400 if error else 200,
    )


def _choose(request: HttpRequest, townships: list[Unit]) -> Unit | None:
    wanted = params.get_id(request.GET, "township")
    if wanted:
        return next((t for t in townships if t.pk == wanted), None)
    return townships[0] if len(townships) == 1 else None


@login_required
def map_data(request: HttpRequest) -> HttpResponse:
    townships = list(_townships(request.user))
    township = _choose(request, townships)
    return JsonResponse(selectors.map_data(request.user, township=township), json_dumps_params={"ensure_ascii": False})


def _stat_groups() -> list[tuple[str, str]]:
    return [
        ("handling_unit", _("Handling unit")),
        ("category", _("Category")),
        ("subcategory", _("Sub-category")),
        ("township", _("Township")),
    ]


@login_required
def stats(request: HttpRequest) -> HttpResponse:
    require_stats(request.user)
    today = timezone.localdate()
    start = params.get_date(request.GET, "start", default=today.replace(day=1))
    end = params.get_date(request.GET, "end", default=today)
    error = ""
    if end < start or (end - start).days > 366:
        error = _("The period must run forwards and be at most a year.")
        start, end = today.replace(day=1), today
    townships = list(_townships(request.user))
    township = _choose(request, townships)
    group = request.GET.get("group", "handling_unit")
    if group not in selectors.GROUPS:
        group = "handling_unit"
    rows = selectors.case_stats(request.user, start=start, end=end, group=group, township=township)
    totals = selectors.StatRow(
        key=None,
        name=_("Total"),
        **{
            name: sum(getattr(r, name) for r in rows)
            for name in (
                "total",
                "open",
                "closed",
                "on_time",
                "overdue_open",
                "rated",
                "satisfied",
                "basic",
                "unsatisfied",
            )
        },
        avg_days=None,
    )
    cards = selectors.card_points_by_unit(request.user, start=start, end=end, township=township)
    groups = _stat_groups()
    return render(
        request,
        "cases/stats.html",
        {
            "rows": rows,
            "as_of": getattr(rows, "as_of", None),
            "totals": totals,
            "cards": cards,
            "start": start,
            "end": end,
            "group": group,
            "groups": groups,
            # The table's first column head: what the rows are.
            "group_label": dict(groups)[group],
            "townships": townships,
            "township": township,
            "error": error,
            "chart": json.dumps(
                {
                    "names": [r.name for r in rows[:15]],
                    "total": [r.total for r in rows[:15]],
                    # No closed case yet: no rate (a gap in the line, not 0 %).
                    "on_time": [
                        round(r.on_time_rate * 100, 1) if r.on_time_rate is not None else None for r in rows[:15]
                    ],
                },
                ensure_ascii=False,
            ),
        },
    )


# --- Key persons ------------------------------------------------------------------------------------------


def _require_registry(user: Actor) -> None:
    if not selectors.may_open_registry(user):
        raise NotFound()


def _keyperson_units(user: Actor) -> list[Unit]:
    from luoshi.cases.permissions import KEYPERSON_EDITORS

    scope = scope_for(user)
    return list(
        Unit.objects.filter(
            scope.unit_q(roles=KEYPERSON_EDITORS),
            kind__in=[UnitKind.COMMUNITY, UnitKind.VILLAGE, UnitKind.GRID],
            is_active=True,
        ).order_by("path")
    )


def _cadres(user: Actor) -> list[tuple[str, str]]:
    from luoshi.org.selectors import people_visible_to

    return [(str(p.pk), p.name) for p in people_visible_to(user).filter(is_active=True).order_by("name")[:500]]


@login_required
def keypersons(request: HttpRequest) -> HttpResponse:
    _require_registry(request.user)
    q = request.GET.get("q", "")
    risk = request.GET.get("risk", "") if request.GET.get("risk", "") in RiskLevel.values else ""
    classification = request.GET.get("class", "") if request.GET.get("class", "") in KeyPersonClass.values else ""
    active = request.GET.get("inactive") != "1"
    qs = selectors.key_person_list(request.user, q=q, risk=risk, classification=classification, active=active)
    page = paginate(request, qs)
    return render(
        request,
        "cases/keypersons.html",
        {
            "page_obj": page,
            "q": q,
            "risk": risk,
            "classification": classification,
            "active": active,
            "risks": RiskLevel.choices,
            "classes": KeyPersonClass.choices,
            "can_create": bool(_keyperson_units(request.user)),
            "querystring": querystring_without_page(request),
        },
    )


@login_required
def keyperson_detail(request: HttpRequest, pk: int) -> HttpResponse:
    kp = services.keyperson_open(actor=request.user, pk=pk)
    from luoshi.core import audit
    from luoshi.org.permissions import can

    can_edit = can(request.user, "keyperson.edit", kp)
    visit_form = take_refused(request, "keyperson-visit", forms.KeyPersonVisitForm) or forms.KeyPersonVisitForm(
        initial={"visited_on": timezone.localdate()}
    )
    return render(
        request,
        "cases/keyperson_detail.html",
        {
            "kp": kp,
            "visits": list(kp.visits.select_related("visited_by")),
            "cases": selectors.linked_cases(request.user, kp.cases.order_by("-reported_at")[:50]),
            "can_edit": can_edit,
            "can_visit": can(request.user, "keyperson.visit", kp)
            or (kp.cadre is not None and kp.cadre.user_id == request.user.pk),
            "visit_form": visit_form,
            "entries": audit.entries_for(kp, limit=50),
        },
    )


@login_required
def keyperson_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require_registry(request.user)
    kp = services.keyperson_open(actor=request.user, pk=pk) if pk else None
    units = _keyperson_units(request.user)
    if not units:
        raise NotFound()
    initial: dict[str, Any] = {}
    if kp is not None:
        initial = {
            "name": kp.name,
            "id_no": kp.id_no,
            "phone": kp.phone,
            "address": kp.address,
            "unit": str(kp.unit_id),
            "classification": kp.classification,
            "risk_level": kp.risk_level,
            "cadre": str(kp.cadre_id or ""),
            "background": kp.background,
            "version": kp.version,
        }
    form = forms.KeyPersonForm(request.POST or None, initial=initial, units=units, cadres=_cadres(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        cadre_id = params.get_id(data, "cadre")
        cadre = Person.objects.filter(pk=cadre_id).first() if cadre_id else None
        fields = {
            "name": data["name"],
            "id_no": data["id_no"],
            "phone": data["phone"],
            "address": data["address"],
            "unit": data["unit"],
            "classification": data["classification"],
            "risk_level": data["risk_level"],
            "cadre": cadre,
            "background": data["background"],
        }
        try:
            if kp is None:
                kp = services.keyperson_create(actor=request.user, **fields)
            else:
                kp = services.keyperson_update(
                    actor=request.user, key_person=kp, version=versioning.required(data.get("version")), **fields
                )
        except LuoshiError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("cases:keyperson", pk=kp.pk)
    return render(request, "cases/keyperson_form.html", {"form": form, "kp": kp})


@login_required
@require_POST
def keyperson_visit(request: HttpRequest, pk: int) -> HttpResponse:
    kp = selectors.access_key_person(request.user, pk)
    form = forms.KeyPersonVisitForm(request.POST)
    if form.is_valid():
        try:
            services.keyperson_visit(actor=request.user, key_person=kp, **form.cleaned_data)
        except LuoshiError as exc:
            if exc.status == 403:  # not theirs to record: the 403 page says why (无权操作)
                raise
            apply_error(form, exc)
        else:
            messages.success(request, _("The visit was recorded."))
            return redirect("cases:keyperson", pk=kp.pk)
    # Back to the person's page with the visit as it was typed, each error under its field.
    keep_refused(request, "keyperson-visit", form)
    return redirect(reverse("cases:keyperson", args=[kp.pk]) + "#visit")


@login_required
@require_POST
def keyperson_link(request: HttpRequest, pk: int) -> HttpResponse:
    kp = selectors.access_key_person(request.user, pk)
    number = request.POST.get("tracking_no", "").strip().upper()
    try:
        case = selectors.access_case(request.user, number)
        services.keyperson_link_case(actor=request.user, key_person=kp, case=case)
    except NotFound:
        messages.error(request, _("No case %(no)s in your scope.") % {"no": number})
    except LuoshiError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Case %(no)s was linked.") % {"no": case.tracking_no})
    return redirect("cases:keyperson", pk=kp.pk)


# --- Daily reports -------------------------------------------------------------------------------------------


def _daily_units(user: Actor, kind: str) -> list[Unit]:
    from luoshi.cases.permissions import ASSESSMENT_ROLES, SCREENING_ROLES

    scope = scope_for(user)
    roles = SCREENING_ROLES if kind == DailyKind.SCREENING else ASSESSMENT_ROLES
    kinds = standards.PLACE_KINDS if kind == DailyKind.SCREENING else standards.TOWNSHIP_KINDS
    return list(
        Unit.objects.filter(scope.unit_q(roles=roles), kind__in=list(kinds), is_active=True).order_by("path")[:200]
    )


@login_required
def daily(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "") or request.POST.get("kind", "")
    if kind not in DailyKind.values:
        kind = DailyKind.SCREENING
    day = params.get_date(request.GET, "day", default=timezone.localdate())
    units = _daily_units(request.user, kind) if kind != DailyKind.CADRE else []
    cadre = services.cadre_person(request.user) if kind == DailyKind.CADRE else None
    if kind == DailyKind.CADRE and cadre is not None:
        units = [p.unit for p in cadre.positions.select_related("unit")[:1]] or []
    form = None
    if request.method == "POST" and not units:
        raise Forbidden(
            _("Not allowed (无权操作): you have no unit to file this daily report for."), code=CaseErrorCode.NO_UNIT
        )
    if units:
        form = forms.DailyReportForm(request.POST or None, initial={"kind": kind}, units=units)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.daily_report_file(
                    actor=request.user,
                    kind=kind,
                    unit=data["unit"],
                    summary=data.get("summary", ""),
                    nothing_to_report=bool(data.get("nothing_to_report")),
                    issues_found=data.get("issues_found") or 0,
                )
            except LuoshiError as exc:
                apply_error(form, exc)
            else:
                messages.success(request, _("Today's report was filed."))
                return redirect(f"{reverse('cases:daily')}?kind={kind}")
    board = selectors.daily_board(request.user, kind=kind, day=day)
    return render(
        request,
        "cases/daily.html",
        {
            "kind": kind,
            "kinds": DailyKind.choices,
            "day": day,
            "board": board,
            "missing": sum(1 for r in board if r.missing),
            "day_off": not workdays.is_working_day(day),
            "form": form,
        },
    )


# --- Public pages (no login) ------------------------------------------------------------------------------------


def _public_places() -> list[Unit]:
    return list(
        Unit.objects.filter(
            kind__in=[UnitKind.COMMUNITY, UnitKind.VILLAGE, UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT], is_active=True
        )
        .order_by("path")
        .only("pk", "name", "kind", "depth", "path")
    )


def _rate_limited(request: HttpRequest, scope: str) -> HttpResponse | None:
    """Every attempt counts here (a flood guard, several times the accepted limit)."""
    from luoshi.cases import ratelimit

    limit, window = ratelimit.public_limit()
    attempts = limit * ratelimit.ATTEMPTS_PER_ACCEPTED
    if ratelimit.hit(f"{scope}:{ratelimit.client_ip(request)}", limit=attempts, window=window):
        return None
    return render(
        request,
        "cases/public/limited.html",
        {"minutes": max(1, window // 60), "hotline": hotline_for(None)},
        status=429,
    )


def _refuse_as_limited(request: HttpRequest, form: forms.PublicReportForm, window: int) -> HttpResponse:
    """The accepted reports of this connection are used up: the form comes back as typed, with the
    township's hotline to call instead."""
    unit = form.units.get(str(form.data.get("unit", "")))
    hotline = hotline_for(unit)
    values = {"minutes": max(1, window // 60), "number": hotline.number, "township": hotline.township}
    if hotline.township:
        text = _(
            "You have sent several reports in a short time. Please try again in %(minutes)s minutes, "
            "or call the %(township)s hotline %(number)s. What you wrote is kept below."
        )
    else:
        text = _(
            "You have sent several reports in a short time. Please try again in %(minutes)s minutes, "
            "or call the hotline %(number)s. What you wrote is kept below."
        )
    form.add_error(None, text % values)
    return render(request, "cases/public/new.html", {"form": form, "kept": [], "kept_tokens": ""}, status=429)


def public_new(request: HttpRequest) -> HttpResponse:
    from luoshi.cases import ratelimit

    form = forms.PublicReportForm(request.POST or None, units=_public_places(), public=True)
    kept: list[Attachment] = []
    if request.method == "POST":
        limited = _rate_limited(request, "public_new")
        if limited is not None:
            return limited
        # The limit counts accepted reports: a resident who corrects a refused form is not held back.
        limit, window = ratelimit.public_limit()
        accepted_key = f"public_accepted:{ratelimit.client_ip(request)}"
        if ratelimit.used(accepted_key, window=window) >= limit:
            return _refuse_as_limited(request, form, window)
        kept = _keep_uploads(request, form, None)
        if form.is_valid() and not form.cleaned_data.get("website"):
            data = form.cleaned_data
            try:
                case = services.case_report(
                    actor=None,
                    channel=Channel.WEB,
                    kind=CaseKind.REQUEST,
                    category=_category(data["category"]),
                    unit=data["unit"],
                    title="",
                    description=data["description"],
                    address=data.get("address", ""),
                    lat=data.get("lat"),
                    lng=data.get("lng"),
                    reporter_name=data.get("reporter_name", ""),
                    reporter_phone=data["reporter_phone"],
                    is_anonymous=bool(data.get("is_anonymous")),
                    attachment_tokens=[a.token for a in kept],
                )
            except LuoshiError as exc:
                apply_error(form, exc)
            else:
                ratelimit.hit(accepted_key, limit=limit, window=window)
                return redirect("cases:public_case", tracking_no=case.tracking_no, token=case.public_token)
    return render(
        request,
        "cases/public/new.html",
        {"form": form, "kept": kept, "kept_tokens": ",".join(a.token for a in kept)},
    )


def public_track(request: HttpRequest) -> HttpResponse:
    form = forms.TrackForm(request.GET or None)
    case = None
    not_found = False
    if form.is_valid():
        try:
            case = selectors.public_case(form.cleaned_data["tracking_no"])
        except NotFound:
            not_found = True
    context = {"form": form, "case": case, "not_found": not_found}
    if case is not None:
        context.update(_public_context(case))
    return render(request, "cases/public/track.html", context, status=404 if not_found else 200)


def _public_context(case: Case) -> dict[str, Any]:
    source = selectors.effective(case)
    return {
        "case": case,
        "source": source,
        "events": selectors.public_events(case),
        "closed": source.status in (Status.CLOSED, Status.RATED),
        "notice": case.category.service_notice or (case.category.parent.service_notice if case.category.parent else ""),
    }


def public_case(request: HttpRequest, tracking_no: str, token: str) -> HttpResponse:
    case = selectors.public_case(tracking_no, token)
    rate_form = forms.PublicRateForm(request.POST or None)
    if request.method == "POST":
        limited = _rate_limited(request, "public_rate")
        if limited is not None:
            return limited
        if rate_form.is_valid():
            try:
                services.case_rate(
                    actor=None,
                    case=case,
                    rating=rate_form.cleaned_data["rating"],
                    comment=rate_form.cleaned_data.get("comment", ""),
                    token=token,
                )
            except LuoshiError as exc:
                rate_form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("Thank you for your rating."))
                return redirect("cases:public_case", tracking_no=case.tracking_no, token=token)
    context = {
        **_public_context(case),
        "rate_form": rate_form,
        "token": token,
        "can_rate": case.status == Status.CLOSED,
    }
    context["photos"] = list(public_photos(context["source"]))
    return render(request, "cases/public/case.html", context)


def public_photo(request: HttpRequest, tracking_no: str, token: str, photo: str) -> HttpResponse:
    """A result photo on the resident's own page (docs/cases.md): no metadata, the token's case only."""
    case = selectors.public_case(tracking_no, token)
    data, content_type = public_picture(selectors.effective(case), photo, small=request.GET.get("size") == "small")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response
