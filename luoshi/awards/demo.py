"""Demo data for awards: the six stars awarded for 2026 Q3 over the demo district, one
冲刺单项冠军, and the published 红黑榜 of November 2026 — all through the services, from the
figures the metric registry computes over the other apps' demo data (its red list leaves out the
units on the black list, and a satisfaction rate on fewer than six ratings). Loading twice changes
nothing. Citations are invented prose about the invented demo units and people."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from luoshi.accounts.models import User
from luoshi.awards import defaults, selectors, services
from luoshi.awards.models import AwardKind, AwardRound, AwardType, ListIssue, ListRule, SubjectKind
from luoshi.awards.workflow import Action
from luoshi.core import metrics
from luoshi.core.metrics import Period, Subject
from luoshi.org.models import Person, Unit

QUARTER = "2026-Q3"
CHAMPION_MONTH = "2026-09"
LIST_MONTH = "2026-11"

CITATIONS = {
    "gongjian": "迎难而上、攻坚克难，{name}把每一项重点任务都扛在肩上、落到实处，按时办结率在全区领先。",
    "xiangmu": "项目为王、实干为先，{name}紧盯重点项目建设，完成投资走在全区前列。",
    "chuangxin": "敢为人先、勇于创新，{name}探索出一条可复制、可推广的特色做法。",
    "jianshe": "精耕细作、品质为上，{name}征迁攻坚推进有力，签约户数全区领先。",
    "huimin": "民有所呼、我有所应，{name}用心用情办好群众身边事，群众满意率全区领先。",
    "fuwu": "本领过硬、服务暖心，{name}接诉即办、按时办结，赢得群众和企业的口碑。",
    "guanjun": "连续三个月稳居榜首，{name}冲刺单项冠军，实至名归。",
}


#: The demo office's 红黑榜 rules on top of the defaults: a unit on the black list that month is not on
#: the red list, and a satisfaction rate needs at least six ratings behind it (a township's 5 out of 5
#: is not yet a better record than 180 out of 190).
RULE_SETTINGS: dict[str, dict[str, Any]] = {
    "群众满意率前三": {"min_count": 6, "not_if_black": True},
    "任务按时办结率前三": {"not_if_black": True},
}

#: The citation of a winner nominated without a figure: it claims no lead on the award's metric.
GENERIC = "{name}在本期工作中表现突出，经评审组投票，特授予此项荣誉。"


def _figure(award_type: AwardType, candidate: selectors.Candidate) -> str:
    """The figure a suggestion rests on, in words: "案件满意率 96.15 %（25 / 26）", or for a champion the
    indicator and the months it was first in ("税收收入：2026年7月, … 均排名第一")."""
    try:
        metric = metrics.get_metric(award_type.metric)
    except metrics.UnknownMetric:
        return str(candidate.value)
    if award_type.kind == AwardKind.CHAMPION:
        names = metric.param_words()
        return f"{names.get(award_type.metric_param, award_type.metric_param)}：{candidate.basis}"
    figure = f"{metric.label} {candidate.value} {metric.unit}"
    return f"{figure}（{candidate.basis}）" if candidate.basis else figure


def _users() -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__in=["admin", "district", "supervisor", "leader"])}


@transaction.atomic
def load(*, stdout: Any = None) -> dict[str, int]:
    defaults.seed(AwardType, ListRule)
    for name, settings in RULE_SETTINGS.items():
        ListRule.objects.filter(name=name).update(**settings)
    users = _users()
    district = Unit.objects.filter(parent__isnull=True, is_active=True).order_by("pk").first()
    admin = users.get("admin")
    if district is None or admin is None:
        return {"rounds": 0, "lists": 0}
    rounds = 0
    for award_type in AwardType.objects.filter(is_active=True).order_by("sort_order"):
        if award_type.kind == AwardKind.CHAMPION:
            rounds += _champion(award_type, district, admin, users)
        else:
            rounds += _star(award_type, district, QUARTER, admin, users)
    lists = 0
    if not ListIssue.objects.filter(unit=district, period=LIST_MONTH).exists():
        issue = services.list_build(actor=admin, unit=district, period=LIST_MONTH)
        if issue.entries.exists():
            services.list_publish(actor=admin, issue=issue)
            lists = 1
        else:  # no figures to list (the other apps' demo data is not loaded)
            issue.delete()
    return {"rounds": rounds, "lists": lists}


def _star(award_type: AwardType, district: Unit, period: str, admin: User, users: dict[str, User]) -> int:
    if AwardRound.objects.filter(award_type=award_type, unit=district, period=period).exists():
        return 0
    rnd = services.round_create(actor=admin, award_type=award_type, unit=district, period=period)
    candidates, _how = selectors.suggest(rnd)
    picks: list[tuple[int, str, str]] = [(c.id, c.name, _figure(award_type, c)) for c in candidates[:3]]
    reason = f"{award_type.contest}{award_type.name}：{award_type.description}"
    on_figures = bool(picks)
    if not picks:  # nominations only (创新之星), or no figures: three eligible ones, a different three per award
        everyone = selectors.eligible(rnd)
        start = (award_type.sort_order // 10 * 3) % max(1, len(everyone))
        picks = [(s.id, name, "") for s, name in (everyone[start:] + everyone[:start])[:3]]
        if award_type.metric:  # the rule found no figure: the nomination and the citation claim none
            reason = f"{award_type.contest}{award_type.name}：本期没有可比数据，由组织单位提名。"
    if not picks:
        return 1
    nominations = []
    for subject_id, _name, figure in picks:
        kwargs: dict[str, Any] = (
            {"person": Person.objects.get(pk=subject_id)}
            if award_type.subject_kind == SubjectKind.PERSON
            else {"unit": Unit.objects.get(pk=subject_id)}
        )
        nominations.append(
            services.nominate(
                actor=admin,
                rnd=rnd,
                reason=reason,
                figure=figure,
                **kwargs,
            )
        )
    for username in ("admin", "district"):
        if username in users:
            services.add_member(actor=admin, rnd=rnd, user=users[username])
    rnd = services.transition(actor=admin, rnd=rnd, action=Action.START_VOTE)
    for username in ("admin", "district"):
        if username in users:
            services.vote(actor=users[username], rnd=rnd, nomination=nominations[0])
    rnd = services.transition(actor=admin, rnd=rnd, action=Action.DECIDE, winners=[nominations[0].pk])
    winner = nominations[0]
    services.cite(
        actor=admin,
        nomination=winner,
        citation=(CITATIONS.get(award_type.code, GENERIC) if on_figures or not award_type.metric else GENERIC).format(
            name=winner.nominee_name
        ),
    )
    services.transition(actor=admin, rnd=rnd, action=Action.PUBLISH)
    return 1


def _champion(award_type: AwardType, district: Unit, admin: User, users: dict[str, User]) -> int:
    """Pick the indicator on which one township held first place for the three months to September."""
    if AwardRound.objects.filter(award_type=award_type, unit=district, period=CHAMPION_MONTH).exists():
        return 0
    if not award_type.metric_param:
        code = _streak_indicator(award_type, district)
        if code is None:
            return 0
        award_type.metric_param = code
        award_type.save(update_fields=["metric_param"])
    return _star(award_type, district, CHAMPION_MONTH, admin, users)


def _streak_indicator(award_type: AwardType, district: Unit) -> str | None:
    try:
        metric = metrics.get_metric(award_type.metric)
    except metrics.UnknownMetric:
        return None
    units = Unit.objects.filter(parent=district, kind__in=defaults.TOWNSHIPS, is_active=True)
    subjects = [Subject.unit(u) for u in units]
    if not subjects or metric.param is None:
        return None
    end = Period.parse(CHAMPION_MONTH)
    months = [end.previous().previous(), end.previous(), end]
    for choice in metric.param.choices():
        leaders: set[Subject] | None = None
        for month in months:
            figures = metrics.compute(metric.key, subjects, month, choice.value)
            firsts = {s for s, f in figures.items() if f.value == 1}
            leaders = firsts if leaders is None else leaders & firsts
        if leaders and len(leaders) == 1:
            return choice.value
    return None
