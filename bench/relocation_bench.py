"""Benchmark: land acquisition pages and API over 200,000 households in 500 campaigns.

Run it alone on the machine (other jobs move the medians a lot):

    flock -x /tmp/luoshi-cpu.lock .venv/bin/python bench/relocation_bench.py --runs 30

PostgreSQL (the database must exist; its public schema is dropped and rebuilt):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_relocation_bench \\
        flock -x /tmp/luoshi-cpu.lock .venv/bin/python bench/relocation_bench.py --runs 30

Options: --households N (default 200000), --campaigns N (default 500), --runs N (timed
requests per case, default 30), --keep (reuse the generated data if it is there), --only
TEXT (only the requests whose label contains TEXT), --job (also time the monthly indicator
job over the ledger for 1,300 units: the subdistricts are padded to 1,299 without campaigns).

Targets (issue 11): a campaign's dashboard under 150 ms at the median, list pages and
their API under 100 ms, on SQLite and PostgreSQL. Requests go through Django's test
client (the whole middleware stack, templates, JSON): pages with a logged-in browser
session, the API with a bearer token. Each case is warmed up three times, its queries
are counted on one more request, then it is timed ``--runs`` times. The table gives the
wall-clock median and 95th percentile, the median CPU time of this process per request,
the SQL queries of one request and the 1-minute load average when the case finished.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import timing  # noqa: E402

TOWNSHIPS = 10


def setup_django() -> None:
    timing.setup_django("relocation.sqlite3")


def _unit(name: str, kind: str, code: str, parent: Any) -> Any:
    from luoshi.org.models import Unit

    unit = Unit.objects.create(name=name, kind=kind, code=code, parent=parent)
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.depth = 0 if parent is None else parent.depth + 1
    unit.save(update_fields=["path", "depth"])
    return unit


def generate(n_households: int, n_campaigns: int, seed: int = 20260630) -> None:
    """Townships with a 征迁 team each; campaigns of every stage; households with the dates of their steps."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from luoshi.accounts.models import User
    from luoshi.org.models import Role, RoleGrant, UnitKind
    from luoshi.relocation.models import Campaign, Household, Parcel, Stage

    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    today = dt.date(2026, 12, 1)
    with transaction.atomic():
        district = _unit("基准区", UnitKind.DISTRICT, "BZ", None)
        towns, teams = [], []
        for i in range(TOWNSHIPS):
            town = _unit(f"基准{i}街道", UnitKind.SUBDISTRICT, f"BZT{i}", district)
            towns.append(town)
            teams.append(_unit(f"基准{i}征迁工作组", UnitKind.DEPARTMENT, f"BZT{i}Z", town))
        viewer = User.objects.create(username="bench_district", full_name="区级查看")
        RoleGrant.objects.create(user=viewer, role=Role.DISTRICT_VIEWER, unit=district)
        staff = User.objects.create(username="bench_staff", full_name="征迁科员")
        RoleGrant.objects.create(user=staff, role=Role.UNIT_STAFF, unit=teams[0])
        stages = list(Stage.values)
        per = n_households // n_campaigns
        rows: list[Household] = []
        for c in range(n_campaigns):
            start = today - dt.timedelta(days=rng.randint(10, 400))
            stage = stages[c % len(stages)]
            campaign = Campaign.objects.create(
                code=f"BZ-{c:04d}", name=f"基准征收项目{c}", unit=towns[c % TOWNSHIPS], team=teams[c % TOWNSHIPS],
                stage=stage, launched_on=start - dt.timedelta(days=10), signing_starts_on=start,
                signing_deadline=start + dt.timedelta(days=60), clearance_deadline=start + dt.timedelta(days=180),
                compensation_standard="货币补偿基准价 9,200 元/平方米", is_public=c % 2 == 0,
            )  # fmt: skip
            lng = Decimal("120.7") + Decimal(c % 50) / 100
            parcels = [
                Parcel.objects.create(
                    campaign=campaign, name=f"{k + 1}号地块", lat=Decimal("27.9") + Decimal(k) / 100, lng=lng
                )
                for k in range(3)
            ]
            done = {0: 0.0, 1: 0.5, 2: 0.9, 3: 1.0, 4: 1.0, 5: 1.0}[stages.index(stage)]
            for h in range(per):
                signed = vacated = demolished = None
                if rng.random() < done:
                    signed = min(today, start + dt.timedelta(days=rng.randint(0, 59)))
                    if stage not in (Stage.LAUNCHED, Stage.SIGNING) and rng.random() < 0.9:
                        vacated = min(today, signed + dt.timedelta(days=rng.randint(1, 20)))
                        if stage in (Stage.CLEARED, Stage.WRAP_UP) or rng.random() < 0.3:
                            demolished = min(today, vacated + dt.timedelta(days=rng.randint(1, 30)))
                if stage in (Stage.CLEARED, Stage.WRAP_UP):
                    signed = signed or start
                    vacated = vacated or min(today, signed + dt.timedelta(days=5))
                    demolished = demolished or min(today, vacated + dt.timedelta(days=5))
                area = Decimal(rng.randint(8000, 50000)) / 100
                agreed = (area * 9700).quantize(Decimal("1")) if signed else None
                rows.append(
                    Household(
                        campaign=campaign, parcel=parcels[h % 3], number=f"{c:04d}-{h + 1:04d}",
                        owner_name=f"户主{h}", owner_id_no="990101196501011233", phone="13912345678",
                        address=f"基准路{h}号", house_area=area, land_area=area / 3, signed_on=signed,
                        compensation_agreed=agreed, compensation_paid=agreed or 0, vacated_on=vacated,
                        demolished_on=demolished,
                    )
                )  # fmt: skip
            if len(rows) >= 20000:
                Household.objects.bulk_create(rows, batch_size=2000)
                rows = []
        Household.objects.bulk_create(rows, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def measure(runs: int, only: str = "") -> list[timing.Result]:
    from django.test import Client

    from luoshi.accounts.models import User
    from luoshi.accounts.services import api_token_create
    from luoshi.relocation.models import Campaign, Household

    campaign = Campaign.objects.filter(team__code="BZT0Z", stage="vacating").order_by("id").first()
    assert campaign is not None
    household = Household.objects.filter(campaign=campaign).order_by("id").first()
    assert household is not None
    c = campaign.pk
    cases = [
        ("campaign list", "/relocation/", "session"),
        ("campaign list, page 5", "/relocation/?page=5", "session"),
        ("campaign list, under way", "/relocation/?active=1", "session"),
        ("campaign dashboard", f"/relocation/{c}/", "session"),
        ("battle map (parcels and board)", f"/relocation/{c}/map/", "session"),
        ("household ledger", f"/relocation/{c}/households/", "session"),
        ("household ledger, page 5", f"/relocation/{c}/households/?page=5", "session"),
        ("household ledger, not signed", f"/relocation/{c}/households/?state=pending", "session"),
        ("household page (logged opening)", f"/relocation/{c}/households/{household.pk}/", "session"),
        ("home page", "/", "session"),
        ("API campaigns page_size=50", "/api/v1/relocation/campaigns?page_size=50", "token"),
        ("API campaigns page_size=200", "/api/v1/relocation/campaigns?page_size=200", "token"),
        ("API campaign detail", f"/api/v1/relocation/campaigns/{c}", "token"),
        ("API daily progress", f"/api/v1/relocation/campaigns/{c}/progress", "token"),
        ("API households page_size=50", f"/api/v1/relocation/campaigns/{c}/households?page_size=50", "token"),
        ("API households page_size=200", f"/api/v1/relocation/campaigns/{c}/households?page_size=200", "token"),
        ("public page (no login)", f"/sunshine/{Campaign.objects.filter(is_public=True).first().code}/", "anonymous"),  # type: ignore[union-attr]
    ]
    results = []
    for username in ("bench_district", "bench_staff"):
        user = User.objects.get(username=username)
        who = "district viewer (500 campaigns)" if username == "bench_district" else "task force staff (50 campaigns)"
        browser = Client()
        browser.force_login(user)
        _token, raw = api_token_create(user=user, name=f"bench {time.time():.0f}")
        clients = {"session": browser, "token": Client(HTTP_AUTHORIZATION=f"Bearer {raw}"), "anonymous": Client()}
        for label, url, auth in cases:
            if only and only not in label:
                continue
            if auth == "anonymous" and username != "bench_district":
                continue
            results.append(timing.time_get(clients[auth], url, runs, user=who, label=label))
    return results


def measure_indicator_job(n_units: int) -> float:
    """The monthly job (``compute_months``) for every bound indicator over ``n_units`` units (the district and
    its subdistricts, padded with subdistricts without campaigns), for last month and this month: the
    征迁 figure (签约腾空户数, relocation.households_signed) reads the 200,000 households."""
    from luoshi.core.timeutil import today as local_today
    from luoshi.indicators import computed
    from luoshi.indicators.models import Indicator
    from luoshi.org.models import Unit, UnitKind

    district = Unit.objects.get(code="BZ")
    missing = n_units - Unit.objects.filter(kind__in=[UnitKind.DISTRICT, UnitKind.SUBDISTRICT]).count()
    if missing > 0:
        extra = Unit.objects.bulk_create(
            [
                Unit(name=f"基准空{i}街道", kind=UnitKind.SUBDISTRICT, code=f"BZE{i:04d}", parent=district, depth=1)
                for i in range(missing)
            ],
            batch_size=500,
        )
        for unit in extra:
            unit.path = f"{district.path}{unit.pk}/"
        Unit.objects.bulk_update(extra, ["path"], batch_size=500)
    bound = Indicator.objects.exclude(metric="")
    bound.update(unit_kinds=["district", "subdistrict"])
    indicators = list(bound)
    print(f"bound indicators: {', '.join(i.metric for i in indicators)}")
    today = local_today()
    started = time.perf_counter()
    computed.compute_months(today.year, [today.month - 1 or 1, today.month], indicators=indicators)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=200_000)
    parser.add_argument("--campaigns", type=int, default=500)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="reuse the generated data if it is there")
    parser.add_argument("--only", default="", help="only the requests whose label contains this")
    parser.add_argument("--job", action="store_true", help="also time the monthly indicator job for 1,300 units")
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from luoshi.relocation.models import Campaign, Household

    if args.keep and timing.has_rows(Household):
        call_command("migrate", verbosity=0)
    else:
        timing.reset_database()
        started = time.perf_counter()
        generate(args.households, args.campaigns)
        print(
            f"generated {Household.objects.count()} households in {time.perf_counter() - started:.1f}s", file=sys.stderr
        )
    print(f"\n{connection.vendor}: {Household.objects.count()} households in {Campaign.objects.count()} campaigns, "
          f"{args.runs} runs each")  # fmt: skip
    print(timing.server_settings())
    print(f"load average before: {timing.load()}\n")
    print(timing.HEADER)
    for result in measure(args.runs, args.only):
        print(result.row(), flush=True)
    print(f"\nload average after: {timing.load()}")
    if args.job:
        seconds = measure_indicator_job(1300)
        print(f"\nindicator job (bound indicators, 1300 units, 2 months): {seconds:.2f} s (load {timing.load()})")


if __name__ == "__main__":
    main()
