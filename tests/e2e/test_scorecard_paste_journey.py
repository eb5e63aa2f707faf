"""Journey: a supervisor pastes a scorecard text with a plan, a change and a rank, sees them in their
own columns, and saves the figures — the rank too, since the catalogue has a rank indicator."""

from __future__ import annotations

import pytest

from luoshi.core.testing import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_paste_a_scorecard_with_a_rank_and_save_it(page, demo_org):
    from luoshi.indicators.models import Indicator, IndicatorValue, Source
    from luoshi.org.models import Unit

    # An earlier transactional test may have flushed the seeded catalogue: make sure of the entry.
    Indicator.objects.get_or_create(
        code="industrial_output", defaults={"name": "规上工业产值", "unit": "万元", "aliases": ["规模以上工业产值"]}
    )
    rank = Indicator.objects.create(
        code="industrial_output_rank", name="规上工业产值排名", unit="位", direction="lower"
    )
    login(page, "supervisor")
    page.goto(page.base_url + "/indicators/parse/")
    page.select_option("#id_unit", label="城东街道")
    page.fill("#id_year", "2026")
    page.get_by_test_id("parse-text").fill(
        "1-8月，城東街道規模以上工業產值14.9億元，完成年初預算數20億元的74.5%，比上年增加1.2億元，"
        "列全區第2位，較上年上升1位。"
    )
    page.click("[data-testid=parse-form] button[type=submit]")
    page.wait_for_url("**/indicators/import/*/")
    row = page.get_by_test_id("mentions").locator("tbody tr").first
    assert row.get_by_test_id("mention-plan").inner_text() == "20 亿元"
    assert row.get_by_test_id("mention-change").inner_text() == "+1.2 亿元"
    assert row.get_by_test_id("mention-rank").inner_text() == "全区第2位 上升1位"
    assert "规上工业产值排名：第2位" in row.inner_text()
    page.get_by_test_id("commit").click()
    page.get_by_test_id("batch-status").filter(has_text="已保存").wait_for()
    unit = Unit.objects.get(code="CD")
    saved = IndicatorValue.objects.get(unit=unit, indicator=rank, year=2026, month=8)
    assert (saved.value, saved.source) == (2, Source.PARSED)
