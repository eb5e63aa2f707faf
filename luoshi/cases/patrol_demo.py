"""Demo patrols and household visits (走访巡查): three weeks in the 东星社区 (CD01) grids.

The demo grid worker (``grid``, 常俊凯) patrols their grid most days and visits households;
the community's staff (``community``) covers two more grids now and then, and the community's
last grid goes unpatrolled for the last days, so the coverage summary has a gap to show. Some
records carry a photo (a small drawn picture, stored through the same check as any upload) and
the grid worker's own reports of the period are linked to the record of that day. Invented
places and texts; a fixed random seed; the history is written directly (the three-week span is
older than the week a person may still record). Loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from luoshi.accounts.models import User
from luoshi.cases import sla
from luoshi.cases.models import Case, Channel, Patrol, PatrolKind, PatrolOutcome
from luoshi.cases.services.intake import attachment_store
from luoshi.core import audit
from luoshi.org.models import Unit, UnitKind

SEED = 20261205
DAYS = 21
COMMUNITY_CODE = "CD01"

STREETS = ["幸福路", "东星路", "建设巷", "和平街", "新民路"]
PLACES = [
    "{street}{a}号至{b}号沿街商铺",
    "{n}号楼{u}单元楼道及楼顶",
    "{street}农贸市场周边",
    "小区东门至{street}口",
    "{n}号楼地下车库及充电桩",
    "社区广场及健身器材",
]
HOUSEHOLDS = ["{n}号楼{u}单元{r}室", "{street}{a}号独居老人家", "{n}号楼{u}单元{r}室（新迁入住户）"]
NOTHING = ["沿线巡查，未发现异常。", "设施完好，环境整洁。", "入户了解情况，家中一切正常，未提出诉求。"]
HANDLED = [
    "楼道堆放纸箱杂物，已当场提醒住户清理完毕。",
    "两辆共享单车占用盲道，已挪至停放区。",
    "商铺门前占道经营，已劝导收回。",
    "老人反映家中灯泡损坏，已帮助更换。",
]
REPORTED = ["路面井盖松动，存在安全隐患，已设置警示并上报。", "楼顶防水层破损渗水，需物业维修，已上报。"]


def is_loaded() -> bool:
    return Patrol.objects.filter(grid__code__startswith=COMMUNITY_CODE).exists()


def _photo(rng: random.Random, index: int) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), (rng.randint(150, 220), rng.randint(170, 230), rng.randint(150, 210)))
    draw = ImageDraw.Draw(image)
    for _ in range(4):
        x, y = rng.randint(0, 260), rng.randint(0, 180)
        color = (rng.randint(40, 120), rng.randint(40, 120), rng.randint(40, 120))
        draw.rectangle([x, y, x + rng.randint(20, 60), y + rng.randint(20, 60)], fill=color)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile(f"巡查照片{index}.png", out.getvalue(), content_type="image/png")


def _text(rng: random.Random, template: str) -> str:
    return template.format(
        street=rng.choice(STREETS), a=rng.randint(1, 40), b=rng.randint(41, 90), n=rng.randint(1, 24),
        u=rng.randint(1, 4), r=rng.randint(101, 1802),
    )  # fmt: skip


@transaction.atomic
def load(*, stdout: Any = None) -> dict[str, int]:
    from luoshi.org import demo as org_demo

    if not org_demo.is_loaded() or is_loaded():
        return {"skipped": 1}
    grids = list(Unit.objects.filter(parent__code=COMMUNITY_CODE, kind=UnitKind.GRID).order_by("code"))
    worker = User.objects.filter(username="grid").first()
    staff = User.objects.filter(username="community").first()
    if not grids or worker is None:
        return {"skipped": 1}
    rng = random.Random(SEED)
    today = sla.local_date(timezone.now())
    own = next((g for g in grids if g.code == f"{COMMUNITY_CODE}G1"), grids[0])
    others = [g for g in grids if g.pk != own.pk]
    # The community staff covers the other grids but the last one, which is left out for the last days.
    reports = {
        sla.local_date(c.reported_at): c
        for c in Case.objects.filter(
            unit=own,
            channel=Channel.GRID,
            reported_by=worker,
            reported_at__gte=timezone.now() - dt.timedelta(days=DAYS),
        ).order_by("reported_at")
    }
    created: list[tuple[Patrol, Case | None, bool]] = []
    for back in range(DAYS - 1, -1, -1):
        day = today - dt.timedelta(days=back)
        rounds: list[tuple[Unit, Any]] = []
        if day.weekday() < 6 or rng.random() < 0.3:
            rounds.append((own, worker))
            if rng.random() < 0.5:
                rounds.append((own, worker))
        if staff is not None:
            for grid in others:
                last_grid = grid.pk == others[-1].pk
                if rng.random() < 0.35 and not (last_grid and back < 5):
                    rounds.append((grid, staff))
        linked_today = reports.get(day)
        for index, (grid, who) in enumerate(rounds):
            kind = PatrolKind.VISIT if rng.random() < 0.35 else PatrolKind.PATROL
            case = linked_today if (index == 0 and grid.pk == own.pk and who == worker) else None
            roll = rng.random()
            if case is not None:
                outcome, findings = PatrolOutcome.REPORTED, rng.choice(REPORTED)
            elif roll < 0.6:
                outcome, findings = PatrolOutcome.NOTHING, rng.choice(NOTHING)
            else:
                outcome, findings = PatrolOutcome.HANDLED, rng.choice(HANDLED)
            hour = 8 + index * 3 + rng.randint(0, 1)
            start = dt.time(hour, rng.choice([0, 15, 30, 45]))
            places = _text(rng, rng.choice(HOUSEHOLDS if kind == PatrolKind.VISIT else PLACES))
            patrol = Patrol(
                kind=kind,
                grid=grid,
                recorded_by=who,
                patrol_date=day,
                started_at=start,
                ended_at=dt.time(min(hour + 1, 23), start.minute),
                places=places,
                findings=findings,
                outcome=outcome,
                created_at=timezone.make_aware(dt.datetime.combine(day, dt.time(min(hour + 2, 23), 5)), sla.local_tz()),
            )
            created.append((patrol, case, outcome != PatrolOutcome.NOTHING and rng.random() < 0.5))
    Patrol.objects.bulk_create([p for p, _c, _ph in created])
    photos = 0
    for patrol, case, with_photo in created:
        if case is not None:
            patrol.cases.add(case)
        if with_photo:
            photos += 1
            stored = attachment_store(actor=patrol.recorded_by, upload=_photo(rng, photos), field="photos")
            stored.patrol = patrol
            stored.save(update_fields=["patrol"])
    for who in {worker, staff} - {None}:
        audit.record_many(
            actor=who,
            entries=[
                audit.Entry(obj=p, verb="patrol_record", comment=f"{p.grid.name} {p.patrol_date:%Y-%m-%d}")
                for p, _c, _ph in created
                if p.recorded_by_id == getattr(who, "pk", None)
            ],
        )
    return {"patrols": len(created), "patrol_photos": photos, "patrol_cases": sum(1 for _p, c, _ph in created if c)}
