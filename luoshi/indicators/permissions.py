"""Who may read and write indicator data.

- Reading a unit's values, targets and scorecard: any role at the unit or above
  (the unit's subtree is the scope). District viewers hold their role at the
  district, so they see every township and the district-wide leaderboards.
- Entering or importing a unit's monthly values: leaders, supervisors and
  administrators at the unit or above.
- Setting a unit's annual targets: supervisors and administrators at the unit's
  *parent* or above — targets are handed down (目标下达), a township does not
  set its own. The top unit's targets need a superuser.
- The catalogue (indicators, their units, kinds and who reports them): superusers and
  administrators of a top unit (it is shared by the whole installation).
"""

from __future__ import annotations

from luoshi.accounts.types import Actor
from luoshi.org.models import Role, Unit
from luoshi.org.permissions import Rule, can, is_org_admin, register
from luoshi.org.scope import scope_for

ALL_ROLES = frozenset(Role.values)
ENTERERS = frozenset({Role.LEADER, Role.SUPERVISOR, Role.ADMIN})
TARGET_SETTERS = frozenset({Role.SUPERVISOR, Role.ADMIN})

VIEW = "indicators.view"
ENTER = "indicators.enter"
SET_TARGETS = "indicators.set_targets"


def _unit_itself(obj: Unit) -> Unit:
    return obj


def _parent_of(obj: Unit) -> Unit | None:
    return obj.parent


def register_rules() -> None:
    """Add the indicator actions to the central rule table (from ``IndicatorsConfig.ready``)."""
    register(VIEW, Rule(ALL_ROLES, _unit_itself))
    register(ENTER, Rule(ENTERERS, _unit_itself, view_action=VIEW))
    register(SET_TARGETS, Rule(TARGET_SETTERS, _parent_of, view_action=VIEW))


def can_manage_catalogue(user: Actor) -> bool:
    """Superusers and administrators of a top unit (the catalogue serves every unit below it)."""
    if not is_org_admin(user):
        return False
    if user.is_superuser:
        return True
    return any(g.role == Role.ADMIN and g.path.count("/") == 2 for g in scope_for(user).grants)


def can_enter(user: Actor, unit: Unit) -> bool:
    return can(user, ENTER, unit)


def can_set_targets_below(user: Actor, unit: Unit) -> bool:
    """May ``user`` hand down targets to the units directly below ``unit``?"""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or scope_for(user).roles_at(unit) & TARGET_SETTERS)
