"""The case page's link back to the patrol or visit record it was reported from (走访巡查)."""

from __future__ import annotations

from typing import Any

from django import template

from luoshi.cases.models import Case, Patrol
from luoshi.cases.selectors.patrols import patrols_of_case

register = template.Library()


@register.simple_tag(takes_context=True, name="patrols_of_case")
def patrols_of_case_tag(context: Any, case: Case) -> list[Patrol]:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return patrols_of_case(request.user, case)
