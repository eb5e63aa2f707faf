"""What the request benchmarks share: the Django set-up, the reset of the bench database, the
timing of one request case and the table it ends up in.

A case is warmed up three times, its SQL queries are counted on one more request (the timed
ones run without the debug cursor wrapper that counting needs), then it is timed ``runs``
times: wall-clock median and 95th percentile, the median CPU time of this process per
request (Django, templates, JSON, the database driver; on SQLite also the database work, on
PostgreSQL not the server's own CPU) and the 1-minute load average when the case finished.
The machine is shared: the CPU column and ratios measured in the same run are what to compare.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HEADER = "| user | request | median ms | p95 ms | CPU ms | SQL queries | load |\n|---|---|---:|---:|---:|---:|---:|"


def setup_django(sqlite_name: str) -> None:
    """Django with the bench settings; without ``DATABASE_URL``, SQLite in ``var/bench/<sqlite_name>``."""
    if not os.environ.get("DATABASE_URL"):
        bench_dir = ROOT / "var" / "bench"
        bench_dir.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{bench_dir / sqlite_name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.config.settings")
    os.environ.setdefault("LUOSHI_TESTING", "1")  # fast password hashing, finder-served static files
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]


def has_rows(model: Any) -> bool:
    """Whether ``model`` has rows (false when its table is not there yet)."""
    from django.db.utils import DatabaseError

    try:
        return bool(model.objects.exists())
    except DatabaseError:
        return False


def reset_database() -> None:
    """Delete the SQLite file, or drop and recreate PostgreSQL's public schema."""
    from django.db import connection

    if connection.vendor == "sqlite":
        name = Path(str(connection.settings_dict["NAME"]))
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")


PG_SETTINGS = ("server_version", "random_page_cost", "shared_buffers", "work_mem", "jit")


def server_settings(names: Iterable[str] = PG_SETTINGS) -> str:
    from django.db import connection

    if connection.vendor != "postgresql":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    values = []
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"SHOW {name}")
            values.append(f"{name}={cursor.fetchone()[0]}")
    return "PostgreSQL " + ", ".join(values)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


@dataclass
class Result:
    user: str
    label: str
    median_ms: float
    p95_ms: float
    cpu_ms: float
    queries: int
    load: float

    def row(self) -> str:
        return (
            f"| {self.user} | {self.label} | {self.median_ms:.1f} | {self.p95_ms:.1f} | {self.cpu_ms:.1f} "
            f"| {self.queries} | {self.load:.2f} |"
        )


def time_get(client: Any, url: str, runs: int, *, user: str, label: str) -> Result:
    """Time ``runs`` GETs of ``url`` (each must answer 200) after three warm-up requests and one counted."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _i in range(3):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    queries = len(ctx.captured_queries)
    times, cpu = [], []
    for _i in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return Result(user, label, statistics.median(times), p95, statistics.median(cpu), queries, os.getloadavg()[0])
