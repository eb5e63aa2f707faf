"""Hot statements prepared once per connection on PostgreSQL.

A few statements run on nearly every API request (the token check) or hundreds of times a
second (case intake). Sent the usual way, each call costs twice:

- psycopg rewrites the ``%s`` placeholders into the statement on the client every time for
  statements with more than 50 parameters (it caches the rewrite only below that), and
- the server parses and plans the statement text every time: about 0.3 ms for the token
  check and 0.4 ms for the intake statement on the benchmark machine, more than running them.

:func:`fetchone` sends such a statement through a psycopg raw cursor with server-side
placeholders (``$1``, ``$2``, …, translated once from ``%s``) and asks for it to be
prepared: the first call on a connection prepares it, later calls only bind and execute.
The Django cursor wrapper stays around it, so query logging, ``execute_wrapper`` hooks
(query-count tests) and error translation work as for any query.

Preparation needs the connection's ``prepare_threshold`` set (settings: ``LUOSHI_PG_PREPARE``,
on by default). Without it the same path runs unprepared. Other databases use a plain cursor.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from psycopg import RawCursor


class _PreparingRawCursor(RawCursor[Any]):
    """A raw cursor whose statements are prepared unless the caller says otherwise."""

    def execute(
        self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: bool | None = None
    ) -> Any:
        return super().execute(query, params, prepare=True if prepare is None else prepare, binary=binary)


@functools.lru_cache(maxsize=256)
def server_placeholders(sql: str) -> str:
    """``sql`` with each ``%s`` replaced by ``$1``, ``$2``, … in order.

    Only for statements the code writes itself from model table and column names: nothing in
    them may contain a literal ``%`` (there is no ``%%`` escape here)."""
    if "%%" in sql:
        raise ValueError("server_placeholders() does not handle %% escapes")
    counter = itertools.count(1)
    return re.sub("%s", lambda _m: f"${next(counter)}", sql)


class _DebugWrapper(CursorDebugWrapper):
    """Logs the statement as sent (with ``$n`` placeholders): psycopg keeps no query text for a
    prepared execution, so Django's usual ``last_executed_query`` would log ``None``."""

    def execute(self, sql: Any, params: Any = None) -> Any:
        with self.debug_sql(sql, params):
            return CursorWrapper.execute(self, sql, params)


def _cursor(conn: Any) -> Any:
    conn.close_if_health_check_failed()
    conn.ensure_connection()
    conn.validate_thread_sharing()
    with conn.wrap_database_errors:
        raw = _PreparingRawCursor(conn.connection)
    return _DebugWrapper(raw, conn) if conn.queries_logged else conn.make_cursor(raw)


def fetchone(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    """Run ``sql`` (written with ``%s`` placeholders) and return its first row, or ``None``.

    On PostgreSQL the statement is prepared on the connection (see the module's text); the
    parameters must already be database values (``get_db_prep_save`` and the like)."""
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.vendor != "postgresql":
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    with _cursor(conn) as cursor:
        cursor.execute(server_placeholders(sql), params)
        return cursor.fetchone()
