"""The stage tables, written out row by row."""

from __future__ import annotations

import pytest

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
