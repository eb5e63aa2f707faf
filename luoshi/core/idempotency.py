"""Idempotent POSTs: an ``Idempotency-Key`` header on the API, a form token on pages.

A client that sends the same POST twice — a double click, a retry after a timeout, a phone
that resends on a flaky network — must not create two cases. With a key, the first request
is processed and its answer kept for 24 hours; a repeat with the same key gets the same
answer again (``Idempotent-Replayed: true``) and nothing is done twice.

- API: ``Idempotency-Key: <up to 100 characters>`` on any POST under /api/. Reusing a key
  for a different body is refused (422); a repeat while the first is still being processed
  gets 409.
- Pages: a form carries a hidden ``idempotency_key`` (``{% form_token %}``, a fresh random
  value each time the form is shown); a second submission of the same form shows the result
  of the first (usually the redirect to what it created).
- Keys belong to the caller (API token, session, or for anonymous visitors their address):
  one caller can never replay another's answer.
- Only successful answers (below 400) are kept. A refused request keeps nothing, so the
  corrected form can be sent again with the same key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.http.multipartparser import MultiPartParserError
from django.http.request import UnreadablePostError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.core.clientip import client_ip
from luoshi.core.errors import Conflict, ErrorCode, ValidationFailed
from luoshi.core.models import IdempotencyRecord

HEADER = "HTTP_IDEMPOTENCY_KEY"
FIELD = "idempotency_key"
MAX_KEY_LENGTH = 100
KEEP = dt.timedelta(hours=24)
REPLAYED = "Idempotent-Replayed"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def caller_scope(request: HttpRequest) -> str:
    """Whose key this is: the credentials the request carries, never something the key chooses."""
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    if authorization:
        return _digest("authorization", authorization)
    session = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    if session:
        return _digest("session", session)
    return _digest("address", client_ip(request))


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _key_and_fingerprint(request: HttpRequest) -> tuple[str, str]:
    key = request.META.get(HEADER, "")
    if key:
        # The whole request must be the same: path, query and body.
        return key, _digest(request.get_full_path(), request.body)
    if not _is_api(request) and request.content_type in FORM_TYPES:
        # A form token stands for one showing of one form: the path is enough.
        try:
            token = request.POST.get(FIELD, "")
        except (MultiPartParserError, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, UnreadablePostError):
            return "", ""  # a body that cannot be read: the view (or Django) answers 400 for it
        return token, _digest(request.get_full_path())
    return "", ""


def _error(request: HttpRequest, error: Conflict | ValidationFailed, status: int) -> HttpResponse:
    if _is_api(request):
        from luoshi.api.middleware import json_error

        return json_error(status, error.code, str(error.message))
    return render(request, "core/error.html", {"error": error, "status": status}, status=status)


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(bytes(record.body), status=record.status, content_type=record.content_type or None)
    if record.location:
        response["Location"] = record.location
    response[REPLAYED] = "true"
    return response


def _claim(scope: str, key: str, fingerprint: str) -> IdempotencyRecord | None:
    """Insert the record (committed at once, so a parallel duplicate sees it); ``None`` when it exists."""
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(scope=scope, key=key, fingerprint=fingerprint)
    except IntegrityError:
        existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
        if existing is not None and existing.created_at < timezone.now() - KEEP:
            existing.delete()
            return _claim(scope, key, fingerprint)
        return existing
    return None


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method != "POST":
            return self.get_response(request)
        key, fingerprint = _key_and_fingerprint(request)
        if not key:
            return self.get_response(request)
        if len(key) > MAX_KEY_LENGTH:
            message = _("The idempotency key is longer than %(n)d characters.") % {"n": MAX_KEY_LENGTH}
            return _error(request, ValidationFailed(message, code=ErrorCode.IDEMPOTENCY_KEY_TOO_LONG), 400)
        scope = caller_scope(request)
        existing = _claim(scope, key, fingerprint)
        if existing is not None:
            if existing.fingerprint != fingerprint:
                message = _("This idempotency key was already used for a different request.")
                return _error(request, ValidationFailed(message, code=ErrorCode.IDEMPOTENCY_KEY_REUSED), 422)
            if existing.status is None:
                message = _("The same request is still being processed; wait for its answer.")
                return _error(request, Conflict(message, code=ErrorCode.IDEMPOTENCY_IN_PROGRESS), 409)
            return _replay(existing)
        try:
            response = self.get_response(request)
        except BaseException:
            IdempotencyRecord.objects.filter(scope=scope, key=key).delete()
            raise
        if response.status_code < 400 and not response.streaming and isinstance(response, HttpResponse):
            IdempotencyRecord.objects.filter(scope=scope, key=key).update(
                status=response.status_code,
                content_type=str(response.get("Content-Type", ""))[:200],
                location=str(response.get("Location", ""))[:1000],
                body=response.content,
            )
        else:
            IdempotencyRecord.objects.filter(scope=scope, key=key).delete()
        return response


def purge(*, now: dt.datetime | None = None) -> int:
    """Forget answers older than 24 hours (a periodic job)."""
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=(now or timezone.now()) - KEEP).delete()
    return deleted
