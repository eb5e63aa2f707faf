"""Journeys: a grid worker on a phone; a staff member creates an API token and uses it."""

from __future__ import annotations

import json
import urllib.request

import pytest

from luoshi.core.testing import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_grid_worker_on_a_phone_uses_the_bottom_navigation(phone_page, demo_org):
    page = phone_page
    login(page, "grid")
    assert not page.locator("nav.sidebar").is_visible()
    bottom = page.locator("nav.bottom-nav")
    assert bottom.is_visible()
    bottom.get_by_test_id("more-menu").click()
    bottom.locator(".more-menu").get_by_text("组织机构").click()
    page.wait_for_url("**/org/")
    assert "东星社区第1网格" in page.get_by_test_id("unit-tree").inner_text()
    # No horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_staff_creates_an_api_token_and_calls_the_api(page, demo_org):
    login(page, "staff")
    page.goto(page.base_url + "/accounts/me/tokens/")
    page.fill("#id_name", "统计脚本")
    page.get_by_role("button", name="创建令牌").click()
    token = page.get_by_test_id("new-token").inner_text().strip()
    assert token.startswith("lsk_")
    request = urllib.request.Request(page.base_url + "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = json.loads(response.read())
    assert body["username"] == "staff"
    assert body["roles"][0]["unit_name"] == "征迁工作组"
    page.reload()
    assert "统计脚本" in page.content()
    assert token not in page.content()
