from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from luoshi.accounts.types import signed_in
from luoshi.core import registry
from luoshi.core.timeutil import today


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Today: for those who oversee, the strip of figures and one chart first; then the day's
    work (to-dos, each section from its app); positions and roles last (docs/homes.md)."""
    user = signed_in(request.user)
    counts = registry.home_counts(request, user)
    chart = registry.home_chart(request, user) if counts else None
    sections = registry.home_sections(request, user)
    return render(request, "core/home.html", {"counts": counts, "chart": chart, "sections": sections, "today": today()})


def healthz(request: HttpRequest) -> HttpResponse:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
