"""``luoshi backup`` and ``luoshi restore``: a round trip gives back every table; the log stays append-only."""

from __future__ import annotations

import sqlite3

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from luoshi.core import audit
from luoshi.core.backup import table_contents
from luoshi.core.models import ActivityLog
from luoshi.org.models import Unit
from luoshi.org.tests.factories import UnitFactory, UserFactory


def _refuses(sql: str, params: list[object]) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError:
        return True
    return False


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_table_as_it_was_and_the_log_stays_append_only(tmp_path):
    user = UserFactory(username="beifen", full_name="备份员")
    unit = UnitFactory(name="备份前的名字")
    entry = audit.record(actor=user, obj=unit, verb="create")
    before = table_contents()
    assert before["core_activitylog"] and before["org_unit"]

    path = tmp_path / "luoshi.backup"
    call_command("backup", str(path))
    assert path.stat().st_size > 0

    # Afterwards: a unit renamed, another unit and another log entry added.
    Unit.objects.filter(pk=unit.pk).update(name="备份后的名字")
    audit.record(actor=user, obj=UnitFactory(name="备份后新建"), verb="create")
    assert table_contents() != before

    with pytest.raises(CommandError):
        call_command("restore", str(path))  # asks for --yes: it replaces the whole database
    call_command("restore", str(path), "--yes")
    assert table_contents() == before
    assert Unit.objects.get(pk=unit.pk).name == "备份前的名字"

    # The restored activity log still refuses changes in the database itself.
    assert _refuses("UPDATE core_activitylog SET comment = 'tampered' WHERE id = %s", [entry.pk])
    assert _refuses("DELETE FROM core_activitylog WHERE id = %s", [entry.pk])
    assert ActivityLog.objects.filter(pk=entry.pk, comment="").exists()


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_file_that_is_not_a_luoshi_backup(tmp_path):
    UnitFactory(name="留下")
    before = table_contents()
    missing = tmp_path / "missing.backup"
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(missing), "--yes")
    if connection.vendor == "sqlite":
        other = tmp_path / "other.sqlite3"
        db = sqlite3.connect(other)
        db.execute("CREATE TABLE notes (id integer)")
        db.commit()
        db.close()
        with pytest.raises(CommandError, match="not a Luoshi database"):
            call_command("restore", str(other), "--yes")
        garbage = tmp_path / "garbage.sqlite3"
        garbage.write_bytes(b"this is not a database" * 100)
        with pytest.raises(CommandError, match="not an SQLite database"):
            call_command("restore", str(garbage), "--yes")
    assert table_contents() == before


@pytest.mark.django_db
def test_the_database_refuses_to_delete_activity_log_rows():
    entry = audit.record(actor=None, obj=UnitFactory(), verb="create")
    assert _refuses("DELETE FROM core_activitylog WHERE id = %s", [entry.pk])
    assert _refuses("DELETE FROM core_activitylog", [])
    assert ActivityLog.objects.filter(pk=entry.pk).exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite trigger asks a function only Luoshi registers")
@pytest.mark.django_db(transaction=True)
def test_another_sqlite_program_cannot_delete_activity_log_rows_either(tmp_path):
    from luoshi.core.backup import backup

    audit.record(actor=None, obj=UnitFactory(), verb="create")
    path = backup(tmp_path / "copy.sqlite3")
    shell = sqlite3.connect(path)  # as the sqlite3 shell or a script would open the file
    try:
        with pytest.raises(sqlite3.DatabaseError):
            shell.execute("DELETE FROM core_activitylog")
        with pytest.raises(sqlite3.DatabaseError):
            shell.execute("UPDATE core_activitylog SET comment = 'x'")
        assert shell.execute("SELECT count(*) FROM core_activitylog").fetchone()[0] >= 1
    finally:
        shell.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="roles and grants are PostgreSQL's")
@pytest.mark.django_db
def test_the_application_role_cannot_change_or_unprotect_the_activity_log():
    from luoshi.core.dbguard import apply_grants

    entry = audit.record(actor=None, obj=UnitFactory(), verb="create")
    role = f"{connection.settings_dict['NAME']}_app"[:60]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')  # rolled back with the test's transaction
    apply_grants(role)
    with connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{role}"')
    # What the application does works ...
    audit.record(actor=None, obj=UnitFactory(name="应用角色新建"), verb="create")
    assert Unit.objects.filter(name="应用角色新建").update(name="应用角色改名") == 1
    # ... but the log cannot be changed, emptied or unprotected.
    for sql, params in (
        ("UPDATE core_activitylog SET comment = 'x' WHERE id = %s", [entry.pk]),
        ("DELETE FROM core_activitylog WHERE id = %s", [entry.pk]),
        ("TRUNCATE core_activitylog", []),
        ("ALTER TABLE core_activitylog DISABLE TRIGGER core_activitylog_no_change", []),
        ("DROP TRIGGER core_activitylog_no_change ON core_activitylog", []),
    ):
        assert _refuses(sql, params), sql
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    assert ActivityLog.objects.filter(pk=entry.pk, comment="").exists()
