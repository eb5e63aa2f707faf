"""Bulletins: the section registry, drafts as of a date, the workflow, numbering, notifications."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from luoshi.bulletins import services, workflow
from luoshi.bulletins.models import Bulletin, Kind, Schedule, Sequence, Status
from luoshi.cases.models import Case, SupervisionCard
from luoshi.cases.tests import factories as cf
from luoshi.core import bulletin_sections as bs
from luoshi.core.errors import Conflict, Forbidden, LuoshiError, NotFound, ValidationFailed
from luoshi.notifications.models import Notification
from luoshi.tasks.models import ProgressReport, Task
from luoshi.tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
AS_OF = dt.date(2026, 11, 29)  # a Sunday


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def test_registry_offers_each_kind_its_sections() -> None:
    assert [p.key for p in bs.providers_for(bs.WEEKLY)] == [
        "tasks.flow", "tasks.lights", "cases.cards", "cases.townships", "projects.lagging",
    ]  # fmt: skip
    assert [p.key for p in bs.providers_for(bs.MONTHLY)] == [
        "tasks.flow", "tasks.lights", "cases.cards", "cases.townships", "indicators.ranks", "projects.lagging",
        "assessment.results",
    ]  # fmt: skip
    assert [p.key for p in bs.providers_for(bs.RANKING)] == [
        "cases.townships", "indicators.ranks", "assessment.results",
    ]  # fmt: skip
    with pytest.raises(ValueError, match="unknown bulletin kinds"):
        bs.register_section(bs.SectionProvider("x", "x", 1, frozenset({"daily"}), lambda u, s, e: bs.SectionContent()))


@pytest.fixture
def w() -> Any:
    return cf.world()


def _records(w: Any) -> None:
    """Tasks assigned, closed and overdue before AS_OF, and a supervision card."""
    dept, a = w.dept, w.a
    TaskFactory(lead_unit=dept, title="整治东门口占道经营", status="in_progress", start_date=dt.date(2026, 10, 1),
                deadline=dt.date(2026, 11, 20), assigned_at=at(dt.date(2026, 10, 1)))  # fmt: skip
    TaskFactory(lead_unit=dept, title="更新社区消防设施", status="in_progress", start_date=dt.date(2026, 11, 1),
                deadline=dt.date(2026, 12, 31), assigned_at=at(dt.date(2026, 11, 24)))  # fmt: skip
    TaskFactory(lead_unit=a, title="完成背街小巷保洁", status="done", start_date=dt.date(2026, 11, 1),
                deadline=dt.date(2026, 11, 30), assigned_at=at(dt.date(2026, 11, 2)),
                closed_at=at(dt.date(2026, 11, 26)), closed_on_time=True)  # fmt: skip
    case = cf.report(w)
    SupervisionCard.objects.create(case=case, level="yellow", unit=dept, points=-2, issued_at=at(dt.date(2026, 11, 25)))


def _draft(w: Any, kind: str = Kind.WEEKLY, **kwargs: Any) -> Bulletin:
    return services.create_draft(actor=w.supervisor, data=services.DraftData(kind, w.a, AS_OF, **kwargs))


def test_weekly_draft_reports_the_week(w: Any) -> None:
    _records(w)
    b = _draft(w)
    assert (b.period_start, b.as_of, b.status) == (dt.date(2026, 11, 23), AS_OF, Status.DRAFT)
    assert b.title == "关于2026年第48周督查督办工作情况的通报"
    sections = {s.key: s.content for s in b.sections.all()}
    assert list(sections) == ["tasks.flow", "tasks.lights", "cases.cards", "cases.townships", "projects.lagging"]
    flow = sections["tasks.flow"]
    assert flow["paragraphs"] == [
        "2026年11月23日至2026年11月29日，新交办任务1项，办结1项（其中按期办结1项）；在办任务2项，其中逾期1项。"
    ]
    assert flow["tables"][0]["header"] == ["编号", "任务名称", "牵头单位", "完成时限", "逾期天数"]
    assert [r[1:] for r in flow["tables"][0]["rows"]] == [["整治东门口占道经营", "甲街道·甲党政办", "2026-11-20", "9"]]
    cards = sections["cases.cards"]
    assert cards["tables"][0]["rows"] == [["甲街道·甲党政办", "1", "1", "0", "-2"]]
    # the annex lists the card at its local time (it was written in UTC, 2026-11-25T02:00+00:00)
    assert cards["annexes"][0]["rows"][0][:3] == ["2026-11-25 10:00", "甲街道·甲党政办", "黄牌督办"]
    assert set(b.recipients.values_list("name", flat=True)) == {"甲党政办", "甲一社区", "甲城管办"}


# (reported, closed, closed overdue, rated, rating) of each case; the week is 2026-11-23 … 11-29
CASE_CLOCKS = [
    (dt.date(2026, 11, 24), None, False, None, ""),  # reported in the week, open
    (dt.date(2026, 11, 10), dt.date(2026, 11, 25), False, dt.date(2026, 11, 26), "satisfied"),  # closed, rated
    (dt.date(2026, 5, 4), dt.date(2026, 11, 27), True, None, ""),  # reported 203 days before, closed late
    (dt.date(2026, 4, 1), dt.date(2026, 11, 1), False, dt.date(2026, 11, 28), "unsatisfied"),  # rated in the week
    (dt.date(2026, 11, 28), dt.date(2026, 11, 30), False, None, ""),  # closed after the bulletin's day
]


def test_the_cases_section_counts_each_case_by_its_own_clock(w: Any) -> None:
    """Reported by reported_at, closed by closed_at, rated by rated_at, however long before the period the
    case was reported (a case of May closed in the week counts; the section once looked back 120 days only)."""
    for reported, closed, overdue, rated, rating in CASE_CLOCKS:
        case = cf.report(w)
        fields: dict[str, Any] = {"reported_at": at(reported), "was_overdue": overdue, "rating": rating}
        if closed:
            fields.update(status="closed", closed_at=at(closed), due_at=None)
        if rated:
            fields["rated_at"] = at(rated)
        Case.objects.filter(pk=case.pk).update(**fields)
    content = _draft(w).sections.get(key="cases.townships").content
    assert content["paragraphs"] == [
        "本期共受理群众诉求2件，办结2件，按期办结率50.0%；群众评价2件，满意及基本满意率50.0%。"
    ]
    assert content["tables"][0]["rows"] == [["尚未派遣", "2", "2", "1", "50.0%", "2", "50.0%"]]


def test_regenerating_a_past_bulletin_gives_the_same_document(w: Any) -> None:
    _records(w)
    b = _draft(w)
    before = {s.key: s.content for s in b.sections.all()}
    docx_before = services.render_docx(b, AS_OF)
    # the record moves on after the bulletin's day
    later = at(AS_OF + dt.timedelta(days=2))
    late_task = Task.objects.get(title="整治东门口占道经营")
    Task.objects.filter(pk=late_task.pk).update(status="done", closed_at=later, closed_on_time=False)
    ProgressReport.objects.create(task=late_task, percent=90, text="基本完成", reported_on=later.date(),
                                  reported_by=w.staff,
                                  created_at=later)  # fmt: skip
    TaskFactory(lead_unit=w.dept, title="新任务", status="assigned", start_date=later.date(),
                deadline=later.date() + dt.timedelta(days=30), assigned_at=later)  # fmt: skip
    SupervisionCard.objects.create(case=cf.report(w), level="red", unit=w.dept, points=-5, issued_at=later)
    services.rebuild(actor=w.supervisor, bulletin=b)
    assert {s.key: s.content for s in b.sections.all()} == before
    assert _docx_text(services.render_docx(b, AS_OF)) == _docx_text(docx_before)
    # while a bulletin for the later day sees the change
    newer = services.create_draft(
        actor=w.supervisor, data=services.DraftData(Kind.WEEKLY, w.a, AS_OF + dt.timedelta(days=3))
    )
    assert newer.sections.get(key="cases.cards").content["tables"][0]["rows"][0][3] == "1"


def _docx_text(data: bytes) -> list[str]:
    import io

    from docx import Document

    doc = Document(io.BytesIO(data))
    return [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]


def test_editor_reorders_drops_and_adds_text(w: Any) -> None:
    b = _draft(w)
    flow, lights = b.sections.get(key="tasks.flow"), b.sections.get(key="tasks.lights")
    edits = [
        services.SectionEdit(flow.pk, 5, True, "请各单位对照问题清单抓紧整改。"),
        services.SectionEdit(lights.pk, 1, False, ""),
    ]
    data = services.Edit(title="本周督查情况通报", cc="区委督查室", recipient_ids=[w.dept.pk], sections=edits,
                         new_title="下步工作要求", new_text="一是压实责任；二是加强督导。")  # fmt: skip
    b = services.edit(actor=w.supervisor, bulletin=b, data=data, version=b.version)
    assert (b.title, b.cc, b.version) == ("本周督查情况通报", "区委督查室", 2)
    assert list(b.recipients.all()) == [w.dept]
    order = [(s.key, s.included) for s in b.sections.order_by("position", "id")]
    assert order[0] == ("tasks.lights", False)
    assert ("tasks.flow", True) in order and order[-1] == ("text.1", True)
    with pytest.raises(Conflict):
        services.edit(actor=w.supervisor, bulletin=b, data=data, version=1)
    text = _docx_text(services.render_docx(b))
    assert "一、任务交办、办结和逾期情况" in text[text.index("本周督查情况通报") :] or any(
        "任务交办" in t for t in text
    )
    assert "请各单位对照问题清单抓紧整改。" in text
    assert not any("亮灯" in t for t in text if t.startswith(("一、", "二、", "三、", "四、", "五、")))


def test_issue_numbers_freezes_stores_and_notifies(w: Any) -> None:
    _records(w)
    b = _draft(w)
    b = services.act(actor=w.supervisor, bulletin=b, action=workflow.ISSUE, issue_day=dt.date(2026, 11, 30))
    assert b.status == Status.ISSUED
    assert b.doc_number == "甲街督〔2026〕1号"
    assert b.docx.name.endswith(".docx") and b.xlsx.name.endswith(".xlsx") and not b.pdf
    with pytest.raises(ValidationFailed):
        services.rebuild(actor=w.supervisor, bulletin=b)
    notified = set(Notification.objects.filter(kind="bulletin.issued").values_list("recipient__username", flat=True))
    assert notified == {"staff", "staff2", "comm"}  # the users of the units it is addressed to
    second = services.act(
        actor=w.supervisor, bulletin=_draft(w, Kind.SPECIAL, subject="占道经营整治"), action=workflow.ISSUE
    )
    assert (
        second.doc_number == f"甲街督〔{timezone.localdate().year}〕{1 if timezone.localdate().year != 2026 else 2}号"
    )


def test_numbers_never_repeat() -> None:
    from luoshi.org.tests.factories import small_tree

    unit = small_tree()["a"]
    numbers = [services.next_number(unit, 2026) for _ in range(5)]
    assert numbers == [1, 2, 3, 4, 5]
    assert Sequence.objects.get(unit=unit, year=2026).last == 5


def test_workflow_table_and_roles(w: Any) -> None:
    b = _draft(w)
    with pytest.raises(Forbidden):
        services.act(actor=w.leader, bulletin=b, action=workflow.ISSUE)
    b = services.act(actor=w.supervisor, bulletin=b, action=workflow.SUBMIT)
    assert Notification.objects.filter(kind="bulletin.review", recipient=w.leader).exists()
    with pytest.raises(ValidationFailed):
        services.act(actor=w.leader, bulletin=b, action=workflow.RETURN)
    b = services.act(actor=w.leader, bulletin=b, action=workflow.RETURN, comment="补充整改要求")
    assert b.status == Status.DRAFT
    b = services.act(actor=w.supervisor, bulletin=b, action=workflow.SUBMIT)
    b = services.act(actor=w.leader, bulletin=b, action=workflow.APPROVE)
    with pytest.raises(Conflict):
        services.act(actor=w.leader, bulletin=b, action=workflow.APPROVE)
    b = services.act(actor=w.supervisor, bulletin=b, action=workflow.ISSUE)
    assert list(b.events.values_list("action", "to_status")) == [
        ("create", "draft"), ("submit", "review"), ("return", "draft"), ("submit", "review"),
        ("approve", "approved"), ("issue", "issued"),
    ]  # fmt: skip
    for status in Status.values:
        for action in workflow.ACTION_LABELS:
            row = workflow.TABLE.get((status, action))
            assert (row is not None) == (
                action in [t.action for t in workflow.actions_for(status, frozenset({"admin"}))]
            )


def test_drafts_out_of_reach(w: Any) -> None:
    with pytest.raises(NotFound):
        services.create_draft(actor=w.other_supervisor, data=services.DraftData(Kind.WEEKLY, w.a, AS_OF))
    with pytest.raises(NotFound):  # staff of a department do not see the subdistrict itself
        services.create_draft(actor=w.staff, data=services.DraftData(Kind.WEEKLY, w.a, AS_OF))
    with pytest.raises(Forbidden):  # the leader reviews, the supervisor makes bulletins
        services.create_draft(actor=w.leader, data=services.DraftData(Kind.WEEKLY, w.a, AS_OF))
    with pytest.raises(ValidationFailed):
        services.create_draft(actor=w.supervisor, data=services.DraftData(Kind.SPECIAL, w.a, AS_OF))
    future = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed):
        services.create_draft(actor=w.supervisor, data=services.DraftData(Kind.WEEKLY, w.a, future))


def test_schedule_makes_one_draft_a_week(w: Any) -> None:
    Schedule.objects.create(unit=w.a, kind=Kind.WEEKLY, weekday=0, hour=9, created_by=w.supervisor)
    monday = dt.datetime(2026, 11, 30, 9, 5, tzinfo=TZ)
    assert services.run_schedules(monday - dt.timedelta(hours=1)) == 0
    assert services.run_schedules(monday) == 1
    assert services.run_schedules(monday + dt.timedelta(hours=2)) == 0
    draft = Bulletin.objects.get()
    assert (draft.kind, draft.as_of, draft.period_start, draft.status) == (
        Kind.WEEKLY,
        AS_OF,
        dt.date(2026, 11, 23),
        Status.DRAFT,
    )
    assert services.run_schedules(monday + dt.timedelta(days=1)) == 0


def test_the_counting_calendar_agrees_with_the_calendar() -> None:
    import random

    from luoshi.core import workdays
    from luoshi.tasks.bulletin import _PrefixCalendar

    base = workdays.calendar()
    first, last = dt.date(2025, 12, 1), dt.date(2027, 2, 1)
    fast = _PrefixCalendar(base, first, last)
    rng = random.Random(13)
    for _ in range(500):
        a = first + dt.timedelta(days=rng.randint(-30, 460))
        b = first + dt.timedelta(days=rng.randint(-30, 460))
        assert fast.working_days_between(a, b) == base.working_days_between(a, b), (a, b)


def test_memo_keeps_values_only_within_one_build() -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert bs.memo("k", compute) == 1 and bs.memo("k", compute) == 2  # outside a build: always computed
    with bs.build_session():
        assert bs.memo("k", compute) == 3 and bs.memo("k", compute) == 3
    assert bs.memo("k", compute) == 4


@pytest.mark.django_db(transaction=True)
def test_numbers_taken_at_the_same_time_never_repeat() -> None:
    import threading

    from django.db import connection, transaction

    from luoshi.org.tests.factories import small_tree

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the row lock matters on PostgreSQL")
    unit = small_tree()["a"]
    taken: list[int] = []
    barrier = threading.Barrier(6)

    def issue() -> None:
        from django.db import connection as own

        try:
            barrier.wait()
            with transaction.atomic():
                taken.append(services.next_number(unit, 2026))
        finally:
            own.close()

    threads = [threading.Thread(target=issue) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(taken) == [1, 2, 3, 4, 5, 6]


def test_postgresql_connections_run_without_jit() -> None:
    """JIT compiling cost more than it saved for the bulletins' counts (bench/RESULTS-bulletins.md)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (the lander runs this app's tests on PostgreSQL too)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


# --- The codes' spelling (issue 15) ---------------------------------------------------------
# Each row is a real refusal with the code and status a client sees, written out (not read back
# from BulletinErrorCode). ``invalid_period`` was ``bad_period``, ``future_date`` was ``future`` and a
# step the caller's role does not take was plain ``forbidden`` before issue 15.


def _refusal(call: Any) -> tuple[str, int]:
    with pytest.raises(LuoshiError) as caught:
        call()
    return str(caught.value.code), caught.value.status


def test_bulletin_refusals_keep_their_codes(w: Any) -> None:
    def draft(kind: str, day: dt.date = AS_OF, **kwargs: Any) -> Any:
        return lambda: services.create_draft(actor=w.supervisor, data=services.DraftData(kind, w.a, day, **kwargs))

    future = timezone.localdate() + dt.timedelta(days=1)
    assert _refusal(draft("daily")) == ("bad_kind", 400)
    assert _refusal(draft(Kind.WEEKLY, future)) == ("future_date", 400)
    assert _refusal(draft(Kind.SPECIAL)) == ("subject_required", 400)
    assert _refusal(draft(Kind.WEEKLY, period_start=AS_OF + dt.timedelta(days=1))) == ("invalid_period", 400)
    b = _draft(w)
    act = services.act
    assert _refusal(lambda: act(actor=w.leader, bulletin=b, action=workflow.ISSUE)) == ("transition_forbidden", 403)
    assert _refusal(lambda: act(actor=w.supervisor, bulletin=b, action=workflow.APPROVE)) == ("wrong_state", 409)
    b = act(actor=w.supervisor, bulletin=b, action=workflow.SUBMIT)
    assert _refusal(lambda: act(actor=w.leader, bulletin=b, action=workflow.RETURN)) == ("comment_required", 400)
