"""The machine codes of the tasks app's refusals (the ``code`` of a 4xx body).

One name per condition; the platform's own codes (``invalid``, ``stale``, ``version_missing``,
``forbidden`` …) are :class:`luoshi.core.errors.ErrorCode`. Members are their strings (StrEnum),
so bodies and clients see the same text as before.
"""

from __future__ import annotations

from enum import StrEnum


class TaskErrorCode(StrEnum):
    UNKNOWN_ACTION = "unknown_action"
    WRONG_STATE = "wrong_state"  # the step or edit is not possible in the task's state
    TRANSITION_FORBIDDEN = "transition_forbidden"  # the caller's role does not take this step
    READ_ONLY = "read_only"  # the caller's roles may look but not create, dispatch or import
    COMMENT_REQUIRED = "comment_required"  # this step needs a reason
    FIVE_FIXES_MISSING = "five_fixes_missing"  # assigning without the five fixes (五定) complete
    SELF_SIGN_OFF = "self_sign_off"  # whoever submitted the task cannot also sign it off
    EXTENSION_PENDING = "extension_pending"  # an extension request is already waiting
    NO_EXTENSION_PENDING = "no_extension_pending"  # no extension request to decide
    DEADLINE_LOCKED = "deadline_locked"  # once assigned, the deadline moves only by an extension
    NO_FILES_HERE = "no_files_here"  # files sent with a step that takes none
    UNKNOWN_ATTACHMENT = "unknown_attachment"  # attachment ids not of this task
    UNKNOWN_PERSON = "unknown_person"  # a responsible leader outside the caller's scope
    FINDING_HAS_TASK = "finding_has_task"  # the inspection finding is being rectified already
    IMPORT_INVALID = "import_invalid"  # an import file with bad rows (every one listed)
