"""The case workflow as docs/cases.md promises it ("The workflow"), written out by hand.

Every state × action × (unit, role) is checked against ``workflow.require``; the states,
actions, units and roles are listed here, not taken from the code, so deleting, adding or
changing a row of luoshi/cases/workflow.py fails a test. The refusals the API documents
are checked through the API with their status and code.
"""

from __future__ import annotations

import pytest

from luoshi.cases import workflow
from luoshi.cases.tests.factories import to_state
from luoshi.cases.workflow import Where
from luoshi.core.errors import Conflict, Forbidden, ValidationFailed
from luoshi.org.models import Role
from luoshi.org.tests.factories import grant

STATES = ["reported", "accepted", "dispatched", "handling", "handled", "closed", "rated", "merged"]
ACTIONS = [
    "accept", "decline", "refer_up", "merge", "dispatch", "reassign", "add_co_unit", "return", "start",
    "co_reply", "request_extension", "decide_extension", "reply", "verify", "send_back", "close_unresolved",
    "rate", "reopen", "return_visit", "supervise", "mediate", "note", "handle_on_spot",
]  # fmt: skip
# Where a role counts: the command unit, the handling unit, a co-unit, the place, any of them, the tracking link.
WHERES = ["owner", "handler", "co_unit", "place", "any", "public"]
ROLES = [
    "leader", "responsible_leader", "supervisor", "unit_staff", "community_staff", "grid_worker",
    "district_viewer", "admin", "resident",
]  # fmt: skip
GROUPS = {
    # 指挥单位: who accepts, dispatches and verifies.
    "COMMAND": {"leader", "responsible_leader", "supervisor", "admin"},
    # Who handles a case at the handling unit or a co-unit.
    "HANDLERS": {"unit_staff", "community_staff", "grid_worker", "leader", "responsible_leader"},
    # Who checks on site at the place.
    "FIELD": {"grid_worker", "community_staff"},
    # Anybody active on the case (district viewers only look).
    "ACTIVE": {"leader", "responsible_leader", "supervisor", "unit_staff", "community_staff", "grid_worker", "admin"},
    "RESIDENT": {"resident"},
}

# action | from (a..b: the states from a to b in the order of STATES) | to ("=" stays) | who (unit:GROUP) | reason
TABLE = """
accept            | reported            | accepted   | owner:COMMAND                              | -
decline           | reported            | closed     | owner:COMMAND                              | reason
refer_up          | reported accepted   | reported   | owner:COMMAND                              | reason
merge             | reported accepted   | merged     | owner:COMMAND                              | -
dispatch          | accepted            | dispatched | owner:COMMAND                              | -
reassign          | dispatched handling | dispatched | owner:COMMAND                              | reason
add_co_unit       | dispatched handling | =          | owner:COMMAND                              | -
return            | dispatched handling | accepted   | handler:HANDLERS                           | reason
start             | dispatched          | handling   | handler:HANDLERS                           | -
co_reply          | dispatched handling | =          | co_unit:HANDLERS                           | reason
request_extension | dispatched handling | =          | handler:HANDLERS                           | reason
decide_extension  | dispatched handling | =          | owner:COMMAND                              | -
reply             | handling            | handled    | handler:HANDLERS                           | reason
verify            | handled             | closed     | owner:COMMAND place:FIELD                  | -
send_back         | handled             | handling   | owner:COMMAND place:FIELD                  | reason
close_unresolved  | accepted..handled   | closed     | owner:COMMAND                              | reason
rate              | closed              | rated      | public:RESIDENT owner:COMMAND place:FIELD  | -
reopen            | closed rated        | accepted   | owner:COMMAND                              | reason
return_visit      | closed rated        | =          | owner:COMMAND                              | reason
supervise         | reported..handled   | =          | owner:COMMAND                              | -
mediate           | accepted..handled   | =          | handler:HANDLERS owner:COMMAND place:FIELD | -
note              | reported..rated     | =          | any:ACTIVE                                 | reason
handle_on_spot    | reported            | closed     | place:FIELD                                | reason
"""


def _states(text: str) -> list[str]:
    if ".." in text:
        first, last = text.split("..")
        return STATES[STATES.index(first) : STATES.index(last) + 1]
    return text.split()


def _spec() -> dict[tuple[str, str], tuple[str | None, set[tuple[str, str]], bool]]:
    spec = {}
    for line in TABLE.strip().splitlines():
        action, sources, target, who, reason = (part.strip() for part in line.split("|"))
        allowed = set()
        for item in who.split():
            where, group = item.split(":")
            allowed |= {(where, role) for role in GROUPS[group]}
        for source in _states(sources):
            spec[(source, action)] = (None if target == "=" else target, allowed, reason == "reason")
    return spec


SPEC = _spec()


def test_the_written_table_is_complete():
    assert len(TABLE.strip().splitlines()) == 23
    assert len(SPEC) == 49


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", STATES)
def test_every_state_action_unit_and_role(state, action):
    expected = SPEC.get((state, action))
    if expected is None:
        assert workflow.transition_for(state, action) is None
    for where in WHERES:
        for role in ROLES:
            roles = {Where(where): frozenset({role})}
            if expected is None:
                with pytest.raises(Conflict) as refused:
                    workflow.require(state, action, roles)
                assert (refused.value.status, refused.value.code) == (409, "wrong_state")
            elif (where, role) in expected[1]:
                row = workflow.require(state, action, roles)
                assert (row.action, row.target, row.needs_comment) == (action, expected[0], expected[2])
                assert workflow.transition_for(state, action) is row
            else:
                with pytest.raises(Forbidden) as refused:
                    workflow.require(state, action, roles)
                assert (refused.value.status, refused.value.code) == (403, "transition_forbidden")
    if expected is not None:
        with pytest.raises(Forbidden):
            workflow.require(state, action, {})


# Who is offered what, in the order of the buttons.
OFFERED = [
    (
        "reported",
        {"owner": {"supervisor"}, "any": {"supervisor"}},
        ["accept", "decline", "refer_up", "merge", "supervise", "note"],
    ),
    (
        "accepted",
        {"owner": {"leader"}, "any": {"leader"}},
        ["refer_up", "merge", "dispatch", "close_unresolved", "supervise", "mediate", "note"],
    ),
    (
        "dispatched",
        {"handler": {"unit_staff"}, "any": {"unit_staff"}},
        ["return", "start", "request_extension", "mediate", "note"],
    ),
    (
        "handling",
        {"handler": {"unit_staff"}, "any": {"unit_staff"}},
        ["return", "request_extension", "reply", "mediate", "note"],
    ),
    ("handling", {"co_unit": {"unit_staff"}, "any": {"unit_staff"}}, ["co_reply", "note"]),
    ("handled", {"place": {"grid_worker"}, "any": {"grid_worker"}}, ["verify", "send_back", "mediate", "note"]),
    # 自行处置: offered by the table to the place's field workers; the category decides (refusals.py).
    ("reported", {"place": {"grid_worker"}, "any": {"grid_worker"}}, ["handle_on_spot", "note"]),
    ("handled", {"handler": {"unit_staff"}, "any": {"unit_staff"}}, ["mediate", "note"]),
    ("closed", {"public": {"resident"}}, ["rate"]),
    # 回访 is the command unit's (issue 14): the community where it happened records ratings, not visits.
    ("closed", {"place": {"community_staff"}, "any": {"community_staff"}}, ["rate", "note"]),
    ("rated", {"owner": {"admin"}, "any": {"admin"}}, ["reopen", "return_visit", "note"]),
    ("rated", {"any": {"district_viewer"}}, []),
    ("merged", {w: set(ROLES) for w in WHERES}, []),
    ("handled", {}, []),
]


@pytest.mark.parametrize(("state", "roles", "offered"), OFFERED)
def test_what_each_position_is_offered(state, roles, offered):
    held = {Where(where): frozenset(r) for where, r in roles.items()}
    assert [str(a) for a in workflow.allowed_actions(state, held)] == offered


@pytest.mark.parametrize("action", ["explode", "", "VERIFY", "report", "sla_red"])
def test_an_unknown_action_is_bad_input(action):
    with pytest.raises(ValidationFailed) as refused:
        workflow.require("handled", action, {Where.OWNER: frozenset({"admin"})})
    assert (refused.value.status, refused.value.code) == (400, "unknown_action")


def test_the_recognised_actions_and_where_roles_count():
    assert [a.value for a in workflow.Action] == ACTIONS
    assert [w.value for w in workflow.Where] == WHERES
    assert workflow.RESIDENT == "resident"


# Which SLA stage each state is in, and which actions start the clock again.
STAGES = {
    "reported": "accept", "accepted": "accept", "dispatched": "handle", "handling": "handle",
    "handled": "verify", "closed": "", "rated": "", "merged": "",
}  # fmt: skip


def test_stages_and_clock_restarts():
    assert {state: str(stage) for state, stage in workflow.STAGE_OF.items()} == STAGES
    assert {"refer_up", "reassign", "reopen"} == workflow.RESTARTS_STAGE


# --- through the API ------------------------------------------------------------------------------

BASE = "/api/v1/cases"


@pytest.mark.django_db
def test_every_refusal_the_api_documents(client, w):
    case = to_state(w, "handling")
    url = f"{BASE}/{case.pk}/transitions"

    def refused(user, data, status, code):
        client.force_login(user)
        response = client.post(url, data, content_type="application/json")
        assert (response.status_code, response.json()["code"]) == (status, code), response.content
        assert response.json()["message"]

    refused(w.outsider, {"action": "note", "comment": "看看"}, 404, "not_found")  # outside scope
    refused(w.grid, {"action": "reply", "comment": "已处理"}, 403, "transition_forbidden")  # not the handler
    refused(w.supervisor, {"action": "verify"}, 409, "wrong_state")  # not replied yet
    refused(w.staff, {"action": "reply", "comment": "  "}, 400, "comment_required")
    refused(w.staff, {"action": "reply", "comment": "已清理", "version": case.version - 1}, 409, "stale")
    # Whoever sent the reply never verifies it, even holding a command role.
    grant(w.staff, Role.SUPERVISOR, w.a)
    client.force_login(w.staff)
    ok = client.post(url, {"action": "reply", "comment": "已清理"}, content_type="application/json")
    assert ok.status_code == 200, ok.content
    refused(w.staff, {"action": "verify"}, 403, "verify_self")
    client.force_login(w.supervisor)
    closed = client.post(url, {"action": "verify"}, content_type="application/json")
    assert (closed.status_code, closed.json()["status"]) == (200, "closed")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "action", "who"),
    [
        ("reported", "decline", "supervisor"),
        ("reported", "refer_up", "supervisor"),
        ("dispatched", "reassign", "supervisor"),
        ("dispatched", "return", "staff"),
        ("handling", "request_extension", "staff"),
        ("handling", "reply", "staff"),
        ("handled", "send_back", "grid"),
        ("accepted", "close_unresolved", "leader"),
        ("closed", "reopen", "supervisor"),
        ("rated", "return_visit", "supervisor"),
        ("closed", "note", "grid"),
    ],
)
def test_a_blank_reason_is_refused_and_nothing_changes(client, w, state, action, who):
    case = to_state(w, state)
    client.force_login(getattr(w, who))
    extra = {"reassign": {"handling_unit_id": w.dept2.pk}, "request_extension": {"days": 2}}.get(action, {})
    response = client.post(f"{BASE}/{case.pk}/transitions", {"action": action, "comment": " ", **extra},
                           content_type="application/json")  # fmt: skip
    assert (response.status_code, response.json()["code"]) == (400, "comment_required")
    case.refresh_from_db()
    assert case.status == state
