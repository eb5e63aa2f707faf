"""The machine codes of the key-projects app's refusals (the ``code`` of a 4xx body).

One name per condition; the platform's own codes (``invalid``, ``stale``, ``version_missing``,
``not_found`` …) are :class:`luoshi.core.errors.ErrorCode`. Members are their strings (StrEnum),
so bodies and clients see the same text as before (except ``import_invalid`` and ``wrong_state``, see docs/projects.md).
"""

from __future__ import annotations

from enum import StrEnum


class ProjectErrorCode(StrEnum):
    WRONG_STATE = "wrong_state"  # a stage or lead step the table has no row for (was "wrong_stage")
    PROBLEM_HAS_TASK = "problem_has_task"
    PROBLEM_SETTLED = "problem_settled"
    PROBLEM_NOT_OPEN = "problem_not_open"
    LEAD_HAS_PROJECT = "lead_has_project"
    LEAD_NOT_SIGNED = "lead_not_signed"
    CREDIT_CODE_SHAPE = "credit_code_shape"  # not 18 characters of the code's alphabet
    CREDIT_CODE_CHECK = "credit_code_check"  # the check character does not match
    IMPORT_INVALID = "import_invalid"  # an import file with bad rows, every one listed (was "import_rows")
