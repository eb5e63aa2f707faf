"""One paginator for every list page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

from luoshi.core import params


def paginate(request: HttpRequest, queryset: QuerySet[Any], per_page: int | None = None) -> Page[Any]:
    size = per_page or settings.LUOSHI_PAGE_SIZE
    paginator = Paginator(queryset, size)
    return paginator.get_page(params.get_page(request.GET))


def querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
