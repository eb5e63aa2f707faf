"""The demo holds the campaigns of seeds 003 and 004 with the figures the sources give."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.db.models import F
from django.utils import timezone

from luoshi.core.models import ActivityLog
from luoshi.relocation import demo, selectors
from luoshi.relocation.models import Campaign, Household, Parcel, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(demo_org: None) -> None:
    demo.load()


def test_demo_campaigns_carry_the_figures_of_the_sources(loaded: None) -> None:
    """One test (the demo organisation takes seconds to load): seed 004's 东星4号地块 and
    campaign counts, seed 003's 娄桥 renovation, invented owners, and loading twice."""
    # 东星4号地块: 120 houses, signing from 30 June, 100 % within the month, 54,000+ m², then cleared.
    campaign = Campaign.objects.get(code="CD-DX4")
    f = selectors.campaign_figures(campaign)
    assert campaign.name == "东星4号地块征收项目"
    assert campaign.unit.name == "城东街道"
    assert campaign.team.name == "征迁工作组"
    assert (f.households, f.signed, f.signing_rate) == (120, 120, Decimal("100.0"))
    assert f.first_signed == dt.date(2026, 6, 30)
    assert f.last_signed is not None and f.last_signed <= dt.date(2026, 7, 29)
    assert f.house_area_signed > Decimal("54000")
    assert (f.vacated, f.demolished) == (120, 120)
    assert f.cleared_on is not None and f.cleared_on <= campaign.clearance_deadline
    assert campaign.stage == Stage.CLEARED
    assert campaign.is_public
    # Its history starts on the day it was launched (2026-06-15), not when the demo was loaded.
    (entry,) = ActivityLog.objects.for_object(campaign)
    assert (entry.verb, timezone.localtime(entry.created_at)) == (
        "create",
        dt.datetime(2026, 6, 15, 9, 30, tzinfo=timezone.get_current_timezone()),
    )

    # 城东街道: two campaigns newly started, three wrapping up, three parcels cleared and transferred.
    chengdong = Campaign.objects.filter(unit__code="CD")
    assert chengdong.filter(stage__in=[Stage.LAUNCHED, Stage.SIGNING]).count() == 2
    assert chengdong.filter(stage=Stage.WRAP_UP).count() == 3
    assert Parcel.objects.filter(campaign__unit__code="CD", transferred_on__isnull=False).count() == 3

    # 娄桥: 3,902 households, 1,198 signed and vacated within 180 days of signing.
    louqiao = Campaign.objects.get(code="LQ-CZC1")
    assert louqiao.unit.name == "娄桥街道"
    assert Household.objects.filter(campaign=louqiao).count() == 3902
    within = louqiao.signing_starts_on + dt.timedelta(days=179)
    assert Household.objects.filter(campaign=louqiao, vacated_on__lte=within).count() == 1198

    # Every household has a responsible cadre (包户干部) on the township's 征迁 post, unevenly spread.
    assert not Household.objects.filter(cadre__isnull=True).exists()
    assert not Household.objects.exclude(
        cadre__positions__post="relocation", cadre__positions__unit__path__startswith=F("campaign__unit__path")
    ).exists()
    per_cadre = Counter(Household.objects.filter(campaign__unit__code="CD").values_list("cadre__name", flat=True))
    assert "彭晨曦" in per_cadre and len(set(per_cadre.values())) > 1

    from luoshi.org.demo import SEED_OFFICIALS

    assert not Household.objects.filter(owner_name__in=SEED_OFFICIALS).exists()

    before = (Campaign.objects.count(), Household.objects.count())
    demo.load()
    assert (Campaign.objects.count(), Household.objects.count()) == before
