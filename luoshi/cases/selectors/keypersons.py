"""The key-person registry: who may open it and what they see."""

from __future__ import annotations

from typing import Any

from django.db.models import Case as Case_
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value, When

from luoshi.accounts.types import Actor
from luoshi.cases.models import (
    KeyPerson,
    KeyPersonVisit,
)
from luoshi.cases.selectors.visibility import _units
from luoshi.core.errors import NotFound
from luoshi.org.scope import scope_for

# --- Key persons ------------------------------------------------------------------------------------


def key_persons_visible_to(user: Actor) -> QuerySet[KeyPerson]:
    """Restricted: permitted roles at the person's unit, or the person's own responsible cadre."""
    from luoshi.cases.permissions import KEYPERSON_ROLES

    scope = scope_for(user)
    if scope.is_all:
        return KeyPerson.objects.all()
    if not getattr(user, "is_authenticated", False):
        return KeyPerson.objects.none()
    own = Q(cadre__user=user)
    if scope.is_empty:
        return KeyPerson.objects.filter(own)
    return KeyPerson.objects.filter(Q(unit__in=_units(scope, KEYPERSON_ROLES)) | own)


def may_open_registry(user: Actor) -> bool:
    from luoshi.cases.permissions import KEYPERSON_ROLES

    scope = scope_for(user)
    return scope.is_all or bool(scope.roles & KEYPERSON_ROLES) or key_persons_visible_to(user).exists()


def key_person_list(
    user: Actor, *, q: str = "", risk: str = "", classification: str = "", active: bool = True
) -> QuerySet[KeyPerson]:
    qs = key_persons_visible_to(user).filter(is_active=active)
    if q:
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(address__icontains=q.strip()))
    if risk:
        qs = qs.filter(risk_level=risk)
    if classification:
        qs = qs.filter(classification=classification)
    last_visit = (
        KeyPersonVisit.objects.filter(key_person=OuterRef("pk")).order_by("-visited_on").values("visited_on")[:1]
    )
    return (
        qs.select_related("unit", "cadre")
        .annotate(last_visit=Subquery(last_visit), case_count=Count("cases", distinct=True))
        .order_by(
            Case_(When(risk_level="high", then=Value(0)), When(risk_level="medium", then=Value(1)), default=Value(2)),
            "name",
            "id",
        )
    )


#: How many masked names a grid shows on the map, per risk level (the registry lists them all).
MAP_NAMES_PER_LEVEL = 5


def key_person_risk_by_unit(user: Actor, unit_ids: list[int]) -> dict[int, dict[str, Any]] | None:
    """For the map: per unit, the key persons under watch by risk level, with their names masked
    (luoshi.core.masking; the registry shows the full record and logs who opens it). ``None`` for
    a user who may not open the registry. One query."""
    from luoshi.core.masking import mask_name

    if not may_open_registry(user):
        return None
    found: dict[int, dict[str, Any]] = {}
    rows = (
        key_persons_visible_to(user)
        .filter(is_active=True, unit_id__in=unit_ids)
        .order_by("unit_id", "name", "id")
        .values_list("unit_id", "risk_level", "name")
    )
    for unit_id, level, name in rows:
        entry = found.setdefault(unit_id, {"high": 0, "medium": 0, "low": 0, "names": {"high": [], "medium": []}})
        entry[level] = entry.get(level, 0) + 1
        names = entry["names"].get(level)
        if names is not None and len(names) < MAP_NAMES_PER_LEVEL:
            names.append(mask_name(name))
    return found


def access_key_person(user: Actor, pk: int | str) -> KeyPerson:
    """Not found unless the user may open this record (callers log the view: services.keyperson_open)."""
    try:
        return key_persons_visible_to(user).select_related("unit", "cadre", "cadre__user").get(pk=int(pk))
    except (KeyPerson.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
