"""The machine codes of the bulletins app's refusals (the ``code`` of a 4xx body).

One name per condition; the platform's own codes (``invalid``, ``stale``, ``forbidden`` …) are
:class:`luoshi.core.errors.ErrorCode`. Members are their strings (StrEnum), so bodies and
clients see the same text as before (except ``invalid_period``, ``future_date`` and
``transition_forbidden``, see docs/bulletins.md).
"""

from __future__ import annotations

from enum import StrEnum


class BulletinErrorCode(StrEnum):
    WRONG_STATE = "wrong_state"  # the step is not possible in the bulletin's state
    TRANSITION_FORBIDDEN = "transition_forbidden"  # the caller's role does not take this step
    FROZEN = "frozen"  # editing a bulletin that is no longer a draft
    BAD_KIND = "bad_kind"  # no such kind of bulletin
    FUTURE_DATE = "future_date"  # a bulletin dated in the future (was "future")
    SUBJECT_REQUIRED = "subject_required"  # a special bulletin without its matter
    INVALID_PERIOD = "invalid_period"  # the period does not end by the date or spans over a year
    TOO_LONG = "too_long"  # a text over its length limit
    TOO_MANY = "too_many"  # more sections than a bulletin holds
    COMMENT_REQUIRED = "comment_required"  # this step needs a reason
