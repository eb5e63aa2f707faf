"""Reads for intake: possible duplicates nearby and the categories a form offers."""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from luoshi.cases import standards
from luoshi.cases.models import (
    OPEN_STATUSES,
    Case,
    Category,
)
from luoshi.org.models import Unit

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


def similar_window() -> tuple[float, int]:
    meters = float(getattr(settings, "LUOSHI_CASE_DUPLICATE_METERS", 300))
    days = int(getattr(settings, "LUOSHI_CASE_DUPLICATE_DAYS", 30))
    return meters, days


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
