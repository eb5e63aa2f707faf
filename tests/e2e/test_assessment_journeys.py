"""Journeys (issue 12, "Done means"): the district viewer opens the published township ranking, follows
a township's score down to the overdue tasks and the late cases behind its deductions, and sees the
quarter's six stars and the 红黑榜; a supervisor enters a manual score with evidence, freezes and
publishes the cadre run; a township appeals an item and the organisers uphold it (a new published
version); a township sees the whole ranking but opens only its own breakdown."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from luoshi.core.testing import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => {
  const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
  const r = await window.axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return r.violations.map(v => v.id + " " + v.nodes.slice(0, 2).map(n => n.target.join(" ")).join(", "));
}"""


@pytest.fixture
def assessment_demo(demo_org: None) -> None:
    from luoshi.assessment import demo
    from luoshi.awards import demo as awards_demo
    from luoshi.cases import demo as cases_demo
    from luoshi.cases.tests.factories import ensure_categories
    from luoshi.relocation import demo as relocation_demo
    from luoshi.tasks import demo as tasks_demo

    ensure_categories()  # the seeded catalogue (a transactional test empties every table after it)
    tasks_demo.load()
    cases_demo.load()
    relocation_demo.load()
    demo.load()
    awards_demo.load()


def _township_run() -> Any:
    from luoshi.assessment import demo
    from luoshi.assessment.models import Run

    return Run.objects.filter(scheme__name=demo.TOWNSHIP_SCHEME).order_by("-period_key").first()


def test_district_viewer_follows_a_deduction_down_to_the_overdue_tasks(page: Any, assessment_demo: None) -> None:
    from luoshi.assessment.models import Item, Result

    run = _township_run()
    overdue = Item.objects.get(section__scheme_version=run.scheme_version, metric_key="tasks.overdue_open")
    behind = [r for r in Result.objects.filter(run=run, is_current=True) if r.item(overdue.pk).get("c")]
    assert behind, "the demo has townships with overdue tasks"
    town = behind[0]
    page.context.add_init_script(path=str(AXE_JS))
    login(page, "district")
    page.goto(page.base_url + "/assessment/")
    page.get_by_test_id("run-link").filter(has_text="乡镇").first.click()
    assert page.get_by_test_id("run-state").inner_text() == "已发布"
    expect(page.get_by_test_id("result-row")).to_have_count(14)
    assert page.evaluate(RUN_AXE) == []
    page.get_by_role("link", name=town.name, exact=True).first.click()
    assert page.get_by_test_id("total").inner_text() == str(town.total)
    page.wait_for_selector("[data-testid=radar-chart][data-rendered='1']")
    page.wait_for_selector("[data-testid=trend-chart][data-rendered='1']")
    assert page.evaluate(RUN_AXE) == []
    page.locator(f"tr[data-item='{overdue.pk}']").get_by_test_id("trace-link").click()
    records = page.get_by_test_id("record-link")
    expect(records).to_have_count(min(20, int(town.item(overdue.pk)["c"])))
    assert page.evaluate(RUN_AXE) == []
    label = records.first.inner_text()
    records.first.click()
    page.wait_for_load_state()
    assert "/tasks/" in page.url
    assert label.split(" ")[0] in page.locator("main").inner_text()

    # The late cases behind the governance section's on-time item, late ones first.
    cases_item = Item.objects.get(section__scheme_version=run.scheme_version, metric_key="cases.on_time_rate")
    late_town = next(
        r for r in Result.objects.filter(run=run, is_current=True).order_by("rank")
        if any("超时" in rec[4] for rec in r.records.get(str(cases_item.pk), []))
    )  # fmt: skip
    page.goto(f"{page.base_url}/assessment/runs/{run.pk}/")
    page.get_by_role("link", name=late_town.name, exact=True).first.click()
    page.locator(f"tr[data-item='{cases_item.pk}']").get_by_test_id("trace-link").click()
    assert "超时" in page.get_by_test_id("record-note").first.inner_text()
    case_label = page.get_by_test_id("record-link").first.inner_text()
    page.get_by_test_id("record-link").first.click()
    page.wait_for_load_state()
    assert "/cases/" in page.url
    assert case_label.split(" ")[0] in page.locator("main").inner_text()

    # The quarter's six stars and the 红黑榜, from the menu.
    page.get_by_role("link", name="评先争优").first.click()
    page.wait_for_url("**/awards/")
    assert page.get_by_test_id("award-card").count() == 6
    assert page.get_by_test_id("award-winner").count() >= 1
    page.get_by_test_id("to-lists").click()
    assert page.get_by_test_id("red-list").is_visible() and page.get_by_test_id("black-list").is_visible()
    assert page.evaluate(RUN_AXE) == []


def test_supervisor_scores_by_hand_with_evidence_freezes_and_publishes(page: Any, assessment_demo: None) -> None:
    from luoshi.assessment import demo
    from luoshi.assessment.models import Evidence, ManualScore, Run

    run = Run.objects.filter(scheme__name=demo.CADRE_SCHEME).order_by("-period_key").first()
    login(page, "supervisor")
    page.goto(f"{page.base_url}/assessment/runs/{run.pk}/")
    assert page.get_by_test_id("missing-manual").is_visible()
    assert page.locator("button[data-action=freeze]").count() == 0  # offered only once every score is in
    page.get_by_role("link", name="彭晨曦").first.click()
    form = page.get_by_test_id("manual-form").first
    form.locator("input[name=points]").fill("26")
    form.locator("textarea[name=reason]").fill("本月完成东星片区12户签约，台账齐全。")
    form.locator("input[name=evidence]").set_input_files(
        {"name": "签约台账.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n1 0 obj\n%%EOF\n"}
    )
    form.get_by_role("button", name="保存评分").click()
    page.wait_for_load_state()
    assert "人工评分已保存" in page.locator(".messages").inner_text()
    score = ManualScore.objects.get(run=run, points=Decimal("26"))
    assert Evidence.objects.filter(manual_score=score).count() == 1
    page.get_by_role("link", name=run.scheme.name[:10], exact=False).first.click()
    page.locator("button[data-action=freeze]").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("run-state").inner_text() == "已冻结"
    page.locator("button[data-action=publish]").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("run-state").inner_text() == "已发布"


def test_a_township_appeals_and_the_organisers_uphold_it(page: Any, assessment_demo: None) -> None:
    from luoshi.assessment.models import Appeal, AppealState, Item, Result, Run

    run = _township_run()
    mine = Result.objects.get(run=run, is_current=True, name="城东街道")
    item = next(
        i for i in Item.objects.filter(section__scheme_version=run.scheme_version, section__kind="base")
        if Decimal(mine.item(i.pk).get("p") or 0) < i.points
    )  # fmt: skip
    login(page, "leader")
    page.goto(f"{page.base_url}/assessment/runs/{run.pk}/s/{mine.subject_id}/")
    form = page.get_by_test_id("appeal-form")
    form.locator("select[name=item]").select_option(str(item.pk))
    form.locator("textarea[name=reason]").fill("该项数据统计口径有误，附说明材料，请予复核。")
    form.get_by_role("button", name="提交申诉").click()
    page.wait_for_load_state()
    assert "申诉已提交" in page.locator(".messages").inner_text()

    page.context.clear_cookies()
    login(page, "admin")
    page.goto(f"{page.base_url}/assessment/runs/{run.pk}/")
    decide = page.get_by_test_id("decide-form").first
    decide.locator("textarea[name=reply]").fill("经复核属实，予以更正。")
    decide.locator("input[name=corrected_points]").fill(str(item.points))
    decide.get_by_role("button", name="采纳").click()
    page.wait_for_load_state()
    appeal = Appeal.objects.get(run=run, item=item)
    assert appeal.state == AppealState.UPHELD
    run = Run.objects.get(pk=run.pk)
    assert run.revision == appeal.revision == 3  # the demo's own upheld appeal made version 2
    changes = page.get_by_test_id("revision-changes").inner_text()
    assert "城东街道" in changes


def test_a_township_sees_the_whole_ranking_but_opens_only_its_own_breakdown(page: Any, assessment_demo: None) -> None:
    from luoshi.assessment.models import Result

    run = _township_run()
    mine = Result.objects.get(run=run, is_current=True, name="城东街道")
    other = Result.objects.filter(run=run, is_current=True).exclude(pk=mine.pk).first()
    login(page, "leader")  # 城东街道's party secretary
    page.goto(f"{page.base_url}/assessment/runs/{run.pk}/")
    expect(page.get_by_test_id("result-row")).to_have_count(14)  # the 晾晒比拼: every township's total and rank
    assert page.get_by_test_id("result-link").count() == 1  # but only its own breakdown opens
    page.get_by_test_id("result-link").click()
    assert page.get_by_test_id("total").inner_text() == str(mine.total)
    response = page.goto(f"{page.base_url}/assessment/runs/{run.pk}/s/{other.subject_id}/")
    assert response is not None and response.status == 404
