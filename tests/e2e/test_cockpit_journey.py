"""Journey of the cockpit (驾驶舱): the leader of 城东街道 opens the cockpit from the home page,
opens the big screen of the command centre (1920×1080, dark, no scrolling, zoomed down to fit a
1280 px laptop — a screenshot is kept under var/), comes back and clicks the red figure down to
the red tasks behind it and one of them; on a phone the same cockpit stacks into one column.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from luoshi.core.testing import login
from luoshi.core.timeutil import today as local_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var"


def _tasks() -> None:
    from luoshi.org.models import Unit
    from luoshi.tasks.models import Status
    from luoshi.tasks.tests.factories import TaskFactory

    today = local_today()
    cd = Unit.objects.get(code="CD")
    dept = Unit.objects.get(code="CDD03")
    tt = Unit.objects.get(code="TT")
    common = {"status": Status.IN_PROGRESS, "start_date": today - dt.timedelta(days=90)}
    TaskFactory(title="老旧小区加装电梯", lead_unit=cd, light="red", is_overdue=True,
                deadline=today - dt.timedelta(days=12), **common)  # fmt: skip
    TaskFactory(title="征迁青苗补偿清点", lead_unit=dept, light="red", deadline=today + dt.timedelta(days=3), **common)
    TaskFactory(title="河道保洁巡查", lead_unit=dept, light="green", deadline=today + dt.timedelta(days=60), **common)
    TaskFactory(title="通泰街道的红灯任务", lead_unit=tt, light="red", deadline=today + dt.timedelta(days=3), **common)


def _chart_speaks_and_names_its_table(page: Any) -> None:
    """The trend is drawn by the shared chart helper: ECharts' spoken summary, and the table of its figures."""
    page.wait_for_selector("[data-testid=chart-cases][data-rendered]")
    chart = page.evaluate(
        """() => { const el = document.querySelector('[data-testid=chart-cases]');
             const table = document.getElementById(el.getAttribute('aria-describedby'));
             return [el.getAttribute('role'), el.getAttribute('aria-label'), table && table.tagName,
                     table ? table.querySelectorAll('tbody tr').length : 0, !!el.querySelector('canvas')]; }"""
    )
    assert chart[0] == "img" and chart[1].startswith("这是一个关于“近30日每日上报量”"), chart
    assert chart[2] == "TABLE" and chart[3] == 30 and chart[4], chart


def test_leader_opens_the_cockpit_and_the_big_screen_and_follows_a_red_figure(
    page: Any, browser: Any, demo_org: Any
) -> None:
    from playwright.sync_api import expect

    from luoshi.core import aggregates

    _tasks()
    aggregates.refresh()

    login(page, "leader")
    page.get_by_role("link", name="打开驾驶舱：一屏看全各项工作").click()
    page.wait_for_url("**/cockpit/")
    expect(page.get_by_role("heading", name="驾驶舱", level=1)).to_be_visible()
    red = page.get_by_test_id("figure-tasks_red")
    expect(red.locator(".cockpit-value")).to_have_text("2")  # 通泰's red task is not the leader's
    expect(page.get_by_test_id("figure-tasks_oldest_overdue").locator(".cockpit-value")).to_have_text("12天")
    expect(page.get_by_test_id("panel-cases")).to_be_visible()
    expect(page.get_by_test_id("panel-warnings")).to_be_visible()
    _chart_speaks_and_names_its_table(page)

    # The big screen of the command centre, on a 1920×1080 wall: dark, nothing to scroll.
    wall = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1920, "height": 1080})
    wall.add_cookies(page.context.cookies())
    screen = wall.new_page()
    screen.goto(page.base_url + "/cockpit/")
    screen.get_by_test_id("big-screen-link").click()
    screen.wait_for_url("**/cockpit/screen/")
    expect(screen.get_by_role("heading", name="指挥中心")).to_be_visible()
    expect(screen.get_by_test_id("figure-tasks_red").locator(".cockpit-value")).to_have_text("2")
    size = screen.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight,"
        " getComputedStyle(document.body).backgroundColor]"
    )
    assert size[0] <= 1920 and size[1] <= 1080, size
    assert size[2] == "rgb(11, 18, 32)", size
    _chart_speaks_and_names_its_table(screen)
    # nothing is cut at a panel's edge: charts (with their axis) and the table rows shown end inside their panel
    cut = screen.evaluate(
        """() => Array.from(document.querySelectorAll('.cockpit-panel')).flatMap(p => {
             const bottom = p.getBoundingClientRect().bottom;
             return Array.from(p.querySelectorAll('.cockpit-chart, .cockpit-table tbody tr'))
               .filter(e => e.offsetParent !== null && e.getBoundingClientRect().bottom > bottom + 1)
               .map(e => p.dataset.testid + ' ' + e.className); })"""
    )
    assert cut == [], cut
    SHOTS.mkdir(exist_ok=True)
    screen.screenshot(path=str(SHOTS / "cockpit-big-screen.png"))
    wall.close()
    # On a 1280 px laptop the same screen is zoomed down as a whole: no sideways scrolling.
    laptop = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 800})
    laptop.add_cookies(page.context.cookies())
    small = laptop.new_page()
    small.goto(page.base_url + "/cockpit/screen/")
    expect(small.get_by_test_id("figure-tasks_red").locator(".cockpit-value")).to_have_text("2")
    size = small.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert size[0] <= 1280 and size[1] <= 800, size
    laptop.close()

    # Back on the cockpit: the red figure leads to the red tasks, and on to one of them.
    red.locator("a").click()
    page.wait_for_url("**/tasks/overview/**light=red**")
    expect(page.get_by_role("link", name="老旧小区加装电梯")).to_be_visible()
    expect(page.get_by_role("link", name="征迁青苗补偿清点")).to_be_visible()
    expect(page.get_by_text("通泰街道的红灯任务")).to_have_count(0)
    expect(page.get_by_text("河道保洁巡查")).to_have_count(0)
    page.get_by_role("link", name="老旧小区加装电梯").click()
    expect(page.get_by_role("heading", name="老旧小区加装电梯")).to_be_visible()


def test_the_cockpit_stacks_into_one_column_on_a_phone(phone_page: Any, demo_org: Any) -> None:
    from playwright.sync_api import expect

    _tasks()
    login(phone_page, "leader")
    phone_page.goto(phone_page.base_url + "/cockpit/")
    expect(phone_page.get_by_test_id("figure-tasks_red").locator(".cockpit-value")).to_have_text("2")
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, width
    boxes = [phone_page.get_by_test_id(k).bounding_box() for k in ("panel-warnings", "panel-tasks", "panel-cases")]
    assert boxes[0]["x"] == boxes[1]["x"] == boxes[2]["x"]  # one column
    assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
    # the map scrolls under the top bar and the bottom bar, never over them (Leaflet's panes are z-index 400+)
    phone_page.wait_for_selector(".cockpit-map[data-loaded]")
    covered = phone_page.evaluate(
        """() => { const zoom = document.querySelector('.cockpit-map .leaflet-control-zoom'); const out = [];
             for (const sel of ['.bottom-nav', '.topbar']) {
               const bar = document.querySelector(sel);
               const r0 = bar.getBoundingClientRect(), z0 = zoom.getBoundingClientRect();
               window.scrollBy(0, z0.top + z0.height / 2 - (r0.top + r0.height / 2));
               const r = bar.getBoundingClientRect(), z = zoom.getBoundingClientRect();
               const el = document.elementFromPoint(z.left + z.width / 2, r.top + r.height / 2);
               if (!el || !el.closest(sel)) { out.push(sel + ' under ' + (el ? el.className : '')); }
             }
             return out; }"""
    )
    assert covered == [], covered
