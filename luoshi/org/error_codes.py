"""The machine codes of the organisation app's refusals (the ``code`` of a 4xx body, and of the
model validators' errors).

One name per condition; the platform's own codes (``invalid``, ``stale``, ``forbidden`` …) are
:class:`luoshi.core.errors.ErrorCode`. Members are their strings (StrEnum), so bodies and
clients see the same text as before.
"""

from __future__ import annotations

from enum import StrEnum


class OrgErrorCode(StrEnum):
    UNIT_PLACEMENT = "unit_placement"  # this kind of unit cannot sit under that parent (or at the top)
    UNIT_CYCLE = "unit_cycle"  # a unit moved into its own subtree
    UNIT_HAS_CHILDREN = "unit_has_children"  # deactivating a unit with active sub-units
    UNIT_DUPLICATE = "unit_duplicate"  # the short code or division code is taken
    DIVISION_CODE = "division_code"  # not 12 digits of county, township and village parts
    DIVISION_CODE_LEVEL = "division_code_level"  # a division code of another level than the unit's kind
    DIVISION_CODE_PREFIX = "division_code_prefix"  # does not start with the parent's code
    SHORT_CODE = "short_code"  # not 2 to 12 capital letters or digits starting with a letter
    UNKNOWN_FIELD = "unknown_field"
    DUPLICATE = "duplicate"  # the person holds this position already
    UNKNOWN_ROLE = "unknown_role"
    ROLE_PLACEMENT = "role_placement"  # a role granted at a kind of unit it does not belong to
