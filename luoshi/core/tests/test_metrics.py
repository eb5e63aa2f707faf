"""The metric registry: periods, subjects, the bulk contract and the roll-up helper, with a fake metric."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from luoshi.core import metrics
from luoshi.core.metrics import (
    NO_DATA,
    Direction,
    Figure,
    Metric,
    MetricParam,
    Period,
    PeriodKind,
    Record,
    Subject,
    SubjectKind,
    Tally,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")

# --- Periods ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "start", "end", "last_month"),
    [
        ("2026-01", dt.date(2026, 1, 1), dt.date(2026, 1, 31), 1),
        ("2026-02", dt.date(2026, 2, 1), dt.date(2026, 2, 28), 2),
        ("2028-02", dt.date(2028, 2, 1), dt.date(2028, 2, 29), 2),
        ("2026-12", dt.date(2026, 12, 1), dt.date(2026, 12, 31), 12),
        ("2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31), 3),
        ("2026-Q3", dt.date(2026, 7, 1), dt.date(2026, 9, 30), 9),
        ("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31), 12),
        ("2026-H1", dt.date(2026, 1, 1), dt.date(2026, 6, 30), 6),
        ("2026-H2", dt.date(2026, 7, 1), dt.date(2026, 12, 31), 12),
        ("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31), 12),
    ],
)
def test_a_period_key_names_its_first_and_last_day(key: str, start: dt.date, end: dt.date, last_month: int) -> None:
    period = Period.parse(key)
    assert (period.start, period.end, period.last_month, period.key) == (start, end, last_month, key)


@pytest.mark.parametrize("key", ["", "2026-13", "2026-00", "2026-Q5", "2026-H3", "26-01", "2026-1", "1999", "x"])
def test_a_malformed_period_key_is_refused(key: str) -> None:
    with pytest.raises(ValueError, match=r"not a period|year must be|out of range"):
        Period.parse(key)


def test_a_period_opens_and_closes_at_midnight_in_shanghai() -> None:
    march = Period.month(2026, 3)
    assert march.start_at == dt.datetime(2026, 3, 1, tzinfo=SHANGHAI)
    assert march.end_at == dt.datetime(2026, 4, 1, tzinfo=SHANGHAI)
    # 2026-02-28 16:30 UTC is 2026-03-01 00:30 in Shanghai: inside March.
    assert march.contains(dt.datetime(2026, 2, 28, 16, 30, tzinfo=dt.UTC))
    # 2026-03-31 16:00 UTC is 2026-04-01 00:00 in Shanghai: outside.
    assert not march.contains(dt.datetime(2026, 3, 31, 16, 0, tzinfo=dt.UTC))
    assert march.contains(dt.date(2026, 3, 31))
    assert not march.contains(dt.date(2026, 4, 1))


@pytest.mark.parametrize(
    ("key", "previous", "following", "last_year"),
    [
        ("2026-01", "2025-12", "2026-02", "2025-01"),
        ("2026-12", "2026-11", "2027-01", "2025-12"),
        ("2026-Q1", "2025-Q4", "2026-Q2", "2025-Q1"),
        ("2026-H2", "2026-H1", "2027-H1", "2025-H2"),
        ("2026", "2025", "2027", "2025"),
    ],
)
def test_neighbouring_periods(key: str, previous: str, following: str, last_year: str) -> None:
    period = Period.parse(key)
    assert (period.previous().key, period.next().key, period.same_period_last_year().key) == (
        previous,
        following,
        last_year,
    )


@pytest.mark.parametrize(
    ("day", "kind", "key"),
    [
        (dt.date(2026, 3, 31), PeriodKind.MONTH, "2026-03"),
        (dt.date(2026, 3, 31), PeriodKind.QUARTER, "2026-Q1"),
        (dt.date(2026, 4, 1), PeriodKind.QUARTER, "2026-Q2"),
        (dt.date(2026, 6, 30), PeriodKind.HALF, "2026-H1"),
        (dt.date(2026, 7, 1), PeriodKind.HALF, "2026-H2"),
        (dt.date(2026, 7, 1), PeriodKind.YEAR, "2026"),
    ],
)
def test_the_period_containing_a_day(day: dt.date, kind: PeriodKind, key: str) -> None:
    assert Period.containing(day, kind).key == key


def test_period_labels_in_chinese() -> None:
    with translation.override("zh-hans"):
        assert [Period.parse(k).label for k in ["2026-03", "2026-Q1", "2026-H1", "2026-H2", "2026"]] == [
            "2026年3月",
            "2026年第1季度",
            "2026年上半年",
            "2026年下半年",
            "2026年度",
        ]


@given(st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2099, 12, 31)), st.sampled_from(list(PeriodKind)))
def test_every_day_lies_in_exactly_one_period_of_each_kind(day: dt.date, kind: PeriodKind) -> None:
    period = Period.containing(day, kind)
    assert period.contains(day)
    assert not period.previous().contains(day)
    assert not period.next().contains(day)
    assert period.previous().end + dt.timedelta(days=1) == period.start
    assert Period.parse(period.key) == period


# --- A fake metric ---------------------------------------------------------------------------

#: Deductions recorded per unit path: (path, period key, points).
FAKE_ROWS = [
    ("/1/", "2026-03", 1),
    ("/1/2/", "2026-03", 2),
    ("/1/2/3/", "2026-03", 4),
    ("/1/5/", "2026-03", 8),
    ("/1/2/3/", "2026-04", 16),
]
CALLS: list[int] = []


def fake_compute(subjects: Sequence[Subject], period: Period, param: str) -> Mapping[Subject, Figure]:
    CALLS.append(len(subjects))
    tally = Tally(subjects, width=2)
    for path, key, points in FAKE_ROWS:
        if key == period.key:
            tally.add_path(path, points, 1)
    return {s: Figure(v[0], count=int(v[1])) for s, v in tally.totals.items() if v[1]}


def fake_records(subject: Subject, period: Period, param: str, limit: int) -> Sequence[Record]:
    rows = [r for r in FAKE_ROWS if r[0].startswith(subject.path) and r[1] == period.key]
    return [Record("fake.row", i, f"{p} {pts}", f"/fake/{i}/") for i, (p, _k, pts) in enumerate(rows)][:limit]


@pytest.fixture
def fake() -> Iterator[Metric]:
    metric = Metric(
        key="fake.deductions",
        label="Deductions",
        unit="pt",
        direction=Direction.LOWER,
        subject_kinds=frozenset({SubjectKind.UNIT}),
        compute=fake_compute,
        records=fake_records,
    )
    metrics.register_metric(metric)
    CALLS.clear()
    yield metric
    metrics.unregister_metric(metric.key)


ROOT, TOWN, VILLAGE, OTHER, EMPTY = (
    Subject(SubjectKind.UNIT, 1, "/1/"),
    Subject(SubjectKind.UNIT, 2, "/1/2/"),
    Subject(SubjectKind.UNIT, 3, "/1/2/3/"),
    Subject(SubjectKind.UNIT, 5, "/1/5/"),
    Subject(SubjectKind.UNIT, 9, "/1/9/"),
)


def test_a_unit_figure_covers_its_subtree_and_all_subjects_come_from_one_call(fake: Metric) -> None:
    figures = metrics.compute("fake.deductions", [ROOT, TOWN, VILLAGE, OTHER, EMPTY], Period.month(2026, 3))
    assert {s.id: f.value for s, f in figures.items()} == {1: 15, 2: 6, 3: 4, 5: 8, 9: None}
    assert figures[TOWN].count == 2
    assert figures[EMPTY] is NO_DATA
    assert CALLS == [5]


def test_duplicate_subjects_are_asked_once(fake: Metric) -> None:
    figures = metrics.compute("fake.deductions", [TOWN, TOWN], Period.month(2026, 4))
    assert figures == {TOWN: Figure(Decimal(16), count=1)}
    assert CALLS == [1]


def test_no_subjects_no_call(fake: Metric) -> None:
    assert metrics.compute("fake.deductions", [], Period.month(2026, 3)) == {}
    assert CALLS == []


def test_records_behind_a_figure_are_limited(fake: Metric) -> None:
    found = metrics.records("fake.deductions", TOWN, Period.month(2026, 3))
    assert [(r.kind, r.label, r.url) for r in found] == [
        ("fake.row", "/1/2/ 2", "/fake/0/"),
        ("fake.row", "/1/2/3/ 4", "/fake/1/"),
    ]
    assert len(metrics.records("fake.deductions", ROOT, Period.month(2026, 3), limit=1)) == 1


def test_a_metric_refuses_subjects_and_parameters_it_does_not_take(fake: Metric) -> None:
    with pytest.raises(ValueError, match="does not apply to a person"):
        metrics.compute("fake.deductions", [Subject.person(4)], Period.month(2026, 3))
    with pytest.raises(ValueError, match="takes no parameter"):
        metrics.compute("fake.deductions", [TOWN], Period.month(2026, 3), "x")
    with pytest.raises(metrics.UnknownMetric):
        metrics.compute("fake.nothing", [TOWN], Period.month(2026, 3))


def test_a_parametrised_metric_needs_its_parameter(fake: Metric) -> None:
    metrics.register_metric(
        Metric(
            key="fake.by_stage",
            label="By stage",
            unit="%",
            direction=Direction.HIGHER,
            subject_kinds=frozenset({SubjectKind.UNIT}),
            compute=lambda subjects, period, param: {s: Figure(Decimal(len(param))) for s in subjects},
            param=MetricParam("Stage", lambda: [metrics.Choice("accept", "Accept")]),
        )
    )
    try:
        with pytest.raises(ValueError, match="needs a parameter"):
            metrics.compute("fake.by_stage", [TOWN], Period.month(2026, 3))
        assert metrics.compute("fake.by_stage", [TOWN], Period.month(2026, 3), "accept")[TOWN].value == 6
        assert [m.key for m in metrics.all_metrics(SubjectKind.UNIT) if m.app == "fake"] == [
            "fake.by_stage",
            "fake.deductions",
        ]
        assert [m.key for m in metrics.all_metrics(SubjectKind.PERSON) if m.app == "fake"] == []
    finally:
        metrics.unregister_metric("fake.by_stage")


@pytest.mark.parametrize("key", ["deductions", "Fake.x", "fake.", "fake.a-b", ".x"])
def test_a_metric_key_is_app_dot_name(key: str) -> None:
    with pytest.raises(ValueError, match="a metric key is"):
        Metric(key, "x", "x", Direction.HIGHER, frozenset({SubjectKind.UNIT}), fake_compute)


def test_a_unit_subject_needs_its_path() -> None:
    with pytest.raises(ValueError, match="needs its path"):
        Subject(SubjectKind.UNIT, 3)


def test_tally_counts_people_apart_from_units() -> None:
    anna, ben = Subject.person(7), Subject.person(8)
    tally = Tally([anna, ben, TOWN])
    tally.add_person(7, 2)
    tally.add_person(7, 3)
    tally.add_person(99, 5)
    tally.add_person(None, 5)
    tally.add_path("/1/2/", 1)
    tally.add_path(None, 1)
    assert {s: v[0] for s, v in tally.totals.items()} == {anna: 5, ben: 0, TOWN: 1}
    assert tally.person_ids == [7, 8]


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (0, 0, None),
        (0, 3, Decimal("0.00")),
        (1, 3, Decimal("33.33")),
        (2, 3, Decimal("66.67")),
        (3, 3, Decimal("100.00")),
    ],
)
def test_ratio_in_percent(part: int, whole: int, expected: Decimal | None) -> None:
    assert metrics.ratio_pct(part, whole) == expected


def test_covering_paths_drop_nested_subtrees() -> None:
    assert metrics.common_prefix_paths([VILLAGE, TOWN, OTHER, Subject.person(3)]) == ["/1/2/", "/1/5/"]
