"""Journeys of the key-project pages: the linked leader and the staff on site.

- The leader sees their linked project on the home page with its light and open problem,
  turns the problem into a task, the unit's staff accept and finish it on the task page, the
  leader signs it off there with a review opinion, and the project page shows the problem settled.
- Staff of the lead unit record this month's investment and a progress entry with a photo
  from the phone layout.
- A lead is followed from 线索 through 在谈 and 签约 to a registry project.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from luoshi.core.testing import login, picture
from luoshi.core.timeutil import today as local_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def switch_user(page: Any, username: str) -> None:
    page.context.clear_cookies()
    login(page, username)


def _project(name: str, *, leaders: list[Any], liaison: Any = None) -> Any:
    from luoshi.accounts.models import User
    from luoshi.org.models import Unit
    from luoshi.projects import services

    admin = User.objects.get(username="admin")
    today = local_today()
    return services.project_create(
        actor=admin,
        data=services.ProjectData(
            name=name, unit=Unit.objects.get(code="CDD03"), total_investment="68000", annual_plan="22000",
            plan_year=today.year, stage="construction", leaders=leaders, liaison=liaison, levels=["city", "county"],
        ),
    )  # fmt: skip


def open_task(page: Any, task_id: int) -> None:
    page.goto(f"{page.base_url}/tasks/{task_id}/")
    page.get_by_test_id("task-title").wait_for()


def task_act(page: Any, action: str, comment: str = "") -> None:
    form = page.locator(f"form[data-action={action}]")
    if comment:
        form.locator("textarea").fill(comment)
    form.get_by_test_id(f"action-{action}").click()
    page.wait_for_load_state()


def task_status(page: Any) -> str:
    return str(page.get_by_test_id("task-status").inner_text())


def test_leader_turns_a_problem_into_a_task_and_sees_it_settled(page: Any, demo_org: Any) -> None:
    from luoshi.accounts.models import User
    from luoshi.org.models import Person, Unit
    from luoshi.projects import services
    from luoshi.projects.models import Problem

    leader = Person.objects.get(user__username="leader")
    project = _project("东星片区安置房（一期）", leaders=[leader])
    problem = services.problem_add(
        actor=User.objects.get(username="admin"), project=project, kind="relocation", title="村民种植青苗补偿款未付",
        unit=Unit.objects.get(code="CDD03"), due_date=local_today() + dt.timedelta(days=2),
    )  # fmt: skip

    login(page, "leader")
    section = page.locator("text=我挂钩的重点项目").first
    section.wait_for()
    page.get_by_role("link", name="东星片区安置房（一期）").first.click()
    page.get_by_test_id("project-name").wait_for()
    # The plan-against-actual chart is drawn (ECharts loads after the page's own script).
    page.locator("[data-echarts='plan-actual'][data-rendered='1']").wait_for()
    problems = page.get_by_test_id("problems")
    assert "村民种植青苗补偿款未付" in problems.inner_text()
    assert problems.locator(f"[data-problem='{problem.pk}'] [data-light]").get_attribute("data-light") == "yellow"

    # One action: the problem becomes an assigned task with the five fixes.
    page.get_by_test_id(f"to-task-{problem.pk}").click()
    page.select_option(
        f"#id_p{problem.pk}_responsible_leader", str(Person.objects.get(user__username="resp_leader").pk)
    )
    page.get_by_test_id(f"assign-{problem.pk}").click()
    page.wait_for_load_state()
    problem.refresh_from_db()
    assert problem.status == "in_task" and problem.task_id
    assert "已转任务办理" in page.get_by_test_id("problems").inner_text()

    # The task runs its course in the tasks app: the unit's staff accept it, report it done and
    # submit it; the leader who assigned it signs it off with a review opinion (审核意见).
    switch_user(page, "staff")
    open_task(page, problem.task_id)
    task_act(page, "accept")
    assert task_status(page) == "办理中"
    page.fill("#id_percent", "100")
    page.fill("#id_text", "补偿款已发放到户，电线杆迁改完成")
    page.get_by_test_id("submit-progress").click()
    page.wait_for_load_state()
    task_act(page, "submit")
    assert task_status(page) == "待审核"
    switch_user(page, "leader")
    open_task(page, problem.task_id)
    task_act(page, "sign_off", "现场核实补偿到位，同意销号")
    assert task_status(page) == "已销号"

    # Back on the project page the problem is settled and no longer counts as open.
    page.goto(f"{page.base_url}/projects/{project.pk}/")
    assert "已办结" in page.get_by_test_id("problems").locator(f"[data-problem='{problem.pk}']").inner_text()
    assert Problem.objects.get(pk=problem.pk).status == "settled"
    page.goto(f"{page.base_url}/projects/mine/")
    assert "东星片区安置房（一期）" in page.get_by_test_id("linked-projects").inner_text()
    assert "您的项目没有待协调事项" in page.get_by_test_id("needs-me").inner_text()


def test_staff_record_investment_and_a_photo_from_the_phone(
    phone_page: Any, demo_org: Any, settings: Any, tmp_path: Any
) -> None:
    from luoshi.org.models import Person
    from luoshi.projects.models import ProgressPhoto, Project

    settings.MEDIA_ROOT = str(tmp_path)
    page = phone_page
    project = _project("城东数字经济产业园", leaders=[], liaison=Person.objects.get(user__username="staff"))
    login(page, "staff")
    page.goto(f"{page.base_url}/projects/{project.pk}/phone/")
    page.get_by_test_id("phone-page").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    form = page.get_by_test_id("phone-investment")
    form.locator("input[name=amount]").fill("1250.5")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert Project.objects.get(pk=project.pk).completed_year == Decimal("1250.50")
    progress = page.get_by_test_id("phone-progress")
    progress.locator("textarea[name=text]").fill("主体结构施工至三层")
    progress.locator("input[name=photos]").set_input_files(
        [{"name": "site.jpg", "mimeType": "image/jpeg", "buffer": picture("JPEG", (640, 480), gps=(28.0, 120.7))}]
    )
    with page.expect_navigation():
        progress.locator("button[type=submit]").click()
    assert "主体结构施工至三层" in page.get_by_test_id("phone-page").inner_text(), page.locator(
        ".messages"
    ).inner_text()
    photo = ProgressPhoto.objects.get(entry__project=project)
    assert photo.lat is not None
    assert page.locator(f"img[src$='/projects/photos/{photo.pk}/thumb/']").count() == 1


def test_a_lead_goes_from_found_to_a_registry_project(page: Any, demo_org: Any) -> None:
    from luoshi.accounts.models import User
    from luoshi.org.models import Person, Unit
    from luoshi.projects import services
    from luoshi.projects.models import Lead

    lead = services.lead_create(
        actor=User.objects.get(username="admin"),
        data=services.LeadData(
            name="新能源汽车零部件制造基地", unit=Unit.objects.get(code="CD"),
            cadre=Person.objects.get(user__username="leader"),
            amount=Decimal("82000"), found_on=local_today() - dt.timedelta(days=30), investor="某汽车零部件集团",
        ),
    )  # fmt: skip
    login(page, "leader")
    page.goto(f"{page.base_url}/projects/leads/")
    assert page.get_by_test_id("funnel").locator("[data-stage=lead] td").first.inner_text() == "1"
    page.get_by_role("link", name="新能源汽车零部件制造基地").click()
    for action in ("talk", "sign"):
        page.locator(f"[data-lead-step={action}]").click()
        page.wait_for_load_state()
    assert page.get_by_test_id("lead-stage").inner_text() == "签约"
    page.get_by_test_id("lead-to-project").click()
    page.get_by_test_id("project-name").wait_for()
    assert "新能源汽车零部件制造基地" in page.get_by_test_id("project-name").inner_text()
    assert page.get_by_test_id("project-stage").inner_text() == "签约"
    assert Lead.objects.get(pk=lead.pk).project_id is not None
