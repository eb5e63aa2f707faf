"""Writes for indicators: values, targets, imports and pasted scorecard text.

Every function is keyword-only and runs in one transaction: it checks the
actor's permission for every unit it touches, writes, records the previous
value of everything it replaces (:class:`ValueChange`) and the audit log, and
recomputes parent units' sums where the indicator says so. A batch that has a
single bad row changes nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.accounts.types import Actor
from luoshi.core import audit
from luoshi.core.errors import Conflict, ErrorCode, Forbidden, NotFound, ValidationFailed
from luoshi.indicators import computations as calc
from luoshi.indicators import computed, excel
from luoshi.indicators.error_codes import IndicatorErrorCode
from luoshi.indicators.models import (
    MONEY_DIGITS,
    MONEY_PLACES,
    Aggregation,
    ImportBatch,
    ImportKind,
    ImportStatus,
    Indicator,
    IndicatorKind,
    IndicatorValue,
    SavedComposite,
    Source,
    Target,
    ValueChange,
)
from luoshi.indicators.numbers import convert, parse_quantity
from luoshi.indicators.parser import parse as parse_text
from luoshi.indicators.permissions import ENTER, ENTERERS, SET_TARGETS, VIEW, can_manage_catalogue
from luoshi.indicators.textnorm import normalise
from luoshi.org.models import Unit
from luoshi.org.permissions import can
from luoshi.org.scope import scope_for
from luoshi.org.selectors import units_visible_to

VERBS = {
    "indicators.values": gettext_lazy("saved indicator values"),
    "indicators.targets": gettext_lazy("set indicator targets"),
    "indicators.import": gettext_lazy("imported indicator values"),
    "indicators.discard": gettext_lazy("discarded an import"),
}
_LIMIT = Decimal(10) ** (MONEY_DIGITS - MONEY_PLACES)
#: How many value changes one audit entry lists in full (the rest are counted).
AUDIT_DETAIL = 100


@dataclass(frozen=True)
class ValueRow:
    unit: Unit
    indicator: Indicator
    year: int
    month: int
    value: Decimal
    yoy_reported: Decimal | None = None


@dataclass(frozen=True)
class TargetRow:
    unit: Unit
    indicator: Indicator
    year: int
    value: Decimal


@dataclass
class SaveResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    aggregated: int = 0
    batch: ImportBatch | None = None

    @property
    def written(self) -> int:
        return self.created + self.updated


# --- Checks ----------------------------------------------------------------------------


def _check_value(value: Decimal) -> Decimal:
    if not value.is_finite() or abs(value) >= _LIMIT:
        raise ValidationFailed(
            _("The number %(value)s is too large.") % {"value": value}, code=IndicatorErrorCode.VALUE_OUT_OF_RANGE
        )
    return value.quantize(Decimal(1).scaleb(-MONEY_PLACES))


#: Growth rates (percent) kept well inside the column (numeric(12, 2)); anything beyond is a typo.
YOY_LIMIT = Decimal("1000000")


def _check_yoy(yoy: Decimal | None) -> Decimal | None:
    if yoy is None:
        return None
    if not yoy.is_finite() or abs(yoy) >= YOY_LIMIT:
        raise ValidationFailed(
            _("The growth rate %(value)s%% is out of range (less than ±1,000,000%%).") % {"value": yoy},
            code=IndicatorErrorCode.VALUE_OUT_OF_RANGE,
        )
    return yoy.quantize(calc.CENT)


def _check_period(year: int, month: int) -> None:
    if not 2000 <= year <= 2100 or not 1 <= month <= 12:
        raise ValidationFailed(
            _("Choose a year from 2000 to 2100 and a month from 1 to 12."), code=IndicatorErrorCode.INVALID_PERIOD
        )


def entry_problem(unit: Unit, indicator: Indicator) -> str | None:
    """Why ``unit`` cannot report ``indicator`` directly, or ``None``."""
    if not indicator.is_active:
        return _("Indicator %(name)s is no longer in use.") % {"name": indicator.name}
    source = computed.computed_from(indicator)
    if source:
        return _(
            "%(name)s is computed from the records (%(source)s, 一数一源): it cannot be typed, imported or read "
            "from text."
        ) % {"name": indicator.name, "source": source}
    if not indicator.reported_by(unit):
        if indicator.aggregation == Aggregation.SUM:
            return _("%(unit)s does not report %(name)s: its value is the sum of its sub-units.") % {
                "unit": unit.name,
                "name": indicator.name,
            }
        return _("%(unit)s does not report %(name)s (reported by: %(kinds)s).") % {
            "unit": unit.name,
            "name": indicator.name,
            "kinds": _kinds_label(indicator),
        }
    return None


def _kinds_label(indicator: Indicator) -> str:
    from luoshi.org.models import UnitKind

    labels = {k.value: str(k.label) for k in UnitKind}
    return "、".join(labels.get(k, k) for k in indicator.unit_kinds or [])


def _require_enter(actor: Actor, units: Iterable[Unit]) -> None:
    for unit in {u.pk: u for u in units}.values():
        if not can(actor, ENTER, unit):
            if can(actor, VIEW, unit):
                raise Forbidden(
                    _("You may not enter indicator values for %(unit)s.") % {"unit": unit.name},
                    code=ErrorCode.FORBIDDEN,
                )
            raise NotFound()


# --- Values --------------------------------------------------------------------------------


def _key(unit_id: int, indicator_id: int, year: int, month: int) -> tuple[int, int, int, int]:
    return (unit_id, indicator_id, year, month)


@transaction.atomic
def values_save(
    *,
    actor: Actor,
    rows: Sequence[ValueRow],
    source: str = Source.ENTERED,
    kind: str = ImportKind.FORM,
    batch: ImportBatch | None = None,
    comment: str = "",
) -> SaveResult:
    """Write ``rows`` (insert or replace) as one change set; all or nothing.

    The change set is an :class:`ImportBatch` (one is created when none is
    given), the audit log gets one entry for it and one per unit, and every
    replaced value keeps its previous figure in :class:`ValueChange`.
    """
    if not rows:
        raise ValidationFailed(_("There are no values to save."), code=IndicatorErrorCode.EMPTY)
    _require_enter(actor, (r.unit for r in rows))
    seen: set[tuple[int, int, int, int]] = set()
    clean: list[ValueRow] = []
    reportable: set[tuple[str, int]] = set()  # (unit kind, indicator) pairs already checked
    for row in rows:
        _check_period(row.year, row.month)
        if (row.unit.kind, row.indicator.id) not in reportable:
            problem = entry_problem(row.unit, row.indicator)
            if problem:
                raise ValidationFailed(problem, code=IndicatorErrorCode.NOT_REPORTED)
            reportable.add((row.unit.kind, row.indicator.id))
        key = _key(row.unit.id, row.indicator.id, row.year, row.month)
        if key in seen:
            raise ValidationFailed(
                _("%(unit)s · %(name)s · %(year)d-%(month)02d appears twice.")
                % {"unit": row.unit.name, "name": row.indicator.name, "year": row.year, "month": row.month},
                code=IndicatorErrorCode.DUPLICATE,
            )
        seen.add(key)
        yoy = _check_yoy(row.yoy_reported)
        clean.append(ValueRow(row.unit, row.indicator, row.year, row.month, _check_value(row.value), yoy))
    if batch is None:
        batch = ImportBatch.objects.create(kind=kind, status=ImportStatus.COMMITTED, created_by=_user(actor))
    result = _write(actor=actor, rows=clean, source=source, batch=batch)
    indicators = {r.indicator.pk: r.indicator for r in clean}
    result.aggregated = _rollup(actor=actor, keys=seen, indicators=indicators, batch=batch)
    result.batch = batch
    batch.status = ImportStatus.COMMITTED
    batch.committed_at = timezone.now()
    batch.row_count = len(clean)
    batch.summary = {
        **(batch.summary or {}),
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "aggregated": result.aggregated,
    }
    batch.save(update_fields=["status", "committed_at", "row_count", "summary"])
    return result


def _user(actor: Actor) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _existing(keys: set[tuple[int, int, int, int]]) -> dict[tuple[int, int, int, int], tuple[Decimal, Decimal | None]]:
    """Current values for ``keys``, fetched per (year, month) in chunks of units."""
    by_period: dict[tuple[int, int], set[int]] = defaultdict(set)
    indicator_ids: set[int] = set()
    for unit_id, ind_id, year, month in keys:
        by_period[(year, month)].add(unit_id)
        indicator_ids.add(ind_id)
    found: dict[tuple[int, int, int, int], tuple[Decimal, Decimal | None]] = {}
    for (year, month), unit_ids in by_period.items():
        ordered = sorted(unit_ids)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            for unit_id, ind_id, value, yoy in IndicatorValue.objects.filter(
                year=year, month=month, unit_id__in=chunk, indicator_id__in=indicator_ids
            ).values_list("unit_id", "indicator_id", "value", "yoy_reported"):
                key = _key(unit_id, ind_id, year, month)
                if key in keys:
                    found[key] = (value, yoy)
    return found


_VALUE_COLUMNS = (
    "unit_id",
    "indicator_id",
    "year",
    "month",
    "value",
    "yoy_reported",
    "source",
    "batch_id",
    "updated_at",
    "updated_by_id",
)
_CHANGE_COLUMNS = (
    "unit_id",
    "indicator_id",
    "year",
    "month",
    "before",
    "after",
    "source",
    "batch_id",
    "actor_id",
    "at",
)


_ROWS_PER_STATEMENT = 1000


def _sql_upsert(rows: int) -> str:
    """INSERT … ON CONFLICT DO UPDATE on the value's unique key (SQLite ≥ 3.24 and PostgreSQL alike)."""
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in _VALUE_COLUMNS)
    marks = ", ".join(["(" + ", ".join(["%s"] * len(_VALUE_COLUMNS)) + ")"] * rows)
    key = ", ".join(qn(c) for c in ("unit_id", "indicator_id", "year", "month"))
    updates = ", ".join(f"{qn(c)} = excluded.{qn(c)}" for c in _VALUE_COLUMNS[4:])
    table = qn(IndicatorValue._meta.db_table)
    return f"INSERT INTO {table} ({columns}) VALUES {marks} ON CONFLICT ({key}) DO UPDATE SET {updates}"  # noqa: S608


def _sql_changes(rows: int) -> str:
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in _CHANGE_COLUMNS)
    marks = ", ".join(["(" + ", ".join(["%s"] * len(_CHANGE_COLUMNS)) + ")"] * rows)
    return f"INSERT INTO {qn(ValueChange._meta.db_table)} ({columns}) VALUES {marks}"  # noqa: S608


def _insert_many(cursor: Any, statement: Any, rows: list[tuple[Any, ...]]) -> None:
    """Many rows per statement: one round trip per thousand rows on PostgreSQL, fewer steps on SQLite."""
    full = statement(_ROWS_PER_STATEMENT)
    for start in range(0, len(rows), _ROWS_PER_STATEMENT):
        chunk = rows[start : start + _ROWS_PER_STATEMENT]
        sql = full if len(chunk) == _ROWS_PER_STATEMENT else statement(len(chunk))
        cursor.execute(sql, [value for row in chunk for value in row])


def _copy_pg(
    cursor: Any, upserts: list[tuple[Any, ...]], changes: list[tuple[Any, ...]], *, all_new: bool = False
) -> None:
    """PostgreSQL: COPY the rows into a temporary table, then one INSERT … ON CONFLICT from it.

    Statements with thousands of parameters are slow to prepare on the client;
    COPY streams the rows instead (docs/decisions/0305-streaming-xlsx-reader.md).
    When none of the values existed a moment ago (``all_new``, a first import of a
    period), the rows are copied straight into the table: no temporary table and no
    second pass. Should another transaction have written one of the keys since, the
    unique key refuses the copy and the upsert path runs instead.
    """
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in _VALUE_COLUMNS)
    key = ", ".join(qn(c) for c in ("unit_id", "indicator_id", "year", "month"))
    updates = ", ".join(f"{qn(c)} = excluded.{qn(c)}" for c in _VALUE_COLUMNS[4:])
    table = qn(IndicatorValue._meta.db_table)
    raw = cursor.cursor  # the psycopg cursor under Django's wrapper
    change_columns = ", ".join(qn(c) for c in _CHANGE_COLUMNS)
    if all_new:
        from psycopg.errors import UniqueViolation  # the raw cursor's error, not Django's

        try:
            with transaction.atomic(), raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in upserts:
                    copy.write_row(row)
        except UniqueViolation:
            pass  # written meanwhile by someone else: upsert below
        else:
            with raw.copy(f"COPY {qn(ValueChange._meta.db_table)} ({change_columns}) FROM STDIN") as copy:
                for row in changes:
                    copy.write_row(row)
            return
    cursor.execute("DROP TABLE IF EXISTS indicator_value_upsert")
    cursor.execute(
        "CREATE TEMPORARY TABLE indicator_value_upsert (unit_id bigint, indicator_id bigint, year integer, "
        "month integer, value numeric(20, 4), yoy_reported numeric(12, 2), source varchar(12), batch_id bigint, "
        "updated_at timestamptz, updated_by_id bigint) ON COMMIT DROP"
    )
    with raw.copy(f"COPY indicator_value_upsert ({columns}) FROM STDIN") as copy:
        for row in upserts:
            copy.write_row(row)
    cursor.execute(
        f"INSERT INTO {table} ({columns}) SELECT {columns} FROM indicator_value_upsert "  # noqa: S608
        f"ON CONFLICT ({key}) DO UPDATE SET {updates}"
    )
    cursor.execute("DROP TABLE indicator_value_upsert")
    with raw.copy(f"COPY {qn(ValueChange._meta.db_table)} ({change_columns}) FROM STDIN") as copy:
        for row in changes:
            copy.write_row(row)


def _write(*, actor: Actor, rows: Sequence[ValueRow], source: str, batch: ImportBatch) -> SaveResult:
    """Upsert ``rows`` and append their history, as two batched statements (no model instances:
    a 100,000-row import would spend most of its time building them)."""
    keys = {_key(r.unit.id, r.indicator.id, r.year, r.month) for r in rows}
    before = _existing(keys)
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    user = _user(actor)
    user_id = user.pk if user is not None else None

    def money(value: Decimal | None) -> Any:
        return None if value is None else ops.adapt_decimalfield_value(value, MONEY_DIGITS, MONEY_PLACES)

    result = SaveResult()
    upserts: list[tuple[Any, ...]] = []
    changes: list[tuple[Any, ...]] = []
    per_unit: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    per_unit_count: dict[int, int] = defaultdict(int)
    units: dict[int, Unit] = {}
    for row in rows:
        unit_id, ind_id = row.unit.id, row.indicator.id
        old = before.get((unit_id, ind_id, row.year, row.month))
        if old is not None and old[0] == row.value and old[1] == row.yoy_reported:
            result.unchanged += 1
            continue
        if old is None:
            result.created += 1
        else:
            result.updated += 1
        value = money(row.value)
        yoy = None if row.yoy_reported is None else ops.adapt_decimalfield_value(row.yoy_reported, 12, 2)
        upserts.append((unit_id, ind_id, row.year, row.month, value, yoy, source, batch.pk, now, user_id))
        changes.append(
            (
                unit_id,
                ind_id,
                row.year,
                row.month,
                money(old[0]) if old else None,
                value,
                source,
                batch.pk,
                user_id,
                now,
            )
        )
        units[unit_id] = row.unit
        per_unit_count[unit_id] += 1
        detail = per_unit[unit_id]
        if len(detail) < AUDIT_DETAIL:
            label = f"{row.indicator.name} {row.year}-{row.month:02d}"
            detail[label] = {"before": _plain(old[0]) if old else None, "after": _plain(row.value)}
    if upserts:
        # In key order the unique index is filled page by page instead of at random.
        order = sorted(range(len(upserts)), key=lambda i: upserts[i][:4])
        upserts = [upserts[i] for i in order]
        changes = [changes[i] for i in order]
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite" and len(upserts) > _ROWS_PER_STATEMENT:
                # A larger page cache for this connection: big imports touch many index pages.
                cursor.execute("PRAGMA cache_size = -131072")
            if connection.vendor == "postgresql":
                _copy_pg(cursor, upserts, changes, all_new=result.updated == 0)
            else:
                _insert_many(cursor, _sql_upsert, upserts)
                _insert_many(cursor, _sql_changes, changes)
    kind_label = str(batch.get_kind_display())
    # One entry per unit, written together (a big import touches a thousand units).
    audit.record_many(
        actor=actor,
        entries=[
            audit.Entry(
                obj=units[unit_id],
                verb="indicators.values",
                changes=detail,
                comment=_("%(n)d indicator values (%(how)s)") % {"n": per_unit_count[unit_id], "how": kind_label},
            )
            for unit_id, detail in per_unit.items()
        ],
    )
    if upserts:
        audit.record(
            actor=actor,
            obj=batch,
            verb="indicators.import" if batch.kind in (ImportKind.EXCEL, ImportKind.TEXT) else "indicators.values",
            comment=_("%(new)d new, %(replaced)d replaced, %(same)d unchanged")
            % {"new": result.created, "replaced": result.updated, "same": result.unchanged},
        )
    return result


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _rollup(
    *,
    actor: Actor,
    keys: set[tuple[int, int, int, int]],
    indicators: dict[int, Indicator],
    batch: ImportBatch,
) -> int:
    """Recompute the sums of parent units for summed indicators, level by level up the tree."""
    summed = {pk for pk, ind in indicators.items() if ind.aggregation == Aggregation.SUM}
    if not summed:
        return 0
    unit_ids = {k[0] for k in keys if k[1] in summed}
    parent_of = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "parent_id"))
    todo = {(parent_of[u], i, y, m) for u, i, y, m in keys if i in summed and parent_of.get(u)}
    written = 0
    while todo:
        parents = {p for p, _i, _y, _m in todo}
        units = Unit.objects.in_bulk(parents)
        # A parent that reports the indicator itself keeps its own figure.
        todo = {t for t in todo if t[0] in units and units[t[0]].kind not in (indicators[t[1]].unit_kinds or [])}
        if not todo:
            break
        sums = {
            (p, i, y, m): total
            for p, i, y, m, total in IndicatorValue.objects.filter(
                unit__parent_id__in={t[0] for t in todo},
                indicator_id__in={t[1] for t in todo},
                year__in={t[2] for t in todo},
                month__in={t[3] for t in todo},
            )
            .values_list("unit__parent_id", "indicator_id", "year", "month")
            .annotate(total=Sum("value"))
            .values_list("unit__parent_id", "indicator_id", "year", "month", "total")
            if (p, i, y, m) in todo
        }
        rows = [
            ValueRow(units[p], indicators[i], y, m, Decimal(total).quantize(Decimal(1).scaleb(-MONEY_PLACES)))
            for (p, i, y, m), total in sums.items()
        ]
        result = _write(actor=actor, rows=rows, source=Source.AGGREGATED, batch=batch)
        written += result.created + result.updated
        todo = {(parent, i, y, m) for p, i, y, m in sums if (parent := units[p].parent_id) is not None}
    return written


@transaction.atomic
def value_set(
    *,
    actor: Actor,
    unit: Unit,
    indicator: Indicator,
    year: int,
    month: int,
    value: Decimal,
    yoy_reported: Decimal | None = None,
) -> SaveResult:
    """Enter one value by hand."""
    return values_save(
        actor=actor, rows=[ValueRow(unit, indicator, year, month, value, yoy_reported)], kind=ImportKind.FORM
    )


# --- Targets ----------------------------------------------------------------------------------


@transaction.atomic
def targets_save(*, actor: Actor, rows: Sequence[TargetRow]) -> int:
    """Set annual targets (insert or replace); the unit's audit log shows old and new figures."""
    if not rows:
        raise ValidationFailed(_("There are no targets to save."), code=IndicatorErrorCode.EMPTY)
    for unit in {r.unit.pk: r.unit for r in rows}.values():
        if not can(actor, SET_TARGETS, unit):
            if can(actor, VIEW, unit):
                raise Forbidden(
                    _("Targets of %(unit)s are set by the unit above it.") % {"unit": unit.name},
                    code=ErrorCode.FORBIDDEN,
                )
            raise NotFound()
    existing = {
        (t.unit_id, t.indicator_id, t.year): t
        for t in Target.objects.select_for_update().filter(
            unit_id__in={r.unit.pk for r in rows},
            indicator_id__in={r.indicator.pk for r in rows},
            year__in={r.year for r in rows},
        )
    }
    per_unit: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    units: dict[int, Unit] = {}
    written = 0
    for row in rows:
        if not 2000 <= row.year <= 2100:
            raise ValidationFailed(_("Choose a year from 2000 to 2100."), code=IndicatorErrorCode.INVALID_YEAR)
        value = _check_value(row.value)
        if value <= 0 and row.indicator.kind == IndicatorKind.CUMULATIVE:
            raise ValidationFailed(
                _("The target for %(name)s must be more than zero.") % {"name": row.indicator.name},
                code=ErrorCode.INVALID,
            )
        current = existing.get((row.unit.pk, row.indicator.pk, row.year))
        if current is not None and current.value == value:
            continue
        label = f"{row.indicator.name} {row.year}"
        per_unit[row.unit.pk][label] = {
            "before": _plain(current.value) if current else None,
            "after": _plain(value),
        }
        units[row.unit.pk] = row.unit
        if current is None:
            Target.objects.create(
                unit=row.unit, indicator=row.indicator, year=row.year, value=value, updated_by=_user(actor)
            )
        else:
            current.value, current.updated_by = value, _user(actor)
            current.save(update_fields=["value", "updated_by", "updated_at"])
        written += 1
    for unit_id, detail in per_unit.items():
        audit.record(actor=actor, obj=units[unit_id], verb="indicators.targets", changes=detail)
    return written


# --- The catalogue ---------------------------------------------------------------------------

CATALOGUE_FIELDS = (
    "code",
    "name",
    "aliases",
    "unit",
    "kind",
    "direction",
    "category",
    "unit_kinds",
    "aggregation",
    "decimals",
    "sort_order",
    "description",
    "is_active",
)


@transaction.atomic
def indicator_save(*, actor: Actor, indicator: Indicator | None, data: dict[str, Any]) -> Indicator:
    """Create or change a catalogue entry (administrators of a top unit). The code never changes once
    created; other names must not be another indicator's name or other name (imports match by them)."""
    if not can_manage_catalogue(actor):
        raise Forbidden(
            _("Only administrators of the whole organisation change the catalogue."), code=ErrorCode.FORBIDDEN
        )
    creating = indicator is None
    target = indicator if indicator is not None else Indicator()
    before = {} if creating else audit.snapshot(target, CATALOGUE_FIELDS)
    for name in CATALOGUE_FIELDS:
        if name == "code" and not creating:
            continue
        if name in data:
            setattr(target, name, data[name])
    target.name = str(target.name).strip()
    target.aliases = [a for a in dict.fromkeys(str(a).strip() for a in target.aliases or []) if a and a != target.name]
    if not target.unit_kinds:
        raise ValidationFailed(
            _("Choose at least one kind of unit that reports the indicator."), code=ErrorCode.INVALID
        )
    taken: dict[str, str] = {}
    for other in Indicator.objects.exclude(pk=target.pk).only("name", "aliases"):
        for word in [other.name, *(other.aliases or [])]:
            taken[_norm(word)] = other.name
    for word in [target.name, *target.aliases]:
        if _norm(word) in taken:
            raise ValidationFailed(
                _("“%(word)s” is already a name of %(other)s.") % {"word": word, "other": taken[_norm(word)]},
                code=IndicatorErrorCode.DUPLICATE_NAME,
            )
    if creating and Indicator.objects.filter(code=target.code).exists():
        raise ValidationFailed(
            _("The code %(code)s is taken.") % {"code": target.code}, code=IndicatorErrorCode.DUPLICATE_CODE
        )
    target.full_clean()
    target.save()
    after = audit.snapshot(target, CATALOGUE_FIELDS)
    audit.record(actor=actor, obj=target, verb="create" if creating else "update", changes=audit.diff(before, after))
    return target


# --- Saved composite leaderboards ---------------------------------------------------------------

COMPOSITE_METRICS = ("completion", "yoy")


@transaction.atomic
def composite_save(
    *, actor: Actor, parent: Unit, name: str, weights: Sequence[tuple[Indicator, Decimal]], metric: str
) -> SavedComposite:
    """Keep a weighted composite leaderboard under ``name`` for the units below ``parent`` (a second
    save under the same name replaces the weights). Leaders, supervisors and administrators at the
    parent or above."""
    if not can(actor, ENTER, parent):
        if can(actor, VIEW, parent):
            raise Forbidden(_("Only leaders and supervisors of %(unit)s save leaderboards.") % {"unit": parent.name})
        raise NotFound()
    name = " ".join(name.split())
    if not 1 <= len(name) <= 60:
        raise ValidationFailed(
            _("Give the leaderboard a name of up to 60 characters."), code=IndicatorErrorCode.INVALID_NAME
        )
    chosen = {ind.code: w for ind, w in weights if w > 0}
    if not chosen:
        raise ValidationFailed(
            _("Give at least one indicator a weight above zero."), code=IndicatorErrorCode.NO_WEIGHTS
        )
    if any(not w.is_finite() or w > 1000 for w in chosen.values()):
        raise ValidationFailed(_("Weights go from 0 to 1000."), code=IndicatorErrorCode.INVALID_WEIGHT)
    if metric not in COMPOSITE_METRICS:
        metric = "completion"
    saved = SavedComposite.objects.select_for_update().filter(parent=parent, name=name).first()
    creating = saved is None
    before = {} if saved is None else {"weights": saved.weights, "metric": saved.metric}
    if saved is None:
        saved = SavedComposite(parent=parent, name=name, created_by=_user(actor))
    saved.weights = {code: _plain(w) for code, w in chosen.items()}
    saved.metric = metric
    saved.save()
    audit.record(
        actor=actor,
        obj=saved,
        verb="create" if creating else "update",
        changes=audit.diff(before, {"weights": saved.weights, "metric": saved.metric}),
    )
    return saved


@transaction.atomic
def composite_delete(*, actor: Actor, saved: SavedComposite) -> None:
    if not can(actor, ENTER, saved.parent):
        raise NotFound()
    audit.record(actor=actor, obj=saved, verb="delete", changes={"weights": {"before": saved.weights, "after": None}})
    saved.delete()


# --- Matching names -------------------------------------------------------------------------


def _norm(text: str) -> str:
    return re.sub(r"[\s()（）]", "", normalise(str(text))).lower()


class IndicatorIndex:
    """Indicators by code, name or other name, in either script."""

    def __init__(self, indicators: Iterable[Indicator]) -> None:
        self.by_key: dict[str, Indicator] = {}
        self.by_code: dict[str, Indicator] = {}
        #: Every name and other name → code, for the scorecard parser's codes.
        self.names: dict[str, str] = {}
        for ind in indicators:
            self.by_code[ind.code] = ind
            for key in [ind.code, ind.name, *(ind.aliases or [])]:
                self.by_key.setdefault(_norm(key), ind)
            for key in [ind.name, *(ind.aliases or [])]:
                self.names.setdefault(str(key), ind.code)
        self._memo: dict[str, Indicator | None] = {}

    def rank_indicator(self, name: str, indicator: Indicator | None) -> Indicator | None:
        """The catalogue's indicator for the rank of ``name`` (or of ``indicator``): one named
        "<name>排名" (位次, 名次) or coded "<code>_rank", if the catalogue has one."""
        names = [name, *([indicator.name, *(indicator.aliases or [])] if indicator is not None else [])]
        for base in names:
            for suffix in _RANK_SUFFIXES:
                found = self.find(base + suffix)
                if found is not None:
                    return found
        return self.by_code.get(f"{indicator.code}_rank") if indicator is not None else None

    def find(self, text: str) -> Indicator | None:
        if not text:
            return None
        if text not in self._memo:
            self._memo[text] = self.by_key.get(_norm(text))
        return self._memo[text]


class UnitIndex:
    """Units the actor can see, by short code or by name (a name must be unique in the scope)."""

    def __init__(self, actor: Actor) -> None:
        self.by_code: dict[str, Unit] = {}
        self.by_name: dict[str, list[Unit]] = defaultdict(list)
        self._memo: dict[str, tuple[Unit | None, str | None]] = {}
        for unit in units_visible_to(actor).filter(is_active=True).select_related("parent"):
            self.by_code[unit.code.upper()] = unit
            self.by_name[_norm(unit.name)].append(unit)

    def find(self, text: str) -> tuple[Unit | None, str | None]:
        key = str(text or "")
        if key not in self._memo:
            self._memo[key] = self._find(key)
        return self._memo[key]

    def _find(self, text: str) -> tuple[Unit | None, str | None]:
        text = str(text or "").strip()
        if not text:
            return None, _("The unit is empty.")
        unit = self.by_code.get(text.upper())
        if unit:
            return unit, None
        matches = self.by_name.get(_norm(text), [])
        if len(matches) == 1:
            return matches[0], None
        if matches:
            return None, _("More than one unit is called %(name)s; use its code.") % {"name": text}
        return None, _("Unit %(name)s is not known or is outside your scope.") % {"name": text}


# --- Excel import --------------------------------------------------------------------------


def _cell_int(value: Any) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        return int(Decimal(str(value).strip().rstrip("年月")))
    except (InvalidOperation, ValueError):
        return None


_PLAIN_NUMBER = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


def cell_value(value: Any, indicator: Indicator, *, percent_format: bool) -> tuple[Decimal | None, str | None]:
    """A cell's number in the indicator's unit, or an error message."""
    if isinstance(value, bool):
        return None, _("“%(text)s” is not a number.") % {"text": value}
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        if percent_format:
            number *= 100
        return number, None
    text = str(value).strip()
    if _PLAIN_NUMBER.match(text):
        return Decimal(text.replace(",", "")), None
    try:
        quantity = parse_quantity(text)
    except ValueError:
        return None, _("“%(text)s” is not a number.") % {"text": text}
    converted = convert(quantity.number, quantity.unit, indicator.unit)
    if converted is None:
        return None, _("“%(text)s” is in %(given)s but %(name)s is measured in %(unit)s.") % {
            "text": text,
            "given": quantity.unit,
            "name": indicator.name,
            "unit": indicator.unit,
        }
    return converted, None


def cell_pct(value: Any) -> tuple[Decimal | None, str | None]:
    if value is None or str(value).strip() == "":
        return None, None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value)), None
    try:
        quantity = parse_quantity(str(value))
    except ValueError:
        return None, _("“%(text)s” is not a percentage.") % {"text": value}
    return quantity.number, None


def import_preview(
    *, actor: Actor, data: bytes, file_name: str, year: int | None = None, month: int | None = None
) -> ImportBatch:
    """Read and check an uploaded workbook; nothing is saved until :func:`import_commit`.

    Every problem is reported with its row and column; the batch keeps the
    checked rows so the commit does not read the file again.
    """
    scope = scope_for(actor)
    if scope.is_empty:
        raise NotFound()
    if not scope.is_all and not scope.roles & ENTERERS:
        raise Forbidden(_("Only leaders, supervisors and administrators can import indicator values."))
    try:
        sheet = excel.read_workbook(data)
    except excel.ExcelError as exc:
        raise ValidationFailed(str(exc), code=IndicatorErrorCode.BAD_FILE) from exc
    year = year or sheet.year
    month = month or sheet.month
    units = UnitIndex(actor)
    index = IndicatorIndex(Indicator.objects.all())
    rows: list[list[Any]] = []
    errors: list[dict[str, Any]] = []
    seen: dict[tuple[int, int, int, int], int] = {}
    may_enter: dict[int, bool] = {}

    def error(raw: excel.RawRow, message: str) -> None:
        errors.append({"row": raw.row, "column": raw.column, "message": message})

    for raw in sheet.rows:
        unit, unit_error = units.find(raw.unit)
        if unit is None:
            error(raw, unit_error or "")
            continue
        indicator = index.find(raw.indicator)
        if indicator is None:
            error(raw, _("Indicator %(name)s is not in the catalogue.") % {"name": raw.indicator or "—"})
            continue
        if unit.pk not in may_enter:
            may_enter[unit.pk] = can(actor, ENTER, unit)
        if not may_enter[unit.pk]:
            error(raw, _("You may not enter indicator values for %(unit)s.") % {"unit": unit.name})
            continue
        problem = entry_problem(unit, indicator)
        if problem:
            error(raw, problem)
            continue
        row_year = _cell_int(raw.year) if sheet.layout == "long" and raw.year is not None else year
        row_month = _cell_int(raw.month) if sheet.layout == "long" and raw.month is not None else month
        if row_year is None or not 2000 <= row_year <= 2100:
            error(raw, _("The year is missing or not between 2000 and 2100."))
            continue
        if row_month is None or not 1 <= row_month <= 12:
            error(raw, _("The month is missing or not between 1 and 12."))
            continue
        value, value_error = cell_value(raw.value, indicator, percent_format=raw.percent_format)
        if value is None:
            error(raw, value_error or "")
            continue
        if abs(value) >= _LIMIT:
            error(raw, _("The number %(value)s is too large.") % {"value": value})
            continue
        yoy, yoy_error = cell_pct(raw.yoy)
        if yoy_error:
            error(raw, yoy_error)
            continue
        if yoy is not None and abs(yoy) >= YOY_LIMIT:
            error(raw, _("The growth rate %(value)s%% is out of range (less than ±1,000,000%%).") % {"value": yoy})
            continue
        key = _key(unit.pk, indicator.pk, row_year, row_month)
        if key in seen:
            error(
                raw,
                _("%(unit)s · %(name)s is already in row %(row)d.")
                % {"unit": unit.name, "name": indicator.name, "row": seen[key]},
            )
            continue
        seen[key] = raw.row
        rows.append(
            [unit.pk, indicator.pk, row_year, row_month, str(value), str(yoy) if yoy is not None else None, raw.row]
        )
    if not sheet.rows:
        errors.append({"row": 0, "column": "", "message": _("The file has no values.")})
    existing = _existing(set(seen))
    replaced = sum(1 for k in seen if k in existing)
    changed = sum(
        1 for r in rows if (k := _key(r[0], r[1], r[2], r[3])) in existing and existing[k][0] != Decimal(r[4])
    )
    periods = sorted({(r[2], r[3]) for r in rows})
    return ImportBatch.objects.create(
        kind=ImportKind.EXCEL,
        file_name=file_name[:200],
        created_by=_user(actor),
        rows=rows,
        errors=errors,
        row_count=len(rows),
        summary={
            "layout": sheet.layout,
            "new": len(rows) - replaced,
            "replaced": replaced,
            "changed": changed,
            "units": len({r[0] for r in rows}),
            "indicators": len({r[1] for r in rows}),
            "periods": [f"{y}-{m:02d}" for y, m in periods],
        },
    )


def _batch_rows(batch: ImportBatch) -> list[ValueRow]:
    unit_ids = {r[0] for r in batch.rows}
    indicator_ids = {r[1] for r in batch.rows}
    units = Unit.objects.in_bulk(unit_ids)
    indicators = Indicator.objects.in_bulk(indicator_ids)
    result = []
    for unit_id, ind_id, year, month, value, yoy, *_rest in batch.rows:
        if unit_id not in units or ind_id not in indicators:
            raise Conflict(_("A unit or an indicator of this import was deleted; upload the file again."))
        result.append(
            ValueRow(
                units[unit_id],
                indicators[ind_id],
                int(year),
                int(month),
                Decimal(value),
                Decimal(yoy) if yoy is not None else None,
            )
        )
    return result


def _own_open_batch(actor: Actor, batch: ImportBatch) -> ImportBatch:
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.created_by_id != getattr(actor, "pk", None) and not getattr(actor, "is_superuser", False):
        raise NotFound()
    if locked.status != ImportStatus.PREVIEW:
        raise Conflict(_("This import has already been saved or discarded."), code=IndicatorErrorCode.NOT_OPEN)
    return locked


@transaction.atomic
def import_commit(*, actor: Actor, batch: ImportBatch) -> SaveResult:
    """Save a previewed import: every row or none; a batch with errors cannot be saved."""
    batch = _own_open_batch(actor, batch)
    if batch.errors and batch.kind == ImportKind.EXCEL:
        raise ValidationFailed(
            _("The file has %(n)d problems; correct them and upload it again.") % {"n": len(batch.errors)},
            code=IndicatorErrorCode.IMPORT_INVALID,
            details=batch.errors[:200],
        )
    rows = _batch_rows(batch)
    source = Source.IMPORTED if batch.kind == ImportKind.EXCEL else Source.PARSED
    return values_save(actor=actor, rows=rows, source=source, kind=batch.kind, batch=batch)


@transaction.atomic
def import_discard(*, actor: Actor, batch: ImportBatch) -> ImportBatch:
    batch = _own_open_batch(actor, batch)
    batch.status = ImportStatus.DISCARDED
    batch.rows = []
    batch.save(update_fields=["status", "rows"])
    audit.record(actor=actor, obj=batch, verb="indicators.discard")
    return batch


# --- Scorecard text ----------------------------------------------------------------------------


@dataclass
class TextMention:
    """One parsed mention and what will be saved from it."""

    mention: dict[str, Any]
    indicator_id: int | None = None
    indicator_name: str = ""
    year: int | None = None
    month: int | None = None
    value: str | None = None
    problem: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _decimal(number: float) -> Decimal:
    """A parsed float as the decimal it was written as (149976.0 → 149976, 6.19 → 6.19)."""
    value = Decimal(repr(number))
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _places_below(unit: Unit, places: set[str]) -> dict[str, Unit]:
    """Units in ``unit``'s subtree (itself included) called one of ``places``, by normalised name;
    a name two units share is left out (one query)."""
    if not places:
        return {}
    wanted = {_norm(p) for p in places}
    found: dict[str, list[Unit]] = defaultdict(list)
    for candidate in Unit.objects.filter(path__startswith=unit.path, is_active=True, name__in=places):
        found[_norm(candidate.name)].append(candidate)
    return {key: units[0] for key, units in found.items() if key in wanted and len(units) == 1}


_RANK_SUFFIXES = ("排名", "位次", "名次")


def text_preview(*, actor: Actor, unit: Unit, text: str, year: int, month: int | None = None) -> ImportBatch:
    """Parse pasted scorecard text for ``unit``; mentions that match the catalogue become rows to save.

    ``year`` is the year of periods such as 1-8月; ``month`` is used when a
    mention names no period at all.
    """
    if not can(actor, ENTER, unit):
        if can(actor, VIEW, unit):
            raise Forbidden(_("You may not enter indicator values for %(unit)s.") % {"unit": unit.name})
        raise NotFound()
    if not text.strip():
        raise ValidationFailed(_("Paste the scorecard text first."), code=IndicatorErrorCode.EMPTY)
    if len(text) > 1_000_000:
        raise ValidationFailed(
            _("The text is longer than one million characters."), code=IndicatorErrorCode.TEXT_TOO_LONG
        )
    index = IndicatorIndex(Indicator.objects.filter(is_active=True))
    rows: list[list[Any]] = []
    mentions: list[dict[str, Any]] = []
    seen: set[tuple[int, int, int, int]] = set()
    parsed = parse_text(text, catalogue=index.names)
    places = _places_below(unit, {m.place for m in parsed if m.place})

    def period_of(mention: Any) -> tuple[int, int] | None:
        found = calc.period_to_year_month(mention.period, year)
        if found is None and mention.period is None and month:
            found = (year, month)
        return found

    # A text that names this unit among places ("全区…，其中，甲街道3.2亿元") gives its own figure
    # there; the total before it is the whole area's.
    named_itself = {
        (ind.pk, period_of(m))
        for m in parsed
        if m.place and places.get(_norm(m.place)) == unit and (ind := index.find(m.name)) is not None
    }
    for number, mention in enumerate(parsed, start=1):
        item = TextMention(mention=mention.as_dict())
        # The name as written, else the catalogue entry its short forms fold to (规模以上 = 规上 …).
        indicator = index.find(mention.name) or (index.by_code.get(mention.code) if mention.code else None)
        # "其中，北白象镇12.3亿元…": a figure of a unit below, saved for that unit when the actor may.
        target = unit if mention.place is None else places.get(_norm(mention.place))
        period = period_of(mention)
        if mention.place is None and indicator is not None and (indicator.pk, period) in named_itself:
            target = None
        if indicator is None:
            item.problem = _("Not in the catalogue")
        elif mention.value is None:
            item.problem = _("No value, only a rate")
        elif period is None:
            item.problem = _("No period: choose a month, or add 1-8月 or 一季度 to the text")
        elif target is None and mention.place is None:
            item.problem = _("The total of a larger area; the text gives %(unit)s its own figure") % {"unit": unit.name}
        elif target is None:
            item.problem = _("A figure of %(place)s, which is not %(unit)s or a unit below it") % {
                "place": mention.place,
                "unit": unit.name,
            }
        elif target.pk != unit.pk and not can(actor, ENTER, target):
            item.problem = _("You may not enter indicator values for %(unit)s.") % {"unit": target.name}
        else:
            value = convert(_decimal(mention.value), mention.unit or "", indicator.unit)
            problem = entry_problem(target, indicator)
            if value is None:
                item.problem = _("%(given)s cannot be turned into %(unit)s") % {
                    "given": mention.unit,
                    "unit": indicator.unit,
                }
            elif problem:
                item.problem = problem
            elif (target.pk, indicator.pk, *period) in seen:
                item.problem = _("Named twice; the first one is saved")
            else:
                seen.add((target.pk, indicator.pk, *period))
                item.value = str(value)
                yoy = str(_decimal(mention.yoy_pct)) if mention.yoy_pct is not None else None
                rows.append([target.pk, indicator.pk, period[0], period[1], item.value, yoy, number])
        # "列全市第5位": saved as the catalogue's rank indicator for this one, where there is one.
        rank_indicator = index.rank_indicator(mention.name, indicator) if mention.rank is not None else None
        rank_saved = rank_problem = ""
        if rank_indicator is not None and mention.rank is not None:
            rank_target = unit if mention.place is None else places.get(_norm(mention.place))
            problem = entry_problem(rank_target, rank_indicator) if rank_target is not None else None
            if period is None or rank_target is None:
                rank_problem = str(item.problem)
            elif rank_target.pk != unit.pk and not can(actor, ENTER, rank_target):
                rank_problem = _("You may not enter indicator values for %(unit)s.") % {"unit": rank_target.name}
            elif problem:
                rank_problem = problem
            elif (rank_target.pk, rank_indicator.pk, *period) in seen:
                rank_problem = _("Named twice; the first one is saved")
            else:
                seen.add((rank_target.pk, rank_indicator.pk, *period))
                rows.append([rank_target.pk, rank_indicator.pk, period[0], period[1], str(mention.rank), None, number])
                rank_saved = rank_indicator.name
                if indicator is None or mention.value is None:
                    item.problem = ""  # the rank is what this mention gives
                    if period is not None:
                        item.year, item.month = period
        if indicator is not None:
            item.indicator_id, item.indicator_name = indicator.pk, indicator.name
        if period is not None:
            item.year, item.month = period
        mentions.append(
            {
                **item.mention,
                "indicator_id": item.indicator_id,
                "indicator_name": item.indicator_name,
                "year": item.year,
                "month": item.month,
                "converted": item.value,
                "indicator_unit": indicator.unit if indicator else "",
                "place": mention.place or "",
                "saved_for": target.name if target is not None and mention.place else "",
                "problem": str(item.problem),
                "value_saved": item.value is not None,
                "rank_saved_as": rank_saved,
                "rank_problem": str(rank_problem) if rank_indicator is not None else "",
            }
        )
    return ImportBatch.objects.create(
        kind=ImportKind.TEXT,
        file_name=unit.name,
        created_by=_user(actor),
        rows=rows,
        errors=[],
        row_count=len(rows),
        summary={"unit_id": unit.pk, "mentions": mentions, "year": year, "month": month},
    )
