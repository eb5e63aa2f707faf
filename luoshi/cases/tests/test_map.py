"""The map: grids with names and counts, a configurable background, key persons by risk for those
allowed (issue 14, finding 10)."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from luoshi.cases import selectors, services
from luoshi.cases.models import GridBoundary
from luoshi.cases.tests.factories import to_state
from luoshi.core import maptiles

pytestmark = pytest.mark.django_db

RING = [[120.69, 27.99], [120.71, 27.99], [120.71, 28.01], [120.69, 28.01], [120.69, 27.99]]


@pytest.fixture
def drawn(w):
    GridBoundary.objects.create(
        unit=w.grid_unit, geometry={"type": "Polygon", "coordinates": [RING]},
        min_lat=27.99, max_lat=28.01, min_lng=120.69, max_lng=120.71,
    )  # fmt: skip
    for name, level in (("钱小明", "high"), ("孙丽", "medium"), ("周强", "low"), ("吴敏", "high")):
        services.keyperson_create(
            actor=w.community, name=name, unit=w.grid_unit, classification="petitioner", risk_level=level
        )
    services.keyperson_create(
        actor=w.community, name="郑一", unit=w.community_unit, classification="petitioner", risk_level="high"
    )  # on the community, not on a grid: not on the map
    to_state(w, "handling")
    return w


def test_a_supervisor_sees_each_grids_key_persons_by_risk_with_masked_names(client, drawn):
    client.force_login(drawn.supervisor)
    data = client.get(reverse("cases:map_data")).json()
    assert data["key_persons"] is True
    (grid,) = data["grids"]["features"]
    assert grid["properties"]["name"] == drawn.grid_unit.name
    assert grid["properties"]["open"] == 1
    assert grid["properties"]["key_persons"] == {
        "high": 2, "medium": 1, "low": 1, "names": {"high": ["吴*", "钱**"], "medium": ["孙*"]},
    }  # fmt: skip
    page = client.get(reverse("cases:map")).content.decode()
    assert '<th scope="col" class="num">重点人员（高风险）</th>' in page
    assert '<td class="num" data-testid="kp-high">2</td><td class="num">1</td><td class="num">1</td>' in page
    assert 'data-testid="map-risk"' in page


@pytest.mark.parametrize("who", ["grid", "staff", "viewer"])
def test_who_may_not_open_the_registry_sees_no_key_persons_on_the_map(client, drawn, who):
    client.force_login(getattr(drawn, who))
    data = client.get(reverse("cases:map_data")).json()
    assert data["key_persons"] is False
    assert all("key_persons" not in f["properties"] for f in data["grids"]["features"])
    page = client.get(reverse("cases:map")).content.decode()
    assert "重点人员" not in page
    assert 'data-testid="map-risk"' not in page


def test_the_key_persons_of_any_number_of_grids_cost_one_query(drawn):
    selectors.key_person_risk_by_unit(drawn.supervisor, [drawn.grid_unit.pk])  # the scope, read once and kept
    with CaptureQueriesContext(connection) as queries:
        found = selectors.key_person_risk_by_unit(drawn.supervisor, [drawn.grid_unit.pk, drawn.community_unit.pk])
    assert len(queries.captured_queries) == 1
    assert found is not None
    assert found[drawn.community_unit.pk]["high"] == 1


def test_the_page_names_the_grids_and_their_counts_for_the_map_script(client, drawn):
    client.force_login(drawn.supervisor)
    page = client.get(reverse("cases:map")).content.decode()
    tag = re.search(r'<div id="case-map"[^>]*>', page, re.S)
    assert tag
    # No background configured: the grids stand on a plain background (js/maptiles.js).
    assert '<meta name="luoshi-map-tiles" content="[]">' in page
    assert 'data-label-count="在办 %(n)s 件"' in tag.group(0)
    assert 'data-label-counts="在办 %(open)s 件，超期 %(red)s 件"' in tag.group(0)


def test_a_tianditu_key_gives_every_map_the_vector_map_and_its_labels(client, drawn, settings):
    settings.LUOSHI_MAP_TIANDITU_KEY = "abc123"
    client.force_login(drawn.supervisor)
    page = client.get(reverse("cases:map")).content.decode()
    raw = re.search(r'<meta name="luoshi-map-tiles" content="([^"]*)">', page)
    assert raw
    layers = json.loads(raw.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert [layer["url"].split("/")[3] for layer in layers] == ["vec_w", "cva_w"]
    assert all(layer["url"].endswith("&tk=abc123") and layer["subdomains"] == "01234567" for layer in layers)
    assert layers[0]["attribution"] == "© 天地图"


@pytest.mark.parametrize(
    ("key", "url", "subdomains", "expected"),
    [
        ("", "", "", []),
        (
            "",
            "https://tiles.example.gov.cn/{z}/{x}/{y}.png",
            "",
            [("https://tiles.example.gov.cn/{z}/{x}/{y}.png", "abc")],
        ),
        (
            "",
            "https://{s}.tiles.example.gov.cn/{z}/{x}/{y}.png",
            "12",
            [("https://{s}.tiles.example.gov.cn/{z}/{x}/{y}.png", "12")],
        ),
    ],
)
def test_an_offices_own_tile_server(settings, key, url, subdomains, expected):
    settings.LUOSHI_MAP_TIANDITU_KEY = key
    settings.LUOSHI_MAP_TILE_URL = url
    settings.LUOSHI_MAP_TILE_SUBDOMAINS = subdomains
    assert [(layer["url"], layer["subdomains"]) for layer in maptiles.layers()] == expected
