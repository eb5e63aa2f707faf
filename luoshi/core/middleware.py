from __future__ import annotations

from collections.abc import Callable

import csp.constants
import csp.middleware
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers

from luoshi.core.errors import LuoshiError


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
