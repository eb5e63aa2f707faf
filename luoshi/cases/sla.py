"""Time limits in working days, and the traffic light of an open stage.

Rules (see docs/cases.md, "SLA"):

- A stage that starts at local date ``d`` with a limit of ``n`` working days
  (plus ``e`` approved extension days) is due at the end of the day
  ``add_working_days(d, n + e)``: that day is the last one on which the work is
  on time. A limit of 0 means "the same working day".
- A working day counts as used from the moment it starts. The light turns
  **yellow** at the start of the working day on which 70 % of ``n + e`` is used
  (``ceil(0.7 × (n + e))`` working days after ``d``), and **red** once the due
  time has passed.
- Lists show "剩 N 天" (working days left after today) or "超 N 天" (working
  days past the due date, at least 1 once the case is red).

Everything here is pure: it takes a :class:`~luoshi.core.workdays.WorkCalendar`
and returns aware datetimes, so it is tested with hypothesis without a database.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

from luoshi.core.workdays import WorkCalendar

YELLOW_SHARE = 0.7
GREEN, YELLOW, RED = "green", "yellow", "red"


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def start_of_day(day: dt.date) -> dt.datetime:
    """Local midnight at the start of ``day``, as an aware datetime."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=local_tz())


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(local_tz()).date()


@dataclass(frozen=True)
class Deadline:
    start: dt.datetime
    total_days: int
    warn_date: dt.date
    due_date: dt.date
    warn_at: dt.datetime
    due_at: dt.datetime


def warn_days(total_days: int) -> int:
    """Working days after the start at which the light turns yellow."""
    return math.ceil(round(YELLOW_SHARE * total_days, 6))


def deadline(start: dt.datetime, limit_days: int, extension_days: int, cal: WorkCalendar) -> Deadline:
    """The warning and due times of a stage starting at ``start``."""
    if limit_days < 0 or extension_days < 0:
        raise ValueError("limits are zero or positive")
    total = limit_days + extension_days
    day = local_date(start)
    due_date = cal.add_working_days(day, total)
    k = warn_days(total)
    warn_date = cal.add_working_days(day, k) if k else day
    warn_at = max(start, start_of_day(warn_date)) if k else start
    due_at = start_of_day(due_date + dt.timedelta(days=1))
    return Deadline(start, total, warn_date, due_date, warn_at, due_at)


def light(now: dt.datetime, warn_at: dt.datetime | None, due_at: dt.datetime | None) -> str:
    """``green``, ``yellow`` or ``red``; ``""`` when there is no open stage."""
    if due_at is None:
        return ""
    if now >= due_at:
        return RED
    if warn_at is not None and now >= warn_at:
        return YELLOW
    return GREEN


@dataclass(frozen=True)
class Remaining:
    """What lists print: ``剩 N 天`` (``overdue`` false) or ``超 N 天`` (true)."""

    days: int
    overdue: bool


def due_day(due_at: dt.datetime) -> dt.date:
    """The last day of a stage: ``due_at`` is the midnight that ends it, shown as the day before."""
    return local_date(due_at - dt.timedelta(microseconds=1))


def remaining(now: dt.datetime, due_at: dt.datetime, cal: WorkCalendar) -> Remaining:
    today = local_date(now)
    due_date = due_day(due_at)
    if now < due_at:
        return Remaining(max(0, cal.working_days_between(today, due_date)), False)
    return Remaining(max(1, cal.working_days_between(due_date, today)), True)


def used_share(now: dt.datetime, start: dt.datetime, total_days: int, cal: WorkCalendar) -> float:
    """The share of the limit used at ``now`` (1.0 and more once due)."""
    if total_days <= 0:
        return 1.0
    used = cal.working_days_between(local_date(start), local_date(now))
    return used / total_days
