"""The home page's indicator figures: lagging indicators, the township's rank, the district's 擂台."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from luoshi.indicators import home
from luoshi.indicators.tests.factories import put_target, put_value

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(tree, ind, c_town):
    # 甲 74.99% of its target, 乙 60%, 丙 60%: 甲 first, 乙 and 丙 share second.
    for unit, value, target in ((tree["a"], "149976", "200000"), (tree["b"], "120000", "200000"),
                                (c_town, "60000", "100000")):  # fmt: skip
        put_value(unit, ind["gdp"], 2026, 8, value)
        put_target(unit, ind["gdp"], 2026, target)
    return tree


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_leader_sees_the_rank_of_the_township_without_seeing_the_district(figures, people):
    counts = {c.key: c for c in home.oversight_counts(_request(people["leader_a"]), people["leader_a"])}
    assert list(counts) == ["indicators_lagging", "indicators_rank"]
    rank = counts["indicators_rank"]
    assert rank.value == "第 1 名（共 3 个）"
    assert rank.url == f"/indicators/units/{figures['a'].pk}/?year=2026&month=8"


def test_the_second_township_reads_its_shared_rank(figures, people):
    counts = {c.key: c for c in home.oversight_counts(_request(people["sup_b"]), people["sup_b"])}
    assert counts["indicators_rank"].value == "第 2 名（共 3 个）"


def test_no_rank_for_a_district_viewer_but_the_ranking_of_the_townships(figures, people):
    viewer = people["district"]
    assert [c.key for c in home.oversight_counts(_request(viewer), viewer)] == ["indicators_lagging"]
    section = home.district_ranking(_request(viewer), viewer)
    assert section is not None
    assert [i.title for i in section.items] == ["1. 甲街道", "2. 丙镇", "2. 乙街道"]  # a tie: by name


def test_staff_have_no_indicator_figures(figures, people):
    assert home.oversight_counts(_request(people["staff_a"]), people["staff_a"]) == []
    assert home.district_ranking(_request(people["staff_a"]), people["staff_a"]) is None
