"""The task light rule (亮灯) on top of the shared maths in :mod:`luoshi.core.lights`.

The pure time-progress, missing-report and roll-up functions moved to
``luoshi.core.lights`` so key projects and other apps light things the same way;
they stay importable from here. The rule is documented for users in docs/tasks.md
(served at /tasks/help/).
"""

from __future__ import annotations

import datetime as dt

from luoshi.core.lights import (
    GREEN,
    NONE,
    RED,
    TWO_PLACES,
    YELLOW,
    LightResult,
    Thresholds,
    missing_reports,
    rollup,
    time_progress,
)
from luoshi.core.workdays import WorkCalendar

__all__ = [
    "GREEN", "NONE", "OPEN", "RED", "TWO_PLACES", "YELLOW", "LightResult", "Thresholds",
    "compute", "missing_reports", "rollup", "time_progress",
]  # fmt: skip

OPEN = frozenset({"assigned", "in_progress", "pending_review"})


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
