"""Who sees which rounds and lists, and a user's roles on one of them.

- A round or a list is seen by everyone whose scope covers its unit (district viewers,
  leaders above it) and by everyone with a role inside its subtree (a township sees the
  district's rounds it may nominate in, and the district's published lists).
- Organisers: leaders, responsible leaders, supervisors and administrators at its unit.
- Nominators: the active roles (all but district viewers) over units inside its subtree;
  they put forward units and cadres in their own scope.
- Panel members vote, whatever their role.
"""

from __future__ import annotations

from django.db.models import Q

from luoshi.accounts.models import User
from luoshi.accounts.types import Actor
from luoshi.awards.models import AwardRound, ListIssue, PanelMember
from luoshi.awards.workflow import NOMINATOR, ORGANISER, PANEL
from luoshi.org.models import Role, Unit
from luoshi.org.scope import scope_for

ORGANISERS = frozenset({Role.LEADER, Role.RESPONSIBLE_LEADER, Role.SUPERVISOR, Role.ADMIN})
NOMINATORS = frozenset(Role.values) - {Role.DISTRICT_VIEWER, Role.GRID_WORKER}


def unit_q(user: Actor, field: str = "unit") -> Q:
    """Rows whose ``field`` unit is in the user's scope or above one of the user's units."""
    scope = scope_for(user)
    if scope.is_all:
        return Q()
    above: set[int] = set()
    for grant in scope.grants:
        above.update(int(p) for p in grant.path.strip("/").split("/") if p)
    return scope.unit_q(field) | Q(**{f"{field}_id__in": sorted(above)})


def is_organiser(user: Actor, unit: Unit) -> bool:
    return bool(scope_for(user).roles_at(unit) & ORGANISERS)


def may_organise_somewhere(user: Actor) -> bool:
    scope = scope_for(user)
    return scope.is_all or bool(scope.roles & ORGANISERS)


def organiser_units(user: Actor) -> list[Unit]:
    """The units where the user may open rounds and lists (where an organiser role was granted)."""
    scope = scope_for(user)
    if scope.is_all:
        return list(Unit.objects.filter(parent__isnull=True, is_active=True))
    ids = [g.unit_id for g in scope.grants if g.role in ORGANISERS]
    return list(Unit.objects.filter(pk__in=ids, is_active=True).order_by("path"))


def _nominates_in(user: Actor, unit: Unit) -> bool:
    scope = scope_for(user)
    if scope.is_all:
        return True
    return any(
        g.role in NOMINATORS and (g.path.startswith(unit.path) or unit.path.startswith(g.path)) for g in scope.grants
    )


def round_roles(user: Actor, rnd: AwardRound) -> frozenset[str]:
    roles: set[str] = set()
    if is_organiser(user, rnd.unit):
        roles.add(ORGANISER)
    if _nominates_in(user, rnd.unit):
        roles.add(NOMINATOR)
    if isinstance(user, User) and PanelMember.objects.filter(round=rnd, user=user).exists():
        roles.add(PANEL)
    return frozenset(roles)


def list_roles(user: Actor, issue: ListIssue) -> frozenset[str]:
    return frozenset({ORGANISER}) if is_organiser(user, issue.unit) else frozenset()


def may_nominate(user: Actor, unit: Unit) -> bool:
    """May ``user`` put ``unit`` (or a cadre working there) forward: is it in their scope, as a nominator?"""
    return may_nominate_path(user, unit.path)


def may_nominate_path(user: Actor, path: str) -> bool:
    scope = scope_for(user)
    if scope.is_all:
        return True
    return any(g.role in NOMINATORS and path.startswith(g.path) for g in scope.grants)
