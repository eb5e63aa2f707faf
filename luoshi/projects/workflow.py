"""Stages of a key project and of a 招商 lead, each as one table: stage × action → stage.

A project moves 谋划 → 签约 → 前期 → 在建 → 竣工 → 投产 one step at a time, and may
step back one stage (with a reason) when a step was recorded by mistake. Which
stages a user may move is a permission (``project.manage``); what the table
allows is the same for everybody, so a page offers exactly what the service
accepts.

A lead moves 线索 → 在谈 → 签约 → 落地/开工 → 投产 and may be dropped before it
lands (and picked up again).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luoshi.core.errors import Conflict
from luoshi.projects.error_codes import ProjectErrorCode
from luoshi.projects.models import LeadStage, Stage


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    needs_comment: bool = False


# --- projects ------------------------------------------------------------------------

ADVANCE, STEP_BACK = "advance", "step_back"

PROJECT_ACTION_LABELS: dict[str, str | Promise] = {
    ADVANCE: _("Move to the next stage"),
    STEP_BACK: _("Step back a stage"),
}

PROJECT_ROWS: list[Transition] = [
    Transition(Stage.PLANNING, ADVANCE, Stage.SIGNED),
    Transition(Stage.SIGNED, ADVANCE, Stage.PREPARATION),
    Transition(Stage.PREPARATION, ADVANCE, Stage.CONSTRUCTION),
    Transition(Stage.CONSTRUCTION, ADVANCE, Stage.COMPLETED),
    Transition(Stage.COMPLETED, ADVANCE, Stage.OPERATING),
    Transition(Stage.SIGNED, STEP_BACK, Stage.PLANNING, needs_comment=True),
    Transition(Stage.PREPARATION, STEP_BACK, Stage.SIGNED, needs_comment=True),
    Transition(Stage.CONSTRUCTION, STEP_BACK, Stage.PREPARATION, needs_comment=True),
    Transition(Stage.COMPLETED, STEP_BACK, Stage.CONSTRUCTION, needs_comment=True),
    Transition(Stage.OPERATING, STEP_BACK, Stage.COMPLETED, needs_comment=True),
]
PROJECT_TABLE: dict[tuple[str, str], Transition] = {(str(t.source), t.action): t for t in PROJECT_ROWS}

#: Stages in which investment is being spent and the schedule is measured.
MEASURED_STAGES = frozenset({Stage.PREPARATION, Stage.CONSTRUCTION})
#: Stages in which the project carries a light at all.
LIT_STAGES = frozenset({Stage.SIGNED, Stage.PREPARATION, Stage.CONSTRUCTION})


def project_actions(stage: str) -> list[Transition]:
    return [t for t in PROJECT_ROWS if t.source == stage]


def project_transition(stage: str, action: str) -> Transition:
    row = PROJECT_TABLE.get((stage, action))
    if row is None:
        raise Conflict(
            _("This step is not possible while the project is at the stage %(stage)s.") % {"stage": Stage(stage).label},
            code=ProjectErrorCode.WRONG_STATE,
        )
    return row


# --- leads ---------------------------------------------------------------------------

TALK, SIGN, LAND, OPERATE, DROP, REVIVE = "talk", "sign", "land", "operate", "drop", "revive"

LEAD_ACTION_LABELS: dict[str, str | Promise] = {
    TALK: _("Start talks"),
    SIGN: _("Record signing"),
    LAND: _("Record landing / start of works"),
    OPERATE: _("Record start of production"),
    DROP: _("Drop the lead"),
    REVIVE: _("Take the lead up again"),
}

LEAD_ROWS: list[Transition] = [
    Transition(LeadStage.LEAD, TALK, LeadStage.TALKS),
    Transition(LeadStage.TALKS, SIGN, LeadStage.SIGNED),
    Transition(LeadStage.SIGNED, LAND, LeadStage.LANDED),
    Transition(LeadStage.LANDED, OPERATE, LeadStage.OPERATING),
    Transition(LeadStage.LEAD, DROP, LeadStage.DROPPED, needs_comment=True),
    Transition(LeadStage.TALKS, DROP, LeadStage.DROPPED, needs_comment=True),
    Transition(LeadStage.SIGNED, DROP, LeadStage.DROPPED, needs_comment=True),
    Transition(LeadStage.DROPPED, REVIVE, LeadStage.LEAD, needs_comment=True),
]
LEAD_TABLE: dict[tuple[str, str], Transition] = {(str(t.source), t.action): t for t in LEAD_ROWS}

#: Which date field a lead's step fills in.
LEAD_DATE_FIELD: dict[str, str] = {
    LeadStage.TALKS: "talks_on",
    LeadStage.SIGNED: "signed_on",
    LeadStage.LANDED: "landed_on",
    LeadStage.OPERATING: "operating_on",
    LeadStage.DROPPED: "dropped_on",
}


def lead_actions(stage: str) -> list[Transition]:
    return [t for t in LEAD_ROWS if t.source == stage]


def lead_transition(stage: str, action: str) -> Transition:
    row = LEAD_TABLE.get((stage, action))
    if row is None:
        raise Conflict(
            _("This step is not possible while the lead is at the stage %(stage)s.")
            % {"stage": LeadStage(stage).label},
            code=ProjectErrorCode.WRONG_STATE,
        )
    return row
