"""Journey: a supervisor imports a month of indicator values, opens the scorecard and the leaderboard,
and the ECharts charts render."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from luoshi.core.testing import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _workbook(year: int, month: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["单位", "指标", "年份", "月份", "数值", "同比(%)"])
    sheet.append(["城东街道", "一般公共预算总收入", year, month, "19,876", None])
    sheet.append(["CD", "建安投资", year, month, "16.8亿元", "55.2"])
    sheet.append(["城东街道", "规上服务业", year, month, 13800, None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _canvas_has_size(page, testid: str) -> None:
    canvas = page.locator(f"[data-testid={testid}] canvas").first
    canvas.wait_for()
    box = canvas.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100, box


def test_import_a_month_then_scorecard_and_leaderboard(page, demo_org, tmp_path):
    from luoshi.indicators import demo

    demo.load()
    year, last = demo.demo_period()
    month = min(last + 1, 12)
    upload = tmp_path / "chengdong.xlsx"
    upload.write_bytes(_workbook(year, month))

    login(page, "supervisor")
    page.click("nav.sidebar >> text=成绩单")
    page.wait_for_url("**/indicators/units/*/**")
    page.get_by_test_id("nav-import").click()
    page.wait_for_url("**/indicators/import/")
    page.set_input_files("input[type=file]", str(upload))
    page.click("[data-testid=import-form] button[type=submit]")
    page.wait_for_url("**/indicators/import/*/")
    assert page.get_by_test_id("batch-rows").inner_text() == "3"
    assert page.get_by_test_id("batch-errors").inner_text() == "0"
    page.get_by_test_id("commit").click()
    page.get_by_test_id("batch-status").filter(has_text="已保存").wait_for()

    page.goto(page.base_url + f"/indicators/?year={year}&month={month}")
    page.select_option("#f-month", str(month))
    page.click(".period-form button[type=submit]")
    page.wait_for_url(f"**month={month}**")
    table = page.get_by_test_id("scorecard")
    assert "19,876" in table.locator("tr[data-indicator=public_budget_revenue]").inner_text()
    assert "168,000" in table.locator("tr[data-indicator=construction_investment]").inner_text()
    _canvas_has_size(page, "scorecard-chart")

    page.click("text=下级单位排名")
    page.wait_for_url("**/indicators/leaderboard/**")
    page.select_option("#f-month", str(last))  # the communities' last reported month
    page.click(".period-form button[type=submit]")
    page.wait_for_url(f"**month={last}**")
    assert "城东街道擂台" in page.get_by_test_id("leaderboard-title").inner_text()
    rows = page.get_by_test_id("leaderboard").locator("tbody tr")
    rows.first.wait_for()
    assert rows.count() == 13  # the 13 communities
    _canvas_has_size(page, "bar-chart")
    _canvas_has_size(page, "trend-chart")


def test_district_viewer_sees_the_township_leaderboard(page, demo_org):
    from luoshi.indicators import demo

    demo.load()
    login(page, "district")
    page.click("nav.sidebar >> text=擂台")
    page.wait_for_url("**/indicators/leaderboard/")
    rows = page.get_by_test_id("leaderboard").locator("tbody tr")
    rows.first.wait_for()
    assert rows.count() == 14, page.content()[:3000]
    page.select_option("[data-testid=pick-indicator]", "fiscal_revenue")
    page.click(".period-form button[type=submit]")
    page.wait_for_url("**indicator=fiscal_revenue**")
    _canvas_has_size(page, "bar-chart")
    assert "北白象镇" in page.get_by_test_id("leaderboard").inner_text()


def test_history_of_an_indicator_and_a_saved_composite(page, demo_org):
    """From a scorecard row to the indicator's history (chart drawn); a district supervisor's saved
    composite leaderboard opens again by name."""
    from luoshi.indicators import demo

    demo.load()
    login(page, "supervisor")
    page.click("nav.sidebar >> text=成绩单")
    page.wait_for_url("**/indicators/units/*/**")
    page.locator("tr[data-indicator=construction_investment] td.name a").click()
    page.wait_for_url("**/indicators/units/*/indicators/construction_investment/**")
    assert "建安投资" in page.get_by_test_id("history-title").inner_text()
    _canvas_has_size(page, "history-chart")

    page.context.clear_cookies()  # log in afresh as someone else
    login(page, "admin")
    page.goto(page.base_url + "/indicators/leaderboard/?composite=1")
    page.fill("#f-board-name", "经济综合擂台")
    page.click("[data-testid=save-composite] button[type=submit]")
    page.wait_for_url("**saved=**")
    page.goto(page.base_url + "/indicators/leaderboard/")
    page.get_by_test_id("saved-boards").get_by_text("经济综合擂台").click()
    page.wait_for_url("**saved=**")
    assert "综合" in page.get_by_test_id("leaderboard-title").inner_text()
    _canvas_has_size(page, "bar-chart")
