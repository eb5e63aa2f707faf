"""A scheme scoring departments of several townships names each with its township."""

from __future__ import annotations

import pytest

from luoshi.assessment import engine
from luoshi.core.metrics import Subject
from luoshi.org.models import UnitKind
from luoshi.org.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_unit_subjects_are_named_with_their_township_and_cadres_keep_their_names():
    district = UnitFactory(name="示范区", kind=UnitKind.DISTRICT, code="SD")
    east = UnitFactory(name="城东街道", kind=UnitKind.SUBDISTRICT, code="SE", parent=district)
    west = UnitFactory(name="城西镇", kind=UnitKind.TOWNSHIP, code="SW", parent=district)
    e = UnitFactory(name="城市建设管理办公室", kind=UnitKind.DEPARTMENT, code="SED1", parent=east)
    w = UnitFactory(name="城市建设管理办公室", kind=UnitKind.DEPARTMENT, code="SWD1", parent=west)
    rows = [
        engine.SubjectRow(Subject.unit(e), e.pk, e.path, e.name),
        engine.SubjectRow(Subject.unit(w), w.pk, w.path, w.name),
        engine.SubjectRow(Subject.unit(east), east.pk, east.path, east.name),
        engine.SubjectRow(Subject.person(7), w.pk, w.path, "王芳", person_id=7),
    ]
    assert [r.name for r in engine.labelled(rows)] == [
        "城东街道·城市建设管理办公室",
        "城西镇·城市建设管理办公室",
        "城东街道",
        "王芳",
    ]


def test_units_behind_a_figure_are_named_with_their_township_on_the_trace(tree):
    """The records behind a figure (metric registry, docs/metrics.md) that are units, such as the
    communities that missed daily reports, carry their township; other records stay as they are."""
    from django.test import Client

    from luoshi.assessment import services
    from luoshi.assessment.models import Result
    from luoshi.assessment.tests.factories import scheme_world
    from luoshi.assessment.workflow import Action

    world = scheme_world(tree, manual=False)
    org = world["organiser"]
    run = services.run_compute(actor=org, scheme=world["scheme"], period_key="2026-03")
    run = services.run_transition(actor=org, run=run, action=Action.FREEZE)
    item, a, community = world["overdue"], tree["a"], tree["community"]
    result = Result.objects.get(run=run, subject_id=a.pk, is_current=True)
    result.records = {
        str(item.pk): [
            ["org.unit", community.pk, "甲一社区", "/cases/daily/", "2 个工作日未报"],
            ["org.unit", a.pk, "甲街道", "/cases/daily/", "1 个工作日未报"],
            ["tasks.task", 99, "整治背街小巷环境", "/tasks/99/", "逾期 3 天"],
        ]
    }
    result.save(update_fields=["records"])
    c = Client()
    c.force_login(org)
    page = c.get(f"/assessment/runs/{run.pk}/s/{a.pk}/items/{item.pk}/").content.decode()
    labels = [part.split("<")[0] for part in page.split('data-testid="record-link">')[1:]]
    assert labels == ["甲街道·甲一社区", "甲街道", "整治背街小巷环境"]
