"""The bounds every stored number, date and text keeps (docs/limits.md), in one place.

Services check them with :func:`check` (so pages and the API refuse the same input with
the same Chinese message); API schemas use the annotated types (``Id``, ``Page``,
``Day``, ``SortOrder``, ``Weight`` …) so that the OpenAPI document states them too.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.utils.translation import gettext as _
from pydantic import Field

from luoshi.core.params import MAX_DATE, MAX_ID, MAX_INT, MAX_PAGE, MIN_DATE
from luoshi.core.validators import has_control_characters

#: Longest text of each kind, in characters.
TITLE_MAX = 200
TEXT_MAX = 10_000  # descriptions, comments, replies, summaries, measures
NAME_MAX = 200
#: Sort orders (an integer column): kept far inside the column's range.
SORT_ORDER_MAX = 1_000_000
#: Weights (a decimal column of six digits, two after the point).
WEIGHT_MAX = Decimal("9999.99")

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Page = Annotated[int, Field(ge=1, le=MAX_PAGE)]
Version = Annotated[int, Field(ge=0, le=MAX_INT)]
Day = Annotated[dt.date, Field(ge=MIN_DATE, le=MAX_DATE)]
SortOrder = Annotated[int, Field(ge=-SORT_ORDER_MAX, le=SORT_ORDER_MAX)]
Weight = Annotated[Decimal, Field(ge=0, le=WEIGHT_MAX, max_digits=6, decimal_places=2)]
Title = Annotated[str, Field(max_length=TITLE_MAX)]
Text = Annotated[str, Field(max_length=TEXT_MAX)]
Days = Annotated[int, Field(ge=0, le=3650)]
#: Rows per page of an API list (luoshi.api.pagination.MAX_PAGE_SIZE).
PageSize = Annotated[int, Field(ge=1, le=500)]
#: A reporting year and month (indicators: 2000 – 2100, months 1 – 12).
Year = Annotated[int, Field(ge=2000, le=2100)]
Month = Annotated[int, Field(ge=1, le=12)]


def one_of(values: Any, default: str = "", description: str | None = None) -> Any:
    """A text parameter that must be one of ``values`` (or empty): the OpenAPI document lists them
    (``enum``); the handler still refuses anything else itself (params.get_choice, 400)."""
    return Field(default, description=description, json_schema_extra={"enum": ["", *values]})


def CONTROL_MESSAGE() -> str:  # noqa: N802 - reads like the constant it stands for
    return _("The text contains control characters (for example from a copied file); please retype it.")


def check(errors: dict[str, list[str]], field: str, value: Any, *, max_length: int | None = None,
          minimum: Any = None, maximum: Any = None) -> None:  # fmt: skip
    """Add to ``errors[field]`` what is wrong with ``value``: too long text, control characters,
    a number or date out of range (dates default to 2000-01-01 – 2099-12-31)."""
    if value is None:
        return
    messages = errors.setdefault(field, [])
    if isinstance(value, str):
        if max_length is not None and len(value) > max_length:
            messages.append(_("Too long: %(max)s characters at most.") % {"max": f"{max_length:,}"})
        if has_control_characters(value):
            messages.append(CONTROL_MESSAGE())
    else:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            minimum = MIN_DATE if minimum is None else minimum
            maximum = MAX_DATE if maximum is None else maximum
        if minimum is not None and value < minimum:
            messages.append(_("Must be at least %(min)s.") % {"min": minimum})
        if maximum is not None and value > maximum:
            messages.append(_("Must be at most %(max)s.") % {"max": maximum})
    if not messages:
        del errors[field]


Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
YoyPct = Annotated[Decimal, Field(gt=-1_000_000, lt=1_000_000)]
Amount = Annotated[Decimal, Field(gt=-(10**16), lt=10**16)]


def refuse_nulls(data: dict[str, Any], nullable: tuple[str, ...] = ()) -> dict[str, Any]:
    """``data`` (a PATCH body) unchanged, or ValidationFailed naming every field sent as ``null``
    that cannot be empty (``"description": null`` means nothing; send ``""`` to clear text)."""
    from luoshi.core.errors import ErrorCode, ValidationFailed

    wrong = sorted(k for k, v in data.items() if v is None and k not in nullable)
    if wrong:
        message = _("These fields cannot be null: %(fields)s. Leave a field out to keep it as it is.") % {
            "fields": ", ".join(wrong)
        }
        raise ValidationFailed(message, code=ErrorCode.NULL_NOT_ALLOWED, details={k: [message] for k in wrong})
    return data


def date_in_range(value: dt.date | None) -> None:
    """A Django validator (forms, models): dates from 2000-01-01 to 2099-12-31."""
    from django.core.exceptions import ValidationError

    from luoshi.core.errors import ErrorCode

    if value is not None and not MIN_DATE <= value <= MAX_DATE:
        raise ValidationError(
            _("Choose a date between %(min)s and %(max)s.")
            % {"min": MIN_DATE.isoformat(), "max": MAX_DATE.isoformat()},
            code=ErrorCode.DATE_RANGE,
        )
