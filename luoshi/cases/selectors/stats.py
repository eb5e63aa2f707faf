"""Statistics over cases (SQL aggregates only) and supervision-card points."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.cases import sla
from luoshi.cases.models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    Category,
    Rating,
    Status,
    SupervisionCard,
)
from luoshi.cases.selectors.visibility import _units, cases_visible_to
from luoshi.org.models import Unit
from luoshi.org.scope import scope_for

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
