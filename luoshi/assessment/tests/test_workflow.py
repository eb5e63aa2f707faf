"""The run workflow table, cell by cell."""

from __future__ import annotations

import pytest

from luoshi.assessment import workflow
from luoshi.assessment.models import AppealState, RunState
from luoshi.assessment.workflow import Action, AppealAction, RunRole
from luoshi.core.errors import Conflict, Forbidden

EXPECTED = {
    (RunState.REVIEW, Action.RECOMPUTE): (RunState.REVIEW, RunRole.ORGANISER),
    (RunState.REVIEW, Action.SCORE): (RunState.REVIEW, RunRole.ORGANISER),
    (RunState.REVIEW, Action.FREEZE): (RunState.FROZEN, RunRole.ORGANISER),
    (RunState.FROZEN, Action.REOPEN): (RunState.REVIEW, RunRole.ORGANISER),
    (RunState.FROZEN, Action.PUBLISH): (RunState.PUBLISHED, RunRole.ORGANISER),
    (RunState.PUBLISHED, Action.APPEAL): (RunState.PUBLISHED, RunRole.SUBJECT),
    (RunState.PUBLISHED, Action.ARCHIVE): (RunState.ARCHIVED, RunRole.ORGANISER),
}


@pytest.mark.parametrize("state", RunState.values)
@pytest.mark.parametrize("action", workflow.ACTIONS)
@pytest.mark.parametrize("role", [RunRole.ORGANISER, RunRole.SUBJECT])
def test_every_cell(state: str, action: str, role: str) -> None:
    expected = EXPECTED.get((state, action))
    if expected is None:
        with pytest.raises(Conflict):
            workflow.require(state, action, [role])
        assert action not in workflow.allowed_actions(state, [role])
    elif expected[1] == role:
        assert workflow.require(state, action, [role]).target == expected[0]
        assert action in workflow.allowed_actions(state, [role])
    else:
        with pytest.raises(Forbidden):
            workflow.require(state, action, [role])
        assert action not in workflow.allowed_actions(state, [role])


def test_unknown_action_is_a_conflict() -> None:
    with pytest.raises(Conflict):
        workflow.require(RunState.REVIEW, "explode", [RunRole.ORGANISER])


@pytest.mark.parametrize("state", AppealState.values)
@pytest.mark.parametrize("action", [AppealAction.UPHOLD, AppealAction.REJECT])
def test_appeals_are_decided_once(state: str, action: str) -> None:
    if state == AppealState.FILED:
        assert workflow.require_appeal(state, action) in (AppealState.UPHELD, AppealState.REJECTED)
    else:
        with pytest.raises(Conflict):
            workflow.require_appeal(state, action)
