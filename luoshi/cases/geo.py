"""Grid boundaries: GeoJSON import, point-in-polygon, and finding the grid of a point.

Coordinates are WGS84; GeoJSON positions are ``[longitude, latitude]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from luoshi.cases.error_codes import CaseErrorCode
from luoshi.core.errors import ValidationFailed

Ring = Sequence[Sequence[float]]


def _in_ring(lng: float, lat: float, ring: Ring) -> bool:
    """Ray casting: is the point inside the closed ring?"""
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat):
            x_cross = (xj - xi) * (lat - yi) / ((yj - yi) or 1e-300) + xi
            if lng < x_cross:
                inside = not inside
        j = i
    return inside


def _polygons(geometry: dict[str, Any]) -> Iterable[Sequence[Ring]]:
    kind = geometry.get("type")
    if kind == "Polygon":
        yield geometry["coordinates"]
    elif kind == "MultiPolygon":
        yield from geometry["coordinates"]


def contains(geometry: dict[str, Any], lat: float, lng: float) -> bool:
    for polygon in _polygons(geometry):
        if polygon and _in_ring(lng, lat, polygon[0]) and not any(_in_ring(lng, lat, hole) for hole in polygon[1:]):
            return True
    return False


def bbox(geometry: dict[str, Any]) -> tuple[float, float, float, float]:
    """``(min_lat, max_lat, min_lng, max_lng)`` of a Polygon or MultiPolygon."""
    lats: list[float] = []
    lngs: list[float] = []
    for polygon in _polygons(geometry):
        for ring in polygon:
            for position in ring:
                lngs.append(float(position[0]))
                lats.append(float(position[1]))
    if not lats:
        raise ValidationFailed(_("The boundary has no coordinates."), code=CaseErrorCode.GEOMETRY_EMPTY)
    return min(lats), max(lats), min(lngs), max(lngs)


def validate_geometry(geometry: Any) -> dict[str, Any]:
    """A GeoJSON Polygon or MultiPolygon with closed rings of valid WGS84 positions."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValidationFailed(
            _("A grid boundary must be a GeoJSON Polygon or MultiPolygon."), code=CaseErrorCode.GEOMETRY_TYPE
        )
    try:
        polygons = list(_polygons(geometry))
        for polygon in polygons:
            for ring in polygon:
                if len(ring) < 4 or list(ring[0]) != list(ring[-1]):
                    raise ValidationFailed(
                        _("Each ring needs at least four positions and must end where it starts."),
                        code=CaseErrorCode.GEOMETRY_RING,
                    )
                for lng, lat, *_rest in ring:
                    if not (-180 <= float(lng) <= 180 and -90 <= float(lat) <= 90):
                        raise ValidationFailed(
                            _("A position is outside longitude −180…180 / latitude −90…90."),
                            code=CaseErrorCode.GEOMETRY_RANGE,
                        )
    except (TypeError, ValueError, KeyError):
        raise ValidationFailed(
            _("The boundary coordinates are not valid GeoJSON."), code=CaseErrorCode.GEOMETRY_INVALID
        ) from None
    if not polygons:
        raise ValidationFailed(_("The boundary has no coordinates."), code=CaseErrorCode.GEOMETRY_EMPTY)
    return geometry
