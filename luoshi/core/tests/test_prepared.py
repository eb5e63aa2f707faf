"""Hot statements prepared once per connection on PostgreSQL (luoshi.core.prepared)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.core import prepared

pytestmark = pytest.mark.django_db


def test_fetchone_gives_the_first_row_or_none():
    assert prepared.fetchone("SELECT %s + %s", [40, 2]) == (42,)
    assert prepared.fetchone("SELECT 1 WHERE 1 = %s", [2]) is None


def test_errors_are_djangos():
    from django.db import DatabaseError

    with pytest.raises(DatabaseError):
        prepared.fetchone("SELECT * FROM no_such_table WHERE id = %s", [1])


def test_server_placeholders_number_each_in_turn():
    assert prepared.server_placeholders("SELECT %s, %s FROM t WHERE a = %s") == "SELECT $1, $2 FROM t WHERE a = $3"
    assert prepared.server_placeholders("SELECT 1") == "SELECT 1"
    with pytest.raises(ValueError, match="escapes"):
        prepared.server_placeholders("SELECT '100%%' || %s")


def test_postgresql_prepares_the_statement_once_and_logs_it():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    sql = "SELECT %s::int * 2 AS doubled"
    with CaptureQueriesContext(connection) as queries:
        assert prepared.fetchone(sql, [3]) == (6,)
        assert prepared.fetchone(sql, [4]) == (8,)
    # Logged as sent (query-count tests and DEBUG see it), not as None.
    assert [q["sql"] for q in queries.captured_queries] == ["SELECT $1::int * 2 AS doubled"] * 2
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement = %s",
            [prepared.server_placeholders(sql)],
        )
        assert cursor.fetchone() == (1,)


def test_without_a_prepare_threshold_the_statement_runs_unprepared():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    connection.ensure_connection()
    raw = connection.connection
    saved = raw.prepare_threshold
    raw.prepare_threshold = None
    try:
        sql = "SELECT %s::int + 100 AS unprepared"
        assert prepared.fetchone(sql, [1]) == (101,)
        assert prepared.fetchone(sql, [2]) == (102,)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%unprepared%"])
            assert cursor.fetchone() == (0,)
    finally:
        raw.prepare_threshold = saved
