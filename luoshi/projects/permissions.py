"""Who sees and changes key projects, leads and enterprises (rows in ``org.permissions``).

Visibility (数据范围): a user sees a project when its lead unit or its task force
lies in one of their subtrees, or when they are one of its linked leaders
(挂钩领导). Leads and enterprises are seen through their unit, and by the
cadre or contact linked to them. Anything else answers 404.

Who may do what, by the roles held at the project's lead unit:

- ``project.view``: every role;
- ``project.report`` (monthly investment, 形象进度 entries with photos, milestones
  done): staff of the unit, community staff, supervisors, leaders, responsible
  leaders, administrators — and the project's liaison (联络员) wherever they sit;
- ``project.manage`` (edit, stage, milestones, problems, problems to tasks,
  meetings): supervisors, leaders, responsible leaders, administrators — and
  the project's linked leaders;
- ``project.create`` in a unit: supervisors, leaders, administrators and unit staff;
- ``lead.create`` in a unit: every role there except the read-only district viewer.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from luoshi.org.models import Role, Unit
from luoshi.org.permissions import Rule, can, register, require
from luoshi.org.scope import scope_for
from luoshi.projects.models import Enterprise, Lead, Meeting, Problem, Project

ALL = frozenset(Role.values)
MANAGERS = frozenset({Role.SUPERVISOR, Role.LEADER, Role.RESPONSIBLE_LEADER, Role.ADMIN})
REPORTERS = MANAGERS | frozenset({Role.UNIT_STAFF, Role.COMMUNITY_STAFF})
CREATORS = frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN, Role.UNIT_STAFF})
#: 全员招商: every role with a place in the unit registers leads, but not the read-only district viewer.
LEAD_REGISTRARS = ALL - {Role.DISTRICT_VIEWER}


def _unit_itself(obj: Unit) -> Unit:
    return obj


def _project_unit(obj: Project) -> Unit:
    return obj.unit


def _problem_unit(obj: Problem) -> Unit:
    return obj.project.unit


def _owned_unit(obj: Lead | Enterprise | Meeting) -> Unit:
    return obj.unit


def register_rules() -> None:
    """Add the project actions to the central rule table (called from ``ProjectsConfig.ready``)."""
    register("project.view", Rule(ALL, _project_unit))
    register("project.report", Rule(REPORTERS, _project_unit, view_action="project.view"))
    register("project.manage", Rule(MANAGERS, _project_unit, view_action="project.view"))
    register("project.create", Rule(CREATORS, _unit_itself, view_action="unit.view"))
    register("problem.manage", Rule(MANAGERS, _problem_unit, view_action="project.view"))
    register("lead.view", Rule(ALL, _owned_unit))
    register("lead.manage", Rule(REPORTERS, _owned_unit, view_action="lead.view"))
    register("lead.create", Rule(LEAD_REGISTRARS, _unit_itself, view_action="unit.view"))
    register("enterprise.view", Rule(ALL, _owned_unit))
    register("enterprise.manage", Rule(CREATORS, _owned_unit, view_action="enterprise.view"))
    register("enterprise.create", Rule(CREATORS, _unit_itself, view_action="unit.view"))
    register("meeting.view", Rule(ALL, _owned_unit))
    register("meeting.manage", Rule(MANAGERS, _owned_unit, view_action="meeting.view"))
    register("meeting.create", Rule(MANAGERS, _unit_itself, view_action="unit.view"))


def person_of(user: Any) -> int | None:
    """The :class:`~luoshi.org.models.Person` id of a login (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_luoshi_person_id"):
        from luoshi.org.models import Person

        user._luoshi_person_id = Person.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()
    value: int | None = user._luoshi_person_id
    return value


def _unit_ids(user: Any) -> list[int] | None:
    """Units in the user's scope as a list of keys; ``None`` means every unit."""
    scope = scope_for(user)
    if scope.is_all:
        return None
    if not scope.grants:
        return []
    return list(Unit.objects.filter(scope.unit_q()).values_list("pk", flat=True))


def project_scope_q(user: Any) -> Q | None:
    """The filter for the projects ``user`` may see; ``None`` means all of them."""
    unit_ids = _unit_ids(user)
    if unit_ids is None:
        return None
    person = person_of(user)
    q = Q(unit_id__in=unit_ids) | Q(task_force_id__in=unit_ids) if unit_ids else Q(pk__in=[])
    if person is not None:
        linked = list(Project.leaders.through.objects.filter(person_id=person).values_list("project_id", flat=True))
        if linked:
            q |= Q(pk__in=linked)
    return q


def projects_visible_to(user: Any) -> QuerySet[Project]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Project.objects.none()
    q = project_scope_q(user)
    return Project.objects.all() if q is None else Project.objects.filter(q)


def _owned_visible(user: Any, model: type[Any], person_field: str) -> QuerySet[Any]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return model.objects.none()
    unit_ids = _unit_ids(user)
    if unit_ids is None:
        return model.objects.all()
    q = Q(unit_id__in=unit_ids)
    person = person_of(user)
    if person is not None:
        q |= Q(**{person_field: person})
    return model.objects.filter(q)


def leads_visible_to(user: Any) -> QuerySet[Lead]:
    return _owned_visible(user, Lead, "cadre_id")


def enterprises_visible_to(user: Any) -> QuerySet[Enterprise]:
    return _owned_visible(user, Enterprise, "contact_id")


def meetings_visible_to(user: Any) -> QuerySet[Meeting]:
    return _owned_visible(user, Meeting, "chair_id")


def is_linked_leader(user: Any, project: Project) -> bool:
    person = person_of(user)
    return person is not None and Project.leaders.through.objects.filter(project=project, person_id=person).exists()


def can_report(user: Any, project: Project) -> bool:
    if can(user, "project.report", project):
        return True
    person = person_of(user)
    return person is not None and (project.liaison_id == person or is_linked_leader(user, project))


def can_manage(user: Any, project: Project) -> bool:
    return can(user, "project.manage", project) or is_linked_leader(user, project)


def require_report(user: Any, project: Project) -> None:
    """Raise unless ``user`` may record on ``project`` (404 when they do not even see it, else 403)."""
    if not can_report(user, project):
        require(user, "project.report", project)


def require_manage(user: Any, project: Project) -> None:
    """Raise unless ``user`` may manage ``project`` (404 when they do not even see it, else 403)."""
    if not can_manage(user, project):
        require(user, "project.manage", project)


def require_problem_manage(user: Any, problem: Problem) -> None:
    """A problem is managed by its project's managers (asked of the project: whoever sees the project
    sees its problems, so they get 403, not 404)."""
    require_manage(user, problem.project)


def can_create_somewhere(user: Any) -> bool:
    scope = scope_for(user)
    return scope.is_all or bool(scope.roles & CREATORS)


def is_linked_to_anything(user: Any) -> bool:
    person = person_of(user)
    return person is not None and Project.leaders.through.objects.filter(person_id=person).exists()
