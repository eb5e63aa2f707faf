"""Benchmark: the key-project list, board and portfolio pages and their API over 5,000 projects
with 36 months of investment each (180,000 rows), and the indicator job for 1,300 units.

    flock -x /tmp/luoshi-cpu.lock .venv/bin/python bench/projects_bench.py --runs 30

PostgreSQL (the database must exist; its public schema is dropped and rebuilt):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_projects \\
        flock -x /tmp/luoshi-cpu.lock .venv/bin/python bench/projects_bench.py --runs 30

Options: --projects N (default 5000), --months N (default 36), --units N (default 1300),
--runs N (timed requests per case), --keep (reuse generated data).

Requests go through Django's test client in this process (no network): the figures are the
server's time for the whole request (middleware, queries, templates or JSON).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import timing  # noqa: E402


def setup_django() -> None:
    timing.setup_django("projects.sqlite3")


def generate(n_projects: int, n_months: int, n_units: int, seed: int = 20261205) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from luoshi.accounts.models import User
    from luoshi.core.timeutil import today as local_today
    from luoshi.org.models import Person, Position, Role, RoleGrant, Unit, UnitKind
    from luoshi.projects import services
    from luoshi.projects.models import Investment, Milestone, Problem, Project

    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    today = local_today()
    with transaction.atomic():
        district = Unit.objects.create(name="基准区", kind=UnitKind.DISTRICT, code="BZ")
        district.path = f"/{district.pk}/"
        district.save(update_fields=["path"])
        towns = Unit.objects.bulk_create(
            [
                Unit(name=f"基准{i}街道", kind=UnitKind.SUBDISTRICT, code=f"BZT{i:04d}", parent=district, depth=1)
                for i in range(n_units - 1)
            ],
            batch_size=500,
        )
        for t in towns:
            t.path = f"{district.path}{t.pk}/"
        Unit.objects.bulk_update(towns, ["path"], batch_size=500)
        leader = User.objects.create(username="bench_leader", full_name="挂钩领导")
        RoleGrant.objects.create(user=leader, role=Role.LEADER, unit=towns[0])
        person = Person.objects.create(name="挂钩领导", user=leader)
        Position.objects.create(person=person, unit=towns[0], title="书记", is_leader=True)
        admin = User.objects.create(username="bench_admin", full_name="区级", is_superuser=True, is_staff=True)
        stages = ["construction"] * 6 + ["preparation", "signed", "completed", "planning"]
        projects = [
            Project(
                code=f"XM2026-{n + 1:05d}", name=f"基准项目{n}", unit=towns[n % 40], stage=stages[n % 10],
                total_investment=Decimal(rng.randint(1000, 500000)), plan_year=today.year,
                annual_plan=Decimal(rng.randint(500, 50000)), on_county_list=True, on_city_list=n % 3 == 0,
                lat=Decimal("28.0") + Decimal(rng.randint(0, 9999)) / 100000,
                lng=Decimal("120.7") + Decimal(rng.randint(0, 9999)) / 100000,
            )
            for n in range(n_projects)
        ]  # fmt: skip
        Project.objects.bulk_create(projects, batch_size=1000)
        Project.leaders.through.objects.bulk_create(
            [Project.leaders.through(project_id=p.pk, person_id=person.pk) for p in projects[::25]]
        )
        first = dt.date(today.year, today.month, 1)
        months = []
        for k in range(n_months):
            y, m = divmod(first.year * 12 + first.month - 1 - k, 12)
            months.append(dt.date(y, m + 1, 1))
        rows = [
            Investment(project_id=p.pk, month=month, amount=Decimal(rng.randint(10, 3000)))
            for p in projects
            for month in months
        ]
        Investment.objects.bulk_create(rows, batch_size=5000)
        Milestone.objects.bulk_create(
            [
                Milestone(project_id=p.pk, title="节点", due_date=today + dt.timedelta(days=rng.randint(-60, 120)))
                for p in projects
                for _ in range(2)
            ],
            batch_size=5000,
        )
        Problem.objects.bulk_create(
            [
                Problem(project_id=p.pk, kind="land", title="用地", unit_id=p.unit_id,
                        due_date=today + dt.timedelta(days=rng.randint(-10, 30)))
                for p in projects[::5]
            ],
            batch_size=5000,
        )  # fmt: skip
    started = time.perf_counter()
    services.refresh_all()
    print(f"refresh_all over {n_projects} projects: {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    del admin


def measure(runs: int, only: str = "") -> list[timing.Result]:
    from django.test import Client

    from luoshi.accounts.models import User
    from luoshi.accounts.services import api_token_create

    cases = [
        ("list page", "/projects/", "session"),
        ("list page, red, page 3", "/projects/?light=red&page=3", "session"),
        ("board", "/projects/board/", "session"),
        ("portfolio (200 linked projects)", "/projects/mine/", "session"),
        ("API list page_size=50", "/api/v1/projects?page_size=50", "token"),
        ("API list behind, page 5", "/api/v1/projects?status=behind&page=5", "token"),
        ("API portfolio", "/api/v1/projects/portfolio", "token"),
    ]
    users = (("bench_admin", "district admin (all 5,000)"), ("bench_leader", "leader (1 subdistrict + 200 linked)"))
    out = []
    for username, who in users:
        user = User.objects.get(username=username)
        browser = Client()
        browser.force_login(user)
        _token, raw = api_token_create(user=user, name=f"bench {time.time():.0f}")
        clients = {"session": browser, "token": Client(HTTP_AUTHORIZATION=f"Bearer {raw}")}
        for label, url, auth in cases:
            if only and only not in label:
                continue
            out.append(timing.time_get(clients[auth], url, runs, user=who, label=label))
    return out


def measure_indicator_job(n_units: int) -> float:
    from luoshi.core.timeutil import today as local_today
    from luoshi.indicators import computed
    from luoshi.indicators.models import Indicator

    # The bound indicators, asked for every subdistrict (n_units - 1 of them plus the district).
    indicators = list(Indicator.objects.exclude(metric=""))
    Indicator.objects.filter(pk__in=[i.pk for i in indicators]).update(unit_kinds=["district", "subdistrict"])
    indicators = list(Indicator.objects.exclude(metric=""))
    today = local_today()
    started = time.perf_counter()
    computed.compute_months(today.year, [today.month - 1 or 1, today.month], indicators=indicators)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=5000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--units", type=int, default=1300)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--only", default="", help="only the requests whose label contains this")
    parser.add_argument("--no-job", action="store_true", help="skip the indicator job")
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from luoshi.projects.models import Project

    if not args.keep or not timing.has_rows(Project):
        timing.reset_database()
        started = time.perf_counter()
        generate(args.projects, args.months, args.units)
        print(f"generated in {time.perf_counter() - started:.0f} s")
    print(f"\n{connection.vendor}: {Project.objects.count()} projects, {args.runs} runs each")
    print(timing.server_settings())
    print(f"load average before: {timing.load()}\n")
    print(timing.HEADER)
    for result in measure(args.runs, args.only):
        print(result.row(), flush=True)
    print(f"\nload average after: {timing.load()}")
    if not args.no_job:
        seconds = measure_indicator_job(args.units)
        print(f"\nindicator job (bound indicators, {args.units} units, 2 months): {seconds:.2f} s")


if __name__ == "__main__":
    main()
