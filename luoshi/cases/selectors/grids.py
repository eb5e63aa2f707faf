"""Grids: the grid at a point and the map's data."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from luoshi.accounts.types import Actor
from luoshi.cases import sla
from luoshi.cases.models import (
    OPEN_STATUSES,
    Status,
)
from luoshi.cases.selectors.keypersons import key_person_risk_by_unit
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


def _map_scope(user: Actor, township: Unit | None) -> tuple[Any, Any, dict[int, dict[str, int]]]:
    """The grid boundaries and open cases in scope, and each grid's open and overdue counts."""
    from luoshi.cases.models import GridBoundary

    scope = scope_for(user)
    now = timezone.now()
    boundaries = GridBoundary.objects.filter(unit__is_active=True)
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
    return boundaries, cases, counts


def grid_counts(user: Actor, *, township: Unit | None = None) -> list[dict[str, Any]]:
    """The map's grids as a list (its text alternative): name, code, open and overdue cases, busiest first.

    Two queries whatever the number of grids; a district has a few hundred grids at most, and the page
    paginates the list."""
    boundaries, _cases, counts = _map_scope(user, township)
    rows = [
        {
            "id": b["unit_id"],
            "name": b["unit__name"],
            "code": b["unit__code"],
            "open": counts.get(b["unit_id"], {}).get("open", 0),
            "red": counts.get(b["unit_id"], {}).get("red", 0),
        }
        for b in boundaries.values("unit_id", "unit__name", "unit__code")
    ]
    rows.sort(key=lambda r: (-r["open"], -r["red"], r["name"]))
    return rows


def map_data(user: Actor, *, township: Unit | None = None, limit: int = 1500) -> dict[str, Any]:
    """Grid boundaries in scope with open-case counts per grid, and the newest open cases with a location."""
    boundaries, cases, counts = _map_scope(user, township)
    now = timezone.now()
    features = []
    for b in boundaries.select_related("unit"):
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
    risk = key_person_risk_by_unit(user, [f["properties"]["id"] for f in features])
    if risk is not None:  # only for those who may open the key-person registry
        for f in features:
            f["properties"]["key_persons"] = risk.get(
                f["properties"]["id"], {"high": 0, "medium": 0, "low": 0, "names": {"high": [], "medium": []}}
            )
    return {
        "grids": {"type": "FeatureCollection", "features": features},
        "cases": points,
        "key_persons": risk is not None,
    }
