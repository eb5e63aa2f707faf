"""Indicator values computed from other apps' records (一数一源): key-project investment, 招商
leads signed and in talks, 征迁 households signed …

An indicator bound to a registered metric (``Indicator.metric``, see luoshi/core/metrics.py)
is not typed: :func:`compute_months` asks the metric for every unit that reports the
indicator and writes the values with ``source = computed``. A cumulative indicator
(累计, 1-N月) gets the sum of the months from January; a point-in-time one (时点) the
metric's figure for the month. ``metric_scale`` converts units (0.0001 from 万元 to 亿元).
Nothing here imports another domain app: the metric registry is in core.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from luoshi.core import metrics
from luoshi.core.metrics import Period, Subject
from luoshi.core.timeutil import today as local_today
from luoshi.indicators.models import Indicator, IndicatorKind, IndicatorValue, Source
from luoshi.org.models import Unit


def bound_indicators() -> list[Indicator]:
    """Active indicators whose metric is registered and takes no parameter (others are left alone, not an error)."""
    known = {m.key for m in metrics.all_metrics() if m.param is None}
    return [i for i in Indicator.objects.filter(is_active=True).exclude(metric="") if i.metric in known]


def computed_from(indicator: Indicator) -> str | None:
    """The label of the registered metric ``indicator`` is computed from, or ``None`` when it is typed."""
    if not indicator.metric:
        return None
    try:
        return str(metrics.get_metric(indicator.metric).label)
    except metrics.UnknownMetric:
        return None


def _subjects(indicator: Indicator) -> list[Subject]:
    kinds = list(indicator.unit_kinds or [])
    units = Unit.objects.filter(is_active=True, kind__in=kinds).only("pk", "path")
    return [Subject.unit(u) for u in units]


def _quantize(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-max(decimals, 0)), rounding=ROUND_HALF_UP)


def figures_for(indicator: Indicator, year: int, months: Sequence[int]) -> dict[tuple[int, int], Decimal]:
    """``{(unit id, month): value}`` for the given months of ``year``."""
    subjects = _subjects(indicator)
    if not subjects or not months:
        return {}
    monthly: dict[int, dict[Subject, Decimal | None]] = {}
    wanted = range(1, max(months) + 1) if indicator.kind == IndicatorKind.CUMULATIVE else months
    for month in wanted:
        found = metrics.compute(indicator.metric, subjects, Period.month(year, month))
        monthly[month] = {s: f.value for s, f in found.items()}
    out: dict[tuple[int, int], Decimal] = {}
    scale = indicator.metric_scale or Decimal(1)
    for subject in subjects:
        running = Decimal(0)
        seen = False
        for month in range(1, max(months) + 1):
            if indicator.kind == IndicatorKind.CUMULATIVE:
                value = monthly[month].get(subject)
                if value is not None:
                    running += value
                    seen = True
                figure: Decimal | None = running if seen else None
            else:
                figure = monthly.get(month, {}).get(subject)
            if month in months and figure is not None:
                out[(subject.id, month)] = _quantize(figure * scale, indicator.decimals)
    return out


@transaction.atomic
def write_values(indicator: Indicator, year: int, figures: dict[tuple[int, int], Decimal]) -> int:
    """Upsert the computed values; only rows whose value changed are written. Returns rows written."""
    if not figures:
        return 0
    months = sorted({m for _u, m in figures})
    existing = {
        (v.unit_id, v.month): v
        for v in IndicatorValue.objects.filter(indicator=indicator, year=year, month__in=months).only(
            "pk", "unit_id", "month", "value", "source"
        )
    }
    now = timezone.now()
    create: list[IndicatorValue] = []
    update: list[IndicatorValue] = []
    for (unit_id, month), value in figures.items():
        row = existing.get((unit_id, month))
        if row is None:
            create.append(
                IndicatorValue(
                    unit_id=unit_id,
                    indicator=indicator,
                    year=year,
                    month=month,
                    value=value,
                    source=Source.COMPUTED,
                    updated_at=now,
                )
            )
        elif row.value != value or row.source != Source.COMPUTED:
            row.value, row.source, row.updated_at = value, Source.COMPUTED, now
            update.append(row)
    IndicatorValue.objects.bulk_create(create, batch_size=1000)
    IndicatorValue.objects.bulk_update(update, ["value", "source", "updated_at"], batch_size=1000)
    return len(create) + len(update)


def compute_months(
    year: int, months: Iterable[int], *, indicators: Iterable[Indicator] | None = None
) -> dict[str, int]:
    """Compute and store the bound indicators' values for ``months`` of ``year``: ``{code: rows written}``."""
    wanted = sorted({m for m in months if 1 <= m <= 12})
    result: dict[str, int] = {}
    for indicator in indicators if indicators is not None else bound_indicators():
        result[indicator.code] = write_values(indicator, year, figures_for(indicator, year, wanted))
    return result


def refresh(*, today: dt.date | None = None) -> dict[str, int]:
    """The periodic job: this month and the one before (a late entry still changes last month)."""
    day = today or local_today()
    result = compute_months(day.year, [day.month - 1, day.month] if day.month > 1 else [1])
    if day.month == 1:
        for code, n in compute_months(day.year - 1, [12]).items():
            result[code] = result.get(code, 0) + n
    return result
