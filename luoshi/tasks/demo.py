# ruff: noqa: E501  (demo data: long lines of Chinese text read better unbroken)
"""Demo goals, tasks, milestones, progress reports and inspections.

通泰街道 gets the yearly goal 三大攻坚行动 with 9 categories and 27 projects (seed 000),
each project carried by one task. 城东街道 gets tasks in every state and every light
(seeds 001 and 004), with milestones, progress, extensions, reminders and two
unannounced inspections whose findings became rectification tasks. The district's own goal
安全生产专项整治 gives each of its 14 townships a task due in each of the last two months, run at
the time it happened: most done on time, a few late, some still open and overdue.

Everything goes through the services, so timelines and the audit log look real.
Dates are relative to the day the demo is loaded, so lights stay meaningful.
Loading twice changes nothing: each part is skipped when its goal already exists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from luoshi.accounts.models import User
from luoshi.core.timeutil import today as local_today
from luoshi.org.models import Person, Unit
from luoshi.tasks import services
from luoshi.tasks.models import CADENCE_DAYS, Cadence, Goal, Priority, Source, Task, TaskEvent
from luoshi.tasks.workflow import Action

TT_GOAL = "三大攻坚行动"
CD_GOAL = "穿透落实、闭环落实、担当落实"

# 9 categories × 3 projects (seed 000: 梳理制定全街“三大攻坚行动”任务9类27个项目).
TT_CATALOGUE: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("一", "党建引领基层治理", [("红色网格联盟全覆盖", "TT01"), ("红色物业、红色业委会培育", "TT02"), ("“3456”睦邻友好帮帮团大调解", "TTD04")]),
    ("二", "重点项目攻坚", [("服务省级重点项目建设", "TTZ3"), ("西门“福街”特色活力街区建设", "TTD05"), ("北门历史文化街区保护修缮", "TTD05")]),
    ("三", "招商引资", [("一把手抓招商签约项目", "TTZ2"), ("特色业态培育与新消费增长点", "TTD02"), ("楼宇经济招商", "TTZ2")]),
    ("四", "征迁攻坚", [("一专班抓征迁：新化巷片区", "TTZ1"), ("闽星福航片区征迁", "TTZ1"), ("城关木材采购站片区征迁", "TTZ1")]),
    ("五", "老旧片区改造", [("新化巷片区改造", "TTD05"), ("闽星福航片区改造", "TTD05"), ("城关木材采购站片区改造", "TTD05")]),
    ("六", "文明城市创建", [("西门老酒厂“口袋公园”", "TTD05"), ("樵岚溪沿线休闲打卡点", "TTD05"), ("背街小巷环境整治", "TT05")]),
    ("七", "社区服务阵地建设", [("北门社区办公用房工程", "TT01"), ("熙春社区办公用房工程", "TT02"), ("严羽、五四社区办公用房工程", "TT03")]),
    ("八", "民生服务提升", [("“五治融合”基层治理示范点", "TTD03"), ("一站式便民服务窗口", "TTD06"), ("矛盾纠纷调解员队伍建设", "TTD04")]),
    ("九", "干部作风提质增效", [("目标绩效考察法实施", "TTD01"), ("“六比六争先”评先争优", "TTD01"), ("干部下沉一线调查研究", "TTD01")]),
]  # fmt: skip


@dataclass
class Spec:
    """One demo task: where it stands and how its light should come out."""

    title: str
    unit: str
    state: str  # draft, assigned, in_progress, pending_review, done, done_late, suspended, cancelled, returned
    light: str = "green"  # green, yellow, red (for open tasks)
    source: str = Source.HIGHER
    co_units: list[str] = field(default_factory=list)
    force: str = ""
    target: str = ""
    measures: str = ""
    acceptance: str = ""
    milestones: list[tuple[str, int, bool]] = field(default_factory=list)  # (title, days from today, done)
    reports: list[tuple[int, str]] = field(default_factory=list)  # (percent, text)
    extension: str = ""  # "pending" or "approved"
    reminders: int = 0
    missed: int = 0  # required progress reports missed since the last one (as the daily job records them)
    priority: str = Priority.NORMAL
    cadence: str = Cadence.WEEKLY


CD_TASKS: list[Spec] = [
    Spec("东星4号地块征迁净地", "CDZ1", "in_progress", "red", co_units=["CD01", "CDD03"],
         target="120宗民房月底前完成拆除、实现净地", measures="专班统一协调；社区对接拆除队；每天保证机械和人员在场",
         acceptance="现场核查无遗留建筑和杆线，业主单位确认净地", priority=Priority.URGENT,
         milestones=[("签约100%", -40, True), ("房屋腾空", -15, True), ("杆线迁移", -3, False), ("净地移交", 5, False)],
         reports=[(60, "签约已全部完成，签约面积54000余平方米"), (70, "拆除过半，房前屋后种植青苗补偿待落实")], reminders=2),
    Spec("东星4号地块青苗补偿", "CDD03", "in_progress", "yellow", co_units=["CD01"],
         target="居民房前屋后种植蔬菜补偿到位", reports=[(40, "已完成清点，补偿标准待会商")]),
    Spec("征迁范围内电线杆迁移", "CDD04", "in_progress", "red", source=Source.MEETING,
         target="协调供电部门迁移杆线", reports=[(10, "已函告供电公司")], extension="pending"),
    Spec("浔美工业区标准化建设", "CDD05", "in_progress", "green", source=Source.HIGHER,
         target="完成园区道路、管网和标准厂房改造", cadence=Cadence.MONTHLY,
         milestones=[("方案批复", -60, True), ("管网改造完工", 30, False), ("验收", 90, False)],
         reports=[(35, "方案已批复，管网施工进场")]),
    Spec("在谈项目8个推进签约", "CDZ2", "in_progress", "green", source=Source.MEETING, co_units=["CDD05"],
         target="在谈项目8个、洽谈金额约11亿元，年内签约不少于4个", reports=[(50, "已签约2个，另有3个进入合同谈判")]),
    Spec("中骏世界城差异化招商", "CDZ2", "in_progress", "yellow", target="引进首店、品牌店不少于10家",
         reports=[(20, "对接品牌商15家")]),
    Spec("城东万达以企招企", "CDZ2", "pending_review", "green", reports=[(100, "新引进企业6家，均已入驻")]),
    Spec("城东商圈促消费系列活动", "CDD13", "done", source=Source.INSTRUCTION, reports=[(100, "举办促消费活动4场")]),
    Spec("疫情防控平战结合工作预案", "CDD02", "done", co_units=["CD01", "CD02", "CD03"],
         target="18个职能组分工明确，13个社区形成预案", reports=[(100, "13个社区预案全部备案")]),
    Spec("常态化联合执法机制", "CDD08", "done_late", reports=[(100, "联合执法机制已印发")]),
    Spec("安全生产大排查大整治", "CDD06", "in_progress", "yellow", co_units=["CD05", "CD06"], source=Source.HIGHER,
         cadence=Cadence.WEEKLY, reports=[(30, "排查企业46家，发现隐患21处")], reminders=1),
    Spec("信访积案化解", "CDD07", "in_progress", "red", source=Source.PETITION, reports=[(20, "化解积案2件")],
         missed=2),
    Spec("重点项目挂钩联系服务", "CDD04", "in_progress", "green", source=Source.INSTRUCTION,
         target="党政领导点对点挂钩重点项目、联系服务重点企业", cadence=Cadence.SEMIMONTHLY,
         reports=[(45, "走访重点企业12家，协调问题5个")]),
    Spec("定期督导通报工作进展", "CDD01", "in_progress", "green", cadence=Cadence.MONTHLY, reports=[(50, "已发通报3期")]),
    Spec("社区一日一排查台账规范", "CD02", "assigned", "green", source=Source.MEETING),
    Spec("东湖社区老旧小区改造", "CD03", "assigned", "yellow", co_units=["CDD09"]),
    Spec("海滨社区消防通道整治", "CD13", "returned", "green", source=Source.INSPECTION,
         reports=[(100, "已清理堵塞车辆")]),
    Spec("限上批发企业培育入库", "CDD13", "in_progress", "yellow", reports=[(25, "新培育企业3家")],
         extension="approved"),
    Spec("统计数据质量核查", "CDD17", "draft"),
    Spec("退役军人服务站标准化", "CDD18", "suspended", reports=[(30, "选址调整中")]),
    Spec("潯美片区旧村改造前期", "CDZ1", "cancelled"),
    Spec("宣传“1+3+5”工作体系", "CDD16", "done", reports=[(100, "专题报道2篇")]),
    Spec("党建品牌矩阵打造", "CDD10", "pending_review", "green", reports=[(100, "完成品牌申报材料")]),
    Spec("东美社区网格员队伍补充", "CD04", "in_progress", "green", reports=[(60, "已招录网格员5名")]),
]  # fmt: skip

#: The district's own goal: one 安全生产专项整治 task per township in each of the last two months (a
#: 排查 phase due on the 20th of the month before last, a 整治 phase due on the 20th of last month), so
#: every township has tasks due in the months the assessment demo scores.
DISTRICT_GOAL = "安全生产专项整治"
DISTRICT_PHASES = [
    ("安全隐患大排查", "建立隐患排查清单", "辖区企业、出租房、人员密集场所排查全覆盖，隐患清单建账"),
    ("重大隐患集中整治", "重大隐患整改销号", "排查出的重大隐患整改到位、逐项销号，一般隐患限期整改"),
]
#: How each township's task of each phase ends, by the township's place in code order: most are
#: submitted before the deadline, some late, a few are still open and overdue.
DISTRICT_OUTCOMES = [
    {4: "late", 9: "late", 11: "open"},
    {2: "late", 13: "late", 6: "open", 11: "open"},
]
#: The district supervisor (督查室) who dispatches and signs off the district's tasks (no password: not a login).
DISTRICT_SUPERVISOR = ("qu_dcs", "丁慧敏", "区委督查室督查专员")

START_OFFSET = {"green": 20, "yellow": 40, "red": 60}
DEADLINE_OFFSET = {"green": 45, "yellow": 2, "red": -6}


def is_loaded() -> bool:
    return Goal.objects.filter(title=TT_GOAL, owner_unit__code="TT").exists()


def load(*, stdout: Any = None) -> dict[str, int]:
    # Commands run without a language; the demo's generated texts are in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        return _load()


@transaction.atomic
def _load() -> dict[str, int]:
    units = {u.code: u for u in Unit.objects.filter(code__in=["TT", "CD"])}
    if len(units) < 2:
        return {"skipped": 1}
    created = 0
    if not Goal.objects.filter(title=TT_GOAL, owner_unit=units["TT"]).exists():
        created += _load_tongtai(units["TT"])
    if not Goal.objects.filter(title=CD_GOAL, owner_unit=units["CD"]).exists():
        created += _load_chengdong(units["CD"])
    district = units["CD"].parent
    if district is not None and not Goal.objects.filter(title=DISTRICT_GOAL, owner_unit=district).exists():
        created += _load_district(district)
    return {"tasks": Task.objects.count(), "created_tasks": created}


def _user(name: str) -> User:
    return User.objects.get(username=name)


def _leaders(township: Unit) -> list[Person]:
    return list(
        Person.objects.filter(positions__unit=township, positions__is_leader=True).order_by("positions__sort_order")
    )


def _tongtai_supervisor(township: Unit) -> User:
    """A supervisor login for 通泰街道 (user name ``tongtai``), so its tasks have a reviewer who is not the doer."""
    from luoshi.org.models import Role, RoleGrant

    user, created = User.objects.get_or_create(username="tongtai", defaults={"full_name": "邹晓岚"})
    if created:
        user.set_password(settings.LUOSHI_DEMO_PASSWORD)
        user.save()
        person = Person.objects.create(name="邹晓岚", user=user)
        from luoshi.org.models import Position

        Position.objects.create(person=person, unit=township, title="督查专员")
    RoleGrant.objects.get_or_create(user=user, role=Role.SUPERVISOR, unit=township)
    return user


def _load_tongtai(township: Unit) -> int:
    admin = _user("admin")
    reviewer = _tongtai_supervisor(township)
    today = local_today()
    year = today.year
    goal = services.goal_create(
        actor=admin, owner_unit=township, year=year, title=TT_GOAL, weight=40,
        description="聚焦基层治理创先、经济发展增效、城市建设提质，梳理制定全街任务9类27个项目。",
        assessment="一任务一专班、一目标一考核：按项目完成率、亮灯情况和按时销号率计分。",
    )  # fmt: skip
    leaders = _leaders(township)
    units = {u.code: u for u in Unit.objects.filter(path__startswith=township.path)}
    created = 0
    states = ["in_progress", "in_progress", "done", "in_progress", "pending_review", "assigned", "in_progress"]
    lights = ["green", "yellow", "green", "red", "green", "green", "yellow"]
    n = 0
    for order, (code, name, projects) in enumerate(TT_CATALOGUE):
        category = services.category_create(actor=admin, goal=goal, name=name, code=code, sort_order=order)
        for p_order, (project, unit_code) in enumerate(projects):
            node = services.category_create(
                actor=admin, goal=goal, name=project, parent=category, code=f"{code}.{p_order + 1}", sort_order=p_order
            )
            spec = Spec(
                title=project, unit=unit_code, state=states[n % len(states)], light=lights[n % len(lights)],
                reports=[(30 + (n * 7) % 50, "按计划推进，本周完成现场调度"), (100, "已完成，提请验收")][: 1 + (n % 2)],
            )  # fmt: skip
            if spec.state == "in_progress":
                spec.reports = spec.reports[:1]
            _create(spec, units, leaders[n % len(leaders)], goal=goal, category=node, dispatcher=reviewer, doer=admin,
                    reviewer=reviewer, today=today)  # fmt: skip
            created += 1
            n += 1
    return created


def _load_chengdong(township: Unit) -> int:
    today = local_today()
    supervisor, leader, staff = _user("supervisor"), _user("leader"), _user("staff")
    admin = _user("admin")
    goal = services.goal_create(
        actor=leader, owner_unit=township, year=today.year, title=CD_GOAL, weight=30,
        description="“1+3+5”工作体系：穿透落实、闭环落实、担当落实，攻项目、扩投资、抓招商、建园区、稳消费。",
        assessment="按任务按时销号率、红灯数量和督查整改情况计分。",
    )  # fmt: skip
    names = ["攻项目", "扩投资", "抓招商", "建园区", "稳消费", "闭环保障"]
    categories = {
        name: services.category_create(actor=leader, goal=goal, name=name, code=f"{i + 1}", sort_order=i)
        for i, name in enumerate(names)
    }
    pick = {
        "CDZ1": "攻项目", "CDD03": "攻项目", "CDD04": "攻项目", "CDD05": "建园区", "CDZ2": "抓招商",
        "CDD13": "稳消费", "CDD17": "扩投资",
    }  # fmt: skip
    units = {u.code: u for u in Unit.objects.filter(path__startswith=township.path)}
    resp_person = Person.objects.filter(user__username="resp_leader").first()
    leader_person = Person.objects.filter(user__username="leader").first()
    others = _leaders(township)
    created = 0
    for i, spec in enumerate(CD_TASKS):
        person = [resp_person, leader_person, *others][i % (2 + len(others))]
        doer = staff if spec.unit == "CDD03" else admin
        task = _create(
            spec, units, person, goal=goal, category=categories[pick.get(spec.unit, "闭环保障")],
            dispatcher=supervisor, doer=doer, reviewer=leader, today=today,
        )  # fmt: skip
        created += 1
        if spec.title == "东星4号地块征迁净地":
            for sub_title, sub_unit, percent in [("签约攻坚", "CD01", 100), ("拆除进度调度", "CDZ1", 55)]:
                sub = services.task_create(
                    actor=supervisor,
                    data=services.TaskData(
                        title=sub_title,
                        lead_unit=units[sub_unit],
                        start_date=task.start_date,
                        deadline=max(task.deadline, today),
                        parent=task,
                        responsible_leader=person,
                        target=f"{sub_title}按日完成",
                        acceptance="专班现场核验",
                    ),
                    assign=True,
                )
                Task.objects.filter(pk=sub.pk).update(deadline=task.deadline, original_deadline=task.deadline)
                services.task_transition(actor=admin, task=sub, action=Action.ACCEPT)
                services.task_report_progress(actor=admin, task=_fresh(sub), percent=percent, text="按日调度推进")
                created += 1
    created += _inspections(township, units, supervisor, today)
    return created


def _district_supervisor(district: Unit) -> User:
    from luoshi.org.demo import person_without_login
    from luoshi.org.models import Role

    username, name, title = DISTRICT_SUPERVISOR
    return person_without_login(username, name, title, district, Role.SUPERVISOR)


def _load_district(district: Unit) -> int:
    """The district's 安全生产专项整治: each township's two phases run through the services at the time
    they happened (``luoshi.core.demo_clock``): dispatched, accepted, a milestone, a progress report,
    then submitted before the deadline (most), after it (a few), or not yet (overdue, still open)."""
    from luoshi.core import demo_clock

    admin, supervisor = _user("admin"), _district_supervisor(district)
    real_today = local_today()
    this_month = real_today.replace(day=1)
    last = (this_month - dt.timedelta(days=1)).replace(day=1)
    before = (last - dt.timedelta(days=1)).replace(day=1)
    latest = timezone.now() - dt.timedelta(hours=1)

    def at(day: dt.date, hour: int) -> dt.datetime:
        moment = dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())
        return min(moment, latest)

    with demo_clock.running_at(at(before - dt.timedelta(days=10), 9)):
        goal = services.goal_create(
            actor=supervisor, owner_unit=district, year=before.year, title=DISTRICT_GOAL, weight=20,
            description="区安委会部署：各乡镇（街道）开展安全隐患大排查、重大隐患集中整治，按月销号。",
            assessment="按期完成率、逾期未办结任务计入乡镇（街道）月度综合考核“重点工作落实”。",
        )  # fmt: skip
    townships = list(
        Unit.objects.filter(parent=district, kind__in=["township", "subdistrict"], is_active=True).order_by("code")
    )
    created = 0
    for phase, (month, (title, milestone, target)) in enumerate(zip([before, last], DISTRICT_PHASES, strict=True)):
        start, deadline = month - dt.timedelta(days=10), month.replace(day=20)
        for i, township in enumerate(townships):
            outcome = DISTRICT_OUTCOMES[phase].get(i, "on_time")
            leader = next(iter(_leaders(township)), None)
            with demo_clock.running_at(at(start, 9 + i % 5)):
                task = services.task_create(
                    actor=supervisor,
                    data=services.TaskData(
                        title=f"{title}（{township.name}）", lead_unit=township, start_date=start, deadline=deadline,
                        source=Source.HIGHER, goal=goal, target=target, responsible_leader=leader,
                        acceptance="区安委办抽查核验，隐患清单和整改台账齐全", report_cadence=Cadence.MONTHLY,
                    ),
                    assign=True,
                )  # fmt: skip
                services.task_transition(actor=admin, task=_fresh(task), action=Action.ACCEPT)
                m = services.milestone_add(
                    actor=supervisor, task=_fresh(task), title=milestone, due_date=month.replace(day=10)
                )
            with demo_clock.running_at(at(month.replace(day=9), 16)):
                if outcome != "open":
                    services.milestone_set_done(actor=admin, milestone=m, done=True)
                services.task_report_progress(
                    actor=admin, task=_fresh(task), percent=60 if outcome == "on_time" else 30, text="按计划推进"
                )
            created += 1
            if outcome == "open":
                continue
            submitted = (
                deadline - dt.timedelta(days=1 + i % 4)
                if outcome == "on_time"
                else deadline + dt.timedelta(days=3 + i % 5)
            )
            with demo_clock.running_at(at(submitted, 15)):
                services.task_report_progress(actor=admin, task=_fresh(task), percent=100, text="已完成，提请验收")
                services.task_transition(actor=admin, task=_fresh(task), action=Action.SUBMIT)
            with demo_clock.running_at(at(submitted + dt.timedelta(days=1), 10)):
                services.task_transition(
                    actor=supervisor, task=_fresh(task), action=Action.SIGN_OFF, comment="抽查合格"
                )
    services.refresh_lights(tasks=list(Task.objects.filter(goal=goal)), today=real_today)
    return created


def _fresh(task: Task) -> Task:
    return Task.objects.select_related("lead_unit", "task_force", "responsible_leader").get(pk=task.pk)


def _create(
    spec: Spec,
    units: dict[str, Unit],
    leader: Person | None,
    *,
    goal: Goal,
    category: Any,
    dispatcher: User,
    doer: User,
    reviewer: User,
    today: dt.date,
) -> Task:
    light = spec.light if spec.state not in {"done", "done_late", "draft", "cancelled"} else "green"
    start = today - dt.timedelta(days=START_OFFSET[light])
    deadline = today + dt.timedelta(days=DEADLINE_OFFSET[light])
    if spec.state == "done_late":
        start, deadline = today - dt.timedelta(days=90), today - dt.timedelta(days=20)
    if spec.state == "assigned":
        start = today - dt.timedelta(days=1)
    lead = units[spec.unit]
    data = services.TaskData(
        title=spec.title, lead_unit=lead, start_date=start, deadline=deadline, source=spec.source, goal=goal,
        category=category, measures=spec.measures,
        # The draft keeps what it was given, so its page shows what dispatch still needs.
        target=spec.target or ("" if spec.state == "draft" else f"{spec.title}按期完成"),
        acceptance=spec.acceptance or ("" if spec.state == "draft" else "牵头单位报送完成材料，督查室现场核验"),
        responsible_leader=leader, co_units=[units[c] for c in spec.co_units if c in units and units[c] != lead],
        task_force=units.get(spec.force) if spec.force else None, priority=spec.priority, report_cadence=spec.cadence,
    )  # fmt: skip
    if deadline < today:
        # Dispatched weeks ago with a deadline then ahead: dispatch today refuses a past
        # deadline, so dispatch with today's and put the real one back, as history.
        data.deadline = today
    task = services.task_create(actor=dispatcher, data=data, assign=spec.state != "draft")
    if deadline < today:
        Task.objects.filter(pk=task.pk).update(deadline=deadline, original_deadline=deadline)
        task = _fresh(task)
    if spec.state in {"draft", "assigned"}:
        return _finish(task, spec, today)
    if spec.state == "cancelled":
        services.task_transition(
            actor=dispatcher, task=_fresh(task), action=Action.CANCEL, comment="规划调整，暂不实施"
        )
        return task
    services.task_transition(actor=doer, task=_fresh(task), action=Action.ACCEPT)
    for title, offset, done in spec.milestones:
        m = services.milestone_add(
            actor=dispatcher, task=_fresh(task), title=title, due_date=today + dt.timedelta(days=offset)
        )
        if done:
            services.milestone_set_done(actor=doer, milestone=m, done=True)
    reports = spec.reports or [(20, "已启动")]
    for i, (percent, text) in enumerate(reports):
        if spec.state == "in_progress" and light == "red" and percent > 20:
            percent = 20
        if spec.state == "in_progress" and light == "yellow":
            percent = 70
        day = max(start, today - dt.timedelta(days=3 * (len(reports) - i)))
        services.task_report_progress(actor=doer, task=_fresh(task), percent=percent, text=text, reported_on=day)
    if spec.missed:
        _miss_reports(task, spec.missed, today)
    for _ in range(spec.reminders):
        services.task_remind(actor=dispatcher, task=_fresh(task), comment="请加快进度，按时报送")
    if spec.extension:
        services.task_transition(
            actor=doer, task=_fresh(task), action=Action.REQUEST_EXTENSION, comment="供电部门排期滞后",
            new_deadline=task.deadline + dt.timedelta(days=20),
        )  # fmt: skip
        if spec.extension == "approved":
            services.task_transition(actor=dispatcher, task=_fresh(task), action=Action.APPROVE_EXTENSION)
    if spec.state in {"pending_review", "done", "done_late", "returned"}:
        if _fresh(task).reported_progress < 100:
            services.task_report_progress(actor=doer, task=_fresh(task), percent=100, text="已完成，提请审核")
        services.task_transition(actor=doer, task=_fresh(task), action=Action.SUBMIT)
    if spec.state in {"done", "done_late"}:
        services.task_transition(actor=reviewer, task=_fresh(task), action=Action.SIGN_OFF, comment="验收合格")
    if spec.state == "returned":
        services.task_transition(
            actor=reviewer, task=_fresh(task), action=Action.RETURN, comment="现场复查仍有车辆占道，请建立长效机制"
        )
    if spec.state == "suspended":
        services.task_transition(actor=dispatcher, task=_fresh(task), action=Action.SUSPEND, comment="等待上级政策明确")
    return _finish(task, spec, today)


def _miss_reports(task: Task, missed: int, today: dt.date) -> None:
    """Let ``missed`` report periods pass without a report, recorded as the daily job does."""
    fresh = _fresh(task)
    days = CADENCE_DAYS.get(fresh.report_cadence) or 7
    fresh.next_report_due = today - dt.timedelta(days=days * missed)
    services.record_missed_reports(fresh, today)
    Task.objects.filter(pk=fresh.pk).update(
        missed_reports=fresh.missed_reports,
        reports_outstanding=fresh.reports_outstanding,
        next_report_due=fresh.next_report_due,
    )


def _finish(task: Task, spec: Spec, today: dt.date) -> Task:
    """Backdate the timeline a little so it reads like weeks of work, then refresh the light."""
    events = list(TaskEvent.objects.filter(task=task).order_by("id"))
    span = max(1, (today - task.start_date).days)
    for i, event in enumerate(events):
        offset = span - int(span * (i + 1) / (len(events) + 1))
        TaskEvent.objects.filter(pk=event.pk).update(created_at=event.created_at - dt.timedelta(days=offset))
    fresh = _fresh(task)
    if fresh.status == "done" and spec.state == "done_late":
        Task.objects.filter(pk=task.pk).update(closed_on_time=False)
    services.refresh_lights(tasks=[fresh], today=today)
    return fresh


def _inspections(township: Unit, units: dict[str, Unit], supervisor: User, today: dt.date) -> int:
    inspectors = list(Person.objects.filter(user__username__in=["supervisor", "resp_leader"]))
    created = 0
    visits = [
        (today - dt.timedelta(days=12), "东星社区征迁片区", ["拆除现场未设置安全围挡", "建筑垃圾未及时清运"]),
        (today - dt.timedelta(days=5), "浔美工业区", ["两家企业消防通道被货物堵塞", "园区道路破损未修复", "危化品仓库台账不全"]),
    ]  # fmt: skip
    for date, place, findings in visits:
        inspection = services.inspection_create(
            actor=supervisor, unit=township, date=date, place=place, unannounced=True, inspectors=inspectors,
            summary="采取“四不两直”方式，不发通知、不打招呼、不听汇报、不用陪同，直奔基层、直插现场。",
            findings=findings,
        )  # fmt: skip
        for i, finding in enumerate(inspection.findings.all()):
            if i < 2:
                unit = (
                    units["CDD06"]
                    if "消防" in finding.description or "危化品" in finding.description
                    else units["CDZ1"]
                )
                services.finding_to_task(
                    actor=supervisor,
                    finding=finding,
                    lead_unit=unit,
                    deadline=today + dt.timedelta(days=7 + 7 * i),
                    responsible_leader=inspectors[-1] if inspectors else None,
                )
                created += 1
    return created
