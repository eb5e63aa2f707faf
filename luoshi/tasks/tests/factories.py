"""Factories and small scenes for task tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import factory

from luoshi.org.models import Person, Position, Role, Unit, UnitKind
from luoshi.org.tests.factories import UnitFactory, UserFactory, grant
from luoshi.tasks.models import Goal, Task


class GoalFactory(factory.django.DjangoModelFactory[Goal]):
    class Meta:
        model = Goal

    year = 2026
    title = factory.Sequence(lambda n: f"目标{n}")
    owner_unit = factory.SubFactory(UnitFactory)


class TaskFactory(factory.django.DjangoModelFactory[Task]):
    """A task row written directly (no workflow); use services in behaviour tests."""

    class Meta:
        model = Task

    title = factory.Sequence(lambda n: f"任务{n}")
    number = factory.Sequence(lambda n: f"DB2026-{n:05d}")
    lead_unit = factory.SubFactory(UnitFactory)
    start_date = dt.date(2026, 3, 2)
    deadline = dt.date(2026, 6, 30)


@dataclass
class Scene:
    """A subdistrict with a department and a community, and one login per role."""

    tree: dict[str, Unit]
    supervisor: Any
    leader: Any
    resp_leader: Any
    staff: Any
    staff2: Any
    community: Any
    outsider: Any
    viewer: Any
    leader_person: Person


def scene(tree: dict[str, Unit]) -> Scene:
    a, dept = tree["a"], tree["dept"]
    supervisor = UserFactory(username="sup", full_name="督查员")
    grant(supervisor, Role.SUPERVISOR, a)
    leader = UserFactory(username="lead", full_name="书记")
    grant(leader, Role.LEADER, a)
    resp = UserFactory(username="resp", full_name="副主任")
    grant(resp, Role.RESPONSIBLE_LEADER, a)
    person = Person.objects.create(name="副主任", user=resp)
    Position.objects.create(person=person, unit=a, title="办事处副主任", is_leader=True)
    staff = UserFactory(username="staff", full_name="科员甲")
    grant(staff, Role.UNIT_STAFF, dept)
    staff2 = UserFactory(username="staff2", full_name="科员乙")
    grant(staff2, Role.UNIT_STAFF, dept)
    community = UserFactory(username="comm", full_name="社区工作者")
    grant(community, Role.COMMUNITY_STAFF, tree["community"])
    outsider = UserFactory(username="out", full_name="乙街道督查")
    grant(outsider, Role.SUPERVISOR, tree["b"])
    viewer = UserFactory(username="viewer", full_name="区级")
    grant(viewer, Role.DISTRICT_VIEWER, tree["district"])
    return Scene(tree, supervisor, leader, resp, staff, staff2, community, outsider, viewer, person)


def task_force(parent: Unit, code: str = "TAZ1") -> Unit:
    return UnitFactory.create(name="征迁专班", kind=UnitKind.TASK_FORCE, code=code, parent=parent)
