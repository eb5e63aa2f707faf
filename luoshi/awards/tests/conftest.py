"""A small tree with one login per demo role, award types, and a fake metric (awards read metrics only)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

import pytest

from luoshi.awards.models import AwardType, ListRule
from luoshi.core import metrics
from luoshi.core.metrics import Direction, Figure, Metric, Period, Record, Subject, SubjectKind
from luoshi.org.models import Person, Position, Role
from luoshi.org.tests.factories import UnitFactory, user_with_role

#: The fake metric's figures, by unit code and period key: higher is better.
SCORES: dict[str, dict[str, int]] = {
    "2026-Q3": {"TA01": 90, "TA02": 70, "TA03": 80, "TB01": 95},
    "2026-07": {"TA01": 3, "TA02": 1, "TA03": 1},
    "2026-08": {"TA01": 1, "TA02": 2, "TA03": 1},
    "2026-09": {"TA01": 1, "TA02": 3, "TA03": 2},
    "2026-11": {"TA01": 90, "TA02": 70, "TA03": 80, "TB01": 60},
    "2026-10": {"TA01": 80, "TA02": 80, "TA03": 80},  # all equal: nobody is best or worst
    "2026-12": {"TA01": 90, "TA02": 90, "TA03": 80},  # a tie for first place
}
PERSON_SCORES: dict[str, int] = {}


def _fake(subjects: Sequence[Subject], period: Period, param: str) -> Mapping[Subject, Figure]:
    from luoshi.org.models import Unit

    codes = dict(Unit.objects.filter(pk__in=[s.id for s in subjects]).values_list("pk", "code"))
    table = SCORES.get(period.key, {})
    out = {}
    for s in subjects:
        if s.kind == SubjectKind.PERSON:
            value = PERSON_SCORES.get(f"{period.key}:{s.id}")
        else:
            value = table.get(codes.get(s.id, ""))
        if value is not None:
            out[s] = Figure(Decimal(value), count=1, basis=f"{value} pts")
    return out


def _records(subject: Subject, period: Period, param: str, limit: int) -> Sequence[Record]:
    return []


@pytest.fixture(autouse=True)
def fake_metrics() -> Iterator[None]:
    both = frozenset({SubjectKind.UNIT, SubjectKind.PERSON})
    metrics.register_metric(Metric("fake.score", "Score", "pts", Direction.HIGHER, both, _fake, _records))
    metrics.register_metric(Metric("fake.rank", "Rank", "place", Direction.LOWER, both, _fake, _records))
    yield
    metrics.unregister_metric("fake.score")
    metrics.unregister_metric("fake.rank")


@pytest.fixture
def org(tree: dict[str, Any]) -> dict[str, Any]:
    """Township a with three communities (TA01–TA03); b with one (TB01)."""
    a, b = tree["a"], tree["b"]
    tree["community"].code = "TA01"
    tree["community"].save()
    c2 = UnitFactory(name="甲二社区", kind="community", code="TA02", parent=a)
    c3 = UnitFactory(name="甲三社区", kind="community", code="TA03", parent=a)
    cadre = Person.objects.create(name="李服务")
    Position.objects.create(person=cadre, unit=tree["community"], title="社区书记")
    users = {
        "admin": user_with_role(Role.ADMIN, tree["district"], username="w_admin"),
        "leader": user_with_role(Role.LEADER, a, username="w_leader"),
        "resp_leader": user_with_role(Role.RESPONSIBLE_LEADER, a, username="w_resp"),
        "supervisor": user_with_role(Role.SUPERVISOR, a, username="w_sup", full_name="督查员"),
        "staff": user_with_role(Role.UNIT_STAFF, tree["dept"], username="w_staff"),
        "community": user_with_role(Role.COMMUNITY_STAFF, tree["community"], username="w_comm"),
        "grid": user_with_role(Role.GRID_WORKER, tree["grid"], username="w_grid"),
        "district": user_with_role(Role.DISTRICT_VIEWER, tree["district"], username="w_district"),
        "tongtai": user_with_role(Role.SUPERVISOR, b, username="w_other"),
    }
    star = AwardType.objects.create(
        code="t_star", name="惠民之星", contest="比情怀", metric="fake.score", unit_kinds=["community"],
        suggest=2, winners=1,
    )  # fmt: skip
    cadre_star = AwardType.objects.create(
        code="t_cadre", name="服务之星", contest="比本领", metric="fake.score", subject_kind="person", unit_kinds=[]
    )
    champion = AwardType.objects.create(
        code="t_champ", name="冲刺单项冠军", kind="champion", metric="fake.rank", period_kind="month", streak=3,
        unit_kinds=["community"],
    )  # fmt: skip
    ListRule.objects.all().delete()
    rules = [
        ListRule.objects.create(name="前二", color="red", metric="fake.score", mode="best", count=2,
                                unit_kinds=["community"]),
        ListRule.objects.create(name="末位", color="black", metric="fake.score", mode="worst", count=1,
                                unit_kinds=["community"]),
        ListRule.objects.create(name="低于75", color="black", metric="fake.score", mode="at_most",
                                threshold=Decimal(75), unit_kinds=["community"]),
    ]  # fmt: skip
    return {
        **tree, **users, "c1": tree["community"], "c2": c2, "c3": c3, "cadre": cadre, "star": star,
        "cadre_star": cadre_star, "champion": champion, "rules": rules,
    }  # fmt: skip
