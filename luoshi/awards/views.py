"""Award pages: thin — parse, call a selector or a service, render. Board and 红黑榜 pages are
made to be projected in a meeting (large type) and read on a phone."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from luoshi.accounts.models import User
from luoshi.awards import excel, permissions, selectors, services, workflow
from luoshi.awards.error_codes import AwardErrorCode
from luoshi.awards.models import AwardKind, AwardType, ListStatus, Nomination, PeriodKind, RoundStatus, SubjectKind
from luoshi.awards.workflow import Action
from luoshi.core import downloads
from luoshi.core.errors import LuoshiError, NotFound, ValidationFailed
from luoshi.core.metrics import Period
from luoshi.core.pagination import paginate, querystring_without_page
from luoshi.core.timeutil import today as local_today
from luoshi.org.models import Person, Unit, UnitKind


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


#: Who may be a candidate in a round of units (the award's own kinds unless one is chosen).
KIND_CHOICES: dict[str, list[str]] = {
    "township,subdistrict": [UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT],
    "community,village": [UnitKind.COMMUNITY, UnitKind.VILLAGE],
    "department": [UnitKind.DEPARTMENT],
}
KIND_LABELS = [
    ("township,subdistrict", gettext_lazy("Townships and subdistricts")),
    ("community,village", gettext_lazy("Communities and villages")),
    ("department", gettext_lazy("Departments")),
]

TRANSITIONS = (Action.START_VOTE, Action.DECIDE, Action.REOPEN_VOTE, Action.PUBLISH)


def _period_param(request: HttpRequest, default: str) -> str:
    key = request.GET.get("period", "")[:8]
    try:
        return Period.parse(key).key if key else default
    except ValueError:
        return default


# --- The award board ------------------------------------------------------------------------------


@login_required
def board(request: HttpRequest) -> HttpResponse:
    periods = selectors.published_periods(request.user)
    period = _period_param(request, periods[0] if periods else "")
    cards = selectors.board(request.user, period) if period else []
    champions = [c for c in cards if c.award_type.kind == AwardKind.CHAMPION]
    stars = [c for c in cards if c.award_type.kind != AwardKind.CHAMPION]
    return render(
        request,
        "awards/board.html",
        {
            "period": period,
            "period_label": Period.parse(period).label if period else "",
            "periods": periods,
            "stars": stars,
            "champions": champions,
            "latest_list": selectors.latest_published_list(request.user),
            "may_organise": permissions.may_organise_somewhere(request.user),
        },
    )


@login_required
def board_xlsx(request: HttpRequest) -> HttpResponse:
    periods = selectors.published_periods(request.user)
    period = _period_param(request, periods[0] if periods else "")
    cards = selectors.board(request.user, period) if period else []
    return downloads.download(excel.board_workbook(period, cards), pgettext("file name", "Award winners"), period)


# --- Rounds ----------------------------------------------------------------------------------------


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in RoundStatus.values else ""
    page = paginate(request, selectors.round_list(request.user, status=status))
    units = permissions.organiser_units(request.user)
    return render(
        request,
        "awards/rounds.html",
        {
            "page_obj": page,
            "status": status,
            "statuses": RoundStatus.choices,
            "querystring": querystring_without_page(request),
            "types": list(selectors.award_types()) if units else [],
            "units": units,
            "default_period": Period.containing(local_today(), PeriodKind.QUARTER).previous().key,
            "kinds": KIND_LABELS,
        },
    )


@login_required
@require_POST
def round_create(request: HttpRequest) -> HttpResponse:
    try:
        award_type = selectors.award_types().get(pk=_int(request.POST.get("award_type")) or 0)
        unit = next(u for u in permissions.organiser_units(request.user) if u.pk == _int(request.POST.get("unit")))
    except (StopIteration, AwardType.DoesNotExist):
        messages.error(request, _("Choose an award and one of your units."))
        return redirect("awards:rounds")
    kinds = KIND_CHOICES.get(request.POST.get("kinds", ""), [])
    try:
        rnd = services.round_create(
            actor=request.user,
            award_type=award_type,
            unit=unit,
            period=request.POST.get("period", "")[:8],
            unit_kinds=kinds or None,
        )
    except LuoshiError as exc:
        messages.error(request, str(exc.message))
        return redirect("awards:rounds")
    messages.success(request, _("Round opened."))
    return redirect("awards:round", rnd.pk)


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = selectors.access_round(request.user, pk)
    roles = permissions.round_roles(request.user, rnd)
    allowed = workflow.allowed(workflow.ROUND_ROWS, rnd.status, roles)
    tallies = selectors.round_detail(rnd)
    suggestions, how = selectors.suggest(rnd) if Action.NOMINATE in allowed else ([], "")
    nominated = {(t.nomination.unit_id or t.nomination.person_id) for t in tallies}
    nominees = selectors.nominee_choices(request.user, rnd, exclude=nominated) if Action.NOMINATE in allowed else []
    return render(
        request,
        "awards/round.html",
        {
            "rnd": rnd,
            "allowed": allowed,
            "tallies": tallies,
            "total_votes": sum(t.votes for t in tallies),
            "suggestions": [c for c in suggestions if c.id not in nominated],
            "how": how,
            "nominees": nominees,
            "person_round": rnd.award_type.subject_kind == SubjectKind.PERSON,
            "panel": list(rnd.panel.select_related("user").order_by("id")),
            "my_vote": selectors.my_vote(request.user, rnd),
            "period_label": Period.parse(rnd.period).label,
            "transitions": [(a, workflow.ACTION_LABELS[a]) for a in allowed if a in TRANSITIONS],
        },
    )


def _done(request: HttpRequest, pk: int, call: Any, success: str) -> HttpResponse:
    try:
        call()
    except LuoshiError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, success)
    return redirect("awards:round", pk)


@login_required
@require_POST
def nominate(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = selectors.access_round(request.user, pk)
    nominee = _int(request.POST.get("nominee"))
    person = unit = None
    if rnd.award_type.subject_kind == SubjectKind.PERSON:
        person = Person.objects.filter(pk=nominee or 0).first()
    else:
        unit = Unit.objects.filter(pk=nominee or 0).first()
    if person is None and unit is None:
        messages.error(request, _("Choose whom to nominate."))
        return redirect("awards:round", pk)
    return _done(
        request,
        pk,
        lambda: services.nominate(
            actor=request.user,
            rnd=rnd,
            unit=unit,
            person=person,
            reason=request.POST.get("reason", "")[:4000],
            files=request.FILES.getlist("files"),
            figure=request.POST.get("figure", "")[:200],
        ),
        _("Nomination filed."),
    )


@login_required
@require_POST
def add_member(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = selectors.access_round(request.user, pk)
    username = request.POST.get("username", "").strip()[:150]
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        messages.error(request, _("No active login with that user name."))
        return redirect("awards:round", pk)
    return _done(request, pk, lambda: services.add_member(actor=request.user, rnd=rnd, user=user), _("Added."))


@login_required
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = selectors.access_round(request.user, pk)
    nomination = Nomination.objects.filter(pk=_int(request.POST.get("nomination")) or 0, round=rnd).first()
    if nomination is None:
        messages.error(request, _("Choose a nomination."))
        return redirect("awards:round", pk)
    return _done(
        request, pk, lambda: services.vote(actor=request.user, rnd=rnd, nomination=nomination), _("Vote recorded.")
    )


@login_required
@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = selectors.access_round(request.user, pk)
    winners = [w for w in (_int(v) for v in request.POST.getlist("winners")[:50]) if w]
    return _done(
        request,
        pk,
        lambda: services.transition(
            actor=request.user,
            rnd=rnd,
            action=request.POST.get("action", "")[:20],
            version=_int(request.POST.get("version")),
            winners=winners,
        ),
        _("Done."),
    )


@login_required
@require_POST
def cite(request: HttpRequest, pk: int, nomination_id: int) -> HttpResponse:
    rnd = selectors.access_round(request.user, pk)
    nomination = Nomination.objects.filter(pk=nomination_id, round=rnd).first()
    if nomination is None:
        raise NotFound()
    return _done(
        request,
        pk,
        lambda: services.cite(
            actor=request.user, nomination=nomination, citation=request.POST.get("citation", "")[:4000]
        ),
        _("Citation saved."),
    )


@login_required
def round_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = selectors.access_round(request.user, pk)
    content = excel.round_workbook(rnd, selectors.round_detail(rnd))
    return downloads.download(content, pgettext("file name", "Award round"), rnd.award_type.name, rnd.period)


@login_required
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    item = selectors.access_evidence(request.user, pk)
    response = FileResponse(item.file.open("rb"), content_type=item.content_type, as_attachment=True)
    extension = item.original_name.rsplit(".", 1)[-1][:8]
    name = downloads.file_name(pgettext("file name", "Evidence"), item.pk, extension=extension)
    response["Content-Disposition"] = downloads.content_disposition(name)
    return response


# --- 红黑榜 -------------------------------------------------------------------------------------------


@login_required
def lists(request: HttpRequest) -> HttpResponse:
    latest = selectors.latest_published_list(request.user)
    if latest is not None and not request.GET.get("all"):
        return redirect("awards:list", latest.pk)
    return list_index(request)


@login_required
def list_index(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.list_issues(request.user))
    units = permissions.organiser_units(request.user)
    return render(
        request,
        "awards/lists.html",
        {
            "page_obj": page,
            "units": units,
            "querystring": querystring_without_page(request),
            "default_period": Period.containing(local_today(), PeriodKind.MONTH).previous().key,
        },
    )


@login_required
@require_POST
def list_build(request: HttpRequest) -> HttpResponse:
    unit = next((u for u in permissions.organiser_units(request.user) if u.pk == _int(request.POST.get("unit"))), None)
    if unit is None:
        messages.error(request, _("Choose one of your units."))
        return redirect("awards:list_index")
    try:
        issue = services.list_build(actor=request.user, unit=unit, period=request.POST.get("period", "")[:8])
    except LuoshiError as exc:
        messages.error(request, str(exc.message))
        return redirect("awards:list_index")
    messages.success(request, _("Lists computed from the rules. Check them, then publish."))
    return redirect("awards:list", issue.pk)


@login_required
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    issue = selectors.access_list(request.user, pk)
    roles = permissions.list_roles(request.user, issue)
    allowed = workflow.allowed(workflow.LIST_ROWS, issue.status, roles)
    if issue.status != ListStatus.PUBLISHED and not allowed:
        raise NotFound()
    return render(
        request,
        "awards/list.html",
        {
            "issue": issue,
            "entries": selectors.list_entries(issue),
            "allowed": allowed,
            "period_label": Period.parse(issue.period).label,
        },
    )


@login_required
@require_POST
def list_action(request: HttpRequest, pk: int) -> HttpResponse:
    issue = selectors.access_list(request.user, pk)
    action = request.POST.get("action", "")
    try:
        if action == Action.BUILD:
            services.list_build(actor=request.user, unit=issue.unit, period=issue.period)
        elif action == Action.PUBLISH:
            services.list_publish(actor=request.user, issue=issue, version=_int(request.POST.get("version")))
        else:
            raise ValidationFailed(_("Unknown action."), code=AwardErrorCode.UNKNOWN_ACTION)
    except LuoshiError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Done."))
    return redirect("awards:list", pk)


@login_required
def list_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    issue = selectors.access_list(request.user, pk)
    if issue.status != ListStatus.PUBLISHED and not permissions.list_roles(request.user, issue):
        raise NotFound()
    content = excel.list_workbook(issue, selectors.list_entries(issue))
    return downloads.download(content, pgettext("file name", "Red and black list"), issue.unit.name, issue.period)


@login_required
def types(request: HttpRequest) -> HttpResponse:
    award_types = list(selectors.award_types(active_only=False))
    for t in award_types:  # the metric and its parameter in words (案件环节按时率 · 处置), not their keys
        t.metric_words = selectors.metric_words(t.metric, t.metric_param)  # type: ignore[attr-defined]
    return render(request, "awards/types.html", {"types": award_types})
