from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
