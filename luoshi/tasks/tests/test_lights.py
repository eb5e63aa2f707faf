"""The light rule and the progress roll-up, over arbitrary dates, holidays and progress."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from luoshi.core.workdays import WorkCalendar
from luoshi.tasks import lights
from luoshi.tasks.lights import GREEN, RED, YELLOW, Thresholds

# How bad each light is, from the user's point of view (none, green, yellow, red).
SEVERITY = {"": 0, "green": 1, "yellow": 2, "red": 3}

days = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2027, 12, 31))
progress = st.integers(min_value=0, max_value=100)
open_status = st.sampled_from(["assigned", "in_progress"])


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    holidays = draw(st.frozensets(days, max_size=40))
    workdays = draw(st.frozensets(days, max_size=10))
    return WorkCalendar(holidays=holidays, workdays=workdays - holidays)


@st.composite
def periods(draw: st.DrawFn) -> tuple[dt.date, dt.date]:
    start = draw(days)
    length = draw(st.integers(min_value=0, max_value=400))
    return start, start + dt.timedelta(days=length)


def light(status, start, deadline, today, p, cal, **kw):
    return lights.compute(status=status, start=start, deadline=deadline, today=today, progress=p, cal=cal, **kw)


@settings(max_examples=150, deadline=None)
@given(cal=calendars(), period=periods(), late_by=st.integers(min_value=1, max_value=400), p=progress,
       status=open_status)  # fmt: skip
def test_after_the_deadline_an_open_task_is_red(cal, period, late_by, p, status):
    start, deadline = period
    today = deadline + dt.timedelta(days=late_by)
    result = light(status, start, deadline, today, p, cal)
    assert result.light == RED and result.overdue and "overdue" in result.reasons


@settings(max_examples=150, deadline=None)
@given(
    cal=calendars(),
    period=periods(),
    today=days,
    p=progress,
    status=st.sampled_from(["draft", "done", "cancelled", "suspended"]),
)
def test_tasks_not_open_carry_no_light(cal, period, today, p, status):
    start, deadline = period
    assert light(status, start, deadline, today, p, cal).light == ""


@settings(max_examples=150, deadline=None)
@given(cal=calendars(), period=periods(), today=days, p=progress, extra=st.integers(1, 100), status=open_status)
def test_more_progress_never_makes_the_light_worse(cal, period, today, p, extra, status):
    start, deadline = period
    low = light(status, start, deadline, today, p, cal)
    high = light(status, start, deadline, today, min(100, p + extra), cal)
    assert SEVERITY[high.light] <= SEVERITY[low.light]


@settings(max_examples=150, deadline=None)
@given(cal=calendars(), period=periods(), today=days, later=st.integers(1, 60), p=progress, status=open_status)
def test_time_passing_never_makes_the_light_better(cal, period, today, later, p, status):
    start, deadline = period
    now = light(status, start, deadline, today, p, cal)
    after = light(status, start, deadline, today + dt.timedelta(days=later), p, cal)
    assert SEVERITY[after.light] >= SEVERITY[now.light]


@settings(max_examples=150, deadline=None)
@given(cal=calendars(), period=periods(), today=days)
def test_time_progress_is_a_share_and_grows(cal, period, today):
    start, deadline = period
    a = lights.time_progress(cal, start, deadline, today)
    b = lights.time_progress(cal, start, deadline, today + dt.timedelta(days=3))
    assert 0 <= a <= b <= 100
    if today <= start:
        assert a == 0
    elif today >= deadline:
        assert a == 100


@settings(max_examples=200)
@given(cal=calendars(), period=periods(), today=days, p=progress)
def test_pending_review_is_judged_on_the_day_of_submission(cal, period, today, p):
    start, deadline = period
    assume(start <= today <= deadline)
    late_review = deadline + dt.timedelta(days=30)
    result = light("pending_review", start, deadline, late_review, p, cal, submitted_on=today)
    assert result.light in {GREEN, YELLOW}
    assert not result.overdue


def test_missing_reports_turn_yellow_then_red():
    cal = WorkCalendar()
    start, deadline = dt.date(2026, 4, 1), dt.date(2026, 12, 31)
    today = dt.date(2026, 4, 20)
    kw = {"cadence_days": 7}
    green = light("in_progress", start, deadline, today, 30, cal, next_report_due=dt.date(2026, 4, 22), **kw)
    one = light("in_progress", start, deadline, today, 30, cal, next_report_due=dt.date(2026, 4, 17), **kw)
    two = light("in_progress", start, deadline, today, 30, cal, next_report_due=dt.date(2026, 4, 10), **kw)
    assert (green.light, one.light, two.light) == (GREEN, YELLOW, RED)
    assert (one.missing_reports, two.missing_reports) == (1, 2)


def test_holidays_count_as_no_time_passing():
    # 2026 National Day week: Oct 1-7 off. A task from Sep 30 to Oct 9 has barely begun on Oct 7.
    holidays = frozenset(dt.date(2026, 10, d) for d in range(1, 8))
    cal = WorkCalendar(holidays=holidays)
    result = light("in_progress", dt.date(2026, 9, 30), dt.date(2026, 10, 9), dt.date(2026, 10, 7), 0, cal)
    assert result.time_progress == 0
    assert result.working_days_left == 2
    assert result.light == YELLOW  # two working days left, not done


def test_thresholds_come_from_settings(settings):
    settings.LUOSHI_TASK_LIGHTS = {"yellow_days_left": 5, "red_lag": 50, "bogus": 1}
    assert Thresholds.from_settings() == Thresholds(yellow_days_left=5, yellow_lag=15, red_lag=50)


weights = st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=2))
pairs = st.lists(st.tuples(st.integers(0, 100), weights), max_size=12)


@given(items=pairs)
def test_rollup_stays_between_the_smallest_and_largest_child(items):
    value = lights.rollup(items)
    if items:
        assert min(p for p, _ in items) - Decimal("0.01") <= value <= max(p for p, _ in items) + Decimal("0.01")
    else:
        assert value == 0


def test_rollup_weighted_when_every_child_has_a_weight_else_averaged():
    assert lights.rollup([(100, 3), (0, 1)]) == Decimal("75.00")
    assert lights.rollup([(100, 3), (0, None)]) == Decimal("50.00")
    assert lights.rollup([(100, 0), (0, 0)]) == Decimal("50.00")


def test_reports_already_recorded_as_missed_keep_counting():
    cal = WorkCalendar(holidays=frozenset(), workdays=frozenset())
    start, deadline, today = dt.date(2026, 4, 1), dt.date(2026, 6, 30), dt.date(2026, 4, 16)
    kw = {"cadence_days": 7, "next_report_due": dt.date(2026, 4, 20)}
    assert light("in_progress", start, deadline, today, 30, cal, **kw).light == GREEN
    one = light("in_progress", start, deadline, today, 30, cal, missed_before=1, **kw)
    two = light("in_progress", start, deadline, today, 30, cal, missed_before=2, **kw)
    assert (one.light, one.missing_reports, two.light, two.missing_reports) == (YELLOW, 1, RED, 2)
    review = light("pending_review", start, deadline, today, 30, cal, missed_before=2, **kw)
    assert review.light == GREEN
