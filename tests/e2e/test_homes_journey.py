"""Journey of the homes (issue 14, findings 4 and 6): the leader of 城东街道 opens on the strip of
figures and one chart, clicks the red figure down to the red tasks behind it; the grid worker's
phone bar is built around the grid; at 375 px the case statistics stay readable (no cell narrower
than two characters) and name units with their township.
"""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.core.testing import login
from luoshi.core.timeutil import today as local_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Every table cell with text in the main content, narrower than two of its characters.
NARROW_CELLS = """() => {
  const out = [];
  document.querySelectorAll("main table td, main table th").forEach((el) => {
    const text = el.innerText.trim();
    if (!text || el.offsetParent === null) return;
    const style = getComputedStyle(el);
    const inner = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const chars = Math.min(2, text.length);
    if (inner < chars * parseFloat(style.fontSize) - 1) out.push(text + " (" + inner + "px)");
  });
  return out;
}"""


def _tasks() -> None:
    from luoshi.org.models import Unit
    from luoshi.tasks.models import Status
    from luoshi.tasks.tests.factories import TaskFactory

    today = local_today()
    dept = Unit.objects.get(code="CDD03")
    common = {"status": Status.IN_PROGRESS, "start_date": today - dt.timedelta(days=90)}
    TaskFactory(title="征迁青苗补偿清点", lead_unit=dept, light="red", deadline=today + dt.timedelta(days=3), **common)
    TaskFactory(title="背街小巷整治", lead_unit=dept, light="yellow", deadline=today + dt.timedelta(days=9), **common)
    TaskFactory(title="河道保洁巡查", lead_unit=dept, light="green", deadline=today + dt.timedelta(days=60), **common)
    TaskFactory(title="通泰街道的红灯任务", lead_unit=Unit.objects.get(code="TT"), light="red",
                deadline=today + dt.timedelta(days=3), **common)  # fmt: skip


def test_the_leader_opens_on_the_strip_and_the_chart_and_follows_the_red_figure(page, demo_org):
    _tasks()
    login(page, "leader")
    strip = page.get_by_test_id("home-strip")
    red = strip.locator("[data-count=tasks_red] a")
    assert red.locator(".strip-value").inner_text().strip() == "1"
    assert strip.locator("[data-count=tasks_yellow] .strip-value").inner_text().strip() == "1"
    # the strip comes before the to-dos, positions and roles last
    order = page.evaluate(
        """() => ["[data-testid=home-strip]", "[data-section=tasks_lights]", "[data-section=task_review]",
                  "[data-section=my_positions]"].map((s) => document.querySelector(s).getBoundingClientRect().top)"""
    )
    assert order == sorted(order)
    chart = page.get_by_test_id("home-chart")
    chart.wait_for()
    page.wait_for_selector("[data-testid=home-chart][data-rendered='1']")
    assert chart.get_attribute("aria-describedby") == "home-chart-table"
    table = page.locator("#home-chart-table").text_content() or ""
    assert "城东街道·征迁工作组" in table
    red.click()
    page.wait_for_url("**/tasks/overview/?status=open&light=red")
    rows = page.locator("tr[data-task]")
    assert rows.count() == 1
    assert "征迁青苗补偿清点" in rows.first.inner_text()
    assert "通泰街道" not in page.locator("main").inner_text()


def test_the_grid_workers_phone_bar_is_built_around_the_grid(phone_page, demo_org):
    login(phone_page, "grid")
    bar = phone_page.locator(".bottom-nav > a")
    assert [a.inner_text().strip() for a in bar.all()] == ["上报", "我的上报", "每日报告", "走访巡查", "消息通知"]
    phone_page.locator(".bottom-nav > a", has_text="我的上报").click()
    phone_page.wait_for_url("**/cases/?box=mine")
    assert phone_page.locator(".bottom-nav > a.active").inner_text().strip() == "我的上报"


def test_case_statistics_are_readable_at_375_px(browser, live_server, demo_org):
    from luoshi.accounts.models import User
    from luoshi.cases import services
    from luoshi.cases.models import Category, Channel
    from luoshi.cases.tests.factories import ensure_categories
    from luoshi.org.models import Unit

    ensure_categories()
    grid, supervisor = User.objects.get(username="grid"), User.objects.get(username="supervisor")
    for i in range(3):
        case = services.case_report(
            actor=grid, channel=Channel.GRID, category=Category.objects.get(code="05003"),
            unit=Unit.objects.get(code="CD01G1"), title=f"菜场门口占道经营{i}", description="早市摊贩占用人行道",
        )  # fmt: skip
        case = services.case_accept(actor=supervisor, case=case)
        case = services.case_dispatch(actor=supervisor, case=case, handling_unit=Unit.objects.get(code="CDD03"))
        services.case_supervise(actor=supervisor, case=case, level="yellow", comment="请加快办理")
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 375, "height": 812})
    try:
        phone = context.new_page()
        phone.base_url = live_server.url
        login(phone, "leader")
        phone.goto(live_server.url + "/cases/stats/")
        table = phone.get_by_test_id("stats-table")
        table.wait_for()
        assert "城东街道·征迁工作组" in table.inner_text()
        assert "城东街道·征迁工作组" in phone.get_by_test_id("card-table").inner_text()
        assert phone.evaluate(NARROW_CELLS) == []
        assert phone.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        phone.goto(live_server.url + "/")
        assert phone.evaluate(NARROW_CELLS) == []
    finally:
        context.close()
