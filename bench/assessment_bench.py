"""Benchmark: computing, freezing and reading an assessment run at city scale.

1,300 units (1 district, 30 townships, 1,269 communities, departments and task forces), a
scheme of 30 items scoring every one of them from the registered unit metrics, the task
volume of bench/tasks_bench.py (50,000 tasks, with reminders, returns and missed reports on
their timelines), a month of the cases bench's volume (1,000,000 cases a year: 85,000 cases
in May 2026 with their stages, ratings, referrals, reopenings, supervision cards and the
communities' daily reports) and two indicators' values and targets for every unit. The
scheme takes items from the tasks, cases (with a stage parameter) and indicators (with an
indicator parameter) metrics.

Run it alone on the machine (other jobs move the figures a lot):

    flock -x /tmp/luoshi-cpu.lock .venv/bin/python bench/assessment_bench.py

PostgreSQL (the database must exist; its public schema is dropped and rebuilt):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_assess_bench \\
        flock -x /tmp/luoshi-cpu.lock .venv/bin/python bench/assessment_bench.py

Options: --units N (default 1300), --tasks N (default 50000), --cases N (default 85000), --items N (default 30),
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


def generate(n_units: int, n_tasks: int, n_cases: int = 85_000, seed: int = 20260601) -> None:
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
        # (The first version of this bench appended the re-read leaves to the created ones and updated
        # both: the empty paths won, so only the 30 townships were scored. Each leaf gets its path once.)
        towns_by_pk = {t.pk: t for t in towns}
        leaves = list(Unit.objects.filter(depth=2).order_by("pk"))
        for u in leaves:
            u.path = f"{towns_by_pk[u.parent_id].path}{u.pk}/"  # type: ignore[index]
        Unit.objects.bulk_update(leaves, ["path"], batch_size=1000)
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
        generate_cases(rng, towns, leaves, sup, n_cases, tz)
        generate_indicators(rng, [district, *towns, *leaves])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def generate_cases(rng: random.Random, towns: list, leaves: list, user: object, n: int, tz: dt.tzinfo) -> None:
    """``n`` cases reported in May 2026 in the leaves of the townships, most of them handled by a
    department of the same township: accepted, dispatched, replied, closed and rated over the
    month, some late, some referred up or reopened; red and yellow supervision cards; the
    communities' and townships' daily reports on most working days."""
    from luoshi.cases.models import Case, CaseEvent, Category, DailyKind, DailyReport, SupervisionCard

    categories = list(Category.objects.filter(parent__isnull=False).values_list("pk", flat=True)) or list(
        Category.objects.values_list("pk", flat=True)
    )
    by_town: dict[int, list] = {}
    for u in leaves:
        by_town.setdefault(u.parent_id, []).append(u)
    hours = dt.timedelta(hours=1)
    rows = []
    for i in range(n):
        town = towns[i % len(towns)]
        place = by_town[town.pk][(i * 7) % len(by_town[town.pk])]
        handler = by_town[town.pk][(i * 13) % len(by_town[town.pk])]
        reported = dt.datetime(2026, 5, 1 + i % 31, 8 + i % 10, tzinfo=tz)
        accepted = reported + hours * (1 + i % 30)
        dispatched = accepted + hours
        replied = dispatched + hours * (6 + (i * 37) % 200) if i % 10 else None  # a tenth still with the handler
        closed = replied + hours * (4 + i % 60) if replied is not None and i % 7 else None
        rated = closed + hours * 3 if closed is not None and i % 3 == 0 else None
        rows.append(Case(
            tracking_no=f"BA-{i + 1:06d}", public_token=f"ba{i}", channel="hotline", category_id=categories[
                i % len(categories)], title=f"基准案件{i}", unit=place, township=town, owner_unit=town,
            handling_unit=handler, status="rated" if rated else ("closed" if closed else (
                "handled" if replied else "handling")), stage="" if closed else ("verify" if replied else "handle"),
            outcome="resolved" if closed else "", rating=("satisfied", "basic", "unsatisfied")[i % 3] if rated else "",
            reported_at=reported, accepted_at=accepted, dispatched_at=dispatched, replied_at=replied,
            closed_at=closed, rated_at=rated, updated_at=reported,
        ))  # fmt: skip
    Case.objects.bulk_create(rows, batch_size=2000)
    ids = list(Case.objects.order_by("pk").values_list("pk", "handling_unit_id", "closed_at"))
    events, cards = [], []
    for n_, (pk, handler_id, closed_at) in enumerate(ids):
        if n_ % 25 == 0:
            events.append(CaseEvent(case_id=pk, action="refer_up", created_at=dt.datetime(2026, 5, 20, tzinfo=tz)))
        if closed_at is not None and n_ % 30 == 1:
            events.append(CaseEvent(case_id=pk, action="reopen", created_at=closed_at - dt.timedelta(hours=1)))
        if n_ % 200 == 2:
            level, points = ("red", -10) if n_ % 600 == 2 else ("yellow", -3)
            cards.append(SupervisionCard(case_id=pk, level=level, unit_id=handler_id, points=points,
                                         issued_at=dt.datetime(2026, 5, 25, 9, tzinfo=tz)))  # fmt: skip
    CaseEvent.objects.bulk_create(events, batch_size=2000)
    SupervisionCard.objects.bulk_create(cards, batch_size=2000)
    reports = []
    days = [dt.date(2026, 5, d) for d in range(1, 32) if dt.date(2026, 5, d).weekday() < 5]
    for u in [*towns, *leaves]:
        kind = {"township": DailyKind.ASSESSMENT, "community": DailyKind.SCREENING, "village": DailyKind.SCREENING}
        if u.kind in kind:
            reports += [DailyReport(kind=kind[u.kind], unit=u, report_date=d, filed_by=user)
                        for j, d in enumerate(days) if (u.pk + j) % 6]  # fmt: skip
    DailyReport.objects.bulk_create(reports, batch_size=2000)
    print(f"cases: {len(rows)}, events {len(events)}, cards {len(cards)}, daily reports {len(reports)}")


#: The indicators the scheme scores (values and targets for every unit, May 2025 and 2026).
BENCH_INDICATORS = 2


def generate_indicators(rng: random.Random, units: list) -> None:
    from luoshi.indicators.models import Indicator, IndicatorValue, Target

    indicators = list(Indicator.objects.filter(is_active=True).order_by("pk")[:BENCH_INDICATORS])
    values, targets = [], []
    now = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    for ind in indicators:
        for u in units:
            base = rng.randint(100, 1000)
            values.append(IndicatorValue(unit=u, indicator=ind, year=2025, month=5, value=base))
            values.append(
                IndicatorValue(unit=u, indicator=ind, year=2026, month=5, value=base * rng.randint(80, 130) // 100)
            )
            targets.append(Target(unit=u, indicator=ind, year=2026, value=base * 3, updated_at=now))
    IndicatorValue.objects.bulk_create(values, batch_size=2000)
    Target.objects.bulk_create(targets, batch_size=2000)
    print(f"indicators: {[i.code for i in indicators]}, {len(values)} values")


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
    from luoshi.indicators.models import Indicator

    codes = list(Indicator.objects.filter(is_active=True).order_by("pk").values_list("code", flat=True)[
        :BENCH_INDICATORS])  # fmt: skip
    # Every unit metric of tasks and cases (the case stage "handle" for the on-time rate) and of the
    # indicators (each bench indicator), then the others without a parameter, until 30 items.
    wanted: list[tuple[object, str]] = []
    for m in metrics.all_metrics(SubjectKind.UNIT):
        if m.app in ("tasks", "cases"):
            wanted.append((m, "handle" if m.param is not None else ""))
        elif m.app == "indicators":
            wanted += [(m, code) for code in codes]
    wanted += [(m, "") for m in metrics.all_metrics(SubjectKind.UNIT) if m.param is None and m.app not in (
        "tasks", "cases")]  # fmt: skip
    usable = [m for m, _p in wanted]
    sections = [services.section_save(actor=sup, version=version, name=f"大项{i}") for i in range(5)]
    for n in range(n_items):
        metric, param = wanted[n % len(wanted)]
        if str(metric.unit) == "%":
            rule = {"kind": "linear", "worst": "60", "best": "100"} if metric.direction == Direction.HIGHER else {
                "kind": "linear", "worst": "20", "best": "0"}  # fmt: skip
        elif metric.direction == Direction.LOWER:
            rule = {"kind": "per_event", "each": "0.5", "cap": "3"}
        else:
            rule = {"kind": "rank", "table": [str(3 - i * 0.1) for i in range(20)], "rest": "0"}
        services.item_save(actor=sup, section=sections[n % 5], name=f"小项{n} {metric.key}"[:100], kind="auto",
                           points="3", metric_key=metric.key, metric_param=param, rule=rule)  # fmt: skip
    services.version_publish(actor=sup, version=version)
    print(f"scheme: {n_items} items over {len(usable)} metrics: "
          f"{', '.join(f'{m.key}({p})' if p else m.key for m, p in wanted[:n_items])}")  # fmt: skip
    return scheme


def _backend_cpu() -> float:
    """CPU seconds (user + system) used so far by this process and, on PostgreSQL, by its server backend
    (same machine: read from /proc). Unlike the wall clock, this barely moves with what else the shared
    machine is running."""
    from django.db import connection

    used = time.process_time()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            used += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            pass
    return used


def timed(label: str, func: object) -> object:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        cpu = _backend_cpu()
        started = time.perf_counter()
        out = func()  # type: ignore[operator]
        seconds = time.perf_counter() - started
        cpu = _backend_cpu() - cpu
    print(f"| {label} | {seconds:.2f} s | {cpu:.2f} s | {len(queries)} |")
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
    print("\n| request | median | p95 | CPU median | queries |\n|---|---|---|---|---|")
    for label, url in cases:
        client.get(url)
        times, cpus = [], []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as q:
                cpu = _backend_cpu()
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                cpus.append((_backend_cpu() - cpu) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        median, cpu_median = statistics.median(times), statistics.median(cpus)
        print(f"| {label} | {median:.0f} ms | {p95:.0f} ms | {cpu_median:.0f} ms | {len(q)} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1300)
    parser.add_argument("--tasks", type=int, default=50000)
    parser.add_argument("--cases", type=int, default=85000)
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
        generate(args.units, args.tasks, args.cases)
        print(f"generated in {time.perf_counter() - started:.0f} s")
    with mock.patch("luoshi.core.timeutil.today", return_value=dt.date(2026, 6, 15)):
        scheme = build_scheme(args.items)
        from luoshi.accounts.models import User

        sup = User.objects.get(username="bench_sup")
        print(f"\n{connection.vendor}: {Unit.objects.count()} units, load average {os.getloadavg()[0]:.1f}")
        print("\n| step | wall clock | CPU (this process + its database backend) | queries |\n|---|---|---|---|")
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
