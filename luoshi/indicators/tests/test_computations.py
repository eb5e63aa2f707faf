"""YoY, completion, time progress, lights and rankings (pure functions)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luoshi.indicators import computations as calc


def test_yoy():
    assert calc.yoy_pct(Decimal("151384"), Decimal("93620")) == Decimal("61.70")
    assert calc.yoy_pct(Decimal("90"), Decimal("100")) == Decimal("-10.00")
    assert calc.yoy_pct(Decimal("10"), Decimal("-20")) == Decimal("150.00")  # a loss turned into a profit
    assert calc.yoy_pct(Decimal("10"), Decimal("0")) is None
    assert calc.yoy_pct(None, Decimal("1")) is None
    assert calc.yoy_pct(Decimal("1"), None) is None


def test_yoy_points_for_ratios():
    assert calc.yoy_points(Decimal("96.5"), Decimal("94")) == Decimal("2.50")


def test_completion():
    assert calc.completion_pct(Decimal("16915"), Decimal("25000")) == Decimal("67.66")
    assert calc.completion_pct(Decimal("1"), Decimal("0")) is None
    assert calc.completion_pct(None, Decimal("3")) is None


@pytest.mark.parametrize(("month", "expected"), [(1, "8.33"), (3, "25.00"), (6, "50.00"), (8, "66.67"), (12, "100.00")])
def test_time_progress(month, expected):
    assert calc.time_progress_pct(month) == Decimal(expected)


def test_time_progress_rejects_bad_months():
    with pytest.raises(ValueError, match="month"):
        calc.time_progress_pct(13)


def test_gap_ahead_and_behind():
    assert calc.progress_gap(Decimal("70"), 8) == Decimal("3.33")  # 快于序时进度 3.33 个百分点
    assert calc.progress_gap(Decimal("60"), 8) == Decimal("-6.67")  # 慢于序时进度 6.67 个百分点
    assert calc.progress_gap(None, 8) is None


@pytest.mark.parametrize(
    ("cumulative", "higher", "completion", "gap", "yoy", "expected"),
    [
        (True, True, Decimal("70"), Decimal("3.33"), None, "green"),
        (True, True, Decimal("60"), Decimal("-6.67"), None, "yellow"),
        (True, True, Decimal("50"), Decimal("-16.67"), None, "red"),
        (True, True, Decimal("66.67"), Decimal("0"), None, "green"),
        (True, False, Decimal("70"), Decimal("3.33"), None, "yellow"),  # accidents above pace
        (True, False, Decimal("40"), Decimal("-26.67"), None, "green"),
        (False, True, Decimal("100"), None, None, "green"),
        (False, True, Decimal("95"), None, None, "yellow"),
        (False, True, Decimal("80"), None, None, "red"),
        (True, True, None, None, Decimal("5"), "green"),
        (True, True, None, None, Decimal("-5"), "yellow"),
        (True, True, None, None, None, ""),
    ],
)
def test_light(cumulative, higher, completion, gap, yoy, expected):
    got = calc.light(cumulative=cumulative, higher_is_better=higher, completion=completion, gap=gap, yoy=yoy)
    assert got == expected


def test_rank_with_ties_shares_ranks():
    ranks = calc.rank_with_ties(
        [("a", Decimal("10")), ("b", Decimal("30")), ("c", Decimal("30")), ("d", Decimal("5")), ("e", None)]
    )
    assert ranks == {"b": 1, "c": 1, "a": 3, "d": 4, "e": None}


def test_rank_ascending_for_lower_is_better():
    ranks = calc.rank_with_ties([("a", Decimal("3")), ("b", Decimal("1")), ("c", Decimal("1"))], descending=False)
    assert ranks == {"b": 1, "c": 1, "a": 3}


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.none(), st.integers(-5, 5)), max_size=30))
def test_rank_properties(scores):
    pairs = [(i, Decimal(s) if s is not None else None) for i, s in enumerate(scores)]
    ranks = calc.rank_with_ties(pairs)
    for i, score in pairs:
        if score is None:
            assert ranks[i] is None
        else:
            better = sum(1 for _j, other in pairs if other is not None and other > score)
            assert ranks[i] == better + 1


def test_movement():
    assert calc.movement(2, 5) == 3
    assert calc.movement(5, 2) == -3
    assert calc.movement(None, 2) is None


def test_composite_scores():
    parts = [calc.Part("gdp", Decimal(2), True), calc.Part("accidents", Decimal(1), False)]
    data = {
        ("a", "gdp"): Decimal(100),
        ("b", "gdp"): Decimal(50),
        ("a", "accidents"): Decimal(4),
        ("b", "accidents"): Decimal(2),
    }
    scores = calc.composite_scores(parts, lambda u, k: data.get((u, k)), ["a", "b", "c"])
    # a: gdp best (100) ×2, accidents worst (0) ×1 → 66.67; b: 0×2 + 100×1 → 33.33
    assert scores == {"a": Decimal("66.67"), "b": Decimal("33.33"), "c": None}


def test_period_to_year_month():
    assert calc.period_to_year_month("1-8月", 2026) == (2026, 8)
    assert calc.period_to_year_month("一季度", 2019) == (2019, 3)
    assert calc.period_to_year_month("2019年一季度", 2026) == (2019, 3)
    assert calc.period_to_year_month("2018年", 2026) == (2018, 12)
    assert calc.period_to_year_month("3月", 2026) == (2026, 3)
    assert calc.period_to_year_month("截至8月底", 2026) == (2026, 8)
    assert calc.period_to_year_month("2-9月", 2026) is None
    assert calc.period_to_year_month(None, 2026) is None


def test_month_label():
    assert calc.month_label(8, cumulative=True) == "1-8月"
    assert calc.month_label(1, cumulative=True) == "1月"
    assert calc.month_label(8, cumulative=False) == "8月"
