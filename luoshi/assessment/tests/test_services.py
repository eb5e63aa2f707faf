"""Runs: compute, manual scores, freeze (a snapshot), publish, appeals and their revisions; scheme versions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.assessment import services
from luoshi.assessment.models import AppealState, Result, RunState, VersionStatus
from luoshi.assessment.tests.factories import scheme_world
from luoshi.assessment.workflow import Action, AppealAction
from luoshi.core.errors import Conflict, Forbidden, LuoshiError, NotFound, ValidationFailed
from luoshi.org.models import Role, UnitKind
from luoshi.org.tests.factories import UnitFactory, user_with_role
from luoshi.tasks.models import EventKind, Status, Task, TaskEvent
from luoshi.tasks.tests.factories import TaskFactory

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def w(tree: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setattr("luoshi.tasks.metrics.timeutil.today", lambda: dt.date(2026, 4, 16))
    a, b, community = tree["a"], tree["b"], tree["community"]
    done = {"status": Status.DONE, "closed_on_time": True, "closed_at": dt.datetime(2026, 3, 9, tzinfo=SH),
            "submitted_at": dt.datetime(2026, 3, 8, tzinfo=SH)}  # fmt: skip
    TaskFactory(lead_unit=community, deadline=dt.date(2026, 3, 10), **done)
    late = TaskFactory(lead_unit=a, deadline=dt.date(2026, 3, 20), status=Status.IN_PROGRESS)
    TaskFactory(lead_unit=b, deadline=dt.date(2026, 3, 12), **done)
    TaskFactory(lead_unit=b, deadline=dt.date(2026, 3, 14), **done)
    TaskEvent.objects.create(
        task=late, kind=EventKind.REMINDER, action="", created_at=dt.datetime(2026, 3, 22, tzinfo=SH)
    )
    world = scheme_world(tree)
    return {**tree, **world, "late": late}


def _result(run: Any, unit: Any) -> Result:
    return Result.objects.get(run=run, is_current=True, subject_id=unit.pk)


@pytest.mark.django_db
def test_compute_scores_every_subject_from_the_metrics(w: dict[str, Any]) -> None:
    run = services.run_compute(actor=w["organiser"], scheme=w["scheme"], period_key="2026-03")
    assert run.state == RunState.REVIEW and run.subject_count == 2
    a, b = _result(run, w["a"]), _result(run, w["b"])
    # a: 1 of 2 on time (50% → 15 of 30), 1 overdue (20 − 5), 1 reminder (−1), manual pending (0)
    assert a.item(w["on_time"].pk) == {"v": "50.00", "b": "1 / 2", "c": 2, "p": "15.00", "s": "15.00"}
    assert a.item(w["overdue"].pk)["p"] == "15.00"
    assert (a.base, a.deduction, a.total, a.pending) == (Decimal("30.00"), Decimal("-1.00"), Decimal("29.00"), 1)
    # b: 2 of 2 on time (30), none overdue (20), no reminders
    assert (b.total, b.rank, a.rank) == (Decimal("50.00"), 1, 2)
    assert b.band == "不合格"


@pytest.mark.django_db
def test_freeze_is_refused_until_every_manual_score_is_in(w: dict[str, Any]) -> None:
    run = services.run_compute(actor=w["organiser"], scheme=w["scheme"], period_key="2026-03")
    with pytest.raises(Conflict) as caught:
        services.run_transition(actor=w["organiser"], run=run, action=Action.FREEZE)
    assert caught.value.code == "manual_scores_missing"
    for unit in (w["a"], w["b"]):
        services.manual_score_enter(
            actor=w["organiser"], run=run, item=w["manual"], subject_id=unit.pk, points="8", reason="走访评定",
            files=[SimpleUploadedFile("评议.pdf", b"%PDF-1.4 test\n%%EOF")],
        )  # fmt: skip
    assert services.run_missing_manual(run) == 0
    assert _result(run, w["a"]).total == Decimal("37.00")
    run = services.run_transition(actor=w["organiser"], run=run, action=Action.FREEZE)
    assert run.state == RunState.FROZEN


@pytest.mark.django_db
def test_manual_score_checks_its_bounds_and_reason(w: dict[str, Any]) -> None:
    run = services.run_compute(actor=w["organiser"], scheme=w["scheme"], period_key="2026-03")
    with pytest.raises(ValidationFailed):
        services.manual_score_enter(actor=w["organiser"], run=run, item=w["manual"], subject_id=w["a"].pk,
                                    points="11", reason="x")  # fmt: skip
    with pytest.raises(ValidationFailed):
        services.manual_score_enter(actor=w["organiser"], run=run, item=w["manual"], subject_id=w["a"].pk,
                                    points="5", reason="  ")  # fmt: skip
    with pytest.raises(NotFound):
        services.manual_score_enter(actor=w["organiser"], run=run, item=w["on_time"], subject_id=w["a"].pk,
                                    points="5", reason="x")  # fmt: skip
    outsider = user_with_role(Role.SUPERVISOR, w["a"], username="a_sup")
    with pytest.raises(Forbidden):
        services.manual_score_enter(actor=outsider, run=run, item=w["manual"], subject_id=w["a"].pk,
                                    points="5", reason="x")  # fmt: skip


def _published(w: dict[str, Any]) -> Any:
    run = services.run_compute(actor=w["organiser"], scheme=w["scheme"], period_key="2026-03")
    for unit in (w["a"], w["b"]):
        services.manual_score_enter(actor=w["organiser"], run=run, item=w["manual"], subject_id=unit.pk,
                                    points="6", reason="走访评定")  # fmt: skip
    run = services.run_transition(actor=w["organiser"], run=run, action=Action.FREEZE)
    return services.run_transition(actor=w["organiser"], run=run, action=Action.PUBLISH)


@pytest.mark.django_db
def test_a_frozen_run_is_a_snapshot_that_later_edits_never_move(w: dict[str, Any]) -> None:
    run = _published(w)
    before = {r.subject_id: (r.total, r.items, r.records) for r in Result.objects.filter(run=run)}
    a = _result(run, w["a"])
    overdue = a.records[str(w["overdue"].pk)]
    assert [r[1] for r in overdue] == [w["late"].pk] and overdue[0][3] == f"/tasks/{w['late'].pk}/"
    # The record changes afterwards: the late task is signed off, new tasks go overdue, a unit is added.
    Task.objects.filter(pk=w["late"].pk).update(status=Status.DONE, closed_at=dt.datetime(2026, 3, 21, tzinfo=SH),
                                                closed_on_time=True)  # fmt: skip
    TaskFactory(lead_unit=w["b"], deadline=dt.date(2026, 3, 2), status=Status.IN_PROGRESS)
    UnitFactory(name="丙街道", kind=UnitKind.SUBDISTRICT, code="TC", parent=w["district"])
    after = {r.subject_id: (r.total, r.items, r.records) for r in Result.objects.filter(run=run)}
    assert after == before
    from luoshi.assessment import selectors

    records, snapshot = selectors.item_records(run, a, next(i for i in selectors.structure_of(run).items
                                                             if i.id == w["overdue"].pk))  # fmt: skip
    assert snapshot and [r.id for r in records] == [w["late"].pk]


@pytest.mark.django_db
def test_an_upheld_appeal_publishes_a_new_version_and_keeps_the_old(w: dict[str, Any]) -> None:
    run = _published(w)
    appellant = user_with_role(Role.LEADER, w["a"], username="a_leader")
    a = _result(run, w["a"])
    assert (a.rank, a.total) == (2, Decimal("35.00"))
    viewer = user_with_role(Role.DISTRICT_VIEWER, w["district"], username="viewer")
    with pytest.raises(Forbidden):
        services.appeal_file(actor=viewer, run=run, result=a, item=w["manual"], reason="不服")
    appeal = services.appeal_file(actor=appellant, run=run, result=a, item=w["manual"], reason="评议偏低",
                                  files=[SimpleUploadedFile("回访.pdf", b"%PDF-1.4 x\n%%EOF")])  # fmt: skip
    with pytest.raises(Conflict):
        services.appeal_file(actor=appellant, run=run, result=a, item=w["manual"], reason="再次申诉")
    with pytest.raises(Forbidden):
        services.appeal_decide(actor=appellant, appeal=appeal, action=AppealAction.UPHOLD, reply="x",
                               corrected_points="10")  # fmt: skip
    appeal = services.appeal_decide(actor=w["organiser"], appeal=appeal, action=AppealAction.UPHOLD,
                                    reply="属实", corrected_points="10")  # fmt: skip
    run.refresh_from_db()
    assert (appeal.state, appeal.revision, run.revision, run.state) == (AppealState.UPHELD, 2, 2, RunState.PUBLISHED)
    now = _result(run, w["a"])
    assert (now.revision, now.total, now.item(w["manual"].pk)["p"]) == (2, Decimal("39.00"), "10.00")
    old = Result.objects.get(run=run, revision=1, subject_id=w["a"].pk)
    assert (old.is_current, old.total) == (False, Decimal("35.00"))
    from luoshi.assessment import selectors

    changes = selectors.revision_changes(run, w["organiser"])
    assert [(c["name"], c["old_total"], c["total"]) for c in changes] == [
        ("甲街道", Decimal("35.00"), Decimal("39.00"))
    ]
    with pytest.raises(Conflict):
        services.appeal_decide(actor=w["organiser"], appeal=appeal, action=AppealAction.REJECT, reply="x")


@pytest.mark.django_db
def test_the_version_in_force_scores_a_period(w: dict[str, Any]) -> None:
    scheme = w["scheme"]
    draft = services.version_new_draft(actor=w["organiser"], scheme=scheme)
    assert draft.number == 2 and draft.sections.count() == 2
    with pytest.raises(Conflict):
        services.version_new_draft(actor=w["organiser"], scheme=scheme)
    services.version_update(actor=w["organiser"], version=draft, expected=draft.version,
                            effective_from=dt.date(2026, 4, 1), note="四月起调整", bands=[])  # fmt: skip
    services.version_publish(actor=w["organiser"], version=draft)
    from luoshi.core.metrics import Period

    assert services.version_in_force(scheme, Period.parse("2026-03")) == w["version"]
    assert services.version_in_force(scheme, Period.parse("2026-04")).number == 2
    assert services.version_in_force(scheme, Period.parse("2025-12")) is None
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    with pytest.raises(Conflict):
        services.section_save(actor=w["organiser"], version=draft, name="改")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"kind": "linear", "worst": "100", "best": "0"}, "rule_best"),  # on-time rate: higher is better
        ({"kind": "rank", "table": "40, 30"}, "rule_table"),  # first place above the item's points
        ({"kind": "gate"}, "rule_threshold"),
    ],
)
def test_an_item_rule_must_fit_the_metric(w: dict[str, Any], rule: dict[str, Any], field: str) -> None:
    draft = services.version_new_draft(actor=w["organiser"], scheme=w["scheme"])
    section = draft.sections.first()
    with pytest.raises(ValidationFailed) as caught:
        services.item_save(actor=w["organiser"], section=section, name="x", kind="auto", points="30",
                           metric_key="tasks.on_time_rate", rule=rule)  # fmt: skip
    assert field in caught.value.details


@pytest.mark.django_db
def test_compute_costs_the_same_queries_for_many_subjects(
    w: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    run = services.run_compute(actor=w["organiser"], scheme=w["scheme"], period_key="2026-03")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        services.run_transition(actor=w["organiser"], run=run, action=Action.RECOMPUTE)
    for i in range(30):
        UnitFactory(name=f"新街道{i}", kind=UnitKind.SUBDISTRICT, code=f"TN{i}", parent=w["district"])
    with CaptureQueriesContext(connection) as many:
        services.run_transition(actor=w["organiser"], run=run, action=Action.RECOMPUTE)
    assert Result.objects.filter(run=run).count() == 32
    assert len(many) == len(few)


@pytest.mark.django_db
def test_a_cadre_scheme_scores_the_people_on_its_posts(tree: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from luoshi.assessment.models import SubjectType
    from luoshi.org.tests.factories import PersonFactory, PositionFactory

    monkeypatch.setattr("luoshi.tasks.metrics.timeutil.today", lambda: dt.date(2026, 4, 16))
    force = UnitFactory(name="甲专班", kind=UnitKind.TASK_FORCE, code="TAZ1", parent=tree["a"])
    on_force = PositionFactory(unit=force, title="专班成员", person=PersonFactory(name="征迁甲"), post="relocation")
    PositionFactory(unit=tree["dept"], title="专员", person=PersonFactory(name="招商乙"), post="investment")
    PositionFactory(unit=tree["dept"], title="科员", person=PersonFactory(name="旁人丙"))
    # The post decides, not the words: a 招商 title without the post, or the 项目 post, is not scored.
    PositionFactory(unit=tree["dept"], title="招商联络员", person=PersonFactory(name="无岗丁"))
    PositionFactory(unit=tree["dept"], title="科员", person=PersonFactory(name="项目戊"), post="project")
    PositionFactory(unit=UnitFactory(name="外区组", code="OUT1"), title="组员", post="relocation")  # outside the tree
    on_force = on_force.person
    TaskFactory(
        lead_unit=tree["a"], deadline=dt.date(2026, 3, 5), status=Status.IN_PROGRESS, responsible_leader=on_force
    )
    organiser = user_with_role(Role.SUPERVISOR, tree["a"], username="a_sup")
    scheme = services.scheme_create(
        actor=organiser, owner=tree["a"], name="甲街道干部赛马", subject_type=SubjectType.PERSON,
        posts=["relocation", "investment"], effective_from=dt.date(2026, 1, 1),
    )  # fmt: skip
    version = scheme.versions.get()
    section = services.section_save(actor=organiser, version=version, name="任务")
    rule = {"kind": "per_event", "each": "5", "cap": "10"}
    item = services.item_save(actor=organiser, section=section, name="逾期任务", kind="auto", points="10",
                              metric_key="tasks.overdue_open", rule=rule)  # fmt: skip
    services.version_publish(actor=organiser, version=version)
    run = services.run_compute(actor=organiser, scheme=scheme, period_key="2026-03")
    results = {r.name: r for r in Result.objects.filter(run=run)}
    assert set(results) == {"征迁甲", "招商乙"}
    assert (results["征迁甲"].item(item.pk)["c"], results["征迁甲"].total) == (1, Decimal("5.00"))
    assert (results["征迁甲"].unit_id, results["招商乙"].unit_id) == (force.pk, tree["dept"].pk)
    with pytest.raises(ValidationFailed):  # a unit-only metric cannot score cadres
        services.item_save(actor=organiser, section=section, name="x", kind="auto", points="5",
                           metric_key="relocation.signing_rate", rule={"kind": "gate", "threshold": "1"},
                           )  # fmt: skip


@pytest.mark.django_db
def test_a_manual_score_rewrites_only_its_subjects_row_and_the_ranks_it_moves(w: dict[str, Any]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def score(run: Any, unit: Any, points: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            services.manual_score_enter(actor=w["organiser"], run=run, item=w["manual"], subject_id=unit.pk,
                                        points=points, reason="走访评定")  # fmt: skip
        return len(ctx)

    run = services.run_compute(actor=w["organiser"], scheme=w["scheme"], period_key="2026-03")
    score(run, w["a"], "4")
    few = score(run, w["a"], "5")  # a changes its score: 29 → 34, still second of two
    Result.objects.filter(run=run).delete()
    extra = [UnitFactory(name=f"新街道{i}", kind=UnitKind.SUBDISTRICT, code=f"TN{i}", parent=w["district"])
             for i in range(30)]  # fmt: skip
    services.run_transition(actor=w["organiser"], run=run, action=Action.RECOMPUTE)
    # 32 subjects: b and the 30 new ones at 50 (rank 1), a at 34 (rank 32).
    before = {r.subject_id: (r.pk, r.rank, r.items) for r in Result.objects.filter(run=run)}
    assert before[w["a"].pk][1] == 32 and before[w["b"].pk][1] == 1
    assert score(run, w["a"], "8") == few  # the same queries for 32 subjects as for 2
    after = {r.subject_id: (r.pk, r.rank, r.items) for r in Result.objects.filter(run=run)}
    assert {k: v[0] for k, v in after.items()} == {k: v[0] for k, v in before.items()}  # no row deleted or added
    assert {k: v for k, v in after.items() if k != w["a"].pk} == {k: v for k, v in before.items() if k != w["a"].pk}
    assert _result(run, w["a"]).total == Decimal("37.00")
    # A new unit scored 10 goes first alone: the 30 others at 50 move to second (one more query, the ranks).
    score(run, extra[0], "0")  # its first score: still 50, nothing moves
    assert score(run, extra[0], "10") == few + 1
    ranks = dict(Result.objects.filter(run=run).values_list("subject_id", "rank"))
    assert (ranks[extra[0].pk], ranks[w["b"].pk], ranks[extra[1].pk], ranks[w["a"].pk]) == (1, 2, 2, 32)


@pytest.mark.django_db
def test_an_upheld_appeal_writes_new_rows_only_for_the_subjects_it_moves(w: dict[str, Any]) -> None:
    c = UnitFactory(name="丙街道", kind=UnitKind.SUBDISTRICT, code="TC", parent=w["district"])
    for _ in range(4):  # four tasks overdue since February: c has 30 + 0 + 6 = 36, between a (35) and b (56)
        TaskFactory(lead_unit=c, start_date=dt.date(2026, 1, 5), deadline=dt.date(2026, 2, 10),
                    status=Status.IN_PROGRESS)  # fmt: skip
    run = services.run_compute(actor=w["organiser"], scheme=w["scheme"], period_key="2026-03")
    services.manual_score_enter(actor=w["organiser"], run=run, item=w["manual"], subject_id=c.pk, points="6",
                                reason="走访评定")  # fmt: skip
    for unit in (w["a"], w["b"]):
        services.manual_score_enter(actor=w["organiser"], run=run, item=w["manual"], subject_id=unit.pk,
                                    points="6", reason="走访评定")  # fmt: skip
    run = services.run_transition(actor=w["organiser"], run=run, action=Action.FREEZE)
    run = services.run_transition(actor=w["organiser"], run=run, action=Action.PUBLISH)
    assert [(_result(run, u).total, _result(run, u).rank) for u in (w["b"], c, w["a"])] == [
        (Decimal("56.00"), 1), (Decimal("36.00"), 2), (Decimal("35.00"), 3),
    ]  # fmt: skip
    b_row = _result(run, w["b"]).pk
    appellant = user_with_role(Role.LEADER, w["a"], username="a_leader")
    appeal = services.appeal_file(actor=appellant, run=run, result=_result(run, w["a"]), item=w["manual"],
                                  reason="评议偏低")  # fmt: skip
    services.appeal_decide(actor=w["organiser"], appeal=appeal, action=AppealAction.UPHOLD, reply="属实",
                           corrected_points="10")  # fmt: skip
    run.refresh_from_db()
    # Revision 2 holds a (39, now second) and c (pushed to third); b's row is untouched.
    assert sorted(Result.objects.filter(run=run, revision=2).values_list("name", "total", "rank")) == [
        ("丙街道", Decimal("36.00"), 3), ("甲街道", Decimal("39.00"), 2),
    ]  # fmt: skip
    assert (_result(run, w["b"]).pk, _result(run, w["b"]).revision) == (b_row, 1)
    assert Result.objects.filter(run=run, is_current=True).count() == 3
    assert Result.objects.filter(run=run, revision=1, is_current=False).count() == 2  # the old a and c, kept
    assert _result(run, w["a"]).item(w["manual"].pk)["a"] == appeal.pk
    from luoshi.assessment import selectors

    changes = selectors.revision_changes(run, w["organiser"])
    assert [(ch["name"], ch["old_rank"], ch["rank"], ch["diff"]) for ch in changes] == [
        ("甲街道", 3, 2, Decimal("4.00")), ("丙街道", 2, 3, Decimal("0.00")),
    ]  # fmt: skip


@pytest.mark.django_db
def test_evidence_is_bounded_checked_and_added_only_while_it_may_be(w: dict[str, Any]) -> None:
    run = services.run_compute(actor=w["organiser"], scheme=w["scheme"], period_key="2026-03")

    def pdfs(n: int) -> list[SimpleUploadedFile]:
        return [SimpleUploadedFile(f"材料{i}.pdf", b"%PDF-1.4 x\n%%EOF") for i in range(n)]

    with pytest.raises(NotFound):  # no score yet to add evidence to
        services.manual_score_add_evidence(actor=w["organiser"], run=run, item=w["manual"], subject_id=w["a"].pk,
                                           files=pdfs(1))  # fmt: skip
    services.manual_score_enter(actor=w["organiser"], run=run, item=w["manual"], subject_id=w["a"].pk, points="6",
                                reason="走访评定", files=pdfs(3))  # fmt: skip
    assert len(services.manual_score_add_evidence(actor=w["organiser"], run=run, item=w["manual"],
                                                  subject_id=w["a"].pk, files=pdfs(2))) == 2  # fmt: skip
    with pytest.raises(ValidationFailed):  # a sixth file on the same score
        services.manual_score_add_evidence(actor=w["organiser"], run=run, item=w["manual"], subject_id=w["a"].pk,
                                           files=pdfs(1))  # fmt: skip
    with pytest.raises(ValidationFailed):  # not what it claims to be
        services.manual_score_enter(actor=w["organiser"], run=run, item=w["manual"], subject_id=w["b"].pk,
                                    points="6", reason="x", files=[SimpleUploadedFile("x.pdf", b"MZ\x90")])  # fmt: skip
    staff = user_with_role(Role.UNIT_STAFF, w["a"], username="a_staff")
    with pytest.raises(Forbidden):
        services.manual_score_add_evidence(actor=staff, run=run, item=w["manual"], subject_id=w["a"].pk,
                                           files=pdfs(1))  # fmt: skip


# --- The codes' spelling (issue 15) ---------------------------------------------------------
# Each row is a real refusal with the code and status a client sees, written out (not read back
# from AssessmentErrorCode). Evidence for a decided appeal is ``appeal_decided`` (it was
# ``wrong_state`` before issue 15), as deciding it twice already said.


def _refusal(call: Any) -> tuple[str, int]:
    with pytest.raises(LuoshiError) as caught:
        call()
    return str(caught.value.code), caught.value.status


def _pdf() -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile("回访.pdf", b"%PDF-1.4 x\n%%EOF")]


@pytest.mark.django_db
def test_assessment_refusals_keep_their_codes(w: dict[str, Any]) -> None:
    organiser, scheme = w["organiser"], w["scheme"]
    run = services.run_compute(actor=organiser, scheme=scheme, period_key="2026-03")
    assert _refusal(lambda: services.run_compute(actor=organiser, scheme=scheme, period_key="2026-03")) == (
        "run_exists",
        409,
    )
    step = services.run_transition
    assert _refusal(lambda: step(actor=organiser, run=run, action=Action.FREEZE)) == ("manual_scores_missing", 409)
    assert _refusal(lambda: step(actor=organiser, run=run, action=Action.PUBLISH)) == ("wrong_state", 409)
    assert _refusal(lambda: step(actor=organiser, run=run, action="explode")) == ("unknown_action", 409)


@pytest.mark.django_db
def test_appeal_refusals_keep_their_codes(w: dict[str, Any]) -> None:
    run = _published(w)
    appellant = user_with_role(Role.LEADER, w["a"], username="a_leader")
    a = _result(run, w["a"])
    appeal = services.appeal_file(actor=appellant, run=run, result=a, item=w["manual"], reason="评议偏低")
    again = services.appeal_file
    assert _refusal(lambda: again(actor=appellant, run=run, result=a, item=w["manual"], reason="再次")) == (
        "appeal_pending",
        409,
    )
    decide = services.appeal_decide
    assert _refusal(lambda: decide(actor=appellant, appeal=appeal, action=AppealAction.REJECT, reply="x")) == (
        "transition_forbidden",
        403,
    )
    appeal = decide(actor=w["organiser"], appeal=appeal, action=AppealAction.REJECT, reply="不属实")
    assert _refusal(lambda: decide(actor=w["organiser"], appeal=appeal, action=AppealAction.REJECT, reply="x")) == (
        "appeal_decided",
        409,
    )
    evidence = services.appeal_add_evidence
    assert _refusal(lambda: evidence(actor=appellant, appeal=appeal, files=_pdf())) == ("appeal_decided", 409)
