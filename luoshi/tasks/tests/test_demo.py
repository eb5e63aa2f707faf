"""The demo loader: realistic, every state and light, and idempotent."""

from __future__ import annotations

import pytest

from luoshi.org import demo as org_demo
from luoshi.tasks import demo
from luoshi.tasks.models import Category, Goal, Inspection, Status, Task

pytestmark = pytest.mark.django_db


def test_demo_covers_every_state_and_light_and_loads_once(demo_org):
    demo.load()
    tongtai = Goal.objects.get(title=demo.TT_GOAL)
    assert Category.objects.filter(goal=tongtai, parent__isnull=True).count() == 9
    assert Category.objects.filter(goal=tongtai, parent__isnull=False).count() == 27
    chengdong = Task.objects.filter(lead_unit__path__startswith=Goal.objects.get(title=demo.CD_GOAL).owner_unit.path)
    assert set(chengdong.values_list("status", flat=True)) == set(Status.values)
    assert {"green", "yellow", "red"} <= set(chengdong.values_list("light", flat=True))
    assert Inspection.objects.filter(findings__rectification_tasks__isnull=False).exists()
    missed = Task.objects.get(title="信访积案化解")
    assert (missed.missed_reports, missed.reports_outstanding, missed.light) == (2, 2, "red")
    counts = (Task.objects.count(), Goal.objects.count(), Inspection.objects.count())
    demo.load()
    assert (Task.objects.count(), Goal.objects.count(), Inspection.objects.count()) == counts
    people = set(Task.objects.values_list("responsible_leader__name", flat=True))
    assert not people & org_demo.SEED_OFFICIALS


def test_the_district_gives_every_township_tasks_due_in_the_last_two_months_with_mixed_outcomes(demo_org):
    """The walk of 2026-12-05: with tasks in 城东 and 通泰 only, the other 12 townships got full marks on
    重点工作落实 for having nothing due. The district's 安全生产专项整治 gives each township one task due
    on the 20th of each of the last two months: most done on time, a few late, some still open."""
    import datetime as dt

    from luoshi.core.timeutil import today

    demo.load()
    goal = Goal.objects.get(title=demo.DISTRICT_GOAL)
    assert goal.owner_unit.parent is None
    tasks = Task.objects.filter(goal=goal)
    assert tasks.values("lead_unit").distinct().count() == 14
    last = today().replace(day=1) - dt.timedelta(days=1)
    before = last.replace(day=1) - dt.timedelta(days=1)
    outcomes = {}
    for month in (before, last):
        due = tasks.filter(deadline=month.replace(day=20))
        outcomes[month.month] = (
            due.filter(status=Status.DONE, closed_on_time=True).count(),
            due.filter(status=Status.DONE, closed_on_time=False).count(),
            due.exclude(status=Status.DONE).filter(is_overdue=True).count(),
        )
    # (on time, late, still open and overdue)
    assert outcomes == {before.month: (11, 2, 1), last.month: (10, 2, 2)}
    assert {m.due_date.day for m in Task.objects.filter(goal=goal)[0].milestones.all()} == {10}
