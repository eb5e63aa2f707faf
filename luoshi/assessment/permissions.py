"""Who sees which schemes, runs and results, and who may act on them.

- **Organisers** — supervisors (督查) and administrators over a scheme's organising unit —
  edit the scheme, compute runs, enter manual scores, freeze, publish, decide appeals and
  archive. Everyone else holding a role over the organising unit (leaders, district
  viewers …) reads the whole run once it is computed.
- A scored unit's people (any role at or above the unit) see a **published** run's whole
  ranking — every subject's total, subtotals, rank and band: the 晾晒比拼 is public among
  the peers it ranks — but the breakdown (items, figures, the records behind them, manual
  scores, evidence, appeals) only of the results in their own scope; leaders, responsible
  leaders, supervisors and staff there may appeal it.
- A scored cadre likewise sees the published ranking of the run and their own breakdown
  (and may appeal it); leaders over the cadre's unit see the breakdowns of their scope's
  cadres.

``results_visible_to`` is what a user may open (breakdowns); ``ranking_visible_to`` is the
table they are shown. The role table in tests/test_permissions.py states both, role by role.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from luoshi.accounts.types import Actor
from luoshi.assessment.models import Result, Run, RunState, Scheme, SubjectType
from luoshi.assessment.workflow import RunRole
from luoshi.org.models import Role, Unit
from luoshi.org.permissions import ALL_ROLES, Rule, register
from luoshi.org.scope import scope_for

ORGANISERS = frozenset({Role.SUPERVISOR, Role.ADMIN})
APPELLANTS = frozenset({Role.LEADER, Role.RESPONSIBLE_LEADER, Role.SUPERVISOR, Role.UNIT_STAFF, Role.ADMIN})
READERS = frozenset(Role.values) - {Role.GRID_WORKER}
#: Who sees the cadres of their scope (a cadre's colleagues on staff see only the published ranking, and
#: only if they are scored in it themselves).
OVER_CADRES = frozenset({Role.LEADER, Role.RESPONSIBLE_LEADER, Role.SUPERVISOR, Role.ADMIN, Role.DISTRICT_VIEWER})
PUBLIC_STATES = (RunState.PUBLISHED, RunState.ARCHIVED)

VIEW = "assessment.scheme.view"
EDIT = "assessment.scheme.edit"


def _owner(obj: Scheme) -> Unit:
    return obj.owner


def register_rules() -> None:
    register(VIEW, Rule(ALL_ROLES, _owner))
    register(EDIT, Rule(ORGANISERS, _owner, view_action=VIEW))


def may_open(user: Actor) -> bool:
    """The menu entry (no query: nav runs on every page)."""
    scope = scope_for(user)
    return scope.is_all or bool(scope.roles & READERS)


def can_create_scheme(user: Actor) -> bool:
    scope = scope_for(user)
    return scope.is_all or bool(scope.roles & ORGANISERS)


def organiser_units_q(user: Actor, field: str = "") -> Q:
    return scope_for(user).unit_q(field, ORGANISERS)


def schemes_visible_to(user: Actor) -> QuerySet[Scheme]:
    scope = scope_for(user)
    if scope.is_empty:
        return Scheme.objects.none()
    return Scheme.objects.filter(scope.unit_q("owner"))


def _own_result_q(user: Actor) -> Q:
    return Q(person__user_id=user.pk) if getattr(user, "pk", None) else Q(pk__in=[])


def runs_visible_to(user: Actor) -> QuerySet[Run]:
    """Runs of schemes the user's scope covers, and published runs that score something in it (or them)."""
    scope = scope_for(user)
    if scope.is_all:
        return Run.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Run.objects.none()
    current = Result.objects.filter(run=OuterRef("pk"), is_current=True)
    units = current.filter((scope.unit_q("unit") if not scope.is_empty else Q(pk__in=[])) | _own_result_q(user))
    cadres = current.filter(
        (scope.unit_q("unit", OVER_CADRES) if not scope.is_empty else Q(pk__in=[])) | _own_result_q(user)
    )
    owned = scope.unit_q("scheme__owner") if not scope.is_empty else Q(pk__in=[])
    subject_side = (Q(scheme__subject_type=SubjectType.UNIT) & Exists(units)) | (
        Q(scheme__subject_type=SubjectType.PERSON) & Exists(cadres)
    )
    return Run.objects.filter(owned | (Q(state__in=PUBLIC_STATES) & subject_side))


def sees_whole_run(user: Actor, run: Run) -> bool:
    return scope_for(user).covers(run.scheme.owner)


def results_visible_to(user: Actor, run: Run) -> QuerySet[Result]:
    """The run's current results the user may read (all of them for readers over the organising unit)."""
    base = Result.objects.filter(run=run, is_current=True)
    if sees_whole_run(user, run):
        return base
    scope = scope_for(user)
    q = _own_result_q(user)
    if not scope.is_empty:
        q |= scope.unit_q("unit", OVER_CADRES if run.scheme.subject_type == SubjectType.PERSON else None)
    return base.filter(q)


def ranking_visible_to(user: Actor, run: Run) -> QuerySet[Result]:
    """The run's current results in the table the user is shown: the whole ranking for readers over the
    organising unit, and, once published, for anyone with a result of the run in their scope (or their own)."""
    base = Result.objects.filter(run=run, is_current=True)
    if sees_whole_run(user, run):
        return base
    if run.state in PUBLIC_STATES and results_visible_to(user, run).exists():
        return base
    return results_visible_to(user, run)


def run_roles(user: Actor, run: Run) -> frozenset[str]:
    roles: set[str] = set()
    scope = scope_for(user)
    if scope.roles_at(run.scheme.owner) & ORGANISERS:
        roles.add(RunRole.ORGANISER)
    return frozenset(roles)


def result_roles(user: Actor, run: Run, result: Result) -> frozenset[str]:
    """The user's roles towards one result: organiser of the run, and ``subject`` if they may appeal it."""
    roles = set(run_roles(user, run))
    scope = scope_for(user)
    if result.person_id is not None:
        if (result.person is not None and result.person.user_id == getattr(user, "pk", None)) or scope.roles_at(
            result.unit
        ) & {Role.LEADER, Role.RESPONSIBLE_LEADER}:
            roles.add(RunRole.SUBJECT)
    elif scope.roles_at(result.unit) & APPELLANTS and RunRole.ORGANISER not in roles and not scope.is_all:
        roles.add(RunRole.SUBJECT)
    return frozenset(roles)
