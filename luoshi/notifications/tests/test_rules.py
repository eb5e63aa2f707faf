"""Which events notify whom, and which are grouped (luoshi/notifications/rules.py, docs/homes.md)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from luoshi.notifications import services
from luoshi.notifications.models import Notification
from luoshi.org.models import Role
from luoshi.org.tests.factories import UnitFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

#: (kind, roles the person holds) → told? Written out: a party secretary is not told of every 签收.
TOLD = [
    ("task.accept", {Role.LEADER}, False),
    ("task.accept", {Role.RESPONSIBLE_LEADER}, False),
    ("task.accept", {Role.LEADER, Role.RESPONSIBLE_LEADER}, False),
    ("task.accept", {Role.SUPERVISOR}, True),
    ("task.accept", {Role.LEADER, Role.SUPERVISOR}, True),
    ("task.accept", set(), True),
    ("task.decline", {Role.LEADER}, True),
    ("task.submit", {Role.LEADER}, True),
    ("task.request_extension", {Role.LEADER}, True),
    ("task.overdue", {Role.LEADER}, False),
    ("task.overdue", {Role.SUPERVISOR}, True),
    ("task.overdue", {Role.UNIT_STAFF}, True),
    ("case_closed", {Role.LEADER}, False),
    ("case_closed", {Role.GRID_WORKER}, True),
    ("case_sla_yellow", {Role.RESPONSIBLE_LEADER}, False),
    ("case_sla_red", {Role.LEADER}, True),
    ("case_new", {Role.LEADER}, True),
    ("an.unlisted.kind", {Role.LEADER}, True),
]


@pytest.mark.parametrize(("kind", "roles", "told"), TOLD)
def test_who_is_told(kind, roles, told):
    unit = UnitFactory()
    user = UserFactory()
    for role in roles:
        grant(user, role, unit)
    services.notify(recipients=[user], kind=kind, title="事项")
    assert Notification.objects.filter(recipient=user).exists() is told


def test_an_administrator_is_told_even_of_quiet_kinds():
    admin = UserFactory(is_superuser=True)
    services.notify(recipients=[admin], kind="task.accept", title="任务已签收：甲")
    assert Notification.objects.filter(recipient=admin).count() == 1


def test_five_acceptances_on_one_day_are_one_notice_that_counts_them():
    supervisor = UserFactory()
    grant(supervisor, Role.SUPERVISOR, UnitFactory())
    for i in range(5):
        services.notify(recipients=[supervisor], kind="task.accept", title=f"任务已签收：任务{i}", url=f"/tasks/{i}/")
    note = Notification.objects.get(recipient=supervisor)
    assert note.count == 5
    assert note.title == "今天已有 5 项任务签收"
    assert note.body.splitlines() == [f"任务已签收：任务{i}" for i in (4, 3, 2, 1, 0)]
    assert note.url == "/tasks/4/"  # the newest


def test_one_acceptance_keeps_its_own_heading():
    supervisor = UserFactory()
    grant(supervisor, Role.SUPERVISOR, UnitFactory())
    services.notify(recipients=[supervisor], kind="task.accept", title="任务已签收：甲", body="已安排人员")
    note = Notification.objects.get(recipient=supervisor)
    assert (note.count, note.title, note.body) == (1, "任务已签收：甲", "已安排人员")


def test_a_read_notice_is_not_added_to_the_next_one_starts_afresh():
    supervisor = UserFactory()
    grant(supervisor, Role.SUPERVISOR, UnitFactory())
    services.notify(recipients=[supervisor], kind="task.accept", title="任务已签收：甲")
    services.mark_read(user=supervisor)
    services.notify(recipients=[supervisor], kind="task.accept", title="任务已签收：乙")
    assert sorted(Notification.objects.filter(recipient=supervisor).values_list("title", "count")) == [
        ("任务已签收：乙", 1),
        ("任务已签收：甲", 1),
    ]


def test_yesterdays_notice_is_not_added_to():
    supervisor = UserFactory()
    grant(supervisor, Role.SUPERVISOR, UnitFactory())
    services.notify(recipients=[supervisor], kind="task.accept", title="任务已签收：甲")
    Notification.objects.update(created_at=timezone.now() - timezone.timedelta(days=1))
    services.notify(recipients=[supervisor], kind="task.accept", title="任务已签收：乙")
    assert Notification.objects.filter(recipient=supervisor).count() == 2


def test_a_grouped_notice_lists_at_most_twenty_events_and_counts_them_all():
    supervisor = UserFactory()
    grant(supervisor, Role.SUPERVISOR, UnitFactory())
    for i in range(25):
        services.notify(recipients=[supervisor], kind="task.accept", title=f"任务已签收：{i}")
    note = Notification.objects.get(recipient=supervisor)
    assert note.count == 25
    assert note.title == "今天已有 25 项任务签收"
    assert len(note.body.splitlines()) == 20


def test_kinds_that_ask_for_action_are_never_grouped():
    staff = UserFactory()
    grant(staff, Role.UNIT_STAFF, UnitFactory())
    for name in ("甲", "乙"):
        services.notify(recipients=[staff], kind="task.assign", title=f"新任务待签收：{name}")
        services.notify(recipients=[staff], kind="case_dispatched", title=f"案件派给您：{name}")
    assert Notification.objects.filter(recipient=staff).count() == 4


def test_grouping_is_per_person_and_per_kind():
    a, b = UserFactory(), UserFactory()
    unit = UnitFactory()
    grant(a, Role.SUPERVISOR, unit)
    grant(b, Role.SUPERVISOR, unit)
    services.notify(recipients=[a], kind="task.accept", title="任务已签收：甲")
    services.notify(recipients=[a, b], kind="task.accept", title="任务已签收：乙")
    services.notify(recipients=[a], kind="task.sign_off", title="任务已销号：丙")
    assert sorted(Notification.objects.values_list("recipient_id", "kind", "count")) == sorted(
        [(a.pk, "task.accept", 2), (b.pk, "task.accept", 1), (a.pk, "task.sign_off", 1)]
    )
