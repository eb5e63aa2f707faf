"""The task workflow as users are promised it (docs/tasks.md, decision 0100), written out by hand.

Every state × action × role below is checked against ``workflow.require`` and
``workflow.allowed_actions``; nothing is derived from the code's own constants, so
deleting, adding or changing a row in luoshi/tasks/workflow.py fails a test here. The
refusals the API documents are checked through the API with their exact status and code.
"""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.core.errors import Conflict, Forbidden, ValidationFailed
from luoshi.org.models import Role
from luoshi.org.tests.factories import grant
from luoshi.tasks import services, workflow
from luoshi.tasks.tests.helpers import fresh, make_task

STATES = ["draft", "assigned", "in_progress", "pending_review", "suspended", "done", "cancelled"]
ACTIONS = [
    "assign", "accept", "decline", "submit", "return", "sign_off", "request_extension",
    "approve_extension", "refuse_extension", "suspend", "resume", "cancel", "reopen",
]  # fmt: skip
# A user's relation to the task: 督查 supervisor, leader, responsible leader, doer (staff of the lead unit).
ROLES = ["supervisor", "leader", "responsible_leader", "doer"]

# state, action → target, who may (S supervisor, L leader, R responsible leader, D doer), reason required.
TABLE = """
draft           assign             assigned        S L     -
draft           cancel             cancelled       S L     reason
assigned        accept             in_progress     D       -
assigned        decline            draft           D       reason
assigned        suspend            suspended       S L     reason
assigned        cancel             cancelled       S L     reason
in_progress     submit             pending_review  D       -
in_progress     request_extension  in_progress     D       reason
in_progress     approve_extension  in_progress     S L     -
in_progress     refuse_extension   in_progress     S L     reason
in_progress     suspend            suspended       S L     reason
in_progress     cancel             cancelled       S L     reason
pending_review  return             in_progress     S L R   reason
pending_review  sign_off           done            S L R   reason
pending_review  approve_extension  pending_review  S L     -
pending_review  refuse_extension   pending_review  S L     reason
pending_review  cancel             cancelled       S L     reason
suspended       resume             in_progress     S L     -
suspended       cancel             cancelled       S L     reason
done            reopen             in_progress     S L     reason
cancelled       reopen             in_progress     S L     reason
"""
LETTERS = {"S": "supervisor", "L": "leader", "R": "responsible_leader", "D": "doer"}


def _rows() -> list[tuple[str, str, str, frozenset[str], bool]]:
    rows = []
    for line in TABLE.strip().splitlines():
        state, action, target, *who, reason = line.split()
        rows.append((state, action, target, frozenset(LETTERS[w] for w in who), reason == "reason"))
    return rows


ROWS = _rows()
SPEC = {(state, action): (target, who, reason) for state, action, target, who, reason in ROWS}


def test_the_written_table_is_complete():
    assert len(ROWS) == 21 == len(SPEC)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", STATES)
def test_every_state_action_and_role(state, action):
    expected = SPEC.get((state, action))
    for role in ROLES:
        if expected is None:
            with pytest.raises(Conflict) as refused:
                workflow.require(state, action, {role})
            assert (refused.value.status, refused.value.code) == (409, "wrong_state")
        elif role in expected[1]:
            row = workflow.require(state, action, {role})
            assert (row.source, row.action, row.target, row.needs_comment) == (state, action, expected[0], expected[2])
            assert workflow.lookup(state, action) is row
        else:
            with pytest.raises(Forbidden) as refused:
                workflow.require(state, action, {role})
            assert (refused.value.status, refused.value.code) == (403, "transition_forbidden")
    if expected is None:
        assert workflow.lookup(state, action) is None
    # Holding no relation to the task allows nothing, holding all of them everything the row has.
    if expected is not None:
        with pytest.raises(Forbidden):
            workflow.require(state, action, set())
        assert workflow.require(state, action, set(ROLES)).target == expected[0]


# What each relation is offered in each state, in the order of the buttons.
OFFERED = {
    ("draft", "supervisor"): ["assign", "cancel"],
    ("draft", "leader"): ["assign", "cancel"],
    ("draft", "responsible_leader"): [],
    ("draft", "doer"): [],
    ("assigned", "supervisor"): ["suspend", "cancel"],
    ("assigned", "leader"): ["suspend", "cancel"],
    ("assigned", "responsible_leader"): [],
    ("assigned", "doer"): ["accept", "decline"],
    ("in_progress", "supervisor"): ["approve_extension", "refuse_extension", "suspend", "cancel"],
    ("in_progress", "leader"): ["approve_extension", "refuse_extension", "suspend", "cancel"],
    ("in_progress", "responsible_leader"): [],
    ("in_progress", "doer"): ["submit", "request_extension"],
    ("pending_review", "supervisor"): ["return", "sign_off", "approve_extension", "refuse_extension", "cancel"],
    ("pending_review", "leader"): ["return", "sign_off", "approve_extension", "refuse_extension", "cancel"],
    ("pending_review", "responsible_leader"): ["return", "sign_off"],
    ("pending_review", "doer"): [],
    ("suspended", "supervisor"): ["resume", "cancel"],
    ("suspended", "leader"): ["resume", "cancel"],
    ("suspended", "responsible_leader"): [],
    ("suspended", "doer"): [],
    ("done", "supervisor"): ["reopen"],
    ("done", "leader"): ["reopen"],
    ("done", "responsible_leader"): [],
    ("done", "doer"): [],
    ("cancelled", "supervisor"): ["reopen"],
    ("cancelled", "leader"): ["reopen"],
    ("cancelled", "responsible_leader"): [],
    ("cancelled", "doer"): [],
}


@pytest.mark.parametrize(("state", "role"), list(OFFERED))
def test_what_each_relation_is_offered(state, role):
    assert workflow.allowed_actions(state, [role]) == OFFERED[(state, role)]
    assert workflow.allowed_actions(state, []) == []


def test_a_doer_is_never_offered_cancel_or_suspend():
    for state in STATES:
        offered = workflow.allowed_actions(state, ["doer"])
        assert not {"cancel", "suspend", "resume", "reopen", "sign_off", "assign"} & set(offered), state


def test_a_doer_who_is_also_responsible_leader_is_offered_both_sets():
    assert workflow.allowed_actions("pending_review", ["doer", "responsible_leader"]) == ["return", "sign_off"]
    assert workflow.allowed_actions("in_progress", {"doer", "supervisor"}) == [
        "submit", "request_extension", "approve_extension", "refuse_extension", "suspend", "cancel",
    ]  # fmt: skip


@pytest.mark.parametrize("action", ["explode", "", "SIGN_OFF", "sign-off", "report"])
def test_an_unknown_action_is_refused_as_such(action):
    for state in ("draft", "pending_review"):
        with pytest.raises(Conflict) as refused:
            workflow.require(state, action, set(ROLES))
        assert (refused.value.status, refused.value.code) == (409, "unknown_action")


def test_the_recognised_actions():
    assert list(workflow.ACTIONS) == ACTIONS
    assert list(workflow.TASK_ROLES) == ROLES
    assert {"request_extension", "approve_extension", "refuse_extension"} == workflow.EXTENSION_ACTIONS


# --- through the service and the API ----------------------------------------------------------

REASONED = [(state, action) for state, action, _t, _w, reason in ROWS if reason]
API = "/api/v1"


def _to_state(s, task, state: str):
    """Put ``task`` into ``state`` the way users do."""
    path = {
        "draft": [],
        "assigned": [],
        "in_progress": [(s.staff, "accept")],
        "pending_review": [(s.staff, "accept"), (s.staff, "submit")],
        "suspended": [(s.staff, "accept"), (s.supervisor, "suspend")],
        "done": [(s.staff, "accept"), (s.staff, "submit"), (s.leader, "sign_off")],
        "cancelled": [(s.supervisor, "cancel")],
    }[state]
    for user, action in path:
        services.task_transition(actor=user, task=fresh(task), action=action, comment="说明")
    return fresh(task)


def test_fifteen_actions_need_a_reason():
    assert len(REASONED) == 15


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "action"), REASONED)
def test_a_blank_reason_is_refused_and_nothing_changes(s, state, action):
    task = make_task(s, assign=state != "draft")
    task = _to_state(s, task, state)
    actor = s.staff if action in {"decline", "request_extension"} else s.supervisor
    with pytest.raises(ValidationFailed) as refused:
        services.task_transition(actor=actor, task=task, action=action, comment="   ",
                                 new_deadline=task.deadline + dt.timedelta(days=10))  # fmt: skip
    assert (refused.value.status, refused.value.code) == (400, "comment_required")
    assert fresh(task).status == state
    assert fresh(task).version == task.version


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.mark.django_db
def test_every_refusal_the_api_documents(client, s, tree):
    task = make_task(s)
    url = f"{API}/tasks/{task.pk}/transitions"

    def refused(user, data, status, code):
        client.force_login(user)
        response = post(client, url, data)
        assert (response.status_code, response.json()["code"]) == (status, code), response.content
        assert response.json()["message"]

    # Outside the user's scope the task does not exist.
    refused(s.outsider, {"action": "cancel", "comment": "x"}, 404, "not_found")
    # In scope, the right state, but not the user's part: 403.
    refused(s.supervisor, {"action": "accept"}, 403, "transition_forbidden")
    refused(s.resp_leader, {"action": "cancel", "comment": "不再需要"}, 403, "transition_forbidden")
    # The wrong state: 409.
    refused(s.staff, {"action": "submit"}, 409, "wrong_state")
    refused(s.supervisor, {"action": "resume"}, 409, "wrong_state")
    # An action that does not exist: 409 as well, with its own code.
    refused(s.staff, {"action": "explode"}, 409, "unknown_action")
    # A reason is required: 400.
    refused(s.staff, {"action": "decline", "comment": ""}, 400, "comment_required")
    # A stale version: 409.
    client.force_login(s.staff)
    version = fresh(task).version
    assert post(client, url, {"action": "accept", "version": version}).status_code == 200
    refused(s.staff, {"action": "submit", "version": version}, 409, "stale")
    # Extensions: one pending at a time; a decision needs a pending request.
    refused(s.supervisor, {"action": "approve_extension"}, 409, "no_extension_pending")
    refused(s.supervisor, {"action": "refuse_extension", "comment": "不同意"}, 409, "no_extension_pending")
    later = (task.deadline + dt.timedelta(days=14)).isoformat()
    client.force_login(s.staff)
    ok = post(client, url, {"action": "request_extension", "comment": "雨季", "new_deadline": later})
    assert ok.status_code == 200, ok.content
    refused(s.staff, {"action": "request_extension", "comment": "再延", "new_deadline": later}, 409,
            "extension_pending")  # fmt: skip
    # Whoever submitted may not sign off, even with a reviewer's role.
    grant(s.staff, Role.SUPERVISOR, tree["a"])
    client.force_login(s.staff)
    # Below 100% a submission says why.
    refused(s.staff, {"action": "submit"}, 400, "comment_required")
    assert post(client, url, {"action": "submit", "comment": "主体完成"}).status_code == 200
    refused(s.staff, {"action": "sign_off"}, 403, "self_sign_off")
    client.force_login(s.leader)
    # Sign-off takes the reviewer's opinion.
    refused(s.leader, {"action": "sign_off"}, 400, "comment_required")
    signed = post(client, url, {"action": "sign_off", "comment": "同意销号"})
    assert (signed.status_code, signed.json()["status"]) == (200, "done")
    assert fresh(task).status == "done"
