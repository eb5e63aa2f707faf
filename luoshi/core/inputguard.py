"""A guard in front of every view: input no part of the platform can take is refused at the door.

Checked on every request, before any view, form, API schema or query sees it:

- **Query strings**: no control characters or lone surrogates; no whole number outside the
  64-bit integers ids and counts are stored in; anything shaped like
  a date (``YYYY-MM-DD``) must be a real date between 2000-01-01 and 2099-12-31.
- **Form posts** (pages, Open311): no control characters (NUL, escape …; tab and line
  breaks are fine) and no lone surrogates in any field name or value.
- **JSON bodies** (the API): the same for every string, key and value at any depth; no
  integer outside the 64-bit range, no ``NaN`` or ``Infinity``, no date-shaped string that
  is not a real date in range, and no nesting deeper than :data:`MAX_DEPTH`.

Refusals are :class:`~luoshi.core.errors.ValidationFailed` (400) with a Chinese message
that names the parameter or field; the middleware renders them as JSON under ``/api/``
and ``/open311/`` and as the error page elsewhere. Fields still have their own, tighter
bounds in forms, schemas and services (docs/limits.md); this guard makes sure nothing
slips past one of them into a query or an export.
"""

from __future__ import annotations

import contextvars
import json
import math
import re
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from luoshi.core import params
from luoshi.core.errors import ErrorCode, ValidationFailed
from luoshi.core.validators import has_control_characters

#: Deepest nesting of a JSON body.
MAX_DEPTH = 32
_LONG_NUMBER = re.compile(r"^[+-]?\d{19,}$")
_DATE_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1


def _refuse(field: str, message: str, code: ErrorCode) -> ValidationFailed:
    return ValidationFailed(message, code=code, details={field[:60]: [message]})


def _text(field: str, value: str) -> None:
    if has_control_characters(value):
        raise _refuse(
            field,
            _("%(field)s contains control characters (for example from a copied file); please retype it.")
            % {"field": _shown(field)},
            ErrorCode.CONTROL_CHARACTERS,
        )


def _shown(field: str) -> str:
    cleaned = "".join(ch if ch.isprintable() and not ("\ud800" <= ch <= "\udfff") else "?" for ch in field)
    return cleaned[:60] or "?"


def _date_shaped(field: str, value: str) -> None:
    if _DATE_SHAPE.match(value):
        params.parse_date(value, _shown(field))


def check_query(items: Iterable[tuple[str, str]]) -> None:
    """Check the query string's (name, value) pairs."""
    for name, value in items:
        _text("?", name)
        _text(name, value)
        stripped = value.strip()
        if _LONG_NUMBER.match(stripped) and not _INT_MIN <= int(stripped) <= _INT_MAX:
            raise _refuse(
                name,
                _("%(field)s: the number is too large.") % {"field": _shown(name)},
                ErrorCode.NUMBER_TOO_LARGE,
            )
        _date_shaped(name, stripped)


def check_form(items: Iterable[tuple[str, str]]) -> None:
    """Check a posted form's (name, value) pairs (files are checked by luoshi.core.uploads)."""
    for name, value in items:
        _text("?", name)
        _text(name, value)


def check_json(data: Any, path: str = "", depth: int = 0) -> None:
    """Check a decoded JSON body, recursively."""
    if depth > MAX_DEPTH:
        raise _refuse(path or "body", _("The data is nested too deeply."), ErrorCode.TOO_DEEP)
    if isinstance(data, str):
        _text(path or "body", data)
        _date_shaped(path or "body", data)
    elif isinstance(data, bool) or data is None:
        return
    elif isinstance(data, int):
        if not _INT_MIN <= data <= _INT_MAX:
            raise _refuse(
                path or "body",
                _("%(field)s: the number is too large.") % {"field": _shown(path)},
                ErrorCode.NUMBER_TOO_LARGE,
            )
    elif isinstance(data, float):
        if not math.isfinite(data):
            raise _refuse(
                path or "body", _("%(field)s must be a number.") % {"field": _shown(path)}, ErrorCode.NOT_A_NUMBER
            )
    elif isinstance(data, dict):
        for key, value in data.items():
            _text(path or "body", str(key))
            check_json(value, str(key), depth + 1)
    elif isinstance(data, list):
        for value in data:
            check_json(value, path, depth + 1)


def parse_json(body: bytes) -> Any:
    """The body decoded as JSON, or a refusal for nesting Python cannot follow; None if it is no JSON at all
    (the view answers that itself)."""
    try:
        return json.loads(body)
    except RecursionError:
        raise _refuse("body", _("The data is nested too deeply."), ErrorCode.TOO_DEEP) from None
    except (ValueError, UnicodeDecodeError):
        return None


# --- Page forms: the error goes back to the form, with the input --------------------------------

#: The fields of the current page request whose control characters were removed ({name: message}).
FORM_ERRORS: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar("luoshi_form_errors", default=None)
_STRIP = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def form_errors(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Every posted field holding control characters, with the message for it (empty: all fine)."""
    found: dict[str, str] = {}
    for name, value in items:
        if name not in found and (has_control_characters(name) or has_control_characters(value)):
            message = _("%(field)s contains control characters (for example from a copied file); please retype it.")
            found[name] = message % {"field": _shown(name)}
    return found


def strip_control(text: str) -> str:
    """``text`` without the characters :func:`has_control_characters` finds."""
    return _STRIP.sub("", text)


def mark_bound_form(form: Any) -> None:
    """Called after a bound Django form has cleaned itself: puts the input guard's findings for this
    request on the form's own fields (so the page shows the form again, with what was typed and the
    message beside the field), or at the top of the form when no field of it is named."""
    errors = FORM_ERRORS.get()
    if not errors or not form.is_bound:
        return
    placed = False
    for name, field_name in ((form.add_prefix(n), n) for n in form.fields):
        if name in errors:
            form.add_error(field_name, errors[name])
            placed = True
    if not placed:
        form.add_error(None, next(iter(errors.values())))
