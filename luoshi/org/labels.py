"""How a unit is named wherever units of several townships can stand side by side.

Every township has its own 城市建设管理办公室, 党政办 and 综治中心: a table, ranking, chart or
export that lists units by name alone shows a dozen identical rows. Everywhere a unit is
listed beside others it is named with its township: ``城东街道·城市建设管理办公室``.

- a unit below a township or subdistrict: ``<township>·<name>`` (departments, task forces,
  communities, villages, grids; only the township is added, not the units in between);
- a township, a subdistrict or a district: its own name;
- a unit with no township above it (a district's own department): its own name.

Two ways to get labels without a query per row:

- :func:`unit_labels` takes unit ids (from ``values()`` rows or stored aggregates) and answers
  ``{id: label}`` in one query whatever the number of ids;
- :func:`unit_label` takes a loaded unit; select ``LABEL_RELATED`` with it (e.g.
  ``select_related(*label_related("lead_unit"))``) and it needs no query at all. Without that
  it asks once for the unit's township.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from luoshi.org.models import Unit, UnitKind

SEPARATOR = "·"

#: The kinds a unit is qualified by.
TOWNSHIP_KINDS: frozenset[str] = frozenset({UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT})

#: Kinds named by their own name alone.
TOP_KINDS: frozenset[str] = TOWNSHIP_KINDS | {UnitKind.DISTRICT}

#: What to ``select_related`` from a unit so that :func:`unit_label` asks nothing: the units
#: of the demo tree and of real ones are at most three levels below their township
#: (township → community → grid, township → department → sub-department).
LABEL_RELATED: tuple[str, ...] = ("parent__parent__parent",)


def label_related(field: str) -> tuple[str, ...]:
    """``LABEL_RELATED`` for a unit reached through ``field`` (``"lead_unit"`` → ``lead_unit__parent…``)."""
    return tuple(f"{field}__{path}" for path in LABEL_RELATED)


def qualified(name: str, township: str | None) -> str:
    """``<township>·<name>``, or ``name`` when there is no township to add."""
    return f"{township}{SEPARATOR}{name}" if township and township != name else name


def _ancestor_township_from_cache(unit: Unit) -> tuple[bool, str | None]:
    """(whether the loaded parents answered, the township's name) — walks only cached parents."""
    parent_field = Unit._meta.get_field("parent")
    current = unit
    while True:
        if current.parent_id is None:
            return True, None
        if not parent_field.is_cached(current):
            return False, None
        parent = current.parent
        assert parent is not None
        if parent.kind in TOWNSHIP_KINDS:
            return True, parent.name
        current = parent


def unit_label(unit: Unit | None) -> str:
    """The name of ``unit`` to show beside units of other townships (see the module)."""
    if unit is None:
        return ""
    if unit.kind in TOP_KINDS or unit.parent_id is None:
        return unit.name
    answered, township = _ancestor_township_from_cache(unit)
    if not answered:
        township = (
            Unit.objects.filter(pk__in=unit.ancestor_ids, kind__in=TOWNSHIP_KINDS)
            .order_by("-depth")
            .values_list("name", flat=True)
            .first()
        )
    return qualified(unit.name, township)


def _label(name: str, kind: str, path: str, townships: dict[int, str]) -> str:
    if kind in TOP_KINDS:
        return name
    ancestors = [int(p) for p in path.strip("/").split("/")[:-1] if p]
    return qualified(name, next((townships[a] for a in reversed(ancestors) if a in townships), None))


def unit_labels(ids: Iterable[int | None]) -> dict[int, str]:
    """``{unit id: label}`` for the given ids, in one query (townships are few: all are read).

    One query even with no ids, so that a page's query count does not depend on its rows."""
    wanted = {i for i in ids if i}
    rows = list(
        Unit.objects.filter(Q(pk__in=wanted) | Q(kind__in=TOWNSHIP_KINDS))
        .order_by()
        .values_list("pk", "name", "kind", "path")
    )
    townships = {pk: name for pk, name, kind, _path in rows if kind in TOWNSHIP_KINDS}
    return {pk: _label(name, kind, path, townships) for pk, name, kind, path in rows if pk in wanted}


class Labeller:
    """Labels loaded units from their paths: one query (the townships) for any number of units,
    for exports that stream their rows and lists whose units are already loaded."""

    def __init__(self) -> None:
        self.townships = dict(Unit.objects.filter(kind__in=TOWNSHIP_KINDS).order_by().values_list("pk", "name"))

    def __call__(self, unit: Unit | None) -> str:
        return "" if unit is None else _label(unit.name, unit.kind, unit.path, self.townships)
