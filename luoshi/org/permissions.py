"""The one place that decides what a user may do (``can``) and see (``*_visible_to``).

Every action is a row in :data:`RULES`: the roles that may perform it and how to
find the unit an object belongs to. A role counts when it was granted at that
unit or at one of its ancestors. Apps add their own rows with :func:`register`.

``require`` raises :class:`NotFound` when the user may not even see the object
(so its existence is not revealed) and :class:`Forbidden` when they may see it
but not perform the action.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from luoshi.accounts.types import Actor
from luoshi.core.errors import Forbidden, NotFound
from luoshi.org.models import Person, Position, Role, RoleGrant, Unit
from luoshi.org.scope import scope_for

ALL_ROLES: frozenset[str] = frozenset(Role.values)
MANAGERS: frozenset[str] = frozenset({Role.ADMIN})


@dataclass(frozen=True)
class Rule:
    """Who may perform an action, and where the object sits in the tree."""

    roles: frozenset[str]
    unit_of: Callable[[Any], Unit | None]
    view_action: str | None = None  # what the user needs to see the object at all
    check: Callable[[Actor, Any], bool] | None = None  # extra condition (user, obj)


def _unit_itself(obj: Unit) -> Unit:
    return obj


def _unit_of_position(obj: Position) -> Unit:
    return obj.unit


def _unit_of_grant(obj: RoleGrant) -> Unit:
    return obj.unit


RULES: dict[str, Rule] = {}


def register(action: str, rule: Rule) -> None:
    RULES[action] = rule


register("unit.view", Rule(ALL_ROLES, _unit_itself))
register("unit.edit", Rule(MANAGERS, _unit_itself, view_action="unit.view"))
register("unit.add_child", Rule(MANAGERS, _unit_itself, view_action="unit.view"))
register("unit.manage_people", Rule(MANAGERS, _unit_itself, view_action="unit.view"))
register("unit.grant_role", Rule(MANAGERS, _unit_itself, view_action="unit.view"))
register("unit.view_activity", Rule(ALL_ROLES, _unit_itself))
# The view action of a rule is checked on the same object, so positions and grants have their own.
register("position.view", Rule(ALL_ROLES, _unit_of_position))
register("position.edit", Rule(MANAGERS, _unit_of_position, view_action="position.view"))
register("role_grant.view", Rule(ALL_ROLES, _unit_of_grant))
register("role_grant.revoke", Rule(MANAGERS, _unit_of_grant, view_action="role_grant.view"))


def can(user: Actor, action: str, obj: Any) -> bool:
    """May ``user`` perform ``action`` on ``obj``?"""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if isinstance(obj, Person):
        return _can_person(user, action, obj)
    rule = RULES.get(action)
    if rule is None:
        raise KeyError(f"unknown action {action!r}")
    unit = rule.unit_of(obj)
    if unit is None:
        return bool(user.is_superuser)
    scope = scope_for(user)
    if not scope.roles_at(unit) & rule.roles:
        return False
    return rule.check is None or rule.check(user, obj)


def require(user: Actor, action: str, obj: Any) -> None:
    """Raise unless ``user`` may perform ``action`` on ``obj`` (404 if not even visible)."""
    if can(user, action, obj):
        return
    rule = RULES.get(action)
    view_action = "person.view" if isinstance(obj, Person) else (rule.view_action if rule else None)
    if view_action and view_action != action and can(user, view_action, obj):
        raise Forbidden()
    raise NotFound()


def _can_person(user: Actor, action: str, person: Person) -> bool:
    """People are seen through their positions: in scope when one of their units is."""
    if user.is_superuser:
        return True
    scope = scope_for(user)
    units = [p.unit for p in person.positions.all()]
    if action == "person.view":
        return any(scope.covers(u) for u in units)
    if action == "person.edit":
        return any(scope.roles_at(u) & MANAGERS for u in units)
    raise KeyError(f"unknown action {action!r}")


def is_org_admin(user: Actor) -> bool:
    """Does ``user`` administer some part of the organisation?"""
    return bool(getattr(user, "is_authenticated", False)) and (user.is_superuser or Role.ADMIN in scope_for(user).roles)


# --- What a person's day is made of (homes and menus) ---------------------------------------------

#: Roles that oversee the work of others: their home opens with the figures strip.
OVERSIGHT_ROLES: frozenset[str] = frozenset(
    {Role.LEADER, Role.RESPONSIBLE_LEADER, Role.SUPERVISOR, Role.DISTRICT_VIEWER, Role.ADMIN}
)


def oversees(user: Actor) -> bool:
    """Does ``user`` oversee units (leader, supervisor, district viewer, administrator)?"""
    scope = scope_for(user)
    return scope.is_all or bool(scope.roles & OVERSIGHT_ROLES)


def works_the_grid(user: Actor) -> bool:
    """Is ``user`` a grid worker and nothing else? Their menu is built around the grid."""
    scope = scope_for(user)
    return not scope.is_all and bool(scope.roles) and scope.roles <= {Role.GRID_WORKER}


def only_views(user: Actor) -> bool:
    """Does ``user`` only read (a district viewer with no other role)?"""
    scope = scope_for(user)
    return not scope.is_all and bool(scope.roles) and scope.roles <= {Role.DISTRICT_VIEWER}
