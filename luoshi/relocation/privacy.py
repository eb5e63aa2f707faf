"""How a household's owner appears to each reader.

The owner's name, ID number and phone are shown in full only to those who keep the
ledger (the task force's staff and the commanders), and only on the household's own
page, whose every opening is written to the activity log. Lists, the board, exports
for other readers and the API's list show them masked: the surname and stars, the
first four and last two characters of the ID number, the phone's first three and
last four digits (the one set of rules in :mod:`luoshi.core.masking`). The public
阳光征迁 page shows no owner data at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from luoshi.core.masking import mask_id_no, mask_name, mask_phone
from luoshi.relocation.models import Household


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
