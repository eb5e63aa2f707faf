"""Who sees a reporter's name, phone and ID number, and how the rest see them masked.

- The command unit (leaders, supervisors, administrators at the case's command
  unit or above) sees everything, also for anonymous reports.
- The handling unit's staff and the person who entered the case see name and
  phone (they must call the resident back) but a masked ID number, unless the
  report is anonymous: then they see only “anonymous”.
- Everybody else (co-units, grid workers elsewhere, district viewers) sees
  masked values, or “anonymous”.
- Public pages and the Open311 API never show reporter data at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from luoshi.accounts.types import Actor
from luoshi.cases.workflow import COMMAND, HANDLERS, Where
from luoshi.core.masking import mask_email, mask_id_no, mask_name, mask_phone

__all__ = ["Contact", "contact_level", "mask_email", "mask_id_no", "mask_name", "mask_phone", "reporter_contact"]

FULL, CALLBACK, MASKED = "full", "callback", "masked"


def contact_level(user: Actor, case: Any, roles: Mapping[Where, frozenset[str]]) -> str:
    if roles.get(Where.OWNER, frozenset()) & COMMAND:
        return FULL
    if case.is_anonymous:
        return MASKED
    if roles.get(Where.HANDLER, frozenset()) & HANDLERS:
        return CALLBACK
    if user is not None and case.reported_by_id is not None and case.reported_by_id == getattr(user, "pk", None):
        return CALLBACK
    return MASKED


@dataclass(frozen=True)
class Contact:
    level: str
    name: str
    phone: str
    id_no: str
    email: str
    anonymous: bool

    @property
    def is_masked(self) -> bool:
        return self.level == MASKED


def reporter_contact(user: Actor, case: Any, roles: Mapping[Where, frozenset[str]]) -> Contact:
    """The reporter's contact data as ``user`` may see it."""
    level = contact_level(user, case, roles)
    if level == FULL:
        return Contact(
            level, case.reporter_name, case.reporter_phone, case.reporter_id_no, case.reporter_email, case.is_anonymous
        )
    if case.is_anonymous:
        return Contact(level, _("Anonymous"), "", "", "", True)
    if level == CALLBACK:
        return Contact(
            level,
            case.reporter_name,
            case.reporter_phone,
            mask_id_no(case.reporter_id_no),
            mask_email(case.reporter_email),
            False,
        )
    return Contact(
        level,
        mask_name(case.reporter_name),
        mask_phone(case.reporter_phone),
        mask_id_no(case.reporter_id_no),
        mask_email(case.reporter_email),
        False,
    )
