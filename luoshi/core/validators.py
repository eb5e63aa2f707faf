"""Text that the platform accepts: no control characters, no NUL, no lone surrogates.

A NUL cannot be stored in PostgreSQL text; other C0 control characters break
XML (exports, Open311) and are never typed by people; a lone surrogate cannot
be encoded as UTF-8. Tab, line feed and carriage return are allowed (in
multi-line fields). Use :func:`no_control_characters` as a model or form
validator, :func:`check_text` in services and API schemas.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.core.errors import ErrorCode, ValidationFailed

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def has_control_characters(text: str) -> bool:
    """Whether ``text`` holds a character people do not type (NUL, escape, lone surrogates …)."""
    return bool(_CONTROL.search(text))


def no_control_characters(value: object) -> None:
    """A Django validator (models and forms): refuse text with control characters."""
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(
            gettext_lazy("The text contains control characters (for example from a copied file); please retype it."),
            code=ErrorCode.CONTROL_CHARACTERS,
        )


def check_text(value: str, field: str) -> str:
    """``value`` unchanged, or ValidationFailed (code ``control_characters``) naming ``field``."""
    if has_control_characters(value):
        message = _("The text contains control characters (for example from a copied file); please retype it.")
        raise ValidationFailed(message, code=ErrorCode.CONTROL_CHARACTERS, details={field: [message]})
    return value
