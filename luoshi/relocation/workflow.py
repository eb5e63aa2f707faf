"""The campaign stages as one table: stage × action → next stage, who may fire it, and what
the ledger must show first.

Stages: 启动 → 签约 → 腾空 → 拆除 → 净地出让 → 扫尾. Each step forward has a condition
read from the household ledger (never from a typed figure): signing starts once the
ledger has households, vacating once one has signed, demolition once one has
vacated, and the land counts as cleared (净地) only when every household is
demolished. A commander may step back one stage with a reason, to correct a
mistaken step.

Roles are a user's relation to one campaign (see
:func:`luoshi.relocation.permissions.campaign_roles`):

- ``commander``: a leader, responsible leader, supervisor or administrator over the
  campaign's township;
- ``team``: staff of the task force that keeps the ledger (征迁工作组 / 专班).

No row for (stage, action) is a conflict (409); a row whose roles the user lacks is
forbidden (403); a row whose ledger condition is not met is a conflict that says
what is missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luoshi.core.errors import Conflict, Forbidden
from luoshi.relocation.error_codes import RelocationErrorCode
from luoshi.relocation.models import Stage


class Action:
    START_SIGNING = "start_signing"
    START_VACATING = "start_vacating"
    START_DEMOLITION = "start_demolition"
    CLEAR = "clear"
    WRAP_UP = "wrap_up"
    STEP_BACK = "step_back"


ACTIONS: tuple[str, ...] = (
    Action.START_SIGNING,
    Action.START_VACATING,
    Action.START_DEMOLITION,
    Action.CLEAR,
    Action.WRAP_UP,
    Action.STEP_BACK,
)

ACTION_LABELS: dict[str, str | Promise] = {
    Action.START_SIGNING: _("Start signing"),
    Action.START_VACATING: _("Start vacating"),
    Action.START_DEMOLITION: _("Start demolition"),
    Action.CLEAR: _("Land cleared and transferred"),
    Action.WRAP_UP: _("Move to wrapping up"),
    Action.STEP_BACK: _("Step back one stage"),
}

ACTION_VERBS: dict[str, str | Promise] = {
    Action.START_SIGNING: _("started signing"),
    Action.START_VACATING: _("started vacating"),
    Action.START_DEMOLITION: _("started demolition"),
    Action.CLEAR: _("recorded the land cleared and transferred"),
    Action.WRAP_UP: _("moved the campaign to wrapping up"),
    Action.STEP_BACK: _("stepped the campaign back"),
}


class CampaignRole:
    COMMANDER = "commander"
    TEAM = "team"


CAMPAIGN_ROLES: tuple[str, ...] = (CampaignRole.COMMANDER, CampaignRole.TEAM)

_COMMAND = frozenset({CampaignRole.COMMANDER})
_ANY = frozenset({CampaignRole.COMMANDER, CampaignRole.TEAM})


class Needs:
    """What the ledger must show before a step (checked in the service against computed figures)."""

    NOTHING = ""
    HOUSEHOLDS = "households"  # at least one household in the ledger
    ONE_SIGNED = "one_signed"
    ONE_VACATED = "one_vacated"
    ALL_DEMOLISHED = "all_demolished"


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    roles: frozenset[str]
    needs: str = Needs.NOTHING
    needs_comment: bool = False


_ROWS: list[Transition] = [
    Transition(Stage.LAUNCHED, Action.START_SIGNING, Stage.SIGNING, _ANY, Needs.HOUSEHOLDS),
    Transition(Stage.SIGNING, Action.START_VACATING, Stage.VACATING, _ANY, Needs.ONE_SIGNED),
    Transition(Stage.SIGNING, Action.STEP_BACK, Stage.LAUNCHED, _COMMAND, needs_comment=True),
    Transition(Stage.VACATING, Action.START_DEMOLITION, Stage.DEMOLITION, _ANY, Needs.ONE_VACATED),
    Transition(Stage.VACATING, Action.STEP_BACK, Stage.SIGNING, _COMMAND, needs_comment=True),
    Transition(Stage.DEMOLITION, Action.CLEAR, Stage.CLEARED, _COMMAND, Needs.ALL_DEMOLISHED),
    Transition(Stage.DEMOLITION, Action.STEP_BACK, Stage.VACATING, _COMMAND, needs_comment=True),
    Transition(Stage.CLEARED, Action.WRAP_UP, Stage.WRAP_UP, _COMMAND),
    Transition(Stage.CLEARED, Action.STEP_BACK, Stage.DEMOLITION, _COMMAND, needs_comment=True),
    Transition(Stage.WRAP_UP, Action.STEP_BACK, Stage.CLEARED, _COMMAND, needs_comment=True),
]

TABLE: dict[tuple[str, str], Transition] = {(str(t.source), t.action): t for t in _ROWS}


def lookup(stage: str, action: str) -> Transition | None:
    return TABLE.get((stage, action))


def allowed_actions(stage: str, roles: Iterable[str]) -> list[str]:
    """The actions ``roles`` may fire from ``stage``, in table order (ledger conditions aside)."""
    held = frozenset(roles)
    return [t.action for t in _ROWS if t.source == stage and t.roles & held]


def require(stage: str, action: str, roles: Iterable[str]) -> Transition:
    """The transition for ``action`` from ``stage``, or raise 409 (not possible) / 403 (not yours)."""
    if action not in ACTIONS:
        raise Conflict(_("Unknown action."), code=RelocationErrorCode.UNKNOWN_ACTION)
    transition = TABLE.get((stage, action))
    if transition is None:
        raise Conflict(
            _("This step is not possible while the campaign is in the stage “%(stage)s”.")
            % {"stage": Stage(stage).label},
            code=RelocationErrorCode.WRONG_STATE,
        )
    if not transition.roles & frozenset(roles):
        raise Forbidden(
            _("Your role does not allow this step on this campaign."), code=RelocationErrorCode.TRANSITION_FORBIDDEN
        )
    return transition
