"""The cases' daily aggregates (see :mod:`luoshi.core.aggregates`).

Two families count the cases *reported* on each day by their state now (closed, on time,
rated, overdue while open …), exactly as the statistics page always counted them:

- ``cases.unit``: per handling unit (``unit``; 0 = not dispatched yet) and township (``area``);
- ``cases.category``: per sub-category (``dim``) and township (``area``).

A day's figures change when one of its cases is touched (``updated_at``) and when an open
case's clock runs out (``due_at`` passes): :func:`changed_days` finds both. ``cases.daily``
counts the daily reports owed and filed per unit and kind (``dim``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from luoshi.cases import sla
from luoshi.cases.models import DONE_STATUSES, OPEN_STATUSES, Case, DailyKind, DailyReport, Rating, Status
from luoshi.core import workdays
from luoshi.core.aggregates import AggregateFamily, Row, register_aggregate

UNIT_FAMILY = "cases.unit"
CATEGORY_FAMILY = "cases.category"
DAILY_FAMILY = "cases.daily"

#: The measures of both case families, in the order the statistics table shows them.
MEASURES = (
    "total",
    "open",
    "closed",
    "on_time",
    "overdue_open",
    "rated",
    "satisfied",
    "basic",
    "unsatisfied",
    "handle_sum",
    "handle_n",
)

#: ``dim`` of the daily-report family.
DAILY_DIMS = {DailyKind.SCREENING: 1, DailyKind.ASSESSMENT: 2}


def measure_annotations(now: dt.datetime) -> dict[str, Any]:
    """The SQL aggregates behind :data:`MEASURES` (shared with the live statistics for today)."""
    done = list(DONE_STATUSES)
    open_ = list(OPEN_STATUSES)
    return {
        "total": Count("pk"),
        "open": Count("pk", filter=Q(status__in=open_)),
        "closed": Count("pk", filter=Q(status__in=done)),
        "on_time": Count("pk", filter=Q(status__in=done, was_overdue=False)),
        "overdue_open": Count("pk", filter=Q(status__in=open_, due_at__lt=now)),
        "rated": Count("pk", filter=~Q(rating="")),
        "satisfied": Count("pk", filter=Q(rating=Rating.SATISFIED)),
        "basic": Count("pk", filter=Q(rating=Rating.BASIC)),
        "unsatisfied": Count("pk", filter=Q(rating=Rating.UNSATISFIED)),
        "handle_sum": Sum("handle_seconds"),
        "handle_n": Count("handle_seconds"),
    }


def reported_between(first: dt.date, last: dt.date, base: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """Cases reported on the local days ``first..last`` (merged ones are not counted)."""
    qs = Case.objects.all() if base is None else base
    return qs.filter(
        reported_at__gte=sla.start_of_day(first), reported_at__lt=sla.start_of_day(last + dt.timedelta(days=1))
    ).exclude(status=Status.MERGED)


def _rows(first: dt.date, last: dt.date, unit_field: str, dim_field: str) -> Iterator[Row]:
    now = timezone.now()
    keys = ["d", "township_id"] + [f for f in (unit_field, dim_field) if f]
    data = (
        reported_between(first, last)
        .annotate(d=TruncDate("reported_at", tzinfo=sla.local_tz()))
        .order_by()
        .values(*keys)
        .annotate(**measure_annotations(now))
    )
    for d in data:
        for measure in MEASURES:
            value = d[measure] or 0
            if value:
                yield Row(
                    day=d["d"],
                    measure=measure,
                    value=int(value),
                    unit=(d[unit_field] or 0) if unit_field else 0,
                    area=d["township_id"] or 0,
                    dim=(d[dim_field] or 0) if dim_field else 0,
                )


def build_units(first: dt.date, last: dt.date) -> Iterator[Row]:
    return _rows(first, last, "handling_unit_id", "")


def build_categories(first: dt.date, last: dt.date) -> Iterator[Row]:
    return _rows(first, last, "", "category_id")


def changed_days(since: dt.datetime, now: dt.datetime) -> set[dt.date]:
    """Days whose cases were touched (``updated_at``) since ``since``: every figure may differ."""
    day = TruncDate("reported_at", tzinfo=sla.local_tz())
    touched = Case.objects.filter(updated_at__gte=since).annotate(d=day).order_by().values_list("d", flat=True)
    return set(touched.distinct())


def clock_days(since: dt.datetime, now: dt.datetime) -> set[dt.date]:
    """Days with an open case whose due time passed since ``since``: only "overdue while open" moved."""
    day = TruncDate("reported_at", tzinfo=sla.local_tz())
    overdue = (
        Case.objects.filter(status__in=list(OPEN_STATUSES), due_at__gte=since, due_at__lt=now)
        .annotate(d=day)
        .order_by()
        .values_list("d", flat=True)
    )
    return set(overdue.distinct())


def _clock_rows(first: dt.date, last: dt.date, unit_field: str, dim_field: str) -> Iterator[Row]:
    """Only ``overdue_open`` of the days ``first..last`` (open cases past their due time)."""
    now = timezone.now()
    keys = ["d", "township_id"] + [f for f in (unit_field, dim_field) if f]
    data = (
        reported_between(first, last)
        .filter(status__in=list(OPEN_STATUSES), due_at__lt=now)
        .annotate(d=TruncDate("reported_at", tzinfo=sla.local_tz()))
        .order_by()
        .values(*keys)
        .annotate(n=Count("pk"))
    )
    for d in data:
        yield Row(
            day=d["d"],
            measure="overdue_open",
            value=d["n"],
            unit=(d[unit_field] or 0) if unit_field else 0,
            area=d["township_id"] or 0,
            dim=(d[dim_field] or 0) if dim_field else 0,
        )


# --- daily reports ---------------------------------------------------------------------------


def build_daily(first: dt.date, last: dt.date) -> Iterator[Row]:
    """Per unit and working day: 1 report owed, and 1 filed when it was (today's units)."""
    from luoshi.cases.selectors.daily import _expected_units
    from luoshi.org.models import Unit

    cal = workdays.calendar()
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    for kind, dim in DAILY_DIMS.items():
        units = list(_expected_units(kind, Unit.objects.all()).values_list("pk", flat=True))
        filed: dict[dt.date, set[int]] = {}
        for unit_id, day in DailyReport.objects.filter(
            kind=kind, person__isnull=True, report_date__range=(first, last)
        ).values_list("unit_id", "report_date"):
            filed.setdefault(day, set()).add(unit_id)
        for day in days:
            on = filed.get(day, set())
            working = cal.is_working_day(day)
            for unit_id in units:
                if working:
                    yield Row(day=day, measure="owed", value=1, unit=unit_id, dim=dim)
                if unit_id in on:
                    yield Row(day=day, measure="filed", value=1, unit=unit_id, dim=dim)


def daily_changed(since: dt.datetime, now: dt.datetime) -> Iterable[dt.date]:
    return set(DailyReport.objects.filter(filed_at__gte=since).values_list("report_date", flat=True).distinct())


def register() -> None:
    clock = {"clock_measures": ("overdue_open",), "clock_days": clock_days}
    register_aggregate(
        AggregateFamily(
            UNIT_FAMILY,
            build_units,
            changed_days,
            MEASURES,
            build_clock=lambda a, b: _clock_rows(a, b, "handling_unit_id", ""),
            **clock,  # type: ignore[arg-type]
        )
    )
    register_aggregate(
        AggregateFamily(
            CATEGORY_FAMILY,
            build_categories,
            changed_days,
            MEASURES,
            build_clock=lambda a, b: _clock_rows(a, b, "", "category_id"),
            **clock,  # type: ignore[arg-type]
        )
    )
    register_aggregate(AggregateFamily(DAILY_FAMILY, build_daily, daily_changed, ("owed", "filed"), backfill_days=62))
