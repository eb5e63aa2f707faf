"""The hotline a public page gives a resident: their township's, else the city's 12345.

Set per township or subdistrict short code in ``LUOSHI_PUBLIC_HOTLINES`` (JSON, e.g.
``{"CD": "0599-6301234"}``), the fallback in ``LUOSHI_PUBLIC_HOTLINE`` (docs/deployment.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from luoshi.org.models import Unit, UnitKind

TOWNSHIP_KINDS = (UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT)


@dataclass(frozen=True)
class Hotline:
    number: str
    township: str  # the township's name, or "" for the city-wide fallback


def hotline_for(unit: Unit | None) -> Hotline:
    """The hotline of the township ``unit`` lies in (one query), or the configured fallback."""
    numbers: dict[str, str] = getattr(settings, "LUOSHI_PUBLIC_HOTLINES", {}) or {}
    fallback = Hotline(str(getattr(settings, "LUOSHI_PUBLIC_HOTLINE", "12345")), "")
    if unit is None:
        return fallback
    chain = [unit.pk, *unit.ancestor_ids]
    township = Unit.objects.filter(pk__in=chain, kind__in=TOWNSHIP_KINDS).order_by("-depth").first()
    if township is None or not numbers.get(township.code):
        return fallback
    return Hotline(str(numbers[township.code]), township.name)
