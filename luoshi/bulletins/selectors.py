"""Reads of bulletins, scoped: a user sees the bulletins of the units in their subtrees and the
issued ones addressed to them; drafts only where they edit or review. An account with no role that
issues or receives bulletins (a grid worker's) is refused with the reason (403), not shown an empty list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from luoshi.accounts.types import Actor
from luoshi.bulletins import permissions
from luoshi.bulletins.models import Bulletin, Kind, Schedule, Section, Status
from luoshi.bulletins.workflow import EDITORS, REVIEWERS
from luoshi.core.errors import NotFound
from luoshi.org.models import Unit
from luoshi.org.scope import scope_for


def bulletins_visible_to(user: Actor) -> QuerySet[Bulletin]:
    permissions.require_reader(user)
    scope = scope_for(user)
    qs = Bulletin.objects.exclude(status=Status.DISCARDED)
    if scope.is_all:
        return qs
    if scope.is_empty:
        return qs.none()
    issued = Q(status=Status.ISSUED) & (scope.unit_q("unit") | Q(pk__in=_addressed_to(scope)))
    drafts = ~Q(status=Status.ISSUED) & scope.unit_q("unit", roles=EDITORS | REVIEWERS)
    return qs.filter(issued | drafts)


def _addressed_to(scope: Any) -> QuerySet[Any]:
    through = Bulletin.recipients.through
    return through.objects.filter(scope.unit_q("unit")).values("bulletin_id")


def bulletin_list(user: Actor, *, status: str = "", kind: str = "", unit: Unit | None = None) -> QuerySet[Bulletin]:
    qs = bulletins_visible_to(user).select_related("unit")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.order_by("-as_of", "-id")


def access_bulletin(user: Actor, pk: int | str) -> Bulletin:
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    bulletin = bulletins_visible_to(user).select_related("unit").filter(pk=key).first()
    if bulletin is None:
        raise NotFound()
    return bulletin


def sections_of(bulletin: Bulletin) -> list[Section]:
    return list(bulletin.sections.order_by("position", "id"))


def units_for_new(user: Actor) -> QuerySet[Unit]:
    """Units where this user may make a bulletin (supervisor or administrator there)."""
    permissions.require_reader(user)
    scope = scope_for(user)
    qs = Unit.objects.filter(is_active=True).exclude(kind__in=["grid", "community", "village"])
    if scope.is_all:
        return qs.filter(depth__lte=1).order_by("depth", "sort_order", "pk")
    return qs.filter(pk__in=[g.unit_id for g in scope.grants if g.role in EDITORS]).order_by(
        "depth", "sort_order", "pk"
    )


def schedules_for(user: Actor) -> QuerySet[Schedule]:
    """The schedules of the units where the user makes bulletins (supervisor or administrator there)."""
    permissions.require_reader(user)
    scope = scope_for(user)
    qs = Schedule.objects.select_related("unit")
    if not scope.is_all:
        qs = qs.filter(scope.unit_q("unit", roles=EDITORS)) if not scope.is_empty else qs.none()
    return qs.order_by("unit__depth", "unit__sort_order", "unit_id", "kind", "pk")


def access_schedule(user: Actor, pk: int) -> Schedule:
    schedule = schedules_for(user).filter(pk=pk).first()
    if schedule is None:
        raise NotFound()
    return schedule


def next_run(schedule: Schedule, now: dt.datetime) -> dt.datetime | None:
    """When the worker makes the schedule's next draft (None while it is paused): weekly on its weekday,
    monthly on the 1st, at its hour; not twice on one day."""
    if not schedule.is_active:
        return None
    local = timezone.localtime(now)
    day = local.date()
    for _ in range(40):
        due = day.day == 1 if schedule.kind == Kind.MONTHLY else day.weekday() == schedule.weekday
        if due and schedule.last_run_on != day:
            # today past the hour: due now (the worker makes it within ten minutes)
            return max(local, dt.datetime.combine(day, dt.time(schedule.hour), tzinfo=local.tzinfo))
        day += dt.timedelta(days=1)
    return None
