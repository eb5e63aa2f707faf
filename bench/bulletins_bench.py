"""Benchmark: building a bulletin at city scale (issue 13: a weekly bulletin for a township in under
5 s, for the whole district in under 30 s).

The data: the demo organisation (20 townships, 428 units) with the existing benches' volumes —
1,000,000 cases over a year (bench/cases_bench.py's generator, with ratings), 50,000 tasks
(bench/tasks_bench.py's volume) with progress reports and approved extensions, 20,000 supervision
cards, 5,000 key projects with 12 months of investment and two milestones each (bench/projects_bench.py's
project count), and 60 indicators × every township, community and village × 24 months.

    flock -x /tmp/luoshi-cpu.lock .venv/bin/python bench/bulletins_bench.py --runs 3

PostgreSQL (the database must exist; its public schema is dropped and rebuilt):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_bulletins_bench \\
        flock -x /tmp/luoshi-cpu.lock .venv/bin/python bench/bulletins_bench.py --runs 3

Options: --cases N (default 1000000), --tasks N (default 50000), --runs N (builds per case),
--keep (reuse the generated data), --pdf (also time one LibreOffice rendering).

Each case builds a draft through the service (every section from the record as of the day, as the
page does), renders the .docx and the .xlsx annex; the figure is the wall-clock time of the three.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DIR = ROOT / "var" / "bench"


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{BENCH_DIR / 'bulletins.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.config.settings")
    os.environ["LUOSHI_BULLETIN_PDF"] = "0"
    import django

    django.setup()


def generate(n_cases: int, n_tasks: int, seed: int = 20261205) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from bench import cases_bench
    from luoshi.accounts.models import User
    from luoshi.cases import demo as cases_demo
    from luoshi.cases.models import Case, SupervisionCard
    from luoshi.indicators.models import Indicator, IndicatorValue
    from luoshi.org import demo as org_demo
    from luoshi.org.models import Unit, UnitKind
    from luoshi.projects.models import Investment, Milestone, Project
    from luoshi.tasks.models import ExtensionRequest, ProgressReport, Task

    if connection.vendor == "sqlite":
        path = Path(os.environ["DATABASE_URL"].removeprefix("sqlite:///"))
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    t0 = time.perf_counter()
    org_demo.load()
    cases_demo._grids(random.Random(1))
    cases_demo._routes()
    cases_bench._insert_cases(n_cases)
    Case.objects.filter(status="rated").update(rated_at=models_f("closed_at"))
    print(f"organisation, grids and {n_cases} cases: {time.perf_counter() - t0:.1f} s")
    now = timezone.now()
    today = timezone.localdate()
    leaves = list(
        Unit.objects.filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.COMMUNITY, UnitKind.VILLAGE, UnitKind.TASK_FORCE])
        .exclude(depth__lt=2)
        .order_by("pk")
    )
    admin = User.objects.get(username="admin")
    t0 = time.perf_counter()
    with transaction.atomic():
        batch = []
        for n in range(n_tasks):
            start = today - dt.timedelta(days=rng.randint(0, 200))
            deadline = start + dt.timedelta(days=rng.randint(10, 300))
            assigned = now - dt.timedelta(days=(today - start).days, seconds=rng.randint(0, 86000))
            closed = rng.random() < 0.4
            closed_at = assigned + dt.timedelta(days=rng.randint(1, 120)) if closed else None
            if closed_at is not None and closed_at > now:
                closed_at = None
            batch.append(
                Task(
                    number=f"JZ2026-{n + 1:05d}", title=f"基准任务{n}", lead_unit=leaves[n % len(leaves)],
                    start_date=start, deadline=deadline, status="done" if closed_at else "in_progress",
                    assigned_at=assigned, closed_at=closed_at,
                    closed_on_time=(closed_at.date() <= deadline) if closed_at else None,
                )
            )  # fmt: skip
        Task.objects.bulk_create(batch, batch_size=2000)
        tasks = list(Task.objects.values_list("pk", "assigned_at", "deadline"))
        ProgressReport.objects.bulk_create(
            [
                ProgressReport(task_id=pk, percent=rng.randint(0, 100), text="进展", reported_on=today,
                               reported_by=admin, created_at=at + dt.timedelta(days=rng.randint(1, 60)))
                for pk, at, _d in tasks
                for _ in range(2)
            ],
            batch_size=5000,
        )  # fmt: skip
        ExtensionRequest.objects.bulk_create(
            [
                ExtensionRequest(task_id=pk, requested_by=admin, old_deadline=d - dt.timedelta(days=20),
                                 requested_deadline=d, reason="延期", status="approved", new_deadline=d,
                                 decided_at=at + dt.timedelta(days=10))
                for pk, at, d in tasks[::10]
            ],
            batch_size=5000,
        )  # fmt: skip
        cases = list(Case.objects.order_by("pk").values_list("pk", flat=True)[:20000])
        SupervisionCard.objects.bulk_create(
            [
                SupervisionCard(case_id=c, level=rng.choice(["normal", "yellow", "red"]), unit=leaves[i % len(leaves)],
                                points=-rng.randint(1, 5), issued_at=now - dt.timedelta(days=rng.randint(0, 365)))
                for i, c in enumerate(cases)
            ],
            batch_size=5000,
        )  # fmt: skip
    print(f"{n_tasks} tasks, reports, extensions, 20000 cards: {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    with transaction.atomic():
        townships = list(Unit.objects.filter(kind__in=[UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT]).order_by("pk"))
        projects = [
            Project(code=f"JZXM-{n + 1:05d}", name=f"基准项目{n}", unit=townships[n % len(townships)],
                    stage="construction", total_investment=Decimal(100000), plan_year=today.year,
                    annual_plan=Decimal(rng.randint(500, 50000)), on_county_list=True)
            for n in range(5000)
        ]  # fmt: skip
        Project.objects.bulk_create(projects, batch_size=1000)
        first = today.replace(day=1)
        months = [(first - dt.timedelta(days=31 * k)).replace(day=1) for k in range(12)]
        Investment.objects.bulk_create(
            [Investment(project=p, month=m, amount=Decimal(rng.randint(10, 3000))) for p in projects for m in months],
            batch_size=5000,
        )
        Milestone.objects.bulk_create(
            [
                Milestone(project=p, title="节点", due_date=today + dt.timedelta(days=rng.randint(-90, 120)))
                for p in projects
                for _ in range(2)
            ],
            batch_size=5000,
        )
        Indicator.objects.filter(code__startswith="JZ").delete()
        indicators = [Indicator(code=f"JZ{i:03d}", name=f"基准指标{i}", unit="万元", unit_kinds=[]) for i in range(60)]
        Indicator.objects.bulk_create(indicators)
        places = list(
            Unit.objects.filter(
                kind__in=[UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT, UnitKind.COMMUNITY, UnitKind.VILLAGE]
            ).values_list("pk", flat=True)
        )
        periods = []
        for k in range(24):
            y, m = divmod(today.year * 12 + today.month - 1 - k, 12)
            periods.append((y, m + 1))
        rows = [
            IndicatorValue(unit_id=u, indicator=ind, year=y, month=m, value=Decimal(rng.randint(1, 100000)))
            for ind in indicators
            for u in places
            for (y, m) in periods
        ]
        IndicatorValue.objects.bulk_create(rows, batch_size=5000)
    print(f"5000 projects, {len(rows)} indicator values: {time.perf_counter() - t0:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def models_f(name: str) -> object:
    from django.db.models import F

    return F(name)


def measure(runs: int, pdf: bool) -> list[tuple[str, float, float, int]]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from luoshi.accounts.models import User
    from luoshi.bulletins import services
    from luoshi.bulletins.models import Bulletin, Kind
    from luoshi.org.models import Unit

    admin = User.objects.get(username="admin")
    township = Unit.objects.get(code="CD")
    district = Unit.objects.get(parent__isnull=True, kind="district")
    today = timezone.localdate()
    cases = [
        ("weekly, 城东街道 (township)", Kind.WEEKLY, township),
        ("weekly, whole district", Kind.WEEKLY, district),
        ("monthly, whole district (with indicator ranks)", Kind.MONTHLY, district),
    ]
    out = []
    for label, kind, unit in cases:
        samples = []
        queries = 0
        for _ in range(runs):
            reset_queries()
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                b = services.create_draft(actor=admin, data=services.DraftData(kind, unit, today))
                services.render_docx(b)
                services.render_xlsx(b)
                samples.append(time.perf_counter() - t0)
            queries = len(ctx.captured_queries)
            Bulletin.objects.filter(pk=b.pk).delete()
        out.append((label, statistics.median(samples), max(samples), queries))
        print(f"{label}: median {statistics.median(samples):.2f} s, max {max(samples):.2f} s, {queries} queries")
    if pdf:
        from luoshi.bulletins import pdf as pdf_module

        b = services.create_draft(actor=admin, data=services.DraftData(Kind.WEEKLY, township, today))
        data = services.render_docx(b)
        t0 = time.perf_counter()
        pdf_module.docx_to_pdf(data)
        seconds = time.perf_counter() - t0
        out.append(("PDF of the township's weekly bulletin (LibreOffice, at issue time only)", seconds, seconds, 0))
        print(f"PDF: {seconds:.2f} s")
        Bulletin.objects.filter(pk=b.pk).delete()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--tasks", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--pdf", action="store_true")
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from luoshi.tasks.models import Task

    has_data = False
    if args.keep:
        try:
            has_data = Task.objects.filter(number__startswith="JZ").exists()
        except Exception:  # noqa: BLE001 - no tables yet
            has_data = False
    if not has_data:
        generate(args.cases, args.tasks)
    results = measure(args.runs, args.pdf)
    load = os.getloadavg()[0]
    print(f"\n{connection.vendor}, {args.runs} runs per case, 1-minute load average {load:.1f}\n")
    print("| bulletin | median | slowest | SQL queries |")
    print("|---|---|---|---|")
    for label, median, slowest, queries in results:
        print(f"| {label} | {median:.2f} s | {slowest:.2f} s | {queries} |")


if __name__ == "__main__":
    main()
