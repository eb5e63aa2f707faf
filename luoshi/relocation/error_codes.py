"""The machine codes of the relocation app's refusals (the ``code`` of a 4xx body).

One name per condition; the platform's own codes (``invalid``, ``stale``, ``version_missing``,
``null_not_allowed`` …) are :class:`luoshi.core.errors.ErrorCode`. Members are their strings
(StrEnum), so bodies and clients see the same text as before (except ``wrong_state`` and
``invalid_id_no``, see docs/relocation.md).
"""

from __future__ import annotations

from enum import StrEnum


class RelocationErrorCode(StrEnum):
    UNKNOWN_ACTION = "unknown_action"
    WRONG_STATE = "wrong_state"  # the step is not possible in the campaign's stage (was "wrong_stage")
    TRANSITION_FORBIDDEN = "transition_forbidden"  # the caller's role does not take this step
    LEDGER_EMPTY = "ledger_empty"  # signing cannot start on an empty ledger
    NONE_SIGNED = "none_signed"
    NONE_VACATED = "none_vacated"
    NOT_CLEARED = "not_cleared"
    HOUSEHOLD_SIGNED = "signed"  # a signed household cannot be removed from the ledger
    INVALID_ID_NO = "invalid_id_no"  # an ID number of the wrong shape or check digit (was "id_no")
    IMPORT_INVALID = "import_invalid"  # a ledger import with bad rows (every one listed)
