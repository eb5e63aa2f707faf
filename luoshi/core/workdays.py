"""Working days on the Chinese mainland calendar.

A day is a working day when it is a weekday that is not a public holiday, or
a weekend day declared a make-up working day (调休上班). The calendar lives in
the ``CalendarDay`` table (editable by administrators, seeded from
``data/holidays_cn.json``); :class:`WorkCalendar` is the pure logic, so it can
be tested without a database.

Conventions used by every deadline in Luoshi:

- ``add_working_days(start, n)`` is the date on which the n-th working day
  *after* ``start`` falls (``n = 0`` gives ``start`` itself, or the next
  working day if ``start`` is not one).
- ``working_days_between(a, b)`` counts the working days in ``(a, b]`` and is
  negative when ``b < a``.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "holidays_cn.json"
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    workdays: frozenset[dt.date] = field(default_factory=frozenset)  # weekend days worked (调休)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself if it is a working day, else the next one."""
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        if n < 0:
            raise ValueError("n must be zero or positive")
        day = start
        if n == 0:
            return self.next_working_day(day)
        while n > 0:
            day += ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in ``(start, end]``; negative if ``end`` is before ``start``."""
        if end == start:
            return 0
        sign = 1
        if end < start:
            start, end, sign = end, start, -1
        # Whole weeks first, then the calendar exceptions, then the remainder.
        total_days = (end - start).days
        weeks, rest = divmod(total_days, 7)
        count = weeks * 5
        day = start + dt.timedelta(days=weeks * 7)
        for _ in range(rest):
            day += ONE_DAY
            if day.weekday() < 5:
                count += 1
        for holiday in self.holidays:
            if start < holiday <= end and holiday.weekday() < 5 and holiday not in self.workdays:
                count -= 1
        for workday in self.workdays:
            if start < workday <= end and workday.weekday() >= 5:
                count += 1
        return sign * count


def load_seed() -> tuple[list[tuple[dt.date, str, str]], list[tuple[dt.date, str, str]]]:
    """Holidays and make-up working days from the bundled data file: (date, name, source)."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    holidays: list[tuple[dt.date, str, str]] = []
    workdays: list[tuple[dt.date, str, str]] = []
    for year in data["years"].values():
        source = year["source"]
        for first, last, name in year["holidays"]:
            day = dt.date.fromisoformat(first)
            while day <= dt.date.fromisoformat(last):
                holidays.append((day, name, source))
                day += ONE_DAY
        for day_text, name in year["workdays"]:
            workdays.append((dt.date.fromisoformat(day_text), name, source))
    return holidays, workdays


def calendar_from_rows(rows: Iterable[tuple[dt.date, bool]]) -> WorkCalendar:
    """Build a calendar from ``(date, is_working_day)`` rows."""
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for day, working in rows:
        (workdays if working else holidays).add(day)
    return WorkCalendar(frozenset(holidays), frozenset(workdays))


_cache_lock = threading.Lock()
_cache: tuple[float, WorkCalendar] | None = None
CACHE_SECONDS = 60.0


def calendar() -> WorkCalendar:
    """The configured calendar, cached for a minute per process."""
    global _cache
    now = time.monotonic()
    with _cache_lock:
        if _cache is not None and now - _cache[0] < CACHE_SECONDS:
            return _cache[1]
    from luoshi.core.models import CalendarDay

    cal = calendar_from_rows(CalendarDay.objects.values_list("date", "is_working_day"))
    with _cache_lock:
        _cache = (now, cal)
    return cal


def clear_cache() -> None:
    global _cache
    with _cache_lock:
        _cache = None


def add_working_days(start: dt.date, n: int) -> dt.date:
    return calendar().add_working_days(start, n)


def working_days_between(start: dt.date, end: dt.date) -> int:
    return calendar().working_days_between(start, end)


def is_working_day(day: dt.date) -> bool:
    return calendar().is_working_day(day)
