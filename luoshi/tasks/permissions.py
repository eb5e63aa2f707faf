"""Who sees which tasks, goals and inspections, and a user's roles on one task.

Visibility (数据范围): a user sees a task when its lead unit, one of its co-units
or its task force lies in one of their subtrees, or when they are its
responsible leader. Anything else answers 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from luoshi.org.models import Person, Role, Unit
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


#: Above this many "extra" tasks (seen through a co-unit, task force or as leader, not
#: through the lead unit) the filter keeps them as a subquery instead of a list of ids.
EXTRA_IDS_LIMIT = 2000
CO_IDS_LIMIT = 20000
UNIT_IDS_LIMIT = 5000


def task_scope_q(user: Any) -> Q | None:
    """The filter for the tasks ``user`` may see; ``None`` means all of them.

    Most visible tasks are seen through their lead unit, which the index on
    ``(lead_unit, status, light, deadline)`` answers fast. The few others, led
    outside the user's units but seen through a co-unit, the task force, or as
    responsible leader, are fetched first in one small query and added as a list
    of ids. A user whose scope holds every unit sees every task, with no filter.
    OR-ing joins or subqueries over every row instead was several times slower
    at 50,000 tasks (see bench/RESULTS-tasks.md).
    """
    scope = scope_for(user)
    if scope.is_all:
        return None
    leader_tasks = Task.objects.filter(responsible_leader_id__in=Person.objects.filter(user_id=user.pk).values("pk"))
    if not scope.grants:
        return Q(pk__in=leader_tasks.values("pk"))
    outside = Unit.objects.exclude(scope.unit_q())
    if not outside.exists():
        return None
    # The units in scope as a list of keys (while it is not huge): with literal keys
    # PostgreSQL combines the lead-unit index with the key lookups of the extra ids.
    in_scope = Unit.objects.filter(scope.unit_q())
    listed = list(in_scope.values_list("pk", flat=True)[: UNIT_IDS_LIMIT + 1])
    unit_ids: Any = listed if len(listed) <= UNIT_IDS_LIMIT else in_scope.values("pk")
    force_or_leader = (
        Task.objects.filter(task_force_id__in=unit_ids)
        .exclude(lead_unit_id__in=unit_ids)
        .order_by()
        .values_list("pk", flat=True)
        .union(leader_tasks.exclude(lead_unit_id__in=unit_ids).order_by().values_list("pk", flat=True))
    )
    co_all = Task.co_units.through.objects.filter(unit_id__in=unit_ids).order_by()
    # Co-unit rows with their task's lead unit; the ones led outside are picked in Python
    # (a join filtered by "lead not in scope" made PostgreSQL scan every task).
    pairs = list(co_all.values_list("task_id", "task__lead_unit_id")[: CO_IDS_LIMIT + 1])
    q = Q(lead_unit_id__in=unit_ids)
    if isinstance(unit_ids, list) and len(pairs) <= CO_IDS_LIMIT:
        inside = set(unit_ids)
        ids = {task_id for task_id, lead in pairs if lead not in inside}
        ids.update(force_or_leader[: EXTRA_IDS_LIMIT + 1])
        if len(ids) <= EXTRA_IDS_LIMIT:
            return q | Q(pk__in=sorted(ids)) if ids else q
    # Too many to list: keep them as subqueries.
    return q | Q(pk__in=co_all.values("task_id")) | Q(task_force_id__in=unit_ids) | Q(pk__in=leader_tasks.values("pk"))


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
