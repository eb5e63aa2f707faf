"""The cases' daily aggregates stay true: change records, refresh, compare every figure with a
direct query; the statistics read from them answer what the live count answers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from luoshi.cases import aggregates as case_aggregates
from luoshi.cases import services
from luoshi.cases.models import Case, DailyKind
from luoshi.cases.selectors.stats import case_stats
from luoshi.cases.tests.factories import report, to_state
from luoshi.core import aggregates
from luoshi.core.models import AggregateState, DailyFigure

FAMILIES = (case_aggregates.UNIT_FAMILY, case_aggregates.CATEGORY_FAMILY, case_aggregates.DAILY_FAMILY)


def _age(case: Case, days: int) -> Case:
    """Move a case's report ``days`` back (without touching ``updated_at``)."""
    Case.objects.filter(pk=case.pk).update(reported_at=case.reported_at - dt.timedelta(days=days))
    case.refresh_from_db()
    return case


def _assert_true(first: dt.date, last: dt.date) -> None:
    for name in FAMILIES:
        stored = aggregates.stored_rows(name, first, last)
        direct = aggregates.direct_rows(name, first, last)
        assert stored == direct, name


@pytest.fixture
def spread(w):
    """Cases reported over the last five days, in several states, units and categories."""
    cases = {
        "open_old": _age(report(w), 4),
        "rated_old": _age(to_state(w, "rated"), 4),
        "closed": _age(to_state(w, "closed", code="02001"), 3),
        "handling": _age(to_state(w, "handling"), 2),
        "accepted": _age(to_state(w, "accepted", code="02001"), 1),
        "today": report(w),
    }
    return cases


def test_a_refresh_stores_what_a_direct_query_answers_then_stays_true_as_records_change(w, spread):
    today = timezone.localdate()
    first = today - dt.timedelta(days=6)
    aggregates.refresh()
    assert DailyFigure.objects.filter(family=case_aggregates.UNIT_FAMILY).exists()
    _assert_true(first, today)

    # Records change: a case is handled and closed, one is dispatched to the other department,
    # one is merged into another, a daily report is filed.
    c = services.case_reply(actor=w.staff, case=spread["handling"], comment="已处理")
    services.case_verify(actor=w.supervisor, case=c)
    a = services.case_dispatch(actor=w.supervisor, case=spread["accepted"], handling_unit=w.dept2)
    assert a.handling_unit == w.dept2
    services.case_merge(actor=w.supervisor, case=spread["today"], original=spread["open_old"])
    services.daily_report_file(
        actor=w.community, kind=DailyKind.SCREENING, unit=w.community_unit, report_date=today, nothing_to_report=True
    )
    assert aggregates.stored_rows(case_aggregates.UNIT_FAMILY, first, today) != aggregates.direct_rows(
        case_aggregates.UNIT_FAMILY, first, today
    )
    aggregates.refresh()
    _assert_true(first, today)


def test_a_case_falling_overdue_without_being_touched_is_counted_at_the_next_refresh(w, spread):
    today = timezone.localdate()
    first = today - dt.timedelta(days=6)
    aggregates.refresh()
    open_case = spread["open_old"]
    # Its clock runs out; nobody touches the case (``updated_at`` stays).
    Case.objects.filter(pk=open_case.pk).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    day = timezone.localtime(open_case.reported_at).date()
    stored = aggregates.stored_rows(case_aggregates.UNIT_FAMILY, day, day)
    assert not any(k[4] == "overdue_open" for k in stored)
    aggregates.refresh()
    stored = aggregates.stored_rows(case_aggregates.UNIT_FAMILY, day, day)
    assert sum(v for k, v in stored.items() if k[4] == "overdue_open") == 1
    _assert_true(first, today)


def test_refreshing_twice_changes_nothing_and_a_rebuild_gives_the_same_figures(w, spread):
    today = timezone.localdate()
    first = today - dt.timedelta(days=6)
    aggregates.refresh()
    once = {name: aggregates.stored_rows(name, first, today) for name in FAMILIES}
    aggregates.refresh()
    assert {name: aggregates.stored_rows(name, first, today) for name in FAMILIES} == once
    for name in FAMILIES:
        aggregates.rebuild(name, first, today)
    assert {name: aggregates.stored_rows(name, first, today) for name in FAMILIES} == once


def _table(rows):
    return sorted(
        (r.key or 0, r.name, r.total, r.open, r.closed, r.on_time, r.overdue_open, r.avg_days, r.rated, r.satisfied)
        for r in rows
    )


@pytest.mark.parametrize("group", ["handling_unit", "township", "category", "subcategory"])
@pytest.mark.parametrize("who", ["supervisor", "leader", "viewer"])
def test_statistics_from_the_aggregates_equal_the_live_count(w, spread, group, who):
    user = getattr(w, who)
    today = timezone.localdate()
    start = today - dt.timedelta(days=6)
    live = case_stats(user, start=start, end=today, group=group)
    assert live.as_of is None  # nothing built yet: counted live
    aggregates.refresh()
    stored = case_stats(user, start=start, end=today, group=group)
    assert stored.as_of is not None
    assert _table(stored) == _table(live)
    assert sum(r.total for r in stored) == 6  # five from the stored days, today's counted live
    one = case_stats(user, start=start, end=today, group=group, township=w.a)
    assert _table(one) == _table(live)  # every case is in 甲街道


def test_the_expected_table_for_the_township_of_the_spread(w, spread):
    aggregates.refresh()
    today = timezone.localdate()
    rows = case_stats(w.leader, start=today - dt.timedelta(days=6), end=today, group="township")
    assert [(r.name, r.total, r.open, r.closed, r.on_time, r.rated, r.satisfied) for r in rows] == [
        ("甲街道", 6, 4, 2, 2, 1, 1)
    ]


def test_a_user_outside_the_township_sees_none_of_its_figures(w, spread):
    aggregates.refresh()
    today = timezone.localdate()
    assert list(case_stats(w.other_supervisor, start=today - dt.timedelta(days=6), end=today)) == []


def test_statistics_from_the_aggregates_take_the_same_queries_whatever_the_volume(w, spread):
    aggregates.refresh()
    today = timezone.localdate()
    start = today - dt.timedelta(days=6)

    def count() -> int:
        with CaptureQueriesContext(connection) as q:
            case_stats(w.supervisor, start=start, end=today, group="handling_unit")
        return len(q)

    count()  # the user's scope is looked up once and remembered
    before = count()
    for i in range(4):
        _age(to_state(w, "closed"), i + 1)
    aggregates.refresh()
    assert count() == before


def test_the_first_refresh_builds_the_backfill_and_the_state_says_when(w, spread):
    now = timezone.now()
    done = aggregates.refresh(now=now)
    assert done[case_aggregates.UNIT_FAMILY] == 400
    state = AggregateState.objects.get(family=case_aggregates.UNIT_FAMILY)
    assert state.refreshed_at == now
    assert state.first_day == timezone.localdate(now) - dt.timedelta(days=399)
    assert aggregates.as_of(case_aggregates.UNIT_FAMILY) == now

    # Later refreshes build each new Shanghai day too: from 23:00 "an hour later" is tomorrow.
    def new_days(later: dt.datetime) -> int:
        return (timezone.localdate(later) - timezone.localdate(now)).days

    # Within the overlap (10 minutes), the days of the cases just touched are rebuilt again …
    hour = now + dt.timedelta(hours=1)
    assert aggregates.refresh(now=hour)[case_aggregates.UNIT_FAMILY] == 5 + new_days(hour)
    # … after that only yesterday and today (nothing was touched, no clock ran out).
    two = now + dt.timedelta(hours=2)
    assert aggregates.refresh(now=two)[case_aggregates.UNIT_FAMILY] <= 3 + new_days(two)


def test_units_are_named_with_their_township_live_and_from_the_aggregates_alike(w, spread):
    """Every township has a 党政办 and a 城管办: the table names the township with the unit."""
    today = timezone.localdate()
    start = today - dt.timedelta(days=6)
    live = case_stats(w.leader, start=start, end=today, group="handling_unit")
    assert live.as_of is None
    aggregates.refresh()
    stored = case_stats(w.leader, start=start, end=today, group="handling_unit")
    assert stored.as_of is not None
    live_names = sorted(r.name for r in live)
    assert live_names == sorted(r.name for r in stored)
    assert live_names == ["尚未派遣", "甲街道·甲党政办"]
    towns = case_stats(w.leader, start=start, end=today, group="township")
    assert [r.name for r in towns] == ["甲街道"]
