"""Services: registry writes, money, problems into the task loop and back, permissions, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from luoshi.core import links
from luoshi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from luoshi.core.models import ActivityLog
from luoshi.projects import selectors, services
from luoshi.projects.models import Investment, Problem, Project
from luoshi.projects.tests.factories import Scene

pytestmark = pytest.mark.django_db


def data(s: Scene, **overrides: Any) -> services.ProjectData:
    values: dict[str, Any] = {
        "name": "城东数字经济产业园",
        "unit": s.tree["dept"],
        "total_investment": "120000",
        "annual_plan": "1000",
        "plan_year": 2026,
        "stage": "construction",
        "levels": ["province", "city", "county"],
        "leaders": [s.leader_person, s.linked_person],
    }
    values.update(overrides)
    return services.ProjectData(**values)


def test_register_a_project_on_three_lists(s: Scene, fixed_today: dt.date) -> None:
    project = services.project_create(actor=s.leader, data=data(s))
    assert project.code == "XM2026-00001"
    assert project.levels == ["province", "city", "county"]
    assert [p.name for p in project.leaders.order_by("pk")] == ["书记甲", "挂钩领导乙"]
    # Nothing invested yet at 28 % of the year (with the bundled 2026 holidays): behind and red.
    assert (project.schedule, project.light, project.time_progress) == ("behind", "red", 28)
    assert ActivityLog.objects.filter(object_id=str(project.pk), verb="create").count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": " "}, "name"),
        ({"total_investment": "-1"}, "total_investment"),
        ({"total_investment": "abc"}, "total_investment"),
        ({"annual_plan": "1000000000"}, "annual_plan"),
        ({"total_investment": "500", "annual_plan": "600"}, "annual_plan"),
        ({"plan_year": 1999}, "plan_year"),
        ({"levels": ["galaxy"]}, "levels"),
        ({"kind": "spaceport"}, "kind"),
        ({"lat": "91"}, "lat"),
        ({"polygon": {"type": "Point", "coordinates": [1, 2]}}, "polygon"),
        ({"planned_start": dt.date(2026, 5, 1), "planned_finish": dt.date(2026, 4, 1)}, "planned_finish"),
    ],
)
def test_bad_input_is_refused_per_field(s: Scene, fixed_today: dt.date, overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.project_create(actor=s.leader, data=data(s, **overrides))
    assert field in exc.value.details
    assert Project.objects.count() == 0


def test_who_may_register_where(s: Scene, fixed_today: dt.date) -> None:
    with pytest.raises(NotFound):  # 甲街道 is outside 乙's scope
        services.project_create(actor=s.outsider, data=data(s))
    with pytest.raises(Forbidden):  # a district viewer sees 甲 but may not register
        services.project_create(actor=s.viewer, data=data(s))
    with pytest.raises(NotFound):  # unit staff register only in their own unit
        services.project_create(actor=s.staff, data=data(s, unit=s.tree["a"]))
    assert services.project_create(actor=s.staff, data=data(s, unit=s.tree["dept"])).unit == s.tree["dept"]


def test_monthly_investment_moves_the_status(s: Scene, fixed_today: dt.date) -> None:
    project = services.project_create(actor=s.leader, data=data(s))
    services.investment_record(actor=s.staff, project=project, month=dt.date(2026, 1, 1), amount="100")
    services.investment_record(actor=s.staff, project=project, month=dt.date(2026, 3, 15), amount="150")
    project.refresh_from_db()
    assert (project.completed_year, project.schedule, project.light) == (Decimal("250.00"), "on_track", "green")
    # A correction replaces the month's figure (not added to it).
    services.investment_record(actor=s.staff, project=project, month=dt.date(2026, 3, 1), amount="50")
    project.refresh_from_db()
    assert project.completed_year == Decimal("150.00")
    assert project.schedule == "behind"
    assert Investment.objects.filter(project=project).count() == 2
    assert ActivityLog.objects.filter(object_id=str(project.pk), verb="project.investment").count() == 3


def test_investment_by_ten_day_periods_and_its_bounds(s: Scene, fixed_today: dt.date) -> None:
    project = services.project_create(actor=s.leader, data=data(s))
    services.investment_record(actor=s.staff, project=project, month=dt.date(2026, 2, 1), amount="10", period=1)
    services.investment_record(actor=s.staff, project=project, month=dt.date(2026, 2, 1), amount="20", period=2)
    with pytest.raises(ValidationFailed):  # the month is kept by 旬 now
        services.investment_record(actor=s.staff, project=project, month=dt.date(2026, 2, 1), amount="30")
    with pytest.raises(ValidationFailed):  # a month still to come
        services.investment_record(actor=s.staff, project=project, month=dt.date(2026, 5, 1), amount="1")
    with pytest.raises(ValidationFailed):
        services.investment_record(actor=s.staff, project=project, month=dt.date(2026, 4, 1), amount="-1")
    with pytest.raises(NotFound):  # outside 乙's scope
        services.investment_record(actor=s.outsider, project=project, month=dt.date(2026, 4, 1), amount="1")
    project.refresh_from_db()
    assert project.completed_year == Decimal("30.00")


def test_a_linked_leader_outside_the_unit_sees_and_manages_their_project(s: Scene, fixed_today: dt.date) -> None:
    project = services.project_create(actor=s.leader, data=data(s))
    other = services.project_create(actor=s.leader, data=data(s, name="另一个项目", leaders=[]))
    visible = list(selectors.project_list(s.linked).values_list("pk", flat=True))
    assert visible == [project.pk]
    assert selectors.access_project(s.linked, project.pk) == project
    with pytest.raises(NotFound):
        selectors.access_project(s.linked, other.pk)
    services.milestone_add(actor=s.linked, project=project, title="主体结顶", due_date=dt.date(2026, 4, 21))
    project.refresh_from_db()
    assert project.next_milestone_due == dt.date(2026, 4, 21)


def test_stage_steps_follow_the_table(s: Scene, fixed_today: dt.date) -> None:
    project = services.project_create(actor=s.leader, data=data(s, stage="preparation"))
    with pytest.raises(NotFound):
        services.project_step(actor=s.outsider, project=project, action="advance")
    with pytest.raises(ValidationFailed):  # stepping back needs a reason
        services.project_step(actor=s.leader, project=project, action="step_back")
    project = services.project_step(actor=s.leader, project=project, action="advance")
    assert (project.stage, project.actual_start) == ("construction", fixed_today)
    with pytest.raises(Conflict):
        services.project_step(actor=s.leader, project=project, action="jump")
    with pytest.raises(Forbidden):  # unit staff report figures but do not move stages
        services.project_step(actor=s.staff, project=project, action="advance")


def test_a_problem_becomes_a_task_and_its_state_flows_back(s: Scene, fixed_today: dt.date) -> None:
    project = services.project_create(actor=s.leader, data=data(s))
    problem = services.problem_add(
        actor=s.leader,
        project=project,
        kind="relocation",
        title="青苗补偿款未付",
        unit=s.tree["dept"],
        due_date=dt.date(2026, 4, 30),
    )
    project.refresh_from_db()
    assert project.open_problems == 1
    ref = services.problem_to_task(actor=s.leader, problem=problem, responsible_leader=s.leader_person)
    problem.refresh_from_db()
    assert (problem.status, problem.task_id) == ("in_task", ref.id)
    task = links.task_states([ref.id])[ref.id]
    assert (task.status, task.deadline) == ("assigned", dt.date(2026, 4, 30))
    with pytest.raises(Conflict):  # one task per problem
        services.problem_to_task(actor=s.leader, problem=problem, responsible_leader=s.leader_person)
    assert services.sync_problem_tasks() == 0  # nothing changed: the task is still open
    assert Problem.objects.get(pk=problem.pk).status == "in_task"


def test_the_task_created_carries_the_five_fixes(
    s: Scene, fixed_today: dt.date, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[links.TaskRequest] = []

    class Spy:
        def spawn(self, *, actor: Any, request: links.TaskRequest) -> links.TaskRef:
            seen.append(request)
            return links.TaskRef(
                7, "DB2026-00007", "assigned", "待接收", "", request.deadline, "/tasks/7/", False, False
            )

        def states(self, ids: Any) -> dict[int, links.TaskRef]:
            return {}

    monkeypatch.setattr(links, "_tasks", Spy())
    project = services.project_create(actor=s.leader, data=data(s))
    problem = services.problem_add(
        actor=s.leader,
        project=project,
        kind="utilities",
        title="电杆迁移",
        unit=s.tree["dept"],
        due_date=dt.date(2026, 4, 30),
    )
    services.problem_to_task(actor=s.leader, problem=problem, responsible_leader=s.linked_person)
    (request,) = seen
    assert request.target and request.acceptance
    assert (request.lead_unit_id, request.responsible_leader_id, request.deadline) == (
        s.tree["dept"].pk,
        s.linked_person.pk,
        dt.date(2026, 4, 30),
    )
    assert request.origin == f"projects.problem:{problem.pk}"


@pytest.mark.parametrize(
    ("task_status", "done", "closed", "expected"),
    [
        ("in_progress", False, False, "in_task"),
        ("done", True, True, "settled"),
        ("cancelled", False, True, "open"),  # a cancelled task hands the problem back
    ],
)
def test_task_states_flow_back(
    s: Scene,
    fixed_today: dt.date,
    monkeypatch: pytest.MonkeyPatch,
    task_status: str,
    done: bool,
    closed: bool,
    expected: str,
) -> None:
    class Fake:
        def spawn(self, *, actor: Any, request: links.TaskRequest) -> links.TaskRef:
            return links.TaskRef(9, "DB2026-00009", "assigned", "", "", request.deadline, "/t/9/", False, False)

        def states(self, ids: Any) -> dict[int, links.TaskRef]:
            return {
                9: links.TaskRef(9, "DB2026-00009", task_status, "", "", dt.date(2026, 4, 30), "/t/9/", done, closed)
            }

    monkeypatch.setattr(links, "_tasks", Fake())
    project = services.project_create(actor=s.leader, data=data(s))
    problem = services.problem_add(
        actor=s.leader,
        project=project,
        kind="land",
        title="用地指标",
        unit=s.tree["dept"],
        due_date=dt.date(2026, 4, 30),
    )
    services.problem_to_task(actor=s.leader, problem=problem, responsible_leader=s.leader_person)
    services.sync_problem_tasks()
    problem.refresh_from_db()
    project.refresh_from_db()
    assert problem.status == expected
    assert project.open_problems == (0 if expected == "settled" else 1)
    assert (problem.settled_on == fixed_today) is (expected == "settled")


def test_settle_by_hand_needs_a_reason(s: Scene, fixed_today: dt.date) -> None:
    project = services.project_create(actor=s.leader, data=data(s))
    problem = services.problem_add(
        actor=s.leader, project=project, kind="other", title="围挡", unit=s.tree["dept"], due_date=dt.date(2026, 4, 30)
    )
    with pytest.raises(ValidationFailed):
        services.problem_settle(actor=s.leader, problem=problem, comment="")
    services.problem_settle(actor=s.leader, problem=problem, comment="现场已协调")
    project.refresh_from_db()
    assert project.open_problems == 0


def test_refresh_all_matches_recompute(s: Scene, fixed_today: dt.date) -> None:
    project = services.project_create(actor=s.leader, data=data(s))
    Investment.objects.create(project=project, month=dt.date(2026, 1, 1), amount=Decimal("400"))
    Investment.objects.create(project=project, month=dt.date(2025, 12, 1), amount=Decimal("50"))
    result = services.refresh_all(today=fixed_today)
    project.refresh_from_db()
    assert result["changed"] == 1
    assert (project.completed_total, project.completed_year, project.schedule) == (
        Decimal("450.00"),
        Decimal("400.00"),
        "ahead",
    )
    assert services.refresh_all(today=fixed_today)["changed"] == 0


def test_the_project_directory_for_other_apps(s: Scene, fixed_today: dt.date) -> None:
    project = services.project_create(actor=s.leader, data=data(s))
    refs = links.project_refs([project.pk, 999999, None])
    assert list(refs) == [project.pk]
    assert (refs[project.pk].code, refs[project.pk].url) == (project.code, f"/projects/{project.pk}/")
    assert [r.id for r in links.project_choices(s.leader, q="数字")] == [project.pk]
    assert links.project_choices(s.outsider) == []
    assert links.project_visible(s.leader, project.pk) and not links.project_visible(s.outsider, project.pk)
