"""Reads of patrols and household visits (走访巡查), always starting from the reader's scope.

A record is visible to a reader who holds a reading role (:data:`~luoshi.cases.permissions.PATROL_READERS`)
at its grid or above; anything else is "not found". Lists answer in a fixed number of queries
whatever the number of rows (counts of photos and cases are subqueries).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from luoshi.accounts.types import Actor
from luoshi.cases.models import Attachment, Case, KeyPerson, Patrol
from luoshi.cases.permissions import KEYPERSON_ROLES, PATROL_READERS, PATROL_RECORDERS
from luoshi.core.errors import NotFound
from luoshi.org.models import Unit, UnitKind
from luoshi.org.scope import scope_for

#: Grids with no patrol in this many days (today included) are shown as not covered.
COVERAGE_DAYS = 3
#: Most grids listed on the coverage summary (the counts above it cover all of them).
COVERAGE_LIST_CAP = 300

PATROL_RELATED = ("grid", "recorded_by")


def patrols_visible_to(actor: Actor) -> QuerySet[Patrol]:
    scope = scope_for(actor)
    if scope.is_all:
        return Patrol.objects.all()
    if not scope.roles & PATROL_READERS:
        return Patrol.objects.none()
    return Patrol.objects.filter(scope.unit_q("grid", roles=PATROL_READERS))


def may_read_patrols(actor: Actor) -> bool:
    scope = scope_for(actor)
    return scope.is_all or bool(scope.roles & PATROL_READERS)


def recording_grids(actor: Actor) -> list[Unit]:
    """Active grids where ``actor`` may record (their own grid for a grid worker), in tree order."""
    scope = scope_for(actor)
    if not (scope.is_all or scope.roles & PATROL_RECORDERS):
        return []
    return list(
        Unit.objects.filter(scope.unit_q(roles=PATROL_RECORDERS), kind=UnitKind.GRID, is_active=True)
        .order_by("path")
        .only("pk", "name", "kind", "path", "depth", "parent_id", "is_active")[:500]
    )


def readable_grids(actor: Actor) -> QuerySet[Unit]:
    scope = scope_for(actor)
    if not (scope.is_all or scope.roles & PATROL_READERS):
        return Unit.objects.none()
    return Unit.objects.filter(scope.unit_q(roles=PATROL_READERS), kind=UnitKind.GRID, is_active=True)


def _with_counts(qs: QuerySet[Patrol]) -> QuerySet[Patrol]:
    photos = (
        Attachment.objects.filter(patrol=OuterRef("pk")).order_by().values("patrol").annotate(n=Count("pk")).values("n")
    )
    links: QuerySet[Any] = Patrol.cases.through.objects.filter(patrol=OuterRef("pk"))
    cases = links.order_by().values("patrol").annotate(n=Count("pk")).values("n")
    return qs.annotate(
        photo_count=Coalesce(Subquery(photos, output_field=IntegerField()), Value(0)),
        case_count=Coalesce(Subquery(cases, output_field=IntegerField()), Value(0)),
    )


@dataclass(frozen=True)
class PatrolFilters:
    grid: Unit | None = None
    recorder: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    kind: str = ""
    outcome: str = ""
    mine: bool = False


def patrol_list(actor: Actor, filters: PatrolFilters | None = None) -> QuerySet[Patrol]:
    """Visible records, newest first, with their grid, recorder and counts of photos and cases."""
    f = filters or PatrolFilters()
    qs = patrols_visible_to(actor)
    if f.mine:
        qs = qs.filter(recorded_by_id=getattr(actor, "pk", None))
    if f.grid is not None:
        qs = qs.filter(grid__path__startswith=f.grid.path)
    if f.recorder:
        qs = qs.filter(recorded_by_id=f.recorder)
    if f.date_from:
        qs = qs.filter(patrol_date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(patrol_date__lte=f.date_to)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.outcome:
        qs = qs.filter(outcome=f.outcome)
    return _with_counts(qs.select_related(*PATROL_RELATED)).order_by("-patrol_date", "-started_at", "-id")


def access_patrol(actor: Actor, pk: int | str) -> Patrol:
    try:
        return patrols_visible_to(actor).select_related(*PATROL_RELATED, "key_person").get(pk=int(pk))
    except (Patrol.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None


@dataclass(frozen=True)
class PatrolDetail:
    patrol: Patrol
    photos: list[Attachment]
    cases: list[Case]
    #: The key person is shown only to those who may open the restricted registry.
    key_person: KeyPerson | None
    may_report: bool


def patrol_detail(actor: Actor, pk: int | str) -> PatrolDetail:
    from luoshi.cases.selectors.visibility import cases_visible_to
    from luoshi.org.permissions import can

    patrol = access_patrol(actor, pk)
    photos = list(Attachment.objects.filter(patrol=patrol).order_by("id"))
    cases = list(
        cases_visible_to(actor)
        .filter(patrols=patrol)
        .select_related("category")
        .only("pk", "tracking_no", "title", "status", "category__name")
        .order_by("reported_at", "id")
    )
    key_person = patrol.key_person if patrol.key_person_id and _may_see_key_persons(actor) else None
    return PatrolDetail(patrol, photos, cases, key_person, can(actor, "patrol.record", patrol.grid))


def _may_see_key_persons(actor: Actor) -> bool:
    scope = scope_for(actor)
    return scope.is_all or bool(scope.roles & KEYPERSON_ROLES)


def key_persons_for(actor: Actor, grids: list[Unit]) -> list[KeyPerson]:
    """Key persons under watch in the grids (or their communities) that ``actor`` may see: the form's choices."""
    if not grids or not _may_see_key_persons(actor):
        return []
    from luoshi.cases.selectors.keypersons import key_persons_visible_to

    units = {g.pk for g in grids} | {g.parent_id for g in grids if g.parent_id}
    return list(
        key_persons_visible_to(actor)
        .filter(unit_id__in=units, is_active=True)
        .order_by("name", "id")
        .only("pk", "name", "unit_id", "unit__path")[:200]
    )


def patrols_of_case(actor: Actor, case: Case) -> list[Patrol]:
    """The visible records a case was reported from (shown on the case page)."""
    return list(patrols_visible_to(actor).filter(cases=case).select_related(*PATROL_RELATED).order_by("-patrol_date"))


@dataclass(frozen=True)
class MyCounts:
    today: int
    week: int
    month: int


def my_counts(actor: Actor, today: dt.date) -> MyCounts:
    """How many records ``actor`` made for today, this week (from Monday) and this month."""
    week_start = today - dt.timedelta(days=today.weekday())
    month_start = today.replace(day=1)
    start = min(week_start, month_start)
    row = Patrol.objects.filter(
        recorded_by_id=getattr(actor, "pk", None), patrol_date__gte=start, patrol_date__lte=today
    ).aggregate(
        today=Count("pk", filter=Q(patrol_date=today)),
        week=Count("pk", filter=Q(patrol_date__gte=week_start)),
        month=Count("pk", filter=Q(patrol_date__gte=month_start)),
    )
    return MyCounts(int(row["today"] or 0), int(row["week"] or 0), int(row["month"] or 0))


@dataclass(frozen=True)
class GridCoverage:
    grid: Unit
    last_date: dt.date | None
    recent: int  # records in the last ``days`` days

    @property
    def uncovered(self) -> bool:
        return self.recent == 0


@dataclass(frozen=True)
class Coverage:
    days: int
    grids: int
    covered: int
    rows: list[GridCoverage]  # uncovered first, at most COVERAGE_LIST_CAP

    @property
    def uncovered(self) -> int:
        return self.grids - self.covered


def grid_coverage(actor: Actor, *, today: dt.date, days: int = COVERAGE_DAYS, within: Unit | None = None) -> Coverage:
    """Which grids in scope had a patrol or visit in the last ``days`` days (today included): two queries."""
    since = today - dt.timedelta(days=days - 1)
    grids = readable_grids(actor)
    if within is not None:
        grids = grids.filter(path__startswith=within.path)
    last = Patrol.objects.filter(grid=OuterRef("pk")).order_by("-patrol_date").values("patrol_date")[:1]
    recent = (
        Patrol.objects.filter(grid=OuterRef("pk"), patrol_date__gte=since, patrol_date__lte=today)
        .order_by()
        .values("grid")
        .annotate(n=Count("pk"))
        .values("n")
    )
    annotated = grids.annotate(
        last_date=Subquery(last), recent=Coalesce(Subquery(recent, output_field=IntegerField()), Value(0))
    )
    total = grids.count()
    covered = annotated.filter(recent__gt=0).count()
    rows = [
        GridCoverage(g, g.last_date, g.recent)
        for g in annotated.select_related("parent").order_by("recent", "path")[:COVERAGE_LIST_CAP]
    ]
    return Coverage(days, total, covered, rows)


def recorders(actor: Actor) -> list[tuple[int, str]]:
    """Who recorded visible records (the filter's choices), at most 200."""
    rows = (
        patrols_visible_to(actor)
        .order_by()
        .values_list("recorded_by_id", "recorded_by__full_name", "recorded_by__username")
        .distinct()[:200]
    )
    return sorted(((pk, full or user) for pk, full, user in rows), key=lambda r: r[1])
