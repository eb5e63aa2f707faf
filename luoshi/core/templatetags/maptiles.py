"""``{% map_tiles %}``: the configured map tile layers as JSON (luoshi.core.maptiles)."""

from __future__ import annotations

from django import template

from luoshi.core import maptiles

register = template.Library()


@register.simple_tag
def map_tiles() -> str:
    return maptiles.layers_json()
