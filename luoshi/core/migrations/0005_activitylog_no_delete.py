"""The activity log refuses DELETE on SQLite too; on PostgreSQL the application's role gets its grants.

SQLite: a BEFORE DELETE trigger, lifted only while ``luoshi flush`` runs (luoshi.core.dbguard).
PostgreSQL: UPDATE and DELETE are already refused by migration 0002's trigger; when
``LUOSHI_DB_APP_ROLE`` names the role the application connects as, it is granted what it needs
on every table except UPDATE, DELETE, TRUNCATE and TRIGGER on the log (``luoshi dbgrants``
applies the same grants later).
"""

from django.conf import settings
from django.db import migrations

SQLITE_UP = """
CREATE TRIGGER core_activitylog_no_delete
BEFORE DELETE ON core_activitylog
WHEN luoshi_activitylog_purge() = 0
BEGIN
    SELECT RAISE(ABORT, 'activity log rows are append-only');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS core_activitylog_no_delete;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)
    elif vendor == "postgresql" and getattr(settings, "LUOSHI_DB_APP_ROLE", ""):
        from luoshi.core.dbguard import apply_grants

        apply_grants(settings.LUOSHI_DB_APP_ROLE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_seed_holidays")]
    operations = [migrations.RunPython(forwards, backwards)]
