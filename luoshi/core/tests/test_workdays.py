"""Working-day maths against a brute-force reference, over random dates and calendars."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.core.workdays import WorkCalendar, calendar, load_seed

DAYS = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2028, 12, 31))
CALENDARS = st.builds(
    lambda holidays, workdays: WorkCalendar(frozenset(holidays) - frozenset(workdays), frozenset(workdays)),
    st.sets(DAYS, max_size=40),
    st.sets(DAYS.filter(lambda d: d.weekday() >= 5), max_size=10),
)


def brute_between(cal: WorkCalendar, start: dt.date, end: dt.date) -> int:
    sign, lo, hi = (1, start, end) if end >= start else (-1, end, start)
    count, day = 0, lo
    while day < hi:
        day += dt.timedelta(days=1)
        count += cal.is_working_day(day)
    return sign * count


@settings(max_examples=300, deadline=None)
@given(cal=CALENDARS, start=DAYS, end=DAYS)
def test_working_days_between_matches_counting_day_by_day(cal, start, end):
    assert cal.working_days_between(start, end) == brute_between(cal, start, end)


@settings(max_examples=300, deadline=None)
@given(cal=CALENDARS, start=DAYS, n=st.integers(min_value=0, max_value=60))
def test_add_working_days_lands_on_a_working_day_n_days_later(cal, start, n):
    due = cal.add_working_days(start, n)
    assert cal.is_working_day(due)
    assert due >= start
    if n > 0:
        assert cal.working_days_between(start, due) == n
        assert cal.working_days_between(start, due - dt.timedelta(days=1)) == n - 1


def test_negative_n_is_refused():
    with pytest.raises(ValueError, match="zero or positive"):
        WorkCalendar().add_working_days(dt.date(2026, 1, 1), -1)


@pytest.mark.django_db
def test_seeded_2026_calendar_knows_national_day_and_make_up_days():
    cal = calendar()
    assert not cal.is_working_day(dt.date(2026, 10, 5))  # 国庆节
    assert cal.is_working_day(dt.date(2026, 10, 10))  # Saturday worked (调休)
    assert cal.is_working_day(dt.date(2026, 2, 14))  # Saturday worked before 春节
    assert not cal.is_working_day(dt.date(2026, 2, 16))  # 春节
    assert cal.add_working_days(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
    assert cal.working_days_between(dt.date(2026, 9, 30), dt.date(2026, 10, 12)) == 4


def test_seed_file_is_well_formed():
    holidays, workdays = load_seed()
    assert {d.year for d, _, _ in holidays} == {2026, 2027}
    assert all(d.weekday() >= 5 for d, _, _ in workdays)
    assert len({d for d, _, _ in holidays}) == len(holidays)
