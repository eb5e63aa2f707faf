"""Journey: a supervisor dispatches a task, the unit accepts and reports, the leader returns it,
the unit resubmits and the leader signs it off; lights and the timeline are checked on the pages."""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.core.testing import login
from luoshi.core.timeutil import today as local_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "东星片区背街小巷环境整治"


def switch_user(page, username: str) -> None:
    page.context.clear_cookies()
    login(page, username)


def open_task(page, task_id: int) -> None:
    page.goto(f"{page.base_url}/tasks/{task_id}/")
    page.get_by_test_id("task-title").wait_for()


def act(page, action: str, comment: str = "") -> None:
    form = page.locator(f"form[data-action={action}]")
    if comment:
        form.locator("textarea").fill(comment)
    form.get_by_test_id(f"action-{action}").click()
    page.wait_for_load_state()


def status(page) -> str:
    return page.get_by_test_id("task-status").inner_text()


def test_supervisor_dispatches_unit_reports_leader_returns_then_signs_off(page, demo_org):
    from luoshi.org.models import Person, Unit
    from luoshi.tasks.models import Task

    today = local_today()
    lead_unit = Unit.objects.get(code="CDD03")  # 征迁工作组, where the demo "staff" works
    leader = Person.objects.get(user__username="resp_leader")

    # The supervisor creates and assigns the task with its five fixes.
    login(page, "supervisor")
    page.goto(page.base_url + "/tasks/overview/")
    page.get_by_test_id("new-task").click()
    page.fill("#id_title", TITLE)
    page.fill("#id_target", "月底前完成 5 条背街小巷整治")
    page.fill("#id_acceptance", "现场复查无乱堆放、无占道经营")
    page.select_option("#id_lead_unit", str(lead_unit.pk))
    page.select_option("#id_responsible_leader", str(leader.pk))
    page.fill("#id_start_date", today.isoformat())
    page.fill("#id_deadline", (today + dt.timedelta(days=40)).isoformat())
    page.get_by_test_id("create-assign").click()
    page.wait_for_url("**/tasks/*/")
    task = Task.objects.get(title=TITLE)
    assert status(page) == "待签收"
    assert page.get_by_test_id("task-light").get_attribute("data-light") == "green"
    page.goto(page.base_url + "/tasks/overview/?status=assigned")
    row = page.locator(f"tr[data-task='{task.pk}']")
    assert row.locator("[data-light=green]").count() == 1

    # Unit staff find it under "my tasks", accept it and report progress.
    switch_user(page, "staff")
    page.goto(page.base_url + "/tasks/")
    page.get_by_test_id("task-list").get_by_text(TITLE).click()
    act(page, "accept")
    assert status(page) == "办理中"
    page.fill("#id_percent", "50")
    page.fill("#id_text", "已完成 3 条巷道清理")
    page.get_by_test_id("submit-progress").click()
    page.wait_for_load_state()
    assert "已完成 3 条巷道清理" in page.get_by_test_id("timeline").inner_text()
    assert "50%" in page.get_by_test_id("progress").inner_text()
    # Submitting at 50% asks why: the browser keeps the form until a reason is given.
    act(page, "submit")
    assert status(page) == "办理中"
    act(page, "submit", "主体工程已完成，剩余 2 条巷道请一并验收")
    assert status(page) == "待审核"

    # The responsible leader returns it with a reason.
    switch_user(page, "resp_leader")
    open_task(page, task.pk)
    act(page, "return", "还有 2 条巷道未整治到位")
    assert status(page) == "办理中"
    assert "还有 2 条巷道未整治到位" in page.get_by_test_id("timeline").inner_text()

    # The unit finishes and resubmits.
    switch_user(page, "staff")
    open_task(page, task.pk)
    page.fill("#id_percent", "100")
    page.fill("#id_text", "5 条巷道全部整治完毕")
    page.get_by_test_id("submit-progress").click()
    page.wait_for_load_state()
    act(page, "submit")
    assert status(page) == "待审核"
    # The doer is not offered the sign-off.
    assert page.get_by_test_id("action-sign_off").count() == 0

    # The leader signs it off: closed on time, no light any more.
    switch_user(page, "leader")
    open_task(page, task.pk)
    act(page, "sign_off", "现场复查合格，同意销号")
    assert status(page) == "已销号"
    assert "按时办结" in page.get_by_test_id("status-strip").inner_text()
    assert page.get_by_test_id("task-light").count() == 0
    timeline = page.get_by_test_id("timeline").inner_text()
    for verb in ["交办了任务", "签收了任务", "报送了进度", "提交了审核", "退回了任务", "销号了任务"]:
        assert verb in timeline, verb
    assert "现场复查合格，同意销号" in timeline


def test_board_and_timeline_work_on_a_phone(phone_page, demo_org):
    from luoshi.tasks import demo

    demo.load()
    login(phone_page, "supervisor")
    phone_page.goto(phone_page.base_url + "/tasks/board/")
    board = phone_page.get_by_test_id("board")
    assert board.locator(".board-red").count() > 0
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 400
    # The filters fold away so the board comes first; one column fills the screen and
    # the chips above jump from column to column.
    assert phone_page.locator("details.filter-box").get_attribute("open") is None
    first = board.locator(".board-column").first.bounding_box()
    assert first is not None and first["width"] > 250
    phone_page.get_by_test_id("board-jump").locator("a[href='#col-pending_review']").click()
    column = phone_page.locator("#col-pending_review").bounding_box()
    assert column is not None and 0 <= column["x"] < 60
    phone_page.goto(phone_page.base_url + "/tasks/timeline/")
    gantt = phone_page.get_by_test_id("gantt")
    assert gantt.locator(".gantt-bar").count() > 0
    # Scrolled sideways to later months, the task names stay in view.
    gantt.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    label = gantt.locator(".gantt-row:not(.gantt-axis) .gantt-label").first.bounding_box()
    assert label is not None and label["x"] >= 0
