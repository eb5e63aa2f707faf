"""Who sees which tasks, goals and inspections, and a user's roles on one task.

Visibility (数据范围): a user sees a task when its lead unit, one of its co-units
or its task force lies in one of their subtrees, or when they are its
responsible leader. Anything else answers 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from luoshi.org.models import Role, Unit
from luoshi.org.permissions import Rule, register
from luoshi.org.scope import scope_for
from luoshi.tasks.models import Goal, Inspection, Task
from luoshi.tasks.workflow import TaskRole

DISPATCHERS = frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN})
REVIEWERS = frozenset({Role.SUPERVISOR, Role.LEADER, Role.RESPONSIBLE_LEADER, Role.ADMIN})
DOERS = frozenset({Role.UNIT_STAFF, Role.COMMUNITY_STAFF, Role.GRID_WORKER})
ALL = frozenset(Role.values)


def _unit_itself(obj: Unit) -> Unit:
    return obj


def _goal_unit(obj: Goal) -> Unit:
    return obj.owner_unit


def _inspection_unit(obj: Inspection) -> Unit:
    return obj.unit


def register_rules() -> None:
    """Add the task actions to the central rule table (called from ``TasksConfig.ready``)."""
    register("task.create", Rule(DISPATCHERS, _unit_itself, view_action="unit.view"))
    register("goal.view", Rule(ALL, _goal_unit))
    register("goal.manage", Rule(DISPATCHERS, _goal_unit, view_action="goal.view"))
    register("goal.create", Rule(DISPATCHERS, _unit_itself, view_action="unit.view"))
    register("inspection.view", Rule(ALL, _inspection_unit))
    register("inspection.manage", Rule(DISPATCHERS, _inspection_unit, view_action="inspection.view"))
    register("inspection.create", Rule(DISPATCHERS, _unit_itself, view_action="unit.view"))


def _co_unit_q(scope: Any) -> Q:
    through = Task.co_units.through
    inner = through.objects.filter(task_id=OuterRef("pk")).filter(scope.unit_q("unit"))
    return Q(Exists(inner))


def task_scope_q(user: Any) -> Q | None:
    """The filter for the tasks ``user`` may see; ``None`` means all of them."""
    scope = scope_for(user)
    if scope.is_all:
        return None
    q = Q(responsible_leader__user_id=user.pk) if getattr(user, "pk", None) else Q(pk__in=[])
    if scope.grants:
        q |= scope.unit_q("lead_unit") | scope.unit_q("task_force") | _co_unit_q(scope)
    return q


def tasks_visible_to(user: Any) -> QuerySet[Task]:
    """The base of every task read: only tasks in the user's scope."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Task.objects.none()
    q = task_scope_q(user)
    return Task.objects.all() if q is None else Task.objects.filter(q)


def goals_visible_to(user: Any) -> QuerySet[Goal]:
    scope = scope_for(user)
    if scope.is_empty:
        return Goal.objects.none()
    return Goal.objects.filter(scope.unit_q("owner_unit"))


def inspections_visible_to(user: Any) -> QuerySet[Inspection]:
    scope = scope_for(user)
    if scope.is_empty:
        return Inspection.objects.none()
    return Inspection.objects.filter(scope.unit_q("unit"))


def task_roles(user: Any, task: Task) -> frozenset[str]:
    """The user's relation to ``task`` (see :mod:`luoshi.tasks.workflow`)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    scope = scope_for(user)
    at_lead = scope.roles_at(task.lead_unit)
    roles: set[str] = set()
    if at_lead & {Role.SUPERVISOR, Role.ADMIN}:
        roles.add(TaskRole.SUPERVISOR)
    if Role.LEADER in at_lead:
        roles.add(TaskRole.LEADER)
    if Role.RESPONSIBLE_LEADER in at_lead:
        roles.add(TaskRole.RESPONSIBLE_LEADER)
    leader = task.responsible_leader
    if leader is not None and leader.user_id is not None and leader.user_id == user.pk:
        roles.add(TaskRole.RESPONSIBLE_LEADER)
    doer_roles = at_lead
    if task.task_force_id is not None and task.task_force is not None:
        doer_roles = doer_roles | scope.roles_at(task.task_force)
    if doer_roles & DOERS or (user.is_superuser and at_lead):
        roles.add(TaskRole.DOER)
    return frozenset(roles)


def can_create_task_in(user: Any, unit: Unit) -> bool:
    return bool(scope_for(user).roles_at(unit) & DISPATCHERS)


def can_dispatch_somewhere(user: Any) -> bool:
    scope = scope_for(user)
    return scope.is_all or bool(scope.roles & DISPATCHERS)
