"""Backup and restore of the database (``luoshi backup`` / ``luoshi restore``, docs/operations.md).

- SQLite: SQLite's online backup API copies the database page by page from the application's own
  connection. Writers that commit meanwhile make the copy restart the pages they touched, so the
  file is one consistent state of the database even while Luoshi serves (WAL mode).
- PostgreSQL: ``pg_dump -Fc`` (a consistent snapshot by MVCC) and ``pg_restore --clean``.

Uploaded files (``var/media/``) are files, not rows: copy that directory beside the backup.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from luoshi.core.errors import ValidationFailed

#: Tables every Luoshi database has; a file without them is not a Luoshi backup.
REQUIRED_TABLES = ("django_migrations", "core_activitylog", "accounts_user")


def vendor() -> str:
    return str(connection.vendor)


def default_path() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite3" if vendor() == "sqlite" else "pgdump"
    return Path(settings.VAR_DIR) / "backups" / f"luoshi-{stamp}.{suffix}"


def _pg_environment() -> tuple[list[str], dict[str, str]]:
    """libpq connection options for pg_dump / pg_restore from the Django settings (password by environment)."""
    db = connection.settings_dict
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise ValidationFailed(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return found


def backup(path: Path | None = None) -> Path:
    """Write a consistent copy of the database to ``path`` (default: var/backups/luoshi-<time>.*)."""
    if connection.in_atomic_block:
        raise ValidationFailed("A backup cannot be made inside a transaction (it would wait for itself).")
    target = Path(path) if path else default_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    if vendor() == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(partial)
        try:
            # All pages in one step (pages=-1, the default) inside one read transaction: in WAL mode that
            # is a snapshot of the last commit, and the server's writers are not held up meanwhile.
            connection.connection.backup(destination)
        finally:
            destination.close()
    elif vendor() == "postgresql":
        args, env = _pg_environment()
        subprocess.run(  # noqa: S603 - fixed program, arguments from the settings
            [_tool("pg_dump"), "--format=custom", "--file", str(partial), *args], check=True, env=env
        )
    else:
        raise ValidationFailed(f"Backups are not supported on {vendor()}.")
    partial.replace(target)
    target.chmod(0o600)
    return target


def check_sqlite_file(path: Path) -> None:
    """Refuse a file that is not an intact Luoshi SQLite database."""
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (status,) = source.execute("PRAGMA integrity_check").fetchone()
            tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            source.close()
    except sqlite3.DatabaseError as exc:
        raise ValidationFailed(f"{path} is not an SQLite database: {exc}") from exc
    if status != "ok":
        raise ValidationFailed(f"{path} is damaged: {status}")
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        raise ValidationFailed(f"{path} is not a Luoshi database (no {', '.join(missing)}).")


def restore(path: Path) -> None:
    """Replace the whole database with the backup at ``path``.

    SQLite: the backup API copies the file into the live database under its write lock, so
    connections of a running server see either the old or the restored database, never a mix.
    PostgreSQL: ``pg_restore --clean --if-exists --single-transaction`` drops and recreates every
    object of the dump (tables, the activity log's trigger and the grants) in one transaction.
    """
    source_path = Path(path)
    if not source_path.is_file():
        raise ValidationFailed(f"{source_path} does not exist.")
    if vendor() == "sqlite":
        check_sqlite_file(source_path)
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    elif vendor() == "postgresql":
        for conn in connections.all():
            conn.close()
        args, env = _pg_environment()
        subprocess.run(  # noqa: S603 - fixed program, arguments from the settings
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(source_path),
            ],
            check=True,
            env=env,
        )
    else:
        raise ValidationFailed(f"Restoring is not supported on {vendor()}.")


def table_contents() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted: what a round trip must give back unchanged."""
    result: dict[str, list[tuple[Any, ...]]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected name
            result[table] = sorted((tuple(map(repr, row)) for row in cursor.fetchall()), key=repr)
    return result
