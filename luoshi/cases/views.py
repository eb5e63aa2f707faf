"""Case pages: thin views that parse, call a selector or service, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from luoshi.cases import selectors


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.case_view(request.user, pk)
    return render(request, "cases/detail.html", {"v": view, "case": view.case})
