"""The indicators app's metrics: the first quarter of 2026 (read at March), figures written out by hand."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from luoshi.core import metrics
from luoshi.core.metrics import Period, Subject
from luoshi.indicators.tests.factories import put_target, put_value

Q1 = Period.quarter(2026, 1)
D = Decimal


@pytest.fixture
def board(tree: dict[str, Any], ind: dict[str, Any], c_town: Any) -> dict[str, Any]:
    a, b, c = tree["a"], tree["b"], c_town
    gdp, acc = ind["gdp"], ind["accidents"]
    # 规上工业产值 (higher is better), March 2026 and March 2025, annual targets.
    for unit, now, before, target in ((a, 300, 250, 1000), (b, 200, 250, 1000), (c, 250, None, 500)):
        put_value(unit, gdp, 2026, 3, now)
        put_value(unit, gdp, 2026, 2, now * 10)  # February is not the quarter's figure
        if before is not None:
            put_value(unit, gdp, 2025, 3, before)
        put_target(unit, gdp, 2026, target)
    # 安全生产事故 (lower is better).
    for unit, now, before in ((a, 6, 8), (b, 12, 10), (c, 6, None)):
        put_value(unit, acc, 2026, 3, now)
        if before is not None:
            put_value(unit, acc, 2025, 3, before)
        put_target(unit, acc, 2026, 40)
    return {**tree, "c": c, **ind}


def subjects(w: dict[str, Any]) -> dict[str, Subject]:
    return {k: Subject.unit(w[k]) for k in ("district", "a", "b", "c", "dept")}


def values(key: str, w: dict[str, Any], code: str) -> dict[str, Decimal | None]:
    subs = subjects(w)
    figures = metrics.compute(key, list(subs.values()), Q1, code)
    return {name: figures[s].value for name, s in subs.items()}


@pytest.mark.django_db
def test_completion_against_time_progress_turns_for_lower_is_better(board: dict[str, Any]) -> None:
    # Time progress at the end of March is 25.00 %. a: 30 % done (+5), b: 20 % (−5), 丙镇: 50 % (+25).
    assert values("indicators.progress_gap", board, "t_output") == {
        "district": None, "a": D("5.00"), "b": D("-5.00"), "c": D("25.00"), "dept": None,
    }  # fmt: skip
    # Accidents: a and 丙镇 used 15 % of the year's cap (10 points under time progress: good), b 30 % (bad).
    assert values("indicators.progress_gap", board, "t_accidents") == {
        "district": None, "a": D("10.00"), "b": D("-5.00"), "c": D("10.00"), "dept": None,
    }  # fmt: skip


@pytest.mark.django_db
def test_year_on_year_improvement(board: dict[str, Any]) -> None:
    assert values("indicators.yoy_growth", board, "t_output") == {
        "district": None, "a": D("20.00"), "b": D("-20.00"), "c": None, "dept": None,
    }  # fmt: skip
    # Accidents fell by 25 % in a (an improvement) and rose by 20 % in b.
    assert values("indicators.yoy_growth", board, "t_accidents") == {
        "district": None, "a": D("25.00"), "b": D("-20.00"), "c": None, "dept": None,
    }  # fmt: skip


@pytest.mark.django_db
def test_rank_among_peers_with_ties_and_direction(board: dict[str, Any]) -> None:
    # By completion: 丙镇 50 %, a 30 %, b 20 %. The district has no peers; the department no figure.
    assert values("indicators.rank", board, "t_output") == {
        "district": None, "a": D(2), "b": D(3), "c": D(1), "dept": None,
    }  # fmt: skip
    # Fewer accidents rank first; a and 丙镇 tie at 15 % and share first place.
    assert values("indicators.rank", board, "t_accidents") == {
        "district": None, "a": D(1), "b": D(3), "c": D(1), "dept": None,
    }  # fmt: skip
    with translation.override("en"):
        figure = metrics.compute("indicators.rank", [Subject.unit(board["a"])], Q1, "t_output")
    assert figure[Subject.unit(board["a"])].basis == "2 of 3 by completion"


@pytest.mark.django_db
def test_records_link_to_the_values(board: dict[str, Any]) -> None:
    a = Subject.unit(board["a"])
    with translation.override("en"):
        own = metrics.records("indicators.progress_gap", a, Q1, "t_accidents")
        ranked = metrics.records("indicators.rank", a, Q1, "t_output")
    url = f"/indicators/units/{board['a'].pk}/indicators/t_accidents/"
    assert [(r.kind, r.label, r.url) for r in own] == [
        ("indicators.indicatorvalue", "甲街道 · 安全生产事故 · 2026年1-3月", url)
    ]
    assert own[0].note == (
        "2026年1-3月 6 起; target 40; completion 15.00%; time progress 25.00%; year on year -25.00%; lower is better"
    )
    assert [(r.label.split(" · ")[0], r.note.split(";")[0]) for r in ranked] == [
        ("丙镇", "rank 1"), ("甲街道", "rank 2"), ("乙街道", "rank 3"),
    ]  # fmt: skip


@pytest.mark.django_db
def test_an_unknown_indicator_is_refused(board: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="no indicator"):
        metrics.compute("indicators.rank", [Subject.unit(board["a"])], Q1, "nope")
    codes = [c.value for c in metrics.get_metric("indicators.rank").param.choices()]
    assert set(codes) == {"t_output", "t_tax", "t_firms", "t_accidents"}


@pytest.fixture
def count() -> Any:
    def run(key: str, subs: list[Subject]) -> int:
        with CaptureQueriesContext(connection) as ctx:
            metrics.compute(key, subs, Q1, "t_output")
        return len(ctx.captured_queries)

    return run


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "most"), [("indicators.progress_gap", 3), ("indicators.yoy_growth", 3), ("indicators.rank", 4)]
)
def test_query_count_does_not_grow_with_the_subjects(board: dict[str, Any], count: Any, key: str, most: int) -> None:
    every = list(subjects(board).values())
    assert count(key, every[1:2]) == count(key, every) <= most


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "code", "queries"),
    [
        ("indicators.progress_gap", "t_accidents", 4),  # the indicator, values, targets, names
        ("indicators.yoy_growth", "t_output", 4),
        ("indicators.rank", "t_output", 4),  # the indicator, peers, values, targets
    ],
)
def test_bulk_records_match_each_subjects_records_in_a_fixed_number_of_queries(
    board: dict[str, Any], key: str, code: str, queries: int
) -> None:
    every = list(subjects(board).values())
    for limit in (1, 3):
        with CaptureQueriesContext(connection) as ctx:
            bulk = metrics.records_bulk(key, every, Q1, code, limit=limit)
        assert len(ctx.captured_queries) == queries
        for subject in every:
            assert bulk[subject] == metrics.records(key, subject, Q1, code, limit=limit), (key, subject, limit)
    with CaptureQueriesContext(connection) as ctx:
        metrics.records_bulk(key, every[1:2], Q1, code)
    assert len(ctx.captured_queries) == queries
    assert bulk[Subject.unit(board["a"])]  # 甲街道 has a value (and a place on the board)
    if key != "indicators.rank":  # the department has no value of its own (its board lists its peers)
        assert bulk[Subject.unit(board["dept"])] == []
