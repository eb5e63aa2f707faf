"""Indicator benchmarks: leaderboard, Excel import, scorecard text parser.

Targets (issue 5): a leaderboard over 1,300 units × 60 indicators × 24 months of
values answers in under 150 ms at the median on SQLite and PostgreSQL; a
100,000-row Excel file imports in under 20 s; the parser reads 1 MB of text in
under 2 s. Results and the exact commands: bench/RESULTS-indicators.md.

Usage::

    .venv/bin/python bench/indicators_bench.py                      # SQLite: var/bench/indicators.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_bench_indicators \\
        .venv/bin/python bench/indicators_bench.py                  # PostgreSQL
    .venv/bin/python bench/indicators_bench.py --parts parser       # one part only
    .venv/bin/python bench/indicators_bench.py --parts data         # only create the data

The data set (1.87 million values) is created once per database — several
minutes — and reused; each run re-imports the year after it.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LUOSHI_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench' / 'indicators.sqlite3'}")
# Plain static file storage (no collectstatic manifest needed); DEBUG stays off.
os.environ.setdefault("LUOSHI_TESTING", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.config.settings")
os.environ.setdefault("LUOSHI_LOG_LEVEL", "ERROR")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

BENCH_ROOT = "BENCH"
YEAR = 2026


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median": statistics.median(ordered),
        "p95": ordered[max(0, int(len(ordered) * 0.95) - 1)],
        "min": ordered[0],
        "max": ordered[-1],
    }


# --- Data -------------------------------------------------------------------------------------


def ensure_data(units: int, indicators: int, months: int) -> dict[str, Any]:
    from luoshi.accounts.models import User
    from luoshi.indicators.models import Indicator, IndicatorValue, Target
    from luoshi.org.models import Unit, UnitKind

    user, _ = User.objects.get_or_create(username="bench", defaults={"is_superuser": True, "is_staff": True})
    if not user.is_superuser:
        user.is_superuser = True
        user.save()
    root = Unit.objects.filter(code=BENCH_ROOT).first()
    codes = [f"bench_{i:03d}" for i in range(1, indicators + 1)]
    if root is not None and IndicatorValue.objects.filter(unit__parent=root).count() >= units * indicators * months:
        return {"user": user, "root": root, "codes": codes, "created": False}
    started = time.perf_counter()
    with transaction.atomic():
        if root is None:
            root = Unit.objects.create(name="基准市", kind=UnitKind.DISTRICT, code=BENCH_ROOT)
            root.path, root.depth = f"/{root.pk}/", 0
            root.save(update_fields=["path", "depth"])
        have = Unit.objects.filter(parent=root).count()
        new = [
            Unit(name=f"基准镇{i:04d}", kind=UnitKind.TOWNSHIP, code=f"BZ{i:04d}", parent=root, sort_order=i)
            for i in range(have + 1, units + 1)
        ]
        Unit.objects.bulk_create(new, batch_size=1000)
        children = list(Unit.objects.filter(parent=root).order_by("sort_order")[:units])
        for child in children:
            child.path, child.depth = f"{root.path}{child.pk}/", 1
        Unit.objects.bulk_update(children, ["path", "depth"], batch_size=1000)
        for order, code in enumerate(codes):
            Indicator.objects.get_or_create(
                code=code,
                defaults={
                    "name": f"基准指标{order + 1:03d}",
                    "unit": "万元",
                    "unit_kinds": ["township", "subdistrict"],
                    "sort_order": 10000 + order,
                },
            )
    inds = list(Indicator.objects.filter(code__in=codes).order_by("code"))
    rng = random.Random(5)
    IndicatorValue.objects.filter(unit__parent=root, indicator__in=inds).delete()
    Target.objects.filter(unit__parent=root, indicator__in=inds).delete()
    periods = [(YEAR - 1 + (m // 12), m % 12 + 1) for m in range(months)]
    for ind in inds:
        rows = []
        targets = []
        for unit in children:
            base = rng.uniform(1000, 100000)
            for year, month in periods:
                value = base * (month / 12) * (1.1 if year == YEAR else 1.0) * rng.uniform(0.9, 1.1)
                rows.append(
                    IndicatorValue(
                        unit_id=unit.pk, indicator_id=ind.pk, year=year, month=month, value=Decimal(f"{value:.2f}")
                    )
                )
            for year in {p[0] for p in periods}:
                targets.append(
                    Target(unit_id=unit.pk, indicator_id=ind.pk, year=year, value=Decimal(f"{base * 1.1:.2f}"))
                )
        with transaction.atomic():
            IndicatorValue.objects.bulk_create(rows, batch_size=5000)
            Target.objects.bulk_create(targets, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"created {units} units × {indicators} indicators × {months} months in {time.perf_counter() - started:.1f} s")
    return {"user": user, "root": root, "codes": codes, "created": True}


# --- Leaderboard ------------------------------------------------------------------------------


def bench_leaderboard(data: dict[str, Any], runs: int) -> dict[str, Any]:
    from django.test import Client

    from luoshi.indicators import selectors
    from luoshi.indicators.models import Indicator

    user, root = data["user"], data["root"]
    inds = list(Indicator.objects.filter(code__in=data["codes"]))
    rng = random.Random(7)
    picks = [(rng.choice(inds), rng.randint(1, 12)) for _ in range(runs)]
    selectors.leaderboard(user, root, inds[0], YEAR, 6)  # warm up
    selector_times = []
    selector_cpu = []
    rows = 0
    for ind, month in picks:
        started, cpu = time.perf_counter(), time.process_time()
        board = selectors.leaderboard(user, root, ind, YEAR, month)
        selector_times.append(time.perf_counter() - started)
        selector_cpu.append(time.process_time() - cpu)
        rows = len(board.rows)
    client = Client()
    client.force_login(user)
    api_times = []
    api_cpu = []
    for ind, month in picks:
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(
            "/api/v1/indicators/leaderboard",
            {"parent": root.pk, "indicator": ind.code, "year": YEAR, "month": month},
        )
        api_times.append(time.perf_counter() - started)
        api_cpu.append(time.process_time() - cpu)
        assert response.status_code == 200, response.content[:300]
    page_times = []
    for ind, month in picks[: max(5, runs // 3)]:
        started = time.perf_counter()
        response = client.get(
            "/indicators/leaderboard/", {"parent": root.pk, "indicator": ind.code, "year": YEAR, "month": month}
        )
        page_times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return {
        "rows": rows,
        "selector": _stats(selector_times),
        "selector_cpu": _stats(selector_cpu),
        "api": _stats(api_times),
        "api_cpu": _stats(api_cpu),
        "page": _stats(page_times),
    }


# --- Import --------------------------------------------------------------------------------------


def bench_import(data: dict[str, Any], rows: int) -> dict[str, Any]:
    from openpyxl import Workbook

    from luoshi.indicators import services
    from luoshi.org.models import Unit

    user, root = data["user"], data["root"]
    codes = data["codes"][:40]
    units = list(Unit.objects.filter(parent=root).order_by("sort_order").values_list("code", flat=True))
    per_month = len(units) * len(codes)
    months = max(1, -(-rows // per_month))

    def workbook(bump: int) -> bytes:
        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(["单位", "指标", "年份", "月份", "数值"])
        written = 0
        for month in range(1, months + 1):
            for code in units:
                for ind in codes:
                    if written >= rows:
                        break
                    sheet.append([code, ind, YEAR + 1, month, f"{(written % 9973) * 1.5 + bump:,.2f}"])
                    written += 1
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    from luoshi.indicators.models import IndicatorValue, ValueChange

    # Start from an empty year so that the first import creates every value.
    IndicatorValue.objects.filter(unit__parent=root, year=YEAR + 1).delete()
    ValueChange.objects.filter(unit__parent=root, year=YEAR + 1).delete()
    result: dict[str, Any] = {"rows": rows}
    for label, bump in (("first", 0), ("again", 7)):
        payload = workbook(bump)
        started, cpu = time.perf_counter(), time.process_time()
        batch = services.import_preview(actor=user, data=payload, file_name=f"bench-{label}.xlsx")
        checked = time.perf_counter()
        assert not batch.errors, batch.errors[:3]
        saved = services.import_commit(actor=user, batch=batch)
        done = time.perf_counter()
        result[label] = {
            "bytes": len(payload),
            "check_s": checked - started,
            "save_s": done - checked,
            "total_s": done - started,
            "cpu_s": time.process_time() - cpu,
            "created": saved.created,
            "updated": saved.updated,
        }
    return result


# --- Parser ----------------------------------------------------------------------------------------


def parser_text(size: int) -> str:
    from luoshi.indicators.tests.test_parser import CASES, ROUND_TWO_CASES, SEED_004_TAIL, annotated, traditional

    cases = "\n".join(text for _label, text, _expected in CASES + ROUND_TWO_CASES)
    prose = (
        "豐澤區(qū)委“穿透落實(shí)、閉環(huán)落實(shí)”行動(dòng)開展以來(lái),城東街道高度重視,全局統(tǒng)籌,"
        "工作落實(shí)效率得到了全面的提升。建築拆除工作正在有序進(jìn)行,簽約面積54000多平方米。\n"
    )
    chunk = "\n".join([prose, SEED_004_TAIL, cases, traditional(cases), annotated(cases)]) + "\n"
    text = ""
    while len(text.encode("utf-8")) < size:
        text += chunk
    return text


def bench_parser(size: int, runs: int) -> dict[str, Any]:
    from luoshi.indicators.parser import parse

    text = parser_text(size)
    parse(text[:10000])  # load OpenCC tables
    times = []
    cpu_times = []
    mentions = 0
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        mentions = len(parse(text))
        times.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu)
    return {
        "bytes": len(text.encode("utf-8")),
        "chars": len(text),
        "mentions": mentions,
        "cpu_median": statistics.median(cpu_times),
        **_stats(times),
    }


def migrate() -> None:
    """Migrate the apps the benchmark touches (other apps' migrations may be mid-change)."""
    for app in ("contenttypes", "auth", "sessions", "axes", "accounts", "org", "core", "notifications", "indicators"):
        try:
            call_command("migrate", app, verbosity=0)
        except Exception as exc:  # noqa: BLE001 - report and carry on with what is there
            print(f"warning: migrating {app}: {exc}")


# --- Main --------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", default="leaderboard,import,parser")
    parser.add_argument("--units", type=int, default=1300)
    parser.add_argument("--indicators", type=int, default=60)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--parser-bytes", type=int, default=1_000_000)
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}")
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    if parts & {"leaderboard", "import", "data"}:
        migrate()
        data = ensure_data(args.units, args.indicators, args.months)
    if "leaderboard" in parts:
        lb = bench_leaderboard(data, args.runs)
        print(f"leaderboard over {lb['rows']} units, {args.runs} runs:")
        for key in ("selector", "selector_cpu", "api", "api_cpu", "page"):
            s = lb[key]
            print(
                f"  {key:<12} median {_ms(s['median'])}  p95 {_ms(s['p95'])}  min {_ms(s['min'])}  max {_ms(s['max'])}"
            )
    if "import" in parts:
        im = bench_import(data, args.import_rows)
        for label in ("first", "again"):
            r = im[label]
            print(
                f"import {im['rows']} rows ({label}, {r['bytes'] / 1e6:.1f} MB): check {r['check_s']:.1f} s, "
                f"save {r['save_s']:.1f} s, total {r['total_s']:.1f} s (CPU {r['cpu_s']:.1f} s) "
                f"(created {r['created']}, replaced {r['updated']})"
            )
    if "parser" in parts:
        pr = bench_parser(args.parser_bytes, max(3, args.runs // 6))
        print(
            f"parser {pr['bytes'] / 1e6:.2f} MB ({pr['chars']} characters, {pr['mentions']} mentions): "
            f"median {pr['median']:.2f} s, max {pr['max']:.2f} s (CPU median {pr['cpu_median']:.2f} s)"
        )


if __name__ == "__main__":
    main()
