from __future__ import annotations

from typing import Any, Generic, TypeVar

from ninja import Schema
from pydantic import Field

T = TypeVar("T")


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
