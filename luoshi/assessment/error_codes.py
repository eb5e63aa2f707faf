"""The machine codes of the assessment app's refusals (the ``code`` of a 4xx body).

One name per condition; the platform's own codes (``invalid``, ``stale``, ``forbidden`` …) are
:class:`luoshi.core.errors.ErrorCode`. Members are their strings (StrEnum), so bodies and
clients see the same text as before (except ``appeal_decided``, see docs/assessment.md).
"""

from __future__ import annotations

from enum import StrEnum


class AssessmentErrorCode(StrEnum):
    UNKNOWN_ACTION = "unknown_action"
    WRONG_STATE = "wrong_state"  # the step is not possible in the run's state
    TRANSITION_FORBIDDEN = "transition_forbidden"  # the caller's role does not take this step
    VERSION_IN_FORCE = "version_in_force"  # a scheme version in force is not edited; start a draft
    DRAFT_EXISTS = "draft_exists"  # a scheme has one draft version at a time
    EMPTY_VERSION = "empty_version"  # a scheme version without items
    BROKEN_ITEMS = "broken_items"  # items whose metric or rule cannot be scored
    NO_VERSION = "no_version"  # no scheme version in force for the period
    RUN_EXISTS = "run_exists"  # the period has a run already
    MANUAL_SCORES_MISSING = "manual_scores_missing"  # freezing with manual scores still to enter
    APPEAL_PENDING = "appeal_pending"  # an appeal on the item is waiting already
    APPEAL_DECIDED = "appeal_decided"  # the appeal has been decided (evidence or a second decision)
