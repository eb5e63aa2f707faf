"""Who sees which tasks, goals and inspections, and a user's roles on one task.

Visibility (数据范围): a user sees a task when its lead unit, one of its co-units
or its task force lies in one of their subtrees, or when they are its
responsible leader. Anything else answers 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from luoshi.accounts.models import User
from luoshi.accounts.types import Actor
from luoshi.core.errors import Forbidden
from luoshi.org.models import Role, Unit
from luoshi.org.permissions import Rule, only_views, register, works_the_grid
from luoshi.org.scope import scope_for
from luoshi.tasks.error_codes import TaskErrorCode
from luoshi.tasks.lookups import AnyOf
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
#: through the lead unit) the filter keeps them as subqueries instead of a list of ids.
EXTRA_IDS_LIMIT = 2000
CO_IDS_LIMIT = 20000
UNIT_IDS_LIMIT = 5000


def task_scope_q(user: Actor) -> Q | None:
    """The filter for the tasks ``user`` may see; ``None`` means all of them.

    Most visible tasks are seen through their lead unit, which the index on
    ``(lead_unit, status, light, deadline)`` answers fast. The few others, led
    outside the user's units but seen through a co-unit, the task force, or as
    responsible leader, are fetched first and added as a list of ids. A user whose
    scope holds every unit sees every task, with no filter. OR-ing joins or
    subqueries over every row instead was several times slower at 50,000 tasks
    (see bench/RESULTS-tasks.md).

    Two queries after the user's grants: the units in scope (which also says whether
    any unit lies outside), then one ``UNION ALL`` of (task, lead unit) pairs through
    co-units, the task force and leadership.
    """
    scope = scope_for(user)
    if scope.is_all:
        return None
    leader_tasks = Task.objects.filter(responsible_leader__user=user) if isinstance(user, User) else Task.objects.none()
    if not scope.grants:
        return Q(pk__in=leader_tasks.values("pk"))
    in_scope = Unit.objects.filter(scope.unit_q())
    outside = Exists(Unit.objects.exclude(scope.unit_q()))
    rows = list(in_scope.annotate(outside=outside).values_list("pk", "outside")[: UNIT_IDS_LIMIT + 1])
    if rows and not rows[0][1]:
        return None
    if len(rows) > UNIT_IDS_LIMIT:
        return _subquery_scope(in_scope.values("pk"), leader_tasks)
    # The units in scope as a list of keys: with literal keys PostgreSQL combines the
    # lead-unit index with the key lookups of the extra ids.
    unit_ids = [pk for pk, _outside in rows]
    # The co-unit task's lead unit as a correlated subquery, not a join: with a join
    # PostgreSQL hashes a scan of every task (at the default random_page_cost); the
    # subquery is one primary-key lookup per co-unit row.
    lead = Task.objects.filter(pk=OuterRef("task_id")).order_by().values("lead_unit_id")[:1]
    pairs = (
        Task.co_units.through.objects.filter(AnyOf("unit_id", unit_ids))
        .order_by()
        .annotate(lead=Subquery(lead))
        .values_list("task_id", "lead")  # type: ignore[misc]
        .union(
            Task.objects.filter(AnyOf("task_force_id", unit_ids)).order_by().values_list("pk", "lead_unit_id"),
            leader_tasks.order_by().values_list("pk", "lead_unit_id"),
            all=True,
        )
    )
    # The pairs led outside are picked in Python: a join filtered by "lead not in
    # scope" made PostgreSQL scan every task.
    fetched = list(pairs[: CO_IDS_LIMIT + 1])
    if len(fetched) > CO_IDS_LIMIT:
        return _subquery_scope(unit_ids, leader_tasks)
    inside = set(unit_ids)
    ids = sorted({task_id for task_id, lead in fetched if lead not in inside})
    if len(ids) > EXTRA_IDS_LIMIT:
        return _subquery_scope(unit_ids, leader_tasks)
    q = Q(AnyOf("lead_unit_id", unit_ids))
    return q | Q(AnyOf("id", ids)) if ids else q


def _subquery_scope(unit_ids: Any, leader_tasks: QuerySet[Task]) -> Q:
    """The same filter with every part a subquery (too many ids to list)."""
    co = Task.co_units.through.objects.filter(unit_id__in=unit_ids).values("task_id")
    return (
        Q(lead_unit_id__in=unit_ids)
        | Q(pk__in=co)
        | Q(task_force_id__in=unit_ids)
        | Q(pk__in=leader_tasks.values("pk"))
    )


def tasks_visible_to(user: Actor) -> QuerySet[Task]:
    """The base of every task read: only tasks in the user's scope."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Task.objects.none()
    q = task_scope_q(user)
    return Task.objects.all() if q is None else Task.objects.filter(q)


def goals_visible_to(user: Actor) -> QuerySet[Goal]:
    scope = scope_for(user)
    if scope.is_empty:
        return Goal.objects.none()
    return Goal.objects.filter(scope.unit_q("owner_unit"))


def inspections_visible_to(user: Actor) -> QuerySet[Inspection]:
    scope = scope_for(user)
    if scope.is_empty:
        return Inspection.objects.none()
    return Inspection.objects.filter(scope.unit_q("unit"))


def task_roles(user: Actor, task: Task) -> frozenset[str]:
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


#: Who may edit a task's fields: the one question the service, the edit page and the detail page's
#: "Edit" button ask (issue 15, finding 8: the edit page opened for every role that could see the task).
EDITORS: frozenset[str] = frozenset({TaskRole.SUPERVISOR, TaskRole.LEADER})


def can_edit_task(user: Actor, task: Task) -> bool:
    return bool(task_roles(user, task) & EDITORS)


def can_create_task_in(user: Actor, unit: Unit) -> bool:
    return bool(scope_for(user).roles_at(unit) & DISPATCHERS)


def sees_the_overview(user: Actor) -> bool:
    """The supervision overview in the menu: for dispatchers and the read-only district viewer."""
    return can_dispatch_somewhere(user) or only_views(user)


def carries_tasks(user: Actor) -> bool:
    """ "My tasks" in the menu: for those who carry tasks out; a grid worker only with a task."""
    if sees_the_overview(user):
        return False
    if works_the_grid(user):
        from luoshi.tasks.selectors import my_tasks

        return my_tasks(user).exists()
    return True


def can_dispatch_somewhere(user: Actor) -> bool:
    scope = scope_for(user)
    return scope.is_all or bool(scope.roles & DISPATCHERS)


def create_refusal(user: Actor, *, parent: Task | None = None) -> Forbidden | None:
    """Why ``user`` may not open a create or import page (task, goal, inspection), or None.

    The pages, their buttons and the services ask this one question: a role that only looks
    (the district viewer) is told so with a 403, and is never shown the form. A subtask is also
    open to the doing unit of its parent.
    """
    if can_dispatch_somewhere(user):
        return None
    if parent is not None and TaskRole.DOER in task_roles(user, parent):
        return None
    return Forbidden(
        _("Not allowed (无权操作): only supervisors and leaders create, dispatch or import tasks; your role can look."),
        code=TaskErrorCode.READ_ONLY,
    )


def require_create(user: Actor, *, parent: Task | None = None) -> None:
    refused = create_refusal(user, parent=parent)
    if refused is not None:
        raise refused
