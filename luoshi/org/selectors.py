"""Reads for the organisation, always scoped to the user's units."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from luoshi.accounts.models import User
from luoshi.accounts.types import Actor
from luoshi.core.errors import NotFound
from luoshi.org.models import Person, Position, RoleGrant, Unit
from luoshi.org.scope import scope_for


def units_visible_to(user: Actor) -> QuerySet[Unit]:
    """The base of every unit read: the user's subtrees, nothing else."""
    scope = scope_for(user)
    if scope.is_empty:
        return Unit.objects.none()
    return Unit.objects.filter(scope.unit_q())


def access_unit(user: Actor, pk: int | str) -> Unit:
    """The unit ``pk`` if the user may see it; :class:`NotFound` whether missing or out of scope."""
    try:
        return units_visible_to(user).select_related("parent").get(pk=int(pk))
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def unit_list(
    user: Actor,
    *,
    q: str = "",
    kind: str = "",
    parent: Unit | None = None,
    within: Unit | None = None,
    include_inactive: bool = False,
) -> QuerySet[Unit]:
    qs = units_visible_to(user).select_related("parent")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if q:
        q = q.strip()
        qs = qs.filter(Q(name__icontains=q) | Q(code__iexact=q) | Q(division_code__startswith=q))
    if kind:
        qs = qs.filter(kind=kind)
    if parent is not None:
        qs = qs.filter(parent=parent)
    if within is not None:
        qs = qs.filter(path__startswith=within.path)
    return qs.annotate(child_count=Count("children", distinct=True)).order_by("depth", "sort_order", "name", "pk")


def unit_ancestors(user: Actor, unit: Unit) -> list[Unit]:
    """Visible ancestors of ``unit``, root first (for breadcrumbs)."""
    ids = unit.ancestor_ids
    if not ids:
        return []
    by_id = {u.pk: u for u in units_visible_to(user).filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]


def unit_children(user: Actor, unit: Unit) -> QuerySet[Unit]:
    return (
        units_visible_to(user)
        .filter(parent=unit, is_active=True)
        .annotate(child_count=Count("children", distinct=True), people_count=Count("positions", distinct=True))
        .order_by("sort_order", "name")
    )


def unit_positions(user: Actor, unit: Unit) -> QuerySet[Position]:
    access_unit(user, unit.pk)
    return (
        Position.objects.filter(unit=unit, person__is_active=True)
        .select_related("person", "person__user")
        .order_by("-is_leader", "sort_order", "person__name")
    )


def unit_role_grants(user: Actor, unit: Unit) -> QuerySet[RoleGrant]:
    access_unit(user, unit.pk)
    return RoleGrant.objects.filter(unit=unit).select_related("user").order_by("role", "user__username")


@dataclass
class TreeNode:
    unit: Unit
    children: list[TreeNode] = field(default_factory=list)

    @property
    def size(self) -> int:
        return 1 + sum(c.size for c in self.children)


def unit_tree(user: Actor, *, root: Unit | None = None, max_depth: int | None = None) -> list[TreeNode]:
    """The visible tree in one query, as nested nodes sorted by order and name."""
    qs = units_visible_to(user).filter(is_active=True)
    if root is not None:
        qs = qs.filter(path__startswith=root.path)
    if max_depth is not None:
        qs = qs.filter(depth__lte=max_depth)
    units = list(qs.only("id", "name", "kind", "parent_id", "path", "depth", "code", "sort_order"))
    nodes = {u.pk: TreeNode(u) for u in units}
    roots: list[TreeNode] = []
    for u in units:
        node = nodes[u.pk]
        parent = nodes.get(u.parent_id) if u.parent_id else None
        (parent.children if parent else roots).append(node)

    def sort(items: list[TreeNode]) -> None:
        items.sort(key=lambda n: (n.unit.sort_order, n.unit.name))
        for n in items:
            sort(n.children)

    sort(roots)
    return roots


def people_visible_to(user: Actor) -> QuerySet[Person]:
    scope = scope_for(user)
    if scope.is_all:
        return Person.objects.all()
    if scope.is_empty:
        return Person.objects.none()
    in_scope = Position.objects.filter(scope.unit_q("unit"), person=OuterRef("pk"))
    return Person.objects.filter(Exists(in_scope))


def person_list(user: Actor, *, q: str = "", unit: Unit | None = None) -> QuerySet[Person]:
    qs = people_visible_to(user).filter(is_active=True)
    if q:
        q = q.strip()
        qs = qs.filter(Q(name__icontains=q) | Q(positions__title__icontains=q)).distinct()
    if unit is not None:
        qs = qs.filter(Exists(Position.objects.filter(person=OuterRef("pk"), unit__path__startswith=unit.path)))
    return qs.select_related("user").prefetch_related(
        Prefetch("positions", queryset=Position.objects.select_related("unit").order_by("-is_leader", "id"))
    )


def access_person(user: Actor, pk: int | str) -> Person:
    try:
        return (
            people_visible_to(user)
            .select_related("user")
            .prefetch_related(Prefetch("positions", queryset=Position.objects.select_related("unit")))
            .get(pk=int(pk))
        )
    except (Person.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def person_for_user(user: Actor) -> Person | None:
    if not isinstance(user, User):
        return None
    return (
        Person.objects.filter(user=user)
        .prefetch_related(Prefetch("positions", queryset=Position.objects.select_related("unit")))
        .first()
    )


def person_entries(user: Actor, person: Person, limit: int = 200) -> list[Any]:
    """The person's activity log as ``user`` may read it: a position at a unit outside the user's
    scope (another township) shows as "a position outside your scope", without unit or title."""
    from django.utils.translation import gettext as _

    from luoshi.core import audit

    entries = audit.entries_for(person, limit=limit)
    unit_ids: set[int] = set()
    names: set[str] = set()
    for entry in entries:
        change = entry.changes.get("positions") or {}
        if change.get("unit_id"):
            unit_ids.add(int(change["unit_id"]))
        for text in (change.get("before"), change.get("after")):
            if text:
                names.add(str(text).split(" · ", 1)[0])
    visible = units_visible_to(user)
    seen_ids = set(visible.filter(pk__in=unit_ids).values_list("pk", flat=True)) if unit_ids else set()
    seen_names = set(visible.filter(name__in=names).values_list("name", flat=True)) if names else set()
    hidden = _("a position outside your scope")
    for entry in entries:
        change = entry.changes.get("positions")
        if not change:
            continue
        if change.get("unit_id"):
            shown = int(change["unit_id"]) in seen_ids
        else:  # entries written before the unit was recorded: judged by the unit's name
            text = change.get("before") or change.get("after") or ""
            shown = str(text).split(" · ", 1)[0] in seen_names
        if not shown:
            entry.change_rows = [  # type: ignore[attr-defined]
                (label, hidden if before else before, hidden if after else after)
                if label == audit.field_label(Person, "positions")
                else (label, before, after)
                for label, before, after in entry.change_rows  # type: ignore[attr-defined]
            ]
    return entries
