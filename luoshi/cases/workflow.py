"""The case workflow as one transition table: state × action → next state, and who may do it.

Roles are checked at the unit an action belongs to (``Where``): the command
unit that accepts, dispatches and verifies (``OWNER``), the handling unit
(``HANDLER``), a co-unit (``CO_UNIT``), the place where the case happened
(``PLACE``), any of those (``ANY``) or the public tracking link (``PUBLIC``, the
resident). A role counts at a unit when it was granted there or at an ancestor.

``require`` raises :class:`Conflict` (409) when the action is not possible in
the current state and :class:`Forbidden` (403) when the state is right but none
of the actor's roles is permitted. The table is tested exhaustively.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from luoshi.cases.error_codes import CaseErrorCode
from luoshi.cases.models import Stage, Status
from luoshi.core.errors import Conflict, Forbidden, ValidationFailed
from luoshi.org.models import Role


class Where(enum.StrEnum):
    OWNER = "owner"
    HANDLER = "handler"
    CO_UNIT = "co_unit"
    PLACE = "place"
    ANY = "any"
    PUBLIC = "public"


RESIDENT = "resident"  # the pseudo-role of whoever holds the case's public tracking link

COMMAND: frozenset[str] = frozenset({Role.LEADER, Role.RESPONSIBLE_LEADER, Role.SUPERVISOR, Role.ADMIN})
SUPERVISORS: frozenset[str] = frozenset({Role.LEADER, Role.RESPONSIBLE_LEADER, Role.SUPERVISOR, Role.ADMIN})
HANDLERS: frozenset[str] = frozenset(
    {Role.UNIT_STAFF, Role.COMMUNITY_STAFF, Role.GRID_WORKER, Role.LEADER, Role.RESPONSIBLE_LEADER}
)
FIELD_CHECKERS: frozenset[str] = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF})
ACTIVE_ROLES: frozenset[str] = frozenset(Role.values) - {Role.DISTRICT_VIEWER}


class Action(enum.StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    REFER_UP = "refer_up"
    MERGE = "merge"
    DISPATCH = "dispatch"
    REASSIGN = "reassign"
    ADD_CO_UNIT = "add_co_unit"
    RETURN = "return"
    START = "start"
    CO_REPLY = "co_reply"
    REQUEST_EXTENSION = "request_extension"
    DECIDE_EXTENSION = "decide_extension"
    REPLY = "reply"
    VERIFY = "verify"
    SEND_BACK = "send_back"
    CLOSE_UNRESOLVED = "close_unresolved"
    RATE = "rate"
    REOPEN = "reopen"
    RETURN_VISIT = "return_visit"
    SUPERVISE = "supervise"
    MEDIATE = "mediate"
    NOTE = "note"
    HANDLE_ON_SPOT = "handle_on_spot"


ACTION_LABELS: dict[str, str | Promise] = {
    "report": _("reported the case"),
    Action.ACCEPT: _("accepted"),
    Action.DECLINE: _("declined to accept"),
    Action.REFER_UP: _("referred up a level"),
    Action.MERGE: _("merged as a duplicate"),
    Action.DISPATCH: _("dispatched"),
    Action.REASSIGN: _("reassigned"),
    Action.ADD_CO_UNIT: _("added co-units"),
    Action.RETURN: _("returned to the command unit"),
    Action.START: _("started handling"),
    Action.CO_REPLY: _("replied as a co-unit"),
    Action.REQUEST_EXTENSION: _("asked for more time"),
    Action.DECIDE_EXTENSION: _("decided on an extension"),
    Action.REPLY: _("replied"),
    Action.VERIFY: _("verified and closed"),
    Action.SEND_BACK: _("sent back for rework"),
    Action.CLOSE_UNRESOLVED: _("closed without a solution"),
    Action.RATE: _("rated the result"),
    Action.REOPEN: _("reopened"),
    Action.RETURN_VISIT: _("recorded a return visit"),
    Action.SUPERVISE: _("issued a supervision card"),
    Action.MEDIATE: _("recorded a mediation session"),
    Action.NOTE: _("added a note"),
    Action.HANDLE_ON_SPOT: _("handled it on the spot and closed it"),
    "sla_yellow": _("time limit nearly used"),
    "sla_red": _("time limit passed"),
    "follow_original": _("closed with the original case"),
    "duplicate_added": _("a duplicate was merged into this case"),
}

#: Button labels (imperative) for the detail page.
ACTION_BUTTONS: dict[str, str | Promise] = {
    Action.ACCEPT: pgettext_lazy("case action", "Accept"),
    Action.DECLINE: _("Do not accept"),
    Action.REFER_UP: _("Refer up a level"),
    Action.MERGE: _("Merge as duplicate"),
    Action.DISPATCH: _("Dispatch"),
    Action.REASSIGN: _("Reassign"),
    Action.ADD_CO_UNIT: _("Add co-units"),
    Action.RETURN: _("Return: not ours"),
    Action.START: _("Start handling"),
    Action.CO_REPLY: _("Co-unit reply"),
    Action.REQUEST_EXTENSION: _("Ask for more time"),
    Action.DECIDE_EXTENSION: _("Decide extension"),
    Action.REPLY: _("Reply"),
    Action.VERIFY: _("Verify and close"),
    Action.SEND_BACK: _("Send back"),
    Action.CLOSE_UNRESOLVED: _("Close without a solution"),
    Action.RATE: _("Record rating"),
    Action.REOPEN: _("Reopen"),
    Action.RETURN_VISIT: _("Record return visit"),
    Action.SUPERVISE: _("Supervision card"),
    Action.MEDIATE: _("Record mediation"),
    Action.NOTE: _("Add note"),
    Action.HANDLE_ON_SPOT: _("Handle on the spot"),
}


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[str]
    target: str | None  # None: the state does not change
    permitted: tuple[tuple[Where, frozenset[str]], ...]
    needs_comment: bool = False

    def allows(self, roles: Mapping[Where, frozenset[str]]) -> bool:
        return any(roles.get(where, frozenset()) & allowed for where, allowed in self.permitted)


S = Status
OPEN = frozenset({S.REPORTED, S.ACCEPTED, S.DISPATCHED, S.HANDLING, S.HANDLED})
IN_HANDS = frozenset({S.DISPATCHED, S.HANDLING})
DONE = frozenset({S.CLOSED, S.RATED})


def _t(
    action: Action,
    sources: set[str] | frozenset[str],
    target: str | None,
    *permitted: tuple[Where, frozenset[str]],
    needs_comment: bool = False,
) -> Transition:
    return Transition(action, frozenset(sources), target, tuple(permitted), needs_comment)


TRANSITIONS: tuple[Transition, ...] = (
    _t(Action.ACCEPT, {S.REPORTED}, S.ACCEPTED, (Where.OWNER, COMMAND)),
    _t(Action.DECLINE, {S.REPORTED}, S.CLOSED, (Where.OWNER, COMMAND), needs_comment=True),
    _t(Action.REFER_UP, {S.REPORTED, S.ACCEPTED}, S.REPORTED, (Where.OWNER, COMMAND), needs_comment=True),
    _t(Action.MERGE, {S.REPORTED, S.ACCEPTED}, S.MERGED, (Where.OWNER, COMMAND)),
    _t(Action.DISPATCH, {S.ACCEPTED}, S.DISPATCHED, (Where.OWNER, COMMAND)),
    _t(Action.REASSIGN, IN_HANDS, S.DISPATCHED, (Where.OWNER, COMMAND), needs_comment=True),
    _t(Action.ADD_CO_UNIT, IN_HANDS, None, (Where.OWNER, COMMAND)),
    _t(Action.RETURN, IN_HANDS, S.ACCEPTED, (Where.HANDLER, HANDLERS), needs_comment=True),
    _t(Action.START, {S.DISPATCHED}, S.HANDLING, (Where.HANDLER, HANDLERS)),
    _t(Action.CO_REPLY, IN_HANDS, None, (Where.CO_UNIT, HANDLERS), needs_comment=True),
    _t(Action.REQUEST_EXTENSION, IN_HANDS, None, (Where.HANDLER, HANDLERS), needs_comment=True),
    _t(Action.DECIDE_EXTENSION, IN_HANDS, None, (Where.OWNER, COMMAND)),
    _t(Action.REPLY, {S.HANDLING}, S.HANDLED, (Where.HANDLER, HANDLERS), needs_comment=True),
    _t(Action.VERIFY, {S.HANDLED}, S.CLOSED, (Where.OWNER, COMMAND), (Where.PLACE, FIELD_CHECKERS)),
    _t(
        Action.SEND_BACK,
        {S.HANDLED},
        S.HANDLING,
        (Where.OWNER, COMMAND),
        (Where.PLACE, FIELD_CHECKERS),
        needs_comment=True,
    ),
    _t(
        Action.CLOSE_UNRESOLVED,
        {S.ACCEPTED, S.DISPATCHED, S.HANDLING, S.HANDLED},
        S.CLOSED,
        (Where.OWNER, COMMAND),
        needs_comment=True,
    ),
    # 自行处置: a simple case (its category allows it) handled and closed by the place's grid worker.
    _t(Action.HANDLE_ON_SPOT, {S.REPORTED}, S.CLOSED, (Where.PLACE, FIELD_CHECKERS), needs_comment=True),
    _t(
        Action.RATE,
        {S.CLOSED},
        S.RATED,
        (Where.PUBLIC, frozenset({RESIDENT})),
        (Where.OWNER, COMMAND),
        (Where.PLACE, FIELD_CHECKERS),
    ),
    _t(Action.REOPEN, DONE, S.ACCEPTED, (Where.OWNER, COMMAND), needs_comment=True),
    # 回访 is the command unit's: not the unit (or grid) that did the work checking on itself.
    _t(Action.RETURN_VISIT, DONE, None, (Where.OWNER, COMMAND), needs_comment=True),
    _t(Action.SUPERVISE, OPEN, None, (Where.OWNER, SUPERVISORS)),
    _t(
        Action.MEDIATE,
        {S.ACCEPTED, S.DISPATCHED, S.HANDLING, S.HANDLED},
        None,
        (Where.HANDLER, HANDLERS),
        (Where.OWNER, COMMAND),
        (Where.PLACE, FIELD_CHECKERS),
    ),
    _t(Action.NOTE, OPEN | DONE, None, (Where.ANY, ACTIVE_ROLES), needs_comment=True),
)

TABLE: dict[tuple[str, str], Transition] = {}
for _row in TRANSITIONS:
    for _source in _row.sources:
        key = (_source, _row.action.value)
        if key in TABLE:  # pragma: no cover - a table error, caught at import
            raise RuntimeError(f"duplicate transition {key}")
        TABLE[key] = _row

#: Which SLA stage each state is in.
STAGE_OF: dict[str, str] = {
    S.REPORTED: Stage.ACCEPT,
    S.ACCEPTED: Stage.ACCEPT,
    S.DISPATCHED: Stage.HANDLE,
    S.HANDLING: Stage.HANDLE,
    S.HANDLED: Stage.VERIFY,
    S.CLOSED: Stage.NONE,
    S.RATED: Stage.NONE,
    S.MERGED: Stage.NONE,
}

#: Actions after which the stage clock starts again even when the stage stays the same.
RESTARTS_STAGE: frozenset[str] = frozenset({Action.REFER_UP, Action.REASSIGN, Action.REOPEN})


def transition_for(status: str, action: str) -> Transition | None:
    return TABLE.get((status, action))


def require(status: str, action: str, roles: Mapping[Where, frozenset[str]]) -> Transition:
    """The transition for ``action`` from ``status`` if ``roles`` permit it; else 409 or 403."""
    if action not in Action.__members__.values():
        raise ValidationFailed(
            gettext("Unknown action: %(action)s") % {"action": action}, code=CaseErrorCode.UNKNOWN_ACTION
        )
    row = TABLE.get((status, action))
    if row is None:
        raise Conflict(
            gettext("“%(action)s” is not possible while the case is “%(status)s”.")
            % {"action": ACTION_BUTTONS.get(action, action), "status": Status(status).label},
            code=CaseErrorCode.WRONG_STATE,
        )
    if not row.allows(roles):
        raise Forbidden(
            gettext("You may not “%(action)s” on this case.") % {"action": ACTION_BUTTONS.get(action, action)},
            code=CaseErrorCode.TRANSITION_FORBIDDEN,
        )
    return row


def allowed_actions(status: str, roles: Mapping[Where, frozenset[str]]) -> list[Action]:
    """The actions ``roles`` may take now, in table order (for buttons and the API)."""
    return [row.action for row in TRANSITIONS if status in row.sources and row.allows(roles)]
