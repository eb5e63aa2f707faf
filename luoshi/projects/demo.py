# ruff: noqa: E501  (demo data: long lines of Chinese text read better unbroken)
"""Demo key projects built from the figures in the source documents (征迁 is the relocation app's).

- seed 002: 天一智能 (省市区三级重点, 一期 51亩 2亿元, 当年招商当年建成, 产值2.4亿元), in production;
- seed 003: 娄桥 亚运龙舟基地 50亿元 (城中村改造 3902户); 万洋众创城 8亿元 (减少8个审批环节, 压缩30天;
  15天解决返回地安置等3大难题, settled problems); 雅阳 氡泉—云岚示范带 6.5亿元 in 8 projects with
  3.4亿元 done; 陶山 84个项目 whose investment this year runs 20% above last year's;
- seed 004: 城东街道 projects linked point-to-point to its leaders, with the problems the secretary hears
  on site (青苗补偿款未付, 电杆迁移), one of them already a task;
- seed 000: 老旧片区改造项目6个 投资2100万元 (通泰街道).

Company names are invented except the project names the seeds give. Dates are relative to
the day the demo is loaded, so lights stay meaningful. Loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any
from unittest import mock

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from luoshi.accounts.models import User
from luoshi.core import demo_clock, workdays
from luoshi.core.models import ActivityLog
from luoshi.core.timeutil import today as local_today
from luoshi.org.models import Person, Unit
from luoshi.projects import services
from luoshi.projects.creditcode import check_character
from luoshi.projects.models import (
    Enterprise,
    Investment,
    Kind,
    Lead,
    Level,
    Milestone,
    Problem,
    ProblemStatus,
    Project,
    Stage,
)

MARK = "XM-DEMO"
P, C, D, T = str(Level.PROVINCE), str(Level.CITY), str(Level.COUNTY), str(Level.TOWNSHIP)


def load(*, stdout: Any = None) -> dict[str, int]:
    with translation.override(settings.LANGUAGE_CODE):
        return _load()


def credit_code(serial: int) -> str:
    """A well-formed demo credit code (division 990101, the demo district's fictitious code)."""
    body = f"91990101MA{serial:07d}"
    return body + check_character(body)


def _office_hours(moment: dt.datetime, n: int) -> dt.datetime:
    """``moment``'s day at an office hour (09:00-16:00 local, varying with ``n``), never in the future."""
    local = timezone.localtime(moment).replace(hour=9 + n % 8, minute=(n * 17) % 60, second=0, microsecond=0)
    return min(local, timezone.now() - dt.timedelta(hours=1))


@contextmanager
def _on_day(day: dt.date, n: int) -> Iterator[None]:
    """Run the services as on ``day`` at an office hour: their checks (``demo_clock``) and the rows whose
    time is a model default, which ``demo_clock`` leaves at the real time — the activity log's entries
    and the lead's own creation time — so a lead's history reads as it happened, not as loaded."""
    moment = _office_hours(timezone.make_aware(dt.datetime.combine(day, dt.time(12))), n)
    log, lead = ActivityLog._meta.get_field("created_at"), Lead._meta.get_field("created_at")
    with (
        demo_clock.running_at(moment),
        mock.patch.object(log, "get_default", return_value=moment),
        mock.patch.object(lead, "get_default", return_value=moment),
    ):
        yield


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    out, day = [], start.replace(day=1)
    while day <= end:
        out.append(day)
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return out


@transaction.atomic
def _load() -> dict[str, int]:
    units = {u.code: u for u in Unit.objects.all()}
    if "CD" not in units or Project.objects.filter(code__startswith=MARK).exists():
        return {"projects": Project.objects.count(), "created": 0}
    actor = User.objects.filter(username="admin").first()
    if actor is None:  # the organisation demo makes the administrator, who records everything here
        return {"projects": Project.objects.count(), "created": 0}
    today = local_today()
    rng = random.Random(20261101)
    builder = _Builder(actor, units, today, rng)
    builder.enterprises()
    builder.seed_projects()
    builder.taoshan()
    builder.chengdong()
    builder.site_photos()
    builder.leads()
    builder.enterprise_requests()
    Investment.objects.bulk_create(builder.investments, batch_size=1000)
    Milestone.objects.bulk_create(builder.milestones, batch_size=1000)
    services.refresh_all(today=today)
    return {"projects": Project.objects.count(), "created": builder.count}


def _site_picture(floors: int, rng: random.Random) -> bytes:
    """A small JPEG of a building site: sky, ground, a crane and a block of ``floors`` floors."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), (176, 205, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 360, 640, 480), fill=(150, 120, 90))
    left = 180 + rng.randint(-20, 20)
    for floor in range(floors):
        top = 360 - (floor + 1) * 22
        draw.rectangle((left, top, left + 220, top + 20), fill=(190, 190, 185), outline=(110, 110, 110))
        for window in range(6):
            x = left + 12 + window * 34
            draw.rectangle((x, top + 5, x + 18, top + 15), fill=(90, 110, 130))
    draw.line((470, 360, 470, 90), fill=(220, 170, 30), width=8)
    draw.line((380, 100, 600, 100), fill=(220, 170, 30), width=6)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _leaders(unit: Unit) -> list[Person]:
    return list(
        Person.objects.filter(positions__unit=unit, positions__is_leader=True).order_by("positions__sort_order", "id")
    )


class _Builder:
    def __init__(self, actor: User, units: dict[str, Unit], today: dt.date, rng: random.Random) -> None:
        self.actor, self.units, self.today, self.rng = actor, units, today, rng
        self.year = today.year
        self.count = 0
        self.serial = 0
        self.investments: list[Investment] = []
        self.milestones: list[Milestone] = []
        self.ent: dict[str, Enterprise] = {}

    # --- enterprises ---------------------------------------------------------------
    def enterprises(self) -> None:
        rows = [
            ("天一智能装备有限公司", "智能装备", True, False, "BBX", "北白象镇工业园区"),
            ("瓯江龙舟文化旅游发展有限公司", "文化旅游", False, False, "LQ", "娄桥街道龙舟社区"),
            ("万洋众创城开发有限公司", "产业园区开发", True, False, "YX", "永兴街道园区社区"),
            ("雅阳氡泉康养旅游有限公司", "康养旅游", False, True, "YY", "雅阳镇氡泉村"),
            ("陶山果蔗产业发展有限公司", "农产品加工", True, False, "TS", "陶山镇荆谷村"),
            ("东星城市更新投资有限公司", "城市更新", False, False, "CD", "城东街道东星社区"),
            ("海滨数字科技有限公司", "数字经济", True, False, "CD", "城东街道海滨社区"),
            ("凤山新材料股份有限公司", "新材料", True, False, "CD", "城东街道凤山社区"),
        ]
        for i, (name, sector, scale, quota, code, address) in enumerate(rows):
            unit = self.units[code]
            contact = next(iter(_leaders(unit)), None)
            self.ent[name] = Enterprise.objects.create(
                name=name, credit_code=credit_code(i + 1), sector=sector, above_scale=scale, above_quota=quota,
                unit=unit, contact=contact, address=address,
            )  # fmt: skip

    # --- one project -----------------------------------------------------------------
    def project(
        self,
        name: str,
        unit_code: str,
        *,
        kind: str,
        levels: list[str],
        stage: str,
        total: float,
        annual: float,
        pace: float = 1.0,
        history_months: int = 0,
        enterprise: str = "",
        leaders: list[Person] | None = None,
        liaison: Person | None = None,
        output: float | None = None,
        force: str = "",
        milestones: list[tuple[str, int, bool]] | None = None,
        done_total: float | None = None,
        point: tuple[float, float] | None = None,
        description: str = "",
    ) -> Project:
        """``pace`` is this year's completed share against the time-progress line (1.0 on the line)."""
        self.serial += 1
        unit = self.units[unit_code]
        lat, lng = point or (27.99 + self.rng.uniform(-0.08, 0.08), 120.70 + self.rng.uniform(-0.1, 0.1))
        project = services.project_create(
            actor=self.actor,
            data=services.ProjectData(
                code=f"{MARK}-{self.serial:03d}", name=name, unit=unit, total_investment=Decimal(str(total)),
                annual_plan=Decimal(str(annual)), plan_year=self.year, kind=kind, levels=levels, stage=stage,
                description=description, task_force=self.units.get(force) if force else None, liaison=liaison,
                leaders=leaders or [], enterprise=self.ent.get(enterprise), lat=Decimal(f"{lat:.6f}"),
                lng=Decimal(f"{lng:.6f}"), output_value=Decimal(str(output)) if output is not None else None,
                planned_start=dt.date(self.year - 1, 3, 1), planned_finish=dt.date(self.year + 1, 12, 31),
            ),
        )  # fmt: skip
        self.count += 1
        if stage in (Stage.PREPARATION, Stage.CONSTRUCTION, Stage.COMPLETED, Stage.OPERATING):
            self._money(project, annual, pace, history_months, done_total)
        for title, offset, done in milestones or []:
            due = self.today + dt.timedelta(days=offset)
            self.milestones.append(
                Milestone(project=project, title=title, due_date=due, done_on=min(due, self.today) if done else None)
            )
        return project

    def _money(
        self, project: Project, annual: float, pace: float, history_months: int, done_total: float | None
    ) -> None:
        months = _months(dt.date(self.year, 1, 1), self.today)
        # This year's months: the annual plan × time progress × pace, spread with some noise.
        tp = services.year_time_progress(workdays.calendar(), self.year, self.today)
        target = annual * tp / 100 * pace
        weights = [self.rng.uniform(0.6, 1.4) for _ in months]
        scale = target / sum(weights) if weights else 0
        for month, w in zip(months, weights, strict=True):
            self.investments.append(
                Investment(project=project, month=month, amount=Decimal(f"{w * scale:.2f}"), recorded_by=self.actor)
            )
        earlier = (
            _months(dt.date(self.year, 1, 1) - dt.timedelta(days=30 * history_months), dt.date(self.year - 1, 12, 31))
            if history_months
            else []
        )
        if earlier:
            spent_before = (done_total - target) if done_total is not None else annual * 0.8 * len(earlier) / 12
            per = max(spent_before, 0) / len(earlier)
            for month in earlier:
                self.investments.append(
                    Investment(
                        project=project,
                        month=month,
                        amount=Decimal(f"{per * self.rng.uniform(0.8, 1.2):.2f}"),
                        recorded_by=self.actor,
                    )
                )

    # --- the seeds' named projects ---------------------------------------------------
    def seed_projects(self) -> None:
        bbx = _leaders(self.units["BBX"])
        self.project(
            "天一智能装备产业园（一期）", "BBX", kind=Kind.INDUSTRY, levels=[P, C, D], stage=Stage.OPERATING,
            total=20000, annual=20000, pace=1.0, enterprise="天一智能装备有限公司", leaders=bbx[:1], output=24000,
            description="一期用地51亩，总投资2亿元；当年招商、当年建成，投产后产值2.4亿元。省市区三级重点项目。",
            milestones=[("主体结顶", -200, True), ("设备进场", -120, True), ("投产", -40, True)],
        )  # fmt: skip
        lq = _leaders(self.units["LQ"])
        self.project(
            "亚运龙舟基地", "LQ", kind=Kind.INFRASTRUCTURE, levels=[C, D], stage=Stage.CONSTRUCTION,
            total=500000, annual=60000, pace=1.08, history_months=24, done_total=210000,
            enterprise="瓯江龙舟文化旅游发展有限公司", leaders=lq[:2], force="LQZ3",
            description="总投资50亿元。8个月完成城中村改造3902户，180天签约腾空1198户，立下军令状。",
            milestones=[("城中村改造签约腾空", -150, True), ("赛道主体完工", 40, False), ("配套场馆竣工验收", 160, False)],
        )  # fmt: skip
        yx = _leaders(self.units["YX"])
        wanyang = self.project(
            "万洋众创城", "YX", kind=Kind.INDUSTRY, levels=[C, D], stage=Stage.CONSTRUCTION,
            total=80000, annual=30000, pace=0.97, history_months=12, done_total=42000,
            enterprise="万洋众创城开发有限公司", leaders=yx[:2], force="YXZ3",
            description="总投资8亿元。减少8个审批环节，审批时间压缩30天；15天解决返回地安置等3大难题。",
            milestones=[("一期厂房结顶", -60, True), ("二期开工", 2, False)],
        )  # fmt: skip
        for title, kind in (
            ("返回地安置", "relocation"),
            ("施工临时用电接入", "utilities"),
            ("规划调整审批", "approval"),
        ):
            problem = Problem.objects.create(
                project=wanyang, kind=kind, title=title, unit=self.units["YX"],
                due_date=self.today - dt.timedelta(days=200), status=ProblemStatus.SETTLED,
                settled_on=self.today - dt.timedelta(days=205), created_by=self.actor,
            )  # fmt: skip
            del problem
        yy = _leaders(self.units["YY"])
        # 氡泉—云岚示范带: 8 projects, 6.5亿元 in all, 3.4亿元 done.
        parts = [
            ("氡泉—云岚示范带·氡泉康养中心", 18000, 10200),
            ("氡泉—云岚示范带·云岚古村落保护", 9000, 4800),
            ("氡泉—云岚示范带·沿溪绿道", 7000, 4000),
            ("氡泉—云岚示范带·承天民宿集群", 8000, 3900),
            ("氡泉—云岚示范带·松垟农旅综合体", 9500, 4600),
            ("氡泉—云岚示范带·埠下游客服务中心", 4500, 2500),
            ("氡泉—云岚示范带·示范带道路提升", 6000, 2800),
            ("氡泉—云岚示范带·智慧景区", 3000, 1200),
        ]
        for i, (name, total, done) in enumerate(parts):
            self.project(
                name, "YY", kind=Kind.RURAL, levels=[D, T], stage=Stage.CONSTRUCTION if i < 6 else Stage.PREPARATION,
                total=total, annual=done * 0.8, pace=(1.0, 0.85, 1.15, 0.95, 0.7, 1.0, 0.9, 1.05)[i], history_months=12,
                done_total=done, enterprise="雅阳氡泉康养旅游有限公司" if i == 0 else "", leaders=yy[i % 3 : i % 3 + 1],
                force="YYZ3", milestones=[("年度形象进度节点", 15 + 20 * i, False)],
            )  # fmt: skip
        # 老旧片区改造项目6个 投资2100万元 (seed 000, 通泰街道).
        tt = _leaders(self.units["TT"])
        for i, (name, total) in enumerate(
            [
                ("新化巷片区改造", 520),
                ("闽星福航片区改造", 460),
                ("城关木材采购站片区改造", 380),
                ("北门老旧小区改造", 300),
                ("西门老旧小区改造", 250),
                ("五四片区管网改造", 190),
            ]
        ):
            self.project(
                name, "TT", kind=Kind.URBAN_RENEWAL, levels=[T], stage=Stage.CONSTRUCTION, total=total, annual=total,
                pace=(1.1, 0.8, 1.0, 0.6, 1.0, 1.2)[i], leaders=tt[i % 2 : i % 2 + 1], force="TTZ3",
                milestones=[("完成主体改造", -10 + 25 * i, i == 0)],
            )  # fmt: skip

    def taoshan(self) -> None:
        """陶山 84个项目, investment this year 20% above last year's (有效投资增长20%)."""
        ts = _leaders(self.units["TS"])
        kinds: list[str] = [Kind.INDUSTRY, Kind.RURAL, Kind.INFRASTRUCTURE, Kind.LIVELIHOOD, Kind.URBAN_RENEWAL]
        themes = [
            "果蔗精深加工",
            "农村供水提升",
            "美丽乡村",
            "村道硬化",
            "文化礼堂",
            "光伏发电",
            "溪流治理",
            "农贸市场",
            "冷链仓储",
            "乡村民宿",
        ]
        villages = ["荆谷村", "湖屿村", "沙洲村", "陶山社区"]
        for i in range(84):
            total = round(self.rng.uniform(300, 6000), 0)
            annual = round(total * self.rng.uniform(0.3, 0.7), 0)
            last_year = annual / 1.2 * self.rng.uniform(0.9, 1.1)
            stage = [Stage.CONSTRUCTION] * 6 + [Stage.PREPARATION, Stage.SIGNED, Stage.COMPLETED, Stage.PLANNING]
            self.project(
                f"{villages[i % 4]}{themes[i % 10]}项目（{i + 1}号）", "TS", kind=kinds[i % 5],
                levels=[T] if i % 7 else [D, T], stage=stage[i % 10], total=total, annual=annual,
                pace=self.rng.choice([0.75, 0.9, 1.0, 1.0, 1.05, 1.2]), history_months=12, done_total=None,
                enterprise="陶山果蔗产业发展有限公司" if i == 0 else "", leaders=ts[i % 5 : i % 5 + 1],
                milestones=[("节点" + str(k + 1), self.rng.randint(-60, 120), self.rng.random() < 0.4) for k in range(self.rng.randint(1, 3))],
            )  # fmt: skip
            del last_year

    def site_photos(self) -> None:
        """形象进度 with dated site photos for the 城东 projects under construction (drawn here: a
        building that grows a few floors from one entry to the next)."""
        texts = ["基础施工完成，开始主体施工", "主体施工至{n}层", "主体施工至{n}层，同步推进外墙脚手架"]
        for project in Project.objects.filter(unit__path__startswith=self.units["CD"].path, stage=Stage.CONSTRUCTION):
            for k, days_ago in enumerate((75, 40, 8)):
                floors = 2 + 4 * k
                services.progress_add(
                    actor=self.actor, project=project, date=self.today - dt.timedelta(days=days_ago),
                    text=texts[k].format(n=floors), photos=[_site_picture(floors, self.rng)],
                )  # fmt: skip

    def chengdong(self) -> None:
        """城东街道: linked leaders (蒋一诺, 汪振华), the on-site problems of seed 004, one as a task."""
        cd = self.units["CD"]
        leader = Person.objects.filter(user__username="leader").first()
        resp = Person.objects.filter(user__username="resp_leader").first()
        staff = Person.objects.filter(user__username="staff").first()
        others = _leaders(cd)
        both = [p for p in (leader, resp) if p is not None]
        specs: list[tuple[Any, ...]] = [
            (
                "东星片区安置房（一期）",
                "CDD03",
                Kind.LIVELIHOOD,
                [C, D],
                Stage.CONSTRUCTION,
                68000,
                22000,
                0.72,
                both,
                staff,
            ),
            (
                "城东数字经济产业园",
                "CDD04",
                Kind.INDUSTRY,
                [P, C, D],
                Stage.CONSTRUCTION,
                120000,
                35000,
                1.02,
                [leader],
                None,
            ),
            (
                "海滨大道改造提升工程",
                "CDD04",
                Kind.INFRASTRUCTURE,
                [D],
                Stage.CONSTRUCTION,
                26000,
                9000,
                1.18,
                [resp],
                None,
            ),
            (
                "凤山新材料扩产项目",
                "CDD05",
                Kind.INDUSTRY,
                [C, D],
                Stage.PREPARATION,
                45000,
                8000,
                0.96,
                [leader],
                None,
            ),
            ("东湖片区城市更新", "CDD03", Kind.URBAN_RENEWAL, [D, T], Stage.SIGNED, 32000, 4000, 1.0, [resp], staff),
            ("浔美社区邻里中心", "CD05", Kind.LIVELIHOOD, [T], Stage.CONSTRUCTION, 1800, 1200, 0.93, [resp], None),
            ("城东智慧停车楼", "CDD04", Kind.INFRASTRUCTURE, [T], Stage.PLANNING, 5200, 0, 1.0, [leader], None),
            (
                "东海社区老旧小区改造",
                "CD02",
                Kind.URBAN_RENEWAL,
                [T],
                Stage.COMPLETED,
                900,
                900,
                1.0,
                others[2:3],
                None,
            ),
        ]
        made: list[Project] = []
        for i, (name, unit, kind, levels, stage, total, annual, pace, linked, liaison) in enumerate(specs):
            made.append(
                self.project(
                    name, unit, kind=kind, levels=levels, stage=stage, total=total, annual=annual, pace=pace,
                    history_months=12 if stage != Stage.PLANNING else 0,
                    enterprise={1: "海滨数字科技有限公司", 3: "凤山新材料股份有限公司", 4: "东星城市更新投资有限公司"}.get(i, ""),
                    leaders=[p for p in linked if p is not None], liaison=liaison, force="CDZ3" if i < 3 else "",
                    point=(27.995 + 0.006 * i, 120.715 + 0.005 * (i % 3)),
                    milestones=[("基础施工完成", -30 + 15 * i, i % 2 == 0), ("主体结顶", 25 + 10 * i, False)] if stage != Stage.PLANNING else [],
                )
            )  # fmt: skip
        anzhi, park, road = made[0], made[1], made[2]
        problems = [
            (
                anzhi,
                "relocation",
                "村民种植青苗补偿款未付",
                "CDD03",
                6,
                "现场会上群众反映：地块内村民种植的蔬菜青苗补偿款尚未支付。",
            ),
            (anzhi, "utilities", "地块内电线杆需迁移", "CDD04", 12, "施工范围内有3根10千伏电线杆，需供电所配合迁移。"),
            (park, "approval", "二期用地规划许可办理", "CDD05", 20, ""),
            (road, "funding", "上级补助资金未到位", "CDD12", -3, "区财政补助资金第二批尚未拨付。"),
        ]
        # Two 会商 meetings: the earlier one's problems are partly settled, the latest raised seed 004's.
        chair = leader or (others[0] if others else None)
        earlier = services.meeting_create(
            actor=self.actor, unit=cd, date=self.today - dt.timedelta(days=28), title="重点项目推进会商会（第一次）",
            projects=[anzhi, park], chair=chair, attendees="街道班子成员、项目服务组、征迁工作组、供电所",
            notes="逐个项目过进度，梳理要素保障问题。",
        )  # fmt: skip
        for title, kind, settle in (("施工临时用电接入", "utilities", True), ("渣土外运通道", "other", False)):
            raised = services.problem_add(
                actor=self.actor, project=anzhi, kind=kind, title=title, unit=self.units["CDD04"],
                due_date=self.today + dt.timedelta(days=10), meeting=earlier,
            )  # fmt: skip
            if settle:
                services.problem_settle(actor=self.actor, problem=raised, comment="供电所已接入临时用电。")
        latest = services.meeting_create(
            actor=self.actor, unit=cd, date=self.today - dt.timedelta(days=7), title="东星片区现场办公会",
            projects=[anzhi, park, road], chair=chair, attendees="街道党工委书记、征迁工作组、项目服务组、社区",
            notes="书记现场询问还有哪些事项需要协调。",
        )  # fmt: skip
        first = None
        for project, kind, title, unit_code, days, description in problems:
            problem = services.problem_add(
                actor=self.actor, project=project, kind=kind, title=title, unit=self.units[unit_code],
                due_date=self.today + dt.timedelta(days=max(days, 0)), description=description,
                meeting=latest if project in (anzhi, park) else None,
            )  # fmt: skip
            if days < 0:
                Problem.objects.filter(pk=problem.pk).update(due_date=self.today + dt.timedelta(days=days))
            first = first or problem
        if first is not None and leader is not None:
            # The unpaid compensation goes into the closed loop at once, as the secretary asked.
            services.problem_to_task(actor=self.actor, problem=first, responsible_leader=resp or leader)

    def leads(self) -> None:
        """城东: 已签约项目10个 约40亿元, 在谈项目8个 约11亿元 (seed 004), 以企招企 among them; every cadre may own one."""
        cd = self.units["CD"]
        cadres = list(
            Person.objects.filter(
                positions__unit__path__startswith=cd.path, positions__unit__kind__in=["department", "subdistrict"]
            )
            .distinct()
            .order_by("id")[:12]
        )
        staff = Person.objects.filter(user__username="staff").first()
        if staff is not None:
            cadres.insert(0, staff)
        signed = [
            ("新能源汽车零部件制造基地", "长三角某汽车零部件集团", "汽车零部件", 82000),
            ("智能物流分拨中心", "某供应链管理公司", "现代物流", 46000),
            ("生物医药中试基地", "某生物科技公司", "生物医药", 52000),
            ("跨境电商产业园", "某电子商务集团", "数字贸易", 30000),
            ("高端鞋服研发总部", "某鞋服集团", "时尚产业", 28000),
            ("精密模具产业园", "凤山新材料股份有限公司（以企招企）", "装备制造", 35000),
            ("数据中心二期", "海滨数字科技有限公司（以企招企）", "数字经济", 40000),
            ("文旅综合体", "某文旅投资公司", "文化旅游", 38000),
            ("光伏组件扩产项目", "某新能源公司", "新能源", 26000),
            ("冷链食品加工园", "某食品集团", "食品加工", 23000),
        ]  # 400,000 万元 = 约40亿元
        talks = [
            ("工业机器人装配线", "某机器人公司", "智能装备", 18000),
            ("半导体封测项目", "某半导体公司", "集成电路", 22000),
            ("社区商业综合体", "某商业地产公司", "商贸服务", 12000),
            ("新材料研发中心", "某材料研究院", "新材料", 9000),
            ("康养服务中心", "某健康产业公司", "康养", 11000),
            ("电竞产业基地", "某文化传媒公司", "数字文创", 10000),
            ("储能电池项目", "某能源科技公司", "新能源", 16000),
            ("直播电商基地", "某电商服务公司", "数字贸易", 12000),
        ]  # 110,000 万元 = 约11亿元
        early = [
            ("总部经济楼宇招引", "", "楼宇经济", 8000),
            ("智慧农业示范园", "", "现代农业", 5000),
            ("医疗器械产业园", "", "医疗器械", 15000),
        ]
        referrers = {
            "凤山新材料股份有限公司（以企招企）": "凤山新材料股份有限公司",
            "海滨数字科技有限公司（以企招企）": "海滨数字科技有限公司",
        }
        groups = [(signed, ["talk", "sign"]), (talks, ["talk"]), (early, [])]
        n = 0
        # Each step (and its entry in the lead's history) is dated the day it was taken: found 200 days
        # ago and later, in talks 50 days after, signed 40 days after that, all in the past.
        for rows, steps in groups:
            for name, investor, sector, amount in rows:
                referrer = self.ent.get(referrers.get(investor, ""))
                found = self.today - dt.timedelta(days=200 - 6 * n)
                with _on_day(found, n):
                    lead = services.lead_create(
                        actor=self.actor,
                        data=services.LeadData(
                            name=name, unit=self.units["CDD05"] if n % 3 else cd, cadre=cadres[n % len(cadres)],
                            amount=Decimal(amount), found_on=found,
                            investor=referrers.get(investor, investor), sector=sector,
                            source="referral" if referrer else ("agency" if n % 4 == 1 else "own"), referrer=referrer,
                        ),
                    )  # fmt: skip
                for k, action in enumerate(steps):
                    day = self.today - dt.timedelta(days=150 - 6 * n - 40 * k)
                    with _on_day(day, n + k + 1):
                        services.lead_step(actor=self.actor, lead=lead, action=action, on=day)
                n += 1
        found, dropped_day = self.today - dt.timedelta(days=120), self.today - dt.timedelta(days=75)
        with _on_day(found, n):
            dropped = services.lead_create(
                actor=self.actor,
                data=services.LeadData(
                    name="化工原料仓储项目", unit=cd, cadre=cadres[0], amount=Decimal(6000),
                    found_on=found, investor="某化工贸易公司", sector="仓储",
                ),
            )  # fmt: skip
        with _on_day(dropped_day, n + 1):
            services.lead_step(
                actor=self.actor, lead=dropped, action="drop", on=dropped_day, comment="不符合园区产业导向"
            )

    def enterprise_requests(self) -> None:
        """小微管家 113起 (seed 003): requests of small enterprises in 永兴街道, filed into the case loop."""
        yx = self.units["YX"]
        small = []
        for i, (name, sector) in enumerate(
            [("永兴五金制品厂", "五金"), ("园区包装材料有限公司", "包装"), ("永兴电子元件有限公司", "电子"),
             ("下垟服装加工厂", "服装"), ("沙塘农产品合作社", "农业"), ("永兴汽配有限公司", "汽配")]
        ):  # fmt: skip
            small.append(
                Enterprise.objects.create(
                    name=name,
                    credit_code=credit_code(100 + i),
                    sector=sector,
                    unit=yx,
                    contact=next(iter(_leaders(yx)), None),
                    address="永兴街道园区社区",
                )
            )
        topics = [
            "用工招聘对接",
            "水电报装咨询",
            "融资贷款协调",
            "厂房租赁纠纷",
            "消防验收指导",
            "税费政策咨询",
            "道路通行许可",
            "排污许可办理",
        ]
        # Filed over the last eleven months (a visit every three days or so, in office hours), so that the
        # case loop's follow-up (the cases demo, luoshi.cases.demo.load_enterprise_followup) closes them
        # in the months they were settled and 协调解决企业问题 counts them there.
        first = timezone.now() - dt.timedelta(days=335)
        for n in range(113):
            enterprise = small[n % len(small)]
            filed = _office_hours(first + dt.timedelta(days=n * 335 / 113), n)
            with demo_clock.running_at(filed):
                services.enterprise_request(
                    actor=self.actor, enterprise=enterprise, title=f"{enterprise.name}：{topics[n % len(topics)]}",
                    description=f"小微管家上门走访时企业提出：{topics[n % len(topics)]}。",
                )  # fmt: skip
