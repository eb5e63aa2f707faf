"""The activity log's protection in the database itself (see docs/operations.md).

SQLite: triggers refuse UPDATE (migration 0002) and DELETE (migration 0005) on
``core_activitylog``. The DELETE trigger asks the SQL function ``luoshi_activitylog_purge()``,
which this module registers on every connection Luoshi opens and which answers 1 only while
``luoshi flush`` (Django's "empty every table", also what the test runner uses between browser
tests) runs. Any other program (the ``sqlite3`` shell, a script) does not have the function, so
its DELETE fails as well.

PostgreSQL: a trigger refuses UPDATE and DELETE, and the application connects as a role that
does not own the table (``LUOSHI_DB_APP_ROLE``; :func:`grant_statements`): only an owner may
disable a trigger, and the role has neither TRUNCATE nor TRIGGER on the log.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

PURGE_FUNCTION = "luoshi_activitylog_purge"
_state = threading.local()


@contextlib.contextmanager
def purge_allowed() -> Iterator[None]:
    """Let this thread's SQLite connections delete activity log rows (``luoshi flush`` only)."""
    previous = getattr(_state, "purge", False)
    _state.purge = True
    try:
        yield
    finally:
        _state.purge = previous


def _purge_flag() -> int:
    return 1 if getattr(_state, "purge", False) else 0


def register_functions(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created`` receiver: give SQLite connections the purge function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(PURGE_FUNCTION, 0, _purge_flag)


def grant_statements(app_role: str, schema: str = "public") -> list[str]:
    """What the owner grants the application's role on PostgreSQL: everything it needs on every
    table, except UPDATE, DELETE, TRUNCATE and TRIGGER on the activity log (and no ownership, so
    no ALTER TABLE … DISABLE TRIGGER). Default privileges cover tables later migrations create."""
    from django.db import connection

    role = connection.ops.quote_name(app_role)
    ns = connection.ops.quote_name(schema)
    return [
        f"GRANT USAGE ON SCHEMA {ns} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {ns} TO {role}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {ns} TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {ns} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {ns} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON {ns}.core_activitylog FROM {role}",
    ]


def apply_grants(app_role: str) -> list[str]:
    """Run :func:`grant_statements` (PostgreSQL, as the owner of the tables); returns what ran."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (schema,) = cursor.fetchone()
        statements = grant_statements(app_role, schema)
        for statement in statements:
            cursor.execute(statement)
    return statements


def activity_log_is_protected() -> bool | None:
    """Whether the connected role cannot switch the activity log's trigger off (PostgreSQL):
    it neither owns the table nor is a superuser. ``None`` on other databases."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_has_role(current_user, c.relowner, 'USAGE'), r.rolsuper "
            "FROM pg_class c JOIN pg_roles r ON r.rolname = current_user "
            "WHERE c.oid = to_regclass('core_activitylog')"
        )
        row = cursor.fetchone()
    if row is None:
        return None
    owns, superuser = row
    return not (owns or superuser)
