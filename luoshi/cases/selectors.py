"""Reads for cases, always starting from what the user may see.

A case is visible to a user whose scope covers the place where it happened, its
command unit, its handling unit or one of its co-units. Everything else is
"not found" (404), never "forbidden", so existence is not revealed.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models import Case as Case_
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.cases import privacy, sla, standards, workflow
from luoshi.cases.models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    Case,
    CaseCoUnit,
    CaseEvent,
    Category,
    DailyKind,
    DailyReport,
    ExtensionRequest,
    ExtensionStatus,
    KeyPerson,
    KeyPersonVisit,
    Rating,
    Status,
    SupervisionCard,
)
from luoshi.cases.services import actor_roles, similar_window
from luoshi.cases.workflow import Action, Where
from luoshi.core import workdays
from luoshi.core.errors import NotFound
from luoshi.org.models import Person, Role, RoleGrant, Unit
from luoshi.org.scope import Scope, scope_for

LIST_RELATED = ("category", "unit", "handling_unit", "owner_unit", "duplicate_of")
INBOX_HANDLER_ROLES: frozenset[str] = frozenset({Role.UNIT_STAFF, Role.COMMUNITY_STAFF, Role.GRID_WORKER})


TOWNSHIP_LEVEL = frozenset({"township", "subdistrict", "district"})


def _memo(scope: Scope) -> dict[Any, Any]:
    """Per-request memory on the scope object (``scope_for`` caches one per user object)."""
    memo = scope.__dict__.get("_case_memo")
    if memo is None:
        memo = {}
        object.__setattr__(scope, "_case_memo", memo)
    return memo


def _units(scope: Scope, roles: frozenset[str] | None = None, *, owners: bool = False) -> list[int]:
    """Ids of the units in ``scope`` (optionally: where ``roles`` are held; only township-level
    units, which can command cases). Resolved first so the database sees plain values and can
    walk an index in order; remembered for the rest of the request."""
    memo = _memo(scope)
    key = ("units", roles, owners)
    if key not in memo:
        qs = Unit.objects.filter(scope.unit_q(roles=roles))
        if owners:
            qs = qs.filter(kind__in=list(TOWNSHIP_LEVEL))
        memo[key] = list(qs.values_list("pk", flat=True))
    return memo[key]


def _township_ids(scope: Scope) -> list[int] | None:
    """When every grant sits at a township, subdistrict or district, the township-level units
    of the scope (cases are then found through their indexed ``township`` column); else None."""
    memo = _memo(scope)
    if "townships" not in memo:
        memo["townships"] = _find_township_ids(scope)
    return memo["townships"]


def _find_township_ids(scope: Scope) -> list[int] | None:
    roots = scope.root_paths()
    if not roots:
        return None
    root_ids = [int(path.strip("/").split("/")[-1]) for path in roots]
    kinds = dict(Unit.objects.filter(pk__in=root_ids).values_list("pk", "kind"))
    if not root_ids or any(kinds.get(pk) not in TOWNSHIP_LEVEL for pk in root_ids):
        return None
    return list(Unit.objects.filter(scope.unit_q(), kind__in=list(TOWNSHIP_LEVEL)).values_list("pk", flat=True))


def _visible_q(scope: Scope, narrow: Q | None = None) -> Q:
    """Cases at, commanded by, handled by or co-handled by a unit in the scope.

    Users granted at township level or above see the cases of their townships: one indexed
    ``township IN (…)`` that also keeps the newest-first order index-driven. Everyone else
    (departments, communities, grids: a few units) gets the four-way test as an OR of index
    conditions on plain ids; only when their units co-handle more than ``CO_UNIT_IDS_CAP``
    cases does it fall back to a UNION of index lookups with ``narrow`` (e.g. a box's filter)
    applied inside each part.
    """
    townships = _township_ids(scope)
    if townships is not None:
        return Q(township_id__in=townships)
    units = _units(scope)
    co_cases = _co_unit_case_ids(scope, None)
    if co_cases is not None:
        return Q(unit__in=units) | Q(owner_unit__in=units) | Q(handling_unit__in=units) | Q(pk__in=co_cases)
    return Q(pk__in=_visible_ids(scope, narrow or Q()))


#: Up to this many co-handled cases are resolved into plain ids (see ``_co_unit_case_ids``).
CO_UNIT_IDS_CAP = 1000


def _co_unit_case_ids(scope: Scope, roles: frozenset[str] | None) -> list[int] | None:
    """Ids of the cases co-handled (加派) by the scope's units, when there are at most
    ``CO_UNIT_IDS_CAP`` of them (else None). As plain values, the database can combine them
    with the other index conditions (a bitmap OR on PostgreSQL, a multi-index OR on SQLite)
    and read the rows once, already in list order, instead of collecting every visible id in
    a UNION and looking each row up again to sort it. Remembered for the rest of the request."""
    memo = _memo(scope)
    key = ("co_cases", roles)
    if key not in memo:
        ids = list(
            CaseCoUnit.objects.filter(unit__in=_units(scope, roles))
            .order_by()
            .values_list("case_id", flat=True)[: CO_UNIT_IDS_CAP + 1]
        )
        memo[key] = ids if len(ids) <= CO_UNIT_IDS_CAP else None
    return memo[key]


def _visible_ids(scope: Scope, narrow: Q) -> QuerySet[Any]:
    units = _units(scope)
    parts = [
        Case.objects.filter(narrow, unit__in=units),
        Case.objects.filter(narrow, owner_unit__in=units),
        Case.objects.filter(narrow, handling_unit__in=units),
        Case.objects.filter(narrow, pk__in=CaseCoUnit.objects.filter(unit__in=units).values("case_id")),
    ]
    ids = parts[0].order_by().values("pk")
    for part in parts[1:]:
        ids = ids.union(part.order_by().values("pk"))
    return ids


def _full_visible_q(scope: Scope) -> Q:
    """The complete test, for opening one case (a cheap primary-key lookup)."""
    units = _units(scope)
    co_cases = CaseCoUnit.objects.filter(unit__in=_units(scope)).values("case_id")
    return Q(unit__in=units) | Q(owner_unit__in=units) | Q(handling_unit__in=units) | Q(pk__in=co_cases)


def cases_visible_to(user: Any, narrow: Q | None = None) -> QuerySet[Case]:
    """The base of every case list (``narrow``: a filter the caller will apply anyway)."""
    scope = scope_for(user)
    if scope.is_all:
        return Case.objects.all()
    if scope.is_empty:
        return Case.objects.none()
    return Case.objects.filter(_visible_q(scope, narrow))


def case_openable_by(user: Any) -> QuerySet[Case]:
    """Cases ``user`` may open: also one dispatched into their units from another township."""
    scope = scope_for(user)
    if scope.is_all:
        return Case.objects.all()
    if scope.is_empty:
        return Case.objects.none()
    return Case.objects.filter(_full_visible_q(scope))


def access_case(user: Any, pk: int | str) -> Case:
    """The case ``pk`` (or tracking number) if visible; :class:`NotFound` otherwise."""
    qs = case_openable_by(user).select_related(*LIST_RELATED, "township", "category__parent", "reported_by")
    try:
        if isinstance(pk, str) and not pk.isdigit():
            return qs.get(tracking_no=pk)
        return qs.get(pk=int(pk))
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# --- Inboxes and lists ------------------------------------------------------------------------

BOXES = ("accept", "dispatch", "handle", "verify", "overdue", "visits", "mine", "all")


def box_filter(user: Any, box: str, now: dt.datetime | None = None) -> Q:
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


def case_list(user: Any, filters: CaseFilters | None = None) -> QuerySet[Case]:
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


def box_queryset(user: Any, box: str, now: dt.datetime | None = None) -> QuerySet[Case]:
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


def inbox_counts(user: Any) -> dict[str, int]:
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
    duplicates: list[Case]
    similar: list[Case] = field(default_factory=list)
    suggested_handler: Unit | None = None

    @property
    def due_day(self) -> dt.date | None:
        """The last day to act on the open stage (it is due by the end of that day)."""
        return sla.due_day(self.case.due_at) if self.case.due_at is not None else None


def case_view(user: Any, pk: int | str) -> CaseView:
    case = access_case(user, pk)
    co_units = list(CaseCoUnit.objects.filter(case=case).select_related("unit").order_by("added_at"))
    roles = actor_roles(user, case, [link.unit for link in co_units])
    actions = workflow.allowed_actions(case.status, roles)
    now = timezone.now()
    is_open = case.status in OPEN_STATUSES and case.due_at is not None
    extensions = list(case.extensions.select_related("requested_by", "decided_by"))
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
    return CaseView(
        case=case,
        roles=roles,
        contact=privacy.reporter_contact(user, case, roles),
        actions=actions,
        light=sla.light(now, case.warn_at, case.due_at) if is_open else "",
        remaining=sla.remaining(now, case.due_at, workdays.calendar()) if is_open and case.due_at else None,
        co_units=co_units,
        events=list(case.events.select_related("actor")),
        extensions=extensions,
        pending_extension=next((e for e in extensions if e.status == ExtensionStatus.PENDING), None),
        cards=list(case.cards.select_related("unit", "issued_by")),
        attachments=list(case.attachments.all()),
        mediations=list(case.mediations.select_related("recorded_by")),
        return_visits=list(case.return_visits.select_related("visited_by")),
        duplicates=list(case.duplicates.only("pk", "tracking_no", "title", "reported_at")),
        similar=similar,
        suggested_handler=suggested,
    )


def dispatch_units(user: Any, case: Case) -> QuerySet[Unit]:
    """Units the case may be dispatched to: active units under the command unit, in the user's scope."""
    scope = scope_for(user)
    return (
        Unit.objects.filter(scope.unit_q(), path__startswith=case.owner_unit.path, is_active=True)
        .exclude(pk=case.owner_unit_id)
        .order_by("path")
        .only("pk", "name", "kind", "depth", "path")
    )


# --- Duplicates ---------------------------------------------------------------------------------


def _meters(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    r = 6371000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


def similar_open_cases(
    base: QuerySet[Case],
    *,
    category: Category,
    lat: float | None,
    lng: float | None,
    unit: Unit | None,
    exclude: int | None = None,
    before: dt.datetime | None = None,
    limit: int = 8,
) -> list[Case]:
    """Open cases of the same category near the same place within the configured window.

    With coordinates: within ``LUOSHI_CASE_DUPLICATE_METERS`` (bounding box in SQL,
    exact distance in Python on the few candidates). Without: in the same unit.
    """
    meters, days = similar_window()
    end = before or timezone.now()
    qs = base.filter(
        category=category,
        status__in=list(OPEN_STATUSES),
        reported_at__gte=end - dt.timedelta(days=days),
        reported_at__lte=end + dt.timedelta(seconds=1),
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    qs = qs.select_related("unit", "handling_unit").order_by("-reported_at")
    if lat is not None and lng is not None:
        dlat = meters / 111_320.0
        dlng = meters / (111_320.0 * max(0.01, math.cos(math.radians(lat))))
        candidates = qs.filter(lat__range=(lat - dlat, lat + dlat), lng__range=(lng - dlng, lng + dlng))[: limit * 4]
        found = []
        for case in candidates:
            if case.lat is None or case.lng is None:
                continue
            distance = _meters(lat, lng, case.lat, case.lng)
            if distance <= meters:
                case.distance = round(distance)  # type: ignore[attr-defined]
                found.append(case)
        return found[:limit]
    if unit is None:
        return []
    return list(qs.filter(unit=unit)[:limit])


# --- Public views ---------------------------------------------------------------------------------


def public_case(tracking_no: str, token: str | None = None) -> Case:
    """A case of a public category by tracking number, for the resident's tracking page."""
    try:
        case = Case.objects.select_related(
            "category", "handling_unit", "duplicate_of", "duplicate_of__handling_unit"
        ).get(tracking_no=tracking_no.strip().upper(), category__is_public=True)
    except Case.DoesNotExist:
        raise NotFound(code="case_not_found") from None
    if token is not None and token != case.public_token:
        raise NotFound(code="case_not_found")
    return case


def effective(case: Case) -> Case:
    """The case whose status counts: the original for a merged duplicate."""
    return case.duplicate_of if case.status == Status.MERGED and case.duplicate_of is not None else case


def public_events(case: Case) -> list[CaseEvent]:
    source = effective(case)
    ids = [case.pk] if source.pk == case.pk else [case.pk, source.pk]
    return list(CaseEvent.objects.filter(case_id__in=ids, is_public=True).order_by("created_at", "id"))


# --- Statistics (SQL aggregates only) -----------------------------------------------------------

GROUPS = {
    "handling_unit": ("handling_unit_id", "handling_unit__name"),
    "township": ("township_id", "township__name"),
    "category": ("category__parent_id", "category__parent__name"),
    "subcategory": ("category_id", "category__name"),
}


@dataclass
class StatRow:
    key: int | None
    name: str
    total: int
    open: int
    closed: int
    on_time: int
    overdue_open: int
    avg_days: float | None
    rated: int
    satisfied: int
    basic: int
    unsatisfied: int

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.closed if self.closed else None

    @property
    def satisfaction_rate(self) -> float | None:
        return (self.satisfied + self.basic) / self.rated if self.rated else None


def case_stats(
    user: Any,
    *,
    start: dt.date,
    end: dt.date,
    group: str = "handling_unit",
    township: Unit | None = None,
    category: Category | None = None,
) -> list[StatRow]:
    """Volume, on-time rate, average time to close and satisfaction per group, in one query."""
    key, name = GROUPS.get(group, GROUPS["handling_unit"])
    now = timezone.now()
    qs = cases_visible_to(user).filter(
        reported_at__gte=sla.start_of_day(start), reported_at__lt=sla.start_of_day(end + dt.timedelta(days=1))
    )
    if township is not None:
        qs = qs.filter(township=township)
    if category is not None:
        qs = qs.filter(Q(category=category) | Q(category__parent=category))
    qs = qs.exclude(status=Status.MERGED)
    done = list(DONE_STATUSES)
    data = (
        qs.values(key, name)
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status__in=list(OPEN_STATUSES))),
            closed=Count("pk", filter=Q(status__in=done)),
            on_time=Count("pk", filter=Q(status__in=done, was_overdue=False)),
            overdue_open=Count("pk", filter=Q(status__in=list(OPEN_STATUSES), due_at__lt=now)),
            avg_seconds=Avg("handle_seconds"),
            rated=Count("pk", filter=~Q(rating="")),
            satisfied=Count("pk", filter=Q(rating=Rating.SATISFIED)),
            basic=Count("pk", filter=Q(rating=Rating.BASIC)),
            unsatisfied=Count("pk", filter=Q(rating=Rating.UNSATISFIED)),
        )
        .order_by("-total")
    )
    out = []
    for d in data:
        avg = d["avg_seconds"]
        out.append(
            StatRow(
                key=d[key],
                name=d[name] or (_("Not dispatched yet") if key == "handling_unit_id" else "—"),
                total=d["total"],
                open=d["open"],
                closed=d["closed"],
                on_time=d["on_time"],
                overdue_open=d["overdue_open"],
                avg_days=round(avg / 86400, 1) if avg is not None else None,
                rated=d["rated"],
                satisfied=d["satisfied"],
                basic=d["basic"],
                unsatisfied=d["unsatisfied"],
            )
        )
    return out


def card_points_by_unit(
    user: Any, *, start: dt.date, end: dt.date, township: Unit | None = None
) -> list[dict[str, Any]]:
    """Supervision cards and their points per unit, for assessment."""
    scope = scope_for(user)
    qs = SupervisionCard.objects.filter(
        issued_at__gte=sla.start_of_day(start), issued_at__lt=sla.start_of_day(end + dt.timedelta(days=1))
    )
    if not scope.is_all:
        qs = qs.filter(unit__in=_units(scope))
    if township is not None:
        qs = qs.filter(case__township=township)
    return list(
        qs.values("unit_id", unit_name=F("unit__name"))
        .annotate(
            cards=Count("pk"),
            yellow=Count("pk", filter=Q(level="yellow")),
            red=Count("pk", filter=Q(level="red")),
            points=Sum("points"),
        )
        .order_by("points", "unit_name")
    )


def categories_for_intake(*, public: bool = False) -> list[Category]:
    """Active major categories with their active sub-categories (for forms); cached a minute."""
    return standards._cached(("intake", public), lambda: _categories_for_intake(public))


def _categories_for_intake(public: bool) -> list[Category]:
    subs = Category.objects.filter(is_active=True).order_by("sort_order", "code")
    majors = Category.objects.filter(parent__isnull=True, is_active=True)
    if public:
        subs = subs.filter(is_public=True)
        majors = majors.filter(is_public=True)
    result = list(majors.prefetch_related(Prefetch("children", queryset=subs, to_attr="active_children")))
    return [m for m in result if getattr(m, "active_children", None)]


# --- Grid map -------------------------------------------------------------------------------------


def grid_at(lat: float, lng: float) -> Unit | None:
    """The active grid whose boundary contains the point (bounding boxes in SQL, polygons in Python)."""
    from luoshi.cases import geo
    from luoshi.cases.models import GridBoundary

    candidates = GridBoundary.objects.filter(
        min_lat__lte=lat, max_lat__gte=lat, min_lng__lte=lng, max_lng__gte=lng, unit__is_active=True
    ).select_related("unit")
    for boundary in candidates:
        if geo.contains(boundary.geometry, lat, lng):
            return boundary.unit
    return None


# --- Key persons ------------------------------------------------------------------------------------


def key_persons_visible_to(user: Any) -> QuerySet[KeyPerson]:
    """Restricted: permitted roles at the person's unit, or the person's own responsible cadre."""
    from luoshi.cases.permissions import KEYPERSON_ROLES

    scope = scope_for(user)
    if scope.is_all:
        return KeyPerson.objects.all()
    if not getattr(user, "is_authenticated", False):
        return KeyPerson.objects.none()
    own = Q(cadre__user=user)
    if scope.is_empty:
        return KeyPerson.objects.filter(own)
    return KeyPerson.objects.filter(Q(unit__in=_units(scope, KEYPERSON_ROLES)) | own)


def may_open_registry(user: Any) -> bool:
    from luoshi.cases.permissions import KEYPERSON_ROLES

    scope = scope_for(user)
    return scope.is_all or bool(scope.roles & KEYPERSON_ROLES) or key_persons_visible_to(user).exists()


def key_person_list(
    user: Any, *, q: str = "", risk: str = "", classification: str = "", active: bool = True
) -> QuerySet[KeyPerson]:
    qs = key_persons_visible_to(user).filter(is_active=active)
    if q:
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(address__icontains=q.strip()))
    if risk:
        qs = qs.filter(risk_level=risk)
    if classification:
        qs = qs.filter(classification=classification)
    last_visit = (
        KeyPersonVisit.objects.filter(key_person=OuterRef("pk")).order_by("-visited_on").values("visited_on")[:1]
    )
    return (
        qs.select_related("unit", "cadre")
        .annotate(last_visit=Subquery(last_visit), case_count=Count("cases", distinct=True))
        .order_by(
            Case_(When(risk_level="high", then=Value(0)), When(risk_level="medium", then=Value(1)), default=Value(2)),
            "name",
            "id",
        )
    )


def access_key_person(user: Any, pk: int | str) -> KeyPerson:
    """Not found unless the user may open this record (callers log the view: services.keyperson_open)."""
    try:
        return key_persons_visible_to(user).select_related("unit", "cadre", "cadre__user").get(pk=int(pk))
    except (KeyPerson.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# --- Daily reports ----------------------------------------------------------------------------------


@dataclass
class BoardRow:
    key: str
    label: str
    unit: Unit | None
    filed_today: bool
    filed_days: int
    expected_days: int
    last_summary: str = ""
    expected_today: bool = True  # False on a day off: nobody is late then

    @property
    def missing(self) -> bool:
        return self.expected_today and not self.filed_today

    @property
    def rate(self) -> float:
        return self.filed_days / self.expected_days if self.expected_days else 1.0


def _expected_units(kind: str, base: QuerySet[Unit]) -> QuerySet[Unit]:
    kinds = standards.PLACE_KINDS if kind == DailyKind.SCREENING else standards.TOWNSHIP_KINDS
    return base.filter(kind__in=list(kinds), is_active=True).order_by("path")


_LINE_FIELDS = ("unit_id", "person_id", "summary", "nothing_to_report", "issues_found")


def _daily_line(report: DailyReport) -> str:
    """What a filed report says, in one line: issues found, then the summary (or "nothing unusual")."""
    parts = []
    if report.issues_found:
        parts.append(_("%(n)s issues found") % {"n": report.issues_found})
    if report.summary:
        parts.append(report.summary)
    elif report.nothing_to_report:
        parts.append(_("nothing unusual"))
    return "；".join(parts)


def daily_board(user: Any, *, kind: str, day: dt.date, days: int = 7) -> list[BoardRow]:
    """Who has and has not reported on ``day``, and how many of the last ``days`` working days they covered.

    Reports are due on working days (reminders go out on working days only), so a report filed on
    a day off shows on that day but does not count towards the working days covered.
    """
    scope = scope_for(user)
    cal = workdays.calendar()
    start = day - dt.timedelta(days=days - 1)
    working = [d for d in (start + dt.timedelta(days=i) for i in range(days)) if cal.is_working_day(d)]
    expected = len(working)
    expected_today = cal.is_working_day(day)
    period = DailyReport.objects.filter(kind=kind, report_date__range=(start, day))
    covered = period.filter(report_date__in=working)
    if kind == DailyKind.CADRE:
        people = (
            Person.objects.filter(key_persons__is_active=True)
            .filter(Q() if scope.is_all else Q(key_persons__unit__in=_units(scope)))
            .distinct()
            .order_by("name")
        )
        counts = dict(covered.values_list("person_id").annotate(n=Count("pk")).values_list("person_id", "n"))
        today_by_person = {r.person_id: _daily_line(r) for r in period.filter(report_date=day).only(*_LINE_FIELDS)}
        return [
            BoardRow(
                f"p{p.pk}",
                p.name,
                None,
                p.pk in today_by_person,
                counts.get(p.pk, 0),
                expected,
                today_by_person.get(p.pk, ""),
                expected_today,
            )
            for p in people
        ]
    units = _expected_units(kind, Unit.objects.filter(scope.unit_q()))
    unit_covered = covered.filter(person__isnull=True)
    counts = dict(unit_covered.values_list("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n"))
    unit_today = period.filter(person__isnull=True, report_date=day).only(*_LINE_FIELDS)
    today = {r.unit_id: _daily_line(r) for r in unit_today}
    return [
        BoardRow(
            f"u{u.pk}", u.name, u, u.pk in today, counts.get(u.pk, 0), expected, today.get(u.pk, ""), expected_today
        )
        for u in units.only("pk", "name", "path")
    ]


def missing_daily_reports(day: dt.date) -> list[tuple[str, str, list[Any], str]]:
    """(kind, key, recipients, label) for every expected report not filed on ``day`` (for reminders)."""
    from luoshi.cases.permissions import ASSESSMENT_ROLES, SCREENING_ROLES

    out: list[tuple[str, str, list[Any], str]] = []
    filed = DailyReport.objects.filter(report_date=day)
    for kind, roles in ((DailyKind.SCREENING, SCREENING_ROLES), (DailyKind.ASSESSMENT, ASSESSMENT_ROLES)):
        done = filed.filter(kind=kind, person__isnull=True).values("unit_id")
        units = list(_expected_units(kind, Unit.objects.all()).exclude(pk__in=done).only("pk", "name"))
        grants: dict[int, list[Any]] = {}
        for g in RoleGrant.objects.filter(unit__in=units, role__in=list(roles), user__is_active=True).select_related(
            "user"
        ):
            grants.setdefault(g.unit_id, []).append(g.user)
        for unit in units:
            out.append((kind, f"u{unit.pk}", grants.get(unit.pk, []), unit.name))
    done_people = filed.filter(kind=DailyKind.CADRE).values("person_id")
    cadres = (
        Person.objects.filter(key_persons__is_active=True, user__isnull=False)
        .exclude(pk__in=done_people)
        .distinct()
        .select_related("user")
    )
    for person in cadres:
        out.append((DailyKind.CADRE, f"p{person.pk}", [person.user], person.name))
    return out


# --- Map ------------------------------------------------------------------------------------------------


def map_data(user: Any, *, township: Unit | None = None, limit: int = 1500) -> dict[str, Any]:
    """Grid boundaries in scope with open-case counts per grid, and the newest open cases with a location."""
    from luoshi.cases.models import GridBoundary

    scope = scope_for(user)
    now = timezone.now()
    boundaries = GridBoundary.objects.filter(unit__is_active=True).select_related("unit")
    cases = cases_visible_to(user).filter(status__in=list(OPEN_STATUSES))
    if not scope.is_all:
        boundaries = boundaries.filter(unit__in=_units(scope))
    if township is not None:
        boundaries = boundaries.filter(unit__path__startswith=township.path)
        cases = cases.filter(township=township)
    counts = {
        row["unit_id"]: row
        for row in cases.values("unit_id").annotate(open=Count("pk"), red=Count("pk", filter=Q(due_at__lte=now)))
    }
    features = []
    for b in boundaries:
        c = counts.get(b.unit_id, {})
        features.append(
            {
                "type": "Feature",
                "geometry": b.geometry,
                "properties": {
                    "id": b.unit_id,
                    "name": b.unit.name,
                    "code": b.unit.code,
                    "open": c.get("open", 0),
                    "red": c.get("red", 0),
                },
            }
        )
    points = []
    for case in (
        cases.filter(lat__isnull=False, lng__isnull=False)
        .order_by("-reported_at")
        .only("pk", "tracking_no", "title", "lat", "lng", "status", "warn_at", "due_at")[:limit]
    ):
        points.append(
            {
                "id": case.pk,
                "no": case.tracking_no,
                "title": case.title,
                "lat": case.lat,
                "lng": case.lng,
                "light": sla.light(now, case.warn_at, case.due_at),
                "status": str(Status(case.status).label),
            }
        )
    return {"grids": {"type": "FeatureCollection", "features": features}, "cases": points}
