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
