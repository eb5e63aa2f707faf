"""The tasks' daily aggregate (see :mod:`luoshi.core.aggregates`).

``tasks.lights`` is a snapshot: per lead unit, how many open tasks show each light and how
many are overdue, as the worker last saw them that day. Lights follow the calendar, not
only edits, so past days keep the picture taken on them; the cockpit compares today's with
yesterday's to warn of new red lights.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Count, Q

from luoshi.core.aggregates import AggregateFamily, Row, register_aggregate
from luoshi.tasks.models import OPEN_STATUSES, Task

LIGHTS_FAMILY = "tasks.lights"
MEASURES = ("green", "yellow", "red", "none", "overdue")


def build_lights(first: dt.date, last: dt.date) -> Iterator[Row]:
    """Today's picture, for ``last`` (a snapshot family is only ever built for today)."""
    data = (
        Task.objects.filter(status__in=list(OPEN_STATUSES))
        .order_by()
        .values("lead_unit_id")
        .annotate(
            green=Count("pk", filter=Q(light="green")),
            yellow=Count("pk", filter=Q(light="yellow")),
            red=Count("pk", filter=Q(light="red")),
            none=Count("pk", filter=Q(light="")),
            overdue=Count("pk", filter=Q(is_overdue=True)),
        )
    )
    for d in data:
        for measure in MEASURES:
            if d[measure]:
                yield Row(day=last, measure=measure, value=d[measure], unit=d["lead_unit_id"])


def register() -> None:
    register_aggregate(AggregateFamily(LIGHTS_FAMILY, build_lights, measures=MEASURES, snapshot=True))
