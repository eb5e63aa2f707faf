from __future__ import annotations

import math
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from luoshi.core.errors import ErrorCode, ValidationFailed

MAX_PAGE_SIZE = 500


def paginate(queryset: QuerySet[Any], page: int, page_size: int) -> dict[str, Any]:
    """A page of ``queryset``: one COUNT and one SELECT, whatever the page size."""
    if page < 1:
        message = _("page must be 1 or more.")
        raise ValidationFailed(message, code=ErrorCode.BAD_PARAMETER, details={"page": [message]})
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        message = _("page_size must be between 1 and %(max)d.") % {"max": MAX_PAGE_SIZE}
        raise ValidationFailed(message, code=ErrorCode.BAD_PARAMETER, details={"page_size": [message]})
    count = queryset.count()
    start = (page - 1) * page_size
    results = list(queryset[start : start + page_size]) if start < count else []
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": max(1, math.ceil(count / page_size)),
        "results": results,
    }
