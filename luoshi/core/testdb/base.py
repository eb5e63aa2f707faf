"""PostgreSQL for the test suite: Django's backend, but emptying the tables between tests with DELETE.

A test that needs committed data (the browser tests' live server, the concurrency tests) empties every
table afterwards. Django does that with one ``TRUNCATE`` of all the tables, which on PostgreSQL makes
new files for each of the ~100 tables and their indexes: 0.2–3 s a time on the CI machine, for tables
that hold a few rows. ``DELETE`` of every table, with the foreign keys checked at commit (Django
makes them ``DEFERRABLE INITIALLY DEFERRED``), empties the same tables in a few milliseconds.

Tables with triggers of our own (the append-only activity log refuses DELETE) are still truncated,
which their triggers allow. A flush that resets sequences or may cascade into tables outside the
list (``available_apps``) is left to Django's ``TRUNCATE``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(
        self, style: Any, tables: Sequence[str], *, reset_sequences: bool = False, allow_cascade: bool = False
    ) -> list[str]:
        if not tables or reset_sequences or allow_cascade:
            return super().sql_flush(style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        guarded = self._tables_with_own_triggers(tables)
        delete = f"{style.SQL_KEYWORD('DELETE')} {style.SQL_KEYWORD('FROM')}"
        sql = ["SET CONSTRAINTS ALL DEFERRED;"]
        sql += [f"{delete} {style.SQL_FIELD(self.quote_name(t))};" for t in tables if t not in guarded]
        if guarded:
            names = ", ".join(style.SQL_FIELD(self.quote_name(t)) for t in tables if t in guarded)
            sql.append(f"{style.SQL_KEYWORD('TRUNCATE')} {names} {style.SQL_KEYWORD('CASCADE')};")
        return sql

    def _tables_with_own_triggers(self, tables: Sequence[str]) -> set[str]:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND c.relname = ANY(%s)",
                [list(tables)],
            )
            return {row[0] for row in cursor.fetchall()}


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
