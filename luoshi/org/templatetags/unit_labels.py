"""``{{ unit|unit_label }}``: a unit named with its township (see :mod:`luoshi.org.labels`).

``{{ unit|unit_label:labels }}`` takes the label from ``labels`` (``{id: label}`` from
:func:`~luoshi.org.labels.unit_labels`, one query for a whole page) when it is there."""

from __future__ import annotations

from collections.abc import Mapping

from django import template

from luoshi.org.labels import unit_label as _unit_label
from luoshi.org.models import Unit

register = template.Library()


@register.filter
def unit_label(unit: Unit | None, labels: Mapping[int, str] | None = None) -> str:
    if unit is not None and labels and unit.pk in labels:
        return labels[unit.pk]
    return _unit_label(unit)
