"""Every answer under /api/ is JSON, including the ones Django gives before an API handler runs.

An unknown path (404), a method an operation does not take (405), a body over the size limit
(413) or a server error (500) would otherwise be Django's HTML page; a program talking to the
API gets the same ``{"code", "message"}`` object as from every handler instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _

from luoshi.core.errors import ErrorCode

API_PREFIX = "/api/"


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (ErrorCode.BAD_REQUEST, _("The request could not be processed.")),
        401: (ErrorCode.NOT_AUTHENTICATED, _("Please log in or send a valid API token.")),
        403: (ErrorCode.FORBIDDEN, _("You are not allowed to do this.")),
        404: (ErrorCode.NO_SUCH_PATH, _("There is no such API address.")),
        405: (ErrorCode.METHOD_NOT_ALLOWED, _("This address does not take this method.")),
        413: (ErrorCode.TOO_LARGE, _("The request body is too large.")),
        429: (ErrorCode.TOO_MANY_REQUESTS, _("Too many requests: please wait a little and try again.")),
        500: (ErrorCode.SERVER_ERROR, _("The server could not answer this request; it has been logged.")),
    }


def json_error(status: int, code: str | None = None, message: str | None = None) -> HttpResponse:
    default_code, default_message = _messages().get(status, ("error", _("The request could not be processed.")))
    body = {"code": str(code or default_code), "message": message or default_message}
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type="application/json; charset=utf-8"
    )


def max_body_bytes(request: HttpRequest) -> int:
    """The largest body the API reads: JSON up to DATA_UPLOAD_MAX_MEMORY_SIZE, uploads up to
    ``LUOSHI_API_MAX_UPLOAD_BYTES`` (a file plus its form fields)."""
    if request.content_type == "multipart/form-data":
        return int(getattr(settings, "LUOSHI_API_MAX_UPLOAD_BYTES", 12 * 1024 * 1024))
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)


class ApiJsonErrorsMiddleware:
    """Refuse oversize API bodies before reading them, and turn any non-JSON error under /api/ into JSON."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return json_error(400, "bad_content_length", _("The Content-Length header is not a number."))
        limit = max_body_bytes(request)
        if limit and length > limit:
            return json_error(413)
        response = self.get_response(request)
        if response.status_code < 400 or str(response.get("Content-Type", "")).startswith("application/json"):
            return response
        replacement = json_error(response.status_code)
        if "Allow" in response:
            replacement["Allow"] = response["Allow"]
        for header in ("Retry-After", "WWW-Authenticate"):
            if header in response:
                replacement[header] = response[header]
        return replacement
