"""The demo loader: every state and light, idempotent."""

from __future__ import annotations

import pytest
from django.db.models import F
from django.utils import timezone

from luoshi.cases import demo, sla
from luoshi.cases.models import OPEN_STATUSES, Case, DailyReport, GridBoundary, KeyPerson, Status

pytestmark = pytest.mark.django_db


def test_demo_covers_every_state_and_light_and_loads_once(demo_org, monkeypatch):
    monkeypatch.setattr(demo, "CASES_PER_TOWNSHIP", 12)
    monkeypatch.setattr(demo, "CASES_IN_CHENGDONG", 160)
    first = demo.load()
    assert first["cases"] > 0
    assert set(Case.objects.values_list("status", flat=True)) == set(Status.values)
    now = timezone.now()
    lights = {sla.light(now, c.warn_at, c.due_at) for c in Case.objects.filter(status__in=list(OPEN_STATUSES))}
    assert lights == {sla.GREEN, sla.YELLOW, sla.RED}
    assert Case.objects.filter(status=Status.MERGED, duplicate_of__isnull=True).count() == 0
    # A duplicate names an earlier case.
    later = Case.objects.filter(status=Status.MERGED, duplicate_of__reported_at__gt=F("reported_at")).count()
    assert later == 0
    assert GridBoundary.objects.exists() and KeyPerson.objects.exists() and DailyReport.objects.exists()
    counts = (Case.objects.count(), KeyPerson.objects.count(), GridBoundary.objects.count())
    demo.load()
    assert (Case.objects.count(), KeyPerson.objects.count(), GridBoundary.objects.count()) == counts
