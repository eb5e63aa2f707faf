"""The bulletin workflow as one table: state × action → state, and which roles may take it.

The supervisor (督查专员) builds and edits a draft and issues it; a leader may be asked
to review it first (送审) and either approves it or returns it with a comment.
Issuing numbers, freezes and archives the bulletin; a draft may be discarded.
What a page offers is :func:`actions_for`, which is exactly what
:func:`transition` accepts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luoshi.bulletins.error_codes import BulletinErrorCode
from luoshi.bulletins.models import Status
from luoshi.core.errors import Conflict
from luoshi.org.models import Role

EDITORS = frozenset({Role.SUPERVISOR, Role.ADMIN})
REVIEWERS = frozenset({Role.LEADER, Role.RESPONSIBLE_LEADER, Role.ADMIN})

SUBMIT, RETURN, APPROVE, ISSUE, DISCARD = "submit", "return", "approve", "issue", "discard"

ACTION_LABELS: dict[str, str | Promise] = {
    SUBMIT: _("Send for review"),
    RETURN: _("Return to the supervisor"),
    APPROVE: _("Approve"),
    ISSUE: _("Issue"),
    DISCARD: _("Discard the draft"),
}


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    roles: frozenset[str]
    needs_comment: bool = False


ROWS: list[Transition] = [
    Transition(Status.DRAFT, SUBMIT, Status.REVIEW, EDITORS),
    Transition(Status.REVIEW, RETURN, Status.DRAFT, REVIEWERS, needs_comment=True),
    Transition(Status.REVIEW, APPROVE, Status.APPROVED, REVIEWERS),
    Transition(Status.APPROVED, RETURN, Status.DRAFT, REVIEWERS | EDITORS, needs_comment=True),
    Transition(Status.DRAFT, ISSUE, Status.ISSUED, EDITORS),
    Transition(Status.APPROVED, ISSUE, Status.ISSUED, EDITORS),
    Transition(Status.DRAFT, DISCARD, Status.DISCARDED, EDITORS),
]
TABLE: dict[tuple[str, str], Transition] = {(str(t.source), t.action): t for t in ROWS}

#: States in which the sections may still be changed.
EDITABLE = frozenset({Status.DRAFT})


def actions_for(status: str, roles: frozenset[str]) -> list[Transition]:
    return [t for t in ROWS if t.source == status and t.roles & roles]


def transition(status: str, action: str) -> Transition:
    row = TABLE.get((status, action))
    if row is None:
        raise Conflict(
            _("This step is not possible in the bulletin's present state."), code=BulletinErrorCode.WRONG_STATE
        )
    return row
