"""Case permissions beyond the workflow table, registered in the central org rules.

Workflow actions are decided by :mod:`luoshi.cases.workflow` (roles per
transition at the case's units). The registry below covers what is not a
transition: intake at a place, the restricted key-person registry, daily reports
and statistics.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from luoshi.accounts.types import Actor
from luoshi.cases.error_codes import CaseErrorCode
from luoshi.cases.workflow import ACTIVE_ROLES, COMMAND, Where
from luoshi.org.models import Role, Unit

if TYPE_CHECKING:
    from luoshi.cases.models import Case
from luoshi.org.permissions import Rule, register
from luoshi.org.scope import scope_for

#: Who may open the key-person registry (涉稳重点人员); every view is logged.
KEYPERSON_ROLES: frozenset[str] = frozenset(
    {Role.LEADER, Role.RESPONSIBLE_LEADER, Role.SUPERVISOR, Role.ADMIN, Role.COMMUNITY_STAFF}
)
KEYPERSON_EDITORS: frozenset[str] = frozenset({Role.LEADER, Role.SUPERVISOR, Role.ADMIN, Role.COMMUNITY_STAFF})
#: Who may record a visit (走访) to a key person: the editors, and the responsible leaders (包联领导),
#: who visit the people they are linked to but do not change the registry's entries (docs/cases.md).
KEYPERSON_VISITORS: frozenset[str] = KEYPERSON_EDITORS | {Role.RESPONSIBLE_LEADER}
SCREENING_ROLES: frozenset[str] = frozenset({Role.COMMUNITY_STAFF, Role.GRID_WORKER})
ASSESSMENT_ROLES: frozenset[str] = frozenset({Role.LEADER, Role.RESPONSIBLE_LEADER, Role.SUPERVISOR})
STATS_ROLES: frozenset[str] = COMMAND | {Role.DISTRICT_VIEWER}
GRID_ADMINS: frozenset[str] = frozenset({Role.ADMIN})
#: Who records patrols and household visits (走访巡查) in a grid, and who may read them (docs/cases.md).
PATROL_RECORDERS: frozenset[str] = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF})
PATROL_READERS: frozenset[str] = PATROL_RECORDERS | frozenset(
    {Role.LEADER, Role.RESPONSIBLE_LEADER, Role.SUPERVISOR, Role.ADMIN, Role.DISTRICT_VIEWER}
)


def _unit_itself(obj: Unit) -> Unit:
    return obj


def _unit_of(obj: Any) -> Unit:
    return obj.unit


def register_rules() -> None:
    register("case.report", Rule(ACTIVE_ROLES, _unit_itself))
    register("case.stats", Rule(STATS_ROLES, _unit_itself))
    register("case.grid_import", Rule(GRID_ADMINS, _unit_itself))
    register("keyperson.view", Rule(KEYPERSON_ROLES, _unit_of))
    register("keyperson.edit", Rule(KEYPERSON_EDITORS, _unit_of, view_action="keyperson.view"))
    register("keyperson.create", Rule(KEYPERSON_EDITORS, _unit_itself))
    register("keyperson.visit", Rule(KEYPERSON_VISITORS, _unit_of, view_action="keyperson.view"))
    register("daily.screening", Rule(SCREENING_ROLES, _unit_itself))
    register("daily.assessment", Rule(ASSESSMENT_ROLES, _unit_itself))
    register("patrol.view", Rule(PATROL_READERS, _unit_itself))  # at the patrol's grid
    register("patrol.record", Rule(PATROL_RECORDERS, _unit_itself, view_action="patrol.view"))


def may_see_stats(user: Actor) -> bool:
    """May ``user`` open the case statistics (page, API and navigation ask this one question)?"""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    scope = scope_for(user)
    return scope.is_all or bool(scope.roles & STATS_ROLES)


def require_stats(user: Actor) -> None:
    """:class:`Forbidden` unless :func:`may_see_stats` (issue 15, finding 8: the API asked nothing)."""
    from luoshi.core.errors import Forbidden

    if not may_see_stats(user):
        raise Forbidden()


def read_only_message() -> str:
    """What a read-only role (the district viewer) is told when it tries to report or register a case."""
    from django.utils.translation import gettext as _

    return _("Not allowed (无权操作): your role can look at cases but not report or register them.")


def may_report(user: Actor) -> bool:
    """May ``user`` report or register a case somewhere (intake pages, their links, ``POST /api/v1/cases``)?"""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    scope = scope_for(user)
    return scope.is_all or bool(scope.roles & ACTIVE_ROLES)


def require_report(user: Actor) -> None:
    """:class:`Forbidden` (403, with the reason) for a role that may only look."""
    from luoshi.core.errors import Forbidden

    if not may_report(user):
        raise Forbidden(read_only_message(), code=CaseErrorCode.READ_ONLY)


def actor_roles(user: Actor | None, case: Case, co_units: Iterable[Unit] | None = None) -> dict[Where, frozenset[str]]:
    """The roles ``user`` holds at each of the case's units (see :class:`workflow.Where`)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    scope = scope_for(user)
    owner = scope.roles_at(case.owner_unit)
    handler = scope.roles_at(case.handling_unit) if case.handling_unit_id and case.handling_unit else frozenset()
    place = scope.roles_at(case.unit)
    if co_units is None:
        co_units = [link.unit for link in case.co_unit_links.select_related("unit")]
    co: frozenset[str] = frozenset()
    for unit in co_units:
        co |= scope.roles_at(unit)
    return {
        Where.OWNER: owner,
        Where.HANDLER: handler,
        Where.PLACE: place,
        Where.CO_UNIT: co,
        Where.ANY: owner | handler | place | co,
    }
