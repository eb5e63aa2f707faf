"""Demo campaigns built from the source documents (seeds 003 and 004), invented names only.

- 东星4号地块征收项目 (城东街道, kept by its 征迁工作组): 120 houses, signing from
  2026-06-30, all signed within the month, 54,000+ m² signed, then vacated, demolished,
  the land cleared (净地) and transferred.
- Two campaigns started lately in 城东街道 and three in their wrapping-up stage; three
  parcels cleared and transferred in all (seed 004).
- 娄桥片区城中村改造 (娄桥街道): 3,902 households, 1,198 signed and vacated within the
  first 180 days of signing (seed 003); the rest still under way.

Loading twice changes nothing. Dates of the recent campaigns count back from today,
so they stay recent whenever the demo is loaded.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any
from unittest import mock

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.accounts.models import User
from luoshi.core import audit, links
from luoshi.core.models import ActivityLog
from luoshi.core.timeutil import today as local_today
from luoshi.org.demo import GIVEN, SEED_OFFICIALS, SURNAMES
from luoshi.org.models import Person, Post, Unit
from luoshi.relocation.models import (
    Campaign,
    CampaignKind,
    Household,
    HouseholdKind,
    Parcel,
    RelocationChoice,
    Stage,
    id_check_digit,
)

DONGXING_CODE = "CD-DX4"
DONGXING_NAME = "东星4号地块征收项目"
DONGXING_SIGNING = dt.date(2026, 6, 30)
DONGXING_HOUSEHOLDS = 120
LOUQIAO_HOUSEHOLDS = 3902
LOUQIAO_SIGNED_AND_VACATED = 1198

STANDARD = (
    "一、房屋征收补偿按被征收房屋合法建筑面积计算，货币补偿基准价 9,200 元/平方米；\n"
    "二、选择产权调换的，按 1:1.1 比例调换安置房，差价部分按评估价结算；\n"
    "三、在签约期限内签约并腾空的，给予每平方米 500 元签约奖励，逾期不予奖励；\n"
    "四、搬迁费按每户 5,000 元一次性发放，过渡期临时安置费按每月每平方米 15 元计发；\n"
    "五、房前屋后种植的青苗按实测面积每平方米 30 元补偿。\n"
    "征收补偿方案、评估结果及签约情况在社区公示栏和本页面同步公开，接受群众监督。"
)


def _id_number(rng: random.Random) -> str:
    """An invented ID number: 99 is no real province (the demo district's division code is 990101)."""
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 60))
    body = f"990101{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + id_check_digit(body)


def _name(rng: random.Random) -> str:
    while True:
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        name = rng.choice(SURNAMES) + given
        if name not in SEED_OFFICIALS:
            return name


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(0, 10**9):09d}"


def _square(lat: float, lng: float, size: float) -> list[list[float]]:
    return [
        [round(lat, 6), round(lng, 6)],
        [round(lat + size, 6), round(lng, 6)],
        [round(lat + size, 6), round(lng + size * 1.3, 6)],
        [round(lat, 6), round(lng + size * 1.3, 6)],
    ]


def is_loaded() -> bool:
    return Campaign.objects.filter(code=DONGXING_CODE).exists()


@transaction.atomic
def load(*, stdout: Any = None) -> dict[str, int]:
    if is_loaded() or not Unit.objects.filter(code="CD").exists():
        return {"campaigns": Campaign.objects.count(), "households": Household.objects.count()}
    rng = random.Random(20260630)
    today = local_today()
    actor = User.objects.filter(username="leader").first()
    chengdong, team = Unit.objects.get(code="CD"), Unit.objects.get(code="CDD03")
    campaigns = [
        _dongxing(rng, chengdong, team),
        *_recent(rng, chengdong, team, today),
        *_wrapping_up(rng, chengdong, team, today),
    ]
    louqiao = Unit.objects.filter(code="LQ").first()
    if louqiao is not None:
        force = Unit.objects.filter(code="LQZ1").first() or louqiao  # 娄桥征迁专班
        campaigns.append(_louqiao(rng, louqiao, force, today))
    _link_projects(campaigns, actor)
    # The history's first line is dated the day the campaign was launched (in the morning), not the
    # moment the demo was loaded: the entry's time is the model default, so it is given here.
    created_at = ActivityLog._meta.get_field("created_at")
    for campaign in campaigns:
        moment = min(timezone.make_aware(dt.datetime.combine(campaign.launched_on, dt.time(9, 30))), timezone.now())
        with mock.patch.object(created_at, "get_default", return_value=moment):
            audit.record(actor=actor, obj=campaign, verb="create", comment=_("demo data"))
    return {"campaigns": Campaign.objects.count(), "households": Household.objects.count()}


#: The key projects (of the projects app's demo) whose land the campaigns clear, by campaign code.
PROJECTS = {DONGXING_CODE: "东星片区安置房", "CD-DH2": "东星片区安置房"}


def _link_projects(campaigns: list[Campaign], actor: User | None) -> None:
    """Link campaigns to their key projects through ``core.links``, as the township's leader sees them
    (nothing when there is no such project)."""
    if actor is None:
        return
    for campaign in campaigns:
        name = PROJECTS.get(campaign.code)
        matches = links.project_choices(actor, q=name, limit=2) if name else []
        if matches:
            Campaign.objects.filter(pk=campaign.pk).update(project_id=matches[0].id)


def _campaign(unit: Unit, team: Unit, **fields: Any) -> Campaign:
    return Campaign.objects.create(unit=unit, team=team, compensation_standard=STANDARD, **fields)


def _households(
    rng: random.Random,
    campaign: Campaign,
    parcels: list[Parcel],
    count: int,
    *,
    prefix: str,
    area: tuple[int, int],
    steps: Any,
) -> list[Household]:
    """``count`` households; ``steps(i)`` gives (signed_on, vacated_on, demolished_on) of the i-th.

    Each household gets a responsible cadre (包户干部) from the people on the township's land
    acquisition post (征迁岗), unevenly, so that the cadres' 赛马 has a spread.
    """
    cadres = _cadres(campaign)
    rows = []
    for i in range(count):
        signed, vacated, demolished = steps(i)
        house_area = Decimal(rng.randrange(area[0] * 100, area[1] * 100)) / 100
        agreed = (house_area * Decimal("9700")).quantize(Decimal("1")) if signed else None
        paid = Decimal("0")
        if agreed is not None and vacated is not None:
            paid = agreed
        elif agreed is not None:
            paid = (agreed * Decimal("0.3")).quantize(Decimal("1"))
        rows.append(
            Household(
                campaign=campaign,
                parcel=parcels[i % len(parcels)],
                number=f"{prefix}-{i + 1:04d}",
                kind=HouseholdKind.RESIDENCE if rng.random() < 0.92 else HouseholdKind.BUSINESS,
                owner_name=_name(rng),
                owner_id_no=_id_number(rng),
                phone=_phone(rng),
                address=f"{parcels[i % len(parcels)].name}{i + 1}号",
                house_area=house_area,
                land_area=(house_area / Decimal(rng.choice([2, 3, 3, 4]))).quantize(Decimal("0.01")),
                signed_on=signed,
                compensation_agreed=agreed,
                compensation_paid=paid,
                relocation_choice=(
                    rng.choice([RelocationChoice.CASH, RelocationChoice.PROPERTY, RelocationChoice.MIXED])
                    if signed
                    else ""
                ),
                vacated_on=vacated,
                demolished_on=demolished,
                cadre_id=cadres[(i * i + i // 5) % len(cadres)] if cadres else None,
            )
        )
    return Household.objects.bulk_create(rows)


def _cadres(campaign: Campaign) -> list[int]:
    """The people on the land acquisition post (征迁岗) in the campaign's township, in a fixed order."""
    return list(
        Person.objects.filter(positions__post=Post.RELOCATION, positions__unit__path__startswith=campaign.unit.path)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )


def _dongxing(rng: random.Random, unit: Unit, team: Unit) -> Campaign:
    campaign = _campaign(
        unit,
        team,
        code=DONGXING_CODE,
        name=DONGXING_NAME,
        kind=CampaignKind.EXPROPRIATION,
        description="泉州市“抓城建提品质”重点实施征收项目，共涉及120宗民房。街道主要领导逐宗参与研判，动迁组长上门沟通，会商、监督、挂图作战，推行阳光征迁。",
        launched_on=dt.date(2026, 6, 15),
        signing_starts_on=DONGXING_SIGNING,
        signing_deadline=dt.date(2026, 7, 29),
        clearance_deadline=dt.date(2026, 9, 30),
        stage=Stage.CLEARED,
        stage_since=dt.date(2026, 10, 20),
        is_public=True,
    )
    parcel = Parcel.objects.create(
        campaign=campaign,
        name="东星4号地块",
        land_area=Decimal("38600"),
        lat=Decimal("27.930000"),
        lng=Decimal("120.790000"),
        boundary=_square(27.926, 120.784, 0.008),
        transferred_on=dt.date(2026, 10, 20),
    )

    def steps(i: int) -> tuple[dt.date, dt.date, dt.date]:
        # Signing from 30 June: a fast first week, every house signed by 29 July (within the month).
        signed = DONGXING_SIGNING + dt.timedelta(days=min(29, int((i / DONGXING_HOUSEHOLDS) ** 1.6 * 30)))
        vacated = signed + dt.timedelta(days=3 + i % 9)
        demolished = max(vacated + dt.timedelta(days=5), dt.date(2026, 8, 10) + dt.timedelta(days=i * 47 // 120))
        return signed, vacated, demolished

    # 120 houses of 440–470 m² each: 54,000 m² and more signed.
    _households(rng, campaign, [parcel], DONGXING_HOUSEHOLDS, prefix="DX4", area=(440, 470), steps=steps)
    return campaign


def _recent(rng: random.Random, unit: Unit, team: Unit, today: dt.date) -> list[Campaign]:
    """Two campaigns started lately: one signing (on pace), one just launched."""
    start = today - dt.timedelta(days=12)
    signing = _campaign(
        unit,
        team,
        code="CD-DH2",
        name="东海片区旧城改造征收项目",
        kind=CampaignKind.OLD_AREA,
        launched_on=start - dt.timedelta(days=10),
        signing_starts_on=start,
        signing_deadline=start + dt.timedelta(days=30),
        clearance_deadline=start + dt.timedelta(days=90),
        stage=Stage.SIGNING,
        stage_since=start,
        is_public=True,
    )
    parcels = [
        Parcel.objects.create(
            campaign=signing,
            name="东海2号地块",
            land_area=Decimal("21000"),
            lat=Decimal("27.912"),
            lng=Decimal("120.772"),
            boundary=_square(27.909, 120.768, 0.006),
        ),
        Parcel.objects.create(
            campaign=signing,
            name="东海3号地块",
            land_area=Decimal("16500"),
            lat=Decimal("27.918"),
            lng=Decimal("120.781"),
            boundary=_square(27.916, 120.778, 0.005),
        ),
    ]
    _households(
        rng, signing, parcels, 80, prefix="DH2", area=(180, 320),
        steps=lambda i: (start + dt.timedelta(days=i % 12), None, None) if i < 36 else (None, None, None),
    )  # fmt: skip
    launched = _campaign(
        unit,
        team,
        code="CD-XM1",
        name="浔美工业区配套道路征迁项目",
        kind=CampaignKind.EXPROPRIATION,
        launched_on=today - dt.timedelta(days=4),
        signing_starts_on=today + dt.timedelta(days=3),
        signing_deadline=today + dt.timedelta(days=33),
        clearance_deadline=today + dt.timedelta(days=100),
        stage=Stage.LAUNCHED,
        stage_since=today - dt.timedelta(days=4),
    )
    road = Parcel.objects.create(campaign=launched, name="浔美路拓宽段", lat=Decimal("27.940"), lng=Decimal("120.800"))
    _households(rng, launched, [road], 40, prefix="XM1", area=(120, 260), steps=lambda i: (None, None, None))
    return [signing, launched]


def _wrapping_up(rng: random.Random, unit: Unit, team: Unit, today: dt.date) -> list[Campaign]:
    """Three campaigns in their last stage: land cleared, payments and resettlement being settled."""
    result = []
    for n, (code, name, size, transferred) in enumerate(
        [
            ("CD-DM1", "东美社区危旧房改造项目", 46, True),
            ("CD-YS1", "云山片区道路征迁项目", 28, True),
            ("CD-PS1", "坪山安置地块征收项目", 35, False),
        ]
    ):
        start = today - dt.timedelta(days=300 - n * 40)
        campaign = _campaign(
            unit, team, code=code, name=name, kind=CampaignKind.EXPROPRIATION,
            launched_on=start - dt.timedelta(days=14), signing_starts_on=start,
            signing_deadline=start + dt.timedelta(days=45), clearance_deadline=start + dt.timedelta(days=150),
            stage=Stage.WRAP_UP, stage_since=start + dt.timedelta(days=160),
        )  # fmt: skip
        parcel = Parcel.objects.create(
            campaign=campaign,
            name=name.replace("项目", "").replace("征收", "").replace("征迁", "") + "地块",
            lat=Decimal(str(27.92 + n * 0.012)),
            lng=Decimal(str(120.805 - n * 0.01)),
            boundary=_square(27.918 + n * 0.012, 120.802 - n * 0.01, 0.004),
            transferred_on=start + dt.timedelta(days=170) if transferred else None,
        )

        def steps(i: int, start: dt.date = start) -> tuple[dt.date, dt.date, dt.date]:
            signed = start + dt.timedelta(days=i % 40)
            vacated = signed + dt.timedelta(days=10)
            return signed, vacated, vacated + dt.timedelta(days=20 + i % 30)

        households = _households(rng, campaign, [parcel], size, prefix=code[3:], area=(90, 240), steps=steps)
        # A few payments still outstanding: what the wrapping-up stage is about.
        for h in households[:3]:
            Household.objects.filter(pk=h.pk).update(compensation_paid=(h.compensation_agreed or 0) * Decimal("0.6"))
        result.append(campaign)
    return result


def _louqiao(rng: random.Random, unit: Unit, team: Unit, today: dt.date) -> Campaign:
    """An urban-village renovation of 3,902 households: 1,198 signed and vacated in 180 days."""
    start = today - dt.timedelta(days=187)
    campaign = _campaign(
        unit,
        team,
        code="LQ-CZC1",
        name="娄桥片区城中村改造项目",
        kind=CampaignKind.URBAN_VILLAGE,
        description="亚运龙舟基地配套城中村改造：整合机关干部、部门站所和村居队伍成立攻坚组。",
        launched_on=start - dt.timedelta(days=20),
        signing_starts_on=start,
        signing_deadline=start + dt.timedelta(days=240),
        clearance_deadline=start + dt.timedelta(days=330),
        stage=Stage.VACATING,
        stage_since=start + dt.timedelta(days=40),
        is_public=True,
    )
    names = ["娄桥村", "古岸村", "龙舟社区"]
    parcels = [
        Parcel.objects.create(
            campaign=campaign,
            name=f"{name}地块",
            lat=Decimal(str(27.995 + k * 0.01)),
            lng=Decimal(str(120.69 + k * 0.012)),
            boundary=_square(27.99 + k * 0.01, 120.685 + k * 0.012, 0.008),
        )
        for k, name in enumerate(names)
    ]
    signed_more = 560

    def steps(i: int) -> tuple[dt.date | None, dt.date | None, dt.date | None]:
        if i < LOUQIAO_SIGNED_AND_VACATED:  # signed and vacated within the first 180 days
            signed = start + dt.timedelta(days=i * 150 // LOUQIAO_SIGNED_AND_VACATED)
            return signed, signed + dt.timedelta(days=5 + i % 20), None
        if i < LOUQIAO_SIGNED_AND_VACATED + signed_more:
            return start + dt.timedelta(days=150 + (i % 35)), None, None
        return None, None, None

    _households(rng, campaign, parcels, LOUQIAO_HOUSEHOLDS, prefix="LQ", area=(80, 260), steps=steps)
    return campaign
