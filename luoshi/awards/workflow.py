"""The award round and the 红黑榜 as transition tables: state × action → next state, and who may act.

A user's relation to a round (see :func:`luoshi.awards.permissions.round_roles`):

- ``organiser``: a leader, responsible leader, supervisor or administrator at the round's unit
  (or above it) — opens the vote, decides, writes citations, publishes;
- ``nominator``: anyone with an active role over some unit inside the round's subtree — puts
  forward a unit or cadre in their own scope, with evidence;
- ``panel``: a member of the round's review panel — one vote each.

No row for (state, action) is a conflict (409); a row whose roles the user lacks is
forbidden (403). What a page offers is :func:`allowed`, the same table the services check.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luoshi.awards.error_codes import AwardErrorCode
from luoshi.awards.models import ListStatus, RoundStatus
from luoshi.core.errors import Conflict, Forbidden, ValidationFailed


class Action:
    NOMINATE = "nominate"
    ADD_MEMBER = "add_member"
    START_VOTE = "start_vote"
    VOTE = "vote"
    DECIDE = "decide"
    REOPEN_VOTE = "reopen_vote"
    CITE = "cite"
    PUBLISH = "publish"
    BUILD = "build"  # a 红黑榜 draft: (re)compute its entries from the rules


ORGANISER, NOMINATOR, PANEL = "organiser", "nominator", "panel"

ACTION_LABELS: dict[str, str | Promise] = {
    Action.NOMINATE: _("Nominate"),
    Action.ADD_MEMBER: _("Add a panel member"),
    Action.START_VOTE: _("Close nominations and open the vote"),
    Action.VOTE: _("Vote"),
    Action.DECIDE: _("Decide the winners"),
    Action.REOPEN_VOTE: _("Reopen the vote"),
    Action.CITE: _("Write the citation"),
    Action.PUBLISH: _("Publish"),
    Action.BUILD: _("Compute from the rules"),
}

ACTION_VERBS: dict[str, str | Promise] = {
    "awards.round_create": _("opened an award round"),
    "awards.nominate": _("nominated"),
    "awards.add_member": _("added a panel member"),
    "awards.start_vote": _("opened the vote"),
    "awards.vote": _("voted"),
    "awards.decide": _("decided the winners"),
    "awards.reopen_vote": _("reopened the vote"),
    "awards.cite": _("wrote a citation"),
    "awards.publish": _("published the award"),
    "awards.list_build": _("computed the red and black lists"),
    "awards.list_publish": _("published the red and black lists"),
}


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    action: str
    target: str | None  # None: the state does not change
    roles: frozenset[str]


_O = frozenset({ORGANISER})

ROUND_ROWS: tuple[Transition, ...] = (
    Transition(frozenset({RoundStatus.NOMINATING}), Action.NOMINATE, None, frozenset({NOMINATOR, ORGANISER})),
    Transition(frozenset({RoundStatus.NOMINATING, RoundStatus.VOTING}), Action.ADD_MEMBER, None, _O),
    Transition(frozenset({RoundStatus.NOMINATING}), Action.START_VOTE, RoundStatus.VOTING, _O),
    Transition(frozenset({RoundStatus.VOTING}), Action.VOTE, None, frozenset({PANEL})),
    Transition(frozenset({RoundStatus.VOTING}), Action.DECIDE, RoundStatus.DECIDED, _O),
    Transition(frozenset({RoundStatus.DECIDED}), Action.REOPEN_VOTE, RoundStatus.VOTING, _O),
    Transition(frozenset({RoundStatus.DECIDED}), Action.CITE, None, _O),
    Transition(frozenset({RoundStatus.DECIDED}), Action.PUBLISH, RoundStatus.PUBLISHED, _O),
)

LIST_ROWS: tuple[Transition, ...] = (
    Transition(frozenset({ListStatus.DRAFT}), Action.BUILD, None, _O),
    Transition(frozenset({ListStatus.DRAFT}), Action.PUBLISH, ListStatus.PUBLISHED, _O),
)


def _find(rows: Iterable[Transition], state: str, action: str) -> Transition | None:
    return next((r for r in rows if r.action == action and state in r.sources), None)


def require(rows: Iterable[Transition], state: str, action: str, roles: frozenset[str]) -> Transition:
    rows = tuple(rows)
    row = _find(rows, state, action)
    if row is None:
        if not any(r.action == action for r in rows):
            raise ValidationFailed(_("Unknown action."), code=AwardErrorCode.UNKNOWN_ACTION)
        raise Conflict(_("This cannot be done at this stage."), code=AwardErrorCode.WRONG_STATE)
    if not roles & row.roles:
        raise Forbidden(_("You may not do this."), code=AwardErrorCode.TRANSITION_FORBIDDEN)
    return row


def allowed(rows: Iterable[Transition], state: str, roles: frozenset[str]) -> list[str]:
    """The actions the user may take now, in table order."""
    return [r.action for r in rows if state in r.sources and roles & r.roles]
