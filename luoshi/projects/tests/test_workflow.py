"""The stage tables, written out row by row."""

from __future__ import annotations

import pytest
from django.utils import translation

from luoshi.core.errors import Conflict
from luoshi.projects import workflow


def test_project_stages_move_one_step_on_or_back() -> None:
    forward = {(t.source, t.target) for t in workflow.PROJECT_ROWS if t.action == workflow.ADVANCE}
    back = {(t.source, t.target) for t in workflow.PROJECT_ROWS if t.action == workflow.STEP_BACK}
    assert forward == {
        ("planning", "signed"),
        ("signed", "preparation"),
        ("preparation", "construction"),
        ("construction", "completed"),
        ("completed", "operating"),
    }
    assert back == {
        ("signed", "planning"),
        ("preparation", "signed"),
        ("construction", "preparation"),
        ("completed", "construction"),
        ("operating", "completed"),
    }
    assert all(t.needs_comment for t in workflow.PROJECT_ROWS if t.action == workflow.STEP_BACK)
    assert not any(t.needs_comment for t in workflow.PROJECT_ROWS if t.action == workflow.ADVANCE)


@pytest.mark.parametrize(("stage", "action"), [("planning", "step_back"), ("operating", "advance"), ("signed", "jump")])
def test_steps_off_the_table_are_conflicts(stage: str, action: str) -> None:
    with pytest.raises(Conflict):
        workflow.project_transition(stage, action)


def test_lead_pipeline() -> None:
    rows = {(t.source, t.action): t.target for t in workflow.LEAD_ROWS}
    assert rows == {
        ("lead", "talk"): "talks",
        ("talks", "sign"): "signed",
        ("signed", "land"): "landed",
        ("landed", "operate"): "operating",
        ("lead", "drop"): "dropped",
        ("talks", "drop"): "dropped",
        ("signed", "drop"): "dropped",
        ("dropped", "revive"): "lead",
    }


# --- Every cell of both tables, written out (stage × action → stage, reason needed) -------------

PROJECT_STAGES = ["planning", "signed", "preparation", "construction", "completed", "operating"]
#: (stage, action) → (next stage, a reason is needed); every other pair is refused.
PROJECT_TABLE = {
    ("planning", "advance"): ("signed", False),
    ("signed", "advance"): ("preparation", False),
    ("preparation", "advance"): ("construction", False),
    ("construction", "advance"): ("completed", False),
    ("completed", "advance"): ("operating", False),
    ("signed", "step_back"): ("planning", True),
    ("preparation", "step_back"): ("signed", True),
    ("construction", "step_back"): ("preparation", True),
    ("completed", "step_back"): ("construction", True),
    ("operating", "step_back"): ("completed", True),
}
LEAD_STAGES = ["lead", "talks", "signed", "landed", "operating", "dropped"]
LEAD_TABLE = {
    ("lead", "talk"): ("talks", False),
    ("talks", "sign"): ("signed", False),
    ("signed", "land"): ("landed", False),
    ("landed", "operate"): ("operating", False),
    ("lead", "drop"): ("dropped", True),
    ("talks", "drop"): ("dropped", True),
    ("signed", "drop"): ("dropped", True),
    ("dropped", "revive"): ("lead", True),
}
LEAD_ACTIONS = ["talk", "sign", "land", "operate", "drop", "revive"]


def test_the_action_names_and_their_labels() -> None:
    assert (workflow.ADVANCE, workflow.STEP_BACK) == ("advance", "step_back")
    assert tuple(LEAD_ACTIONS) == (
        workflow.TALK,
        workflow.SIGN,
        workflow.LAND,
        workflow.OPERATE,
        workflow.DROP,
        workflow.REVIVE,
    )
    translation.activate("en")
    assert {k: str(v) for k, v in workflow.PROJECT_ACTION_LABELS.items()} == {
        "advance": "Move to the next stage",
        "step_back": "Step back a stage",
    }
    assert {k: str(v) for k, v in workflow.LEAD_ACTION_LABELS.items()} == {
        "talk": "Start talks",
        "sign": "Record signing",
        "land": "Record landing / start of works",
        "operate": "Record start of production",
        "drop": "Drop the lead",
        "revive": "Take the lead up again",
    }
    translation.deactivate()


def test_which_stages_are_measured_and_lit() -> None:
    assert {"preparation", "construction"} == workflow.MEASURED_STAGES
    assert {"signed", "preparation", "construction"} == workflow.LIT_STAGES


@pytest.mark.parametrize("stage", PROJECT_STAGES)
@pytest.mark.parametrize("action", ["advance", "step_back", "jump"])
def test_every_project_stage_and_action(stage: str, action: str) -> None:
    expected = PROJECT_TABLE.get((stage, action))
    offered = {(t.action, t.target, t.needs_comment) for t in workflow.project_actions(stage)}
    assert offered == {(a, target, why) for (s, a), (target, why) in PROJECT_TABLE.items() if s == stage}
    if expected is None:
        with translation.override("en"):
            with pytest.raises(Conflict) as caught:
                workflow.project_transition(stage, action)
            assert caught.value.code == "wrong_state"
            assert str(caught.value.message) == (
                f"This step is not possible while the project is at the stage {workflow.Stage(stage).label}."
            )
    else:
        row = workflow.project_transition(stage, action)
        assert (row.source, row.action, row.target, row.needs_comment) == (stage, action, *expected)


@pytest.mark.parametrize("stage", LEAD_STAGES)
@pytest.mark.parametrize("action", [*LEAD_ACTIONS, "advance"])
def test_every_lead_stage_and_action(stage: str, action: str) -> None:
    expected = LEAD_TABLE.get((stage, action))
    offered = {(t.action, t.target, t.needs_comment) for t in workflow.lead_actions(stage)}
    assert offered == {(a, target, why) for (s, a), (target, why) in LEAD_TABLE.items() if s == stage}
    if expected is None:
        with translation.override("en"):
            with pytest.raises(Conflict) as caught:
                workflow.lead_transition(stage, action)
            assert caught.value.code == "wrong_state"
            assert str(caught.value.message) == (
                f"This step is not possible while the lead is at the stage {workflow.LeadStage(stage).label}."
            )
    else:
        row = workflow.lead_transition(stage, action)
        assert (row.source, row.action, row.target, row.needs_comment) == (stage, action, *expected)


def test_the_tables_are_keyed_by_plain_stage_and_action() -> None:
    assert set(workflow.PROJECT_TABLE) == set(PROJECT_TABLE)
    assert set(workflow.LEAD_TABLE) == set(LEAD_TABLE)
    assert all(type(stage) is str for stage, _action in [*workflow.PROJECT_TABLE, *workflow.LEAD_TABLE])


def test_the_date_each_lead_step_fills_in() -> None:
    assert workflow.LEAD_DATE_FIELD == {
        "talks": "talks_on",
        "signed": "signed_on",
        "landed": "landed_on",
        "operating": "operating_on",
        "dropped": "dropped_on",
    }
