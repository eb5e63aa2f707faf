"""Who may open the cockpit: leaders, responsible leaders, supervisors and the district viewer
(and administrators, who see everything). What each panel shows is still limited to the
user's own scope by the app that provides it."""

from __future__ import annotations

from luoshi.accounts.models import User
from luoshi.accounts.types import Actor
from luoshi.org.models import Role
from luoshi.org.scope import scope_for

COCKPIT_ROLES: frozenset[str] = frozenset(
    {Role.LEADER, Role.RESPONSIBLE_LEADER, Role.SUPERVISOR, Role.DISTRICT_VIEWER, Role.ADMIN}
)


def may_open(user: Actor) -> bool:
    if not isinstance(user, User):
        return False
    scope = scope_for(user)
    return scope.is_all or bool(scope.roles & COCKPIT_ROLES)
