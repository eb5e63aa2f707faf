"""The campaign stage table, cell by cell, and random walks through it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.core.errors import Conflict, Forbidden
from luoshi.relocation import workflow
from luoshi.relocation.workflow import Action, Needs

C, T = "commander", "team"

# (stage, action) → (target, who may, what the ledger must show, needs a reason). Written out.
EXPECTED = {
    ("launched", "start_signing"): ("signing", {C, T}, Needs.HOUSEHOLDS, False),
    ("signing", "start_vacating"): ("vacating", {C, T}, Needs.ONE_SIGNED, False),
    ("signing", "step_back"): ("launched", {C}, Needs.NOTHING, True),
    ("vacating", "start_demolition"): ("demolition", {C, T}, Needs.ONE_VACATED, False),
    ("vacating", "step_back"): ("signing", {C}, Needs.NOTHING, True),
    ("demolition", "clear"): ("cleared", {C}, Needs.ALL_DEMOLISHED, False),
    ("demolition", "step_back"): ("vacating", {C}, Needs.NOTHING, True),
    ("cleared", "wrap_up"): ("wrap_up", {C}, Needs.NOTHING, False),
    ("cleared", "step_back"): ("demolition", {C}, Needs.NOTHING, True),
    ("wrap_up", "step_back"): ("cleared", {C}, Needs.NOTHING, True),
}
STAGES = ["launched", "signing", "vacating", "demolition", "cleared", "wrap_up"]
ACTIONS = ["start_signing", "start_vacating", "start_demolition", "clear", "wrap_up", "step_back"]


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_cell_of_the_table(stage: str, action: str) -> None:
    expected = EXPECTED.get((stage, action))
    row = workflow.lookup(stage, action)
    if expected is None:
        assert row is None
        with pytest.raises(Conflict):
            workflow.require(stage, action, {C, T})
        return
    assert row is not None
    assert (row.target, set(row.roles), row.needs, row.needs_comment) == expected
    for role in (C, T):
        if role in expected[1]:
            assert workflow.require(stage, action, {role}) is row
        else:
            with pytest.raises(Forbidden):
                workflow.require(stage, action, {role})


def test_allowed_actions_for_the_team_and_the_commander() -> None:
    assert workflow.allowed_actions("launched", {T}) == ["start_signing"]
    assert workflow.allowed_actions("demolition", {T}) == []
    assert workflow.allowed_actions("demolition", {C}) == ["clear", "step_back"]
    assert workflow.allowed_actions("wrap_up", {C, T}) == ["step_back"]
    assert workflow.allowed_actions("signing", set()) == []


def test_an_unknown_action_is_a_conflict() -> None:
    with pytest.raises(Conflict):
        workflow.require("signing", "delete", {C})


@given(st.lists(st.sampled_from(ACTIONS), max_size=30))
def test_random_walks_move_one_stage_at_a_time(actions: list[str]) -> None:
    stage = "launched"
    for action in actions:
        row = workflow.lookup(stage, action)
        if row is None:
            continue
        before, after = STAGES.index(stage), STAGES.index(row.target)
        assert after - before == (-1 if action == Action.STEP_BACK else 1)
        stage = row.target
    assert stage in STAGES
