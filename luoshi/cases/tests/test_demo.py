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


@pytest.mark.parametrize(
    "today",
    [
        "2026-12-04T10:00:00+08:00",  # a Friday
        "2026-12-05T23:30:00+08:00",  # late on a Saturday
        "2026-09-30T08:00:00+08:00",  # the last working day before the National Day holiday
        "2026-10-04T12:00:00+08:00",  # in the middle of the National Day holiday
        "2027-01-04T09:00:00+08:00",  # a Monday after the New Year
    ],
)
def test_demo_shows_every_light_on_any_day(demo_org, monkeypatch, today):
    import datetime as dt

    moment = dt.datetime.fromisoformat(today)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    monkeypatch.setattr(demo, "CASES_PER_TOWNSHIP", 6)
    monkeypatch.setattr(demo, "CASES_IN_CHENGDONG", 80)
    demo.load()
    open_cases = Case.objects.filter(status__in=list(OPEN_STATUSES))
    lights = {sla.light(moment, c.warn_at, c.due_at) for c in open_cases}
    assert lights == {sla.GREEN, sla.YELLOW, sla.RED}
    # Nothing happened after "now", and the numbers follow the reporting order.
    assert not Case.objects.filter(reported_at__gt=moment).exists()
    chengdong = Case.objects.filter(township__code="CD").order_by("reported_at")
    by_time = list(chengdong.values_list("tracking_no", flat=True))
    assert by_time == sorted(by_time)
