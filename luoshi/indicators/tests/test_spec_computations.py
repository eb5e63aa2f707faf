"""Scorecard arithmetic at its boundaries, written out from docs/indicators.md and decision 0302."""

from __future__ import annotations

from decimal import Decimal

import pytest

from luoshi.indicators import computations as calc

D = Decimal


@pytest.mark.parametrize(
    ("value", "shown"),
    [("0.005", "0.01"), ("0.015", "0.02"), ("0.025", "0.03"), ("-0.005", "-0.01"), ("2.344", "2.34"), ("7", "7.00")],
)
def test_percentages_round_half_up_to_two_places(value, shown):
    assert str(calc.pct(D(value))) == shown


@pytest.mark.parametrize(
    ("current", "previous", "growth"),
    [
        ("110", "100", "10.00"),
        ("100", "100", "0.00"),
        ("0", "100", "-100.00"),
        ("100.005", "100", "0.01"),  # half up
        ("-30", "-20", "-50.00"),  # a loss grew: down 50 %
        ("10", "-20", "150.00"),
        ("5", "0", None),  # nothing to grow from
        (None, "100", None),
        ("100", None, None),
        (None, None, None),
    ],
)
def test_year_over_year_growth(current, previous, growth):
    result = calc.yoy_pct(None if current is None else D(current), None if previous is None else D(previous))
    assert result == (None if growth is None else D(growth))


@pytest.mark.parametrize(
    ("current", "previous", "points"),
    [
        ("96.5", "94", "2.50"),
        ("94", "96.5", "-2.50"),
        ("50", "0", "50.00"),  # points need no base: a ratio from 0 % is still a change
        ("12.345", "0", "12.35"),
        ("50", None, None),  # one of the two missing: nothing to show
        (None, "50", None),
        (None, None, None),
    ],
)
def test_year_over_year_change_of_a_ratio_in_points(current, previous, points):
    result = calc.yoy_points(None if current is None else D(current), None if previous is None else D(previous))
    assert result == (None if points is None else D(points))


@pytest.mark.parametrize(
    ("value", "target", "share"),
    [("50", "200", "25.00"), ("0", "200", "0.00"), ("250", "200", "125.00"), ("1", "3", "33.33"), ("2", "3", "66.67"),
     ("5", "0", None), (None, "3", None), ("5", None, None)],
)  # fmt: skip
def test_completion_of_the_annual_target(value, target, share):
    result = calc.completion_pct(None if value is None else D(value), None if target is None else D(target))
    assert result == (None if share is None else D(share))


@pytest.mark.parametrize(
    ("month", "progress"),
    [(1, "8.33"), (2, "16.67"), (3, "25.00"), (4, "33.33"), (5, "41.67"), (6, "50.00"), (7, "58.33"), (8, "66.67"),
     (9, "75.00"), (10, "83.33"), (11, "91.67"), (12, "100.00")],
)  # fmt: skip
def test_time_progress_of_each_month(month, progress):
    assert calc.time_progress_pct(month) == D(progress)


@pytest.mark.parametrize("month", [0, 13, -1])
def test_no_time_progress_outside_the_year(month):
    with pytest.raises(ValueError, match="month must be 1 to 12"):
        calc.time_progress_pct(month)


def test_gap_to_time_progress():
    assert calc.progress_gap(D("66.67"), 8) == D("0.00")
    assert calc.progress_gap(D("100"), 12) == D("0.00")
    assert calc.progress_gap(D("10"), 1) == D("1.67")
    assert calc.progress_gap(D("0"), 6) == D("-50.00")
    assert calc.progress_gap(None, 6) is None


# cumulative, higher is better, completion, gap, yoy → light
LIGHTS = [
    # Cumulative with a target: judged by the gap to time progress (level is green, 10 points behind still yellow).
    (True, True, "60", "0", None, "green"),
    (True, True, "60", "0.01", None, "green"),
    (True, True, "60", "-0.01", None, "yellow"),
    (True, True, "60", "-10", None, "yellow"),
    (True, True, "60", "-10.01", None, "red"),
    # Lower is better (accidents): ahead of pace is bad.
    (True, False, "60", "0", None, "green"),
    (True, False, "60", "-5", None, "green"),
    (True, False, "60", "0.01", None, "yellow"),
    (True, False, "60", "10", None, "yellow"),
    (True, False, "60", "10.01", None, "red"),
    # A cumulative figure without a gap falls back on the target itself.
    (True, True, "95", None, "8", "yellow"),
    # Not cumulative: judged by the target itself (reached green, within 10 % yellow).
    (False, True, "100", None, None, "green"),
    (False, True, "120", None, None, "green"),
    (False, True, "99.99", None, None, "yellow"),
    (False, True, "90", None, None, "yellow"),
    (False, True, "89.99", None, None, "red"),
    (False, True, "90", "5", None, "yellow"),  # a gap is ignored when not cumulative
    (False, False, "100", None, None, "green"),
    (False, False, "80", None, None, "green"),
    (False, False, "110", None, None, "yellow"),
    (False, False, "110.01", None, None, "red"),
    # No target: the sign of the year-over-year change.
    (False, True, None, None, "0", "green"),
    (False, True, None, None, "3", "green"),
    (False, True, None, None, "-0.01", "yellow"),
    (False, False, None, None, "-3", "green"),
    (False, False, None, None, "0", "green"),
    (False, False, None, None, "0.01", "yellow"),
    (True, True, None, None, "-30", "yellow"),  # never red without a target
    # Nothing to judge by.
    (False, True, None, None, None, ""),
    (True, False, None, None, None, ""),
]


@pytest.mark.parametrize(("cumulative", "higher", "completion", "gap", "yoy", "expected"), LIGHTS)
def test_indicator_lights(cumulative, higher, completion, gap, yoy, expected):
    as_d = {k: None if v is None else D(v) for k, v in {"completion": completion, "gap": gap, "yoy": yoy}.items()}
    assert calc.light(cumulative=cumulative, higher_is_better=higher, **as_d) == expected


def test_rankings_share_places_and_skip_after_a_tie():
    scores = [("甲", D("8.1")), ("乙", D("9.5")), ("丙", D("9.5")), ("丁", D("7")), ("戊", None), ("己", D("9.5"))]
    assert calc.rank_with_ties(scores) == {"乙": 1, "丙": 1, "己": 1, "甲": 4, "丁": 5, "戊": None}
    assert calc.rank_with_ties(scores, descending=False) == {"丁": 1, "甲": 2, "乙": 3, "丙": 3, "己": 3, "戊": None}
    assert calc.rank_with_ties([]) == {}
    assert calc.rank_with_ties([("甲", None), ("乙", None)]) == {"甲": None, "乙": None}
    assert calc.rank_with_ties([("甲", D(0)), ("乙", D(-1))]) == {"甲": 1, "乙": 2}


def test_places_gained():
    assert calc.movement(1, 4) == 3
    assert calc.movement(4, 1) == -3
    assert calc.movement(2, 2) == 0
    assert calc.movement(None, 1) is None
    assert calc.movement(1, None) is None


def test_composite_scores_scale_weigh_and_skip():
    # Parts without weight or without any figure come first: they are skipped, not the end of the list.
    parts = [
        calc.Part("ignored", D(0), True),
        calc.Part("nobody", D(5), True),
        calc.Part("negative", D(-2), True),
        calc.Part("gdp", D(3), True),
        calc.Part("accidents", D(1), False),
    ]
    data = {
        ("a", "gdp"): D(200), ("b", "gdp"): D(100), ("c", "gdp"): D(150),
        ("a", "accidents"): D(10), ("b", "accidents"): D(0),
        ("a", "ignored"): D(1), ("b", "ignored"): D(99),
        ("a", "negative"): D(1), ("b", "negative"): D(99),
    }  # fmt: skip
    # d (no figure at all) and c (no accidents figure) come before the units that have them.
    scores = calc.composite_scores(parts, lambda u, k: data.get((u, k)), ["d", "c", "a", "b"])
    # gdp: a 100, b 0, c 50; accidents (lower better): a 0, b 100; c has no accidents figure.
    assert scores == {"a": D("75.00"), "b": D("25.00"), "c": D("50.00"), "d": None}


def test_composite_scores_when_everyone_is_equal():
    parts = [calc.Part("gdp", D(1), True), calc.Part("accidents", D(1), False)]
    scores = calc.composite_scores(parts, lambda u, k: D(7), ["a", "b"])
    assert scores == {"a": D("100.00"), "b": D("100.00")}


@pytest.mark.parametrize(
    ("month", "cumulative", "label"),
    [(1, True, "1月"), (2, True, "1-2月"), (12, True, "1-12月"), (1, False, "1月"), (8, False, "8月")],
)
def test_month_labels(month, cumulative, label):
    assert calc.month_label(month, cumulative=cumulative) == label


# Period words of scorecards → (year, month of the cumulative figure).
PERIODS = [
    ("一季度", (2026, 3)),
    ("第一季度", (2026, 3)),
    ("上半年", (2026, 6)),
    ("二季度", (2026, 6)),
    ("第二季度", (2026, 6)),
    ("前两季度", (2026, 6)),
    ("前二季度", (2026, 6)),
    ("前三季度", (2026, 9)),
    ("三季度", (2026, 9)),
    ("第三季度", (2026, 9)),
    ("四季度", (2026, 12)),
    ("第四季度", (2026, 12)),
    ("全年", (2026, 12)),
    ("下半年", (2026, 12)),
    ("1-8月", (2026, 8)),
    ("1-12月", (2026, 12)),
    ("8月", (2026, 8)),
    ("1月", (2026, 1)),
    ("12月", (2026, 12)),
    ("8月底", (2026, 8)),
    ("8月末", (2026, 8)),
    ("截至8月底", (2026, 8)),
    ("截止10月末", (2026, 10)),
    ("截至8月", (2026, 8)),
    ("2019年前三季度", (2019, 9)),
    ("2025年1-6月", (2025, 6)),
    ("1999年", (1999, 12)),
    ("2018年", (2018, 12)),
    ("13月", None),
    ("0月", None),
    ("1-13月", None),
    ("2-9月", None),
    ("2100年", None),
    ("2019年五季度", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("period", "expected"), PERIODS)
def test_period_words(period, expected):
    assert calc.period_to_year_month(period, 2026) == expected
