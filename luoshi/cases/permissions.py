"""Case permissions beyond the workflow table, registered in the central org rules.

Workflow actions are decided by :mod:`luoshi.cases.workflow` (roles per
transition at the case's units). The registry below covers what is not a
transition: intake at a place, the restricted key-person registry, daily reports
and statistics.
"""

from __future__ import annotations

from typing import Any

from luoshi.cases.workflow import ACTIVE_ROLES, COMMAND
from luoshi.org.models import Role, Unit
from luoshi.org.permissions import Rule, register

#: Who may open the key-person registry (涉稳重点人员); every view is logged.
KEYPERSON_ROLES: frozenset[str] = frozenset(
    {Role.LEADER, Role.RESPONSIBLE_LEADER, Role.SUPERVISOR, Role.ADMIN, Role.COMMUNITY_STAFF}
)
KEYPERSON_EDITORS: frozenset[str] = frozenset({Role.LEADER, Role.SUPERVISOR, Role.ADMIN, Role.COMMUNITY_STAFF})
SCREENING_ROLES: frozenset[str] = frozenset({Role.COMMUNITY_STAFF, Role.GRID_WORKER})
ASSESSMENT_ROLES: frozenset[str] = frozenset({Role.LEADER, Role.RESPONSIBLE_LEADER, Role.SUPERVISOR})
STATS_ROLES: frozenset[str] = COMMAND | {Role.DISTRICT_VIEWER}
GRID_ADMINS: frozenset[str] = frozenset({Role.ADMIN})


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
    register("daily.screening", Rule(SCREENING_ROLES, _unit_itself))
    register("daily.assessment", Rule(ASSESSMENT_ROLES, _unit_itself))
