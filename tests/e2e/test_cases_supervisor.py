"""Journey: a supervisor accepts, dispatches and, after the unit replies, verifies and closes a case."""

from __future__ import annotations

import random

import pytest

from luoshi.accounts.models import User
from luoshi.cases import demo, services
from luoshi.cases.models import Case, Category, Channel
from luoshi.cases.tests.factories import ensure_categories
from luoshi.core.testing import login
from luoshi.org.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_dispatches_and_closes(page, demo_org):
    ensure_categories()
    grid_user = User.objects.get(username="grid")
    case = services.case_report(
        actor=grid_user,
        channel=Channel.GRID,
        category=Category.objects.get(code="05003"),
        unit=Unit.objects.get(code="CD01G1"),
        title="菜场门口占道经营",
        description="早市摊贩占用人行道",
        lat=27.905,
        lng=120.505,
    )
    login(page, "supervisor")
    page.goto(page.base_url + "/cases/")
    assert page.locator("[data-box=accept].active").count() == 1
    page.click(f"tr[data-case='{case.tracking_no}'] a")
    page.wait_for_url(f"**/cases/{case.pk}/")
    page.click("[data-testid=action-accept]")
    page.get_by_test_id("case-status").wait_for()
    assert page.get_by_test_id("case-status").inner_text() == "已受理"

    page.click("[data-testid=open-dispatch]")
    target = Unit.objects.get(code="CDD03")
    page.select_option("[data-testid=dispatch-unit]", value=str(target.pk))
    page.fill("[data-testid=dispatch-comment]", "请今天上午处理")
    page.click("[data-testid=action-dispatch]")
    page.wait_for_selector("text=已派遣")
    assert page.get_by_test_id("handling-unit").inner_text() == "城东街道·征迁工作组"  # named with its township

    staff = User.objects.get(username="staff")
    case.refresh_from_db()
    case = services.case_start(actor=staff, case=case)
    services.case_reply(actor=staff, case=case, comment="已劝离摊贩，恢复通行")

    page.reload()
    page.click("[data-testid=open-verify]")  # verifying takes photos of the check too (issue 14)
    page.click("[data-testid=action-verify]")
    page.wait_for_selector("[data-testid=case-status]:has-text('已结案')")
    timeline = page.get_by_test_id("timeline").inner_text()
    for step in ("上报", "受理", "派遣", "开始处置", "答复", "核查结案"):
        assert step in timeline
    assert Case.objects.get(pk=case.pk).outcome == "resolved"

    # The map draws grid boundaries without any tile server.
    demo._grids(random.Random(1))
    page.goto(page.base_url + "/cases/map/")
    page.wait_for_selector("#case-map[data-loaded]")
    assert int(page.get_attribute("#case-map", "data-loaded") or 0) > 0
