"""Every map draws the configured tile layer, and without one stands on a plain background (issue 14)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from luoshi.core.testing import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_without_a_tile_server_the_case_map_is_a_plain_plan(page: Any, demo_org: None) -> None:
    login(page, "supervisor")
    page.goto(page.base_url + "/cases/map/")
    container = page.locator("#case-map")
    expect(container).to_have_class(re.compile(r"\bno-tiles\b"))
    assert page.locator("#case-map .leaflet-tile").count() == 0
    assert container.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(248, 250, 252)"


def test_an_offices_tile_server_is_drawn_under_the_case_map(page: Any, demo_org: None, settings: Any) -> None:
    # A tile "server" on Luoshi's own origin (allowed by the CSP): every tile is the favicon.
    settings.LUOSHI_MAP_TILE_URL = "/static/luoshi/favicon.svg?z={z}&x={x}&y={y}"
    settings.LUOSHI_MAP_TILE_ATTRIBUTION = "某县自然资源局"
    login(page, "supervisor")
    page.goto(page.base_url + "/cases/map/")
    page.locator("#case-map .leaflet-tile").first.wait_for(state="attached")
    assert "no-tiles" not in (page.locator("#case-map").get_attribute("class") or "")
    expect(page.locator("#case-map .leaflet-control-attribution")).to_contain_text("某县自然资源局")
