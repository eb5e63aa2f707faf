"""The cockpit: the panels and early warnings the domain apps registered, for one user.

Reads :mod:`luoshi.core.panels` only; imports no domain app.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from luoshi.accounts.models import User
from luoshi.accounts.types import Actor
from luoshi.cockpit.permissions import may_open
from luoshi.core import panels as registry
from luoshi.core.panels import Panel, Warning


@dataclass
class Cockpit:
    today: dt.date
    generated_at: dt.datetime
    panels: list[Panel]
    warnings: list[Warning]

    @property
    def as_of(self) -> dt.datetime | None:
        """The oldest "as of" among the panels read from daily aggregates."""
        stamps = [p.as_of for p in self.panels if p.as_of is not None]
        return min(stamps) if stamps else None


def cockpit_for(user: Actor, *, big_screen: bool = False) -> Cockpit:
    """Everything the cockpit shows ``user``; PermissionDenied for those who may not open it."""
    if not isinstance(user, User) or not may_open(user):
        raise PermissionDenied
    now = timezone.now()
    today = timezone.localdate(now)
    found = registry.panels(user, today)
    if big_screen:
        found = [p for p in found if p.big_screen]
    return Cockpit(today=today, generated_at=now, panels=found, warnings=registry.warnings(user, today))
