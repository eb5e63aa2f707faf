"""The unified social credit code (统一社会信用代码) of GB 32100-2015.

Eighteen characters: the registering authority (1), the kind of organisation (1),
the administrative division (6 digits), the organisation code (9) and a check
character (1). The alphabet is the digits and the capital letters without I, O,
S, V and Z (31 symbols); the check character makes the weighted sum of all 18
values a multiple of 31, with weights 3**i mod 31.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from luoshi.projects.error_codes import ProjectErrorCode

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (which must be in the alphabet)."""
    total = sum(VALUES[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(code: str) -> str:
    return (code or "").strip().upper()


def is_valid(code: str) -> bool:
    code = normalise(code)
    return bool(SHAPE.match(code)) and check_character(code[:17]) == code[17]


def validate_credit_code(code: str) -> None:
    value = normalise(code)
    if not SHAPE.match(value):
        raise ValidationError(
            _("A unified social credit code has 18 digits or capital letters (no I, O, S, V or Z)."),
            code=ProjectErrorCode.CREDIT_CODE_SHAPE,
        )
    if check_character(value[:17]) != value[17]:
        raise ValidationError(
            _("This unified social credit code is wrong: its check character does not match (GB 32100-2015)."),
            code=ProjectErrorCode.CREDIT_CODE_CHECK,
        )
