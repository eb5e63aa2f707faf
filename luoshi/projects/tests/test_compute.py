"""超前 / 正常 / 滞后 and the light of a project, computed from its figures (no database).

On a calendar without holidays 2026 has 261 working days and 76 of them have passed by
Thursday 2026-04-16, so the time-progress line stands at 29 % (76 / 261 = 29.1 %).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from luoshi.core import lights
from luoshi.core.workdays import WorkCalendar
from luoshi.projects.services import compute, year_time_progress

TODAY = dt.date(2026, 4, 16)
CAL = WorkCalendar()


def run(
    completed_year: str = "0",
    *,
    stage: str = "construction",
    plan: str = "1000",
    plan_year: int = 2026,
    milestones: list[tuple[dt.date, dt.date | None]] | None = None,
    problems: list[tuple[str, dt.date]] | None = None,
) -> tuple[str, str]:
    result = compute(
        stage=stage,
        plan_year=plan_year,
        annual_plan=Decimal(plan),
        completed_total=Decimal(completed_year),
        completed_year=Decimal(completed_year),
        milestones=milestones or [],
        problems=problems or [],
        today=TODAY,
        cal=CAL,
    )
    return result.schedule, result.light


def test_time_progress_of_the_plan_year() -> None:
    assert year_time_progress(CAL, 2026, TODAY) == 29
    assert year_time_progress(CAL, 2026, dt.date(2025, 12, 31)) == 0
    assert year_time_progress(CAL, 2026, dt.date(2026, 12, 31)) == 100


@pytest.mark.parametrize(
    ("completed", "expected"),
    [
        ("190", ("behind", "red")),  # 19 %: 10 points under the line
        ("200", ("on_track", "yellow")),  # 20 %: 9 under, still on track but yellow
        ("240", ("on_track", "yellow")),  # 24 %: 5 under
        ("250", ("on_track", "green")),  # 25 %: 4 under
        ("290", ("on_track", "green")),  # on the line
        ("380", ("on_track", "green")),  # 9 above
        ("390", ("ahead", "green")),  # 10 above
        ("1500", ("ahead", "green")),  # more than the annual plan
    ],
)
def test_investment_against_the_time_progress_line(completed: str, expected: tuple[str, str]) -> None:
    assert run(completed) == expected


@pytest.mark.parametrize(
    ("due", "done_on", "expected"),
    [
        (dt.date(2026, 4, 15), None, ("behind", "red")),  # a day late
        (dt.date(2026, 4, 15), dt.date(2026, 4, 15), ("on_track", "green")),  # done: no light
        (dt.date(2026, 4, 21), None, ("on_track", "yellow")),  # 3 working days left
        (dt.date(2026, 4, 22), None, ("on_track", "green")),  # 4 left
    ],
)
def test_milestones_against_their_dates(due: dt.date, done_on: dt.date | None, expected: tuple[str, str]) -> None:
    assert run("290", milestones=[(due, done_on)]) == expected


def test_a_late_milestone_outweighs_investment_ahead() -> None:
    assert run("900", milestones=[(dt.date(2026, 4, 1), None)]) == ("behind", "red")


@pytest.mark.parametrize(
    ("status", "due", "expected"),
    [
        ("open", dt.date(2026, 4, 15), ("on_track", "red")),  # a problem past its time limit
        ("in_task", dt.date(2026, 4, 15), ("on_track", "red")),
        ("settled", dt.date(2026, 4, 15), ("on_track", "green")),
        ("open", dt.date(2026, 4, 20), ("on_track", "yellow")),  # 2 working days left
        ("open", dt.date(2026, 5, 20), ("on_track", "green")),
    ],
)
def test_problems_light_but_do_not_make_the_project_late(status: str, due: dt.date, expected: tuple[str, str]) -> None:
    assert run("290", problems=[(status, due)]) == expected


def test_problems_past_their_time_limit_are_counted_so_a_red_card_says_why() -> None:
    # Today is 2026-04-16: two open problems were due before it (one already a task), one is due after
    # it, one past its limit is settled. A project 超前 on money is red, and the card says "逾期 2".
    result = compute(
        stage="construction", plan_year=2026, annual_plan=Decimal("1000"), completed_total=Decimal("900"),
        completed_year=Decimal("900"), milestones=[],
        problems=[("open", dt.date(2026, 4, 15)), ("in_task", dt.date(2026, 4, 1)), ("open", dt.date(2026, 5, 20)),
                  ("settled", dt.date(2026, 3, 1))],
        today=TODAY, cal=CAL,
    )  # fmt: skip
    assert (result.schedule, result.light, result.open_problems, result.late_problems) == ("ahead", "red", 3, 2)


@pytest.mark.parametrize(
    ("stage", "plan_year", "expected"),
    [
        ("planning", 2026, ("", "")),  # not yet signed: no status, no light
        ("signed", 2026, ("on_track", "green")),  # signed: lit, money not yet measured
        ("completed", 2026, ("", "")),
        ("operating", 2026, ("", "")),
        ("construction", 2025, ("on_track", "green")),  # last year's plan is not measured against this year
    ],
)
def test_stages_without_a_measured_plan(stage: str, plan_year: int, expected: tuple[str, str]) -> None:
    assert run("0", stage=stage, plan_year=plan_year) == expected


def test_no_annual_plan_means_no_money_measure() -> None:
    assert run("0", plan="0") == ("on_track", "green")


def test_shared_light_helpers() -> None:
    cal = CAL
    assert lights.due_light(cal, due=dt.date(2026, 4, 16), today=TODAY) == lights.DueLight("yellow", 0, False)
    assert lights.due_light(cal, due=dt.date(2026, 4, 14), today=TODAY) == lights.DueLight("red", -2, True)
    assert lights.schedule_status(done_share=20, time_share=30) == "behind"
    assert lights.schedule_status(done_share=21, time_share=30) == "on_track"
    assert lights.schedule_status(done_share=40, time_share=30) == "ahead"
