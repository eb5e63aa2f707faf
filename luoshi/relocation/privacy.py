"""How a household's owner appears to each reader.

The owner's name, ID number and phone are shown in full only to those who keep the
ledger (the task force's staff and the commanders), and only on the household's own
page, whose every opening is written to the activity log. Lists, the board, exports
for other readers and the API's list show them masked: the surname and stars, the
first four and last two characters of the ID number, the phone's first three and
last four digits. The public 阳光征迁 page shows no owner data at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from luoshi.relocation.models import Household


def mask_name(name: str) -> str:
    """The surname (first character) and one star per remaining character: 王** for 王建国."""
    name = name.strip()
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def mask_id_no(id_no: str) -> str:
    """First four and last two characters: 3505************1X (all stars when six or fewer)."""
    id_no = id_no.strip()
    if len(id_no) <= 6:
        return "*" * len(id_no)
    return id_no[:4] + "*" * (len(id_no) - 6) + id_no[-2:]


def mask_phone(phone: str) -> str:
    """First three and last four digits of a mobile number (139****5678); shorter numbers keep two."""
    phone = phone.strip()
    if len(phone) >= 11:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    if len(phone) >= 5:
        return "*" * (len(phone) - 2) + phone[-2:]
    return "*" * len(phone)


@dataclass(frozen=True)
class Owner:
    name: str
    id_no: str
    phone: str
    masked: bool


def owner(household: Household, *, reveal: bool) -> Owner:
    """The owner's data as a reader sees it (``reveal`` only for ledger keepers on the household page)."""
    if reveal:
        return Owner(household.owner_name, household.owner_id_no, household.phone, False)
    return Owner(mask_name(household.owner_name), mask_id_no(household.owner_id_no), mask_phone(household.phone), True)
