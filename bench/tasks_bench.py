"""Benchmark: the supervisor overview and GET /api/v1/tasks over 50,000 tasks in 200 units.

Run it alone on the machine (other jobs move the medians a lot):

    flock -x /tmp/luoshi-cpu.lock .venv/bin/python bench/tasks_bench.py --runs 40

PostgreSQL (the database must exist; its public schema is dropped and rebuilt):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_tasks_bench \
        flock -x /tmp/luoshi-cpu.lock .venv/bin/python bench/tasks_bench.py --runs 40

Options: --tasks N (default 50000), --units N (default 200), --runs N (timed requests per
case, default 30), --keep (reuse the generated data if it is already there), --only TEXT
(only the requests whose label contains TEXT), --pg-set NAME=VALUE (a PostgreSQL setting
for the bench connection, e.g. random_page_cost=1.1; the default is the server's own).

It prints a Markdown table per user (a district-wide supervisor who sees every task, a
subdistrict supervisor who sees a tenth): wall-clock median and 95th percentile per
request, the median CPU time of this process per request (Django, templates, JSON and
the database driver; the database server's own CPU is not in it), the number of SQL
queries, and the 1-minute load average when the case finished. Pages are fetched with a
logged-in browser session, the API with a bearer token as API clients do (one row
repeats the API with the session for comparison).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import timing  # noqa: E402


def setup_django() -> None:
    timing.setup_django("tasks.sqlite3")


def generate(n_tasks: int, n_units: int, seed: int = 20260501) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from luoshi.accounts.models import User
    from luoshi.org.models import Person, Position, Role, RoleGrant, Unit, UnitKind
    from luoshi.tasks.models import Cadence, Goal, Priority, Source, Status, Task

    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    with transaction.atomic():
        district = Unit.objects.create(name="基准区", kind=UnitKind.DISTRICT, code="BZ", path="", depth=0)
        district.path = f"/{district.pk}/"
        district.save(update_fields=["path"])
        townships: list[Unit] = []
        for i in range(10):
            t = Unit.objects.create(
                name=f"基准{i}街道", kind=UnitKind.SUBDISTRICT, code=f"BZT{i}", parent=district, depth=1
            )
            t.path = f"{district.path}{t.pk}/"
            t.save(update_fields=["path"])
            townships.append(t)
        leaves: list[Unit] = []
        per, rest = divmod(max(10, n_units - 11), 10)
        for i, t in enumerate(townships):
            for j in range(per + (1 if i < rest else 0)):
                kind = UnitKind.TASK_FORCE if j < 2 else (UnitKind.DEPARTMENT if j % 2 else UnitKind.COMMUNITY)
                u = Unit.objects.create(name=f"{t.name}单位{j}", kind=kind, code=f"{t.code}U{j}", parent=t, depth=2)
                u.path = f"{t.path}{u.pk}/"
                u.save(update_fields=["path"])
                leaves.append(u)
        people = []
        for t in townships:
            for k in range(5):
                p = Person.objects.create(name=f"{t.name}领导{k}")
                Position.objects.create(person=p, unit=t, title="副主任", is_leader=True)
                people.append((t, p))
        district_sup = User.objects.create(username="bench_district", full_name="区督查")
        RoleGrant.objects.create(user=district_sup, role=Role.SUPERVISOR, unit=district)
        town_sup = User.objects.create(username="bench_town", full_name="街道督查")
        RoleGrant.objects.create(user=town_sup, role=Role.SUPERVISOR, unit=townships[0])
        goals = [Goal.objects.create(year=2026, title=f"目标{i}", owner_unit=townships[i % 10]) for i in range(20)]
        today = dt.date(2026, 6, 15)
        statuses = [Status.DRAFT, Status.ASSIGNED, Status.IN_PROGRESS, Status.IN_PROGRESS, Status.IN_PROGRESS,
                    Status.PENDING_REVIEW, Status.DONE, Status.DONE, Status.SUSPENDED, Status.CANCELLED]  # fmt: skip
        leaders_by_town: dict[int, list[Person]] = {}
        for t, p in people:
            leaders_by_town.setdefault(t.pk, []).append(p)
        batch: list[Task] = []
        co_rows: list[tuple[int, int]] = []
        forces: dict[int, list[Unit]] = {}
        for leaf in leaves:
            if leaf.kind == UnitKind.TASK_FORCE:
                forces.setdefault(leaf.parent_id, []).append(leaf)  # type: ignore[arg-type]
        for n in range(n_tasks):
            unit = leaves[n % len(leaves)]
            town_id = unit.parent_id
            status = rng.choice(statuses)
            start = today - dt.timedelta(days=rng.randint(0, 200))
            deadline = start + dt.timedelta(days=rng.randint(10, 300))
            is_open = status in {Status.ASSIGNED, Status.IN_PROGRESS, Status.PENDING_REVIEW}
            light = rng.choice(["green", "green", "green", "yellow", "red"]) if is_open else ""
            batch.append(
                Task(
                    number=f"DB2026-{n + 1:05d}", title=f"基准任务{n}", lead_unit=unit,
                    responsible_leader=rng.choice(leaders_by_town[town_id]), goal=goals[n % len(goals)],
                    source=rng.choice(Source.values), priority=rng.choice(Priority.values),
                    report_cadence=Cadence.WEEKLY, start_date=start, deadline=deadline, status=status, light=light,
                    is_overdue=is_open and deadline < today, progress=rng.randint(0, 100),
                    closed_on_time=(deadline >= today) if status == Status.DONE else None,
                    task_force=rng.choice(forces[town_id]) if n % 20 == 0 and forces.get(town_id) else None,
                )
            )  # fmt: skip
            if n % 5 == 0:
                co_rows.append((n, leaves[(n + 7) % len(leaves)].pk))
            if len(batch) == 5000:
                _flush(batch, co_rows)
                batch, co_rows = [], []
        _flush(batch, co_rows)
    with connection.cursor() as cursor:
        # What autovacuum would have done by the time anyone looks: statistics, and on
        # PostgreSQL a visibility map so counts can be answered from the index.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


_offset = 0


def _flush(batch: list, co_rows: list[tuple[int, int]]) -> None:
    from luoshi.tasks.models import Task

    global _offset
    created = Task.objects.bulk_create(batch, batch_size=1000)
    through = Task.co_units.through
    base = _offset
    rows = [through(task_id=created[i - base].pk, unit_id=u) for i, u in co_rows]
    through.objects.bulk_create(rows, batch_size=2000)
    _offset += len(batch)


def measure(runs: int, only: str = "") -> list[timing.Result]:
    from django.test import Client

    from luoshi.accounts.models import User
    from luoshi.accounts.services import api_token_create
    from luoshi.org.models import Unit

    results = []
    town0 = Unit.objects.get(code="BZT0")
    # (label, url, auth): "session" is a logged-in browser, "token" an API client
    # sending its bearer token (no session to load or save).
    cases = [
        ("overview page, all open", "/tasks/overview/?status=open", "session"),
        ("overview page, red in one subdistrict", f"/tasks/overview/?status=open&light=red&unit={town0.pk}", "session"),
        ("overview page 20, all open", "/tasks/overview/?status=open&page=20", "session"),
        ("API page_size=10", "/api/v1/tasks?status=open&page_size=10", "token"),
        ("API page_size=50", "/api/v1/tasks?status=open&page_size=50", "token"),
        ("API page_size=200", "/api/v1/tasks?status=open&page_size=200", "token"),
        ("API overdue, page 20", "/api/v1/tasks?overdue=true&page=20&page_size=50", "token"),
        ("API page_size=50, browser session", "/api/v1/tasks?status=open&page_size=50", "session"),
    ]
    for username in ("bench_district", "bench_town"):
        user = User.objects.get(username=username)
        browser = Client()
        browser.force_login(user)
        _token, raw = api_token_create(user=user, name=f"bench {time.time():.0f}")
        api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        for label, url, auth in cases:
            if only and only not in label:
                continue
            client = browser if auth == "session" else api
            who = "district supervisor (all)" if username == "bench_district" else "subdistrict supervisor (1/10)"
            results.append(timing.time_get(client, url, runs, user=who, label=label))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=50_000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="reuse the generated data if it is there")
    parser.add_argument("--only", default="", help="only the requests whose label contains this")
    parser.add_argument(
        "--pg-set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a PostgreSQL setting for the bench connection, e.g. random_page_cost=1.1 (default: server settings)",
    )
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.db.backends.signals import connection_created

    from luoshi.tasks.models import Task

    if args.keep and timing.has_rows(Task):
        call_command("migrate", verbosity=0)
    else:
        timing.reset_database()
        started = time.perf_counter()
        generate(args.tasks, args.units)
        print(f"generated {Task.objects.count()} tasks in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    if args.pg_set:

        def apply(sender: object, connection: object, **kwargs: object) -> None:
            with connection.cursor() as cursor:  # type: ignore[attr-defined]
                for item in args.pg_set:
                    name, value = item.split("=", 1)
                    cursor.execute(f"SET {name} = %s", [value])

        connection_created.connect(apply)
        connection.close()
    from luoshi.org.models import Unit

    print(f"\n{connection.vendor}: {Task.objects.count()} tasks, {Unit.objects.count()} units, {args.runs} runs each")
    print(timing.server_settings((*timing.PG_SETTINGS, "effective_cache_size")))
    print(f"load average before: {timing.load()}\n")
    print(timing.HEADER)
    for result in measure(args.runs, args.only):
        print(result.row(), flush=True)
    print(f"\nload average after: {timing.load()}")


if __name__ == "__main__":
    main()
