"""Benchmark for the cockpit and the case statistics read from the daily aggregates, at city
scale: the cases bench's organisation, grids and cases (1 M by default, 3 M to show growth)
plus the tasks bench's volume of tasks (50,000) spread over the same units.

Usage:

    # 1. Data: one database per volume (SQLite files under var/bench/, or DATABASE_URL), then
    #    the first aggregate refresh (the worker's backfill of 400 days), timed.
    .venv/bin/python bench/cockpit_bench.py generate --cases 1000000 --db sqlite:///var/bench/cockpit-1m.sqlite3
    .venv/bin/python bench/cockpit_bench.py generate --cases 3000000 --db sqlite:///var/bench/cockpit-3m.sqlite3
    # 2. Timings, side by side: every round runs each database in turn (same load, same minute),
    #    in-process through Django's test client (middleware, templates, no HTTP server).
    flock -x /tmp/luoshi-cpu.lock .venv/bin/python bench/cockpit_bench.py measure \\
        --db sqlite:///var/bench/cockpit-1m.sqlite3 --db sqlite:///var/bench/cockpit-3m.sqlite3 --runs 10 --rounds 3

"stats … live" is the statistics page as it was before the aggregates (every case of the
period counted); "from aggregates" is the page now. Results go to stdout as Markdown;
bench/RESULTS-cockpit.md records them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(db: str) -> None:
    os.environ["DATABASE_URL"] = db
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.cases_settings")
    os.environ.setdefault("LUOSHI_VAR_DIR", str(ROOT / "var" / "bench"))


def generate(n_cases: int, n_tasks: int, db: str) -> None:
    _setup(db)
    if db.startswith("sqlite:///"):
        Path(db.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    from bench import cases_bench

    cases_bench.generate(n_cases)  # migrate, demo organisation and grids, the cases, ANALYZE
    t0 = time.perf_counter()
    _insert_tasks(n_tasks)
    print(f"{n_tasks} tasks inserted: {time.perf_counter() - t0:.1f} s")
    from luoshi.core import aggregates

    t0 = time.perf_counter()
    done = aggregates.refresh()
    print(f"first aggregate refresh (backfill): {time.perf_counter() - t0:.1f} s {done}")
    from luoshi.core.models import DailyFigure

    print(f"daily figures stored: {DailyFigure.objects.count():,}")
    t0 = time.perf_counter()
    aggregates.refresh()
    print(f"next refresh (what changed, yesterday, today): {time.perf_counter() - t0:.1f} s")


def _insert_tasks(n: int) -> None:
    """``n`` tasks over the demo organisation's departments and communities (lights as the tasks bench)."""
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from luoshi.org.models import Unit, UnitKind
    from luoshi.tasks.models import Goal, Status, Task

    rng = random.Random(20261205)
    units = list(
        Unit.objects.filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.COMMUNITY, UnitKind.SUBDISTRICT]).order_by("pk")
    )
    today = timezone.localdate()
    goals = [
        Goal.objects.create(year=today.year, title=f"基准目标{i}", owner_unit=units[i % len(units)]) for i in range(20)
    ]
    statuses = [Status.ASSIGNED, Status.IN_PROGRESS, Status.IN_PROGRESS, Status.IN_PROGRESS,
                Status.PENDING_REVIEW, Status.DONE, Status.DONE, Status.CANCELLED]  # fmt: skip
    batch = []
    for i in range(n):
        status = rng.choice(statuses)
        start = today - dt.timedelta(days=rng.randint(0, 200))
        deadline = start + dt.timedelta(days=rng.randint(10, 300))
        is_open = status in {Status.ASSIGNED, Status.IN_PROGRESS, Status.PENDING_REVIEW}
        batch.append(
            Task(
                number=f"CB{today.year}-{i + 1:06d}", title=f"基准任务{i}", lead_unit=units[i % len(units)],
                goal=goals[i % len(goals)], start_date=start, deadline=deadline, status=status,
                light=rng.choice(["green", "green", "green", "yellow", "red"]) if is_open else "",
                is_overdue=is_open and deadline < today, progress=rng.randint(0, 100),
            )
        )  # fmt: skip
        if len(batch) == 5000:
            Task.objects.bulk_create(batch)
            batch = []
    Task.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def probe(db: str, runs: int) -> dict[str, Any]:
    """Median and p95 (ms) of each target on ``db``, in this process."""
    _setup(db)
    import datetime as dt
    from unittest import mock

    import django

    django.setup()
    from django.test import Client
    from django.utils import timezone

    from luoshi.accounts.models import User
    from luoshi.cases.models import Case
    from luoshi.core import aggregates
    from luoshi.org.models import Unit

    cd = Unit.objects.get(code="CD")
    today = timezone.localdate()
    month_end = today.replace(day=1) - dt.timedelta(days=1)
    month_start = month_end.replace(day=1)
    period = f"start={month_start}&end={month_end}"
    targets = [
        ("supervisor", "stats", f"unit statistics, 城东, {month_start:%Y-%m}",
         f"/cases/stats/?township={cd.pk}&{period}"),
        ("supervisor", "stats", f"API statistics, 城东, {month_start:%Y-%m}",
         f"/api/v1/cases/stats?township_id={cd.pk}&{period}"),
        ("admin", "stats", f"statistics by township, district, {month_start:%Y-%m}",
         f"/cases/stats/?group=township&{period}"),
        ("supervisor", "stats", "unit statistics, 城东, this month to today", f"/cases/stats/?township={cd.pk}"),
        ("leader", "cockpit", "cockpit page, 城东 leader", "/cockpit/"),
        ("leader", "cockpit", "cockpit API, 城东 leader", "/api/v1/cockpit/"),
        ("leader", "cockpit", "big screen, 城东 leader", "/cockpit/screen/"),
        ("district", "cockpit", "cockpit page, district viewer", "/cockpit/"),
        ("district", "cockpit", "cockpit API, district viewer", "/api/v1/cockpit/"),
        ("admin", "cockpit", "cockpit page, district administrator", "/cockpit/"),
    ]  # fmt: skip
    clients = {}
    for username in {t[0] for t in targets}:
        c = Client(HTTP_HOST="127.0.0.1")
        c.force_login(User.objects.get(username=username))
        clients[username] = c

    def timed(client: Client, path: str) -> list[float]:
        out = []
        for i in range(runs + 2):
            t0 = time.perf_counter()
            r = client.get(path, secure=True)
            elapsed = (time.perf_counter() - t0) * 1000
            if r.status_code != 200:
                raise RuntimeError(f"{path}: HTTP {r.status_code}")
            if i >= 2:
                out.append(elapsed)
        return out

    results: dict[str, list[float]] = {}
    for user, kind, label, path in targets:
        if kind == "stats":
            with mock.patch.object(aggregates, "covered_from", return_value=None):
                results[f"{label} — live (before)"] = timed(clients[user], path)
            results[f"{label} — from aggregates"] = timed(clients[user], path)
        else:
            results[label] = timed(clients[user], path)
    return {"cases": Case.objects.count(), "vendor": _vendor(), "times": results}


def _vendor() -> str:
    from django.db import connection

    return "SQLite (WAL)" if connection.vendor == "sqlite" else "PostgreSQL"


def measure(dbs: list[str], runs: int, rounds: int) -> None:
    merged: dict[str, dict[str, list[float]]] = {db: {} for db in dbs}
    meta: dict[str, tuple[int, str]] = {}
    loads = []
    for _round in range(rounds):
        for db in dbs:
            loads.append(os.getloadavg()[0])
            out = subprocess.run(
                [sys.executable, __file__, "_probe", "--db", db, "--runs", str(runs)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            data = json.loads(out.strip().splitlines()[-1])
            meta[db] = (data["cases"], data["vendor"])
            for label, times in data["times"].items():
                merged[db].setdefault(label, []).extend(times)
    labels = list(merged[dbs[0]])
    head = " | ".join(f"{meta[db][1]}, {meta[db][0]:,} cases: p50 / p95 ms" for db in dbs)
    print(f"\n{rounds} rounds × {runs} timed requests per target and database, databases in turn each round; "
          f"load average {min(loads):.1f}–{max(loads):.1f} (2 cores shared by 8 engineers)\n")  # fmt: skip
    ratio = " | ratio p50 (last / first)" if len(dbs) > 1 else ""
    print(f"| target | {head}{ratio} |")
    print("|---|" + "---:|" * (len(dbs) + (1 if ratio else 0)))
    for label in labels:
        cells = []
        p50s = []
        for db in dbs:
            times = sorted(merged[db][label])
            p50 = statistics.median(times)
            p50s.append(p50)
            cells.append(f"{p50:.1f} / {times[max(0, int(len(times) * 0.95) - 1)]:.1f}")
        extra = f" | {p50s[-1] / p50s[0]:.2f}×" if ratio else ""
        print(f"| {label} | {' | '.join(cells)}{extra} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--cases", type=int, default=1_000_000)
    g.add_argument("--tasks", type=int, default=50_000)
    g.add_argument("--db", default=os.environ.get("DATABASE_URL", "sqlite:///var/bench/cockpit.sqlite3"))
    m = sub.add_parser("measure")
    m.add_argument("--db", action="append", required=True, help="a database URL (repeat to compare side by side)")
    m.add_argument("--runs", type=int, default=10)
    m.add_argument("--rounds", type=int, default=3)
    p = sub.add_parser("_probe")
    p.add_argument("--db", required=True)
    p.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    if args.command == "generate":
        generate(args.cases, args.tasks, _absolute(args.db))
    elif args.command == "measure":
        measure([_absolute(d) for d in args.db], args.runs, args.rounds)
    else:
        print(json.dumps(probe(args.db, args.runs)))
    return 0


def _absolute(db: str) -> str:
    """SQLite paths relative to the repository root."""
    if db.startswith("sqlite:///") and not db.startswith("sqlite:////"):
        return f"sqlite:///{ROOT / db.removeprefix('sqlite:///')}"
    return db


if __name__ == "__main__":
    raise SystemExit(main())
