from __future__ import annotations

import json
from collections.abc import Callable
from html import escape

import csp.constants
import csp.middleware
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.http.request import UnreadablePostError
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from luoshi.core import inputguard
from luoshi.core.errors import ErrorCode, LuoshiError, ValidationFailed


class LuoshiErrorMiddleware:
    """Render :class:`LuoshiError` raised by a page view as a friendly error page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, LuoshiError):
            return None
        return render(
            request,
            "core/error.html",
            {"error": exception, "status": exception.status},
            status=exception.status,
        )


def _pairs(data: QueryDict) -> list[tuple[str, str]]:
    return [(key, str(value)) for key, values in data.lists() for value in values]


def _stripped(data: QueryDict) -> QueryDict:
    """A copy of ``data`` without control characters in any name or value."""
    clean = QueryDict(mutable=True)
    for key, values in data.lists():
        clean.setlist(inputguard.strip_control(key), [inputguard.strip_control(str(v)) for v in values])
    clean._mutable = False
    return clean


def _open311_error(path: str, exc: LuoshiError) -> HttpResponse:
    """A refusal in Open311's own error format: a list of {code, description}, XML for ``.xml`` paths."""
    if path.endswith(".xml"):
        body = (
            '<?xml version="1.0" encoding="utf-8"?>\n<errors><error>'
            f"<code>{exc.status}</code><description>{escape(str(exc.message))}</description></error></errors>"
        )
        return HttpResponse(body, status=exc.status, content_type="text/xml; charset=utf-8")
    body = json.dumps([{"code": exc.status, "description": str(exc.message)}], ensure_ascii=False)
    return HttpResponse(body, status=exc.status, content_type="application/json; charset=utf-8")


class InputGuardMiddleware:
    """Refuse input nothing in the platform can take, before any view sees it (luoshi.core.inputguard)."""

    JSON_PREFIXES = ("/api/", "/open311/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = None
        try:
            if self._page_form(request):
                errors = inputguard.form_errors(_pairs(request.POST))
                if errors:
                    # A page form: the view runs with the characters removed and every bound form
                    # shows the message on the field, the typed input kept (core.apps installs the
                    # hook); a view without a form stores the cleaned text. Never the error page.
                    request.POST = _stripped(request.POST)  # type: ignore[assignment]
                    token = inputguard.FORM_ERRORS.set(errors)
            self.check(request)
        except LuoshiError as exc:
            if request.path.startswith("/open311/"):
                return _open311_error(request.path, exc)
            if request.path.startswith(self.JSON_PREFIXES):
                body = json.dumps(exc.as_dict(), ensure_ascii=False)
                return HttpResponse(body, status=exc.status, content_type="application/json; charset=utf-8")
            return render(request, "core/error.html", {"error": exc, "status": exc.status}, status=exc.status)
        try:
            return self.get_response(request)
        finally:
            if token is not None:
                inputguard.FORM_ERRORS.reset(token)

    def _page_form(self, request: HttpRequest) -> bool:
        if request.method != "POST" or request.path.startswith(self.JSON_PREFIXES):
            return False
        if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return False
        try:
            request.POST  # noqa: B018 - parse it once here
        except (MultiPartParserError, UnreadablePostError, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
            return False  # check() below answers these
        return True

    @staticmethod
    def check(request: HttpRequest) -> None:
        inputguard.check_query(_pairs(request.GET))
        if request.method not in ("POST", "PUT", "PATCH"):
            return
        try:
            if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                inputguard.check_form(_pairs(request.POST))
            elif (request.content_type or "").endswith("json"):
                data = inputguard.parse_json(request.body)
                if data is not None:
                    inputguard.check_json(data)
        except (MultiPartParserError, UnreadablePostError):
            # A body that cannot be parsed (e.g. multipart without a boundary): refused here, once,
            # instead of failing again in every middleware and view that reads request.POST.
            raise ValidationFailed(
                _("The request's content could not be read. Send the form again."), code=ErrorCode.UNREADABLE_BODY
            ) from None
        except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
            return  # the view (or the API's own middleware) answers these


class LanguageMiddleware:
    """Activate zh-Hans, or the language the person chose on their account page.

    Unlike Django's ``LocaleMiddleware`` this ignores the browser's ``Accept-Language``:
    Luoshi is a Chinese product whose default is Simplified Chinese on every machine, and
    an office computer set up in English must not turn the pages English by surprise.
    The choice is the ``django_language`` cookie written by Django's ``set_language`` view.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        patch_vary_headers(response, ("Cookie",))
        return response


#: The policy of every JSON response: data, never a document, so it may load and run nothing
#: and be framed by nobody.
JSON_CSP = "default-src 'none'; frame-ancestors 'none'"


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's middleware, except that JSON responses (the API, Open311 in JSON) get the fixed,
    stricter :data:`JSON_CSP` without the page policy being built for each of them."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if str(response.get("Content-Type", "")).startswith("application/json"):
            response.headers.setdefault(csp.constants.HEADER, JSON_CSP)
            return response
        return super().process_response(request, response)
