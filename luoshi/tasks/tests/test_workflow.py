"""The transition table, tested exhaustively: every state × action × role, through the service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luoshi.core.errors import Conflict, Forbidden, ValidationFailed
from luoshi.tasks import services, workflow
from luoshi.tasks.models import ExtensionRequest, ExtensionStatus, Status, Task, TaskEvent
from luoshi.tasks.tests.helpers import fresh, make_task
from luoshi.tasks.workflow import ACTIONS, TASK_ROLES, Action, TaskRole

pytestmark = pytest.mark.django_db

S, L, R, D = TaskRole.SUPERVISOR, TaskRole.LEADER, TaskRole.RESPONSIBLE_LEADER, TaskRole.DOER

# The specification, written out independently of workflow.py: (state, action) -> (target, roles).
SPEC: dict[tuple[str, str], tuple[str, set[str]]] = {
    ("draft", "assign"): ("assigned", {S, L}),
    ("draft", "cancel"): ("cancelled", {S, L}),
    ("assigned", "accept"): ("in_progress", {D}),
    ("assigned", "decline"): ("draft", {D}),
    ("assigned", "suspend"): ("suspended", {S, L}),
    ("assigned", "cancel"): ("cancelled", {S, L}),
    ("in_progress", "submit"): ("pending_review", {D}),
    ("in_progress", "request_extension"): ("in_progress", {D}),
    ("in_progress", "approve_extension"): ("in_progress", {S, L}),
    ("in_progress", "refuse_extension"): ("in_progress", {S, L}),
    ("in_progress", "suspend"): ("suspended", {S, L}),
    ("in_progress", "cancel"): ("cancelled", {S, L}),
    ("pending_review", "return"): ("in_progress", {S, L, R}),
    ("pending_review", "sign_off"): ("done", {S, L, R}),
    ("pending_review", "approve_extension"): ("pending_review", {S, L}),
    ("pending_review", "refuse_extension"): ("pending_review", {S, L}),
    ("pending_review", "cancel"): ("cancelled", {S, L}),
    ("suspended", "resume"): ("in_progress", {S, L}),
    ("suspended", "cancel"): ("cancelled", {S, L}),
    ("done", "reopen"): ("in_progress", {S, L}),
    ("cancelled", "reopen"): ("in_progress", {S, L}),
}


class Rollback(Exception):
    pass


def test_table_matches_the_specification():
    assert {k: (str(t.target), set(t.roles)) for k, t in workflow.TABLE.items()} == SPEC


@pytest.mark.parametrize("state", Status.values)
def test_pure_table_every_state_action_role(state):
    for action in ACTIONS:
        for role in TASK_ROLES:
            expected = SPEC.get((state, action))
            if expected is None:
                with pytest.raises(Conflict):
                    workflow.require(state, action, {role})
            elif role in expected[1]:
                assert workflow.require(state, action, {role}).target == expected[0]
            else:
                with pytest.raises(Forbidden):
                    workflow.require(state, action, {role})
        assert set(workflow.allowed_actions(state, TASK_ROLES)) == {a for (st_, a) in SPEC if st_ == state}


def test_every_state_action_role_through_the_service(s, fixed_today):
    """364 combinations, each in a savepoint that is rolled back."""
    users = {S: s.supervisor, L: s.leader, R: s.resp_leader, D: s.staff}
    task = make_task(s, assign=False)
    outcomes: dict[tuple[str, str, str], str] = {}
    for state in Status.values:
        for action in ACTIONS:
            for role, user in users.items():
                try:
                    with transaction.atomic():
                        Task.objects.filter(pk=task.pk).update(status=state)
                        if action in {Action.APPROVE_EXTENSION, Action.REFUSE_EXTENSION}:
                            ExtensionRequest.objects.create(
                                task=task, requested_by=s.staff, old_deadline=task.deadline,
                                requested_deadline=task.deadline + dt.timedelta(days=20), reason="拆迁户未签约",
                            )  # fmt: skip
                        try:
                            result = services.task_transition(
                                actor=user, task=fresh(task), action=action, comment="理由",
                                new_deadline=task.deadline + dt.timedelta(days=30),
                            )  # fmt: skip
                            outcomes[(state, action, role)] = f"ok:{result.status}"
                        except Conflict:
                            outcomes[(state, action, role)] = "409"
                        except Forbidden:
                            outcomes[(state, action, role)] = "403"
                        raise Rollback
                except Rollback:
                    pass
    for (state, action, role), outcome in outcomes.items():
        expected = SPEC.get((state, action))
        if expected is None:
            assert outcome == "409", (state, action, role, outcome)
        elif role in expected[1]:
            assert outcome == f"ok:{expected[0]}", (state, action, role, outcome)
        else:
            assert outcome == "403", (state, action, role, outcome)
    assert len(outcomes) == len(Status.values) * len(ACTIONS) * len(users)


def test_the_doer_cannot_sign_off_what_they_submitted(s, tree):
    from luoshi.org.models import Role
    from luoshi.org.tests.factories import grant

    # A user who is both staff and supervisor over the unit submits, then tries to sign off.
    grant(s.staff, Role.SUPERVISOR, tree["a"])
    task = make_task(s)
    services.task_transition(actor=s.staff, task=task, action=Action.ACCEPT)
    services.task_transition(actor=s.staff, task=fresh(task), action=Action.SUBMIT, comment="主体已完成")
    with pytest.raises(Forbidden):
        services.task_transition(actor=s.staff, task=fresh(task), action=Action.SIGN_OFF, comment="同意")
    assert Action.SIGN_OFF not in services.available_actions(s.staff, fresh(task))
    services.task_transition(actor=s.leader, task=fresh(task), action=Action.SIGN_OFF, comment="同意销号")
    assert fresh(task).status == Status.DONE


def test_reasons_are_required_where_the_table_says(s):
    task = make_task(s)
    with pytest.raises(ValidationFailed):
        services.task_transition(actor=s.staff, task=task, action=Action.DECLINE, comment="  ")
    assert fresh(task).status == Status.ASSIGNED


def test_stale_version_is_a_conflict(s):
    task = make_task(s)
    old = task.version
    services.task_transition(actor=s.staff, task=task, action=Action.ACCEPT, version=old)
    with pytest.raises(Conflict):
        services.task_transition(actor=s.staff, task=fresh(task), action=Action.SUBMIT, version=old)


def test_extension_approved_moves_the_deadline_and_records_it(s):
    task = make_task(s)
    services.task_transition(actor=s.staff, task=task, action=Action.ACCEPT)
    new = task.deadline + dt.timedelta(days=14)
    services.task_transition(
        actor=s.staff, task=fresh(task), action=Action.REQUEST_EXTENSION, comment="雨季", new_deadline=new
    )
    with pytest.raises(Conflict):  # only one pending request at a time
        services.task_transition(
            actor=s.staff, task=fresh(task), action=Action.REQUEST_EXTENSION, comment="再延", new_deadline=new
        )
    services.task_transition(actor=s.supervisor, task=fresh(task), action=Action.APPROVE_EXTENSION)
    task = fresh(task)
    assert task.deadline == new and task.original_deadline == new - dt.timedelta(days=14)
    request = ExtensionRequest.objects.get(task=task)
    assert request.status == ExtensionStatus.APPROVED and request.new_deadline == new
    assert TaskEvent.objects.filter(
        task=task, action=Action.APPROVE_EXTENSION, data__new_deadline=new.isoformat()
    ).exists()


def test_refusing_needs_a_pending_request(s):
    task = make_task(s)
    services.task_transition(actor=s.staff, task=task, action=Action.ACCEPT)
    with pytest.raises(Conflict):
        services.task_transition(actor=s.supervisor, task=fresh(task), action=Action.REFUSE_EXTENSION, comment="不同意")


action_and_role = st.tuples(st.sampled_from(ACTIONS), st.sampled_from([S, L, R, D]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(action_and_role, min_size=1, max_size=12))
def test_random_action_sequences_keep_the_invariants(s, fixed_today, steps):
    users = {S: s.supervisor, L: s.leader, R: s.resp_leader, D: s.staff}
    try:
        with transaction.atomic():
            task = make_task(s)
            state = task.status
            fired = 1  # the assign on creation
            for action, role in steps:
                try:
                    services.task_transition(
                        actor=users[role], task=fresh(task), action=action, comment="说明",
                        new_deadline=fresh(task).deadline + dt.timedelta(days=7),
                    )  # fmt: skip
                except (Conflict, Forbidden) as exc:
                    expected = SPEC.get((state, action))
                    if isinstance(exc, Forbidden):
                        assert expected is not None
                    assert fresh(task).status == state
                    continue
                expected = SPEC[(state, action)]
                assert role in expected[1]
                state = expected[0]
                fired += 1
                current = fresh(task)
                assert current.status == state
                assert (current.closed_at is not None) == (state in {"done", "cancelled"})
                assert current.light == "" or state in {"assigned", "in_progress", "pending_review"}
            transitions = TaskEvent.objects.filter(task=task, kind="transition").count()
            assert transitions == fired
            raise Rollback
    except Rollback:
        pass
