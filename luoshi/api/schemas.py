from __future__ import annotations

import datetime as dt
import types
import typing
from decimal import Decimal
from functools import cache
from typing import Any, Generic, TypeVar

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

T = TypeVar("T")


class PlainOut(BaseModel):
    """A response schema validated by pydantic alone, for handlers that build plain dicts.

    ninja's ``Schema`` runs every value through a getter that can resolve Django model
    attributes and methods; for a dict that only costs time (a case took 59 µs to validate
    that way, 7 µs like this, and a list page validates up to 200 of them). Objects with
    attributes are still read (``from_attributes``), but nothing is called or resolved."""

    model_config = ConfigDict(from_attributes=True)


_NUMBERS = (int, float, Decimal)
_TIMES = (dt.date, dt.datetime, dt.time)


def _is(annotation: Any, kinds: tuple[type, ...]) -> bool:
    """Is ``annotation`` one of ``kinds``, an optional one, a union with one, or a list of them?"""
    if annotation in kinds:
        return True
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list, typing.Annotated):
        return any(_is(arg, kinds) for arg in typing.get_args(annotation))
    return False


@cache
def _number_fields(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(field.alias or name for name, field in model.model_fields.items() if _is(field.annotation, _NUMBERS))


@cache
def _time_fields(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(field.alias or name for name, field in model.model_fields.items() if _is(field.annotation, _TIMES))


class BodySchema(Schema):
    """The base of every request body: JSON's ``true``/``false`` is not a number, and a number is not a date.

    pydantic (lax mode) would read ``false`` as 0 for an ``int`` field, and ``0`` as 1970-01-01 (seconds
    since 1970) for a date; the OpenAPI document says ``integer`` and a ``date`` string, so the API
    refuses them (422) like any other value of the wrong type."""

    @model_validator(mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, data: Any) -> Any:
        values = getattr(data, "_obj", data)  # ninja's Schema hands validators a DjangoGetter around the dict
        if isinstance(values, dict):
            for name in _number_fields(cls):
                value = values.get(name)
                items = value if isinstance(value, list) else [value]
                if any(isinstance(v, bool) for v in items):
                    raise PydanticCustomError("number_type", "{field}: a number is expected, not true or false",
                                              {"field": name})  # fmt: skip
            for name in _time_fields(cls):
                value = values.get(name)
                items = value if isinstance(value, list) else [value]
                if any(isinstance(v, (bool, int, float, Decimal)) for v in items):
                    raise PydanticCustomError("date_type", "{field}: a date is expected as text, not a number",
                                              {"field": name})  # fmt: skip
        return data


class ErrorOut(Schema):
    code: str = Field(description="Stable machine-readable error code")
    message: str = Field(description="Message for people (Chinese by default)")
    details: Any | None = None


class PageOut(Schema, Generic[T]):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[T]
