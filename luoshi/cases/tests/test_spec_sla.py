"""The SLA clock at every moment users see, written out from docs/cases.md ("SLA lights in working days").

A stage starting on day d with a limit of n working days is due at the end of the n-th
working day after d; it turns yellow at the start of the working day on which
ceil(70 % × n) working days are used, and red once the due time has passed. Each example
below gives the minute before, the moment itself and the minute after, on the 2026
calendar of the State Council (劳动节 1–5 May, 调休 working Saturday 9 May; 国庆 1–7
October, 调休 working Saturday 10 October).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from luoshi.cases import sla
from luoshi.core.workdays import WorkCalendar, load_seed

TZ = ZoneInfo("Asia/Shanghai")
MINUTE = dt.timedelta(minutes=1)


def at(text: str) -> dt.datetime:
    """Beijing time, e.g. ``at("2026-05-09 00:00")``."""
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def calendar_2026() -> WorkCalendar:
    holidays, workdays = load_seed()
    return WorkCalendar(frozenset(d for d, _, _ in holidays), frozenset(d for d, _, _ in workdays))


CAL = calendar_2026()

# start, limit, extension → (yellow from, due date, red from)
DEADLINES = [
    # An ordinary week: 5 days from Monday 2 March; 4 days used on Friday 6 March.
    ("2026-03-02 10:00", 5, 0, "2026-03-06 00:00", "2026-03-09", "2026-03-10 00:00"),
    # Across 劳动节: 6, 7, 8 May are days 1–3, Saturday 9 May (调休) is day 4 and turns yellow, Monday 11 May is day 5.
    ("2026-04-30 09:00", 5, 0, "2026-05-09 00:00", "2026-05-11", "2026-05-12 00:00"),
    # The same stage as 3 days plus 2 approved extension days.
    ("2026-04-30 09:00", 3, 2, "2026-05-09 00:00", "2026-05-11", "2026-05-12 00:00"),
    # Across 国庆: 8 and 9 October are days 1–2 (ceil(1.4) = 2: yellow on the due day).
    ("2026-09-30 15:00", 2, 0, "2026-10-09 00:00", "2026-10-09", "2026-10-10 00:00"),
    # 3 days from Friday 9 October: Saturday 10 October (调休) is day 1, then 12 and 13 October.
    ("2026-10-09 08:30", 3, 0, "2026-10-13 00:00", "2026-10-13", "2026-10-14 00:00"),
    # One day: green today, yellow tomorrow, red the day after.
    ("2026-03-02 10:00", 1, 0, "2026-03-03 00:00", "2026-03-03", "2026-03-04 00:00"),
    # Ten days: 70 % is exactly 7 (no float error makes it 8): yellow on Wednesday 11 March.
    ("2026-03-02 10:00", 10, 0, "2026-03-11 00:00", "2026-03-16", "2026-03-17 00:00"),
    # A limit of 0 is the same working day, yellow from the start.
    ("2026-03-02 10:00", 0, 0, "2026-03-02 10:00", "2026-03-02", "2026-03-03 00:00"),
    # A limit of 0 reported on a holiday is due on the next working day (Wednesday 6 May).
    ("2026-05-02 10:00", 0, 0, "2026-05-02 10:00", "2026-05-06", "2026-05-07 00:00"),
]


@pytest.mark.parametrize(("start", "limit", "extension", "yellow", "due_date", "red"), DEADLINES)
def test_yellow_and_red_moments(start, limit, extension, yellow, due_date, red):
    d = sla.deadline(at(start), limit, extension, CAL)
    assert d.warn_at == at(yellow)
    assert d.due_date == day(due_date)
    assert d.due_at == at(red)
    assert d.start == at(start)
    assert d.total_days == limit + extension
    assert sla.due_day(d.due_at) == day(due_date)


@pytest.mark.parametrize(("start", "limit", "extension", "yellow", "due_date", "red"), DEADLINES)
def test_the_light_the_minute_before_at_and_after_each_moment(start, limit, extension, yellow, due_date, red):
    d = sla.deadline(at(start), limit, extension, CAL)
    if at(yellow) > at(start):
        assert sla.light(at(yellow) - MINUTE, d.warn_at, d.due_at) == "green"
    assert sla.light(at(yellow), d.warn_at, d.due_at) == "yellow"
    assert sla.light(at(yellow) + MINUTE, d.warn_at, d.due_at) == "yellow"
    assert sla.light(at(red) - MINUTE, d.warn_at, d.due_at) == "yellow"
    assert sla.light(at(red), d.warn_at, d.due_at) == "red"
    assert sla.light(at(red) + MINUTE, d.warn_at, d.due_at) == "red"


def test_the_warning_date_across_the_labour_day_holiday_is_the_make_up_saturday():
    d = sla.deadline(at("2026-04-30 09:00"), 5, 0, CAL)
    assert d.warn_date == day("2026-05-09")
    assert d.warn_date.weekday() == 5
    # 70 % of 3 is 2.1: yellow on the third working day, 8 May (the 1st–5th are 劳动节).
    assert sla.deadline(at("2026-04-30 09:00"), 3, 0, CAL).warn_date == day("2026-05-08")


def test_the_moments_are_beijing_midnights():
    d = sla.deadline(at("2026-04-30 09:00"), 5, 0, CAL)
    assert d.due_at == dt.datetime(2026, 5, 11, 16, 0, tzinfo=dt.UTC)
    assert d.warn_at == dt.datetime(2026, 5, 8, 16, 0, tzinfo=dt.UTC)
    assert sla.start_of_day(day("2026-05-09")) == dt.datetime(2026, 5, 8, 16, 0, tzinfo=dt.UTC)
    assert sla.local_date(dt.datetime(2026, 5, 8, 16, 0, tzinfo=dt.UTC)) == day("2026-05-09")


def test_a_stage_started_in_the_evening_utc_counts_from_the_beijing_date():
    # 23:30 UTC on 1 March is 07:30 on Monday 2 March in Beijing.
    d = sla.deadline(dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC), 1, 0, CAL)
    assert d.due_date == day("2026-03-03")


@pytest.mark.parametrize(
    ("total", "warn"),
    [(0, 0), (1, 1), (2, 2), (3, 3), (4, 3), (5, 4), (7, 5), (10, 7), (15, 11), (20, 14), (30, 21), (100, 70)],
)
def test_yellow_after_seventy_percent_of_the_days_rounded_up(total, warn):
    assert sla.warn_days(total) == warn


@pytest.mark.parametrize(("limit", "extension"), [(-1, 0), (0, -1), (-3, 5)])
def test_negative_limits_are_refused(limit, extension):
    with pytest.raises(ValueError, match="zero or positive"):
        sla.deadline(at("2026-03-02 10:00"), limit, extension, CAL)


def test_no_clock_no_light_and_no_warning_time_means_green_until_due():
    due = at("2026-03-10 00:00")
    assert sla.light(at("2026-03-09 12:00"), None, None) == ""
    assert sla.light(at("2026-03-09 12:00"), None, due) == "green"
    assert sla.light(due - MINUTE, None, due) == "green"
    assert sla.light(due, None, due) == "red"


# now → what lists print (剩 N 天 / 超 N 天), for the 劳动节 stage due at the end of Monday 11 May.
REMAINING = [
    ("2026-04-30 09:00", 5, False),  # 6, 7, 8, 9 (调休), 11 May
    ("2026-05-03 12:00", 5, False),  # a holiday: the same five working days are left
    ("2026-05-06 10:00", 4, False),
    ("2026-05-09 10:00", 1, False),  # the make-up Saturday: only Monday is left
    ("2026-05-10 10:00", 1, False),  # Sunday
    ("2026-05-11 23:59", 0, False),  # the last minute
    ("2026-05-12 00:00", 1, True),  # red: at least 1 day over
    ("2026-05-12 18:00", 1, True),
    ("2026-05-13 10:00", 2, True),
    ("2026-05-16 10:00", 4, True),  # Saturday: 12, 13, 14, 15 May
]


@pytest.mark.parametrize(("now", "days", "overdue"), REMAINING)
def test_days_left_and_days_over(now, days, overdue):
    d = sla.deadline(at("2026-04-30 09:00"), 5, 0, CAL)
    assert sla.remaining(at(now), d.due_at, CAL) == sla.Remaining(days=days, overdue=overdue)


def test_overdue_on_a_weekend_after_a_friday_deadline_is_one_day_over():
    # Due at the end of Friday 6 March; on Saturday no working day has passed yet: still "超 1 天".
    assert sla.remaining(at("2026-03-07 10:00"), at("2026-03-07 00:00"), CAL) == sla.Remaining(1, True)


@pytest.mark.parametrize(
    ("now", "total", "share"),
    [
        ("2026-03-02 18:00", 5, 0.0),
        ("2026-03-04 09:00", 5, 0.4),
        ("2026-03-06 09:00", 5, 0.8),
        ("2026-03-10 09:00", 5, 1.2),
        ("2026-03-04 09:00", 4, 0.5),
        ("2026-03-04 09:00", 0, 1.0),
        ("2026-03-02 18:00", 1, 0.0),  # a one-day limit on its first day: nothing used yet
        ("2026-03-03 09:00", 1, 1.0),
    ],
)
def test_share_of_the_limit_used(now, total, share):
    assert sla.used_share(at(now), at("2026-03-02 10:00"), total, CAL) == pytest.approx(share)
