"""The demo patrols (走访巡查): three weeks in the 东星社区 grids, some with photos, one grid left
unpatrolled for the last days; loading twice changes nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from luoshi.accounts.models import User
from luoshi.cases import patrol_demo, sla
from luoshi.cases.models import Attachment, Patrol
from luoshi.cases.selectors import patrols as reads

pytestmark = pytest.mark.django_db


def test_demo_patrols_are_deterministic_and_show_a_coverage_gap(demo_org):
    first = patrol_demo.load()
    assert first["patrols"] > 20 and first["patrol_photos"] > 0
    worker = User.objects.get(username="grid")
    mine = Patrol.objects.filter(recorded_by=worker)
    assert mine.exists() and set(mine.values_list("grid__code", flat=True)) == {"CD01G1"}
    assert set(Patrol.objects.values_list("kind", flat=True)) == {"patrol", "visit"}
    assert set(Patrol.objects.values_list("outcome", flat=True)) >= {"nothing", "handled"}
    assert Attachment.objects.filter(patrol__isnull=False, content_type="image/png").count() == first["patrol_photos"]
    today = sla.local_date(timezone.now())
    coverage = reads.grid_coverage(User.objects.get(username="community"), today=today)
    assert coverage.uncovered >= 1 and coverage.rows[0].uncovered
    rows = list(Patrol.objects.order_by("patrol_date", "started_at", "grid_id").values_list("places", flat=True))
    assert patrol_demo.load() == {"skipped": 1}
    assert Patrol.objects.count() == first["patrols"]
    Patrol.objects.all().delete()
    patrol_demo.load()
    again = list(Patrol.objects.order_by("patrol_date", "started_at", "grid_id").values_list("places", flat=True))
    assert again == rows
