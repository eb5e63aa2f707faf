"""The authorisation matrix: every demo role asked the same question by every write operation.

A *table* per app maps an operation to the status each role gets, written out in the order of
:data:`ROLES`; a *call* per operation says how to ask (method, path with the demo's objects
filled in, a valid body). For every cell the harness sends the request as that role (an API
token, or the browser session for pages) inside a savepoint that is rolled back, compares the
status, and for every refusal (401/403/404) asserts that nothing was written (the activity log
and the rows of the main tables are unchanged). A page form that sends a logged-in caller back
with a 302 is recorded as ``302`` when it wrote something (done) and ``302x`` when it wrote
nothing (refused with a message on the page). A call with a ``marker`` (a list, or a detail that
masks) is recorded as ``200+`` when the answer shows the marker and ``200-`` when it does not.

Extending it: a new app adds ``tests/authz/test_<app>.py`` with its calls and table (see
``test_core_apps.py``); :func:`uncovered_api_writes` names the API write operations of the apps
listed in ``COVERED_PREFIXES`` that no table has, so a new operation of a covered app fails
until it gets its row. ``LUOSHI_AUTHZ_PRINT=1`` prints the table as observed (to write a new
one: review every cell before pasting it).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.test import Client

#: The demo logins, and an anonymous caller, in the order of the table columns.
ROLES = ("anon", "admin", "leader", "resp_leader", "supervisor", "staff", "community", "grid", "district", "tongtai")
#: What each column stands for (org.demo.DEMO_LOGINS): the township under test is 城东 (CD).
ROLE_NOTES = {
    "anon": "not logged in",
    "admin": "system administrator, whole district",
    "leader": "CD party secretary",
    "resp_leader": "CD responsible leader",
    "supervisor": "CD supervisor",
    "staff": "CD relocation team member (a department)",
    "community": "community staff, CD01 东星社区",
    "grid": "grid worker, CD01G1",
    "district": "district viewer (read-only)",
    "tongtai": "supervisor of another township (TT)",
}
REFUSALS = frozenset({401, 403, 404, 405})


@dataclass(frozen=True)
class Call:
    """How to ask one operation: ``path`` may name the demo's objects ({task}, {case} …)."""

    method: str
    path: str
    body: Callable[[Any], Any] | dict[str, Any] | None = None
    multipart: bool = False
    page: bool = False  # a page form (session login, form-encoded) rather than the API
    #: For reads that list or embed objects: text that appears in the answer only when the target
    #: object is shown. The cell is then ``200+`` (shown) or ``200-`` (answered without it).
    marker: Callable[[Any], str] | None = None

    def resolve(self, demo: Any) -> tuple[str, Any]:
        body = self.body(demo) if callable(self.body) else self.body
        return self.path.format(**demo.ids), body


@dataclass
class Demo:
    ids: dict[str, Any]
    tokens: dict[str, str]
    users: dict[str, Any]
    fingerprint: Callable[[], tuple[int, ...]]


LAST_BODY: dict[str, bytes] = {}


def row_fingerprint(counted: Sequence[Any], versioned: Sequence[Any] = ()) -> Callable[[], tuple[int, ...]]:
    """What a refused request must leave unchanged, read in one query: the number of rows of each
    model in ``counted`` and the sum of the version counters of each in ``versioned`` (an edit of
    an existing row moves it). The statement is built once from each model's default manager
    (``Model.objects``); the matrix reads it before and after each of its thousand-odd requests,
    where one ORM query per model cost half the test's time."""
    from django.db import connection

    parts: list[str] = []
    params: list[Any] = []
    for model in counted:
        sql, args = model.objects.values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) fp)")  # noqa: S608 - SQL the ORM compiled
        params.extend(args)
    for model in versioned:
        sql, args = model.objects.values("version").query.sql_with_params()
        parts.append(f"(SELECT COALESCE(SUM(fp.version), 0) FROM ({sql}) fp)")  # noqa: S608
        params.extend(args)
    statement = "SELECT " + ", ".join(parts)

    def fingerprint() -> tuple[int, ...]:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            row = cursor.fetchone()
        return tuple(int(value) for value in row)

    return fingerprint


#: SQLite only: a copy of the test database right after the first demo load of this process, and
#: the API tokens made with it (see :func:`demo_loaded`).
_SNAPSHOT: dict[str, Any] = {}


@contextmanager
def demo_loaded(django_db_blocker: Any) -> Iterator[tuple[dict[str, Any], dict[str, str]]]:
    """The demo (smaller), present until the end: the logins and their API tokens.

    On PostgreSQL it is loaded in a transaction rolled back at the end. On SQLite the first module
    of a test process loads and commits it and keeps a copy of the database (SQLite's backup API,
    in memory); later modules restore that copy instead of loading again (the load is the
    slowest part of these modules), and every module restores the database as it found it at
    the end. Either way the module's own additions run in a transaction rolled back at the end.
    """
    import sqlite3

    from django.db import connection

    from luoshi.accounts.models import User

    with django_db_blocker.unblock():
        if connection.vendor != "sqlite":
            with transaction.atomic():
                users, tokens = _load_demo()
                yield users, tokens
                transaction.set_rollback(True)
            return
        connection.ensure_connection()
        assert not connection.in_atomic_block, "the demo is loaded outside any test's transaction"
        found = sqlite3.connect(":memory:")
        connection.connection.backup(found)
        try:
            if "database" in _SNAPSHOT:
                _SNAPSHOT["database"].backup(connection.connection)
                tokens = dict(_SNAPSHOT["tokens"])
                users = {u.username: u for u in User.objects.filter(username__in=ROLES[1:])}
            else:
                with transaction.atomic():
                    users, tokens = _load_demo()
                copy = sqlite3.connect(":memory:")
                connection.connection.backup(copy)
                _SNAPSHOT.update(database=copy, tokens=dict(tokens))
            with transaction.atomic():
                yield users, tokens
                transaction.set_rollback(True)
        finally:
            found.backup(connection.connection)
            found.close()


def _load_demo() -> tuple[dict[str, Any], dict[str, str]]:
    import pytest

    from luoshi.accounts.models import User
    from luoshi.accounts.services import api_token_create
    from luoshi.cases import demo as cases_demo
    from luoshi.core.registry import demo_loaders
    from luoshi.relocation import demo as relocation_demo

    patch = pytest.MonkeyPatch()
    patch.setattr(cases_demo, "CASES_PER_TOWNSHIP", 4)
    patch.setattr(cases_demo, "CASES_IN_CHENGDONG", 16)
    for name, value in (("DONGXING_HOUSEHOLDS", 6), ("LOUQIAO_HOUSEHOLDS", 12), ("LOUQIAO_SIGNED_AND_VACATED", 3)):
        patch.setattr(relocation_demo, name, value)
    try:
        for _name, loader in demo_loaders():
            loader()
    finally:
        patch.undo()
    users = {u.username: u for u in User.objects.filter(username__in=ROLES[1:])}
    tokens = {name: api_token_create(user=user, name="authz")[1] for name, user in users.items()}
    return users, tokens


def ask(client: Client, demo: Demo, role: str, call: Call) -> str:
    """The cell as observed: the status, and for a call with a marker, ``+``/``-`` after a 200."""
    status, content = _send(client, demo, role, call)
    if call.marker is not None and status == 200:
        return f"{status}{'+' if call.marker(demo) in _text(content) else '-'}"
    return str(status)


def _text(content: bytes) -> str:
    """The answer as text; JSON re-written without escapes, so that a marker in Chinese is found."""
    text = content.decode(errors="replace")
    try:
        return json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        return text


def _send(client: Client, demo: Demo, role: str, call: Call) -> tuple[int, bytes]:
    path, body = call.resolve(demo)
    if client.cookies:  # a session (or a message) from the previous call: as a new caller
        client.logout()
    headers: dict[str, str] = {}
    if call.page:
        if role != "anon":
            client.force_login(demo.users[role])
        if call.method == "GET":
            response = client.get(path)
        else:
            response = client.generic(
                call.method, path, _urlencode(body or {}), content_type="application/x-www-form-urlencoded"
            )
        return response.status_code, _content(response)
    if role != "anon":
        headers["HTTP_AUTHORIZATION"] = f"Bearer {demo.tokens[role]}"
    if call.multipart:
        response = client.post(path, body or {}, **headers)
    else:
        data = json.dumps(body if body is not None else {})
        response = client.generic(call.method, path, data, content_type="application/json", **headers)
    content = _content(response)
    LAST_BODY["last"] = content[:300]
    return response.status_code, content


def _content(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _urlencode(data: dict[str, Any]) -> str:
    from urllib.parse import urlencode

    return urlencode(data, doseq=True)


def run(table: dict[str, str], calls: dict[str, Call], demo: Demo) -> list[str]:
    """Every cell of ``table``; the differences (and writes by refused callers) as readable lines."""
    client = Client()
    problems: list[str] = []
    observed: dict[str, list[str]] = {}
    for name, row in table.items():
        expected = row.split()
        assert len(expected) == len(ROLES), f"{name}: {len(expected)} cells for {len(ROLES)} roles"
        call = calls[name]
        got: list[str] = []
        for role, want in zip(ROLES, expected, strict=True):
            with transaction.atomic():
                before = demo.fingerprint()
                status = ask(client, demo, role, call)
                after = demo.fingerprint()
                transaction.set_rollback(True)
            if call.page and call.method != "GET" and role != "anon" and status == "302" and before == after:
                status = "302x"  # sent back to the page with a refusal: nothing was written
            got.append(status)
            if os.environ.get("LUOSHI_AUTHZ_PRINT") and status in ("400", "409", "422", "500"):
                print(name, role, LAST_BODY.get("last", b"").decode(errors="replace"))
            if status != want:
                problems.append(f"{name} as {role}: {status}, expected {want}")
            if (int(status[:3]) in REFUSALS or status == "302x") and before != after:
                problems.append(f"{name} as {role}: refused with {status} but something was written")
        observed[name] = got
    if os.environ.get("LUOSHI_AUTHZ_PRINT"):
        width = max(len(n) for n in observed) + 4
        for name, got in observed.items():
            print(f'    {json.dumps(name) + ":":<{width}} "{" ".join(f"{s:<4}" for s in got).rstrip()}",')
    return problems


def api_write_operations() -> set[str]:
    """``METHOD /api/v1/path`` of every write operation in the OpenAPI document."""
    from luoshi.api.site import api

    document = api.get_openapi_schema(path_prefix="/api/v1")
    return {
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method in operations
        if method in ("post", "put", "patch", "delete")
    }


def uncovered_api_writes(prefixes: tuple[str, ...], tables: list[dict[str, str]]) -> list[str]:
    covered = {name for table in tables for name in table}
    return sorted(op for op in api_write_operations() if op.split(" ", 1)[1].startswith(prefixes) and op not in covered)
