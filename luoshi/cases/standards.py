"""Category standards: time limits per stage and the default handling unit.

Category rows are few and read on every intake, so they are cached per process
for a minute (like the working-day calendar); administrators' edits through the
admin clear the cache of that process at once.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from luoshi.cases.models import Category, CategoryLimit, CategoryRoute, HandlerLevel, Stage
from luoshi.org.models import Unit, UnitKind

TOWNSHIP_KINDS = frozenset({UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT})
PLACE_KINDS = frozenset({UnitKind.COMMUNITY, UnitKind.VILLAGE})
CASE_PLACE_KINDS = frozenset(
    {UnitKind.GRID, UnitKind.COMMUNITY, UnitKind.VILLAGE, UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT, UnitKind.DISTRICT}
)


@dataclass(frozen=True)
class Limits:
    accept: int
    handle: int
    verify: int

    def for_stage(self, stage: str) -> int:
        if stage == Stage.ACCEPT:
            return self.accept
        if stage == Stage.HANDLE:
            return self.handle
        if stage == Stage.VERIFY:
            return self.verify
        return 0


def default_limits() -> Limits:
    accept, handle, verify = getattr(settings, "LUOSHI_CASE_DEFAULT_LIMITS", (1, 5, 2))
    return Limits(int(accept), int(handle), int(verify))


@dataclass(frozen=True)
class _Row:
    parent_id: int | None
    accept: int | None
    handle: int | None
    verify: int | None
    handler_level: str


_lock = threading.Lock()
_cache: tuple[float, dict[int, _Row], dict[tuple[int, str], Limits], frozenset[int]] | None = None
CACHE_SECONDS = 60.0


def _load() -> tuple[float, dict[int, _Row], dict[tuple[int, str], Limits], frozenset[int]]:
    rows = {
        pk: _Row(parent, a, h, v, level)
        for pk, parent, a, h, v, level in Category.objects.values_list(
            "pk", "parent_id", "accept_days", "handle_days", "verify_days", "handler_level"
        )
    }
    overrides = {
        (cat, kind): Limits(a, h, v)
        for cat, kind, a, h, v in CategoryLimit.objects.values_list(
            "category_id", "unit_kind", "accept_days", "handle_days", "verify_days"
        )
    }
    parents = frozenset(row.parent_id for row in rows.values() if row.parent_id is not None)
    return time.monotonic(), rows, overrides, parents


def _snapshot(category_id: int) -> tuple[float, dict[int, _Row], dict[tuple[int, str], Limits], frozenset[int]]:
    """The cached categories (reloaded after a minute, or when ``category_id`` is new)."""
    global _cache
    with _lock:
        cached = _cache
    if cached is None or time.monotonic() - cached[0] > CACHE_SECONDS or category_id not in cached[1]:
        cached = _load()
        with _lock:
            _cache = cached
    return cached


def _data(category_id: int) -> tuple[dict[int, _Row], dict[tuple[int, str], Limits]]:
    cached = _snapshot(category_id)
    return cached[1], cached[2]


def clear_cache() -> None:
    global _cache
    with _lock:
        _cache = None
        _townships.clear()
        _objects.clear()


def is_leaf(category_id: int) -> bool:
    """No sub-categories (cases are filed against leaves)."""
    return category_id not in _snapshot(category_id)[3]


_townships: dict[int, tuple[float, Unit]] = {}


def township_for(unit: Unit) -> Unit:
    """The township (or district) a place belongs to; cached per process for a minute."""
    now = time.monotonic()
    with _lock:
        hit = _townships.get(unit.pk)
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    township = township_of(lineage(unit))
    with _lock:
        if len(_townships) > 50_000:
            _townships.clear()
        _townships[unit.pk] = (now, township)
    return township


def limits_for(category_id: int, unit_kind: str) -> Limits:
    """Working-day limits for a category when the acting unit is of ``unit_kind``."""
    rows, overrides = _data(category_id)
    row = rows.get(category_id)
    parent = rows.get(row.parent_id) if row and row.parent_id else None
    for cat_id in (category_id, row.parent_id if row else None):
        if cat_id is not None and (cat_id, unit_kind) in overrides:
            return overrides[(cat_id, unit_kind)]
    base = default_limits()

    def pick(own: int | None, inherited: int | None, default: int) -> int:
        if own is not None:
            return own
        if inherited is not None:
            return inherited
        return default

    return Limits(
        pick(row.accept if row else None, parent.accept if parent else None, base.accept),
        pick(row.handle if row else None, parent.handle if parent else None, base.handle),
        pick(row.verify if row else None, parent.verify if parent else None, base.verify),
    )


def handler_level(category_id: int) -> str:
    rows, _ = _data(category_id)
    row = rows.get(category_id)
    if row is None:
        return HandlerLevel.TOWNSHIP
    if row.handler_level:
        return row.handler_level
    parent = rows.get(row.parent_id) if row.parent_id else None
    return parent.handler_level if parent and parent.handler_level else HandlerLevel.TOWNSHIP


def lineage(unit: Unit) -> list[Unit]:
    """``unit`` and its ancestors, root first (one query)."""
    ids = [*unit.ancestor_ids, unit.pk]
    by_id = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]


def township_of(chain: list[Unit]) -> Unit:
    """The township or subdistrict in a lineage, else its deepest district, else the unit itself."""
    for unit in reversed(chain):
        if unit.kind in TOWNSHIP_KINDS:
            return unit
    for unit in reversed(chain):
        if unit.kind == UnitKind.DISTRICT:
            return unit
    return chain[-1]


def default_handler(category: Category, chain: list[Unit]) -> Unit | None:
    """The default handling unit for a case of ``category`` at the place ``chain[-1]``."""
    categories = [category.pk] + ([category.parent_id] if category.parent_id else [])
    routes = list(
        CategoryRoute.objects.filter(category_id__in=categories, within_id__in=[u.pk for u in chain]).select_related(
            "handler", "within"
        )
    )
    if routes:
        routes.sort(key=lambda r: (r.category_id == category.pk, r.within.depth), reverse=True)
        return routes[0].handler
    if handler_level(category.pk) == HandlerLevel.PLACE:
        for unit in reversed(chain):
            if unit.kind in PLACE_KINDS:
                return unit
    return None


_objects: dict[tuple[str, Any], tuple[float, Any]] = {}


def _cached(key: tuple[str, Any], load: Any) -> Any:
    now = time.monotonic()
    with _lock:
        hit = _objects.get(key)
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    value = load()
    if value is not None:
        with _lock:
            if len(_objects) > 20_000:
                _objects.clear()
            _objects[key] = (now, value)
    return value


def category_by_code(code: str) -> Category | None:
    """A category by code, cached per process for a minute (intake reads it on every request)."""
    return _cached(("category", code), lambda: Category.objects.select_related("parent").filter(code=code).first())


def unit_by_id(pk: int) -> Unit | None:
    """An active unit by primary key, cached per process for a minute; callers check scope."""
    return _cached(("unit", pk), lambda: Unit.objects.filter(pk=pk, is_active=True).first())
