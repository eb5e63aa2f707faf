"""Who sees and changes bulletins (rows in ``org.permissions``).

- ``bulletin.view``: an issued bulletin is read by every role in the issuing unit's
  subtree and in the units it is addressed to; drafts only by its editors and reviewers;
- ``bulletin.create`` / ``bulletin.edit``: supervisors and administrators of the issuing unit;
- transitions: the roles of the row in :data:`luoshi.bulletins.workflow.ROWS`.
"""

from __future__ import annotations

from luoshi.accounts.types import Actor
from luoshi.bulletins.models import Bulletin, Status
from luoshi.bulletins.workflow import EDITORS, REVIEWERS
from luoshi.org.models import Role, Unit
from luoshi.org.permissions import Rule, register
from luoshi.org.scope import scope_for

ALL = frozenset(Role.values)
#: Roles that issue bulletins or receive them (a grid worker does neither: no menu entry for them).
NAV_ROLES = ALL - {Role.GRID_WORKER}


def _unit(obj: Bulletin) -> Unit:
    return obj.unit


def _unit_itself(obj: Unit) -> Unit:
    return obj


def _sees_draft(user: Actor, obj: Bulletin) -> bool:
    return obj.status == Status.ISSUED or bool(scope_for(user).roles_at(obj.unit) & (EDITORS | REVIEWERS))


def register_rules() -> None:
    register("bulletin.view", Rule(ALL, _unit, check=_sees_draft))
    register("bulletin.edit", Rule(EDITORS, _unit, view_action="bulletin.view"))
    register("bulletin.create", Rule(EDITORS, _unit_itself, view_action="unit.view"))


def roles_at(user: Actor, bulletin: Bulletin) -> frozenset[str]:
    return scope_for(user).roles_at(bulletin.unit)


def can_create_somewhere(user: Actor) -> bool:
    scope = scope_for(user)
    return scope.is_all or bool(scope.roles & EDITORS)


def shows_in_menu(user: Actor) -> bool:
    """The menu entry (no query: nav runs on every page): roles that issue or receive bulletins."""
    scope = scope_for(user)
    return scope.is_all or bool(scope.roles & NAV_ROLES)
