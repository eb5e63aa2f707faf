# ruff: noqa: S105 (names with TOKEN and PASSWORD: these are codes, not secrets)
"""The machine codes of the accounts app's refusals (the ``code`` of a 4xx body).

The platform's own codes (``invalid``, ``not_authenticated`` …) are
:class:`luoshi.core.errors.ErrorCode`. Members are their strings (StrEnum), so bodies and
clients see the same text as before.
"""

from __future__ import annotations

from enum import StrEnum


class AccountErrorCode(StrEnum):
    TOKEN_NAME_REQUIRED = "token_name_required"
    TOKEN_NAME_TOO_LONG = "token_name_too_long"  # over 80 characters
    TOKEN_DAYS_INVALID = "token_days_invalid"  # a validity outside 1 to 3650 days
    TOKEN_LIMIT = "token_limit"  # 20 active API tokens already
    USERNAME_REQUIRED = "username_required"
    USERNAME_TAKEN = "username_taken"
    WEAK_PASSWORD = "weak_password"  # refused by the password validators
