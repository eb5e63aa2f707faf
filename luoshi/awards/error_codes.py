"""The machine codes of the awards app's refusals (the ``code`` of a 4xx body).

The platform's own codes (``invalid``, ``stale``, ``not_found`` …) are
:class:`luoshi.core.errors.ErrorCode`. Members are their strings (StrEnum), so bodies and
clients see the same text as before.
"""

from __future__ import annotations

from enum import StrEnum


class AwardErrorCode(StrEnum):
    UNKNOWN_ACTION = "unknown_action"  # (400) no such step, as in tasks and cases
    TRANSITION_FORBIDDEN = "transition_forbidden"  # the caller's role does not take this step
    WRONG_STATE = "wrong_state"  # the action is not possible at the round's or list's stage
    REQUIRED = "required"  # a field that must be filled in (the details name it)
    INVALID_PERIOD = "invalid_period"
    WRONG_PERIOD_KIND = "wrong_period_kind"  # a month for an award given per quarter, say
    INACTIVE = "inactive"  # the award type is not in use
    INACTIVE_USER = "inactive_user"  # a panel member whose login is not active
    DUPLICATE = "duplicate"  # the round, nominee or panel member is there already
    TOO_MANY_FILES = "too_many_files"
    NOMINEE = "nominee"  # no nominee chosen
    NOMINEE_OUTSIDE = "nominee_outside"  # the nominee is not among the round's candidates
    WRONG_ROUND = "wrong_round"  # a nomination of another round
    VOTED = "voted"
    NO_NOMINATIONS = "no_nominations"
    NO_PANEL = "no_panel"
    NO_VOTES = "no_votes"
    TIE = "tie"
    TOO_MANY_WINNERS = "too_many_winners"
    CITATION_MISSING = "citation_missing"
    NOT_WINNER = "not_winner"
    EMPTY = "empty"  # the red and black lists have no entries yet
