"""Query parameters parsed and bounded in one place.

Every view and API handler reads ``request.GET`` through these helpers. A value
that is not what the parameter expects (not a number, an id beyond any row, a
page beyond :data:`MAX_PAGE`, a date that does not exist such as 2026-02-30, a
date outside :data:`MIN_DATE` – :data:`MAX_DATE`, an unknown choice, control
characters) raises :class:`~luoshi.core.errors.ValidationFailed` with code
``bad_parameter``: HTTP 400 with a message in Chinese on pages and the API,
never a server error deep inside a query.

A missing or empty parameter gives ``default``.

    category = params.get_id(request.GET, "category")
    start = params.get_date(request.GET, "start", default=today.replace(day=1))
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Mapping
from typing import Any, TypeVar

from django.utils.translation import gettext as _

from luoshi.core.errors import ErrorCode, ValidationFailed
from luoshi.core.validators import has_control_characters

T = TypeVar("T")

#: The largest row id (a 64-bit signed integer, the primary keys' type).
MAX_ID = 2**63 - 1
#: The largest 32-bit integer (versions, counts, sort orders stored as integer columns).
MAX_INT = 2**31 - 1
#: The last page number any list answers (deeper pages are refused, not computed).
MAX_PAGE = 10_000
#: Dates accepted anywhere in the platform (filters, deadlines, reports).
MIN_DATE = dt.date(2000, 1, 1)
MAX_DATE = dt.date(2099, 12, 31)
#: Longest free-text parameter (a search box).
MAX_TEXT = 200
#: Longest number written as text that is even looked at.
_MAX_DIGITS = 30

CODE = ErrorCode.BAD_PARAMETER


def _fail(name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, code=CODE, details={name: [message]})


def _raw(source: Mapping[str, Any] | Any, name: str) -> str | None:
    """The parameter as text, or None when it is missing or empty."""
    value = source.get(name) if isinstance(source, Mapping) or hasattr(source, "get") else source
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def parse_int(text: str | int, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """``text`` as an integer within ``minimum`` – ``maximum`` (both inclusive), or ValidationFailed."""
    if isinstance(text, bool):
        raise _fail(name, _("%(name)s must be a whole number.") % {"name": name})
    if isinstance(text, int):
        number = text
    else:
        text = text.strip()
        digits = text.lstrip("+-")
        if not digits.isascii() or not digits.isdigit() or len(digits) > _MAX_DIGITS or text[:1] == "+":
            raise _fail(name, _("%(name)s must be a whole number.") % {"name": name})
        number = int(text)
    if minimum is not None and number < minimum:
        raise _fail(name, _("%(name)s must be at least %(min)s.") % {"name": name, "min": minimum})
    if maximum is not None and number > maximum:
        raise _fail(name, _("%(name)s must be at most %(max)s.") % {"name": name, "max": maximum})
    return number


def get_int(
    source: Mapping[str, Any] | Any,
    name: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    default: T = None,  # type: ignore[assignment]
) -> int | T:
    """An integer parameter within bounds; missing or empty gives ``default``."""
    text = _raw(source, name)
    if text is None:
        return default
    return parse_int(text, name, minimum=minimum, maximum=maximum)


def get_id(source: Mapping[str, Any] | Any, name: str, *, default: T = None) -> int | T:  # type: ignore[assignment]
    """A row id (1 – :data:`MAX_ID`); missing or empty gives ``default``."""
    text = _raw(source, name)
    if text is None:
        return default
    try:
        return parse_int(text, name, minimum=1, maximum=MAX_ID)
    except ValidationFailed:
        raise _fail(name, _("%(name)s is not a valid identifier.") % {"name": name}) from None


def get_ids(source: Any, name: str, *, limit: int = 200) -> list[int]:
    """Several ids given as repeated parameters (``?unit=1&unit=2``); at most ``limit`` of them."""
    values = source.getlist(name) if hasattr(source, "getlist") else [source.get(name)]
    texts = [str(v).strip() for v in values if v is not None and str(v).strip()]
    if len(texts) > limit:
        raise _fail(name, _("%(name)s: at most %(max)s values.") % {"name": name, "max": limit})
    return [get_id({name: text}, name) for text in texts]


def get_page(source: Mapping[str, Any] | Any, name: str = "page") -> int:
    """A page number, 1 – :data:`MAX_PAGE`; missing gives 1."""
    text = _raw(source, name)
    if text is None:
        return 1
    try:
        return parse_int(text, name, minimum=1, maximum=MAX_PAGE)
    except ValidationFailed:
        raise _fail(name, _("The page number must be a whole number from 1 to %(max)s.") % {"max": MAX_PAGE}) from None


def parse_date(text: str | dt.date, name: str, *, minimum: dt.date = MIN_DATE, maximum: dt.date = MAX_DATE) -> dt.date:
    """``text`` (YYYY-MM-DD) as a date that exists and lies within ``minimum`` – ``maximum``."""
    if isinstance(text, dt.datetime):
        day = text.date()
    elif isinstance(text, dt.date):
        day = text
    else:
        text = text.strip()
        try:
            if len(text) != 10:
                raise ValueError(text)
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise _fail(
                name, _("%(name)s is not a valid date (use YYYY-MM-DD, e.g. 2026-03-31).") % {"name": name}
            ) from None
    if not minimum <= day <= maximum:
        raise _fail(
            name,
            _("%(name)s must lie between %(min)s and %(max)s.")
            % {"name": name, "min": minimum.isoformat(), "max": maximum.isoformat()},
        )
    return day


def get_date(
    source: Mapping[str, Any] | Any,
    name: str,
    *,
    default: T = None,  # type: ignore[assignment]
    minimum: dt.date = MIN_DATE,
    maximum: dt.date = MAX_DATE,
) -> dt.date | T:
    """A date parameter (YYYY-MM-DD) within bounds; missing or empty gives ``default``."""
    text = _raw(source, name)
    if text is None:
        return default
    return parse_date(text, name, minimum=minimum, maximum=maximum)


def get_float(
    source: Mapping[str, Any] | Any,
    name: str,
    *,
    minimum: float,
    maximum: float,
    default: T = None,  # type: ignore[assignment]
) -> float | T:
    """A finite decimal number within bounds (e.g. a latitude); missing or empty gives ``default``."""
    text = _raw(source, name)
    if text is None:
        return default
    try:
        if len(text) > _MAX_DIGITS + 2:
            raise ValueError(text)
        number = float(text)
    except ValueError:
        raise _fail(name, _("%(name)s must be a number.") % {"name": name}) from None
    if not math.isfinite(number) or not minimum <= number <= maximum:
        raise _fail(
            name, _("%(name)s must lie between %(min)s and %(max)s.") % {"name": name, "min": minimum, "max": maximum}
        )
    return number


def get_choice(
    source: Mapping[str, Any] | Any,
    name: str,
    choices: Collection[str],
    *,
    default: T = None,  # type: ignore[assignment]
) -> str | T:
    """One of ``choices``; missing or empty gives ``default``, anything else is refused."""
    text = _raw(source, name)
    if text is None:
        return default
    if text not in choices:
        raise _fail(name, _("%(name)s: “%(value)s” is not one of the choices.") % {"name": name, "value": text[:40]})
    return text


def get_text(source: Mapping[str, Any] | Any, name: str, *, max_length: int = MAX_TEXT, default: str = "") -> str:
    """Free text (a search box): at most ``max_length`` characters and no control characters."""
    text = _raw(source, name)
    if text is None:
        return default
    if len(text) > max_length:
        raise _fail(name, _("%(name)s is too long (%(max)s characters at most).") % {"name": name, "max": max_length})
    if has_control_characters(text):
        raise _fail(name, _("%(name)s contains control characters.") % {"name": name})
    return text
