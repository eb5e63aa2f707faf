"""SLA maths in working days, with hypothesis over dates, times, limits and holiday calendars."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from luoshi.cases import sla
from luoshi.core.workdays import WorkCalendar, load_seed

TZ = ZoneInfo("Asia/Shanghai")
DAYS = st.dates(min_value=dt.date(2025, 6, 1), max_value=dt.date(2027, 12, 31))


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    """Random holidays on any day, and random weekend days made into working days."""
    holidays = draw(st.frozensets(DAYS, max_size=40))
    weekend_work = draw(st.frozensets(DAYS.filter(lambda d: d.weekday() >= 5), max_size=10))
    return WorkCalendar(holidays - weekend_work, weekend_work)


@st.composite
def moments(draw: st.DrawFn) -> dt.datetime:
    day = draw(DAYS)
    seconds = draw(st.integers(0, 86399))
    return dt.datetime.combine(day, dt.time(), tzinfo=TZ) + dt.timedelta(seconds=seconds)


def real_calendar() -> WorkCalendar:
    holidays, workdays = load_seed()
    return WorkCalendar(frozenset(d for d, _, _ in holidays), frozenset(d for d, _, _ in workdays))


@given(moments(), st.integers(0, 40), st.integers(0, 20), calendars())
def test_due_date_is_the_nth_working_day_and_a_working_day(start, limit, extension, cal):
    deadline = sla.deadline(start, limit, extension, cal)
    total = limit + extension
    assert cal.is_working_day(deadline.due_date)
    if total:
        assert cal.working_days_between(start.date(), deadline.due_date) == total
    else:
        assert deadline.due_date == cal.next_working_day(start.date())
    # Due at the end of the due date, local time.
    assert deadline.due_at == dt.datetime.combine(deadline.due_date + dt.timedelta(days=1), dt.time(), tzinfo=TZ)
    assert deadline.due_at > start
    # Pages show the due date itself, not the midnight that ends it.
    assert sla.due_day(deadline.due_at) == deadline.due_date


@given(moments(), st.integers(0, 40), st.integers(0, 20), calendars())
def test_yellow_comes_at_seventy_percent_and_before_red(start, limit, extension, cal):
    deadline = sla.deadline(start, limit, extension, cal)
    total = limit + extension
    assert start <= deadline.warn_at <= deadline.due_at
    if total:
        used_at_warn = cal.working_days_between(start.date(), deadline.warn_date)
        assert used_at_warn >= 0.7 * total - 1e-9
        # and not a working day later than needed
        previous = deadline.warn_date - dt.timedelta(days=1)
        while previous > start.date() and not cal.is_working_day(previous):
            previous -= dt.timedelta(days=1)
        if previous > start.date():
            assert cal.working_days_between(start.date(), previous) < 0.7 * total


@given(moments(), st.integers(0, 30), calendars(), st.lists(st.integers(0, 60 * 86400), min_size=2, max_size=8))
def test_the_light_only_gets_worse_as_time_passes(start, limit, cal, offsets):
    deadline = sla.deadline(start, limit, 0, cal)
    order = {sla.GREEN: 0, sla.YELLOW: 1, sla.RED: 2}
    lights = [sla.light(start + dt.timedelta(seconds=s), deadline.warn_at, deadline.due_at) for s in sorted(offsets)]
    assert [order[x] for x in lights] == sorted(order[x] for x in lights)


@given(moments(), st.integers(1, 30), st.integers(1, 10), calendars())
def test_an_extension_moves_the_due_date_by_exactly_its_working_days(start, limit, extension, cal):
    before = sla.deadline(start, limit, 0, cal)
    after = sla.deadline(start, limit, extension, cal)
    assert cal.working_days_between(before.due_date, after.due_date) == extension
    assert after.warn_at >= before.warn_at


@given(moments(), st.integers(0, 30), calendars(), st.integers(0, 80 * 86400))
def test_remaining_days_count_down_and_overdue_days_count_up(start, limit, cal, offset):
    deadline = sla.deadline(start, limit, 0, cal)
    now = start + dt.timedelta(seconds=offset)
    rem = sla.remaining(now, deadline.due_at, cal)
    if now < deadline.due_at:
        assert not rem.overdue
        assert rem.days == max(0, cal.working_days_between(now.date(), deadline.due_date))
        assert rem.days <= max(limit, 1)
    else:
        assert rem.overdue
        assert rem.days >= 1
        assert sla.light(now, deadline.warn_at, deadline.due_at) == sla.RED


@settings(max_examples=200)
@given(moments(), st.integers(1, 30))
def test_used_share_reaches_the_yellow_threshold_exactly_when_the_light_turns(start, limit):
    cal = real_calendar()
    assume(start.date() >= dt.date(2026, 1, 1))
    deadline = sla.deadline(start, limit, 0, cal)
    at_warn = max(deadline.warn_at, start)
    assert sla.used_share(at_warn, start, limit, cal) >= 0.7 - 1e-9 or limit == 0


def test_national_day_holiday_is_skipped():
    """Reported on 2026-09-30 with 5 working days: 1–7 October are off, 10 October (Saturday) is worked."""
    cal = real_calendar()
    start = dt.datetime(2026, 9, 30, 15, 0, tzinfo=TZ)
    deadline = sla.deadline(start, 5, 0, cal)
    worked = [d for d in (dt.date(2026, 10, i) for i in range(1, 20)) if cal.is_working_day(d)]
    assert deadline.due_date == worked[4]
    assert deadline.due_date > dt.date(2026, 10, 8)


def test_a_one_day_limit_is_green_today_yellow_on_the_due_day_and_red_after():
    cal = WorkCalendar()
    monday = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
    d = sla.deadline(monday, 1, 0, cal)
    assert sla.light(monday, d.warn_at, d.due_at) == sla.GREEN
    assert sla.light(monday + dt.timedelta(days=1), d.warn_at, d.due_at) == sla.YELLOW
    assert sla.light(monday + dt.timedelta(days=2), d.warn_at, d.due_at) == sla.RED
    assert sla.remaining(monday, d.due_at, cal) == sla.Remaining(1, False)
    assert sla.remaining(monday + dt.timedelta(days=2), d.due_at, cal) == sla.Remaining(1, True)


def test_ten_days_turn_yellow_on_the_seventh_working_day():
    cal = WorkCalendar()
    monday = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
    d = sla.deadline(monday, 10, 0, cal)
    assert d.warn_date == dt.date(2026, 3, 11)  # 7 working days after Monday 2 March
    assert d.due_date == dt.date(2026, 3, 16)
