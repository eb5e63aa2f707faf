"""红黑榜 rules with a minimum number of records and a red list that leaves out the black list's units:
the walk of 2026-12-05 found 8 townships tied first at 100 % satisfaction on 6 to 17 ratings, six of
them on the black list of the same month for red cards."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from luoshi.awards import services
from luoshi.awards.models import ListRule
from luoshi.core import metrics
from luoshi.core.metrics import Direction, Figure, Metric, Period, Record, Subject, SubjectKind

pytestmark = pytest.mark.django_db

#: A satisfaction rate by community: (rate, ratings behind it).
RATED = {"TA01": (100, 9), "TA02": (90, 10), "TA03": (80, 20)}


def _rated(subjects: Sequence[Subject], period: Period, param: str) -> Mapping[Subject, Figure]:
    from luoshi.org.models import Unit

    codes = dict(Unit.objects.filter(pk__in=[s.id for s in subjects]).values_list("pk", "code"))
    out = {}
    for s in subjects:
        if codes.get(s.id) in RATED:
            value, count = RATED[codes[s.id]]
            out[s] = Figure(Decimal(value), count=count, basis=f"{count}")
    return out


def _none(subject: Subject, period: Period, param: str, limit: int) -> Sequence[Record]:
    return []


@pytest.fixture(autouse=True)
def rated_metric() -> Iterator[None]:
    metrics.register_metric(
        Metric("fake.rated", "Rated", "%", Direction.HIGHER, frozenset({SubjectKind.UNIT}), _rated, _none)
    )
    yield
    metrics.unregister_metric("fake.rated")


def _red(w: dict[str, Any], period: str = "2026-11") -> list[str]:
    issue = services.list_build(actor=w["supervisor"], unit=w["a"], period=period)
    return [e.unit_name for e in issue.entries.filter(color="red").order_by("position")]


@pytest.mark.parametrize(
    ("min_count", "red"),
    [
        (0, ["甲一社区"]),  # no minimum: 100 % on 9 ratings is first
        (9, ["甲一社区"]),  # N = 9: its 9 ratings are enough
        (10, ["甲二社区"]),  # N = 10: 9 ratings are one short (N - 1), 90 % on 10 is first
        (20, []),  # N = 20: only 甲三's 20 ratings are enough, and a best-1 rule needs two units with a figure
    ],
)
def test_a_figure_on_fewer_records_than_the_minimum_is_not_listed(
    org: dict[str, Any], min_count: int, red: list[str]
) -> None:
    ListRule.objects.all().delete()
    ListRule.objects.create(name="满意率第一", color="red", metric="fake.rated", mode="best", count=1,
                            min_count=min_count, unit_kinds=["community"])  # fmt: skip
    assert _red(org) == red


@pytest.mark.parametrize(
    ("not_if_black", "red"),
    [
        (False, ["甲一社区"]),  # 90 points, first, though on the black list
        (True, ["甲三社区"]),  # 甲一 left out: 80 beats 甲二's 70
    ],
)
def test_a_red_rule_can_leave_out_the_units_on_the_black_list(
    org: dict[str, Any], not_if_black: bool, red: list[str]
) -> None:
    """fake.score in 2026-11: 甲一 90, 甲二 70, 甲三 80 (conftest)."""
    ListRule.objects.all().delete()
    # The red rule comes first in order: the black list is still made before it.
    ListRule.objects.create(name="前一", color="red", metric="fake.score", mode="best", count=1,
                            not_if_black=not_if_black, unit_kinds=["community"], sort_order=1)  # fmt: skip
    ListRule.objects.create(name="被红牌督办", color="black", metric="fake.score", mode="at_least",
                            threshold=Decimal(85), unit_kinds=["community"], sort_order=2)  # fmt: skip
    issue = services.list_build(actor=org["supervisor"], unit=org["a"], period="2026-11")
    assert [e.unit_name for e in issue.entries.filter(color="black")] == ["甲一社区"]
    assert [e.unit_name for e in issue.entries.filter(color="red").order_by("position")] == red


@pytest.mark.parametrize(
    ("color", "min_count", "not_if_black", "errors"),
    [
        ("red", 0, True, set()),
        ("red", 10_000, False, set()),
        ("red", 10_001, False, {"min_count"}),
        ("black", 0, True, {"not_if_black"}),
        ("black", 5, False, set()),
    ],
)
def test_rule_fields_are_validated(color: str, min_count: int, not_if_black: bool, errors: set[str]) -> None:
    rule = ListRule(name="规则", color=color, metric="fake.rated", mode="best", count=3, min_count=min_count,
                    not_if_black=not_if_black)  # fmt: skip
    try:
        rule.full_clean()
        found: set[str] = set()
    except ValidationError as e:
        found = set(e.message_dict)
    assert found == errors
