"""The demo: the township scheme with two published months and an upheld appeal, and 城东街道's cadre scheme."""

from __future__ import annotations

import pytest

from luoshi.assessment import demo
from luoshi.assessment.models import Appeal, AppealState, Result, Run, RunState, Scheme, SubjectType
from luoshi.tasks import demo as tasks_demo

pytestmark = pytest.mark.django_db


def test_demo_schemes_runs_and_appeal(demo_org: None) -> None:
    tasks_demo.load()
    demo.load()
    township = Scheme.objects.get(name=demo.TOWNSHIP_SCHEME)
    runs = list(Run.objects.filter(scheme=township).order_by("period_key"))
    assert [r.state for r in runs] == [RunState.PUBLISHED, RunState.PUBLISHED]
    assert [r.subject_count for r in runs] == [14, 14]
    assert runs[1].revision == 2
    appeal = Appeal.objects.get()
    assert (appeal.state, appeal.unit.name, appeal.corrected_points) == (AppealState.UPHELD, "通泰街道", 10)
    ranks = sorted(r.rank or 0 for r in Result.objects.filter(run=runs[1], is_current=True))
    assert ranks[0] == 1 and len(ranks) == 14
    cadres = Scheme.objects.get(name=demo.CADRE_SCHEME)
    assert cadres.subject_type == SubjectType.PERSON
    last = Run.objects.filter(scheme=cadres).order_by("-period_key").first()
    assert last is not None and last.state == RunState.REVIEW
    names = set(Result.objects.filter(run=last).values_list("name", flat=True))
    assert "彭晨曦" in names  # the demo's 征迁工作组 staff login is a cadre on the 征迁 post
    demo.load()  # loading twice changes nothing
    assert Run.objects.count() == 4
