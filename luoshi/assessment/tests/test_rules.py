"""The scoring rules: explicit boundary tables per kind, and properties checked by hypothesis."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.assessment import rules
from luoshi.assessment.rules import Rule, RuleError, RuleKind, SectionKind

LINEAR = Rule.from_json({"kind": "linear", "worst": "60", "best": "100"})
LINEAR_LOW = Rule.from_json({"kind": "linear", "worst": "10", "best": "0"})
RANK = Rule.from_json({"kind": "rank", "table": "60, 57, 54", "rest": "50"})
PER_EVENT = Rule.from_json({"kind": "per_event", "each": "0.5", "cap": "5"})
GATE = Rule.from_json({"kind": "gate", "threshold": "95"})


@pytest.mark.parametrize(
    ("rule", "value", "higher", "rank", "expected"),
    [
        # linear, higher is better: 0 at 60, 30 at 100, clamped
        (LINEAR, "59.99", True, None, "0.00"),
        (LINEAR, "60", True, None, "0.00"),
        (LINEAR, "80", True, None, "15.00"),
        (LINEAR, "99.99", True, None, "29.99"),
        (LINEAR, "100", True, None, "30.00"),
        (LINEAR, "120", True, None, "30.00"),
        (LINEAR, None, True, None, "30.00"),  # nothing due: nothing to hold against
        # linear, lower is better: 0 at 10, full at 0
        (LINEAR_LOW, "0", False, None, "30.00"),
        (LINEAR_LOW, "5", False, None, "15.00"),
        (LINEAR_LOW, "10", False, None, "0.00"),
        (LINEAR_LOW, "11", False, None, "0.00"),
        # rank: table then rest
        (RANK, None, True, 1, "30.00"),  # capped at the item's points (30)
        (RANK, None, True, 4, "30.00"),
        # per event, lower is better: deducted from full points, at most the cap
        (PER_EVENT, "0", False, None, "30.00"),
        (PER_EVENT, "1", False, None, "29.50"),
        (PER_EVENT, "10", False, None, "25.00"),
        (PER_EVENT, "11", False, None, "25.00"),
        # per event, higher is better: added up to the cap
        (PER_EVENT, "3", True, None, "1.50"),
        (PER_EVENT, "100", True, None, "5.00"),
        # gate
        (GATE, "94.99", True, None, "0.00"),
        (GATE, "95", True, None, "30.00"),
        (GATE, "95", False, None, "30.00"),
        (GATE, "95.01", False, None, "0.00"),
    ],
)
def test_boundaries(rule: Rule, value: str | None, higher: bool, rank: int | None, expected: str) -> None:
    got = rules.score(
        rule, value=None if value is None else Decimal(value), points=Decimal(30), higher_is_better=higher, rank=rank
    )
    assert got == Decimal(expected)


@pytest.mark.parametrize(("rank", "expected"), [(1, "60"), (2, "57"), (3, "54"), (4, "50"), (14, "50"), (None, "60")])
def test_rank_table(rank: int | None, expected: str) -> None:
    assert rules.score(RANK, value=None, points=Decimal(60), higher_is_better=True, rank=rank) == Decimal(expected)


def test_no_data_zero_gives_nothing() -> None:
    rule = Rule.from_json({"kind": "rank", "table": [10, 9], "no_data": "zero"})
    assert rules.score(rule, value=None, points=Decimal(10), higher_is_better=True, rank=None) == Decimal(0)


@pytest.mark.parametrize(
    ("kind", "earned", "points", "weight", "expected"),
    [
        (SectionKind.BASE, "25", "30", "1", "25.00"),
        (SectionKind.BASE, "25", "30", "0.5", "12.50"),
        (SectionKind.BONUS, "2", "3", "1", "2.00"),
        (SectionKind.DEDUCTION, "5", "5", "1", "0.00"),  # nothing withheld, nothing deducted
        (SectionKind.DEDUCTION, "3.5", "5", "1", "-1.50"),
        (SectionKind.DEDUCTION, "0", "5", "2", "-10.00"),
    ],
)
def test_contribution_by_section_kind(kind: str, earned: str, points: str, weight: str, expected: str) -> None:
    assert rules.contribution(kind, Decimal(earned), Decimal(points), Decimal(weight)) == Decimal(expected)


def test_competition_ranks_share_ties_and_skip_no_data() -> None:
    values = {"a": Decimal(90), "b": Decimal(95), "c": Decimal(90), "d": None, "e": Decimal(80)}
    assert rules.ranks(values, higher_is_better=True) == {"a": 2, "b": 1, "c": 2, "d": None, "e": 4}
    assert rules.ranks(values, higher_is_better=False) == {"a": 2, "b": 4, "c": 2, "d": None, "e": 1}


@pytest.mark.parametrize(
    ("total", "band"),
    [
        ("100", "优秀"),
        ("90", "优秀"),
        ("89.99", "良好"),
        ("80", "良好"),
        ("60", "合格"),
        ("59.99", "不合格"),
        ("-3", "不合格"),
    ],
)
def test_default_bands(total: str, band: str) -> None:
    assert rules.band_for(Decimal(total), rules.DEFAULT_BANDS) == band


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "nope"}, "kind"),
        ({"kind": "linear", "worst": "60"}, "best"),
        ({"kind": "linear", "worst": "60", "best": "60"}, "best"),
        ({"kind": "linear", "worst": "x", "best": "1"}, "worst"),
        ({"kind": "rank", "table": []}, "table"),
        ({"kind": "rank", "table": "10, 12"}, "table"),
        ({"kind": "rank", "table": "10, 9", "rest": "11"}, "rest"),
        ({"kind": "per_event", "each": "0"}, "each"),
        ({"kind": "per_event", "each": "1", "cap": "-1"}, "cap"),
        ({"kind": "gate"}, "threshold"),
        ({"kind": "gate", "threshold": "NaN"}, "threshold"),
    ],
)
def test_bad_rules_name_the_field(data: dict[str, object], field: str) -> None:
    with pytest.raises(RuleError) as caught:
        Rule.from_json(data)
    assert field in caught.value.errors


def test_direction_is_checked_against_the_metric() -> None:
    assert LINEAR.check(higher_is_better=True, points=Decimal(30)) == {}
    assert "best" in LINEAR.check(higher_is_better=False, points=Decimal(30))
    assert "best" in LINEAR_LOW.check(higher_is_better=True, points=Decimal(30))
    assert "table" in RANK.check(higher_is_better=True, points=Decimal(30))


def test_json_round_trip() -> None:
    for rule in (LINEAR, LINEAR_LOW, RANK, PER_EVENT, GATE):
        assert Rule.from_json(rule.to_json()) == rule


values = st.decimals(min_value=-1000, max_value=1000, allow_nan=False, places=2)
points = st.decimals(min_value=Decimal("0.01"), max_value=100, allow_nan=False, places=2)


@st.composite
def any_rule(draw: st.DrawFn) -> Rule:
    kind = draw(st.sampled_from(list(RuleKind)))
    if kind == RuleKind.LINEAR:
        a, b = draw(values), draw(values)
        if a == b:
            b = a + 1
        return Rule.from_json({"kind": kind, "worst": a, "best": b})
    if kind == RuleKind.RANK:
        table = sorted(draw(st.lists(st.decimals(min_value=0, max_value=100, places=1), min_size=1, max_size=8)),
                       reverse=True)  # fmt: skip
        return Rule.from_json({"kind": kind, "table": [str(t) for t in table], "rest": "0"})
    if kind == RuleKind.PER_EVENT:
        return Rule.from_json({"kind": kind, "each": draw(points), "cap": draw(st.none() | points)})
    return Rule.from_json({"kind": kind, "threshold": draw(values)})


@settings(deadline=None)
@given(any_rule(), st.none() | values, points, st.booleans(), st.none() | st.integers(1, 20))
def test_points_stay_between_zero_and_full(
    rule: Rule, value: Decimal | None, full: Decimal, higher: bool, rank: int | None
) -> None:
    got = rules.score(rule, value=value, points=full, higher_is_better=higher, rank=rank)
    assert Decimal(0) <= got <= full
    assert got == got.quantize(Decimal("0.01"))


@settings(deadline=None)
@given(any_rule(), values, values, points, st.booleans())
def test_a_better_value_never_earns_less(rule: Rule, a: Decimal, b: Decimal, full: Decimal, higher: bool) -> None:
    if rule.kind == RuleKind.RANK:
        return
    if rule.kind == RuleKind.LINEAR and (rule.best > rule.worst) != higher:  # type: ignore[operator]
        return  # a rule the direction check refuses
    better, worse = (max(a, b), min(a, b)) if higher else (min(a, b), max(a, b))
    if rule.kind == RuleKind.PER_EVENT and min(a, b) < 0:
        return  # events are never negative
    score_better = rules.score(rule, value=better, points=full, higher_is_better=higher)
    score_worse = rules.score(rule, value=worse, points=full, higher_is_better=higher)
    assert score_better >= score_worse


@settings(deadline=None)
@given(st.dictionaries(st.integers(0, 50), st.none() | values, max_size=30), st.booleans())
def test_ranks_are_competition_ranks(data: dict[int, Decimal | None], higher: bool) -> None:
    ranked = rules.ranks(data, higher_is_better=higher)
    for key, value in data.items():
        if value is None:
            assert ranked[key] is None
            continue
        ahead = sum(1 for v in data.values() if v is not None and (v > value if higher else v < value))
        assert ranked[key] == ahead + 1
