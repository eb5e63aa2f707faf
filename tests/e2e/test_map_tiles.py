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


OVERLAPS = """() => {
  const boxes = [...document.querySelectorAll("#case-map .grid-label")]
    .filter(n => getComputedStyle(n).display !== "none")
    .map(n => n.getBoundingClientRect());
  let overlaps = 0;
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
    if (a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top) overlaps += 1;
  }));
  return [boxes.length, overlaps];
}"""


def test_grid_labels_never_cover_each_other_on_a_narrow_map(phone_page: Any, demo_org: None) -> None:
    """On a phone the grids are small: labels that do not fit shrink, and none covers another."""
    import random

    from luoshi.cases import demo

    demo._grids(random.Random(14))  # the demo's grid outlines: narrow rectangles, side by side
    page = phone_page
    login(page, "supervisor")
    page.goto(page.base_url + "/cases/map/")
    page.locator("#case-map[data-labels-hidden]").wait_for(state="attached")
    assert int(page.locator("#case-map").get_attribute("data-loaded") or 0) > 1
    shown, overlaps = page.evaluate(OVERLAPS)
    assert shown >= 1 and overlaps == 0, (shown, overlaps)
    # Zoomed in, the labels are placed again: more room, still no overlap.
    page.locator("#case-map .leaflet-control-zoom-in").click()
    page.wait_for_timeout(600)
    shown_closer, overlaps = page.evaluate(OVERLAPS)
    assert overlaps == 0 and shown_closer >= shown, (shown_closer, shown)
