"""Benchmark for cases: intake through the API, inbox and list pages, and unit statistics over
1,000,000 cases, on SQLite (WAL) or PostgreSQL. Everything talks to 127.0.0.1 only and every
load is bounded (a fixed number of requests at a fixed concurrency).

Usage:

    # 1. Build the data: the demo organisation, grids and N cases written with bulk SQL.
    .venv/bin/python bench/cases_bench.py generate --cases 1000000
    # 2. Intake: POST /api/v1/cases against a bare JSON endpoint on the same server (the ceiling),
    #    loaded by wrk (Debian package ``wrk``) with a generated Lua script that varies the body;
    #    ``--client python`` uses Python threads instead (they compete for the same cores).
    .venv/bin/python bench/cases_bench.py intake --workers 3 --threads 2 --concurrency 8 --seconds 20 \
        --worker-connections 3   # wrk's 8 kept-alive connections spread 3/3/2 over the workers
    # 3. Pages: median and p95 of the inbox, list, API list and statistics.
    .venv/bin/python bench/cases_bench.py pages --runs 30

SQLite uses var/bench/cases.sqlite3. For PostgreSQL set DATABASE_URL (the database must
exist; ``generate`` empties it), e.g.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_bench .venv/bin/python bench/cases_bench.py generate

The server is gunicorn on 127.0.0.1 (ports 8401 for intake, 8402 for pages) with ``--workers``
workers (sync, or gthread with ``--threads`` above 1), settings bench/cases_settings.py.
Run every benchmark under the exclusive lock: ``flock -x /tmp/luoshi-cpu.lock …``.
Results go to stdout as Markdown; bench/RESULTS-cases.md records them.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DIR = ROOT / "var" / "bench"
HOST = "127.0.0.1"


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{BENCH_DIR / 'cases.sqlite3'}"


def setup_django() -> None:
    os.environ["DATABASE_URL"] = database_url()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.cases_settings")
    os.environ.setdefault("LUOSHI_VAR_DIR", str(BENCH_DIR))
    import django

    django.setup()


def is_sqlite() -> bool:
    return database_url().startswith("sqlite")


# --- Data -------------------------------------------------------------------------------------------


def generate(n_cases: int) -> None:
    """Demo organisation and grids by the loaders, then ``n_cases`` cases in one INSERT … SELECT."""
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    if is_sqlite():
        path = Path(database_url().removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    from luoshi.cases import demo as cases_demo
    from luoshi.org import demo as org_demo

    t0 = time.perf_counter()
    org_demo.load()
    cases_demo._grids(random.Random(1))
    cases_demo._routes()
    print(f"organisation and grids: {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    _insert_cases(n_cases)
    print(f"{n_cases} cases inserted: {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        # PostgreSQL: VACUUM sets the visibility map, as autovacuum would soon after a bulk load,
        # so that counts can be answered from the indexes alone.
        cursor.execute("ANALYZE" if is_sqlite() else "VACUUM ANALYZE")
    print(f"ANALYZE: {time.perf_counter() - t0:.1f} s")
    _bench_user()


def _insert_cases(n: int) -> None:
    from django.db import connection, transaction

    from luoshi.cases.models import Case, Category
    from luoshi.org.models import Unit, UnitKind

    grids = list(Unit.objects.filter(kind=UnitKind.GRID).select_related("parent__parent").order_by("pk"))
    departments: dict[int, list[int]] = {}
    for dept in Unit.objects.filter(kind=UnitKind.DEPARTMENT, parent__parent__isnull=False).order_by("pk"):
        departments.setdefault(dept.parent_id, []).append(dept.pk)  # type: ignore[arg-type]
    places = []
    for i, g in enumerate(grids):
        township = g.parent.parent  # type: ignore[union-attr]
        assert township is not None
        depts = departments.get(township.pk, [township.pk])
        places.append((i, g.pk, township.pk, depts[i % len(depts)], township.code))
    cats = [
        (i, pk)
        for i, pk in enumerate(
            Category.objects.filter(parent__isnull=False).order_by("pk").values_list("pk", flat=True)
        )
    ]
    sqlite = is_sqlite()
    t, f = ("1", "0") if sqlite else ("true", "false")

    def ts(expr_seconds: str) -> str:
        if sqlite:
            return f"strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || ({expr_seconds}) || ' seconds')"
        return f"(now() - ({expr_seconds}) * interval '1 second')"

    age = "((s.n % 365) * 86400 + (s.n * 7919) % 86400)"
    bucket = "(s.n * 31 % 100)"
    status = (
        f"CASE WHEN {bucket} < 3 THEN 'reported' WHEN {bucket} < 5 THEN 'accepted' "
        f"WHEN {bucket} < 10 THEN 'dispatched' WHEN {bucket} < 15 THEN 'handling' "
        f"WHEN {bucket} < 18 THEN 'handled' WHEN {bucket} < 55 THEN 'closed' ELSE 'rated' END"
    )
    is_open = f"({bucket} < 18)"
    stage = (
        f"CASE WHEN {bucket} < 5 THEN 'accept' WHEN {bucket} < 15 THEN 'handle' "
        f"WHEN {bucket} < 18 THEN 'verify' ELSE '' END"
    )
    # Open cases: a due time spread between 10 days ago and 10 days ahead (green, yellow and red).
    due_offset = "((s.n * 13 % 20) - 10) * 86400"
    expressions: dict[str, str] = {
        "tracking_no": ("'B-' || p.code || '-' || s.n" if sqlite else "'B-' || p.code || '-' || s.n::text"),
        "public_token": ("'t' || s.n" if sqlite else "'t' || s.n::text"),
        "kind": "CASE WHEN s.n % 3 = 0 THEN 'event' ELSE 'request' END",
        "channel": "CASE WHEN s.n % 3 = 0 THEN 'grid' WHEN s.n % 3 = 1 THEN 'hotline' ELSE 'web' END",
        "category_id": "c.category_id",
        "title": "'基准事件 ' || " + ("s.n" if sqlite else "s.n::text"),
        "description": "'基准数据'",
        "urgent": f"CASE WHEN s.n % 50 = 0 THEN {t} ELSE {f} END",
        "unit_id": "p.unit_id",
        "township_id": "p.township_id",
        "owner_unit_id": "p.township_id",
        "lat": "27.9 + (s.n % 1000) * 0.0003",
        "lng": "120.5 + (s.n * 7 % 1000) * 0.0003",
        "attributes": "'{}'",
        "handling_unit_id": f"CASE WHEN {bucket} >= 5 THEN p.dept_id ELSE NULL END",
        "status": status,
        "stage": stage,
        "stage_started_at": f"CASE WHEN {is_open} THEN {ts(age)} ELSE NULL END",
        "stage_limit_days": f"CASE WHEN {is_open} THEN 5 ELSE 0 END",
        "warn_at": f"CASE WHEN {is_open} THEN {ts(f'{due_offset} * -1 + 2 * 86400')} ELSE NULL END",
        "due_at": f"CASE WHEN {is_open} THEN {ts(f'{due_offset} * -1')} ELSE NULL END",
        "was_overdue": f"CASE WHEN s.n % 9 = 0 THEN {t} ELSE {f} END",
        "outcome": f"CASE WHEN {is_open} THEN '' WHEN s.n % 40 = 0 THEN 'unresolved' ELSE 'resolved' END",
        "rating": (
            f"CASE WHEN {bucket} < 55 THEN '' WHEN s.n % 10 < 7 THEN 'satisfied' WHEN s.n % 10 < 9 THEN 'basic' "
            "ELSE 'unsatisfied' END"
        ),
        "reported_at": ts(age),
        "accepted_at": f"CASE WHEN {bucket} >= 3 THEN {ts(age + ' - 3600')} ELSE NULL END",
        "dispatched_at": f"CASE WHEN {bucket} >= 5 THEN {ts(age + ' - 7200')} ELSE NULL END",
        "closed_at": f"CASE WHEN {is_open} THEN NULL ELSE {ts(age + ' - (s.n % 10 + 1) * 86400 + 1')} END",
        "handle_seconds": f"CASE WHEN {is_open} THEN NULL ELSE (s.n % 10 + 1) * 86400 END",
        "updated_at": ts(age),
        "version": "1",
    }
    columns, values = [], []
    for field in Case._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        if field.column in expressions:
            values.append(expressions[field.column])
        elif field.null:
            values.append("NULL")
        else:
            default = field.get_default()
            if isinstance(default, bool):
                values.append(t if default else f)
            elif isinstance(default, int):
                values.append(str(default))
            else:
                values.append("''")
    # Only integers and column names we built above go into this SQL: nothing comes from outside.
    series = f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {n}) " if sqlite else ""  # noqa: S608
    source = "s" if sqlite else f"generate_series(1::bigint, {n}) AS s(n)"
    sql = (
        f"{series}INSERT INTO cases_case ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(values)} FROM {source} "
        f"JOIN bench_places p ON p.i = (s.n * 7919) % {len(places)} "
        f"JOIN bench_cats c ON c.i = (s.n * 104729) % {len(cats)}"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_places")
        cursor.execute("DROP TABLE IF EXISTS bench_cats")
        cursor.execute(
            "CREATE TABLE bench_places (i integer primary key, unit_id integer, township_id integer, dept_id integer, "
            "code varchar(12))"
        )
        cursor.execute("CREATE TABLE bench_cats (i integer primary key, category_id integer)")
        cursor.executemany("INSERT INTO bench_places VALUES (%s, %s, %s, %s, %s)", places)
        cursor.executemany("INSERT INTO bench_cats VALUES (%s, %s)", cats)
        cursor.execute(sql)
        cursor.execute("DROP TABLE bench_places")
        cursor.execute("DROP TABLE bench_cats")


def _bench_user() -> None:
    """A grid worker scoped to the whole district, with an API token, for intake."""
    from luoshi.accounts.models import User
    from luoshi.accounts.services import api_token_create
    from luoshi.org.models import Role, RoleGrant, Unit

    user, _ = User.objects.get_or_create(username="bench_intake", defaults={"full_name": "基准上报"})
    RoleGrant.objects.get_or_create(user=user, role=Role.GRID_WORKER, unit=Unit.objects.get(code="SFQ"))
    _token, raw = api_token_create(user=user, name="bench")
    (BENCH_DIR / f"token-{'sqlite' if is_sqlite() else 'pg'}.txt").write_text(raw)


# --- Server -------------------------------------------------------------------------------------------


class Server:
    def __init__(self, port: int, workers: int, threads: int = 1, worker_connections: int = 0) -> None:
        self.port = port
        self.workers = workers
        self.threads = threads
        self.worker_connections = worker_connections
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        import socket

        with socket.socket() as probe:
            if probe.connect_ex((HOST, self.port)) == 0:
                raise RuntimeError(f"port {self.port} is already in use: choose another with --port")
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "bench.cases_settings",
            "LUOSHI_VAR_DIR": str(BENCH_DIR),
            "LUOSHI_CONN_MAX_AGE": "600",
        }
        self.proc = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "luoshi.config.wsgi",
                "--chdir",
                str(ROOT),
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                "gthread" if self.threads > 1 else "sync",
                "--threads",
                str(self.threads),
                "--log-level",
                "error",
                "--backlog",
                "512",
                *(["--worker-connections", str(self.worker_connections)] if self.worker_connections else []),
            ],
            env=env,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://{HOST}:{self.port}/healthz", timeout=1).read()
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the server and its workers (Linux /proc)."""
        return sum(self.cpu_by_process().values())

    def cpu_by_process(self) -> dict[int, float]:
        """CPU time (user + system) used so far by the server's master and each worker, by process id."""
        if self.proc is None:
            return {}
        tick = os.sysconf("SC_CLK_TCK")
        found: dict[int, float] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid, ppid = int(stat.parent.name), int(fields[1])
            if pid == self.proc.pid or ppid == self.proc.pid:
                found[pid] = (int(fields[11]) + int(fields[12])) / tick
        return found

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


def worker_shares(before: dict[int, float], after: dict[int, float], master: int) -> list[float]:
    """Each worker's part of the workers' CPU time between two readings, largest first."""
    used = {pid: after[pid] - before.get(pid, 0.0) for pid in after if pid != master}
    total = sum(used.values()) or 1.0
    return sorted((u / total for u in used.values()), reverse=True)


def database_cpu_seconds() -> float:
    """CPU time (user + system) used so far by the PostgreSQL server's processes on this machine.

    A backend's time is lost when it exits, but the benchmark server keeps its connections
    open for the whole run (``LUOSHI_CONN_MAX_AGE``)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.find("(") + 1 : text.rfind(")")]
        if name == "postgres" or name.startswith("postgres:"):
            fields = text.rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / tick


def machine_busy_seconds() -> float:
    """CPU time used so far by everything on the machine, all cores (``/proc/stat``, not idle or iowait)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


# --- Load ----------------------------------------------------------------------------------------------


def load(
    port: int, path: str, bodies: list[bytes], headers: dict[str, str], concurrency: int, method: str = "POST"
) -> dict[str, float]:
    """Send every body once, ``concurrency`` at a time; return throughput and latency."""
    work: queue.Queue[bytes] = queue.Queue()
    for body in bodies:
        work.put(body)
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        while True:
            try:
                body = work.get_nowait()
            except queue.Empty:
                break
            start = time.perf_counter()
            try:
                conn.request(method, path, body=body if method == "POST" else None, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.getheader("connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
                status = 599
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if status >= 400:
                    errors.append(status)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "per_second": len(latencies) / wall,
        "median_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
    }


WRK_SCRIPT = """
-- Generated by bench/cases_bench.py: POST varied intake bodies with the token header.
local grids = {%(grids)s}
local codes = {%(codes)s}
local n = 0
math.randomseed(%(seed)d)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(token)s"
%(connection)s

request = function()
  n = n + 1
  local body = string.format(
    '{"category": "%%s", "unit_id": %%d, "description": "基准上报 %%d：路边有问题需要处理", "channel": "grid", '
    .. '"kind": "event", "lat": %%.6f, "lng": %%.6f, "reporter_phone": "13900000000"}',
    codes[math.random(#codes)], grids[math.random(#grids)], n,
    27.9 + math.random() * 0.3, 120.5 + math.random() * 0.3)
  return wrk.format(nil, nil, nil, body)
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests": %%d, "seconds": %%.6f, "median_ms": %%.3f, "p95_ms": %%.3f, "errors": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    errors.connect + errors.read + errors.write + errors.status + errors.timeout))
end
"""


def wrk_load(port: int, path: str, script: Path, seconds: int, concurrency: int) -> dict[str, float]:
    """Run ``wrk`` (one thread: a C event loop costs little CPU) for ``seconds`` at ``concurrency``."""
    out = subprocess.run(
        [
            "wrk",
            "-t",
            "1",
            "-c",
            str(concurrency),
            "-d",
            f"{seconds}s",
            "-s",
            str(script),
            f"http://{HOST}:{port}{path}",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRK-RESULT "))
    data = json.loads(line.removeprefix("WRK-RESULT "))
    return {
        "requests": data["requests"],
        "errors": data["errors"],
        "per_second": data["requests"] / data["seconds"],
        "median_ms": data["median_ms"],
        "p95_ms": data["p95_ms"],
    }


def intake(
    requests: int,
    concurrency: int,
    workers: int,
    port: int,
    threads: int = 1,
    client: str = "wrk",
    seconds: int = 20,
    worker_connections: int = 0,
    new_connections: bool = False,
) -> None:
    setup_django()
    from luoshi.org.models import Unit, UnitKind

    token = (BENCH_DIR / f"token-{'sqlite' if is_sqlite() else 'pg'}.txt").read_text().strip()
    grids = list(Unit.objects.filter(kind=UnitKind.GRID).values_list("pk", flat=True))
    codes = ["01001", "05003", "06002", "07002", "08001", "04005", "03001"]
    rng = random.Random(7)
    bodies = [
        json.dumps(
            {
                "category": rng.choice(codes),
                "unit_id": rng.choice(grids),
                "description": f"基准上报 {i}：路边有问题需要处理",
                "channel": "grid",
                "kind": "event",
                "lat": 27.9 + rng.random() * 0.3,
                "lng": 120.5 + rng.random() * 0.3,
                "reporter_phone": "13900000000",
            },
            ensure_ascii=False,
        ).encode()
        for i in range(requests)
    ]
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    db = "SQLite (WAL)" if is_sqlite() else "PostgreSQL"
    from luoshi.cases.models import Case

    before = Case.objects.count()
    script = BENCH_DIR / "intake.lua"
    script.write_text(
        WRK_SCRIPT
        % {
            "grids": ", ".join(str(g) for g in grids),
            "codes": ", ".join(f'"{c}"' for c in codes),
            "seed": 7,
            "token": token,
            # A new connection per request, as behind a proxy without upstream keep-alive.
            "connection": 'wrk.headers["Connection"] = "close"' if new_connections else "",
        },
        encoding="utf-8",
    )
    with Server(port, workers, threads, worker_connections) as server:
        load(port, "/bench/ping", bodies[:200], headers, concurrency)  # warm up the workers
        load(port, "/api/v1/cases", bodies[:100], headers, concurrency)
        if client == "wrk":
            cpu0, db0, busy0 = server.cpu_seconds(), database_cpu_seconds(), machine_busy_seconds()
            ceiling = wrk_load(port, "/bench/ping", script, seconds, concurrency)
            cpu1, db1, busy1 = server.cpu_seconds(), database_cpu_seconds(), machine_busy_seconds()
            by_process = server.cpu_by_process()
            result = wrk_load(port, "/api/v1/cases", script, seconds, concurrency)
            cpu2, db2, busy2 = server.cpu_seconds(), database_cpu_seconds(), machine_busy_seconds()
            shares = worker_shares(by_process, server.cpu_by_process(), master=server.proc.pid if server.proc else 0)
        else:
            cpu0, db0, busy0 = server.cpu_seconds(), database_cpu_seconds(), machine_busy_seconds()
            ceiling = load(port, "/bench/ping", bodies, headers, concurrency)
            cpu1, db1, busy1 = server.cpu_seconds(), database_cpu_seconds(), machine_busy_seconds()
            by_process = server.cpu_by_process()
            result = load(port, "/api/v1/cases", bodies, headers, concurrency)
            cpu2, db2, busy2 = server.cpu_seconds(), database_cpu_seconds(), machine_busy_seconds()
            shares = worker_shares(by_process, server.cpu_by_process(), master=server.proc.pid if server.proc else 0)
    runs = ((ceiling, cpu1 - cpu0, db1 - db0, busy1 - busy0), (result, cpu2 - cpu1, db2 - db1, busy2 - busy1))
    for stats, cpu, db_cpu, busy in runs:
        n = max(1, stats["requests"])
        stats["cpu_ms"] = cpu * 1000 / n
        stats["db_cpu_ms"] = db_cpu * 1000 / n
        stats["machine_cpu_ms"] = busy * 1000 / n
    load_average = os.getloadavg()
    after = Case.objects.count()
    kind = f"{workers} gunicorn workers × {threads} threads" if threads > 1 else f"{workers} gunicorn sync workers"
    if worker_connections:
        kind += f", at most {worker_connections} connections per worker"
    if new_connections:
        kind += ", a new connection per request (wrk only)"
    how = f"wrk, {seconds} s each" if client == "wrk" else f"Python threads, {requests} requests each"
    print(f"\n### Intake on {db}: {how}, {concurrency} concurrent, {kind}\n")
    print(
        "| endpoint | requests/s | median ms | p95 ms | CPU ms per request: server | PostgreSQL "
        "| whole machine | errors |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in (("bare Django JSON endpoint (ceiling)", ceiling), ("POST /api/v1/cases (intake)", result)):
        db_column = "–" if is_sqlite() else f"{r['db_cpu_ms']:.2f}"
        print(
            f"| {name} | {r['per_second']:.0f} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | {r['cpu_ms']:.2f} "
            f"| {db_column} | {r['machine_cpu_ms']:.2f} | {r['errors']:.0f} |"
        )
    cores = os.cpu_count() or 1
    how_spread = (
        "a new connection per request"
        if new_connections
        else "each kept-alive connection stays with the worker that accepted it"
    )
    print(f"\nintake CPU by worker ({how_spread}): " + " / ".join(f"{share:.0%}" for share in shares))
    print(
        f"\ncases in the database: {before:,} → {after:,} (+{after - before:,}); "
        f"load average after the run: {load_average[0]:.2f}; {cores} cores: the server's CPU cost allows "
        f"about {cores * 1000 / result['cpu_ms']:.0f} intakes/s if the machine were its own"
    )


# --- Pages ------------------------------------------------------------------------------------------------


def _session(username: str) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from luoshi.accounts.models import User

    user = User.objects.get(username=username)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return str(store.session_key)


def pages(runs: int, port: int, workers: int) -> None:
    setup_django()
    import datetime as dt

    from django.conf import settings
    from django.utils import timezone

    from luoshi.cases.models import Case
    from luoshi.org.models import Unit

    cd = Unit.objects.get(code="CD")
    today = timezone.localdate()
    month_start = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    month_end = today.replace(day=1) - dt.timedelta(days=1)
    targets = [
        ("supervisor", "inbox, all cases (城东 supervisor)", "/cases/?box=all"),
        ("supervisor", "inbox, to accept", "/cases/?box=accept"),
        ("supervisor", "inbox, overdue", "/cases/?box=overdue"),
        ("supervisor", "list filtered: category + red light", "/cases/?box=all&category=1&light=red"),
        ("supervisor", "list page 200 (typed page=200, offset)", "/cases/?box=all&page=200"),
        ("staff", "inbox, to handle (department staff)", "/cases/?box=handle"),
        ("grid", "inbox, all (grid worker)", "/cases/?box=all"),
        ("admin", "inbox, all (district administrator)", "/cases/?box=all"),
        ("supervisor", "API list, 50 a page", "/api/v1/cases?box=all&page_size=50"),
        (
            "supervisor",
            f"unit statistics, 城东, {month_start:%Y-%m}",
            f"/cases/stats/?township={cd.pk}&start={month_start}&end={month_end}",
        ),
        (
            "supervisor",
            f"API statistics, 城东, {month_start:%Y-%m}",
            f"/api/v1/cases/stats?township_id={cd.pk}&start={month_start}&end={month_end}",
        ),
        (
            "admin",
            f"statistics by township, district, {month_start:%Y-%m}",
            f"/cases/stats/?group=township&start={month_start}&end={month_end}",
        ),
    ]
    # Page 200 as the pager reaches it: its Next link names the last case of page 199.
    from luoshi.accounts.models import User
    from luoshi.cases import selectors

    supervisor = User.objects.get(username="supervisor")
    size = int(settings.LUOSHI_PAGE_SIZE)
    last_of_199 = selectors.case_list(supervisor, selectors.CaseFilters(box="all"))[199 * size - 1]
    targets.insert(
        5, ("supervisor", "list page 200 (Next link, seek)", f"/cases/?box=all&page=200&after={last_of_199.pk}")
    )
    cookies = {u: _session(u) for u in {t[0] for t in targets}}
    total = Case.objects.count()
    db = "SQLite (WAL)" if is_sqlite() else "PostgreSQL"
    rows = []
    with Server(port, workers) as server:
        for user, label, path in targets:
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
            headers = {"Cookie": f"sessionid={cookies[user]}"}
            times = []
            cpu_start = 0.0
            for i in range(runs + 3):
                start = time.perf_counter()
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                elapsed = (time.perf_counter() - start) * 1000
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=60)
                if response.status != 200:
                    raise RuntimeError(f"{path}: HTTP {response.status}")
                if i == 2:
                    cpu_start = server.cpu_seconds()
                if i >= 3:
                    times.append(elapsed)
            cpu_ms = (server.cpu_seconds() - cpu_start) * 1000 / runs
            times.sort()
            rows.append((label, path, statistics.median(times), times[int(len(times) * 0.95) - 1], cpu_ms))
    load_average = os.getloadavg()[0]
    print(
        f"\n### Pages on {db} with {total:,} cases ({runs} timed requests each, sequential; "
        f"load average {load_average:.2f})\n"
    )
    print("| page | median ms | p95 ms | server CPU ms |")
    print("|---|---:|---:|---:|")
    for label, _path, median, p95, cpu_ms in rows:
        print(f"| {label} | {median:.1f} | {p95:.1f} | {cpu_ms:.1f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--cases", type=int, default=1_000_000)
    i = sub.add_parser("intake")
    i.add_argument("--requests", type=int, default=6000)
    i.add_argument("--concurrency", type=int, default=8)
    i.add_argument("--workers", type=int, default=4)
    i.add_argument("--threads", type=int, default=1, help="threads per worker (gthread) when above 1")
    i.add_argument("--port", type=int, default=8401)
    i.add_argument(
        "--client", choices=["wrk", "python"], default="wrk", help="load generator: wrk (C) or Python threads"
    )
    i.add_argument("--seconds", type=int, default=20, help="duration of each wrk run")
    i.add_argument(
        "--worker-connections",
        type=int,
        default=0,
        help="gunicorn's --worker-connections (open connections a gthread worker takes at most); 0: its default",
    )
    i.add_argument(
        "--new-connections",
        action="store_true",
        help="wrk sends Connection: close, so every request comes on a new connection (no keep-alive)",
    )
    p = sub.add_parser("pages")
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--port", type=int, default=8402)
    args = parser.parse_args()
    if args.command == "generate":
        generate(args.cases)
    elif args.command == "intake":
        intake(
            args.requests,
            args.concurrency,
            args.workers,
            args.port,
            args.threads,
            args.client,
            args.seconds,
            args.worker_connections,
            args.new_connections,
        )
    else:
        pages(args.runs, args.port, args.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
