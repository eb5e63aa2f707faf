"""Traffic lights (亮灯), time progress (时序进度) and roll-up on the working-day calendar: pure functions.

Shared by every app that lights things against dates: tasks (see
:mod:`luoshi.tasks.lights`, which adds the task rule on top), key projects and
their milestones. Nothing here touches the database, so the rules can be tested
with hypothesis over arbitrary dates, values and holiday calendars.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings

from luoshi.core.workdays import WorkCalendar

GREEN, YELLOW, RED, NONE = "green", "yellow", "red", ""


@dataclass(frozen=True)
class Thresholds:
    """When a light turns yellow or red. Read from ``settings.LUOSHI_TASK_LIGHTS``."""

    yellow_days_left: int = 3  # yellow when this many working days or fewer are left
    yellow_lag: int = 15  # yellow when progress trails time progress by this many points
    red_lag: int = 30  # red when progress trails time progress by this many points
    red_missing_reports: int = 2  # red when this many required reports are missing

    @classmethod
    def from_settings(cls) -> Thresholds:
        raw: dict[str, Any] = getattr(settings, "LUOSHI_TASK_LIGHTS", {}) or {}
        known = {k: int(v) for k, v in raw.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass(frozen=True)
class LightResult:
    light: str
    time_progress: int  # 0..100, share of the working days from start to deadline that have passed
    working_days_left: int  # negative when overdue
    overdue: bool
    missing_reports: int
    reasons: tuple[str, ...]


def time_progress(cal: WorkCalendar, start: dt.date, deadline: dt.date, today: dt.date) -> int:
    """Share (0..100) of the working days in ``(start, deadline]`` that have passed by ``today``."""
    if today <= start:
        return 0
    if today >= deadline:
        return 100
    total = cal.working_days_between(start, deadline)
    if total <= 0:
        return 100
    passed = cal.working_days_between(start, today)
    return max(0, min(100, round(100 * passed / total)))


def missing_reports(next_due: dt.date | None, today: dt.date, cadence_days: int | None) -> int:
    """How many required progress reports are missing now (0 if none is due)."""
    if next_due is None or not cadence_days or today <= next_due:
        return 0
    return 1 + (today - next_due).days // cadence_days


TWO_PLACES = Decimal("0.01")


def rollup(items: Iterable[tuple[Decimal | float | int, Decimal | float | int | None]]) -> Decimal:
    """Progress of a parent from its children's ``(progress, weight)`` pairs.

    When every child has a weight (and they do not all weigh zero) the result is
    the weighted mean; otherwise it is the plain mean. No children gives 0.
    """
    rows = [(Decimal(str(p)), None if w is None else Decimal(str(w))) for p, w in items]
    if not rows:
        return Decimal("0.00")
    weights = [w for _p, w in rows]
    if all(w is not None for w in weights) and sum(w for w in weights if w is not None) > 0:
        total = sum((w for w in weights if w is not None), Decimal(0))
        value = sum((p * w for p, w in rows if w is not None), Decimal(0)) / total
    else:
        value = sum((p for p, _w in rows), Decimal(0)) / len(rows)
    value = max(Decimal(0), min(Decimal(100), value))
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class DueLight:
    light: str
    working_days_left: int  # negative when overdue
    overdue: bool


def due_light(
    cal: WorkCalendar, *, due: dt.date, today: dt.date, done_on: dt.date | None = None, yellow_days_left: int = 3
) -> DueLight:
    """The light of a dated item (a milestone, a problem's time limit) on ``today``.

    Done items carry no light. Open items are red once ``today`` is past ``due``,
    yellow when ``yellow_days_left`` working days or fewer are left, green before.
    """
    left = cal.working_days_between(today, due)
    if done_on is not None:
        return DueLight(NONE, left, False)
    if today > due:
        return DueLight(RED, left, True)
    if left <= yellow_days_left:
        return DueLight(YELLOW, left, False)
    return DueLight(GREEN, left, False)


AHEAD, ON_TRACK, BEHIND = "ahead", "on_track", "behind"


def schedule_status(*, done_share: float, time_share: float, ahead_margin: int = 10, behind_margin: int = 10) -> str:
    """超前 / 正常 / 滞后 of a measured share (0..100 or more) against the time-progress share.

    ``behind`` when the measured share trails the time share by ``behind_margin`` points
    or more, ``ahead`` when it leads by ``ahead_margin`` points or more, else ``on_track``.
    """
    gap = done_share - time_share
    if gap <= -behind_margin:
        return BEHIND
    if gap >= ahead_margin:
        return AHEAD
    return ON_TRACK
