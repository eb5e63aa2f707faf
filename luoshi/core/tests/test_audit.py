"""The activity log is append-only: in the ORM and in the database itself."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from luoshi.core import audit
from luoshi.core.models import ActivityLog, AppendOnlyError
from luoshi.org.models import Unit
from luoshi.org.tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_record_keeps_who_what_when_and_changes():
    user = UserFactory(full_name="记录员")
    unit = UnitFactory(name="旧名")
    before = audit.snapshot(unit, ["name", "kind", "parent"])
    unit.name = "新名"
    entry = audit.record(
        actor=user,
        obj=unit,
        verb="update",
        changes=audit.diff(before, audit.snapshot(unit, ["name", "kind", "parent"])),
    )
    assert entry.actor_name == "记录员"
    assert entry.changes == {"name": {"before": "旧名", "after": "新名"}}
    assert before["kind"] == str(Unit(kind="subdistrict").get_kind_display())
    rows = audit.entries_for(unit)
    assert rows[0].change_rows == [("名称", "旧名", "新名")]


def test_orm_refuses_updates_and_deletes():
    entry = audit.record(actor=None, obj=UnitFactory(), verb="create")
    entry.comment = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        ActivityLog.objects.filter(pk=entry.pk).update(comment="x")
    with pytest.raises(AppendOnlyError):
        ActivityLog.objects.filter(pk=entry.pk).delete()


def test_database_refuses_updates():
    entry = audit.record(actor=None, obj=UnitFactory(), verb="create")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_activitylog SET comment = 'tampered' WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.comment == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row deletes are refused on PostgreSQL")
def test_postgresql_refuses_deletes():
    entry = audit.record(actor=None, obj=UnitFactory(), verb="create")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_activitylog WHERE id = %s", [entry.pk])


def test_diff_lists_only_changed_fields():
    assert audit.diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": None}) == {"b": {"before": 2, "after": 3}}
    assert audit.diff({}, {"x": "y"}) == {"x": {"before": None, "after": "y"}}


def test_record_many_writes_one_row_per_entry_in_few_statements(django_assert_max_num_queries):
    user = UserFactory(full_name="批量员")
    units = [UnitFactory(name=f"单位{i}") for i in range(3)]
    entries = [audit.Entry(obj=u, verb="update", changes={"x": {"before": 1, "after": 2}}, comment="c") for u in units]
    with django_assert_max_num_queries(2):  # content type (maybe cached) and one INSERT
        written = audit.record_many(actor=user, entries=entries)
    assert len(written) == 3
    for unit in units:
        (row,) = ActivityLog.objects.for_object(unit)
        assert row.actor_name == "批量员"
        assert row.changes == {"x": {"before": 1, "after": 2}}
        assert row.comment == "c"
    assert audit.record_many(actor=None, entries=[]) == []


def test_record_many_rows_stay_append_only():
    (entry,) = audit.record_many(actor=None, entries=[audit.Entry(obj=UnitFactory(), verb="create")])
    assert entry.actor is None and entry.actor_name == ""
    with pytest.raises(AppendOnlyError):
        ActivityLog.objects.get(pk=entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_activitylog SET comment = 'tampered' WHERE id = %s", [entry.pk])
