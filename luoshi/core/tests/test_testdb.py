"""The test suite's PostgreSQL backend empties tables with DELETE (luoshi/core/testdb/base.py), and the
rows the migrations made are put back after every flush (luoshi/core/testdb/seeds.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from luoshi.core.models import ActivityLog, CalendarDay
from luoshi.core.testdb import seeds
from luoshi.org.models import Unit

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the backend is PostgreSQL's")

pytestmark = pytest.mark.django_db


@postgresql_only
def test_a_plain_flush_deletes_every_table_with_the_keys_checked_at_commit() -> None:
    sql = connection.ops.sql_flush(no_style(), ["org_unit", "tasks_task"])
    assert sql == ["SET CONSTRAINTS ALL DEFERRED;", 'DELETE FROM "org_unit";', 'DELETE FROM "tasks_task";']


@postgresql_only
def test_the_append_only_activity_log_is_truncated_as_its_trigger_allows() -> None:
    sql = connection.ops.sql_flush(no_style(), ["core_activitylog", "org_unit"])
    assert sql == ["SET CONSTRAINTS ALL DEFERRED;", 'DELETE FROM "org_unit";', 'TRUNCATE "core_activitylog" CASCADE;']


@postgresql_only
def test_a_flush_that_resets_sequences_or_cascades_is_djangos_truncate() -> None:
    assert connection.ops.sql_flush(no_style(), ["org_unit"], reset_sequences=True) == [
        'TRUNCATE "org_unit" RESTART IDENTITY;'
    ]
    assert connection.ops.sql_flush(no_style(), ["org_unit"], allow_cascade=True) == ['TRUNCATE "org_unit" CASCADE;']


def test_nothing_to_flush_is_no_statement() -> None:
    assert connection.ops.sql_flush(no_style(), []) == []


@pytest.mark.django_db(transaction=True)
def test_flush_empties_tables_that_refer_to_each_other_and_puts_the_migrations_rows_back(
    tree: dict[str, Any],
) -> None:
    # A unit tree: children refer to their parent, people and positions to units; the changes are logged.
    unit = Unit.objects.filter(parent__isnull=False).first()
    ActivityLog.objects.create(
        verb="test.flush", content_type=ContentType.objects.get_for_model(Unit), object_id=str(unit.pk), object_repr="x"
    )
    holiday = CalendarDay.objects.get(date=dt.date(2026, 10, 1))
    CalendarDay.objects.filter(date=dt.date(2026, 10, 2)).delete()

    call_command("flush", interactive=False, verbosity=0)

    # Every table is empty but those the migrations fill, which hold again what the migrations made
    # (the holiday calendar, case categories, indicator catalogue, default awards), with their keys.
    seeded = seeds.seeded()
    assert {"core_calendarday", "cases_category", "indicators_indicator", "awards_awardtype"} <= set(seeded)
    with connection.cursor() as cursor:
        for table in connection.introspection.django_table_names(only_existing=True, include_views=False):
            if table in {"django_content_type", "auth_permission"}:
                continue  # made again by Django's own post_migrate handlers
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (Django's names)
            assert cursor.fetchone()[0] == seeded.get(table, 0), table
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 1)) == holiday
    assert not CalendarDay.objects.get(date=dt.date(2026, 10, 2)).is_working_day


@pytest.mark.django_db(transaction=True)
def test_new_rows_after_the_restore_get_keys_past_the_restored_ones() -> None:
    highest = CalendarDay.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert highest is not None  # the migrations seeded the calendar
    if connection.vendor == "postgresql":  # a sequence set back meanwhile, as a restored backup may leave it
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('core_calendarday', 'id'), 1, false)")
    call_command("flush", interactive=False, verbosity=0)
    added = CalendarDay.objects.create(date=dt.date(2031, 1, 1), name="测试")
    assert added.pk > highest


@pytest.mark.django_db(transaction=True)
def test_the_rows_go_back_only_into_emptied_tables() -> None:
    CalendarDay.objects.filter(date=dt.date(2026, 10, 1)).delete()
    count = CalendarDay.objects.count()
    seeds.restore(app_config=seeds._last_app(), using="default")
    assert CalendarDay.objects.count() == count  # a table with rows is left as it is
