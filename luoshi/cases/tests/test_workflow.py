"""The transition table, exhaustively: every state × action × (unit, role)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.cases import workflow
from luoshi.cases.models import Status
from luoshi.cases.workflow import RESIDENT, Action, Where
from luoshi.core.errors import Conflict, Forbidden, ValidationFailed
from luoshi.org.models import Role

S = Status
A = Action

# The specification, written out by hand from the issue: (state, action) → next state.
SPEC: dict[tuple[str, str], str] = {
    (S.REPORTED, A.ACCEPT): S.ACCEPTED,
    (S.REPORTED, A.DECLINE): S.CLOSED,
    (S.REPORTED, A.REFER_UP): S.REPORTED,
    (S.ACCEPTED, A.REFER_UP): S.REPORTED,
    (S.REPORTED, A.MERGE): S.MERGED,
    (S.ACCEPTED, A.MERGE): S.MERGED,
    (S.ACCEPTED, A.DISPATCH): S.DISPATCHED,
    (S.DISPATCHED, A.REASSIGN): S.DISPATCHED,
    (S.HANDLING, A.REASSIGN): S.DISPATCHED,
    (S.DISPATCHED, A.RETURN): S.ACCEPTED,
    (S.HANDLING, A.RETURN): S.ACCEPTED,
    (S.DISPATCHED, A.START): S.HANDLING,
    (S.HANDLING, A.REPLY): S.HANDLED,
    (S.HANDLED, A.VERIFY): S.CLOSED,
    (S.HANDLED, A.SEND_BACK): S.HANDLING,
    (S.ACCEPTED, A.CLOSE_UNRESOLVED): S.CLOSED,
    (S.DISPATCHED, A.CLOSE_UNRESOLVED): S.CLOSED,
    (S.HANDLING, A.CLOSE_UNRESOLVED): S.CLOSED,
    (S.HANDLED, A.CLOSE_UNRESOLVED): S.CLOSED,
    (S.CLOSED, A.RATE): S.RATED,
    (S.CLOSED, A.REOPEN): S.ACCEPTED,
    (S.RATED, A.REOPEN): S.ACCEPTED,
    (S.REPORTED, A.HANDLE_ON_SPOT): S.CLOSED,  # 自行处置 (issue 14)
}
# Actions that keep the state, and the states they are possible in.
IN_PLACE: dict[str, set[str]] = {
    A.ADD_CO_UNIT: {S.DISPATCHED, S.HANDLING},
    A.CO_REPLY: {S.DISPATCHED, S.HANDLING},
    A.REQUEST_EXTENSION: {S.DISPATCHED, S.HANDLING},
    A.DECIDE_EXTENSION: {S.DISPATCHED, S.HANDLING},
    A.RETURN_VISIT: {S.CLOSED, S.RATED},
    A.SUPERVISE: {S.REPORTED, S.ACCEPTED, S.DISPATCHED, S.HANDLING, S.HANDLED},
    A.MEDIATE: {S.ACCEPTED, S.DISPATCHED, S.HANDLING, S.HANDLED},
    A.NOTE: {S.REPORTED, S.ACCEPTED, S.DISPATCHED, S.HANDLING, S.HANDLED, S.CLOSED, S.RATED},
}
CMD = {Role.LEADER, Role.RESPONSIBLE_LEADER, Role.SUPERVISOR, Role.ADMIN}
HANDLERS = {Role.UNIT_STAFF, Role.COMMUNITY_STAFF, Role.GRID_WORKER, Role.LEADER, Role.RESPONSIBLE_LEADER}
FIELD = {Role.GRID_WORKER, Role.COMMUNITY_STAFF}
# Who may do it: (where, roles).
WHO: dict[str, set[tuple[Where, str]]] = {
    A.ACCEPT: {(Where.OWNER, r) for r in CMD},
    A.DECLINE: {(Where.OWNER, r) for r in CMD},
    A.REFER_UP: {(Where.OWNER, r) for r in CMD},
    A.MERGE: {(Where.OWNER, r) for r in CMD},
    A.DISPATCH: {(Where.OWNER, r) for r in CMD},
    A.REASSIGN: {(Where.OWNER, r) for r in CMD},
    A.ADD_CO_UNIT: {(Where.OWNER, r) for r in CMD},
    A.RETURN: {(Where.HANDLER, r) for r in HANDLERS},
    A.START: {(Where.HANDLER, r) for r in HANDLERS},
    A.CO_REPLY: {(Where.CO_UNIT, r) for r in HANDLERS},
    A.REQUEST_EXTENSION: {(Where.HANDLER, r) for r in HANDLERS},
    A.DECIDE_EXTENSION: {(Where.OWNER, r) for r in CMD},
    A.REPLY: {(Where.HANDLER, r) for r in HANDLERS},
    A.VERIFY: {(Where.OWNER, r) for r in CMD} | {(Where.PLACE, r) for r in FIELD},
    A.SEND_BACK: {(Where.OWNER, r) for r in CMD} | {(Where.PLACE, r) for r in FIELD},
    A.CLOSE_UNRESOLVED: {(Where.OWNER, r) for r in CMD},
    A.RATE: {(Where.PUBLIC, RESIDENT)} | {(Where.OWNER, r) for r in CMD} | {(Where.PLACE, r) for r in FIELD},
    A.REOPEN: {(Where.OWNER, r) for r in CMD},
    A.RETURN_VISIT: {(Where.OWNER, r) for r in CMD},  # the command unit's, not the place's (issue 14)
    A.SUPERVISE: {(Where.OWNER, r) for r in CMD},
    A.MEDIATE: {(Where.HANDLER, r) for r in HANDLERS}
    | {(Where.OWNER, r) for r in CMD}
    | {(Where.PLACE, r) for r in FIELD},
    A.NOTE: {(Where.ANY, r) for r in set(Role.values) - {Role.DISTRICT_VIEWER}},
    A.HANDLE_ON_SPOT: {(Where.PLACE, r) for r in FIELD},
}
ALL_ROLES = [*Role.values, RESIDENT]


def expected_target(state: str, action: str) -> str | bool | None:
    """The next state, None for "stays", False for "not possible"."""
    if (state, action) in SPEC:
        return SPEC[(state, action)]
    if state in IN_PLACE.get(action, set()):
        return None
    return False


@pytest.mark.parametrize(("state", "action"), list(itertools.product(Status.values, [a.value for a in Action])))
def test_every_state_and_action_against_the_specification(state, action):
    expected = expected_target(state, action)
    row = workflow.transition_for(state, action)
    if expected is False:
        assert row is None
        for where, role in itertools.product(Where, ALL_ROLES):
            with pytest.raises(Conflict):
                workflow.require(state, action, {where: frozenset({role})})
        return
    assert row is not None
    assert row.target == expected
    for where, role in itertools.product(Where, ALL_ROLES):
        roles = {where: frozenset({role})}
        if (where, role) in WHO[action]:
            assert workflow.require(state, action, roles) is row
        else:
            with pytest.raises(Forbidden):
                workflow.require(state, action, roles)


def test_the_table_has_no_row_the_specification_lacks():
    for (state, action), row in workflow.TABLE.items():
        assert expected_target(state, action) == row.target, (state, action)


def test_unknown_action_is_a_validation_error():
    with pytest.raises(ValidationFailed):
        workflow.require(S.REPORTED, "explode", {Where.OWNER: frozenset({Role.ADMIN})})


def test_merged_is_terminal_and_closed_needs_verification_by_command_or_field():
    assert workflow.allowed_actions(S.MERGED, {w: frozenset(ALL_ROLES) for w in Where}) == []
    # A handler alone cannot close their own work.
    handler_only = {Where.HANDLER: frozenset({Role.UNIT_STAFF})}
    assert A.VERIFY not in workflow.allowed_actions(S.HANDLED, handler_only)


def test_every_state_has_a_stage_and_open_states_have_a_clock():
    assert set(workflow.STAGE_OF) == set(Status.values)
    for state in workflow.OPEN:
        assert workflow.STAGE_OF[state]
    for state in (S.CLOSED, S.RATED, S.MERGED):
        assert workflow.STAGE_OF[state] == ""


@given(
    st.lists(st.sampled_from([a.value for a in Action]), max_size=30),
    st.sampled_from(Status.values),
)
def test_random_walks_only_reach_known_states(actions, state):
    everyone = {w: frozenset(ALL_ROLES) for w in Where}
    for action in actions:
        row = workflow.transition_for(state, action)
        if row is None:
            continue
        assert workflow.require(state, action, everyone) is row
        state = row.target or state
        assert state in Status.values


def test_every_open_case_can_still_be_closed():
    """No open state is a dead end: from each, some path reaches closed."""
    everyone = {w: frozenset(ALL_ROLES) for w in Where}
    for start in workflow.OPEN:
        seen, frontier = {start}, [start]
        while frontier:
            state = frontier.pop()
            for action in workflow.allowed_actions(state, everyone):
                target = workflow.transition_for(state, action).target
                if target and target not in seen:
                    seen.add(target)
                    frontier.append(target)
        assert S.CLOSED in seen, start
