"""Demo assessment: the district's township scheme with two published monthly runs and an upheld
appeal, and 城东街道's cadre schemes (赛马) for its 征迁 post — scored on the households each cadre
signed as their responsible cadre (包户干部): one run published, the last under review with one
manual score left for the supervisor — and its 招商 post (two runs published).

Items are built from the metrics registered when the demo loads: tasks always; cases and
indicators when their apps register metrics (their items are left out otherwise).
Invented names only; loading twice changes nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from luoshi.accounts.models import User
from luoshi.accounts.types import Actor
from luoshi.assessment import services
from luoshi.assessment.models import (
    Item,
    ItemKind,
    ManualScore,
    Post,
    Result,
    Run,
    Scheme,
    SubjectType,
)
from luoshi.assessment.rules import SectionKind
from luoshi.assessment.workflow import Action, AppealAction
from luoshi.core import metrics
from luoshi.core.metrics import Period, PeriodKind
from luoshi.core.timeutil import today as local_today
from luoshi.org.models import Unit, UnitKind

TOWNSHIP_SCHEME = "乡镇（街道）月度综合考核方案（2026版）"
CADRE_SCHEME = "城东街道征迁岗干部赛马考核"
INVESTMENT_SCHEME = "城东街道招商岗干部赛马考核"


def is_loaded() -> bool:
    return Scheme.objects.filter(name=TOWNSHIP_SCHEME).exists()


def _has(key: str) -> bool:
    """Is the metric registered, and (if it takes a parameter) is there a value to give it?"""
    try:
        metric = metrics.get_metric(key)
    except metrics.UnknownMetric:
        return False
    return metric.param is None or bool(list(metric.param.choices()))


def _item(actor: Actor, section: Any, name: str, points: str, key: str = "", rule: Any = None, param: str = "",
          description: str = "") -> Item:  # fmt: skip
    return services.item_save(
        actor=actor, section=section, name=name, kind=ItemKind.AUTO if key else ItemKind.MANUAL, points=points,
        metric_key=key, metric_param=param, rule=rule or {}, description=description,
    )  # fmt: skip


def _first_param(key: str, preferred: str = "") -> str:
    metric = metrics.get_metric(key)
    if metric.param is None:
        return ""
    values = [c.value for c in metric.param.choices()]
    return preferred if preferred in values else (values[0] if values else "")


def _township_scheme(admin: User, district: Unit) -> Scheme:
    scheme = services.scheme_create(
        actor=admin, owner=district, name=TOWNSHIP_SCHEME, subject_type=SubjectType.UNIT,
        unit_kinds=[UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT], period_kind=PeriodKind.MONTH,
        description="一目标一考核：重点工作、基层治理、经济发展按月晾晒，年终汇总兑现奖惩。",
    )  # fmt: skip
    version = scheme.versions.get()
    work = services.section_save(actor=admin, version=version, name="重点工作落实", weight="1")
    _item(admin, work, "任务按期完成率", "25", "tasks.on_time_rate", {"kind": "linear", "worst": "60", "best": "100"},
          description="按期完成率60%得0分，100%得满分，其间按比例计分")  # fmt: skip
    _item(admin, work, "逾期未办结任务", "15", "tasks.overdue_open",
          {"kind": "per_event", "each": "1.5", "cap": "15"},
          description="月末每有1项逾期未办结任务扣1.5分，扣完为止")  # fmt: skip
    _item(admin, work, "进展报告按时报送", "10", "tasks.missed_reports",
          {"kind": "per_event", "each": "1", "cap": "10"}, description="每缺报1次扣1分")  # fmt: skip
    governance = services.section_save(actor=admin, version=version, name="基层治理", weight="1")
    if _has("cases.on_time_rate"):
        _item(admin, governance, "事件按时办结率", "10", "cases.on_time_rate",
              {"kind": "linear", "worst": "60", "best": "100"}, _first_param("cases.on_time_rate", "handle"),
              description="按时办结率60%得0分，100%得满分")  # fmt: skip
    else:
        _item(
            admin, governance, "退回重办次数", "10", "tasks.returned", {"kind": "per_event", "each": "1", "cap": "10"}
        )
    if _has("cases.satisfaction_rate"):
        _item(admin, governance, "群众满意率", "10", "cases.satisfaction_rate",
              {"kind": "linear", "worst": "80", "best": "100"}, description="满意率80%得0分，100%得满分")  # fmt: skip
    else:
        _item(admin, governance, "被催办次数", "10", "tasks.reminders", {"kind": "per_event", "each": "1", "cap": "10"})
    _item(admin, governance, "群众评议", "10", description="由区委督查室根据走访和民意调查打分")
    economy = services.section_save(actor=admin, version=version, name="经济发展", weight="1")
    rank_table = [str(Decimal(10) - Decimal("0.5") * i) for i in range(14)]
    if _has("indicators.progress_gap"):
        _item(admin, economy, "主要指标序时进度", "10", "indicators.progress_gap",
              {"kind": "linear", "worst": "-20", "best": "0"}, _first_param("indicators.progress_gap"),
              description="达到序时进度得满分，落后20个百分点得0分")  # fmt: skip
    if _has("projects.investment_completed"):
        _item(admin, economy, "重点项目完成投资", "10" if _has("indicators.progress_gap") else "20",
              "projects.investment_completed", {"kind": "rank", "table": rank_table, "rest": "3", "no_data": "zero"},
              description="按完成投资额排名：第1名10分，依次递减0.5分")  # fmt: skip
    bonus = services.section_save(actor=admin, version=version, name="加分项", kind=SectionKind.BONUS, weight="1")
    if _has("relocation.households_signed"):
        _item(admin, bonus, "征迁攻坚签约", "3", "relocation.households_signed",
              {"kind": "per_event", "each": "0.1", "cap": "3"}, description="每签约1户加0.1分，最多加3分")  # fmt: skip
    deduction = services.section_save(
        actor=admin, version=version, name="扣分项", kind=SectionKind.DEDUCTION, weight="1"
    )
    _item(admin, deduction, "被督查催办", "5", "tasks.reminders", {"kind": "per_event", "each": "0.5", "cap": "5"},
          description="每被催办1次扣0.5分，最多扣5分")  # fmt: skip
    if _has("cases.red_cards"):
        _item(admin, deduction, "红牌督办", "5", "cases.red_cards", {"kind": "per_event", "each": "1", "cap": "5"},
              description="每张红牌扣1分，最多扣5分")  # fmt: skip
    services.version_publish(actor=admin, version=version)
    return scheme


def _cadre_scheme(admin: User, chengdong: Unit, *, name: str, post: str, description: str,
                  results: list[tuple[str, str, str, dict[str, Any]]]) -> Scheme:  # fmt: skip
    """A 赛马 of the cadres on one front-line post: their own results on the post, a reviewer's
    evaluation, and the tasks they lead."""
    scheme = services.scheme_create(
        actor=admin, owner=chengdong, name=name, subject_type=SubjectType.PERSON, posts=[post],
        period_kind=PeriodKind.MONTH, description=description,
    )  # fmt: skip
    version = scheme.versions.get()
    section = services.section_save(actor=admin, version=version, name="攻坚实绩", weight="1")
    for item_name, points, key, rule in results:
        if _has(key):
            _item(admin, section, item_name, points, key, rule, description=RULE_NOTES.get(key, ""))
    _item(admin, section, "岗位实绩评价", "40", description="由街道督查办结合台账和走访评定")
    tasks = services.section_save(actor=admin, version=version, name="任务落实", weight="1")
    _item(
        admin, tasks, "牵头任务按期完成率", "15", "tasks.on_time_rate", {"kind": "linear", "worst": "60", "best": "100"}
    )
    _item(admin, tasks, "逾期未办结任务", "15", "tasks.overdue_open", {"kind": "per_event", "each": "5", "cap": "15"})
    services.version_publish(actor=admin, version=version)
    return scheme


RULE_NOTES = {
    "relocation.households_signed": "当月包户签约每1户得2分，最高30分",
    "projects.leads_signed": "当月每签约1条招商线索得10分，最高30分",
}


def _relocation_cadres(admin: User, chengdong: Unit) -> Scheme:
    return _cadre_scheme(
        admin, chengdong, name=CADRE_SCHEME, post=Post.RELOCATION,
        description="把征迁一线作为赛马场，按月晾晒征迁岗干部的包户签约实绩。",
        results=[("包户签约户数", "30", "relocation.households_signed", {"kind": "per_event", "each": "2",
                                                                       "cap": "30"})],
    )  # fmt: skip


def _investment_cadres(admin: User, chengdong: Unit) -> Scheme:
    return _cadre_scheme(
        admin, chengdong, name=INVESTMENT_SCHEME, post=Post.INVESTMENT,
        description="把招商一线作为赛马场，按月晾晒招商岗干部的签约实绩。",
        results=[("签约招商线索", "30", "projects.leads_signed", {"kind": "per_event", "each": "10", "cap": "30"})],
    )  # fmt: skip


def _score_manual(run: Run, admin: User, *, skip_subject: int | None = None) -> None:
    """Demo reviewers' scores for every manual item (a spread of 6 to 10 in tenths of the points)."""
    items = list(Item.objects.filter(section__scheme_version=run.scheme_version, kind=ItemKind.MANUAL))
    rows = []
    for result in Result.objects.filter(run=run, is_current=True).order_by("subject_id"):
        if result.subject_id == skip_subject:
            continue
        for item in items:
            share = Decimal(6 + (result.subject_id * 7 + item.pk) % 5) / Decimal(10)
            rows.append(ManualScore(run=run, item=item, subject_id=result.subject_id, points=(item.points * share)
                                    .quantize(Decimal("0.01")), reason="走访群众和服务对象，综合评定。",
                                    entered_by=admin))  # fmt: skip
    ManualScore.objects.bulk_create(rows)


def _publish(run: Run, admin: User) -> Run:
    run = services.run_transition(actor=admin, run=run, action=Action.FREEZE)
    return services.run_transition(actor=admin, run=run, action=Action.PUBLISH)


@transaction.atomic
def load(*, stdout: Any = None) -> dict[str, int]:
    district = Unit.objects.filter(code="SFQ").first()
    chengdong = Unit.objects.filter(code="CD").first()
    admin = User.objects.filter(username="admin").first()
    if is_loaded() or district is None or chengdong is None or admin is None:
        return {"schemes": Scheme.objects.count(), "runs": Run.objects.count()}
    last = Period.containing(local_today(), PeriodKind.MONTH).previous()
    before = last.previous()
    township = _township_scheme(admin, district)
    for period in (before, last):
        run = services.run_compute(actor=admin, scheme=township, period_key=period.key)
        _score_manual(run, admin)
        run = _publish(run, admin)
    # 通泰街道 appeals its 群众评议 score of the last month; the organisers uphold it.
    tongtai = Unit.objects.filter(code="TT").first()
    filer = User.objects.filter(username="tongtai").first()
    manual_item = Item.objects.filter(section__scheme_version__scheme=township, name="群众评议").first()
    if tongtai is not None and filer is not None and manual_item is not None:
        result = Result.objects.get(run=run, is_current=True, subject_id=tongtai.pk)
        appeal = services.appeal_file(
            actor=filer, run=run, result=result, item=manual_item,
            reason="本月我街道群众满意度回访率达98%，评议得分偏低，附回访记录，请予复核。",
        )  # fmt: skip
        services.appeal_decide(
            actor=admin, appeal=appeal, action=AppealAction.UPHOLD, corrected_points=manual_item.points,
            reply="经复核回访记录属实，群众评议调整为满分。",
        )  # fmt: skip
    investment = _investment_cadres(admin, chengdong)
    for period in (before, last):
        run = services.run_compute(actor=admin, scheme=investment, period_key=period.key)
        _score_manual(run, admin)
        _publish(run, admin)
    cadres = _relocation_cadres(admin, chengdong)
    run = services.run_compute(actor=admin, scheme=cadres, period_key=before.key)
    _score_manual(run, admin)
    _publish(run, admin)
    run = services.run_compute(actor=admin, scheme=cadres, period_key=last.key)
    staff = User.objects.filter(username="staff").select_related("person").first()
    person = getattr(staff, "person", None)
    _score_manual(run, admin, skip_subject=person.pk if person is not None else None)
    # The reviewers' scores are in the results (only 彭晨曦's is left to enter), as entering them one by
    # one on the page would have left them.
    services.run_transition(actor=admin, run=run, action=Action.RECOMPUTE)
    return {"schemes": Scheme.objects.count(), "runs": Run.objects.count()}
