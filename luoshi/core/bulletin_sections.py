"""The registry of bulletin sections (通报板块): domain apps say what they can report.

The bulletins app imports no domain app. Each domain app registers one
:class:`SectionProvider` per section from ``register()`` in its own
``bulletin.py`` (found by :func:`autodiscover`); a bulletin asks :func:`providers_for` which sections its kind
takes and calls ``build(unit, since, until)`` for each.

A provider must answer **from the record as of** ``until``: only rows whose
timestamps are earlier than ``until`` count, and state is read from event
history or timestamps, not from the current status, so that building the same
bulletin again later gives the same content. ``since``/``until`` are aware
datetimes (``since`` inclusive, ``until`` exclusive); ``unit`` is the issuing
unit, and the section covers its subtree.

Domain apps take part by having a ``bulletin.py`` with a ``register()`` function: the bulletins
app calls :func:`autodiscover` from its ``ready`` (so no domain app's ``apps.py`` changes, and
the bulletins app names none of them). The text of a section is written in Chinese directly, not
through gettext: it is the text of an official document (GB/T 9704), the same whoever reads it.

A :class:`SectionContent` holds plain paragraphs, real tables (header and rows,
written as Word tables) and annex rows (the full lists, written to the .xlsx).
Everything is JSON-serialisable so a draft keeps the content it was built with.
See docs/bulletins.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import import_module
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from luoshi.org.models import Unit

#: Bulletin kinds a section may belong to.
WEEKLY = "weekly"
MONTHLY = "monthly"
SPECIAL = "special"
RANKING = "ranking"
KINDS: frozenset[str] = frozenset({WEEKLY, MONTHLY, SPECIAL, RANKING})
#: Rows of one table written into the Word document; the rest go to the annex only.
MAX_DOC_ROWS = 20


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    caption: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"caption": self.caption, "header": list(self.header), "rows": [list(r) for r in self.rows]}


@dataclass
class Annex:
    """A sheet of the Excel annex: the full list behind a table."""

    name: str
    header: list[str]
    rows: list[list[Any]]

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "header": list(self.header), "rows": [[plain(v) for v in r] for r in self.rows]}


@dataclass
class SectionContent:
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    annexes: list[Annex] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "paragraphs": list(self.paragraphs),
            "tables": [t.as_dict() for t in self.tables],
            "annexes": [a.as_dict() for a in self.annexes],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SectionContent:
        return cls(
            paragraphs=[str(p) for p in data.get("paragraphs", [])],
            tables=[Table(t["header"], t["rows"], t.get("caption", "")) for t in data.get("tables", [])],
            annexes=[Annex(a["name"], a["header"], a["rows"]) for a in data.get("annexes", [])],
        )


Builder = Callable[["Unit", dt.datetime, dt.datetime], SectionContent]


@dataclass(frozen=True)
class SectionProvider:
    key: str
    title: str | Promise
    order: int
    kinds: frozenset[str]
    build: Builder


_providers: dict[str, SectionProvider] = {}


def register_section(provider: SectionProvider) -> None:
    unknown = provider.kinds - set(KINDS)
    if unknown:
        raise ValueError(f"unknown bulletin kinds {sorted(unknown)} for section {provider.key!r}")
    _providers[provider.key] = provider


def autodiscover() -> list[str]:
    """Import ``<app>.bulletin`` of every installed app that has one and call its ``register()``.

    Called once from the bulletins app's ``ready`` (apps are ready by then); a domain app takes
    part by having a ``bulletin.py`` with a ``register()`` function, nothing else.
    """
    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    found = []
    for config in apps.get_app_configs():
        if config.name.startswith("luoshi.") and module_has_submodule(config.module, "bulletin"):
            module = import_module(f"{config.name}.bulletin")
            register = getattr(module, "register", None)
            if callable(register):
                register()
                found.append(config.label)
    return found


def providers_for(kind: str) -> list[SectionProvider]:
    return sorted((p for p in _providers.values() if kind in p.kinds), key=lambda p: (p.order, p.key))


def provider(key: str) -> SectionProvider | None:
    return _providers.get(key)


def all_providers() -> list[SectionProvider]:
    return sorted(_providers.values(), key=lambda p: (p.order, p.key))


_build: ContextVar[dict[Any, Any] | None] = ContextVar("bulletin_build", default=None)


@contextmanager
def build_session() -> Iterator[None]:
    """While a bulletin's sections are built: :func:`memo` keeps what several sections read."""
    token = _build.set({})
    try:
        yield
    finally:
        _build.reset(token)


def memo(key: Any, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per key within one :func:`build_session` (always computed outside one)."""
    cache = _build.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def plain(value: Any) -> Any:
    """A JSON-friendly cell: numbers stay numbers (decimals become floats), dates become text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def percent(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a percentage with one decimal, or "—" when there is nothing."""
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def cap(rows: Iterable[list[str]], limit: int = MAX_DOC_ROWS) -> list[list[str]]:
    """The first ``limit`` rows for the Word table (the annex carries the full list)."""
    out = []
    for i, row in enumerate(rows):
        if i >= limit:
            break
        out.append(row)
    return out
