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
