"""The tasks app's metrics: March 2026 for a small tree, figures written out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from luoshi.core import metrics
from luoshi.core.metrics import Period, Subject
from luoshi.org.models import Person
from luoshi.tasks.models import EventKind, Status, Task, TaskEvent
from luoshi.tasks.tests.factories import TaskFactory

SH = ZoneInfo("Asia/Shanghai")
MARCH = Period.month(2026, 3)


def at(y: int, m: int, d: int, h: int = 10, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=SH)


@pytest.fixture
def world(tree: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setattr("luoshi.tasks.metrics.timeutil.today", lambda: dt.date(2026, 4, 16))
    a, b, dept, community = tree["a"], tree["b"], tree["dept"], tree["community"]
    leader = Person.objects.create(name="领导甲")
    t = {
        "t1": TaskFactory(lead_unit=dept, deadline=dt.date(2026, 3, 10), status=Status.DONE, closed_on_time=True,
                          closed_at=at(2026, 3, 9), submitted_at=at(2026, 3, 8), responsible_leader=leader),
        "t2": TaskFactory(lead_unit=community, deadline=dt.date(2026, 3, 20), status=Status.DONE,
                          closed_on_time=False, closed_at=at(2026, 4, 2), submitted_at=at(2026, 4, 1)),
        "t3": TaskFactory(lead_unit=a, deadline=dt.date(2026, 3, 25), status=Status.IN_PROGRESS,
                          responsible_leader=leader),
        "t4": TaskFactory(lead_unit=b, deadline=dt.date(2026, 3, 15), status=Status.CANCELLED,
                          closed_at=at(2026, 3, 1)),
        "t5": TaskFactory(lead_unit=b, deadline=dt.date(2026, 4, 10), status=Status.IN_PROGRESS),
        "t6": TaskFactory(lead_unit=a, deadline=dt.date(2026, 3, 31), status=Status.PENDING_REVIEW,
                          submitted_at=at(2026, 3, 30)),
        "t7": TaskFactory(lead_unit=b, deadline=dt.date(2026, 2, 10), status=Status.IN_PROGRESS,
                          start_date=dt.date(2026, 1, 5)),
        "t8": TaskFactory(lead_unit=b, deadline=dt.date(2026, 3, 5), status=Status.DRAFT),
    }  # fmt: skip
    events = [
        (t["t3"], EventKind.REMINDER, "", at(2026, 3, 5)),
        (t["t3"], EventKind.REMINDER, "", dt.datetime(2026, 2, 28, 16, 30, tzinfo=dt.UTC)),  # 03-01 00:30 local
        (t["t3"], EventKind.REMINDER, "", dt.datetime(2026, 3, 31, 16, 0, tzinfo=dt.UTC)),  # 04-01 00:00 local
        (t["t3"], EventKind.REMINDER, "due_soon_3", at(2026, 3, 22)),  # the scheduler's notice
        (t["t2"], EventKind.TRANSITION, "return", at(2026, 3, 18)),
        (t["t2"], EventKind.TRANSITION, "submit", at(2026, 3, 17)),
        (t["t2"], EventKind.REPORT_MISSED, "", at(2026, 3, 9)),
        (t["t2"], EventKind.REPORT_MISSED, "", at(2026, 3, 16)),
        (t["t7"], EventKind.REPORT_MISSED, "", at(2026, 3, 2)),
        (t["t8"], EventKind.REPORT_MISSED, "", at(2026, 3, 2)),  # a draft's events do not count
    ]
    for task, kind, action, when in events:
        TaskEvent.objects.create(task=task, kind=kind, action=action, created_at=when)
    return {**tree, **t, "leader": leader}


def values(key: str, subjects: dict[str, Subject]) -> dict[str, Decimal | None]:
    figures = metrics.compute(key, list(subjects.values()), MARCH)
    return {name: figures[s].value for name, s in subjects.items()}


def subjects(w: dict[str, Any]) -> dict[str, Subject]:
    out = {k: Subject.unit(w[k]) for k in ("district", "a", "b", "dept", "community")}
    out["leader"] = Subject.person(w["leader"].pk)
    return out


@pytest.mark.django_db
def test_on_time_rate_counts_tasks_due_in_the_period(world: dict[str, Any]) -> None:
    # Due in March and counted: t1 (on time), t2 (late), t3 (not done), t6 (in review, not yet signed off).
    # t4 is cancelled, t8 a draft, t5 due in April.
    assert values("tasks.on_time_rate", subjects(world)) == {
        "district": Decimal("25.00"),
        "a": Decimal("25.00"),
        "b": None,
        "dept": Decimal("100.00"),
        "community": Decimal("0.00"),
        "leader": Decimal("50.00"),
    }
    figure = metrics.compute("tasks.on_time_rate", [Subject.unit(world["a"])], MARCH)[Subject.unit(world["a"])]
    assert (figure.count, figure.basis) == (4, "1 / 4")


@pytest.mark.django_db
def test_overdue_open_tasks_at_the_end_of_the_period(world: dict[str, Any]) -> None:
    # t2 was finished only in April, t3 is still open, t7 has been overdue since February;
    # t6 was submitted before the end of March, t5 is not due yet.
    assert values("tasks.overdue_open", subjects(world)) == {
        "district": Decimal(3),
        "a": Decimal(2),
        "b": Decimal(1),
        "dept": Decimal(0),
        "community": Decimal(1),
        "leader": Decimal(1),
    }


@pytest.mark.django_db
def test_timeline_counts_in_local_time(world: dict[str, Any]) -> None:
    assert values("tasks.reminders", subjects(world)) == {
        "district": Decimal(2), "a": Decimal(2), "b": Decimal(0), "dept": Decimal(0), "community": Decimal(0),
        "leader": Decimal(2),
    }  # fmt: skip
    assert values("tasks.returned", subjects(world))["community"] == Decimal(1)
    assert values("tasks.missed_reports", subjects(world)) == {
        "district": Decimal(3), "a": Decimal(2), "b": Decimal(1), "dept": Decimal(0), "community": Decimal(2),
        "leader": Decimal(0),
    }  # fmt: skip


@pytest.mark.django_db
def test_records_behind_the_figures_link_to_the_tasks(world: dict[str, Any]) -> None:
    a = Subject.unit(world["a"])
    found = metrics.records("tasks.on_time_rate", a, MARCH)
    assert [(r.id, r.note, r.url) for r in found] == [
        (world["t1"].pk, "2026-03-10 到期，按期完成", f"/tasks/{world['t1'].pk}/"),
        (world["t2"].pk, "2026-03-20 到期，逾期完成", f"/tasks/{world['t2'].pk}/"),
        (world["t3"].pk, "2026-03-25 到期，未完成", f"/tasks/{world['t3'].pk}/"),
        (world["t6"].pk, "2026-03-31 到期，未完成", f"/tasks/{world['t6'].pk}/"),
    ]
    overdue = metrics.records("tasks.overdue_open", Subject.unit(world["b"]), MARCH)
    assert [(r.id, r.note) for r in overdue] == [(world["t7"].pk, "2026-02-10 到期，截至 2026-03-31 逾期 49 天")]
    missed = metrics.records("tasks.missed_reports", a, MARCH)
    assert [(r.id, r.note) for r in missed] == [(world["t2"].pk, "2026年3月 2 次")]


@pytest.mark.django_db
def test_any_number_of_subjects_costs_two_queries(world: dict[str, Any], django_assert_num_queries: Any) -> None:
    many = [*subjects(world).values(), *[Subject.person(9000 + i) for i in range(50)]]
    for key in ["tasks.on_time_rate", "tasks.overdue_open", "tasks.reminders"]:
        with django_assert_num_queries(2):
            metrics.compute(key, many, MARCH)
    assert Task.objects.count() == 8


@pytest.mark.django_db
@pytest.mark.parametrize(
    "key", ["tasks.on_time_rate", "tasks.overdue_open", "tasks.missed_reports", "tasks.reminders", "tasks.returned"]
)
def test_bulk_records_match_the_records_of_each_subject_in_one_query(
    world: dict[str, Any], key: str, django_assert_num_queries: Any
) -> None:
    every = list(subjects(world).values())
    with django_assert_num_queries(1):
        bulk = metrics.records_bulk(key, every, MARCH, limit=3)
    for subject in every:
        assert bulk[subject] == metrics.records(key, subject, MARCH, limit=3), (key, subject)
