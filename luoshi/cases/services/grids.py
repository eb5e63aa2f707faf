"""Grid boundaries imported from GeoJSON."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.accounts.types import Actor
from luoshi.cases.error_codes import CaseErrorCode
from luoshi.cases.models import (
    GridBoundary,
)
from luoshi.core import audit
from luoshi.core.errors import Forbidden, NotFound, ValidationFailed
from luoshi.org.models import Unit, UnitKind
from luoshi.org.permissions import require

# --- Grid boundaries --------------------------------------------------------------------------------


@transaction.atomic
def grid_boundaries_import(*, actor: Actor, data: Any) -> int:
    """Import grid boundaries from a GeoJSON FeatureCollection; all or nothing, every bad feature reported.

    Each feature names its grid by ``properties.code`` (the unit's short code).
    """
    from luoshi.cases import geo

    features = data.get("features") if isinstance(data, dict) and data.get("type") == "FeatureCollection" else None
    if not isinstance(features, list) or not features:
        raise ValidationFailed(
            _("Upload a GeoJSON FeatureCollection with one feature per grid."), code=CaseErrorCode.GEOJSON
        )
    codes = [str((f.get("properties") or {}).get("code", "")).strip().upper() for f in features if isinstance(f, dict)]
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    errors: dict[str, list[str]] = {}
    rows: list[tuple[Unit, dict[str, Any]]] = []
    for number, feature in enumerate(features, start=1):
        label = f"#{number}"
        try:
            if not isinstance(feature, dict):
                raise ValidationFailed(_("Not a GeoJSON feature."))
            code = str((feature.get("properties") or {}).get("code", "")).strip().upper()
            label = f"#{number} {code}"
            unit = units.get(code)
            if unit is None or unit.kind != UnitKind.GRID:
                raise ValidationFailed(_("No grid has the code %(code)s.") % {"code": code or "—"})
            require(actor, "case.grid_import", unit)
            rows.append((unit, geo.validate_geometry(feature.get("geometry"))))
        except (ValidationFailed, NotFound, Forbidden) as exc:
            errors[label] = [str(exc.message)]
    if errors:
        raise ValidationFailed(
            _("%(n)d of %(total)d features could not be imported; nothing was changed.")
            % {"n": len(errors), "total": len(features)},
            code=CaseErrorCode.GEOJSON_ROWS,
            details=errors,
        )
    now = timezone.now()
    for unit, geometry in rows:
        min_lat, max_lat, min_lng, max_lng = geo.bbox(geometry)
        GridBoundary.objects.update_or_create(
            unit=unit,
            defaults={
                "geometry": geometry,
                "min_lat": min_lat,
                "max_lat": max_lat,
                "min_lng": min_lng,
                "max_lng": max_lng,
                "updated_at": now,
            },
        )
        audit.record(actor=actor, obj=unit, verb="grid_boundary", comment=_("Grid boundary imported"))
    return len(rows)
