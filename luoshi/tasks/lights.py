"""Traffic lights (亮灯), time progress (时序进度) and progress roll-up: pure functions.

Nothing here touches the database, so the rule can be tested with hypothesis
over arbitrary dates, progress values and holiday calendars. The rule is
documented for users in docs/tasks.md (served at /tasks/help/).
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

OPEN = frozenset({"assigned", "in_progress", "pending_review"})


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


def compute(
    *,
    status: str,
    start: dt.date,
    deadline: dt.date,
    today: dt.date,
    progress: float,
    cal: WorkCalendar,
    next_report_due: dt.date | None = None,
    cadence_days: int | None = None,
    submitted_on: dt.date | None = None,
    missed_before: int = 0,
    thresholds: Thresholds | None = None,
) -> LightResult:
    """The light of one task on ``today``.

    Only open tasks (awaiting acceptance, in progress, pending review) carry a
    light. A task waiting for review is judged by the day it was submitted, so a
    slow reviewer does not turn the unit's task red. ``missed_before`` is the number of
    required reports already recorded as missed since the last report (the daily job
    moves ``next_report_due`` on past each one it records); they keep counting until
    a report comes in.
    """
    t = thresholds or Thresholds()
    if status not in OPEN:
        return LightResult(NONE, 0, 0, False, 0, ())
    judged_on = submitted_on if status == "pending_review" and submitted_on else today
    effective_progress = 100.0 if status == "pending_review" else float(progress)
    tp = time_progress(cal, start, deadline, judged_on)
    left = cal.working_days_between(judged_on, deadline)
    overdue = judged_on > deadline
    missing = (
        0
        if status == "pending_review"
        else max(0, missed_before) + missing_reports(next_report_due, today, cadence_days)
    )
    lag = tp - effective_progress
    reasons: list[str] = []
    light = GREEN
    if overdue:
        reasons.append("overdue")
    if lag >= t.red_lag:
        reasons.append("far_behind")
    if missing >= t.red_missing_reports:
        reasons.append("reports_missing")
    if reasons:
        light = RED
    else:
        if effective_progress < 100 and left <= t.yellow_days_left:
            reasons.append("deadline_near")
        if lag >= t.yellow_lag:
            reasons.append("behind")
        if missing >= 1:
            reasons.append("report_missing")
        if reasons:
            light = YELLOW
    return LightResult(light, tp, left, overdue, missing, tuple(reasons))


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
