"""Data scope (数据范围): which units a login may see, and with which roles.

A role granted at a unit applies to that unit's whole subtree. Superusers see
everything. The scope is computed once per user object and cached on it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db.models import Q

from luoshi.accounts.models import User
from luoshi.accounts.types import Actor
from luoshi.org.models import Role, RoleGrant, Unit

_CACHE_ATTR = "_luoshi_scope"


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: int
    path: str


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    is_all: bool
    grants: tuple[Grant, ...]

    @property
    def is_empty(self) -> bool:
        return not self.is_all and not self.grants

    @property
    def roles(self) -> frozenset[str]:
        if self.is_all:
            return frozenset(Role.values)
        return frozenset(g.role for g in self.grants)

    def root_paths(self, roles: frozenset[str] | None = None) -> list[str]:
        """The tops of the visible subtrees, with nested ones removed."""
        paths = sorted({g.path for g in self.grants if roles is None or g.role in roles})
        tops: list[str] = []
        for path in paths:
            if not any(path.startswith(top) for top in tops):
                tops.append(path)
        return tops

    def unit_q(self, field: str = "", roles: frozenset[str] | None = None) -> Q:
        """A filter on units (``field=""``) or on a unit foreign key (``field="unit"``)."""
        if self.is_all:
            return Q()
        lookup = f"{field}__path__startswith" if field else "path__startswith"
        q = Q(pk__in=[]) if not field else Q(**{f"{field}__pk__in": []})
        for path in self.root_paths(roles):
            q |= Q(**{lookup: path})
        return q

    def roles_at(self, unit: Unit) -> frozenset[str]:
        """Roles this user holds at ``unit`` (granted at it or at an ancestor)."""
        if self.is_all:
            return frozenset(Role.values)
        return frozenset(g.role for g in self.grants if unit.path.startswith(g.path))

    def covers(self, unit: Unit) -> bool:
        return self.is_all or any(unit.path.startswith(g.path) for g in self.grants)

    def home_units(self) -> list[int]:
        """The units where this user's roles were granted, in grant order."""
        seen: list[int] = []
        for g in self.grants:
            if g.unit_id not in seen:
                seen.append(g.unit_id)
        return seen


def scope_for(user: Actor | None) -> Scope:
    """The cached :class:`Scope` of ``user`` (anonymous users see nothing)."""
    if not isinstance(user, User) or not user.is_active:
        return Scope(user_id=None, is_all=False, grants=())
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    rows = (
        RoleGrant.objects.filter(user=user, unit__is_active=True)
        .order_by("id")
        .values_list("role", "unit_id", "unit__path")
    )
    grants = tuple(Grant(role=r, unit_id=u, path=p) for r, u, p in rows)
    scope = Scope(user_id=user.pk, is_all=bool(user.is_superuser), grants=grants)
    setattr(user, _CACHE_ATTR, scope)
    return scope


def reuse_scope(user: Actor, scope: Scope) -> None:
    """Give ``user`` an already computed scope, as a fresh object (so nothing remembered on the
    old one during another request carries over)."""
    setattr(user, _CACHE_ATTR, replace(scope))


def forget_scope(user: User) -> None:
    """Drop the cached scope, e.g. after roles change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
