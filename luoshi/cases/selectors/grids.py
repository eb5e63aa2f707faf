"""Grids: the grid at a point and the map's data."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from luoshi.cases import sla
from luoshi.cases.models import (
    OPEN_STATUSES,
    Status,
)
from luoshi.cases.selectors.visibility import _units, cases_visible_to
from luoshi.org.models import Unit
from luoshi.org.scope import scope_for

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
