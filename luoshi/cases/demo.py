"""Demo data for cases: grid boundaries, default handling units, a few thousand cases over
the last year in every state and light, ratings, duplicates, cards, mediation, key persons
and daily reports. Invented names and coordinates only; a fixed random seed; loading twice
changes nothing. Everything is written with bulk_create so ``make demo`` stays quick.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from luoshi.cases import open311, sla, standards
from luoshi.cases.models import (
    CardLevel,
    Case,
    CaseCoUnit,
    CaseEvent,
    CaseKind,
    Category,
    CategoryRoute,
    Channel,
    DailyKind,
    DailyReport,
    ExtensionRequest,
    ExtensionStatus,
    GridBoundary,
    KeyPerson,
    KeyPersonClass,
    KeyPersonVisit,
    MediationOutcome,
    MediationResult,
    MediationSession,
    Open311Key,
    Outcome,
    Rating,
    ReturnVisit,
    RiskLevel,
    Stage,
    Status,
    SupervisionCard,
    TrackingSequence,
    VisitMethod,
)
from luoshi.core import audit, workdays
from luoshi.org.models import Person, Position, Unit, UnitKind

SEED = 20260430
CASES_PER_TOWNSHIP = 180
CASES_IN_CHENGDONG = 900
# Every fifth open case with a green light is moved back into the yellow window (see _move_into_yellow).
YELLOW_EVERY = 5
DEMO_OPEN311_KEY = "o311_demo_luoshi_2026"  # documented in docs/open311.md; demo installations only

# Where the invented townships lie on the map (a fictitious layout, not real places).
ORIGIN_LAT, ORIGIN_LNG = 27.90, 120.50
TOWNSHIP_SIZE = 0.08

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴"
    "夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文辉鹏飞宇浩然晨曦雨欣悦佳琪思远博俊凯"
MOODS = ["已持续几天", "影响居民出行", "请尽快处理", "多次反映未解决", "希望有人来看看"]
STREETS = [
    "解放路",
    "人民路",
    "胜利街",
    "建设路",
    "文化路",
    "新华街",
    "滨河路",
    "府前街",
    "学院路",
    "工业路",
    "东风路",
    "和平巷",
]
PLACES = [
    "小区东门",
    "菜市场旁",
    "公交站附近",
    "学校门口",
    "公园北侧",
    "桥头",
    "商业街口",
    "卫生院对面",
    "村委会旁",
    "停车场",
]

REPLIES = [
    "已安排人员现场处理完毕。",
    "经现场核实，已协调相关单位整改到位。",
    "已联系当事人，问题已解决。",
    "已清理完毕，并加强日常巡查。",
    "已修复，恢复正常使用。",
]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}"


def _id_no(rng: random.Random) -> str:
    """An 18-character ID number under the fictitious area code 990101 (never a real person)."""
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 20000))
    return f"990101{birth:%Y%m%d}{rng.randint(0, 999):03d}{rng.choice('0123456789X')}"


def is_loaded() -> bool:
    return Case.objects.filter(township__code="CD").exists()


@transaction.atomic
def load(*, stdout: Any = None) -> dict[str, int]:
    from luoshi.org import demo as org_demo

    if not org_demo.is_loaded():
        return {"skipped": 1}
    rng = random.Random(SEED)
    created = {"grids": _grids(rng), "routes": _routes()}
    if not is_loaded():
        created["cases"] = _cases(rng)
        created["key_persons"] = _key_persons(rng)
        created["daily_reports"] = _daily_reports(rng)
    if not Open311Key.objects.filter(prefix=DEMO_OPEN311_KEY[:12]).exists():
        township = Unit.objects.get(code="CD")
        Open311Key.objects.create(
            name="演示客户端",
            prefix=DEMO_OPEN311_KEY[:12],
            key_hash=open311.hash_key(DEMO_OPEN311_KEY),
            unit=township,
            note="Demo key; revoke it on a real installation.",
        )
    standards.clear_cache()
    return created


# --- Grids ------------------------------------------------------------------------------------------


def _townships() -> list[Unit]:
    return list(
        Unit.objects.filter(kind__in=[UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT], parent__code="SFQ").order_by(
            "sort_order"
        )
    )


def _grids(rng: random.Random) -> int:
    """A rectangle (with a little jitter) per grid, laid out community by community."""
    if GridBoundary.objects.exists():
        return 0
    rows = []
    for t_index, township in enumerate(_townships()):
        t_lat = ORIGIN_LAT + (t_index // 4) * TOWNSHIP_SIZE * 1.1
        t_lng = ORIGIN_LNG + (t_index % 4) * TOWNSHIP_SIZE * 1.1
        places = list(
            Unit.objects.filter(parent=township, kind__in=[UnitKind.COMMUNITY, UnitKind.VILLAGE]).order_by("sort_order")
        )
        per_row = 4
        cell_h = TOWNSHIP_SIZE / max(1, (len(places) + per_row - 1) // per_row)
        cell_w = TOWNSHIP_SIZE / per_row
        for p_index, place in enumerate(places):
            p_lat = t_lat + (p_index // per_row) * cell_h
            p_lng = t_lng + (p_index % per_row) * cell_w
            grids = list(Unit.objects.filter(parent=place, kind=UnitKind.GRID).order_by("sort_order"))
            width = cell_w / max(1, len(grids))
            for g_index, grid in enumerate(grids):
                west = p_lng + g_index * width
                east = west + width * 0.97
                south, north = p_lat, p_lat + cell_h * 0.97
                jitter = width * 0.05
                ring = [
                    [round(west, 6), round(south, 6)],
                    [round(east - rng.uniform(0, jitter), 6), round(south + rng.uniform(0, jitter), 6)],
                    [round(east, 6), round(north, 6)],
                    [round(west + rng.uniform(0, jitter), 6), round(north - rng.uniform(0, jitter), 6)],
                    [round(west, 6), round(south, 6)],
                ]
                lats = [p[1] for p in ring]
                lngs = [p[0] for p in ring]
                rows.append(
                    GridBoundary(
                        unit=grid,
                        geometry={"type": "Polygon", "coordinates": [ring]},
                        min_lat=min(lats),
                        max_lat=max(lats),
                        min_lng=min(lngs),
                        max_lng=max(lngs),
                    )
                )
    GridBoundary.objects.bulk_create(rows, batch_size=500)
    return len(rows)


# --- Default handling units -----------------------------------------------------------------------

CHENGDONG_ROUTES = {
    "01": "城市管理组",
    "02": "城市管理组",
    "03": "城市管理组",
    "04": "安全生产组",
    "05": "城市管理组",
    "06": "城市管理组",
    "08": "社会事务组",
    "09": "安全生产组",
    "10": "信访维稳组",
}
STANDARD_ROUTES = {
    "01": "城市建设管理办公室",
    "02": "城市建设管理办公室",
    "03": "城市建设管理办公室",
    "04": "平安建设办公室",
    "05": "城市建设管理办公室",
    "06": "城市建设管理办公室",
    "08": "社会事务办公室",
    "09": "平安建设办公室",
    "10": "平安建设办公室",
}


def _routes() -> int:
    if CategoryRoute.objects.exists():
        return 0
    majors = {c.code: c for c in Category.objects.filter(parent__isnull=True)}
    rows = []
    for township in _townships():
        departments = {u.name: u for u in Unit.objects.filter(parent=township, kind=UnitKind.DEPARTMENT)}
        table = CHENGDONG_ROUTES if township.code == "CD" else STANDARD_ROUTES
        for code, dept_name in table.items():
            if code in majors and dept_name in departments:
                rows.append(CategoryRoute(category=majors[code], within=township, handler=departments[dept_name]))
        enterprise = Category.objects.filter(code="08009").first()
        econ = departments.get("经济发展组" if township.code == "CD" else "经济发展办公室")
        if enterprise and econ:
            rows.append(CategoryRoute(category=enterprise, within=township, handler=econ))
    CategoryRoute.objects.bulk_create(rows)
    return len(rows)


# --- Cases -------------------------------------------------------------------------------------------

CATEGORY_WEIGHTS = {
    "01": 22,
    "02": 6,
    "03": 8,
    "04": 5,
    "05": 14,
    "06": 12,
    "07": 10,
    "08": 10,
    "09": 5,
    "10": 4,
    "11": 4,
}


def _cases(rng: random.Random) -> int:
    now = timezone.now()
    cal = workdays.calendar()
    subs_by_major: dict[str, list[Category]] = defaultdict(list)
    for c in Category.objects.filter(parent__isnull=False, is_active=True).select_related("parent"):
        subs_by_major[c.parent.code].append(c)  # type: ignore[union-attr]
    majors = list(CATEGORY_WEIGHTS)
    weights = [CATEGORY_WEIGHTS[m] for m in majors]
    routes = {(r.category_id, r.within_id): r.handler for r in CategoryRoute.objects.select_related("handler")}
    boundaries = {b.unit_id: b for b in GridBoundary.objects.all()}
    from luoshi.accounts.models import User

    users = {
        u.username: u for u in User.objects.filter(username__in=["supervisor", "staff", "grid", "community", "leader"])
    }
    plan: list[dict[str, Any]] = []
    for township in _townships():
        count = CASES_IN_CHENGDONG if township.code == "CD" else CASES_PER_TOWNSHIP
        places = list(Unit.objects.filter(parent=township, kind__in=[UnitKind.COMMUNITY, UnitKind.VILLAGE]))
        grids_by_place = defaultdict(list)
        for g in Unit.objects.filter(parent__in=places, kind=UnitKind.GRID):
            grids_by_place[g.parent_id].append(g)
        departments = list(Unit.objects.filter(parent=township, kind=UnitKind.DEPARTMENT))
        for _i in range(count):
            # More recent cases are more numerous; a fifth of them are from the last month.
            age_days = rng.random() ** 1.6 * 360
            reported = now - dt.timedelta(days=age_days, minutes=rng.randint(0, 600))
            major = rng.choices(majors, weights)[0]
            category = rng.choice(subs_by_major[major])
            place = rng.choice(places)
            grid = rng.choice(grids_by_place[place.pk]) if grids_by_place[place.pk] else None
            unit = grid or place
            plan.append(
                {
                    "township": township,
                    "place": place,
                    "unit": unit,
                    "category": category,
                    "major": major,
                    "reported": reported,
                    "departments": departments,
                }
            )
    plan.sort(key=lambda p: p["reported"])
    seqs: dict[tuple[str, int], int] = defaultdict(int)
    cases: list[Case] = []
    meta: list[dict[str, Any]] = []
    green_seen, yellow_made = 0, False
    for p in plan:
        township, unit, category, major, reported = p["township"], p["unit"], p["category"], p["major"], p["reported"]
        channel = rng.choices(
            [Channel.GRID, Channel.HOTLINE, Channel.VISIT, Channel.WEB, Channel.OPEN311, Channel.LETTER],
            [40, 25, 12, 12, 6, 5],
        )[0]
        kind = (
            CaseKind.PETITION
            if major == "10"
            else CaseKind.SERVICE
            if major == "11"
            else CaseKind.EVENT
            if channel == Channel.GRID
            else CaseKind.REQUEST
        )
        lat = lng = None
        boundary = boundaries.get(unit.pk)
        if boundary is not None and rng.random() < 0.85:
            lat = round(
                rng.uniform(boundary.min_lat, boundary.max_lat - (boundary.max_lat - boundary.min_lat) * 0.1), 6
            )
            lng = round(
                rng.uniform(boundary.min_lng, boundary.max_lng - (boundary.max_lng - boundary.min_lng) * 0.1), 6
            )
        title = f"{category.name}：{rng.choice(PLACES)}"
        address = f"{rng.choice(STREETS)}{rng.randint(1, 300)}号{rng.choice(PLACES)}"
        anonymous = rng.random() < 0.08
        reporter_by = (
            users.get("grid")
            if channel == Channel.GRID and township.code == "CD" and unit.code.startswith("CD01")
            else None
        )
        route = routes.get((category.pk, township.pk)) or routes.get((category.parent_id, township.pk))
        if category.parent and category.parent.handler_level == "place":
            route = p["place"]
        handler = route or rng.choice(p["departments"])
        case = Case(
            tracking_no="",
            public_token=secrets.token_urlsafe(12),
            kind=kind,
            channel=channel,
            category=category,
            title=title,
            description=f"{address}{category.name}，{rng.choice(MOODS)}。",
            urgent=major == "04" or rng.random() < 0.03,
            unit=unit,
            township=township,
            address=address,
            lat=lat,
            lng=lng,
            reporter_name="" if channel == Channel.GRID and rng.random() < 0.5 else _name(rng),
            reporter_phone=_phone(rng),
            reporter_id_no=_id_no(rng) if major == "10" else "",
            is_anonymous=anonymous,
            reported_by=reporter_by,
            owner_unit=township,
            reported_at=reported,
            updated_at=reported,
        )
        m = _lifecycle(rng, case, handler, now, cal)
        if case.due_at is not None and sla.light(now, case.warn_at, case.due_at) == sla.GREEN:
            if (not yellow_made or green_seen % YELLOW_EVERY == 0) and _move_into_yellow(case, m["events"], now, cal):
                yellow_made = True
            green_seen += 1
        cases.append(case)
        meta.append(m)
    # Numbers follow the reporting order (a case moved into the yellow window moved back in time).
    ordered = sorted(zip(cases, meta, strict=True), key=lambda pair: pair[0].reported_at)
    cases = [case for case, _m in ordered]
    meta = [m for _case, m in ordered]
    for case in cases:
        township_code = case.township.code
        year = sla.local_date(case.reported_at).year
        seqs[(township_code, year)] += 1
        case.tracking_no = f"{year}-{township_code}-{seqs[(township_code, year)]:05d}"
    Case.objects.bulk_create(cases, batch_size=500)
    for (code, year), last in seqs.items():
        TrackingSequence.objects.update_or_create(code=code, year=year, defaults={"last": last})
    _extras(rng, cases, meta, users, now)
    audit.record(actor=None, obj=cases[-1], verb="create", comment="demo data")
    return len(cases)


def _move_into_yellow(
    case: Case, events: list[tuple[str, str, str, dt.datetime, str, bool]], now: dt.datetime, cal: Any
) -> bool:
    """Move an open case back in time just far enough for its stage's light to be yellow now.

    The yellow window is the last working day or days of a stage, so whether a random demo
    case falls in it depends on the date the demo is loaded; moved cases make sure the demo
    shows every light on any day. Every moment of the case and its timeline moves by the same
    whole number of days, so the history stays consistent. False when no such move exists
    (a one-day stage in the middle of a long holiday).
    """
    start, limit = case.stage_started_at, case.stage_limit_days
    if start is None:
        return False
    for days in range(1, 3 * limit + 15):
        by = dt.timedelta(days=days)
        moved = sla.deadline(start - by, limit, 0, cal)
        if sla.light(now, moved.warn_at, moved.due_at) == sla.YELLOW:
            break
    else:
        return False
    for field in ("reported_at", "updated_at", "accepted_at", "dispatched_at", "replied_at", "stage_started_at"):
        moment = getattr(case, field)
        if moment is not None:
            setattr(case, field, moment - by)
    events[:] = [(verb, old, new, at - by, text, public) for verb, old, new, at, text, public in events]
    case.warn_at, case.due_at, case.sla_notice = moved.warn_at, moved.due_at, 1
    return True


#: The share of satisfied ratings that turn unsatisfied, by the handling unit (its id picks one): some
#: units' work draws more complaints than others', so not every township rates 100 %.
GRUMBLES = (0.0, 0.04, 0.08, 0.12, 0.16)


def _grumbled(case: Case, handler: Unit) -> bool:
    """Whether a case its handler's record makes unsatisfied. A draw of its own (seeded by the case's
    time and handler), so the rest of the demo, drawn from the shared generator, does not move."""
    share = GRUMBLES[handler.pk % len(GRUMBLES)]
    return random.Random(f"{SEED}:{handler.pk}:{case.reported_at.isoformat()}").random() < share


def _lifecycle(rng: random.Random, case: Case, handler: Unit, now: dt.datetime, cal: Any) -> dict[str, Any]:
    """Decide how far the case got, and set its timestamps, stage clock and result."""
    age = (now - case.reported_at).total_seconds() / 86400
    limits = standards.limits_for(case.category_id, handler.kind)
    events: list[tuple[str, str, str, dt.datetime, str, bool]] = []
    t = case.reported_at

    def step(hours_min: float, hours_max: float) -> dt.datetime:
        nonlocal t
        t = min(now - dt.timedelta(minutes=5), t + dt.timedelta(hours=rng.uniform(hours_min, hours_max)))
        return t

    # Target state: old cases are almost all finished; recent ones are spread over the workflow.
    if age > 30:
        target = rng.choices(["rated", "closed", "declined", "unresolved", "merged", "handling"], [55, 30, 4, 4, 5, 2])[
            0
        ]
    elif age > 7:
        target = rng.choices(
            ["rated", "closed", "handled", "handling", "dispatched", "accepted", "merged", "declined"],
            [25, 25, 10, 20, 8, 4, 5, 3],
        )[0]
    else:
        target = rng.choices(
            ["reported", "accepted", "dispatched", "handling", "handled", "closed", "merged"],
            [20, 12, 18, 25, 10, 10, 5],
        )[0]
    order = ["reported", "accepted", "dispatched", "handling", "handled", "closed", "rated"]
    late = rng.random() < 0.18  # some units are slow: these cases run past their limits
    stretch = 3.5 if late else 1.0
    events.append(("report", "", Status.REPORTED, t, str(Channel(case.channel).label), True))
    case.status = Status.REPORTED
    stage_start = case.reported_at
    if target == "merged":
        step(1, 20)
        case.status = Status.MERGED
        events.append(("merge", Status.REPORTED, Status.MERGED, t, "", True))
        case.stage = Stage.NONE
        case.updated_at = t
        return {"events": events, "target": target, "handler": None}
    if target == "declined":
        step(1, 20)
        case.status = Status.CLOSED
        case.outcome = Outcome.DECLINED
        case.outcome_reason = case.public_reply = "不属于本辖区职责范围，已告知诉求人向相关部门反映。"
        case.closed_at = t
        case.handle_seconds = int((t - case.reported_at).total_seconds())
        events.append(("decline", Status.REPORTED, Status.CLOSED, t, case.outcome_reason, True))
        case.stage = Stage.NONE
        case.updated_at = t
        return {"events": events, "target": target, "handler": None}
    reached = order.index(target) if target in order else order.index("handling")
    if reached >= 1:
        step(0.5, 20 * stretch)
        case.accepted_at = t
        case.status = Status.ACCEPTED
        events.append(("accept", Status.REPORTED, Status.ACCEPTED, t, "", True))
    if reached >= 2:
        step(0.5, 8 * stretch)
        case.dispatched_at = t
        case.handling_unit = handler
        case.status = Status.DISPATCHED
        stage_start = t
        events.append(("dispatch", Status.ACCEPTED, Status.DISPATCHED, t, "", True))
    if reached >= 3:
        step(1, 24 * stretch)
        case.status = Status.HANDLING
        events.append(("start", Status.DISPATCHED, Status.HANDLING, t, "", True))
    if reached >= 4 or target == "unresolved":
        step(4, 24 * limits.handle * stretch + 4)
        if stage_start + dt.timedelta(days=limits.handle * 1.4) < t:
            case.was_overdue = True
        if target == "unresolved":
            case.status = Status.CLOSED
            case.outcome = Outcome.UNRESOLVED
            case.outcome_reason = case.public_reply = "涉及历史遗留问题，需纳入年度改造计划统筹解决，已向诉求人说明。"
            case.closed_at = t
            case.handle_seconds = int((t - case.reported_at).total_seconds())
            events.append(("close_unresolved", Status.HANDLING, Status.CLOSED, t, case.outcome_reason, True))
            case.stage = Stage.NONE
            case.updated_at = t
            return {"events": events, "target": target, "handler": handler}
        case.public_reply = rng.choice(REPLIES)
        case.replied_at = t
        case.status = Status.HANDLED
        stage_start = t
        events.append(("reply", Status.HANDLING, Status.HANDLED, t, case.public_reply, False))
    if reached >= 5:
        step(2, 24 * limits.verify * stretch)
        case.status = Status.CLOSED
        case.outcome = Outcome.RESOLVED
        case.closed_at = t
        case.handle_seconds = int((t - case.reported_at).total_seconds())
        events.append(("verify", Status.HANDLED, Status.CLOSED, t, "", True))
    if reached >= 6:
        step(2, 72)
        case.status = Status.RATED
        case.rating = rng.choices([Rating.SATISFIED, Rating.BASIC, Rating.UNSATISFIED], [72, 20, 8])[0]
        case.rated_at = t
        if case.rating == Rating.UNSATISFIED:
            case.needs_return_visit = rng.random() < 0.6
            case.rating_comment = "问题没有彻底解决。"
        elif _grumbled(case, handler):
            case.rating = Rating.UNSATISFIED
            case.rating_comment = "办理太慢，问题没有彻底解决。"
        events.append(("rate", Status.CLOSED, Status.RATED, t, case.rating_comment, True))
    case.updated_at = t
    # The open stage's clock, consistent with the category limits and the calendar.
    stage = {
        Status.REPORTED: Stage.ACCEPT,
        Status.ACCEPTED: Stage.ACCEPT,
        Status.DISPATCHED: Stage.HANDLE,
        Status.HANDLING: Stage.HANDLE,
        Status.HANDLED: Stage.VERIFY,
    }.get(Status(case.status), Stage.NONE)
    case.stage = stage
    if stage:
        acting = handler if stage == Stage.HANDLE else case.owner_unit
        limit = standards.limits_for(case.category_id, acting.kind).for_stage(stage)
        start = stage_start if stage != Stage.ACCEPT else case.reported_at
        deadline = sla.deadline(start, limit, 0, cal)
        case.stage_started_at = start
        case.stage_limit_days = limit
        case.warn_at = deadline.warn_at
        case.due_at = deadline.due_at
        if now >= deadline.due_at:
            case.sla_notice = 2
            case.was_overdue = True
        elif now >= deadline.warn_at:
            case.sla_notice = 1
    return {"events": events, "target": target, "handler": handler}


def _extras(
    rng: random.Random, cases: list[Case], meta: list[dict[str, Any]], users: dict[str, Any], now: dt.datetime
) -> None:
    """Timelines, duplicates, co-units, cards, extensions, mediation and return visits."""
    events: list[CaseEvent] = []
    open_by_cat: dict[tuple[int, int], list[Case]] = defaultdict(list)
    merged: list[Case] = []
    for case, m in zip(cases, meta, strict=True):
        for action, before, after, when, comment, public in m["events"]:
            events.append(
                CaseEvent(
                    case=case,
                    created_at=when,
                    actor_name=""
                    if action in ("report", "rate")
                    else rng.choice(["乔雨欣", "彭晨曦", "龚海燕", "常俊凯"]),
                    action=action,
                    from_status=before,
                    to_status=after,
                    unit_name=(case.handling_unit.name if action == "dispatch" and case.handling_unit else ""),
                    comment=comment,
                    is_public=public,
                )
            )
        if case.status == Status.MERGED:
            merged.append(case)
        else:
            open_by_cat[(case.township_id, case.category_id)].append(case)
    # Duplicates name an earlier case of the same category in the same township.
    for dup in merged:
        candidates = [c for c in open_by_cat[(dup.township_id, dup.category_id)] if c.reported_at < dup.reported_at]
        if not candidates:  # early in the year: the latest earlier case of the township, whatever its category
            candidates = [
                c
                for c in cases
                if c.township_id == dup.township_id and c.status != Status.MERGED and c.reported_at < dup.reported_at
            ]
        if not candidates:
            candidates = [c for c in cases if c.township_id == dup.township_id and c.status != Status.MERGED]
        original = candidates[-1]
        dup.duplicate_of = original
        if original.lat is not None and original.lng is not None:
            dup.lat = round(original.lat + rng.uniform(-0.0005, 0.0005), 6)
            dup.lng = round(original.lng + rng.uniform(-0.0005, 0.0005), 6)
        events.append(
            CaseEvent(
                case=original,
                created_at=dup.updated_at,
                actor_name="乔雨欣",
                action="duplicate_added",
                from_status=original.status,
                to_status=original.status,
                unit_name=dup.tracking_no,
            )
        )
    Case.objects.bulk_update(merged, ["duplicate_of", "lat", "lng"], batch_size=500)
    CaseEvent.objects.bulk_create(events, batch_size=1000)

    supervisor = users.get("supervisor")
    staff = users.get("staff")
    co_links, cards, extensions, mediations, visits = [], [], [], [], []
    for case in cases:
        handler = case.handling_unit
        if handler is not None and rng.random() < 0.08:
            others = [d for d in m_departments(case) if d.pk != handler.pk]
            if others:
                co_links.append(
                    CaseCoUnit(case=case, unit=rng.choice(others), added_at=case.dispatched_at or case.reported_at)
                )
        overdue_open = (
            case.status in (Status.DISPATCHED, Status.HANDLING) and case.due_at is not None and case.due_at < now
        )
        if handler is not None and (
            (overdue_open and rng.random() < 0.5) or (case.was_overdue and rng.random() < 0.15)
        ):
            level = rng.choice([CardLevel.NORMAL, CardLevel.YELLOW, CardLevel.YELLOW, CardLevel.RED])
            points = {CardLevel.NORMAL: 0, CardLevel.YELLOW: -5, CardLevel.RED: -10}[level]
            when = min(now, (case.due_at or now) + dt.timedelta(hours=rng.randint(2, 48)))
            cards.append(
                SupervisionCard(
                    case=case,
                    level=level,
                    unit=handler,
                    points=points,
                    comment="请抓紧办理，按时答复。",
                    issued_by=supervisor,
                    issued_at=when,
                )
            )
        if case.status == Status.HANDLING and staff is not None and rng.random() < 0.05:
            extensions.append(
                ExtensionRequest(
                    case=case,
                    stage=Stage.HANDLE,
                    days=rng.randint(2, 5),
                    reason="需协调多个部门，申请延期。",
                    requested_by=staff,
                    requested_at=now - dt.timedelta(hours=rng.randint(1, 30)),
                    status=ExtensionStatus.PENDING,
                )
            )
        mediating = case.status in (Status.HANDLING, Status.HANDLED, Status.CLOSED, Status.RATED)
        if case.category.code.startswith("07") and mediating and staff is not None:
            outcome = (
                MediationOutcome.AGREED
                if case.status in (Status.CLOSED, Status.RATED) and case.outcome == Outcome.RESOLVED
                else rng.choice([MediationOutcome.ADJOURNED, MediationOutcome.PARTIAL, MediationOutcome.FAILED])
            )
            held = sla.local_date(case.dispatched_at or case.reported_at) + dt.timedelta(days=rng.randint(0, 3))
            mediations.append(
                MediationSession(
                    case=case,
                    held_on=min(held, sla.local_date(now)),
                    place="社区调解室",
                    mediators=f"{_name(rng)}、{_name(rng)}（“3456”睦邻帮帮团）",
                    parties=f"{_name(rng)}、{_name(rng)}",
                    outcome=outcome,
                    agreement="双方同意按协议履行，社区跟踪回访。" if outcome == MediationOutcome.AGREED else "",
                    recorded_by=staff,
                )
            )
            case.mediation_result = {
                MediationOutcome.AGREED: MediationResult.AGREED,
                MediationOutcome.FAILED: MediationResult.FAILED,
            }.get(outcome, MediationResult.ONGOING)
        if (
            case.rating == Rating.UNSATISFIED
            and not case.needs_return_visit
            and supervisor is not None
            and case.rated_at
        ):
            # 回访 by the command unit (the owning township's office), never by the unit that did the work.
            visits.append(
                ReturnVisit(
                    case=case,
                    method=VisitMethod.PHONE,
                    notes="电话回访，已解释处理情况，群众表示理解。",
                    visited_by=supervisor,
                    visited_at=case.rated_at + dt.timedelta(days=1),
                )
            )
    CaseCoUnit.objects.bulk_create(co_links, batch_size=500, ignore_conflicts=True)
    SupervisionCard.objects.bulk_create(cards, batch_size=500)
    ExtensionRequest.objects.bulk_create(extensions, batch_size=500)
    MediationSession.objects.bulk_create(mediations, batch_size=500)
    ReturnVisit.objects.bulk_create(visits, batch_size=500)
    Case.objects.bulk_update([c for c in cases if c.mediation_result], ["mediation_result"], batch_size=500)


_DEPARTMENTS: dict[int, list[Unit]] = {}


def m_departments(case: Case) -> list[Unit]:
    if case.township_id not in _DEPARTMENTS:
        _DEPARTMENTS[case.township_id] = list(Unit.objects.filter(parent_id=case.township_id, kind=UnitKind.DEPARTMENT))
    return _DEPARTMENTS[case.township_id]


# --- Key persons and daily reports -----------------------------------------------------------------------


def _key_persons(rng: random.Random) -> int:
    if KeyPerson.objects.exists():
        return 0
    from luoshi.accounts.models import User

    community_person = Person.objects.filter(user__username="community").first()
    resp_leader = Person.objects.filter(user__username="resp_leader").first()
    staff_user = User.objects.filter(username="community").first()
    rows: list[KeyPerson] = []
    for township in _townships():
        places = list(Unit.objects.filter(parent=township, kind__in=[UnitKind.COMMUNITY, UnitKind.VILLAGE]))
        cadres = list(
            Person.objects.filter(
                positions__unit__parent=township, positions__unit__kind__in=[UnitKind.COMMUNITY, UnitKind.VILLAGE]
            ).distinct()[:12]
        )
        count = 24 if township.code == "CD" else 4
        for i in range(count):
            place = rng.choice(places)
            cadre = rng.choice(cadres) if cadres else None
            if township.code == "CD" and i < 4 and community_person is not None:
                cadre = community_person
                place = Unit.objects.get(code="CD01")
            elif township.code == "CD" and i < 7 and resp_leader is not None:
                cadre = resp_leader
            rows.append(
                KeyPerson(
                    name=_name(rng),
                    id_no=_id_no(rng),
                    phone=_phone(rng),
                    address=f"{place.name}{rng.choice(STREETS)}{rng.randint(1, 200)}号",
                    unit=place,
                    classification=rng.choices(KeyPersonClass.values, [35, 25, 10, 10, 5, 10, 5])[0],
                    risk_level=rng.choices(RiskLevel.values, [15, 45, 40])[0],
                    cadre=cadre,
                    background="多次到街道反映同一诉求，情绪较为激动。"
                    if rng.random() < 0.5
                    else "家庭困难，邻里矛盾较深。",
                )
            )
    KeyPerson.objects.bulk_create(rows)
    visits = []
    today = timezone.localdate()
    for kp in KeyPerson.objects.all():
        for _v in range(rng.randint(0, 4)):
            visits.append(
                KeyPersonVisit(
                    key_person=kp,
                    method=rng.choice([VisitMethod.VISIT, VisitMethod.PHONE, VisitMethod.TALK]),
                    visited_on=today - dt.timedelta(days=rng.randint(0, 60)),
                    content=rng.choice(
                        ["情绪稳定，无异常。", "反映诉求未变，已做解释疏导。", "家中无人，已电话联系。"]
                    ),
                    visited_by=staff_user,
                )
            )
    KeyPersonVisit.objects.bulk_create([v for v in visits if v.visited_by_id], batch_size=500)
    # Link some petition cases to key persons.
    petitions = list(Case.objects.filter(township__code="CD", kind=CaseKind.PETITION).values_list("pk", flat=True)[:20])
    through = KeyPerson.cases.through
    people = list(KeyPerson.objects.filter(unit__parent__code="CD", classification=KeyPersonClass.PETITIONER)[:10])
    links = [through(keyperson_id=rng.choice(people).pk, case_id=pk) for pk in petitions] if people else []
    through.objects.bulk_create(links, ignore_conflicts=True)
    return len(rows)


def _daily_reports(rng: random.Random) -> int:
    if DailyReport.objects.exists():
        return 0
    from luoshi.accounts.models import User

    filer = User.objects.filter(username="community").first() or User.objects.filter(is_superuser=True).first()
    leader = User.objects.filter(username="supervisor").first() or filer
    if filer is None:
        return 0
    cal = workdays.calendar()
    today = timezone.localdate()
    days = [today - dt.timedelta(days=i) for i in range(1, 15) if cal.is_working_day(today - dt.timedelta(days=i))]
    rows: list[DailyReport] = []
    chengdong = Unit.objects.get(code="CD")
    places = list(Unit.objects.filter(parent=chengdong, kind__in=[UnitKind.COMMUNITY, UnitKind.VILLAGE]))
    for day in days:
        for place in places:
            if rng.random() < 0.88:
                issues = rng.choices([0, 1, 2, 3], [60, 25, 10, 5])[0]
                rows.append(
                    DailyReport(
                        kind=DailyKind.SCREENING,
                        unit=place,
                        report_date=day,
                        nothing_to_report=issues == 0,
                        issues_found=issues,
                        summary="" if issues == 0 else f"排查发现矛盾纠纷{issues}起，已登记跟进。",
                        filed_by=filer,
                    )
                )
        if rng.random() < 0.95:
            rows.append(
                DailyReport(
                    kind=DailyKind.ASSESSMENT,
                    unit=chengdong,
                    report_date=day,
                    summary="研判辖区稳定形势总体平稳，重点关注征迁片区。",
                    filed_by=leader,
                )
            )
    # Today: a few communities have already filed.
    for place in places[:5]:
        rows.append(
            DailyReport(kind=DailyKind.SCREENING, unit=place, report_date=today, nothing_to_report=True, filed_by=filer)
        )
    cadres = Person.objects.filter(key_persons__isnull=False).distinct()
    for person in cadres:
        unit = Position.objects.filter(person=person).select_related("unit").first()
        if unit is None:
            continue
        for day in days:
            if rng.random() < 0.8:
                rows.append(
                    DailyReport(
                        kind=DailyKind.CADRE,
                        unit=unit.unit,
                        person=person,
                        report_date=day,
                        summary="包保对象情况稳定。",
                        filed_by=person.user or filer,
                    )
                )
    DailyReport.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


# --- 小微管家: the enterprise requests go round the loop -----------------------------------------------

#: The category of enterprise requests (助企服务 · 小微管家), filed by the projects demo.
ENTERPRISE_CATEGORY = "08009"
#: The category's attribute that names the enterprise (data/categories.json).
ENTERPRISE_ATTRIBUTE = "enterprise"
#: The 小微管家 officer of 永兴街道's economic office who handles them (no password: not a login).
ENTERPRISE_OFFICER = ("yx_xwgj", "林晓薇", "小微管家专员")
#: What the office answers, by the request's topic (the title's part after "：").
ENTERPRISE_REPLIES = {
    "用工招聘对接": "已对接街道人力社保站，推送岗位信息并安排专场招聘会，企业招到所需工人。",
    "水电报装咨询": "已协调供电所和水务公司上门查勘，报装手续一次办结。",
    "融资贷款协调": "已组织银企对接，合作银行完成授信审批。",
    "厂房租赁纠纷": "已约双方到街道调解，达成续租协议。",
    "消防验收指导": "已请消防救援站上门指导整改，验收通过。",
    "税费政策咨询": "已请税务分局专员上门讲解减免政策，企业完成申报。",
    "道路通行许可": "已协调交警中队办理货车通行证。",
    "排污许可办理": "已协调生态环境分局指导材料准备，许可证已发放。",
}


def _enterprise_officer(office: Unit) -> Any:
    from luoshi.org.demo import person_without_login
    from luoshi.org.models import Role

    username, name, title = ENTERPRISE_OFFICER
    return person_without_login(username, name, title, office, Role.UNIT_STAFF)


@transaction.atomic
def load_enterprise_followup(*, stdout: Any = None) -> dict[str, int]:
    """小微管家 113起 (seed 003): the enterprise requests the projects demo filed over the past months are
    accepted, dispatched to the economic office, handled, replied and verified through the workflow's
    own services, each at the time it happened (``luoshi.core.demo_clock``): most were answered within the
    category's three working days, a few late, some are still being coordinated, the latest are still
    open. Their closing months are what the computed indicator 协调解决企业问题 counts. Runs once (after
    the projects demo)."""
    from luoshi.accounts.models import User
    from luoshi.cases import services
    from luoshi.core import demo_clock

    # The requests name their enterprise (the category's "enterprise" attribute, its credit code); the
    # demo's other cases of the category do not.
    requests = Case.objects.filter(category__code=ENTERPRISE_CATEGORY, attributes__has_key=ENTERPRISE_ATTRIBUTE)
    if requests.exclude(status=Status.REPORTED).exists():
        return {"enterprise_requests": 0}
    cases = list(requests.select_related("unit", "category", "owner_unit").order_by("reported_at", "pk"))
    if not cases:
        return {"enterprise_requests": 0}
    admin = User.objects.get(username="admin")
    rng = random.Random(SEED + 8009)
    now = timezone.now()
    officers: dict[int, Any] = {}
    closed = 0
    for case in cases:
        office = standards.default_handler(case.category, standards.lineage(case.unit))
        if office is None:
            continue
        if office.pk not in officers:
            officers[office.pk] = _enterprise_officer(office)
        officer = officers[office.pk]
        topic = case.title.split("：")[-1]
        moment = case.reported_at
        # (who, what, after how many hours): accepted the same day, and most replied within two days of
        # starting, inside the category's three working days; about one in seven took a week or more.
        steps: list[tuple[Any, str, float]] = [
            (admin, "accept", rng.uniform(0.5, 3)),
            (admin, "dispatch", rng.uniform(0.2, 2)),
            (officer, "start", rng.uniform(1, 20)),
        ]
        if rng.random() >= 0.1:  # one in ten is still being coordinated
            late = rng.random() < 0.15
            hours = rng.uniform(24 * 5, 24 * 9) if late else rng.uniform(3, 40)
            steps += [(officer, "reply", hours), (admin, "verify", rng.uniform(2, 20))]
        for actor, action, hours in steps:
            moment = moment + dt.timedelta(hours=hours)
            if moment > now - dt.timedelta(minutes=10):
                break  # not yet: the latest requests are still on their way
            with demo_clock.running_at(moment):
                case = Case.objects.get(pk=case.pk)
                if action == "accept":
                    services.case_accept(actor=actor, case=case, comment="小微管家受理")
                elif action == "dispatch":
                    services.case_dispatch(actor=actor, case=case, handling_unit=office)
                elif action == "start":
                    services.case_start(actor=actor, case=case)
                elif action == "reply":
                    reply = ENTERPRISE_REPLIES.get(topic, "已协调相关部门解决，企业表示满意。")
                    services.case_reply(actor=actor, case=case, comment=reply)
                else:
                    services.case_verify(actor=actor, case=case, comment="回访企业，问题已解决")
                    closed += 1
    return {"enterprise_requests": len(cases), "closed": closed}
