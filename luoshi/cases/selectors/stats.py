"""Statistics over cases (SQL aggregates only) and supervision-card points."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.accounts.types import Actor
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
from luoshi.org.labels import unit_labels
from luoshi.org.models import Unit
from luoshi.org.scope import scope_for

# --- Statistics (SQL aggregates only) -----------------------------------------------------------

GROUPS = {
    "handling_unit": ("handling_unit_id", "handling_unit__name"),
    "township": ("township_id", "township__name"),
    "category": ("category__parent_id", "category__parent__name"),
    "subcategory": ("category_id", "category__name"),
}

#: Groups by unit: named with their township (``luoshi.org.labels``), live and stored alike.
UNIT_GROUPS = frozenset({"handling_unit", "township"})


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
    user: Actor,
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
    values = [key] if group in UNIT_GROUPS else [key, name]
    data = (
        qs.values(*values)
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
    data = list(data)
    labels = unit_labels(d[key] for d in data) if group in UNIT_GROUPS else {}
    out = []
    for d in data:
        avg = d["avg_seconds"]
        label = labels.get(d[key], "") if group in UNIT_GROUPS else d[name]
        out.append(
            StatRow(
                key=d[key],
                name=label or (_("Not dispatched yet") if key == "handling_unit_id" else "—"),
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


# --- From the daily aggregates (decision 0500) ----------------------------------------------------
#
# ``case_stats`` above counts every case of the period; ``_case_stats_stored`` below (bound to
# the same name at the end) reads the finished days from the daily aggregates, today live.

from luoshi.cases import aggregates as case_aggregates  # noqa: E402
from luoshi.cases.selectors.visibility import _township_ids  # noqa: E402
from luoshi.core import aggregates  # noqa: E402

_live_case_stats = case_stats


class StatRows(list[StatRow]):
    """The rows of :func:`case_stats`, and when the finished days among them were counted
    (``as_of``: None when everything was counted live)."""

    as_of: dt.datetime | None = None


_COUNTS = ("total", "open", "closed", "on_time", "overdue_open", "rated", "satisfied", "basic", "unsatisfied")


def _stat_areas(user: Actor, township: Unit | None) -> tuple[bool, list[int] | None]:
    """(whether the aggregates can answer for ``user``, the townships to read — None: all).

    They can when the user sees whole townships (the district, or grants at township level):
    the aggregates are kept per township. Everyone else is counted live.
    """
    scope = scope_for(user)
    if scope.is_empty and not scope.is_all:
        return False, None
    if scope.is_all:
        return True, None if township is None else [township.pk]
    townships = _township_ids(scope)
    if townships is None:
        return False, None
    if township is not None:
        return True, [township.pk] if township.pk in townships else []
    return True, townships


def _live(
    user: Actor, *, start: dt.date, end: dt.date, key: str, township: Unit | None, category: Category | None
) -> dict[Any, dict[str, int]]:
    qs = case_aggregates.reported_between(start, end, cases_visible_to(user))
    if township is not None:
        qs = qs.filter(township=township)
    if category is not None:
        qs = qs.filter(Q(category=category) | Q(category__parent=category))
    out: dict[Any, dict[str, int]] = {}
    for d in qs.order_by().values(key).annotate(**case_aggregates.measure_annotations(timezone.now())):
        out[d[key]] = {m: int(d[m] or 0) for m in case_aggregates.MEASURES}
    return out


def _stored(*, start: dt.date, end: dt.date, group: str, areas: list[int] | None) -> dict[Any, dict[str, int]]:
    """The finished days from the daily aggregates, keyed like :func:`_live`."""
    if group in {"handling_unit", "township"}:
        by = "unit" if group == "handling_unit" else "area"
        sums = aggregates.sum_figures(case_aggregates.UNIT_FAMILY, first=start, last=end, by=by, areas=areas)
        return {(k or None): v for k, v in sums.items()}
    sums = aggregates.sum_figures(case_aggregates.CATEGORY_FAMILY, first=start, last=end, by="dim", areas=areas)
    if group == "subcategory":
        return {(k or None): v for k, v in sums.items()}
    parents = dict(Category.objects.filter(pk__in=list(sums)).values_list("pk", "parent_id"))
    out: dict[Any, dict[str, int]] = {}
    for k, v in sums.items():
        _add(out, parents.get(k), v)
    return out


def _add(into: dict[Any, dict[str, int]], key: Any, values: dict[str, int]) -> None:
    row = into.setdefault(key, {})
    for m, n in values.items():
        row[m] = row.get(m, 0) + n


def _names(group: str, keys: list[Any]) -> dict[Any, str]:
    ids = [k for k in keys if k is not None] or [0]  # one query whatever the rows (never an empty IN)
    if group in UNIT_GROUPS:
        return dict(unit_labels(ids))
    return dict(Category.objects.filter(pk__in=ids).values_list("pk", "name"))


def _case_stats_stored(
    user: Actor,
    *,
    start: dt.date,
    end: dt.date,
    group: str = "handling_unit",
    township: Unit | None = None,
    category: Category | None = None,
) -> StatRows:
    """Volume, on-time rate, average time to close and satisfaction per group.

    The finished days come from the daily aggregates (``cases.unit`` / ``cases.category``,
    refreshed by the worker; a few hundred rows whatever the number of cases) when they
    cover the period and the user sees whole townships; today, and everything else, is
    counted live from the cases in one query. ``as_of`` says when the stored part was counted.
    """
    if group not in GROUPS:
        group = "handling_unit"
    key = GROUPS[group][0]
    today = timezone.localdate()
    stored_last = min(end, today - dt.timedelta(days=1))
    usable, areas = (False, None) if category is not None else _stat_areas(user, township)
    family = case_aggregates.CATEGORY_FAMILY if group in {"category", "subcategory"} else case_aggregates.UNIT_FAMILY
    covered = aggregates.covered_from(family) if usable and start <= stored_last else None
    values: dict[Any, dict[str, int]] = {}
    as_of = None
    if covered is not None and covered <= start:
        as_of = aggregates.as_of(family)
        for k, v in _stored(start=start, end=stored_last, group=group, areas=areas).items():
            _add(values, k, v)
        if end > stored_last:
            live = _live(
                user, start=stored_last + dt.timedelta(days=1), end=end, key=key, township=township, category=category
            )
            for k, v in live.items():
                _add(values, k, v)
    else:
        rows = StatRows(_live_case_stats(user, start=start, end=end, group=group, township=township, category=category))
        return rows
    names = _names(group, list(values))
    out = StatRows()
    out.as_of = as_of
    for k, v in values.items():
        if not v.get("total"):
            continue
        n = v.get("handle_n", 0)
        out.append(
            StatRow(
                key=k,
                name=names.get(k) or (_("Not dispatched yet") if group == "handling_unit" else "—"),
                avg_days=round(v.get("handle_sum", 0) / n / 86400, 1) if n else None,
                **{c: v.get(c, 0) for c in _COUNTS},
            )
        )
    out.sort(key=lambda r: (-r.total, r.name))
    return out


case_stats = _case_stats_stored  # the statistics read the aggregates from here on


def card_points_by_unit(
    user: Actor, *, start: dt.date, end: dt.date, township: Unit | None = None
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
    rows = list(
        qs.values("unit_id", unit_name=F("unit__name"))
        .annotate(
            cards=Count("pk"),
            yellow=Count("pk", filter=Q(level="yellow")),
            red=Count("pk", filter=Q(level="red")),
            points=Sum("points"),
        )
        .order_by("points", "unit_name")
    )
    labels = unit_labels(r["unit_id"] for r in rows)
    for r in rows:
        r["unit_name"] = labels.get(r["unit_id"], r["unit_name"])
    return rows
