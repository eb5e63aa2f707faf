from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from luoshi.core import registry
from luoshi.core.timeutil import today


@login_required
def home(request: HttpRequest) -> HttpResponse:
    sections = registry.home_sections(request, request.user)  # type: ignore[arg-type]
    return render(request, "core/home.html", {"sections": sections, "today": today()})


def healthz(request: HttpRequest) -> HttpResponse:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
