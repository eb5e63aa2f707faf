"""Award rounds and 红黑榜 through the services: nominate → vote → decide → cite → publish."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from luoshi.awards import selectors, services
from luoshi.awards.models import ListIssue, ListStatus, RoundStatus
from luoshi.awards.workflow import Action
from luoshi.core.errors import Conflict, Forbidden, ValidationFailed


@contextmanager
def raises(exc: type[Exception], code: str) -> Iterator[None]:
    with pytest.raises(exc) as info:
        yield
    assert getattr(info.value, "code", None) == code


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def open_round(w: dict[str, Any], award: str = "star", period: str = "2026-Q3") -> Any:
    return services.round_create(actor=w["supervisor"], award_type=w[award], unit=w["a"], period=period)


@pytest.mark.django_db
def test_a_round_from_suggestion_to_publication(org: dict[str, Any]) -> None:
    w = org
    rnd = open_round(w)
    assert rnd.unit_kinds == ["community"]
    # The rule suggests the best two communities of township a on the metric (b's community is outside).
    candidates, how = selectors.suggest(rnd)
    assert [(c.name, c.value, c.rank) for c in candidates] == [("甲一社区", 90, 1), ("甲三社区", 80, 2)]
    assert "2" in how
    evidence = SimpleUploadedFile("事迹材料.pdf", PDF, content_type="application/pdf")
    first = services.nominate(
        actor=w["community"], rnd=rnd, unit=w["c1"], reason="群众满意率连续领先", files=[evidence]
    )
    assert first.nominating_unit == w["c1"] and first.evidence.get().original_name == "事迹材料.pdf"
    second = services.nominate(actor=w["supervisor"], rnd=rnd, unit=w["c3"], reason="主动服务")
    with raises(Conflict, "duplicate"):
        services.nominate(actor=w["supervisor"], rnd=rnd, unit=w["c3"], reason="再提一次")
    with raises(Conflict, "no_panel"):
        services.transition(actor=w["supervisor"], rnd=rnd, action=Action.START_VOTE)
    for who in ("leader", "resp_leader", "district"):
        services.add_member(actor=w["supervisor"], rnd=rnd, user=w[who])
    rnd = services.transition(actor=w["supervisor"], rnd=rnd, action=Action.START_VOTE, version=rnd.version)
    assert rnd.status == RoundStatus.VOTING
    with pytest.raises(Conflict):  # nominations are closed
        services.nominate(actor=w["supervisor"], rnd=rnd, unit=w["c2"], reason="晚了")
    services.vote(actor=w["leader"], rnd=rnd, nomination=first)
    services.vote(actor=w["district"], rnd=rnd, nomination=first)
    services.vote(actor=w["resp_leader"], rnd=rnd, nomination=second)
    with raises(Conflict, "voted"):
        services.vote(actor=w["leader"], rnd=rnd, nomination=second)
    with pytest.raises(Forbidden):  # not on the panel
        services.vote(actor=w["supervisor"], rnd=rnd, nomination=second)
    assert [(t.nomination.nominee_name, t.votes) for t in selectors.round_detail(rnd)] == [
        ("甲一社区", 2),
        ("甲三社区", 1),
    ]
    rnd = services.transition(actor=w["supervisor"], rnd=rnd, action=Action.DECIDE)  # the leader by votes
    assert rnd.status == RoundStatus.DECIDED
    with raises(Conflict, "citation_missing"):
        services.transition(actor=w["supervisor"], rnd=rnd, action=Action.PUBLISH)
    first.refresh_from_db()
    with pytest.raises(Conflict):
        services.cite(actor=w["supervisor"], nomination=second, citation="不是获奖者")
    services.cite(actor=w["supervisor"], nomination=first, citation="民有所呼、我有所应。")
    rnd = services.transition(actor=w["supervisor"], rnd=rnd, action=Action.PUBLISH)
    assert rnd.status == RoundStatus.PUBLISHED and rnd.published_at is not None
    cards = selectors.board(w["district"], "2026-Q3")
    assert [(c.award_type.name, [n.nominee_name for n in c.winners]) for c in cards] == [("惠民之星", ["甲一社区"])]
    assert selectors.board(w["district"], "2026-09") == []  # a month's board does not show the quarter's stars
    assert cards[0].winners[0].citation == "民有所呼、我有所应。"


@pytest.mark.django_db
def test_decide_on_a_tie_needs_a_choice_and_respects_the_number_of_winners(org: dict[str, Any]) -> None:
    w = org
    rnd = open_round(w)
    one = services.nominate(actor=w["supervisor"], rnd=rnd, unit=w["c1"], reason="甲")
    two = services.nominate(actor=w["supervisor"], rnd=rnd, unit=w["c2"], reason="乙")
    for who in ("leader", "resp_leader"):
        services.add_member(actor=w["supervisor"], rnd=rnd, user=w[who])
    services.transition(actor=w["supervisor"], rnd=rnd, action=Action.START_VOTE)
    services.vote(actor=w["leader"], rnd=rnd, nomination=one)
    services.vote(actor=w["resp_leader"], rnd=rnd, nomination=two)
    with raises(Conflict, "tie"):
        services.transition(actor=w["supervisor"], rnd=rnd, action=Action.DECIDE)
    with raises(ValidationFailed, "too_many_winners"):
        services.transition(actor=w["supervisor"], rnd=rnd, action=Action.DECIDE, winners=[one.pk, two.pk])
    services.transition(actor=w["supervisor"], rnd=rnd, action=Action.DECIDE, winners=[two.pk])
    two.refresh_from_db()
    assert two.is_winner
    rnd = services.transition(actor=w["supervisor"], rnd=rnd, action=Action.REOPEN_VOTE)
    two.refresh_from_db()
    assert rnd.status == RoundStatus.VOTING and not two.is_winner


@pytest.mark.django_db
def test_nominations_stay_in_scope_and_in_the_round(org: dict[str, Any]) -> None:
    w = org
    rnd = open_round(w)
    with pytest.raises(Forbidden):  # the community's staff may not put another community forward
        services.nominate(actor=w["community"], rnd=rnd, unit=w["c2"], reason="不是本单位")
    with raises(ValidationFailed, "nominee_outside"):  # b's community is outside a
        services.nominate(actor=w["supervisor"], rnd=rnd, unit=w["b_community"], reason="外单位")
    with pytest.raises(ValidationFailed) as empty:
        services.nominate(actor=w["supervisor"], rnd=rnd, unit=w["c2"], reason="  ")
    assert empty.value.code == "required"
    fake = SimpleUploadedFile("假的.pdf", b"MZ not a pdf", content_type="application/pdf")
    with raises(ValidationFailed, "file_content"):
        services.nominate(actor=w["supervisor"], rnd=rnd, unit=w["c2"], reason="附件", files=[fake])
    with pytest.raises(Forbidden):
        services.round_create(actor=w["staff"], award_type=w["star"], unit=w["a"], period="2026-Q3")
    with raises(ValidationFailed, "wrong_period_kind"):
        services.round_create(actor=w["supervisor"], award_type=w["star"], unit=w["a"], period="2026-09")
    with raises(Conflict, "duplicate"):
        open_round(w)


@pytest.mark.django_db
def test_cadre_awards_nominate_people_working_in_the_round(org: dict[str, Any]) -> None:
    w = org
    from luoshi.awards.tests import conftest

    rnd = open_round(w, "cadre_star")
    conftest.PERSON_SCORES[f"2026-Q3:{w['cadre'].pk}"] = 88
    try:
        candidates, _how = selectors.suggest(rnd)
    finally:
        conftest.PERSON_SCORES.clear()
    assert [(c.kind, c.name, c.value) for c in candidates] == [("person", "李服务", 88)]
    nomination = services.nominate(actor=w["community"], rnd=rnd, person=w["cadre"], reason="接诉即办")
    assert nomination.nominee_name == "李服务"


@pytest.mark.django_db
def test_champion_is_first_in_every_period_of_the_streak(org: dict[str, Any]) -> None:
    # fake.rank is lower-is-better. July: TA02 and TA03 share first place; August: TA01 and TA03;
    # September: TA01 alone — nobody held it three months running, TA03 held it for two.
    w = org
    rnd = services.round_create(actor=w["supervisor"], award_type=w["champion"], unit=w["a"], period="2026-09")
    assert selectors.suggest(rnd)[0] == []
    rnd8 = services.round_create(actor=w["supervisor"], award_type=w["champion"], unit=w["a"], period="2026-08")
    w["champion"].streak = 2
    w["champion"].save()
    rnd8.refresh_from_db()
    with translation.override("en"):
        candidates, _how = selectors.suggest(rnd8)
    assert [(c.name, c.basis) for c in candidates] == [("甲三社区", "first in 2026-07, 2026-08")]


@pytest.mark.django_db
def test_red_and_black_lists_from_rules(org: dict[str, Any]) -> None:
    w = org
    with pytest.raises(Forbidden):
        services.list_build(actor=w["community"], unit=w["a"], period="2026-11")
    issue = services.list_build(actor=w["supervisor"], unit=w["a"], period="2026-11")
    rows = [
        (e.color, e.position, e.unit_name, e.rule_name, e.value) for e in issue.entries.order_by("color", "position")
    ]
    assert rows == [
        ("black", 1, "甲二社区", "末位", 70),
        ("black", 2, "甲二社区", "低于75", 70),
        ("red", 1, "甲一社区", "前二", 90),
        ("red", 2, "甲三社区", "前二", 80),
    ]
    reason = issue.entries.get(color="red", position=1).reason
    assert reason.startswith("Score 90 pts（90 pts），")
    # A draft is seen by its organisers only; published, by everyone in or above the unit.
    assert list(selectors.lists_visible_to(w["community"])) == []
    issue = services.list_publish(actor=w["supervisor"], issue=issue, version=issue.version)
    assert issue.status == ListStatus.PUBLISHED
    assert list(selectors.lists_visible_to(w["community"])) == [issue]
    assert list(selectors.lists_visible_to(w["district"])) == [issue]
    assert list(selectors.lists_visible_to(w["tongtai"])) == []
    with pytest.raises(Conflict):  # published lists are not recomputed
        services.list_build(actor=w["supervisor"], unit=w["a"], period="2026-11")
    assert ListIssue.objects.count() == 1


@pytest.mark.django_db
def test_list_rules_share_places_on_ties_and_need_a_difference(org: dict[str, Any]) -> None:
    w = org
    equal = services.list_build(actor=w["supervisor"], unit=w["a"], period="2026-10")
    assert list(equal.entries.all()) == []  # with every figure equal nobody is best, worst or below 75
    tied = services.list_build(actor=w["supervisor"], unit=w["a"], period="2026-12")
    red = [(e.unit_name, e.reason) for e in tied.entries.filter(color="red").order_by("position")]
    assert [name for name, _r in red] == ["甲一社区", "甲二社区"]
    assert red[0][1] == red[1][1]  # the same figure, the same shared place
    with translation.override("en"):
        again = services.list_build(actor=w["supervisor"], unit=w["a"], period="2026-12")
    assert again.entries.filter(color="red").first().reason.endswith("no. 1 among the best 2 (tied)")
    assert [e.unit_name for e in again.entries.filter(color="black")] == ["甲三社区"]


@pytest.mark.django_db
def test_refused_steps_say_why_as_tasks_and_cases_do(org: dict[str, Any]) -> None:
    """No such step: 400 unknown_action; a step the caller's role does not take: 403 transition_forbidden."""
    w = org
    rnd = services.round_create(actor=w["supervisor"], award_type=w["star"], unit=w["a"], period="2026-Q3")
    with pytest.raises(ValidationFailed) as unknown:
        services.transition(actor=w["supervisor"], rnd=rnd, action="explode")
    assert (unknown.value.status, unknown.value.code) == (400, "unknown_action")
    with pytest.raises(Forbidden) as refused:
        services.transition(actor=w["district"], rnd=rnd, action="start_vote")
    assert (refused.value.status, refused.value.code) == (403, "transition_forbidden")
