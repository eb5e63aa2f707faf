"""Reading cases along the workflow: inboxes, lists, rows, the detail view, and the public views."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.accounts.types import Actor
from luoshi.cases import privacy, refusals, sla, standards, workflow
from luoshi.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseCoUnit,
    CaseEvent,
    ExtensionRequest,
    ExtensionStatus,
    Status,
    SupervisionCard,
)
from luoshi.cases.permissions import actor_roles
from luoshi.cases.selectors.intake import similar_open_cases
from luoshi.cases.selectors.visibility import (
    INBOX_HANDLER_ROLES,
    LIST_RELATED,
    LinkedCase,
    _co_unit_case_ids,
    _units,
    access_case,
    cases_visible_to,
    linked_cases,
)
from luoshi.cases.workflow import Action, Where
from luoshi.core import workdays
from luoshi.core.errors import NotFound
from luoshi.core.masking import mask_names
from luoshi.org.models import Unit
from luoshi.org.scope import scope_for

# --- Inboxes and lists ------------------------------------------------------------------------

BOXES = ("accept", "dispatch", "handle", "verify", "overdue", "visits", "mine", "all")


def box_filter(user: Actor, box: str, now: dt.datetime | None = None) -> Q:
    scope = scope_for(user)
    now = now or timezone.now()
    if box == "mine":
        return Q(reported_by=user)
    if box == "overdue":
        return Q(due_at__lt=now)  # only open cases have a due time
    if box == "all":
        return Q()
    command = Q() if scope.is_all else Q(owner_unit__in=_units(scope, workflow.COMMAND, owners=True))
    if box == "accept":
        return command & Q(status=Status.REPORTED)
    if box == "dispatch":
        return command & Q(status=Status.ACCEPTED)
    if box == "visits":
        return command & Q(needs_return_visit=True)
    if box == "handle":
        if scope.is_all:
            return Q(status__in=[Status.DISPATCHED, Status.HANDLING])
        handler_units = _units(scope, INBOX_HANDLER_ROLES)
        in_hands = [Status.DISPATCHED, Status.HANDLING]
        co_cases = _co_unit_case_ids(scope, INBOX_HANDLER_ROLES)
        if co_cases is not None:
            return Q(status__in=in_hands) & (Q(handling_unit__in=handler_units) | Q(pk__in=co_cases))
        ids = (
            Case.objects.filter(handling_unit__in=handler_units, status__in=in_hands)
            .order_by()
            .values("pk")
            .union(CaseCoUnit.objects.filter(unit__in=_units(scope, INBOX_HANDLER_ROLES)).order_by().values("case_id"))
        )
        return Q(status__in=in_hands, pk__in=ids)
    if box == "verify":
        if scope.is_all:
            return Q(status=Status.HANDLED)
        field = Q(unit__in=_units(scope, workflow.FIELD_CHECKERS))
        return Q(status=Status.HANDLED) & (command | field) & ~Q(replied_by=user)
    raise NotFound()


@dataclass
class CaseFilters:
    box: str = "all"
    q: str = ""
    status: str = ""
    category: int | None = None
    kind: str = ""
    channel: str = ""
    unit: Unit | None = None
    light: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    urgent: bool = False


def case_list(user: Actor, filters: CaseFilters | None = None) -> QuerySet[Case]:
    """A scoped, filtered list with everything a row shows in one query."""
    f = filters or CaseFilters()
    now = timezone.now()
    qs = box_queryset(user, f.box, now)
    if f.q:
        term = f.q.strip()
        qs = qs.filter(Q(tracking_no__iexact=term) | Q(title__icontains=term) | Q(address__icontains=term))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.category:
        qs = qs.filter(Q(category_id=f.category) | Q(category__parent_id=f.category))
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.unit is not None:
        units = Unit.objects.filter(path__startswith=f.unit.path).values("pk")
        qs = qs.filter(Q(unit__in=units) | Q(handling_unit__in=units))
    # Only open cases have a due time (a database constraint), so no status test is needed.
    if f.light == sla.RED:
        qs = qs.filter(due_at__lte=now)
    elif f.light == sla.YELLOW:
        qs = qs.filter(warn_at__lte=now, due_at__gt=now)
    elif f.light == sla.GREEN:
        qs = qs.filter(warn_at__gt=now, due_at__isnull=False)
    if f.date_from:
        qs = qs.filter(reported_at__gte=sla.start_of_day(f.date_from))
    if f.date_to:
        qs = qs.filter(reported_at__lt=sla.start_of_day(f.date_to + dt.timedelta(days=1)))
    if f.urgent:
        qs = qs.filter(urgent=True)
    return qs.select_related(*LIST_RELATED).order_by(*list_order(f.box))


#: Work boxes list the most urgent first; everything else the newest first.
DUE_ORDER_BOXES = frozenset({"accept", "dispatch", "handle", "verify", "overdue"})


def list_order(box: str) -> tuple[str, str]:
    return ("due_at", "id") if box in DUE_ORDER_BOXES else ("-reported_at", "-id")


def seek(qs: QuerySet[Case], box: str, pk: int, *, forward: bool = True) -> QuerySet[Case] | None:
    """Keyset ("seek") paging: the rows of ``qs`` after (or, ``forward=False``, before) case
    ``pk`` in the list order of ``box``, in the direction of travel. A deep page then costs
    what the first page costs, instead of reading and skipping every row before it.

    None when ``pk`` does not exist or has no sort key (the caller falls back to offsets).
    """
    key_field = "due_at" if box in DUE_ORDER_BOXES else "reported_at"
    value = Case.objects.filter(pk=pk).values_list(key_field, flat=True).first()
    if value is None:
        return None
    ascending = (key_field == "due_at") == forward
    if ascending:
        rest = qs.filter(**{f"{key_field}__gte": value}).exclude(**{key_field: value, "id__lte": pk})
        return rest.order_by(key_field, "id")
    rest = qs.filter(**{f"{key_field}__lte": value}).exclude(**{key_field: value, "id__gte": pk})
    return rest.order_by(f"-{key_field}", "-id")


#: Boxes whose filter already implies that the case is visible (no scope test needed).
SELF_SCOPED = frozenset({"accept", "dispatch", "handle", "verify", "visits", "mine"})


def box_queryset(user: Actor, box: str, now: dt.datetime | None = None) -> QuerySet[Case]:
    """The cases of one box; work boxes skip the (redundant) visibility test so each count
    and list runs on its own index."""
    if scope_for(user).is_empty:
        return Case.objects.none()
    condition = box_filter(user, box, now)
    base = Case.objects.all() if box in SELF_SCOPED else cases_visible_to(user, condition)
    return base.filter(condition)


#: Box counts stop at this number ("1000+"): a count past it tells nobody anything more and
#: would cost a scan of every waiting case for a district-wide viewer.
COUNT_CAP = 1000


def inbox_counts(user: Actor) -> dict[str, int]:
    """How many cases wait in each working box (at most ``COUNT_CAP``): one bounded COUNT per box."""
    now = timezone.now()
    return {box: box_queryset(user, box, now).order_by()[:COUNT_CAP].count() for box in BOXES[:6]}


STATUS_LABELS = dict(Status.choices)


@functools.cache
def _detail_prefix() -> str:
    from django.urls import reverse

    return reverse("cases:detail", args=[1])[:-2]


LIGHT_LABELS = {
    sla.GREEN: gettext_lazy("green light"),
    sla.YELLOW: gettext_lazy("yellow light"),
    sla.RED: gettext_lazy("red light"),
}


@dataclass
class Row:
    """A case as a list row shows it: light and "剩 N 天 / 超 N 天" computed without queries."""

    case: Case
    light: str
    remaining: sla.Remaining | None

    @property
    def url(self) -> str:
        return f"{_detail_prefix()}{self.case.pk}/"

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.case.status, self.case.status))

    @property
    def light_label(self) -> str:
        return str(LIGHT_LABELS.get(self.light, ""))

    @property
    def remaining_label(self) -> str:
        if self.remaining is None:
            return ""
        if self.remaining.overdue:
            return _("%(n)s days over") % {"n": self.remaining.days}
        return _("%(n)s days left") % {"n": self.remaining.days}


def rows(cases: Iterable[Case], now: dt.datetime | None = None) -> list[Row]:
    now = now or timezone.now()
    cal = workdays.calendar()
    out = []
    for case in cases:
        if case.status in OPEN_STATUSES and case.due_at is not None:
            out.append(Row(case, sla.light(now, case.warn_at, case.due_at), sla.remaining(now, case.due_at, cal)))
        else:
            out.append(Row(case, "", None))
    return out


# --- Detail -----------------------------------------------------------------------------------


@dataclass
class CaseView:
    case: Case
    roles: dict[Where, frozenset[str]]
    contact: privacy.Contact
    actions: list[Action]
    light: str
    remaining: sla.Remaining | None
    co_units: list[CaseCoUnit]
    events: list[CaseEvent]
    extensions: list[ExtensionRequest]
    pending_extension: ExtensionRequest | None
    cards: list[SupervisionCard]
    attachments: list[Any]
    mediations: list[Any]
    return_visits: list[Any]
    duplicates: list[LinkedCase]
    original: LinkedCase | None = None
    similar: list[Case] = field(default_factory=list)
    suggested_handler: Unit | None = None

    @property
    def due_day(self) -> dt.date | None:
        """The last day to act on the open stage (it is due by the end of that day)."""
        return sla.due_day(self.case.due_at) if self.case.due_at is not None else None


def case_view(user: Actor, pk: int | str) -> CaseView:
    case = access_case(user, pk)
    co_units = list(CaseCoUnit.objects.filter(case=case).select_related("unit").order_by("added_at"))
    roles = actor_roles(user, case, [link.unit for link in co_units])
    extensions = list(case.extensions.select_related("requested_by", "decided_by"))
    pending = next((e for e in extensions if e.status == ExtensionStatus.PENDING), None)
    actions = refusals.allowed(user, case, roles, pending_extension=pending is not None)
    now = timezone.now()
    is_open = case.status in OPEN_STATUSES and case.due_at is not None
    similar: list[Case] = []
    suggested = None
    if Action.MERGE in actions:
        similar = similar_open_cases(
            cases_visible_to(user),
            category=case.category,
            lat=case.lat,
            lng=case.lng,
            unit=case.unit,
            exclude=case.pk,
            before=case.reported_at,
        )
    if Action.DISPATCH in actions:
        suggested = standards.default_handler(case.category, standards.lineage(case.unit))
    contact = privacy.reporter_contact(user, case, roles)
    mediations = list(case.mediations.select_related("recorded_by"))
    for session in mediations:  # the parties are residents: masked by the same rule as the reporter
        session.parties_shown = mask_names(session.parties) if contact.is_masked else session.parties  # type: ignore[attr-defined]
    duplicates = linked_cases(user, case.duplicates.only("pk", "tracking_no", "title", "status", "reported_at"))
    original = None
    if case.duplicate_of_id is not None and case.duplicate_of is not None:
        original = linked_cases(user, [case.duplicate_of])[0]
    return CaseView(
        case=case,
        roles=roles,
        contact=contact,
        actions=actions,
        light=sla.light(now, case.warn_at, case.due_at) if is_open else "",
        remaining=sla.remaining(now, case.due_at, workdays.calendar()) if is_open and case.due_at else None,
        co_units=co_units,
        events=list(case.events.select_related("actor").prefetch_related("attachments")),
        extensions=extensions,
        pending_extension=pending,
        cards=list(case.cards.select_related("unit", "issued_by")),
        attachments=list(case.attachments.filter(event__isnull=True)),  # the report's; steps' show on the timeline
        mediations=mediations,
        return_visits=list(case.return_visits.select_related("visited_by")),
        duplicates=duplicates,
        original=original,
        similar=similar,
        suggested_handler=suggested,
    )


def dispatch_units(user: Actor, case: Case) -> QuerySet[Unit]:
    """Units the case may be dispatched to: active units under the command unit, in the user's scope."""
    scope = scope_for(user)
    return (
        Unit.objects.filter(scope.unit_q(), path__startswith=case.owner_unit.path, is_active=True)
        .exclude(pk=case.owner_unit_id)
        .order_by("path")
        .only("pk", "name", "kind", "depth", "path")
    )


# --- Public views ---------------------------------------------------------------------------------


def public_case(tracking_no: str, token: str | None = None) -> Case:
    """A case of a public category by tracking number, for the resident's tracking page."""
    try:
        case = Case.objects.select_related(
            "category", "handling_unit", "duplicate_of", "duplicate_of__handling_unit"
        ).get(tracking_no=tracking_no.strip().upper(), category__is_public=True)
    except Case.DoesNotExist:
        raise NotFound() from None
    if token is not None and token != case.public_token:
        raise NotFound()
    return case


def effective(case: Case) -> Case:
    """The case whose status counts: the original for a merged duplicate."""
    return case.duplicate_of if case.status == Status.MERGED and case.duplicate_of is not None else case


def public_events(case: Case) -> list[CaseEvent]:
    source = effective(case)
    ids = [case.pk] if source.pk == case.pk else [case.pk, source.pk]
    return list(CaseEvent.objects.filter(case_id__in=ids, is_public=True).order_by("created_at", "id"))
