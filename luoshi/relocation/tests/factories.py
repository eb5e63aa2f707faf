"""Test data for campaigns: a small tree with a township, its 征迁 team and the people around it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from luoshi.org.models import Role, Unit, UnitKind
from luoshi.org.tests.factories import UnitFactory, user_with_role
from luoshi.relocation.models import Campaign, Household, Parcel

START = dt.date(2026, 6, 30)


@dataclass
class Scene:
    township: Unit
    team: Unit
    other_dept: Unit
    other_township: Unit
    leader: Any  # leader at the township: a commander
    staff: Any  # unit staff in the team: keeps the ledger
    other_staff: Any  # unit staff in another department of the township
    viewer: Any  # district viewer
    outsider: Any  # leader of another township
    grid: Any  # grid worker in the township's community


def scene(tree: dict[str, Any]) -> Scene:
    team = UnitFactory(name="甲征迁工作组", kind=UnitKind.DEPARTMENT, code="TAD9", parent=tree["a"])
    return Scene(
        township=tree["a"],
        team=team,
        other_dept=tree["dept"],
        other_township=tree["b"],
        leader=user_with_role(Role.LEADER, tree["a"], username="leader_a"),
        staff=user_with_role(Role.UNIT_STAFF, team, username="staff_team"),
        other_staff=user_with_role(Role.UNIT_STAFF, tree["dept"], username="staff_dept"),
        viewer=user_with_role(Role.DISTRICT_VIEWER, tree["district"], username="viewer"),
        outsider=user_with_role(Role.LEADER, tree["b"], username="leader_b"),
        grid=user_with_role(Role.GRID_WORKER, tree["grid"], username="grid_a"),
    )


def make_campaign(s: Scene, **fields: Any) -> Campaign:
    values: dict[str, Any] = {
        "code": "TA-1",
        "name": "甲一号地块征收项目",
        "unit": s.township,
        "team": s.team,
        "launched_on": START - dt.timedelta(days=10),
        "signing_starts_on": START,
        "signing_deadline": START + dt.timedelta(days=29),
        "clearance_deadline": START + dt.timedelta(days=90),
    }
    values.update(fields)
    return Campaign.objects.create(**values)


def make_parcel(campaign: Campaign, name: str = "甲一号地块", **fields: Any) -> Parcel:
    return Parcel.objects.create(campaign=campaign, name=name, **fields)


def make_household(campaign: Campaign, number: str, **fields: Any) -> Household:
    values: dict[str, Any] = {
        "owner_name": "王建国",
        "owner_id_no": "990101196501011233",
        "phone": "13912345678",
        "house_area": Decimal("100.00"),
    }
    values.update(fields)
    return Household.objects.create(campaign=campaign, number=number, **values)
