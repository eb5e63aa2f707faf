"""The run workflow as one table: state × action → target state, and who may fire it.

A run is created by computing it (it starts *under review*: reviewers enter manual
scores, the figures may be recomputed from the live record), is frozen (a snapshot:
values, scores and the records behind them are copied into the results and never read
again), may be reopened for review, is published, takes appeals while published, and
is finally archived. Appeals have their own small table.

Roles here are a user's relation to one run (:func:`permissions.run_roles`):

- ``organiser``: supervisors and administrators over the scheme's organising unit;
- ``subject``: leaders and staff of a scored unit, or the scored cadre (files appeals).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luoshi.assessment.error_codes import AssessmentErrorCode
from luoshi.assessment.models import AppealState, RunState
from luoshi.core.errors import Conflict, Forbidden


class Action:
    RECOMPUTE = "recompute"
    SCORE = "score"  # enter a manual score
    FREEZE = "freeze"
    REOPEN = "reopen"
    PUBLISH = "publish"
    APPEAL = "appeal"
    ARCHIVE = "archive"


class AppealAction:
    UPHOLD = "uphold"
    REJECT = "reject"


class RunRole:
    ORGANISER = "organiser"
    SUBJECT = "subject"


ACTION_LABELS: dict[str, str | Promise] = {
    Action.RECOMPUTE: _("Recompute from the live record"),
    Action.SCORE: _("Enter a manual score"),
    Action.FREEZE: _("Freeze"),
    Action.REOPEN: _("Reopen for review"),
    Action.PUBLISH: _("Publish"),
    Action.APPEAL: _("File an appeal"),
    Action.ARCHIVE: _("Archive"),
    AppealAction.UPHOLD: _("Uphold"),
    AppealAction.REJECT: _("Reject"),
}

ACTION_VERBS: dict[str, str | Promise] = {
    "compute": _("computed the assessment run"),
    Action.RECOMPUTE: _("recomputed the assessment run"),
    Action.SCORE: _("entered a manual score"),
    Action.FREEZE: _("froze the assessment run"),
    Action.REOPEN: _("reopened the assessment run"),
    Action.PUBLISH: _("published the assessment run"),
    Action.APPEAL: _("filed an appeal"),
    Action.ARCHIVE: _("archived the assessment run"),
    AppealAction.UPHOLD: _("upheld an appeal"),
    AppealAction.REJECT: _("rejected an appeal"),
}

_ORG = frozenset({RunRole.ORGANISER})
_SUBJECT = frozenset({RunRole.SUBJECT})


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    roles: frozenset[str]


_ROWS: list[Transition] = [
    Transition(RunState.REVIEW, Action.RECOMPUTE, RunState.REVIEW, _ORG),
    Transition(RunState.REVIEW, Action.SCORE, RunState.REVIEW, _ORG),
    Transition(RunState.REVIEW, Action.FREEZE, RunState.FROZEN, _ORG),
    Transition(RunState.FROZEN, Action.REOPEN, RunState.REVIEW, _ORG),
    Transition(RunState.FROZEN, Action.PUBLISH, RunState.PUBLISHED, _ORG),
    Transition(RunState.PUBLISHED, Action.APPEAL, RunState.PUBLISHED, _SUBJECT),
    Transition(RunState.PUBLISHED, Action.ARCHIVE, RunState.ARCHIVED, _ORG),
]

TABLE: dict[tuple[str, str], Transition] = {(str(t.source), t.action): t for t in _ROWS}
ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(t.action for t in _ROWS))

#: Appeals: filed → upheld (a new published revision) or rejected, by the organiser, while the run is published.
APPEAL_TABLE: dict[tuple[str, str], str] = {
    (AppealState.FILED, AppealAction.UPHOLD): AppealState.UPHELD,
    (AppealState.FILED, AppealAction.REJECT): AppealState.REJECTED,
}


def allowed_actions(state: str, roles: Iterable[str]) -> list[str]:
    held = frozenset(roles)
    return [t.action for t in _ROWS if t.source == state and t.roles & held]


def require(state: str, action: str, roles: Iterable[str]) -> Transition:
    """The transition, or :class:`Conflict` (wrong state, 409) / :class:`Forbidden` (403)."""
    if action not in ACTIONS:
        raise Conflict(_("Unknown action."), code=AssessmentErrorCode.UNKNOWN_ACTION)
    transition = TABLE.get((state, action))
    if transition is None:
        raise Conflict(
            _("This is not possible while the run is %(state)s.") % {"state": RunState(state).label},
            code=AssessmentErrorCode.WRONG_STATE,
        )
    if not transition.roles & frozenset(roles):
        raise Forbidden(
            _("Your role does not allow this on this assessment run."), code=AssessmentErrorCode.TRANSITION_FORBIDDEN
        )
    return transition


def require_appeal(state: str, action: str) -> str:
    target = APPEAL_TABLE.get((state, action))
    if target is None:
        raise Conflict(_("This appeal has been decided already."), code=AssessmentErrorCode.APPEAL_DECIDED)
    return target
