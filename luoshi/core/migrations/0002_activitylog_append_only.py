"""Make the database itself refuse changes to activity log rows.

SQLite: updates are refused (deletes stay possible only so that the test
runner can empty tables between browser tests; the application has no delete
path). PostgreSQL: both updates and deletes are refused; TRUNCATE, used by
test teardown, is not a row operation and still works.
"""

from django.db import migrations

SQLITE_UP = """
CREATE TRIGGER core_activitylog_no_update
BEFORE UPDATE ON core_activitylog
BEGIN
    SELECT RAISE(ABORT, 'activity log rows are append-only');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS core_activitylog_no_update;"

PG_UP = """
CREATE OR REPLACE FUNCTION core_activitylog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'activity log rows are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_activitylog_no_change
BEFORE UPDATE OR DELETE ON core_activitylog
FOR EACH ROW EXECUTE FUNCTION core_activitylog_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS core_activitylog_no_change ON core_activitylog;
DROP FUNCTION IF EXISTS core_activitylog_append_only();
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)
    elif vendor == "postgresql":
        schema_editor.execute(PG_UP)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)
    elif vendor == "postgresql":
        schema_editor.execute(PG_DOWN)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
