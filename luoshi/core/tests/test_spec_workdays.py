"""Working days on the 2026 calendar, written out: holidays, 调休 Saturdays and the edges of every count.

劳动节 2026: Friday 1 May to Tuesday 5 May off, Saturday 9 May worked. 国庆: 1–7 October off,
Saturday 10 October worked.
"""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.core import workdays
from luoshi.core.models import CalendarDay
from luoshi.core.workdays import WorkCalendar, calendar_from_rows, load_seed


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def calendar_2026() -> WorkCalendar:
    holidays, made_up = load_seed()
    return WorkCalendar(frozenset(d for d, _, _ in holidays), frozenset(d for d, _, _ in made_up))


CAL = calendar_2026()


@pytest.mark.parametrize(
    ("date", "working"),
    [
        ("2026-04-30", True),  # Thursday
        ("2026-05-01", False),  # 劳动节, a Friday
        ("2026-05-04", False),  # 劳动节, a Monday
        ("2026-05-05", False),
        ("2026-05-06", True),
        ("2026-05-09", True),  # Saturday worked (调休)
        ("2026-05-10", False),  # Sunday
        ("2026-03-07", False),  # an ordinary Saturday
        ("2026-03-09", True),  # an ordinary Monday
        ("2026-10-03", False),  # 国庆 on a Saturday
        ("2026-10-10", True),  # Saturday worked (调休)
        ("2026-01-04", True),  # Sunday worked after 元旦
        ("2026-02-16", False),  # 春节
    ],
)
def test_which_days_are_worked(date, working):
    assert CAL.is_working_day(day(date)) is working


def test_a_day_listed_both_ways_is_worked():
    cal = WorkCalendar(holidays=frozenset({day("2026-03-04")}), workdays=frozenset({day("2026-03-04")}))
    assert cal.is_working_day(day("2026-03-04"))
    assert cal.working_days_between(day("2026-03-03"), day("2026-03-05")) == 2


@pytest.mark.parametrize(
    ("date", "next_working"),
    [("2026-05-01", "2026-05-06"), ("2026-05-06", "2026-05-06"), ("2026-03-07", "2026-03-09"),
     ("2026-05-09", "2026-05-09"), ("2026-10-01", "2026-10-08")],
)  # fmt: skip
def test_next_working_day(date, next_working):
    assert CAL.next_working_day(day(date)) == day(next_working)


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        ("2026-04-30", 0, "2026-04-30"),
        ("2026-05-02", 0, "2026-05-06"),  # 0 from a holiday: the next working day
        ("2026-04-30", 1, "2026-05-06"),
        ("2026-04-30", 3, "2026-05-08"),
        ("2026-04-30", 4, "2026-05-09"),  # the 调休 Saturday counts
        ("2026-04-30", 5, "2026-05-11"),
        ("2026-03-06", 1, "2026-03-09"),  # Friday + 1 is Monday
        ("2026-03-02", 5, "2026-03-09"),
        ("2026-03-02", 10, "2026-03-16"),
        ("2026-09-30", 1, "2026-10-08"),
        ("2026-09-30", 3, "2026-10-10"),
    ],
)
def test_adding_working_days(start, n, due):
    assert CAL.add_working_days(day(start), n) == day(due)


# (start, end] → working days in it; negative when end is before start.
BETWEEN = [
    ("2026-03-02", "2026-03-02", 0),
    ("2026-03-02", "2026-03-03", 1),
    ("2026-03-02", "2026-03-09", 5),
    ("2026-03-09", "2026-03-02", -5),
    ("2026-03-02", "2026-03-16", 10),  # two whole weeks
    ("2026-03-02", "2026-03-17", 11),
    ("2026-03-06", "2026-03-07", 0),  # Friday to Saturday
    ("2026-03-06", "2026-03-09", 1),  # Friday to Monday
    ("2026-03-07", "2026-03-08", 0),  # a weekend
    ("2026-04-30", "2026-05-11", 5),  # 6, 7, 8, 9 (调休), 11 May
    ("2026-05-11", "2026-04-30", -5),
    ("2026-04-30", "2026-05-01", 0),  # ends on a holiday
    ("2026-05-01", "2026-05-06", 1),  # starts on a holiday
    ("2026-05-08", "2026-05-09", 1),  # ends on the 调休 Saturday
    ("2026-05-09", "2026-05-10", 0),  # starts on it
    ("2026-05-09", "2026-05-11", 1),
    ("2026-09-30", "2026-10-12", 4),  # 8, 9, 10 (调休), 12 October
    ("2026-09-18", "2026-09-21", 2),  # Sunday 20 September is worked
    ("2026-01-01", "2026-12-31", 248),  # 261 weekdays − 19 on holiday + 6 调休 days
]


@pytest.mark.parametrize(("start", "end", "count"), BETWEEN)
def test_working_days_between(start, end, count):
    assert CAL.working_days_between(day(start), day(end)) == count


def test_a_weekday_listed_as_worked_and_a_weekend_listed_as_holiday_change_nothing():
    # A Saturday listed as a holiday, and a Friday (already worked) listed as worked.
    cal = WorkCalendar(holidays=frozenset({day("2026-03-07")}), workdays=frozenset({day("2026-03-06")}))
    assert cal.working_days_between(day("2026-03-02"), day("2026-03-09")) == 5
    assert cal.working_days_between(day("2026-03-05"), day("2026-03-06")) == 1


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="zero or positive"):
        CAL.add_working_days(day("2026-03-02"), -1)


def test_a_calendar_from_rows():
    cal = calendar_from_rows([(day("2026-03-04"), False), (day("2026-03-07"), True)])
    assert cal.holidays == {day("2026-03-04")} and cal.workdays == {day("2026-03-07")}
    assert calendar_from_rows([]) == WorkCalendar()


def test_the_seed_expands_ranges_and_keeps_names_and_sources():
    holidays, made_up = load_seed()
    may = [(d, name) for d, name, _ in holidays if d.year == 2026 and d.month == 5]
    assert may == [(day("2026-05-0" + str(i)), "劳动节") for i in range(1, 6)]
    assert (day("2026-05-09"), "劳动节调休上班") in [(d, name) for d, name, _ in made_up]
    sources = {source for d, _, source in holidays if d.year == 2026}
    assert sources == {"国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)"}
    assert len([d for d, _, _ in holidays if d.year == 2026]) == 33
    assert len([d for d, _, _ in made_up if d.year == 2026]) == 6


@pytest.mark.django_db
def test_the_configured_calendar_is_cached_for_a_minute(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(workdays.time, "monotonic", lambda: clock[0])
    workdays.clear_cache()
    first = workdays.calendar()
    assert workdays.calendar() is first
    CalendarDay.objects.create(date=day("2026-03-04"), is_working_day=False, name="临时")
    clock[0] += 59.9
    assert workdays.calendar() is first
    assert workdays.is_working_day(day("2026-03-04"))  # still the cached calendar
    clock[0] += 0.1  # a minute after it was read
    assert workdays.calendar() is not first
    assert not workdays.is_working_day(day("2026-03-04"))
    CalendarDay.objects.create(date=day("2026-03-07"), is_working_day=True, name="调休")
    workdays.clear_cache()  # what the admin does after an edit
    assert workdays.is_working_day(day("2026-03-07"))
    assert workdays.add_working_days(day("2026-03-03"), 1) == day("2026-03-05")
    assert workdays.working_days_between(day("2026-03-02"), day("2026-03-09")) == 5
    workdays.clear_cache()
