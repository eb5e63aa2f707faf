"""The bulletins demo runs after the assessment demo, so its ranking bulletin (擂台) carries results."""

from __future__ import annotations

import pytest

from luoshi.assessment import demo as assessment_demo
from luoshi.bulletins import demo
from luoshi.bulletins.models import Bulletin, Kind, Status
from luoshi.core.registry import demo_loaders
from luoshi.relocation import demo as relocation_demo
from luoshi.tasks import demo as tasks_demo

pytestmark = pytest.mark.django_db


def test_bulletins_load_after_the_assessment_runs_and_before_the_aggregates() -> None:
    order = [name for name, _load in demo_loaders()]
    assert order.index("assessment") < order.index("bulletins") < order.index("aggregates")


def test_demo_bulletins_and_the_ranking_bulletin_with_results(demo_org: None) -> None:
    tasks_demo.load()
    relocation_demo.load()
    assessment_demo.load()
    assert demo.load() == {"bulletins": 6}
    kinds = sorted((b.kind, b.status, b.unit.name) for b in Bulletin.objects.select_related("unit"))
    assert kinds == [
        (Kind.MONTHLY, Status.ISSUED, "落实示范区"),
        (Kind.RANKING, Status.ISSUED, "落实示范区"),
        (Kind.WEEKLY, Status.DRAFT, "城东街道"),
        (Kind.WEEKLY, Status.ISSUED, "城东街道"),
        (Kind.WEEKLY, Status.ISSUED, "城东街道"),
        (Kind.WEEKLY, Status.ISSUED, "城东街道"),
    ]
    ranking = Bulletin.objects.get(kind=Kind.RANKING)
    results = ranking.sections.get(key="assessment.results")
    paragraphs = results.content["paragraphs"]
    assert any(p.startswith(assessment_demo.TOWNSHIP_SCHEME) and "考核结果于" in p for p in paragraphs)
    assert len(results.content["tables"]) == len(paragraphs) >= 2
    assert demo.load() == {"bulletins": 0}  # loading twice changes nothing
