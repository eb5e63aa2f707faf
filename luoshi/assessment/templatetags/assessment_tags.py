from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``mapping[str(key)]`` or empty: section subtotals are stored under the section's id as text."""
    if not isinstance(mapping, dict):
        return ""
    return mapping.get(str(key), "")
