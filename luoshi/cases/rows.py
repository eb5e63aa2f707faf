"""Plain INSERTs and SQLite write turns for the intake path.

``Model.save()`` builds a fresh SQL compiler for every row; at hundreds of intakes a
second that is a large part of an intake's CPU time. :func:`insert` writes the same row
with one prepared statement per model (built once per process): every value still goes
through its field's ``pre_save`` and ``get_db_prep_save``, so defaults, ``auto_now``,
JSON and time zone handling are Django's own. Model ``save()`` overrides and signals
are not run, so this is only for models whose ``save()`` adds nothing (the case, its
timeline event) or whose rule it keeps (the activity log: rows are only ever added).
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

from luoshi.core import prepared

_statements: dict[
    tuple[str, type[models.Model]], tuple[str, list[models.Field[Any, Any]], list[type | None], bool]
] = {}


def _statement(
    model: type[models.Model], connection: Any
) -> tuple[str, list[models.Field[Any, Any]], list[type | None], bool]:
    key = (connection.vendor, model)
    cached = _statements.get(key)
    if cached is None:
        meta = model._meta
        fields: list[models.Field[Any, Any]] = [f for f in meta.concrete_fields if not f.primary_key]
        qn = connection.ops.quote_name
        returning = connection.features.can_return_columns_from_insert and connection.vendor != "sqlite"
        # Only the model's own table and column names go into the statement; values are parameters.
        sql = "INSERT INTO {} ({}) VALUES ({}){}".format(  # noqa: S608
            qn(meta.db_table),
            ", ".join(qn(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
            f" RETURNING {qn(meta.pk.column)}" if returning and meta.pk is not None else "",
        )
        plain = [_PLAIN_FIELDS.get(type(f)) for f in fields]
        cached = (sql, fields, plain, returning)
        _statements[key] = cached
    return cached


#: Fields whose database value is the Python value itself when it already has exactly the
#: field's plain type (``str`` for text, ``int``, ``bool`` or ``float`` for numbers): Django's
#: preparation would only convert it to that same type. Anything else (times, JSON, keys, enum
#: members, a bool given to an integer field) goes through the field's own ``get_db_prep_save``.
_PLAIN_FIELDS: dict[type[models.Field[Any, Any]], type] = {
    models.CharField: str,
    models.TextField: str,
    models.IntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.SmallIntegerField: int,
    models.BigIntegerField: int,
    models.BooleanField: bool,
    models.FloatField: float,
}


def insert(obj: models.Model) -> None:
    """INSERT ``obj`` (whose primary key is automatic) and set its primary key."""
    # The connection object itself, not the ``django.db.connection`` proxy: every attribute read
    # through the proxy is a thread-local lookup, and preparing a row reads dozens.
    conn = connections[DEFAULT_DB_ALIAS]
    sql, fields, plain, returning = _statement(type(obj), conn)
    values = []
    for field, plain_type in zip(fields, plain, strict=True):
        value = field.pre_save(obj, True)
        if not (plain_type is not None and (value is None or type(value) is plain_type)):
            value = field.get_db_prep_save(value, conn)
        values.append(value)
    with conn.cursor() as cursor:
        cursor.execute(sql, values)
        obj.pk = cursor.fetchone()[0] if returning else cursor.lastrowid
    obj._state.adding = False
    obj._state.db = conn.alias


def insert_values(model: type[models.Model], values: dict[str, Any]) -> int:
    """INSERT one row of ``model`` from ``values`` (by attribute name, e.g. ``actor_id``; a
    missing field takes its default) without building a model instance; returns its key.
    For rows nobody reads back in the same request (a timeline entry, an activity-log entry)."""
    conn = connections[DEFAULT_DB_ALIAS]
    sql, fields, plain, returning = _statement(model, conn)
    params = []
    for field, plain_type in zip(fields, plain, strict=True):
        value = values[field.attname] if field.attname in values else field.get_default()
        if not (plain_type is not None and (value is None or type(value) is plain_type)):
            value = field.get_db_prep_save(value, conn)
        params.append(value)
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0] if returning else cursor.lastrowid)


_turn_lock = threading.Lock()
_turn_files: dict[tuple[int, str], int] = {}


@contextmanager
def write_turn() -> Iterator[None]:
    """On SQLite, wait for our turn to write instead of colliding on the database lock.

    SQLite lets one connection write at a time; a connection that finds the lock taken
    sleeps in SQLite's busy handler (1, 2, 5, 10 … ms) and tries again, so with a few
    workers writing hundreds of short transactions a second much of the time goes to
    sleeping while the lock is already free. Intakes instead queue on a thread lock inside
    the process and an operating-system file lock (``<database>-intake.lock``) between
    processes, which hand over the moment the holder is done. Other writers are unaffected
    and still meet SQLite's own lock. On other databases this does nothing.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        yield
        return
    # One descriptor per process: a descriptor inherited across a fork would share its lock.
    key = (os.getpid(), name)
    with _turn_lock:
        fd = _turn_files.get(key)
        if fd is None:
            fd = os.open(f"{name}-intake.lock", os.O_RDWR | os.O_CREAT, 0o600)
            _turn_files[key] = fd
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


def _prepared(model: type[models.Model], conn: Any, values: dict[str, Any], skip: frozenset[str]) -> list[Any]:
    """The parameters :func:`insert_values` would send for ``values``, minus the ``skip`` columns."""
    _sql, fields, plain, _returning = _statement(model, conn)
    params = []
    for field, plain_type in zip(fields, plain, strict=True):
        if field.attname in skip:
            continue
        value = values[field.attname] if field.attname in values else field.get_default()
        if not (plain_type is not None and (value is None or type(value) is plain_type)):
            value = field.get_db_prep_save(value, conn)
        params.append(value)
    return params


_numbered_statements: dict[tuple[type[models.Model], ...], str] = {}


def insert_numbered(
    obj: models.Model,
    *,
    number_field: str,
    sequence: type[models.Model],
    sequence_key: dict[str, Any],
    prefix: str,
    digits: int,
    children: Sequence[tuple[type[models.Model], dict[str, Any], dict[str, str]]],
) -> bool:
    """PostgreSQL: number ``obj`` from a counter row and insert it with its child rows in ONE statement.

    ``sequence`` is a model with a ``last`` counter; the row picked by ``sequence_key`` is
    incremented (``UPDATE … RETURNING``) and ``obj.<number_field>`` becomes ``prefix`` plus the
    new value zero-padded to ``digits`` (as ``f"{n:0{digits}d}"``). Each child is ``(model,
    values, computed)``: ``values`` as for :func:`insert_values`, ``computed`` maps an attribute
    name to one of ``"pk"`` (the new row's key), ``"pk_text"`` (its key as text) or ``"str"``
    (``f"{number} {title}"[:max_length]``, for an object repr of ``obj``, which must then have a
    ``title``). The whole statement (data-modifying CTEs) is one transaction in autocommit
    mode, or part of the surrounding one; the counter's row lock is held until it ends, so
    numbers stay unique and gap-free. Returns False, having written nothing, when the counter
    row does not exist yet.
    """
    conn = connections[DEFAULT_DB_ALIAS]
    model = type(obj)
    key = (model, sequence, *(child for child, _v, _c in children))
    cached = _numbered_statements.get(key)
    if cached is None:
        cached = _numbered_sql(model, conn, number_field, sequence, list(sequence_key), digits, children)
        _numbered_statements[key] = cached
    # Parameters in the statement's order: the counter key, the row (with the prefix in the
    # number's place), each child.
    params: list[Any] = list(sequence_key.values())
    _sql, fields, plain, _returning = _statement(model, conn)
    for field, plain_type in zip(fields, plain, strict=True):
        if field.attname == number_field:
            params.append(prefix)
            continue
        value = field.pre_save(obj, True)
        if not (plain_type is not None and (value is None or type(value) is plain_type)):
            value = field.get_db_prep_save(value, conn)
        params.append(value)
    for child, values, computed in children:
        params.extend(_prepared(child, conn, values, frozenset(computed)))
    # Prepared once per connection; the many empty values are written into the statement.
    sql, params = inline_constants(cached, params)
    row = prepared.fetchone(sql, params)
    if row is None:
        return False
    obj.pk, number = row
    setattr(obj, number_field, number)
    obj._state.adding = False
    obj._state.db = conn.alias
    return True


def _constant(value: Any) -> str | None:
    """The SQL literal for an empty value (``None``, ``False``, ``True``, ``""``, ``0``), else ``None``."""
    if value is None:
        return "NULL"
    kind = type(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is str and not value:
        return "''"
    if kind is int and value == 0:
        return "0"
    return None


_inlined: dict[tuple[str, tuple[str | None, ...]], str] = {}


def inline_constants(sql: str, params: Sequence[Any]) -> tuple[str, list[Any]]:
    """``sql`` (with ``%s`` placeholders) with its empty parameters written in as literals, and the rest.

    A new case leaves most of its columns empty: sending them as literals instead of as
    parameters halves what psycopg converts and the server binds on every intake. The few
    shapes this gives (which values are empty) are each built once and prepared once. Only
    constants that are the same whatever the input are written in; everything else stays a
    parameter. In ``INSERT … SELECT`` the server types the literals by their target columns.
    """
    literals = tuple(_constant(value) for value in params)
    key = (sql, literals)
    text = _inlined.get(key)
    if text is None:
        parts = sql.split("%s")
        if len(parts) != len(params) + 1:
            raise ValueError("the statement and its parameters do not match")
        pieces = [parts[0]]
        for literal, part in zip(literals, parts[1:], strict=True):
            pieces.append("%s" if literal is None else literal)
            pieces.append(part)
        text = "".join(pieces)
        if len(_inlined) > 256:
            _inlined.clear()
        _inlined[key] = text
    return text, [value for value, literal in zip(params, literals, strict=True) if literal is None]


def _numbered_sql(
    model: type[models.Model],
    conn: Any,
    number_field: str,
    sequence: type[models.Model],
    sequence_key: list[str],
    digits: int,
    children: Sequence[tuple[type[models.Model], dict[str, Any], dict[str, str]]],
) -> str:
    qn = conn.ops.quote_name
    meta = model._meta
    assert meta.pk is not None
    pk = qn(meta.pk.column)
    _sql, fields, _plain, _returning = _statement(model, conn)

    def column(of: type[models.Model], name: str) -> str:
        field = of._meta.get_field(name)
        assert isinstance(field, models.Field)
        return str(qn(field.column))

    number_column = column(model, number_field)
    last = column(sequence, "last")
    where = " AND ".join(f"{column(sequence, name)} = %s" for name in sequence_key)
    # Python's f"{n:05d}" pads to five digits and never cuts a longer number; lpad() would cut it.
    number = f"%s || CASE WHEN seq.n < {10**digits} THEN lpad(seq.n::text, {digits}, '0') ELSE seq.n::text END"
    row = [number if f.attname == number_field else "%s" for f in fields]
    # Only table and column names from the models go into the statement; values are parameters.
    title = column(model, "title") if any("str" in c.values() for _m, _v, c in children) else ""
    parts = [
        f"seq AS (UPDATE {qn(sequence._meta.db_table)} SET {last} = {last} + 1 WHERE {where} RETURNING {last} AS n)",  # noqa: S608
        "new AS (INSERT INTO {} ({}) SELECT {} FROM seq RETURNING {})".format(  # noqa: S608
            qn(meta.db_table),
            ", ".join(qn(f.column) for f in fields),
            ", ".join(row),
            ", ".join(c for c in (pk, number_column, title) if c),
        ),
    ]
    for i, (child, _values, computed) in enumerate(children):
        _csql, cfields, _cplain, _creturning = _statement(child, conn)
        exprs = []
        for f in cfields:
            how = computed.get(f.attname)
            if how is None:
                exprs.append("%s")
            elif how == "pk":
                exprs.append(f"new.{pk}")
            elif how == "pk_text":
                exprs.append(f"new.{pk}::text")
            elif how == "str":
                exprs.append(f"left(new.{number_column} || ' ' || new.{title}, {f.max_length})")
            else:  # pragma: no cover
                raise ValueError(how)
        parts.append(
            "child{} AS (INSERT INTO {} ({}) SELECT {} FROM new)".format(  # noqa: S608
                i, qn(child._meta.db_table), ", ".join(qn(f.column) for f in cfields), ", ".join(exprs)
            )
        )
    return "WITH " + ", ".join(parts) + f" SELECT {pk}, {number_column} FROM new"  # noqa: S608
