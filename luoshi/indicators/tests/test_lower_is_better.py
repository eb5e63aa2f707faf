"""Indicators where less is better (信访总量, 安全生产事故) are judged the other way everywhere:
the words against time progress, their colour, the light, the rank order, the bars."""

from __future__ import annotations

from decimal import Decimal

import pytest

from luoshi.indicators import charts, selectors
from luoshi.indicators.templatetags.indicator_tags import gap_text
from luoshi.indicators.tests.factories import put_target, put_value

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("gap", "higher_is_better", "words"),
    [
        (Decimal("3.33"), True, "快于序时进度3.3个百分点"),
        (Decimal("0"), True, "快于序时进度0.0个百分点"),
        (Decimal("-6.67"), True, "慢于序时进度6.7个百分点"),
        (Decimal("-6.67"), False, "低于序时进度6.7个百分点（越低越好）"),
        (Decimal("0"), False, "低于序时进度0.0个百分点（越低越好）"),
        (Decimal("3.33"), False, "高于序时进度3.3个百分点（越低越好）"),
    ],
)
def test_the_gap_in_words_follows_the_direction(gap, higher_is_better, words):
    assert gap_text(gap, higher_is_better) == words


@pytest.fixture
def accidents_a(tree, ind):
    """甲街道, 1-8月: 3 accidents against a ceiling of 10 (30%, time progress 66.67%): well under, good.
    Its tax: 3 of 10 as well (30%), which for a higher-is-better indicator is far behind."""
    put_value(tree["a"], ind["accidents"], 2026, 8, 3)
    put_target(tree["a"], ind["accidents"], 2026, 10)
    put_value(tree["a"], ind["tax"], 2026, 8, 3)
    put_target(tree["a"], ind["tax"], 2026, 10)
    return tree["a"]


def test_the_scorecard_judges_each_indicator_by_its_direction(client, people, ind, accidents_a):
    card = selectors.scorecard(people["leader_a"], accidents_a, 2026, 8)
    rows = {r.indicator.code: r.figures for r in card.rows}
    assert (rows["t_accidents"].light, rows["t_accidents"].gap_good, rows["t_accidents"].gap_class) == (
        "green",
        True,
        "gap-ahead",
    )
    assert (rows["t_tax"].light, rows["t_tax"].gap_good, rows["t_tax"].gap_class) == ("red", False, "gap-behind")
    client.force_login(people["leader_a"])
    html = client.get(f"/indicators/units/{accidents_a.pk}/", {"year": 2026, "month": 8}).content.decode()
    assert '<span class="gap-ahead">低于序时进度36.7个百分点（越低越好）</span>' in html
    assert '<span class="gap-behind">慢于序时进度36.7个百分点</span>' in html
    api = client.get("/api/v1/indicators/scorecard", {"unit": accidents_a.pk, "year": 2026, "month": 8})
    by_code = {r["indicator"]: r for r in api.json()["rows"]}
    assert (by_code["t_accidents"]["gap_is_good"], by_code["t_tax"]["gap_is_good"]) == (True, False)


def test_fewer_accidents_rank_first_and_their_bars_are_green(tree, ind, people, c_town):
    acc = ind["accidents"]
    for unit, count in ((tree["a"], 9), (tree["b"], 2), (c_town, 5)):
        put_value(unit, acc, 2026, 8, count)
        put_target(unit, acc, 2026, 10)
    board = selectors.leaderboard(people["district"], tree["district"], acc, 2026, 8, metric="completion")
    assert [(r.unit_name, r.rank, r.figures.light) for r in board.rows] == [
        ("乙街道", 1, "green"),
        ("丙镇", 2, "green"),
        ("甲街道", 3, "red"),
    ]
    colours = [d["itemStyle"]["color"] for d in charts.leaderboard_bars(board)["series"][0]["data"]]
    assert colours == [charts.COLOURS["green"], charts.COLOURS["green"], charts.COLOURS["red"]]


def test_composite_bars_do_not_paint_the_winner_red(tree, ind, people, c_town):
    for unit, tax, accidents in ((tree["a"], 9, 1), (tree["b"], 5, 5), (c_town, 1, 9)):
        put_value(unit, ind["tax"], 2026, 8, tax)
        put_target(unit, ind["tax"], 2026, 10)
        put_value(unit, ind["accidents"], 2026, 8, accidents)
        put_target(unit, ind["accidents"], 2026, 10)
    board = selectors.composite_leaderboard(
        people["district"], tree["district"], [(ind["tax"], Decimal(1)), (ind["accidents"], Decimal(1))], 2026, 8
    )
    # 甲 has the most tax and the fewest accidents: first, with the full 100.
    first = board.rows[0]
    assert (first.unit_name, first.rank, first.metric) == ("甲街道", 1, Decimal("100.00"))
    colours = {d["itemStyle"]["color"] for d in charts.leaderboard_bars(board)["series"][0]["data"]}
    assert colours == {charts.NEUTRAL} and charts.NEUTRAL not in charts.COLOURS.values()


def test_the_home_section_says_a_ceiling_was_passed_not_a_target_missed(client, people, ind, tree):
    # A non-cumulative lower-is-better indicator over its ceiling: no gap, judged against the ceiling.
    acc = ind["accidents"]
    acc.kind = "point"
    acc.save()
    put_value(tree["a"], acc, 2026, 8, 14)
    put_target(tree["a"], acc, 2026, 10)
    client.force_login(people["leader_a"])
    page = client.get("/").content.decode()
    assert "滞后指标" in page and "超过控制目标" in page
