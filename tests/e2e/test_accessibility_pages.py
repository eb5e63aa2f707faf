"""Accessibility of what the menu walks do not reach by themselves (issue 17): the flash messages shown
after an action, and the project map's list of its projects, reached from the keyboard."""

from __future__ import annotations

from typing import Any

import pytest

from luoshi.core.testing import login
from tests.e2e.test_accessibility import AXE_JS, RUN_AXE, WCAG_AA_TAGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_flash_message_is_announced_and_axe_clean(page: Any, demo_org: None) -> None:
    page.context.add_init_script(path=str(AXE_JS))
    login(page, "leader")
    page.goto(page.base_url + "/accounts/me/password/")
    page.fill("#id_old_password", "luoshi-demo-2026")
    page.fill("#id_new_password1", "Dongxing-4-hao-2026")
    page.fill("#id_new_password2", "Dongxing-4-hao-2026")
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/me/")
    # The message is a list item of a real list, inside a status region that announces it.
    message = page.locator("[role=status] > ul.messages > li.message-success")
    assert message.inner_text() == "密码已修改。"
    assert page.evaluate(RUN_AXE, WCAG_AA_TAGS) == []


def test_the_project_map_offers_its_projects_as_a_list_reached_by_keyboard(page: Any, demo_org: None) -> None:
    from luoshi.org.models import Person, Unit
    from luoshi.projects import services
    from luoshi.projects.models import Project

    leader = Person.objects.get(user__username="leader")
    for n, (lat, lng) in enumerate([("27.9912", "120.6991"), ("28.0031", "120.7102")]):
        services.project_create(
            actor=leader.user,
            data=services.ProjectData(
                name=f"东星{n + 1}号地块安置房",
                unit=Unit.objects.get(code="CD"),
                total_investment="20000",
                annual_plan="5000",
                plan_year=2026,
                stage="construction",
                leaders=[leader],
                lat=lat,
                lng=lng,
            ),
        )
    assert Project.objects.count() == 2
    page.context.add_init_script(path=str(AXE_JS))
    login(page, "leader")
    page.goto(page.base_url + "/projects/map/")
    page.wait_for_selector("#project-map[data-count='2']")
    assert page.evaluate(RUN_AXE, WCAG_AA_TAGS) == []
    # The map's accessible name and description lead to the list.
    region = page.get_by_role("region", name="项目地图（旁边的“地图上的项目”列表列出同样这些项目）")
    assert region.get_attribute("aria-describedby") == "map-legend mapped-projects-heading"
    # Each marker is the light in its shape and a keyboard stop named by its project.
    markers = page.locator("#project-map .leaflet-marker-icon")
    assert markers.count() == 2
    assert markers.first.get_attribute("tabindex") == "0"
    names = {m.get_attribute("title").split(" · ")[0] for m in markers.all()}
    assert names == {"东星1号地块安置房", "东星2号地块安置房"}
    assert markers.first.locator(".light").count() == 1
    rows = page.get_by_test_id("mapped-projects").locator("tbody tr")
    assert rows.count() == 2
    assert "在建" in rows.first.inner_text() and "北纬 27.9912°，东经 120.6991°" in rows.first.inner_text()
    # Keyboard only: Tab to the skip link, Enter, and the next Tab is on the first project of the list.
    page.focus("[data-testid=project-filters] button[type=submit]")
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.testid === 'skip-map'"):
            break
    assert page.evaluate("document.activeElement.dataset.testid") == "skip-map"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "东星1号地块安置房"
    page.keyboard.press("Enter")
    page.wait_for_url("**/projects/*/")
