"""The five fixes (五定) on dispatch, a reason below 100%, the review opinion on sign-off.

The same check decides what the page offers, what the API's ``allowed_actions`` lists
and what the service accepts. "Today" is Thursday 2026-04-16 (``fixed_today``).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from luoshi.core.errors import ValidationFailed
from luoshi.tasks import services
from luoshi.tasks.models import Status, Task, TaskEvent
from luoshi.tasks.tests.helpers import fresh, make_task
from luoshi.tasks.workflow import Action

pytestmark = pytest.mark.django_db

API = "/api/v1"


def bare_draft(s, **overrides):
    return make_task(s, assign=False, target="", acceptance="", responsible_leader=None, **overrides)


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({"target": "", "acceptance": "", "responsible_leader": None}, {"target", "acceptance", "responsible_leader"}),
        ({"target": "", "acceptance": "现场核验", "responsible_leader": "person"}, {"target"}),
        ({"target": "拆除120宗", "acceptance": "", "responsible_leader": "person"}, {"acceptance"}),
        ({"target": "拆除120宗", "acceptance": "现场核验", "responsible_leader": None}, {"responsible_leader"}),
        ({"target": "  ", "acceptance": "\n", "responsible_leader": "person"}, {"target", "acceptance"}),
    ],
)
def test_a_draft_may_lack_the_five_fixes_but_dispatch_needs_them(s, fixed_today, fields, missing):
    if fields["responsible_leader"] == "person":
        fields = {**fields, "responsible_leader": s.leader_person}
    draft = make_task(s, assign=False, **fields)
    assert draft.status == Status.DRAFT
    assert set(services.dispatch_gaps(draft)) == missing
    assert Action.ASSIGN not in services.available_actions(s.supervisor, draft)
    with pytest.raises(ValidationFailed) as caught:
        services.task_transition(actor=s.supervisor, task=draft, action=Action.ASSIGN)
    assert caught.value.code == "five_fixes_missing" and set(caught.value.details) == missing
    assert fresh(draft).status == Status.DRAFT


def test_once_filled_in_the_draft_is_offered_for_dispatch_and_goes(s, fixed_today):
    draft = bare_draft(s)
    services.task_update(
        actor=s.supervisor, task=draft, version=draft.version, target="拆除120宗", acceptance="现场核验无遗留",
        responsible_leader=s.leader_person,
    )  # fmt: skip
    draft = fresh(draft)
    assert services.dispatch_gaps(draft) == {}
    assert Action.ASSIGN in services.available_actions(s.supervisor, draft)
    assert services.task_transition(actor=s.supervisor, task=draft, action=Action.ASSIGN).status == Status.ASSIGNED


@pytest.mark.parametrize(
    ("deadline", "dispatched"),
    [(dt.date(2026, 4, 15), False), (dt.date(2026, 4, 16), True), (dt.date(2026, 4, 17), True)],
)
def test_a_deadline_already_past_is_refused_at_dispatch_and_nothing_is_created(s, fixed_today, deadline, dispatched):
    data = services.TaskData(
        title="清理河道", lead_unit=s.tree["dept"], start_date=dt.date(2026, 4, 1), deadline=deadline,
        target="河面无漂浮物", acceptance="现场抽查", responsible_leader=s.leader_person,
    )  # fmt: skip
    if dispatched:
        assert services.task_create(actor=s.supervisor, data=data, assign=True).status == Status.ASSIGNED
        return
    with pytest.raises(ValidationFailed) as caught:
        services.task_create(actor=s.supervisor, data=data, assign=True)
    assert caught.value.details == {"deadline": ["完成时限2026-04-15已过，请选择今天或以后的日期。"]}
    assert not Task.objects.exists()
    # As a draft it may be kept and corrected later.
    assert services.task_create(actor=s.supervisor, data=data).status == Status.DRAFT


@pytest.mark.parametrize(("percent", "needs_reason"), [(0, True), (99, True), (100, False)])
def test_submitting_below_100_percent_asks_why(s, fixed_today, percent, needs_reason):
    task = make_task(s)
    services.task_transition(actor=s.staff, task=task, action=Action.ACCEPT)
    services.task_report_progress(actor=s.staff, task=fresh(task), percent=percent, text="阶段进展")
    assert services.comment_required(fresh(task), Action.SUBMIT) is needs_reason
    if needs_reason:
        with pytest.raises(ValidationFailed) as caught:
            services.task_transition(actor=s.staff, task=fresh(task), action=Action.SUBMIT, comment=" ")
        assert caught.value.message == "任务尚未完成，请说明为何现在提请审核。"
        assert fresh(task).status == Status.IN_PROGRESS
    done = services.task_transition(
        actor=s.staff, task=fresh(task), action=Action.SUBMIT, comment="剩余工作不影响验收" if needs_reason else ""
    )
    assert done.status == Status.PENDING_REVIEW


def test_sign_off_takes_a_review_opinion_kept_on_the_timeline(s, fixed_today):
    task = make_task(s)
    services.task_transition(actor=s.staff, task=task, action=Action.ACCEPT)
    services.task_report_progress(actor=s.staff, task=fresh(task), percent=100, text="全部完成")
    services.task_transition(actor=s.staff, task=fresh(task), action=Action.SUBMIT)
    with pytest.raises(ValidationFailed) as caught:
        services.task_transition(actor=s.leader, task=fresh(task), action=Action.SIGN_OFF)
    assert caught.value.message == "请填写审核意见。"
    services.task_transition(actor=s.leader, task=fresh(task), action=Action.SIGN_OFF, comment="现场核验合格，同意销号")
    event = TaskEvent.objects.get(task=task, action=Action.SIGN_OFF)
    assert event.comment == "现场核验合格，同意销号"


def test_the_api_lists_only_what_it_will_accept_and_why_a_draft_cannot_go(client, s, fixed_today):
    draft = bare_draft(s)
    client.force_login(s.supervisor)
    body = client.get(f"{API}/tasks/{draft.pk}").json()
    assert body["allowed_actions"] == ["cancel"]
    assert set(body["dispatch_gaps"]) == {"target", "responsible_leader", "acceptance"}
    assert body["comment_required"] == ["cancel"]
    r = client.post(f"{API}/tasks/{draft.pk}/transitions", {"action": "assign"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "five_fixes_missing"
    assert set(r.json()["details"]) == {"target", "responsible_leader", "acceptance"}

    task = make_task(s)
    services.task_transition(actor=s.staff, task=task, action=Action.ACCEPT)
    services.task_transition(actor=s.staff, task=fresh(task), action=Action.SUBMIT, comment="先行验收")
    body = client.get(f"{API}/tasks/{task.pk}").json()
    assert body["allowed_actions"] == ["return", "sign_off", "cancel"]
    assert body["comment_required"] == ["return", "sign_off", "cancel"]
    assert body["dispatch_gaps"] == {}


def test_the_draft_page_says_what_dispatch_still_needs_and_offers_no_dispatch(client, s, fixed_today):
    draft = bare_draft(s)
    client.force_login(s.supervisor)
    page = client.get(reverse("tasks:detail", args=[draft.pk])).content.decode()
    assert 'data-testid="dispatch-gaps"' in page and "交办前请填写工作目标（定目标）。" in page
    assert 'data-testid="action-assign"' not in page and 'data-testid="action-cancel"' in page


def test_create_and_dispatch_without_the_fixes_puts_each_error_under_its_field_and_keeps_the_input(
    client, s, fixed_today
):
    client.force_login(s.supervisor)
    form = {
        "title": "整治占道经营", "source": "higher", "lead_unit": s.tree["dept"].pk, "start_date": "2026-04-01",
        "deadline": "2026-04-10", "priority": "normal", "report_cadence": "weekly", "assign": "1",
        "measures": "早晚高峰错时巡查",
    }  # fmt: skip
    response = client.post(reverse("tasks:create"), form)
    assert response.status_code == 200 and not Task.objects.exists()
    errors = response.context["form"].errors
    assert set(errors) == {"target", "responsible_leader", "deadline", "acceptance"}
    assert errors["deadline"] == ["完成时限2026-04-10已过，请选择今天或以后的日期。"]
    page = response.content.decode()
    assert "早晚高峰错时巡查" in page and 'value="2026-04-10"' in page
    # Saved as a draft instead, the same input is accepted.
    response = client.post(reverse("tasks:create"), {k: v for k, v in form.items() if k != "assign"})
    assert response.status_code == 302 and Task.objects.get().status == Status.DRAFT


def test_date_fields_show_their_default_as_an_iso_date(client, s, fixed_today):
    client.force_login(s.supervisor)
    page = client.get(reverse("tasks:create")).content.decode()
    from luoshi.core.timeutil import today as local_today

    today = local_today().isoformat()
    assert f'type="date" name="start_date" value="{today}"' in page
