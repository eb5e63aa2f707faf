"""Who sees and changes bulletins (rows in ``org.permissions``).

- bulletins are read by the roles that issue or receive them (:data:`READER_ROLES`): not by a
  grid worker, whose grid is never addressed (the menu does not offer the pages, and they answer
  403 with the reason, :func:`require_reader`);
- ``bulletin.view``: an issued bulletin is read by every reader role in the issuing unit's
  subtree and in the units it is addressed to; drafts only by its editors and reviewers;
- ``bulletin.create`` / ``bulletin.edit``: supervisors and administrators of the issuing unit;
- transitions: the roles of the row in :data:`luoshi.bulletins.workflow.ROWS`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from luoshi.accounts.types import Actor
from luoshi.bulletins.models import Bulletin, Status
from luoshi.bulletins.workflow import EDITORS, REVIEWERS
from luoshi.core.errors import Forbidden
from luoshi.org.models import Role, Unit
from luoshi.org.permissions import Rule, register
from luoshi.org.scope import scope_for

ALL = frozenset(Role.values)
#: Roles that issue bulletins or receive them (a grid worker does neither: no menu entry, 403 on the pages).
READER_ROLES = ALL - {Role.GRID_WORKER}


def _unit(obj: Bulletin) -> Unit:
    return obj.unit


def _unit_itself(obj: Unit) -> Unit:
    return obj


def _sees_draft(user: Actor, obj: Bulletin) -> bool:
    return obj.status == Status.ISSUED or bool(scope_for(user).roles_at(obj.unit) & (EDITORS | REVIEWERS))


def register_rules() -> None:
    register("bulletin.view", Rule(READER_ROLES, _unit, check=_sees_draft))
    register("bulletin.edit", Rule(EDITORS, _unit, view_action="bulletin.view"))
    register("bulletin.create", Rule(EDITORS, _unit_itself, view_action="unit.view"))


def roles_at(user: Actor, bulletin: Bulletin) -> frozenset[str]:
    return scope_for(user).roles_at(bulletin.unit)


def can_create_somewhere(user: Actor) -> bool:
    scope = scope_for(user)
    return scope.is_all or bool(scope.roles & EDITORS)


def may_read(user: Actor) -> bool:
    """Roles that issue or receive bulletins (no query: the menu asks on every page)."""
    scope = scope_for(user)
    return scope.is_all or bool(scope.roles & READER_ROLES)


def require_reader(user: Actor) -> None:
    """403 with the reason for an account that neither issues nor receives bulletins (a grid worker's)."""
    if not may_read(user):
        raise Forbidden(
            _("Bulletins are read by the offices that issue them and the units they are addressed to; "
              "your account has no role that issues or receives them.")
        )  # fmt: skip
