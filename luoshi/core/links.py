"""Links between domain apps that never import each other.

Domain apps (tasks, cases, indicators, projects, relocation, assessment) do not
import one another. When one must refer to another's objects it stores a plain
id (an integer column, not a foreign key) and asks this registry, which the
owning app fills from its ``AppConfig.ready``. When the owning app is not
installed, the lookups answer "nothing" (empty dicts, ``None``) and spawning
raises :class:`LinkUnavailable`, so a caller degrades instead of crashing.

Three links are defined here (docs/decisions/0400-projects-and-relocation-apps.md):

Key projects (registered by ``luoshi.projects``)
    Another app keeps ``project_id`` (a nullable positive integer) and calls
    :func:`project_refs` to show names and links (one query for many ids),
    :func:`project_choices` to offer the projects a user may see in a form, and
    :func:`project_visible` to check a submitted id. A :class:`ProjectRef` is a
    frozen snapshot: id, code, name, url, lead unit id, stage and status label.

Tasks (registered by ``luoshi.tasks``)
    :func:`spawn_task` turns a :class:`TaskRequest` (with the five fixes:
    target, responsible leader, lead unit, deadline, acceptance standard) into
    an assigned task and returns a :class:`TaskRef`. The task's state flows back
    by *pull*: :func:`task_states` reads many tasks' current states in one query;
    the caller stores what it needs (a periodic job and each page view refresh it).

Cases (registered by ``luoshi.cases``)
    :func:`file_case` files a :class:`CaseRequest` into the case loop (the
    intake every channel uses, as a staff entry). A *subject* is
    ``"<question code>:<answer>"``: the cases whose answer to that category
    question is that value, e.g. ``"enterprise:<unified social credit code>"``
    for the 企业服务（小微管家） category. :func:`case_counts` tells, per
    subject, how many cases there are and how many are closed;
    :func:`case_refs` lists them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from luoshi.core.errors import ErrorCode, LuoshiError

if TYPE_CHECKING:
    from luoshi.accounts.types import Actor


class LinkUnavailable(LuoshiError):
    status = 409
    default_code = ErrorCode.LINK_UNAVAILABLE


# --- key projects ---------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectRef:
    id: int
    code: str
    name: str
    url: str
    lead_unit_id: int | None
    stage: str
    stage_label: str
    status: str
    status_label: str


class ProjectDirectory(Protocol):
    def refs(self, ids: Iterable[int]) -> dict[int, ProjectRef]: ...

    def choices(self, user: Actor, *, q: str = "", limit: int = 50) -> list[ProjectRef]: ...

    def visible(self, user: Actor, project_id: int) -> bool: ...


_projects: ProjectDirectory | None = None


def register_project_directory(directory: ProjectDirectory) -> None:
    global _projects
    _projects = directory


def project_refs(ids: Iterable[int | None]) -> dict[int, ProjectRef]:
    """Snapshots of the projects with these ids (missing ids are left out)."""
    wanted = {int(i) for i in ids if i}
    if _projects is None or not wanted:
        return {}
    return _projects.refs(wanted)


def project_choices(user: Actor, *, q: str = "", limit: int = 50) -> list[ProjectRef]:
    """The projects ``user`` may see, for a picker (filtered by name or code)."""
    return [] if _projects is None else _projects.choices(user, q=q, limit=limit)


def project_visible(user: Actor, project_id: int) -> bool:
    return _projects is not None and _projects.visible(user, project_id)


# --- tasks --------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskRequest:
    """A task another app wants in the closed loop, with the five fixes (五定)."""

    title: str
    target: str
    acceptance: str
    lead_unit_id: int
    responsible_leader_id: int
    deadline: dt.date
    description: str = ""
    origin: str = ""  # e.g. "projects.problem:12", kept in the task's description for people


@dataclass(frozen=True)
class TaskRef:
    id: int
    number: str
    status: str
    status_label: str
    light: str
    deadline: dt.date
    url: str
    done: bool  # signed off
    closed: bool  # signed off or cancelled


class TaskSpawner(Protocol):
    def spawn(self, *, actor: Actor, request: TaskRequest) -> TaskRef: ...

    def states(self, ids: Iterable[int]) -> dict[int, TaskRef]: ...


_tasks: TaskSpawner | None = None


def register_task_spawner(spawner: TaskSpawner) -> None:
    global _tasks
    _tasks = spawner


def spawn_task(*, actor: Actor, request: TaskRequest) -> TaskRef:
    """Create and assign the task; raises the tasks app's own errors (permission, validation)."""
    if _tasks is None:
        raise LinkUnavailable("The tasks app is not installed.")
    return _tasks.spawn(actor=actor, request=request)


def task_states(ids: Iterable[int | None]) -> dict[int, TaskRef]:
    wanted = {int(i) for i in ids if i}
    if _tasks is None or not wanted:
        return {}
    return _tasks.states(wanted)


# --- cases ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRef:
    id: int
    number: str
    title: str
    status: str
    status_label: str
    closed: bool
    url: str


@dataclass(frozen=True)
class CaseCount:
    total: int = 0
    closed: int = 0


@dataclass(frozen=True)
class CaseRequest:
    """A case another app files into the case loop (as a staff entry): category by its code,
    the place (unit) it concerns, and the answers to the category's questions (``attributes``),
    which is what links it to a subject (e.g. ``{"enterprise": "<credit code>"}``)."""

    category_code: str
    unit_id: int
    title: str
    description: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    reporter_name: str = ""
    reporter_phone: str = ""


class CaseDirectory(Protocol):
    def counts(self, subjects: Iterable[str]) -> dict[str, CaseCount]: ...

    def refs(self, subject: str, *, limit: int = 50) -> list[CaseRef]: ...

    def file(self, *, actor: Actor, request: CaseRequest) -> CaseRef: ...

    def closed_by_unit(self, subject_code: str, start_at: dt.datetime, end_at: dt.datetime) -> dict[str, int]: ...


_cases: CaseDirectory | None = None


def register_case_directory(directory: CaseDirectory) -> None:
    global _cases
    _cases = directory


def case_counts(subjects: Iterable[str]) -> dict[str, CaseCount]:
    wanted = list(dict.fromkeys(subjects))
    if _cases is None or not wanted:
        return {}
    return _cases.counts(wanted)


def case_refs(subject: str, *, limit: int = 50) -> list[CaseRef]:
    return [] if _cases is None else _cases.refs(subject, limit=limit)


def cases_closed_by_unit(subject_code: str, start_at: dt.datetime, end_at: dt.datetime) -> dict[str, int]:
    """``{unit path: n}``: cases linked to a subject of kind ``subject_code`` (e.g. ``"enterprise"``)
    closed in ``start_at <= closed_at < end_at``, by the unit they concern (empty without the cases app)."""
    return {} if _cases is None else _cases.closed_by_unit(subject_code, start_at, end_at)


def file_case(*, actor: Actor, request: CaseRequest) -> CaseRef:
    """File a case through the cases app's intake; raises its errors (scope, category, text)."""
    if _cases is None:
        raise LinkUnavailable("The cases app is not installed.")
    return _cases.file(actor=actor, request=request)
