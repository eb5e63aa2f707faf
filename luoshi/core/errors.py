"""The one application error type, rendered the same way on pages and the API.

Every error carries a stable machine code (``code``), a message for people
(translated; Chinese by default) and the HTTP status it maps to.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class LuoshiError(Exception):
    status: int = 400
    default_code: str = "bad_request"
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
        body: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if self.details is not None:
            body["details"] = self.details
        return body


class ValidationFailed(LuoshiError):
    status = 400
    default_code = "invalid"
    default_message = _("Some of the data is not valid.")


class NotAuthenticated(LuoshiError):
    status = 401
    default_code = "not_authenticated"
    default_message = _("Please log in first.")


class Forbidden(LuoshiError):
    status = 403
    default_code = "forbidden"
    default_message = _("You are not allowed to do this.")


class NotFound(LuoshiError):
    """Raised both for missing objects and for objects outside the user's scope."""

    status = 404
    default_code = "not_found"
    default_message = _("The object does not exist or is outside your scope.")


class Conflict(LuoshiError):
    status = 409
    default_code = "conflict"
    default_message = _("The object was changed by someone else or is in the wrong state.")
