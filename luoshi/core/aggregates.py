"""Daily aggregates that stay true: a registry of producers and the store they fill.

A domain app registers an :class:`AggregateFamily` from ``AppConfig.ready`` (in its own
``aggregates.py``): a ``build(first, last)`` that answers every figure of the days
``first..last`` straight from its records, and a ``changed_days(since, now)`` that says
which days' figures may have changed in between (records touched, clocks run out). The
periodic worker (``core.refresh_aggregates``) rebuilds those days, today and yesterday;
``luoshi rebuild_aggregates`` rebuilds any range. A day of a family is always replaced as a
whole in one transaction, so refreshing twice does no harm and a figure that went away
(a case moved to another unit) goes away from the store too.

Readers (the cockpit, the case statistics) sum the store with :func:`sum_figures` and say
"as of" :func:`as_of`. See docs/decisions/0500-daily-aggregates.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from luoshi.core.models import AggregateState, DailyFigure

#: Records written this long before the last refresh are looked at again (a transaction
#: that stamped ``updated_at`` before the refresh may commit after it).
OVERLAP = dt.timedelta(minutes=10)
#: Days rebuilt in one query and one transaction.
CHUNK_DAYS = 31
#: Measures are short names; the store's column is this long.
MEASURE_MAX = 24


@dataclass(frozen=True)
class Row:
    """One figure a producer answers: ``measure`` = ``value`` on ``day`` for ``unit`` in ``area``."""

    day: dt.date
    measure: str
    value: int
    unit: int = 0
    area: int = 0
    dim: int = 0


@dataclass(frozen=True)
class AggregateFamily:
    """A set of measures one domain app produces per day.

    ``build(first, last)`` returns every non-zero figure of the days ``first..last``;
    ``changed_days(since, now)`` the days whose figures may differ from what was stored at
    ``since``. A ``snapshot`` family describes the state at refresh time (e.g. task lights):
    only today is rebuilt, past days keep the last picture taken of them.
    """

    family: str
    build: Callable[[dt.date, dt.date], Iterable[Row]]
    changed_days: Callable[[dt.datetime, dt.datetime], Iterable[dt.date]] = lambda since, now: ()
    measures: tuple[str, ...] = ()
    snapshot: bool = False
    backfill_days: int = 400
    #: Measures that follow the clock as well as the records (e.g. "overdue while open"):
    #: on days where only the clock ran out (``clock_days``), only these are rebuilt, by
    #: ``build_clock`` — a much smaller query and write than the whole day.
    clock_measures: tuple[str, ...] = ()
    clock_days: Callable[[dt.datetime, dt.datetime], Iterable[dt.date]] | None = None
    build_clock: Callable[[dt.date, dt.date], Iterable[Row]] | None = None


_families: dict[str, AggregateFamily] = {}


def register_aggregate(family: AggregateFamily) -> None:
    _families[family.family] = family


def aggregate_families() -> list[AggregateFamily]:
    return sorted(_families.values(), key=lambda f: f.family)


def get_family(name: str) -> AggregateFamily:
    try:
        return _families[name]
    except KeyError as exc:
        raise LookupError(f"no aggregate family {name!r}") from exc


def local_today(now: dt.datetime | None = None) -> dt.date:
    return timezone.localdate(now or timezone.now())


def _runs(days: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Contiguous runs of ``days`` (each at most ``CHUNK_DAYS`` long), oldest first."""
    out: list[tuple[dt.date, dt.date]] = []
    for day in sorted(set(days)):
        if out and (day - out[-1][1]).days == 1 and (day - out[-1][0]).days < CHUNK_DAYS:
            out[-1] = (out[-1][0], day)
        else:
            out.append((day, day))
    return out


def rebuild(name: str, first: dt.date, last: dt.date) -> int:
    """Replace every figure of ``name`` on the days ``first..last``; returns the rows written."""
    family = get_family(name)
    written = 0
    for a, b in _runs(first + dt.timedelta(days=i) for i in range((last - first).days + 1)):
        written += _replace(family, a, b)
    state, created = AggregateState.objects.get_or_create(
        family=name, defaults={"refreshed_at": timezone.now(), "first_day": first}
    )
    if not created and (state.first_day is None or first < state.first_day):
        state.first_day = first
        state.save(update_fields=["first_day"])
    return written


def _replace(family: AggregateFamily, first: dt.date, last: dt.date, *, clock_only: bool = False) -> int:
    """Replace the figures of ``first..last`` (only the clock measures when ``clock_only``)."""
    if clock_only:
        assert family.build_clock is not None
        rows = [r for r in family.build_clock(first, last) if r.value and first <= r.day <= last]
        rows = [r for r in rows if r.measure in family.clock_measures]
    else:
        rows = [r for r in family.build(first, last) if r.value and first <= r.day <= last]
    with transaction.atomic():
        old = DailyFigure.objects.filter(family=family.family, day__range=(first, last))
        if clock_only:
            old = old.filter(measure__in=list(family.clock_measures))
        old.delete()
        DailyFigure.objects.bulk_create(
            (
                DailyFigure(
                    family=family.family,
                    day=r.day,
                    unit=r.unit,
                    area=r.area,
                    dim=r.dim,
                    measure=r.measure[:MEASURE_MAX],
                    value=r.value,
                )
                for r in rows
            ),
            batch_size=2000,
        )
    return len(rows)


def refresh(now: dt.datetime | None = None, families: Sequence[str] | None = None) -> dict[str, int]:
    """Bring every family up to date (the periodic job); returns the days rebuilt per family.

    A family never refreshed is built for its last ``backfill_days`` days; afterwards the
    days its producer reports as changed since the last refresh (minus ``OVERLAP``), plus
    yesterday and today, are rebuilt. Two workers refreshing at once queue on the state row.
    """
    now = now or timezone.now()
    today = local_today(now)
    done: dict[str, int] = {}
    for family in aggregate_families():
        if families is not None and family.family not in families:
            continue
        with transaction.atomic():
            state, _created = AggregateState.objects.get_or_create(
                family=family.family, defaults={"refreshed_at": now, "first_day": None}
            )
            state = AggregateState.objects.select_for_update().get(pk=state.pk)
            if family.snapshot:
                days = {today}
            elif state.first_day is None:
                days = {today - dt.timedelta(days=i) for i in range(family.backfill_days)}
            else:
                since = state.refreshed_at - OVERLAP
                days = {d for d in family.changed_days(since, now) if d <= today}
                days |= {today, today - dt.timedelta(days=1)}
            clock: set[dt.date] = set()
            if family.clock_days is not None and family.build_clock is not None and state.first_day is not None:
                since = state.refreshed_at - OVERLAP
                clock = {d for d in family.clock_days(since, now) if d <= today} - days
            for a, b in _runs(days):
                _replace(family, a, b)
            for a, b in _runs(clock):
                _replace(family, a, b, clock_only=True)
            state.refreshed_at = now
            state.first_day = min([*days, *([state.first_day] if state.first_day else [])])
            state.save(update_fields=["refreshed_at", "first_day"])
        done[family.family] = len(days)
        if clock:
            done[f"{family.family} (clock)"] = len(clock)
    return done


def refresh_job() -> dict[str, int]:
    return refresh()


def as_of(*names: str) -> dt.datetime | None:
    """When the oldest of ``names`` was last refreshed (None: never)."""
    states = dict(AggregateState.objects.filter(family__in=names).values_list("family", "refreshed_at"))
    if not names or len(states) < len(set(names)):
        return None
    return min(states.values())


def covered_from(name: str) -> dt.date | None:
    """The oldest day the store holds for ``name`` (None: never built)."""
    return AggregateState.objects.filter(family=name).values_list("first_day", flat=True).first()


def sum_figures(
    name: str,
    *,
    first: dt.date,
    last: dt.date,
    by: str = "unit",
    areas: Sequence[int] | None = None,
    units: Sequence[int] | None = None,
    dims: Sequence[int] | None = None,
    measures: Sequence[str] | None = None,
) -> dict[Any, dict[str, int]]:
    """Sums of ``name``'s measures over ``first..last`` per ``by`` (unit, area, dim or day), in one query.

    ``areas``/``units``/``dims`` narrow the rows (None: all). Missing figures are 0.
    """
    if by not in {"unit", "area", "dim", "day"}:
        raise ValueError(by)
    qs = DailyFigure.objects.filter(family=name, day__range=(first, last))
    if areas is not None:
        qs = qs.filter(area__in=list(areas))
    if units is not None:
        qs = qs.filter(unit__in=list(units))
    if dims is not None:
        qs = qs.filter(dim__in=list(dims))
    if measures is not None:
        qs = qs.filter(measure__in=list(measures))
    out: dict[Any, dict[str, int]] = defaultdict(dict)
    for key, measure, total in qs.order_by().values_list(by, "measure").annotate(total=Sum("value")):
        out[key][measure] = int(total or 0)
    return dict(out)


def stored_rows(name: str, first: dt.date, last: dt.date) -> dict[tuple[dt.date, int, int, int, str], int]:
    """Every stored figure of ``name`` on ``first..last`` (for consistency checks)."""
    qs = DailyFigure.objects.filter(family=name, day__range=(first, last))
    return {
        (d, u, a, m_dim, measure): v
        for d, u, a, m_dim, measure, v in qs.values_list("day", "unit", "area", "dim", "measure", "value")
    }


def direct_rows(name: str, first: dt.date, last: dt.date) -> dict[tuple[dt.date, int, int, int, str], int]:
    """What ``name``'s producer answers from the records right now, in the same shape."""
    family = get_family(name)
    out: dict[tuple[dt.date, int, int, int, str], int] = {}
    for r in family.build(first, last):
        if r.value and first <= r.day <= last:
            out[(r.day, r.unit, r.area, r.dim, r.measure)] = r.value
    return out
