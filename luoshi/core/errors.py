"""The one application error type, rendered the same way on pages and the API.

Every error carries a stable machine code (``code``), a message for people
(translated; Chinese by default) and the HTTP status it maps to.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ErrorCode(StrEnum):
    """The machine codes every app shares (the ``code`` of a 4xx body). Each app's own conditions
    ("comment_required", "five_fixes_missing" …) are its own; these are the platform's, one
    spelling each (issue 15: no synonyms such as ``stale`` / ``stale_version``).
    A StrEnum member *is* its string, so bodies, tests and clients compare it as text."""

    BAD_REQUEST = "bad_request"
    INVALID = "invalid"  # validation: the details say which fields
    NOT_AUTHENTICATED = "not_authenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"  # missing, or outside the caller's scope
    CONFLICT = "conflict"
    STALE = "stale"  # someone else changed the object since it was read (core.versioning)
    VERSION_MISSING = "version_missing"  # an edit without the version it was read at
    BAD_PARAMETER = "bad_parameter"  # a query parameter out of its bounds (core.params, API paging)
    CONTROL_CHARACTERS = "control_characters"  # core.inputguard / core.validators
    NUMBER_TOO_LARGE = "number_too_large"
    NOT_A_NUMBER = "not_a_number"
    TOO_DEEP = "too_deep"
    NULL_NOT_ALLOWED = "null_not_allowed"
    UNREADABLE_BODY = "unreadable_body"  # not JSON, or a multipart body without a boundary
    NO_SUCH_PATH = "no_such_path"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    TOO_LARGE = "too_large"  # a request body over the server's limit (413)
    TOO_MANY_REQUESTS = "too_many_requests"
    SERVER_ERROR = "server_error"
    IDEMPOTENCY_KEY_TOO_LONG = "idempotency_key_too_long"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_IN_PROGRESS = "idempotency_in_progress"
    DATE_RANGE = "date_range"  # a date before 2000-01-01 or after 2099-12-31 (core.bounds)
    # uploads (core.uploads): one code per way a file is refused
    FILE_EMPTY = "file_empty"
    FILE_SIZE = "file_size"  # over the size limit for its kind
    FILE_TYPE = "file_type"  # a kind of file not accepted here
    FILE_CONTENT = "file_content"  # the content is not what the name says, or is damaged
    TOO_MANY_FILES = "too_many_files"
    FILE_UNPACKED_SIZE = "file_unpacked_size"  # an archive that unpacks too large
    FILE_RATIO = "file_ratio"  # an archive that unpacks suspiciously much (a zip bomb)
    TOO_MANY_ROWS = "too_many_rows"
    IMAGE_TOO_LARGE = "image_too_large"  # a picture with too many pixels
    LINK_UNAVAILABLE = "link_unavailable"  # the app a link points to is not installed (core.links)


class LuoshiError(Exception):
    status: int = 400
    default_code: str = ErrorCode.BAD_REQUEST
    default_message: str | Promise = _("The request could not be processed.")

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        code: str | None = None,
        details: Any = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        self.code = code or self.default_code
        self.details = details
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": str(self.code), "message": str(self.message)}
        if self.details is not None:
            body["details"] = self.details
        return body


class ValidationFailed(LuoshiError):
    status = 400
    default_code = ErrorCode.INVALID
    default_message = _("Some of the data is not valid.")


class NotAuthenticated(LuoshiError):
    status = 401
    default_code = ErrorCode.NOT_AUTHENTICATED
    default_message = _("Please log in first.")


class Forbidden(LuoshiError):
    status = 403
    default_code = ErrorCode.FORBIDDEN
    default_message = _("You are not allowed to do this.")


class NotFound(LuoshiError):
    """Raised both for missing objects and for objects outside the user's scope."""

    status = 404
    default_code = ErrorCode.NOT_FOUND
    default_message = _("The object does not exist or is outside your scope.")


class Conflict(LuoshiError):
    status = 409
    default_code = ErrorCode.CONFLICT
    default_message = _("The object was changed by someone else or is in the wrong state.")
