"""Factories and a small scene for project tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import factory

from luoshi.org.models import Person, Position, Role, Unit
from luoshi.org.tests.factories import UserFactory, grant
from luoshi.projects.models import Project, Stage


class ProjectFactory(factory.django.DjangoModelFactory[Project]):
    """A project row written directly; behaviour tests go through the services."""

    class Meta:
        model = Project

    code = factory.Sequence(lambda n: f"XM2026-{n:05d}")
    name = factory.Sequence(lambda n: f"重点项目{n}")
    stage = Stage.CONSTRUCTION
    total_investment = Decimal("10000")
    plan_year = 2026
    annual_plan = Decimal("1200")


@dataclass
class Scene:
    tree: dict[str, Unit]
    leader: Any  # 书记 of 甲街道 (leader role), linked to projects as a person
    leader_person: Person
    linked: Any  # a leader elsewhere (乙街道) linked to one 甲 project point-to-point
    linked_person: Person
    staff: Any  # unit staff of 甲党政办
    staff_person: Person
    supervisor: Any
    outsider: Any  # supervisor of 乙街道
    viewer: Any  # district viewer


def _person(user: Any, unit: Unit, title: str, leader: bool) -> Person:
    person = Person.objects.create(name=user.full_name, user=user)
    Position.objects.create(person=person, unit=unit, title=title, is_leader=leader)
    return person


def scene(tree: dict[str, Unit]) -> Scene:
    a, b, dept = tree["a"], tree["b"], tree["dept"]
    leader = UserFactory(username="lead", full_name="书记甲")
    grant(leader, Role.LEADER, a)
    linked = UserFactory(username="linked", full_name="挂钩领导乙")
    grant(linked, Role.LEADER, b)
    staff = UserFactory(username="staff", full_name="科员甲")
    grant(staff, Role.UNIT_STAFF, dept)
    supervisor = UserFactory(username="sup", full_name="督查员")
    grant(supervisor, Role.SUPERVISOR, a)
    outsider = UserFactory(username="out", full_name="乙街道督查")
    grant(outsider, Role.SUPERVISOR, b)
    viewer = UserFactory(username="viewer", full_name="区级")
    grant(viewer, Role.DISTRICT_VIEWER, tree["district"])
    return Scene(
        tree=tree,
        leader=leader,
        leader_person=_person(leader, a, "党工委书记", True),
        linked=linked,
        linked_person=_person(linked, b, "党工委书记", True),
        staff=staff,
        staff_person=_person(staff, dept, "科员", False),
        supervisor=supervisor,
        outsider=outsider,
        viewer=viewer,
    )


FIXED_TODAY = dt.date(2026, 4, 16)  # a Thursday
