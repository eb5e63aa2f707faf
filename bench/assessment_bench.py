"""Benchmark: computing, freezing and reading an assessment run at city scale.

1,300 units (1 district, 30 townships, 1,269 communities, departments and task forces), a
scheme of 30 items scoring every one of them from the registered unit metrics, and the task
volume of bench/tasks_bench.py (50,000 tasks, with reminders, returns and missed reports on
their timelines). When the cases app registers metrics, the scheme uses them too (on the cases
present in the database).

Run it alone on the machine (other jobs move the figures a lot):

    flock -x /tmp/luoshi-cpu.lock .venv/bin/python bench/assessment_bench.py

PostgreSQL (the database must exist; its public schema is dropped and rebuilt):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_assess_bench \\
        flock -x /tmp/luoshi-cpu.lock .venv/bin/python bench/assessment_bench.py

Options: --units N (default 1300), --tasks N (default 50000), --items N (default 30),
--runs N (timed page requests per case, default 20), --keep (reuse the generated data).

It prints: the seconds to compute one monthly run (the whole scheme, every unit), to
recompute it, to freeze it (the snapshot with the first 20 records behind every item score),
the queries each took, and the median and 95th percentile of the run table, a unit's
breakdown and one item's records, with their query counts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PERIOD = "2026-05"


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        bench_dir = ROOT / "var" / "bench"
        bench_dir.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{bench_dir / 'assessment.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.config.settings")
    os.environ.setdefault("LUOSHI_TESTING", "1")
    import django

    django.setup()


def generate(n_units: int, n_tasks: int, seed: int = 20260601) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from luoshi.accounts.models import User
    from luoshi.org.models import Person, Role, RoleGrant, Unit, UnitKind
    from luoshi.tasks.models import EventKind, Status, Task, TaskEvent

    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    tz = dt.timezone(dt.timedelta(hours=8))
    with transaction.atomic():
        district = Unit.objects.create(name="基准市", kind=UnitKind.DISTRICT, code="BS", path="", depth=0)
        district.path = f"/{district.pk}/"
        district.save(update_fields=["path"])
        towns = []
        for i in range(30):
            t = Unit.objects.create(name=f"基准{i}镇", kind=UnitKind.TOWNSHIP, code=f"BS{i}", parent=district, depth=1)
            t.path = f"{district.path}{t.pk}/"
            t.save(update_fields=["path"])
            towns.append(t)
        leaves = []
        kinds = [UnitKind.COMMUNITY, UnitKind.VILLAGE, UnitKind.DEPARTMENT, UnitKind.TASK_FORCE]
        for n in range(n_units - 31):
            t = towns[n % 30]
            u = Unit(name=f"{t.name}单位{n}", kind=kinds[n % 4], code=f"BU{n}", parent=t, depth=2)
            leaves.append(u)
        Unit.objects.bulk_create(leaves, batch_size=1000)
        for u in Unit.objects.filter(depth=2).select_related("parent"):
            u.path = f"{u.parent.path}{u.pk}/"  # type: ignore[union-attr]
            leaves.append(u)
        Unit.objects.bulk_update([u for u in leaves if u.pk], ["path"], batch_size=1000)
        leaves = list(Unit.objects.filter(depth=2))
        leader = Person.objects.create(name="基准领导")
        sup = User.objects.create(username="bench_sup", full_name="市督查", is_superuser=False)
        RoleGrant.objects.create(user=sup, role=Role.SUPERVISOR, unit=district)
        statuses = [Status.ASSIGNED, Status.IN_PROGRESS, Status.IN_PROGRESS, Status.PENDING_REVIEW, Status.DONE,
                    Status.DONE, Status.DONE, Status.SUSPENDED]  # fmt: skip
        today = dt.date(2026, 6, 15)
        batch = []
        for n in range(n_tasks):
            status = rng.choice(statuses)
            start = today - dt.timedelta(days=rng.randint(0, 200))
            deadline = start + dt.timedelta(days=rng.randint(10, 120))
            done = status == Status.DONE
            closed = dt.datetime.combine(deadline + dt.timedelta(days=rng.randint(-10, 8)), dt.time(10), tz)
            batch.append(Task(
                number=f"BS2026-{n + 1:05d}", title=f"基准任务{n}", lead_unit=leaves[n % len(leaves)],
                responsible_leader=leader, start_date=start, deadline=deadline, status=status,
                closed_at=closed if done else None, closed_on_time=(closed.date() <= deadline) if done else None,
                submitted_at=closed if done else None,
            ))  # fmt: skip
        Task.objects.bulk_create(batch, batch_size=2000)
        ids = list(Task.objects.values_list("id", flat=True))
        events = []
        for _ in range(n_tasks):
            kind, action = rng.choice([(EventKind.REMINDER, ""), (EventKind.REPORT_MISSED, ""),
                                       (EventKind.TRANSITION, "return")])  # fmt: skip
            at = dt.datetime(2026, 5, rng.randint(1, 31), rng.randint(0, 23), tzinfo=tz)
            events.append(TaskEvent(task_id=rng.choice(ids), kind=kind, action=action, created_at=at))
        TaskEvent.objects.bulk_create(events, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def build_scheme(n_items: int) -> object:
    from luoshi.accounts.models import User
    from luoshi.assessment import services
    from luoshi.assessment.models import Result, Run, Scheme
    from luoshi.core import metrics
    from luoshi.core.metrics import Direction, SubjectKind
    from luoshi.org.models import Unit, UnitKind

    Result.objects.all().delete()  # a kept database: start the scheme and its runs afresh
    Run.objects.all().delete()
    Scheme.objects.all().delete()
    sup = User.objects.get(username="bench_sup")
    district = Unit.objects.get(code="BS")
    scheme = services.scheme_create(
        actor=sup, owner=district, name="基准考核", subject_type="unit",
        unit_kinds=[UnitKind.TOWNSHIP, UnitKind.COMMUNITY, UnitKind.VILLAGE, UnitKind.DEPARTMENT,
                    UnitKind.TASK_FORCE], effective_from=dt.date(2026, 1, 1),
    )  # fmt: skip
    version = scheme.versions.get()
    usable = [m for m in metrics.all_metrics(SubjectKind.UNIT) if m.param is None]
    sections = [services.section_save(actor=sup, version=version, name=f"大项{i}") for i in range(5)]
    for n in range(n_items):
        metric = usable[n % len(usable)]
        if str(metric.unit) == "%":
            rule = {"kind": "linear", "worst": "60", "best": "100"} if metric.direction == Direction.HIGHER else {
                "kind": "linear", "worst": "20", "best": "0"}  # fmt: skip
        elif metric.direction == Direction.LOWER:
            rule = {"kind": "per_event", "each": "0.5", "cap": "3"}
        else:
            rule = {"kind": "rank", "table": [str(3 - i * 0.1) for i in range(20)], "rest": "0"}
        services.item_save(actor=sup, section=sections[n % 5], name=f"小项{n} {metric.key}", kind="auto",
                           points="3", metric_key=metric.key, rule=rule)  # fmt: skip
    services.version_publish(actor=sup, version=version)
    print(f"scheme: {n_items} items over {len(usable)} metrics: {', '.join(m.key for m in usable)}")
    return scheme


def timed(label: str, func: object) -> object:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        out = func()  # type: ignore[operator]
        seconds = time.perf_counter() - started
    print(f"| {label} | {seconds:.2f} s | {len(queries)} |")
    return out


def pages(runs: int, run_id: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from luoshi.accounts.models import User
    from luoshi.assessment.models import Item, Result

    client = Client()
    client.force_login(User.objects.get(username="bench_sup"))
    town = Result.objects.filter(run_id=run_id, is_current=True, name="基准3镇").first()
    assert town is not None
    item = Item.objects.filter(section__scheme_version__runs=run_id, metric_key="tasks.overdue_open").first()
    section = Item.objects.filter(section__scheme_version__runs=run_id).first()
    cases = [
        ("run table, page 1 by rank", f"/assessment/runs/{run_id}/"),
        ("run table, page 5 by a section", f"/assessment/runs/{run_id}/?sort=s{section.section_id}&page=5"),  # type: ignore[union-attr]
        ("a township's breakdown", f"/assessment/runs/{run_id}/s/{town.subject_id}/"),
        ("one item's records", f"/assessment/runs/{run_id}/s/{town.subject_id}/items/{item.pk if item else 0}/"),
        ("API: run table, 100 rows", f"/api/v1/assessment/runs/{run_id}/results?page_size=100"),
        ("API: a township's breakdown", f"/api/v1/assessment/runs/{run_id}/results/{town.subject_id}"),
    ]
    print("\n| request | median | p95 | queries |\n|---|---|---|---|")
    for label, url in cases:
        client.get(url)
        times = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as q:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"| {label} | {statistics.median(times):.0f} ms | {p95:.0f} ms | {len(q)} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1300)
    parser.add_argument("--tasks", type=int, default=50000)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    setup_django()
    from unittest import mock

    from django.db import connection

    from luoshi.assessment import services
    from luoshi.assessment.workflow import Action
    from luoshi.org.models import Unit

    if not args.keep or not _has_data():
        _reset()
        started = time.perf_counter()
        generate(args.units, args.tasks)
        print(f"generated in {time.perf_counter() - started:.0f} s")
    with mock.patch("luoshi.core.timeutil.today", return_value=dt.date(2026, 6, 15)):
        scheme = build_scheme(args.items)
        from luoshi.accounts.models import User

        sup = User.objects.get(username="bench_sup")
        print(f"\n{connection.vendor}: {Unit.objects.count()} units, load average {os.getloadavg()[0]:.1f}")
        print("\n| step | time | queries |\n|---|---|---|")
        run = timed("compute a monthly run", lambda: services.run_compute(actor=sup, scheme=scheme, period_key=PERIOD))
        run = timed("recompute it", lambda: services.run_transition(actor=sup, run=run, action=Action.RECOMPUTE))
        run = timed("freeze it (snapshot, 20 records per item score)",
                    lambda: services.run_transition(actor=sup, run=run, action=Action.FREEZE))  # fmt: skip
        print(f"subjects: {run.subject_count}")  # type: ignore[attr-defined]
        pages(args.runs, run.pk)  # type: ignore[attr-defined]
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


def _has_data() -> bool:
    from django.db.utils import DatabaseError

    from luoshi.org.models import Unit

    try:
        return Unit.objects.filter(code="BS").exists()
    except DatabaseError:
        return False


def _reset() -> None:
    from django.db import connection

    if connection.vendor == "sqlite":
        name = Path(str(connection.settings_dict["NAME"]))
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")


if __name__ == "__main__":
    main()
