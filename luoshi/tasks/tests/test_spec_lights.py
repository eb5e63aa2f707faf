"""The task light at every threshold users see, written out from docs/tasks.md ("The traffic light").

Red: the deadline has passed, or the lag (time progress − reported progress) is 30 points
or more, or two required reports are missing. Yellow: 3 working days or fewer left and not
complete, or a lag of 15 points or more, or one report missing. Each threshold is shown on
both sides. The task below runs from Monday 2 March to Monday 30 March 2026: 20 working
days, so on Monday 16 March 10 have passed (time progress 50) and 10 are left.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings

from luoshi.core.workdays import WorkCalendar, load_seed
from luoshi.tasks import lights


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def calendar_2026() -> WorkCalendar:
    holidays, workdays = load_seed()
    return WorkCalendar(frozenset(d for d, _, _ in holidays), frozenset(d for d, _, _ in workdays))


CAL = calendar_2026()
START, DEADLINE = day("2026-03-02"), day("2026-03-30")


def light(today: str, progress: float, status: str = "in_progress", **kw) -> lights.LightResult:
    return lights.compute(
        status=status, start=START, deadline=DEADLINE, today=day(today), progress=progress, cal=CAL, **kw
    )


# today, progress → light, reasons, time progress, working days left
CASES = [
    # Lag: yellow at 15 points, red at 30, with 10 days left.
    ("2026-03-16", 36, "green", (), 50, 10),
    ("2026-03-16", 35, "yellow", ("behind",), 50, 10),
    ("2026-03-16", 35.5, "green", (), 50, 10),
    ("2026-03-16", 21, "yellow", ("behind",), 50, 10),
    ("2026-03-16", 20, "red", ("far_behind",), 50, 10),
    ("2026-03-16", 0, "red", ("far_behind",), 50, 10),
    ("2026-03-16", 100, "green", (), 50, 10),
    # Days left: yellow from 3 working days left (Wednesday 25 March), unless complete.
    ("2026-03-24", 99, "green", (), 80, 4),
    ("2026-03-25", 99, "yellow", ("deadline_near",), 85, 3),
    ("2026-03-25", 100, "green", (), 85, 3),
    ("2026-03-27", 99, "yellow", ("deadline_near",), 95, 1),
    ("2026-03-30", 99, "yellow", ("deadline_near",), 100, 0),
    # Near the deadline and behind: both reasons.
    ("2026-03-25", 70, "yellow", ("deadline_near", "behind"), 85, 3),
    # After the deadline: red, whatever the progress (but not after completion).
    ("2026-03-31", 99, "red", ("overdue",), 100, -1),
    ("2026-03-31", 50, "red", ("overdue", "far_behind"), 100, -1),
    # Before the start nothing has passed.
    ("2026-03-01", 0, "green", (), 0, 21),
]


@pytest.mark.parametrize(("today", "progress", "colour", "reasons", "tp", "left"), CASES)
def test_light_at_each_threshold(today, progress, colour, reasons, tp, left):
    result = light(today, progress)
    assert (result.light, result.reasons, result.time_progress, result.working_days_left) == (
        colour,
        reasons,
        tp,
        left,
    )
    assert result.overdue is (day(today) > DEADLINE)
    assert result.missing_reports == 0


def test_awaiting_acceptance_carries_a_light_too():
    assert light("2026-03-16", 0, status="assigned").light == "red"
    assert light("2026-03-16", 40, status="assigned").light == "green"


@pytest.mark.parametrize("status", ["draft", "suspended", "done", "cancelled"])
def test_tasks_not_open_carry_no_light(status):
    result = light("2026-03-31", 0, status=status)
    assert result == lights.LightResult("", 0, 0, False, 0, ())


def test_pending_review_is_judged_on_the_submission_day_as_complete():
    # Submitted on 24 March (4 days left) at 10 %: complete, so green, even when looked at later.
    result = light("2026-04-20", 10, status="pending_review", submitted_on=day("2026-03-24"),
                   next_report_due=day("2026-03-01"), cadence_days=7, missed_before=3)  # fmt: skip
    assert (result.light, result.reasons, result.time_progress, result.working_days_left) == ("green", (), 80, 4)
    assert result.overdue is False and result.missing_reports == 0
    # Submitted after the deadline: red for being late.
    late = light("2026-04-20", 10, status="pending_review", submitted_on=day("2026-03-31"))
    assert (late.light, late.reasons, late.overdue) == ("red", ("overdue",), True)
    # Submitted on the deadline, complete: not "deadline near".
    on_time = light("2026-04-20", 10, status="pending_review", submitted_on=day("2026-03-30"))
    assert (on_time.light, on_time.reasons) == ("green", ())
    # Without a submission day it is judged today.
    assert light("2026-03-31", 10, status="pending_review").reasons == ("overdue",)


# Reports due every 7 days, the next on 10 March.
@pytest.mark.parametrize(
    ("today", "missing", "colour", "reasons"),
    [
        ("2026-03-10", 0, "green", ()),
        ("2026-03-11", 1, "yellow", ("report_missing",)),
        ("2026-03-16", 1, "yellow", ("report_missing",)),
        ("2026-03-17", 2, "red", ("reports_missing",)),
        ("2026-03-24", 3, "red", ("reports_missing",)),
    ],
)
def test_missing_reports_turn_the_light_yellow_then_red(today, missing, colour, reasons):
    result = light(today, 95, next_report_due=day("2026-03-10"), cadence_days=7)
    assert (result.missing_reports, result.light, result.reasons) == (missing, colour, reasons)


@pytest.mark.parametrize(
    ("missed_before", "due", "missing", "colour"),
    [
        (0, None, 0, "green"),
        (1, None, 1, "yellow"),
        (2, None, 2, "red"),
        (-1, None, 0, "green"),  # a negative count from bad data counts as none
        (1, "2026-03-12", 2, "red"),  # one recorded miss plus one now due
    ],
)
def test_misses_already_recorded_keep_counting(missed_before, due, missing, colour):
    result = light("2026-03-16", 95, next_report_due=day(due) if due else None, cadence_days=7,
                   missed_before=missed_before)  # fmt: skip
    assert (result.missing_reports, result.light) == (missing, colour)


@pytest.mark.parametrize(
    ("next_due", "today", "cadence", "missing"),
    [
        (None, "2026-03-20", 7, 0),
        ("2026-03-10", "2026-03-20", None, 0),
        ("2026-03-10", "2026-03-20", 0, 0),
        ("2026-03-10", "2026-03-09", 7, 0),
        ("2026-03-10", "2026-03-10", 7, 0),
        ("2026-03-10", "2026-03-11", 7, 1),
        ("2026-03-10", "2026-03-16", 7, 1),
        ("2026-03-10", "2026-03-17", 7, 2),
        ("2026-03-10", "2026-03-25", 15, 2),
        ("2026-03-10", "2026-04-08", 30, 1),
        ("2026-03-10", "2026-04-10", 30, 2),
    ],
)
def test_missing_reports_count(next_due, today, cadence, missing):
    assert lights.missing_reports(day(next_due) if next_due else None, day(today), cadence) == missing


# start, deadline, today → time progress (working days in (start, deadline] passed by today)
TIME_PROGRESS = [
    ("2026-03-02", "2026-03-30", "2026-03-02", 0),
    ("2026-03-02", "2026-03-30", "2026-03-03", 5),
    ("2026-03-02", "2026-03-30", "2026-03-07", 20),  # Saturday: the week's 4 days
    ("2026-03-02", "2026-03-30", "2026-03-29", 95),
    ("2026-03-02", "2026-03-30", "2026-03-30", 100),
    ("2026-03-02", "2026-03-30", "2026-04-30", 100),
    # One third and two thirds round to whole points.
    ("2026-03-02", "2026-03-05", "2026-03-03", 33),
    ("2026-03-02", "2026-03-05", "2026-03-04", 67),
    # Across 劳动节: 29–30 April and 6–8 May, 9 May (调休) and 11 May are the 7 working days.
    ("2026-04-28", "2026-05-11", "2026-05-05", 29),
    ("2026-04-28", "2026-05-11", "2026-05-08", 71),
    ("2026-04-28", "2026-05-11", "2026-05-09", 86),
    # Degenerate spans: no working day between start and deadline (all of it 劳动节).
    ("2026-05-01", "2026-05-05", "2026-05-01", 0),
    ("2026-05-01", "2026-05-05", "2026-05-03", 100),
    ("2026-05-01", "2026-05-05", "2026-05-06", 100),
    # Starting and due the same day.
    ("2026-03-02", "2026-03-02", "2026-03-01", 0),
    ("2026-03-02", "2026-03-02", "2026-03-02", 0),
    ("2026-03-02", "2026-03-02", "2026-03-03", 100),
    # A deadline before the start (bad data): nothing before the start, all after it.
    ("2026-03-10", "2026-03-02", "2026-03-05", 0),
    ("2026-03-10", "2026-03-02", "2026-03-11", 100),
    # Started on a Friday, looked at on Saturday: no working day has passed.
    ("2026-03-06", "2026-03-20", "2026-03-07", 0),
    # One working day in the span (Monday), looked at on the Saturday before it.
    ("2026-03-06", "2026-03-09", "2026-03-07", 0),
]


@pytest.mark.parametrize(("start", "deadline", "today", "tp"), TIME_PROGRESS)
def test_time_progress(start, deadline, today, tp):
    assert lights.time_progress(CAL, day(start), day(deadline), day(today)) == tp


def test_time_progress_on_a_long_task_rounds_the_last_half_point_up_to_100():
    # 200 working days, 199 passed: 99.5 points shows as 100 the day before the deadline.
    cal = WorkCalendar()
    start = day("2026-01-05")
    deadline = cal.add_working_days(start, 200)
    assert lights.time_progress(cal, start, deadline, deadline - dt.timedelta(days=1)) == 100


def test_default_thresholds_are_the_documented_ones():
    assert lights.Thresholds() == lights.Thresholds(yellow_days_left=3, yellow_lag=15, red_lag=30,
                                                    red_missing_reports=2)  # fmt: skip
    t = lights.Thresholds()
    assert (t.yellow_days_left, t.yellow_lag, t.red_lag, t.red_missing_reports) == (3, 15, 30, 2)


def test_thresholds_come_from_the_setting_and_ignore_unknown_keys():
    with override_settings(LUOSHI_TASK_LIGHTS={"yellow_days_left": "5", "red_lag": 40, "colour": "blue"}):
        t = lights.Thresholds.from_settings()
    assert (t.yellow_days_left, t.yellow_lag, t.red_lag, t.red_missing_reports) == (5, 15, 40, 2)
    with override_settings(LUOSHI_TASK_LIGHTS=None):
        assert lights.Thresholds.from_settings() == lights.Thresholds()


def test_other_thresholds_move_the_boundaries():
    t = lights.Thresholds(yellow_days_left=5, yellow_lag=10, red_lag=20, red_missing_reports=3)
    assert light("2026-03-23", 99, thresholds=t).reasons == ("deadline_near",)  # 5 days left
    assert light("2026-03-16", 40, thresholds=t).reasons == ("behind",)
    assert light("2026-03-16", 30, thresholds=t).reasons == ("far_behind",)
    two_missing = light("2026-03-17", 95, next_report_due=day("2026-03-10"), cadence_days=7, thresholds=t)
    assert (two_missing.light, two_missing.reasons) == ("yellow", ("report_missing",))


# children's (progress, weight) → the parent's progress
ROLLUP = [
    ([], "0.00"),
    ([(50, None), (100, None)], "75.00"),
    ([(50, 1), (100, 3)], "87.50"),
    ([(50, 1), (100, None)], "75.00"),  # one child without a weight: plain mean
    ([(50, 0), (100, 0)], "75.00"),  # all weigh nothing: plain mean
    ([(10, 0), (40, 2)], "40.00"),
    ([(50, Decimal("0.5")), (100, Decimal("0.25"))], "66.67"),  # weights below 1 in all
    ([(0, None), (0, None), (100, None)], "33.33"),
    ([(Decimal("0.01"), None), (0, None)], "0.01"),  # 0.005 rounds half up
    ([(150, None)], "100.00"),
    ([(-5, None)], "0.00"),
    ([(33.3, None)], "33.30"),
    ([(Decimal("20.5"), Decimal("1.5")), (80, Decimal("0.5"))], "35.38"),
]


@pytest.mark.parametrize(("items", "expected"), ROLLUP)
def test_rollup(items, expected):
    result = lights.rollup(items)
    assert result == Decimal(expected)
    assert str(result) == expected


# --- the shared maths for dated items and schedules (luoshi/core/lights.py, used by key projects) ---------


@pytest.mark.parametrize(
    ("today", "done_on", "expected"),
    [
        ("2026-03-23", None, ("green", 4, False)),  # Monday: 24, 25, 26, 27 March left
        ("2026-03-24", None, ("yellow", 3, False)),  # 3 working days left
        ("2026-03-27", None, ("yellow", 0, False)),  # the due day itself
        ("2026-03-28", None, ("red", 0, True)),  # Saturday after: overdue, though no working day has passed
        ("2026-03-30", None, ("red", -1, True)),
        ("2026-03-30", "2026-03-30", ("", -1, False)),  # done: no light
    ],
)
def test_the_light_of_a_dated_item(today, done_on, expected):
    from luoshi.core import lights as core_lights

    result = core_lights.due_light(CAL, due=day("2026-03-27"), today=day(today),
                                   done_on=day(done_on) if done_on else None)  # fmt: skip
    assert (result.light, result.working_days_left, result.overdue) == expected


@pytest.mark.parametrize(
    ("done", "time", "status"),
    [(50, 60, "behind"), (50.5, 60, "on_track"), (60, 60, "on_track"), (69.5, 60, "on_track"), (70, 60, "ahead"),
     (0, 10, "behind"), (110, 100, "ahead")],
)  # fmt: skip
def test_ahead_on_track_or_behind_by_ten_points(done, time, status):
    from luoshi.core import lights as core_lights

    assert core_lights.schedule_status(done_share=done, time_share=time) == status
