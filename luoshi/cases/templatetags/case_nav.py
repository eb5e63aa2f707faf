"""Which case pages a person may open, so the case tabs never link to a page that answers 403 or 404."""

from __future__ import annotations

from typing import Any

from django import template

from luoshi.cases import standards
from luoshi.cases.permissions import KEYPERSON_ROLES, STATS_ROLES
from luoshi.cases.workflow import ACTIVE_ROLES
from luoshi.org.models import Unit, UnitKind
from luoshi.org.scope import scope_for

register = template.Library()


@register.simple_tag(takes_context=True)
def case_nav(context: Any) -> dict[str, bool]:
    """``report``: a place in scope to report at; ``keypersons`` and ``stats``: the role for those pages.

    Worked out once per request (one ``EXISTS`` query) and kept on the request.
    """
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {"report": False, "keypersons": False, "stats": False}
    cached: dict[str, bool] | None = getattr(request, "_luoshi_case_nav", None)
    if cached is not None:
        return cached
    scope = scope_for(request.user)
    roles = scope.roles
    flags = {
        # Only where the user holds a role that acts: a read-only viewer is offered no intake.
        "report": bool(roles & ACTIVE_ROLES)
        and Unit.objects.filter(
            scope.unit_q(roles=ACTIVE_ROLES), kind__in=list(standards.CASE_PLACE_KINDS), is_active=True
        )
        .exclude(kind=UnitKind.DISTRICT)
        .exists(),
        "keypersons": scope.is_all or bool(roles & KEYPERSON_ROLES),
        "stats": scope.is_all or bool(roles & STATS_ROLES),
    }
    request._luoshi_case_nav = flags
    return flags
