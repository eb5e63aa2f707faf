"""``{{ unit|unit_label }}``: a unit named with its township (see :mod:`luoshi.org.labels`)."""

from __future__ import annotations

from django import template

from luoshi.org.labels import unit_label as _unit_label
from luoshi.org.models import Unit

register = template.Library()


@register.filter
def unit_label(unit: Unit | None) -> str:
    return _unit_label(unit)
