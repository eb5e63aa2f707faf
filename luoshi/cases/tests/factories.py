"""Test helpers for cases: a small organisation with one login per role, and case shortcuts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from luoshi.accounts.models import User
from luoshi.cases import services, standards
from luoshi.cases.models import Case, Category, Channel
from luoshi.org.models import Role, Unit, UnitKind
from luoshi.org.tests.factories import UnitFactory, small_tree, user_with_role


@dataclass
class World:
    units: dict[str, Unit]
    supervisor: User
    leader: User
    staff: User
    staff2: User
    community: User
    grid: User
    viewer: User
    other_supervisor: User
    outsider: User

    @property
    def a(self) -> Unit:
        return self.units["a"]

    @property
    def dept(self) -> Unit:
        return self.units["dept"]

    @property
    def dept2(self) -> Unit:
        return self.units["dept2"]

    @property
    def grid_unit(self) -> Unit:
        return self.units["grid"]

    @property
    def community_unit(self) -> Unit:
        return self.units["community"]


def ensure_categories() -> None:
    """The category tree comes from a data migration; transactional tests flush it, so reload it."""
    from luoshi.cases.catalogue import load_categories
    from luoshi.cases.models import CategoryAttribute

    if not Category.objects.exists():
        load_categories(Category, CategoryAttribute)
    standards.clear_cache()


def world() -> World:
    ensure_categories()
    units = small_tree()
    units["dept2"] = UnitFactory(name="甲城管办", kind=UnitKind.DEPARTMENT, code="TAD2", parent=units["a"])
    return World(
        units=units,
        supervisor=user_with_role(Role.SUPERVISOR, units["a"], username="sup", full_name="督查员"),
        leader=user_with_role(Role.LEADER, units["a"], username="lead", full_name="书记"),
        staff=user_with_role(Role.UNIT_STAFF, units["dept"], username="staff", full_name="科员甲"),
        staff2=user_with_role(Role.UNIT_STAFF, units["dept2"], username="staff2", full_name="科员乙"),
        community=user_with_role(Role.COMMUNITY_STAFF, units["community"], username="comm", full_name="社工"),
        grid=user_with_role(Role.GRID_WORKER, units["grid"], username="gridw", full_name="网格员"),
        viewer=user_with_role(Role.DISTRICT_VIEWER, units["district"], username="viewer", full_name="区里"),
        other_supervisor=user_with_role(Role.SUPERVISOR, units["b"], username="osup", full_name="乙督查"),
        outsider=user_with_role(Role.GRID_WORKER, units["b_community"], username="out", full_name="外人"),
    )


def category(code: str = "01001") -> Category:
    return Category.objects.get(code=code)


def report(w: World, *, actor: Any = None, code: str = "01001", unit: Unit | None = None, **kwargs: Any) -> Case:
    defaults: dict[str, Any] = {
        "channel": Channel.GRID,
        "title": "路边有垃圾",
        "description": "东门口垃圾堆放两天了",
        "reporter_name": "张小明",
        "reporter_phone": "13912345678",
        "reporter_id_no": "330302199001011234",
    }
    defaults.update(kwargs)
    return services.case_report(
        actor=actor if actor is not None else w.grid, category=category(code), unit=unit or w.grid_unit, **defaults
    )


def to_state(w: World, state: str, **kwargs: Any) -> Case:
    """A case driven through the workflow to ``state`` by the right people."""
    case = report(w, **kwargs)
    steps = ["accepted", "dispatched", "handling", "handled", "closed", "rated"]
    if state == "reported":
        return case
    case = services.case_accept(actor=w.supervisor, case=case)
    if state == "accepted":
        return case
    if state == "merged":
        original = report(w, **kwargs)
        return services.case_merge(actor=w.supervisor, case=case, original=original)
    case = services.case_dispatch(actor=w.supervisor, case=case, handling_unit=w.dept)
    if state == "dispatched":
        return case
    case = services.case_start(actor=w.staff, case=case)
    if state == "handling":
        return case
    case = services.case_reply(actor=w.staff, case=case, comment="已清理")
    if state == "handled":
        return case
    case = services.case_verify(actor=w.supervisor, case=case)
    if state == "closed":
        return case
    case = services.case_rate(actor=None, case=case, rating="satisfied", token=case.public_token)
    assert state == "rated", f"unknown state {state} (known: {steps})"
    return case
