"""The demo: the township scheme with two published months and an upheld appeal, and 城东街道's cadre scheme."""

from __future__ import annotations

import pytest

from luoshi.assessment import demo, engine
from luoshi.assessment.models import Appeal, AppealState, Item, Result, Run, RunState, Scheme, SubjectType
from luoshi.relocation import demo as relocation_demo
from luoshi.tasks import demo as tasks_demo

pytestmark = pytest.mark.django_db


def test_demo_schemes_runs_and_appeal(demo_org: None) -> None:
    tasks_demo.load()
    relocation_demo.load()
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
    results = {r.name: r for r in Result.objects.filter(run=last)}
    assert "彭晨曦" in results  # the demo's 征迁工作组 staff login is a cadre on the 征迁 post
    # Every reviewer's score but the one left for the supervisor is in the table under review (the
    # walk found every cadre marked "1 项待评分" before), and the scheme is out of 100 like its bands.
    assert {name for name, r in results.items() if r.pending} == {"彭晨曦"}
    assert engine.load_structure(last.scheme_version).full_marks == 100
    # The 征迁 cadres are scored on the households they signed as responsible cadres (包户干部).
    signed = Item.objects.get(section__scheme_version=last.scheme_version, metric_key="relocation.households_signed")
    counts = [int(r.item(signed.pk)["c"]) for r in results.values()]
    assert sum(counts) > 0 and len(set(counts)) > 1
    assert Run.objects.filter(scheme__name=demo.INVESTMENT_SCHEME, state=RunState.PUBLISHED).count() == 2
    demo.load()  # loading twice changes nothing
    assert Run.objects.count() == 6
