"""Reads: scorecard, leaderboards, overview; scope and query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from luoshi.core.errors import NotFound
from luoshi.indicators import selectors
from luoshi.indicators.tests.factories import put_target, put_value
from luoshi.org.scope import scope_for
from luoshi.org.selectors import access_unit
from luoshi.org.tests.factories import UnitFactory


@pytest.fixture(autouse=True)
def _warm_scopes(people):
    """Load every user's scope once, so that query counts measure the selector alone."""
    for user in people.values():
        scope_for(user)


@pytest.fixture
def data(tree, ind, c_town):
    a, b = tree["a"], tree["b"]
    gdp = ind["gdp"]
    # 甲: 1-8月 149976 (last year 100000), target 200000 → 74.99%, ahead of 66.67% time progress.
    put_value(a, gdp, 2026, 8, "149976")
    put_value(a, gdp, 2025, 8, "100000")
    put_value(a, gdp, 2026, 7, "120000")
    put_target(a, gdp, 2026, "200000")
    # 乙: same completion as 丙 → tie; no value last year, growth as reported.
    put_value(b, gdp, 2026, 8, "120000", yoy="8.5")
    put_value(b, gdp, 2026, 7, "110000")
    put_target(b, gdp, 2026, "200000")
    put_value(c_town, gdp, 2026, 8, "60000")
    put_value(c_town, gdp, 2026, 7, "70000")
    put_target(c_town, gdp, 2026, "100000")
    put_value(a, ind["tax"], 2026, 8, "1.69")
    return {"a": a, "b": b, "c": c_town}


def test_scorecard_figures(tree, ind, people, data, django_assert_num_queries):
    user = people["leader_a"]
    with django_assert_num_queries(3):
        card = selectors.scorecard(user, tree["a"], 2026, 8)
    rows = {r.indicator.code: r for r in card.rows}
    gdp = rows["t_output"].figures
    assert gdp.value == Decimal("149976")
    assert gdp.yoy == Decimal("49.98")
    assert gdp.completion == Decimal("74.99")
    assert gdp.time_progress == Decimal("66.67")
    assert gdp.gap == Decimal("8.32")
    assert gdp.light == "green"
    assert rows["t_output"].series[6:8] == [Decimal("120000"), Decimal("149976")]
    assert rows["t_output"].series[8] is None
    assert rows["t_tax"].figures.completion is None
    assert "t_firms" not in rows  # reported by communities, and 甲 has no sum yet
    assert card.period_label


def test_scorecard_out_of_scope_is_not_found(tree, people, data):
    with pytest.raises(NotFound):
        access_unit(people["leader_a"], tree["b"].pk)
    with pytest.raises(NotFound):
        selectors.access_indicator_unit(people["sup_b"], tree["a"].pk)
    assert selectors.access_indicator_unit(people["district"], tree["a"].pk) == tree["a"]


def test_leaderboard_ties_and_movement(tree, ind, people, data, django_assert_num_queries):
    with django_assert_num_queries(3):
        board = selectors.leaderboard(people["district"], tree["district"], ind["gdp"], 2026, 8)
    assert board.metric == "completion"
    ranks = {r.unit_name: (r.rank, r.metric, r.rank_before, r.move) for r in board.rows}
    # 甲 74.99%; 乙 60%, 丙 60% share rank 2; in July 丙 (70%) led 甲 (60%) and 乙 (55%).
    assert ranks == {
        "甲街道": (1, Decimal("74.99"), 2, 1),
        "乙街道": (2, Decimal("60.00"), 3, 1),
        "丙镇": (2, Decimal("60.00"), 1, -1),
    }
    yoy = selectors.leaderboard(people["district"], tree["district"], ind["gdp"], 2026, 8, metric="yoy")
    assert [(r.unit_name, r.rank, r.figures.yoy, r.figures.yoy_reported) for r in yoy.rows] == [
        ("甲街道", 1, Decimal("49.98"), False),
        ("乙街道", 2, Decimal("8.50"), True),
        ("丙镇", None, None, False),
    ]


def test_leaderboard_lower_is_better(tree, ind, people, data):
    acc = ind["accidents"]
    put_value(tree["a"], acc, 2026, 8, 3)
    put_value(tree["b"], acc, 2026, 8, 1)
    put_value(data["c"], acc, 2026, 8, 1)
    board = selectors.leaderboard(people["district"], tree["district"], acc, 2026, 8)
    assert board.metric == "value"
    assert [(r.unit_name, r.rank) for r in board.rows] == [("丙镇", 1), ("乙街道", 1), ("甲街道", 3)]


def test_leaderboard_query_count_does_not_grow(tree, ind, people, data, django_assert_num_queries):
    for n in range(20):
        unit = UnitFactory(name=f"新镇{n}", kind="township", code=f"NZ{n:02d}", parent=tree["district"])
        put_value(unit, ind["gdp"], 2026, 8, 1000 + n)
    with django_assert_num_queries(3):
        board = selectors.leaderboard(people["district"], tree["district"], ind["gdp"], 2026, 8)
    assert len(board.rows) == 23


def test_leaderboard_needs_the_parent_in_scope(tree, ind, people, data):
    with pytest.raises(NotFound):
        selectors.leaderboard(people["leader_a"], tree["district"], ind["gdp"], 2026, 8)


def test_composite(tree, ind, people, data):
    put_value(tree["a"], ind["tax"], 2026, 8, "1")
    put_value(tree["b"], ind["tax"], 2026, 8, "3")
    board = selectors.composite_leaderboard(
        people["district"],
        tree["district"],
        [(ind["gdp"], Decimal(1)), (ind["tax"], Decimal(1))],
        2026,
        8,
        metric="value",
    )
    assert board.metric == "completion"  # composites use completion or growth only
    board = selectors.composite_leaderboard(
        people["district"],
        tree["district"],
        [(ind["gdp"], Decimal(3)), (ind["tax"], Decimal(1))],
        2026,
        8,
        metric="completion",
    )
    # Only gdp has targets: 甲 100, 乙 and 丙 0 → 甲 first, the others share second.
    assert [(r.unit_name, r.rank) for r in board.rows] == [("甲街道", 1), ("丙镇", 2), ("乙街道", 2)]


def test_trend(tree, ind, people, data, django_assert_num_queries):
    board = selectors.leaderboard(people["district"], tree["district"], ind["gdp"], 2026, 8)
    with django_assert_num_queries(2):
        trend = selectors.leaderboard_trend(board, top=2)
    assert [s.name for s in trend][:2] == ["甲街道", "丙镇"]  # 乙 and 丙 tie; names break ties
    assert trend[0].points[6:8] == [Decimal("120000"), Decimal("149976")]
    assert trend[-1].points[7] == Decimal("109992.00")


def test_overview(tree, ind, people, data, django_assert_num_queries):
    with django_assert_num_queries(4):
        view = selectors.overview(people["district"], tree["district"], 2026, 8)
    assert {u[1] for u in view.units} == {"甲街道", "乙街道", "丙镇"}
    cell = view.cell(tree["a"].pk, ind["gdp"].pk)
    assert cell is not None and cell.rank == 1
    assert view.counts[ind["gdp"].pk] == 3


def test_value_list_is_scoped(tree, ind, people, data):
    assert {v.unit.name for v in selectors.value_list(people["leader_a"])} == {"甲街道"}
    assert {v.unit.name for v in selectors.value_list(people["district"])} == {"甲街道", "乙街道", "丙镇"}
    assert selectors.latest_period(people["leader_a"], tree["a"]) == (2026, 8)
