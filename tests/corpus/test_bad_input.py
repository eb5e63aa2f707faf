"""The bad-input corpus: what an attacker or a careless user sends, against pages and the API.

Every request must get an answer below 500; every refusal a 4xx with a message in
Chinese; and a refused write changes nothing. The cases come from the security review
(issue 15): control characters, lone surrogates, huge numbers and ids, edge dates,
impossible dates, zip bombs, oversize bodies.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from luoshi.cases.models import Case
from luoshi.cases.tests.factories import World, report, world
from luoshi.indicators.models import IndicatorValue
from luoshi.tasks.models import Category, Goal, Task
from luoshi.tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")

#: Values that broke something before, for every query parameter below.
BAD_VALUES = [
    "99999999999999999999",  # beyond 64 bits
    "9223372036854775808",  # 2^63
    "-1",
    "abc",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",  # no such day
    "\x00",
    "\x1b[31m",
    "nan",
    "9" * 400,
]

#: Each page or API list and the parameters it reads.
QUERY_TARGETS = {
    "/cases/": ["page", "box", "category", "unit", "status", "q", "after", "before", "date_from", "date_to"],
    "/cases/export.xlsx": ["category", "box", "unit", "date_from"],
    "/cases/stats/": ["start", "end", "group", "township"],
    "/cases/daily/": ["day", "kind", "township"],
    "/cases/map/data.json": ["township"],
    "/cases/similar/": ["category", "unit", "lat", "lng"],
    "/cases/keypersons/": ["q", "risk", "page"],
    "/tasks/": ["page", "unit", "goal", "category", "status", "q", "due_before"],
    "/tasks/board/": ["unit", "goal"],
    "/tasks/timeline/": ["unit", "goal"],
    "/tasks/overview/": ["unit", "goal", "due_after"],
    "/tasks/export.xlsx": ["unit", "goal", "category"],
    "/indicators/": ["year", "month", "parent"],
    "/indicators/leaderboard/": ["year", "month", "indicator", "page", "saved"],
    "/org/people/": ["page", "q"],
    "/notifications/": ["page"],
    "/api/v1/cases": ["page", "category", "unit", "date_from", "q"],
    "/api/v1/cases/stats": ["start", "end", "township_id"],
    "/api/v1/cases/similar": ["category", "lat", "lng", "unit_id"],
    "/api/v1/tasks": ["page", "unit", "goal", "due_before"],
    "/api/v1/indicators/values": ["unit", "year", "month"],
    "/api/v1/indicators/history": ["unit", "indicator"],
    "/api/v1/units": ["parent", "page"],
    "/open311/v2/requests.json": ["start_date", "end_date", "status", "service_request_id"],
}


@pytest.fixture
def w() -> World:
    return world()


def _client(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _message(response: Any) -> str:
    if response["Content-Type"].startswith("application/json"):
        body = response.json()
        return str(body.get("message", "")) if isinstance(body, dict) else str(body)
    return response.content.decode("utf-8", "replace")


def _refused_in_chinese(response: Any) -> bool:
    return 400 <= response.status_code < 500 and bool(CJK.search(_message(response)))


def test_no_query_parameter_gets_a_server_error(w):
    report(w)
    TaskFactory(lead_unit=w.dept)
    client = _client(w.supervisor)
    errors, silent = [], []
    for url, names in QUERY_TARGETS.items():
        for name in names:
            for value in BAD_VALUES:
                response = client.get(url, {name: value})
                if response.status_code >= 500:
                    errors.append((url, name, value[:20], response.status_code))
                elif response.status_code >= 400 and not _refused_in_chinese(response):
                    silent.append((url, name, value[:20], response.status_code))
    assert errors == []
    assert silent == []


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/cases/?category=99999999999999999999", 400),
        ("/cases/export.xlsx?category=9223372036854775808", 400),
        ("/cases/?page=99999999999999999999", 400),
        ("/cases/daily/?day=0001-01-01", 400),
        ("/cases/stats/?start=9999-12-31", 400),
        ("/tasks/board/?goal=99999999999999999999", 400),
        ("/tasks/board/?goal=-1", 200),  # a bad filter in range is shown as a message and ignored
        ("/open311/v2/requests.json?start_date=2026-02-30", 400),
        ("/open311/v2/requests.json?end_date=0001-01-01", 400),
        ("/api/v1/cases?page=99999999999999999999", 400),
        ("/api/v1/cases?category=9223372036854775808", 400),
        ("/api/v1/tasks?goal=99999999999999999999", 400),
        ("/api/v1/cases?q=%00", 400),
        ("/api/v1/cases?page=10001", 422),
    ],
)
def test_each_class_of_bad_parameter_is_refused_with_a_reason(w, url, status):
    response = _client(w.supervisor).get(url)
    assert response.status_code == status
    if status >= 400:
        assert _refused_in_chinese(response)


def _json(client: Client, method: str, url: str, body: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return getattr(client, method)(url, data=data, content_type="application/json")


def test_bad_json_bodies_are_refused_and_nothing_is_written(w):
    client = _client(w.supervisor)
    category = Category.objects.create(goal=Goal.objects.create(owner_unit=w.a, year=2026, title="目标"), name="类")
    task = TaskFactory(lead_unit=w.dept, created_by=w.supervisor)
    base = {"title": "修路", "lead_unit_id": w.dept.pk, "start_date": "2026-03-01", "deadline": "2026-06-30"}
    tasks_before, cases_before = Task.objects.count(), Case.objects.count()
    bodies = [
        ("post", "/api/v1/tasks", {**base, "weight": "99999999"}),
        ("post", "/api/v1/tasks", {**base, "deadline": "9999-12-31"}),
        ("post", "/api/v1/tasks", {**base, "start_date": "0001-01-01"}),
        ("post", "/api/v1/tasks", {**base, "description": "x" * 10_001}),
        ("post", "/api/v1/tasks", {**base, "title": "a\x00b"}),
        ("post", "/api/v1/tasks", {**base, "lead_unit_id": 2**63}),
        ("post", "/api/v1/tasks", '{"title": "\\ud800", "lead_unit_id": 1}'),  # a lone surrogate
        ("post", "/api/v1/tasks", '{"title": "x", "lead_unit_id": 1e999}'),
        ("post", "/api/v1/tasks", "[" * 5000 + "]" * 5000),  # nesting Python cannot follow
        ("patch", f"/api/v1/tasks/{task.pk}", {"version": task.version, "description": None}),
        ("patch", f"/api/v1/tasks/{task.pk}", {"version": 2**63, "title": "x"}),
        ("post", f"/api/v1/goals/{category.goal_id}/categories", {"name": "新类", "sort_order": 2**63}),
        ("post", "/api/v1/cases", {"category": "01001", "unit_id": w.grid_unit.pk, "description": "井盖\x1b"}),
        ("post", "/api/v1/cases", {"category": "01001", "unit_id": w.grid_unit.pk, "description": "x", "lat": 1e308}),
        ("post", "/api/v1/indicators/values/bulk",
         {"values": [{"unit": w.a.pk, "indicator": "X", "year": 2026, "month": 1, "value": 1, "yoy_pct": 1e10}]}),
    ]  # fmt: skip
    wrong = []
    for method, url, body in bodies:
        response = _json(client, method, url, body)
        if not _refused_in_chinese(response):
            wrong.append((method, url, str(body)[:60], response.status_code))
    assert wrong == []
    assert (Task.objects.count(), Case.objects.count()) == (tasks_before, cases_before)
    assert not Category.objects.filter(name="新类").exists()
    assert not IndicatorValue.objects.exists()


def test_control_characters_in_a_form_post_are_refused_on_the_form_with_the_input_kept(w):
    """Issue 15: the guard no longer answers a page form with the error page (losing what was
    typed): the form comes back with the message on the field and the text, without the
    invisible characters, still in it; nothing is saved."""
    client = _client(w.grid)
    before = Case.objects.count()
    response = client.post("/cases/new/", {"description": "井盖缺失\x00在路口", "category": "01001"})
    html = _message(response)
    assert response.status_code == 200 and "控制字符" in html
    assert "井盖缺失在路口" in html and "\x00" not in html
    assert Case.objects.count() == before


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (60 * 1024 * 1024))
    return out.getvalue()


def test_a_zip_bomb_is_refused_by_every_import(w):
    bomb = _zip_bomb()
    client = _client(w.supervisor)
    for url in ("/tasks/import/", "/indicators/import/"):
        response = client.post(url, {"file": SimpleUploadedFile("bomb.xlsx", bomb)})
        assert response.status_code < 500, url
        assert "解压后超过 50 MB" in response.content.decode(), url
    assert not Task.objects.exists() and not IndicatorValue.objects.exists()


def test_an_oversize_api_body_is_refused_before_it_is_read(w, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = _json(_client(w.supervisor), "post", "/api/v1/cases", {"description": "x" * 2000})
    assert response.status_code == 413 and _refused_in_chinese(response)


def test_edge_dates_that_are_real_are_accepted(w):
    client = _client(w.supervisor)
    first, last = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
    assert client.get("/cases/daily/", {"day": first.isoformat()}).status_code == 200
    assert client.get("/api/v1/cases", {"date_from": first.isoformat(), "date_to": last.isoformat()}).status_code == 200
