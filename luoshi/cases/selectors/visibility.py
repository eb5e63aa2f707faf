"""Which cases a user may see: the scoped queryset every other read starts from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from luoshi.accounts.types import Actor
from luoshi.cases.models import (
    Case,
    CaseCoUnit,
)
from luoshi.core.errors import NotFound
from luoshi.org.models import Role, Unit
from luoshi.org.scope import Scope, scope_for

LIST_RELATED = ("category", "unit", "handling_unit", "owner_unit", "duplicate_of")
INBOX_HANDLER_ROLES: frozenset[str] = frozenset({Role.UNIT_STAFF, Role.COMMUNITY_STAFF, Role.GRID_WORKER})


TOWNSHIP_LEVEL = frozenset({"township", "subdistrict", "district"})


def _memo(scope: Scope) -> dict[Any, Any]:
    """Per-request memory on the scope object (``scope_for`` caches one per user object)."""
    memo = scope.__dict__.get("_case_memo")
    if memo is None:
        memo = {}
        object.__setattr__(scope, "_case_memo", memo)
    return memo


def _units(scope: Scope, roles: frozenset[str] | None = None, *, owners: bool = False) -> list[int]:
    """Ids of the units in ``scope`` (optionally: where ``roles`` are held; only township-level
    units, which can command cases). Resolved first so the database sees plain values and can
    walk an index in order; remembered for the rest of the request."""
    memo = _memo(scope)
    key = ("units", roles, owners)
    if key not in memo:
        qs = Unit.objects.filter(scope.unit_q(roles=roles))
        if owners:
            qs = qs.filter(kind__in=list(TOWNSHIP_LEVEL))
        memo[key] = list(qs.values_list("pk", flat=True))
    return memo[key]


def _township_ids(scope: Scope) -> list[int] | None:
    """When every grant sits at a township, subdistrict or district, the township-level units
    of the scope (cases are then found through their indexed ``township`` column); else None."""
    memo = _memo(scope)
    if "townships" not in memo:
        memo["townships"] = _find_township_ids(scope)
    return memo["townships"]


def _find_township_ids(scope: Scope) -> list[int] | None:
    roots = scope.root_paths()
    if not roots:
        return None
    root_ids = [int(path.strip("/").split("/")[-1]) for path in roots]
    kinds = dict(Unit.objects.filter(pk__in=root_ids).values_list("pk", "kind"))
    if not root_ids or any(kinds.get(pk) not in TOWNSHIP_LEVEL for pk in root_ids):
        return None
    return list(Unit.objects.filter(scope.unit_q(), kind__in=list(TOWNSHIP_LEVEL)).values_list("pk", flat=True))


def _visible_q(scope: Scope, narrow: Q | None = None) -> Q:
    """Cases at, commanded by, handled by or co-handled by a unit in the scope.

    Users granted at township level or above see the cases of their townships: one indexed
    ``township IN (…)`` that also keeps the newest-first order index-driven. Everyone else
    (departments, communities, grids: a few units) gets the four-way test as an OR of index
    conditions on plain ids; only when their units co-handle more than ``CO_UNIT_IDS_CAP``
    cases does it fall back to a UNION of index lookups with ``narrow`` (e.g. a box's filter)
    applied inside each part.
    """
    townships = _township_ids(scope)
    if townships is not None:
        return Q(township_id__in=townships)
    units = _units(scope)
    co_cases = _co_unit_case_ids(scope, None)
    if co_cases is not None:
        return Q(unit__in=units) | Q(owner_unit__in=units) | Q(handling_unit__in=units) | Q(pk__in=co_cases)
    return Q(pk__in=_visible_ids(scope, narrow or Q()))


#: Up to this many co-handled cases are resolved into plain ids (see ``_co_unit_case_ids``).
CO_UNIT_IDS_CAP = 1000


def _co_unit_case_ids(scope: Scope, roles: frozenset[str] | None) -> list[int] | None:
    """Ids of the cases co-handled (加派) by the scope's units, when there are at most
    ``CO_UNIT_IDS_CAP`` of them (else None). As plain values, the database can combine them
    with the other index conditions (a bitmap OR on PostgreSQL, a multi-index OR on SQLite)
    and read the rows once, already in list order, instead of collecting every visible id in
    a UNION and looking each row up again to sort it. Remembered for the rest of the request."""
    memo = _memo(scope)
    key = ("co_cases", roles)
    if key not in memo:
        ids = list(
            CaseCoUnit.objects.filter(unit__in=_units(scope, roles))
            .order_by()
            .values_list("case_id", flat=True)[: CO_UNIT_IDS_CAP + 1]
        )
        memo[key] = ids if len(ids) <= CO_UNIT_IDS_CAP else None
    return memo[key]


def _visible_ids(scope: Scope, narrow: Q) -> QuerySet[Any]:
    units = _units(scope)
    parts = [
        Case.objects.filter(narrow, unit__in=units),
        Case.objects.filter(narrow, owner_unit__in=units),
        Case.objects.filter(narrow, handling_unit__in=units),
        Case.objects.filter(narrow, pk__in=CaseCoUnit.objects.filter(unit__in=units).values("case_id")),
    ]
    ids = parts[0].order_by().values("pk")
    for part in parts[1:]:
        ids = ids.union(part.order_by().values("pk"))
    return ids


def _full_visible_q(scope: Scope) -> Q:
    """The complete test, for opening one case (a cheap primary-key lookup)."""
    units = _units(scope)
    co_cases = CaseCoUnit.objects.filter(unit__in=_units(scope)).values("case_id")
    return Q(unit__in=units) | Q(owner_unit__in=units) | Q(handling_unit__in=units) | Q(pk__in=co_cases)


def cases_visible_to(user: Actor, narrow: Q | None = None) -> QuerySet[Case]:
    """The base of every case list (``narrow``: a filter the caller will apply anyway)."""
    scope = scope_for(user)
    if scope.is_all:
        return Case.objects.all()
    if scope.is_empty:
        return Case.objects.none()
    return Case.objects.filter(_visible_q(scope, narrow))


def case_openable_by(user: Actor) -> QuerySet[Case]:
    """Cases ``user`` may open: also one dispatched into their units from another township."""
    scope = scope_for(user)
    if scope.is_all:
        return Case.objects.all()
    if scope.is_empty:
        return Case.objects.none()
    return Case.objects.filter(_full_visible_q(scope))


def access_case(user: Actor, pk: int | str) -> Case:
    """The case ``pk`` (or tracking number) if visible; :class:`NotFound` otherwise."""
    qs = case_openable_by(user).select_related(*LIST_RELATED, "township", "category__parent", "reported_by")
    try:
        if isinstance(pk, str) and not pk.isdigit():
            return qs.get(tracking_no=pk)
        return qs.get(pk=int(pk))
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


@dataclass(frozen=True)
class LinkedCase:
    """A case linked to the one shown (a merge, a key person's cases), as this user may see it.

    Outside the user's scope only the fact that there is one shows: no tracking number,
    title or status, and no link (the template says "a case outside your scope").
    """

    pk: int
    visible: bool
    tracking_no: str = ""
    title: str = ""
    status_label: str = ""


def linked_cases(user: Actor, cases: Iterable[Case]) -> list[LinkedCase]:
    """``cases`` as :class:`LinkedCase` for ``user``: one query for which of them are in scope."""
    cases = list(cases)
    ids = [c.pk for c in cases]
    visible = set(cases_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    return [
        LinkedCase(c.pk, True, c.tracking_no, c.title, str(c.get_status_display()))
        if c.pk in visible
        else LinkedCase(c.pk, False)
        for c in cases
    ]
