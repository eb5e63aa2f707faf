"""Journey: a demo leader logs in, sees today's page, opens the unit tree and a community."""

from __future__ import annotations

import pytest

from luoshi.core.testing import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_logs_in_and_browses_the_unit_tree(page, demo_org):
    login(page, "leader")
    assert page.locator("h1").first.inner_text().startswith("您好")
    assert page.get_by_test_id("current-user").inner_text() == "蒋一诺"

    page.click("nav.sidebar >> text=组织机构")
    tree = page.get_by_test_id("unit-tree")
    tree.wait_for()
    assert "城东街道" in tree.inner_text()
    # Out of the leader's scope: other subdistricts are not in the tree.
    assert "通泰街道" not in tree.inner_text()

    page.click("[data-tree-toggle=open]")
    page.click("text=东星社区")
    page.wait_for_url("**/org/units/*/")
    assert page.locator("h1").inner_text().startswith("东星社区")
    assert "东星社区第1网格" in page.get_by_test_id("sub-units").inner_text()
    assert "龚海燕" in page.get_by_test_id("unit-people").inner_text()

    # The tree's search answers while the leader types (htmx, loaded on this page only), without a reload.
    page.go_back()
    page.fill("#tree-search", "东星社区第1")
    page.locator("#search-results").get_by_test_id("unit-list").get_by_text("东星社区第1网格").wait_for()
    assert page.url.endswith("/org/")
