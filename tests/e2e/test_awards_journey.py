"""Journey: the district viewer sees the quarter's six stars and the 红黑榜 projected in a
meeting; the 城东街道 supervisor runs an award round from nomination to publication."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from luoshi.core.testing import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def demo_awards() -> None:
    from luoshi.accounts.models import User
    from luoshi.awards import demo
    from luoshi.awards.models import ListEntry, ListIssue, ListStatus
    from luoshi.org.models import Unit

    demo.load()  # the six stars for 2026 Q3 (from whatever figures the demo has; here the org only)
    district = Unit.objects.get(code="SFQ")
    issue, _ = ListIssue.objects.get_or_create(
        unit=district, period="2026-11",
        defaults={"created_by": User.objects.get(username="admin"), "status": ListStatus.PUBLISHED},
    )  # fmt: skip
    towns = list(Unit.objects.filter(parent=district).order_by("path")[:2])
    ListEntry.objects.create(
        issue=issue,
        color="red",
        rule_name="群众满意率前三",
        unit=towns[0],
        unit_name=towns[0].name,
        reason="案件满意率 98.50%，前三名第 1 名",
        position=1,
    )
    ListEntry.objects.create(issue=issue, color="black", rule_name="被红牌督办", unit=towns[1], unit_name=towns[1].name,
                             reason="红牌督办 2 张，达到或超过 1", position=1)  # fmt: skip


def test_viewer_sees_the_stars_and_lists_and_a_supervisor_runs_a_round(
    page: Any, phone_page: Any, demo_org: Any, tmp_path: Any
) -> None:
    demo_awards()
    # The district viewer opens the award board: six stars, each with its 比, the winner and the citation.
    login(page, "district")
    page.get_by_role("link", name="评先争优").first.click()
    page.wait_for_url("**/awards/")
    assert "2026年第3季度" in page.locator("h1").inner_text()
    cards = page.get_by_test_id("award-card")
    assert cards.count() == 6
    text = page.get_by_test_id("award-board").inner_text()
    for contest in ("比格局", "比作为", "比特色", "比品质", "比情怀", "比本领"):
        assert contest in text
    assert page.get_by_test_id("award-winner").count() == 6
    page.get_by_test_id("to-lists").click()
    assert "群众满意率前三" in page.get_by_test_id("red-list").inner_text()
    assert "被红牌督办" in page.get_by_test_id("black-list").inner_text()
    # The same pages on a phone: one column, no sideways scrolling.
    login(phone_page, "district")
    for url in ("/awards/", "/awards/lists/"):
        phone_page.goto(phone_page.base_url + url)
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 392, url

    # The supervisor of 城东街道 opens a round for the communities, nominates with evidence, votes, decides, publishes.
    page.context.clear_cookies()
    login(page, "supervisor")
    page.goto(page.base_url + "/awards/rounds/")
    form = page.get_by_test_id("round-create")
    form.locator("select[name=award_type]").select_option(label="比情怀评惠民之星 (季度)")
    form.locator("select[name=kinds]").select_option("community,village")
    form.locator("input[name=period]").fill("2026-Q4")
    form.get_by_role("button", name="开启评选").click()
    page.wait_for_url("**/awards/rounds/*/")
    evidence = tmp_path / "事迹材料.pdf"
    evidence.write_bytes(PDF)
    nominate = page.get_by_test_id("nominate-form")
    nominate.locator("select[name=nominee]").select_option(label="东星社区")
    nominate.locator("textarea[name=reason]").fill("网格服务做到家门口，群众满意率全街道第一。")
    nominate.locator("input[name=files]").set_input_files(str(evidence))
    page.get_by_test_id("nominate").click()  # a form with files is sent by js/upload.js, not a navigation
    expect(page.get_by_test_id("nominations")).to_contain_text("东星社区")
    assert page.get_by_role("link", name="事迹材料.pdf").count() == 1
    page.fill("#username", "supervisor")
    page.get_by_test_id("add-member").click()
    page.wait_for_load_state()
    page.get_by_test_id("do-start_vote").click()
    page.wait_for_load_state()
    page.get_by_test_id("vote").first.click()
    page.wait_for_load_state()
    assert page.get_by_test_id("tally").first.inner_text() == "1"
    page.get_by_test_id("do-decide").click()
    page.wait_for_load_state()
    page.get_by_test_id("citation").fill("民有所呼、我有所应，东星社区把服务送到群众家门口。")
    page.get_by_test_id("save-citation").click()
    page.wait_for_load_state()
    page.get_by_test_id("do-publish").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("round-status").inner_text() == "已发布"
    page.goto(page.base_url + "/awards/?period=2026-Q4")
    assert "东星社区" in page.get_by_test_id("award-board").inner_text()
