"""Patrols and household visits (走访巡查, issue 14 finding 4): the bounds of a record, who may
record and read it, its photos, the link both ways to the cases reported from it, the phone
pages and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from luoshi.cases import services
from luoshi.cases.models import Attachment, Case, Channel, GridBoundary, KeyPerson, Patrol
from luoshi.cases.selectors import patrols as reads
from luoshi.cases.services import patrols as writes
from luoshi.cases.services.evidence import claim
from luoshi.cases.tests.factories import World, category, report
from luoshi.core.errors import Forbidden, LuoshiError, NotFound
from luoshi.core.models import ActivityLog
from luoshi.core.testing import picture
from luoshi.org.models import Role
from luoshi.org.tests.factories import user_with_role

pytestmark = pytest.mark.django_db

#: Friday 4 December 2026, 10:00 in Shanghai.
NOW = dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
TODAY = dt.date(2026, 12, 4)


@pytest.fixture(autouse=True)
def _fixed_now(monkeypatch: Any) -> None:
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def photo(name: str = "xuncha.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, picture("JPEG"), content_type="image/jpeg")


def record(w: World, actor: Any = None, **kwargs: Any) -> Patrol:
    values: dict[str, Any] = {
        "grid": w.grid_unit,
        "kind": "patrol",
        "patrol_date": TODAY,
        "started_at": dt.time(8, 30),
        "ended_at": dt.time(9, 30),
        "places": "幸福路12号至28号沿街商铺",
        "findings": "",
        "outcome": "nothing",
    }
    values.update(kwargs)
    return writes.patrol_record(actor=actor or w.grid, **values)


def square(lat: float, lng: float, half: float = 0.01) -> dict[str, Any]:
    ring = [
        [lng - half, lat - half], [lng + half, lat - half], [lng + half, lat + half], [lng - half, lat + half],
        [lng - half, lat - half],
    ]  # fmt: skip
    return {"type": "Polygon", "coordinates": [ring]}


# --- Services: what a record needs --------------------------------------------------------------------------


def test_a_grid_worker_records_a_patrol_in_their_grid_and_it_is_logged(w):
    patrol = record(w, findings="楼道堆放杂物，已提醒清理", outcome="handled")
    assert (patrol.grid_id, patrol.recorded_by_id, patrol.patrol_date, patrol.outcome) == (
        w.grid_unit.pk,
        w.grid.pk,
        TODAY,
        "handled",
    )
    log = ActivityLog.objects.get(verb="patrol_record", object_id=str(patrol.pk))
    assert log.actor_id == w.grid.pk and "幸福路12号" in log.comment


@pytest.mark.parametrize(
    ("day", "start", "end", "field", "code"),
    [
        (dt.date(2026, 12, 5), dt.time(8, 0), None, "patrol_date", "patrol_date_future"),  # tomorrow
        (dt.date(2026, 11, 26), dt.time(8, 0), None, "patrol_date", "patrol_date_too_old"),  # 8 days back
        (TODAY, dt.time(10, 1), None, "started_at", "patrol_time_future"),  # a minute from now
        (TODAY, dt.time(9, 0), dt.time(8, 59), "ended_at", "patrol_time_order"),
    ],
)
def test_dates_and_times_out_of_bounds_are_refused_under_their_field(w, day, start, end, field, code):
    with pytest.raises(LuoshiError) as caught:
        record(w, patrol_date=day, started_at=start, ended_at=end)
    assert (caught.value.status, caught.value.code, list(caught.value.details)) == (400, code, [field])
    assert not Patrol.objects.exists()


@pytest.mark.parametrize(
    ("day", "start"),
    [
        (dt.date(2026, 11, 27), dt.time(23, 0)),  # 7 days back: the last day still accepted
        (TODAY, dt.time(10, 0)),  # now
    ],
)
def test_the_boundaries_themselves_are_accepted(w, day, start):
    assert record(w, patrol_date=day, started_at=start, ended_at=None).pk


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"places": "  "}, "places", "required"),
        ({"places": "路" * 501}, "places", "invalid"),
        ({"outcome": "handled", "findings": ""}, "findings", "required"),
        ({"outcome": "nothing", "findings": "查" * 4001}, "findings", "invalid"),
        ({"kind": "walk"}, "kind", "invalid"),
    ],
)
def test_texts_are_bounded(w, changes, field, code):
    with pytest.raises(LuoshiError) as caught:
        record(w, **changes)
    assert (caught.value.code, list(caught.value.details)) == (code, [field])


def test_who_may_record_where(w):
    # community staff record in the grids of their community
    assert record(w, actor=w.community).recorded_by_id == w.community.pk
    # another township's grid worker does not even see the grid
    with pytest.raises(NotFound):
        record(w, actor=w.outsider)
    # the district viewer and the township's leader see it but may not record: 403 with the reason
    for reader in (w.viewer, w.leader, w.supervisor):
        with pytest.raises(Forbidden) as caught:
            record(w, actor=reader)
        assert caught.value.code == "read_only"
    # a department's staff holds no patrol role at the grid
    with pytest.raises(NotFound):
        record(w, actor=w.staff)
    # a community is not a grid
    with pytest.raises(LuoshiError) as caught:
        record(w, actor=w.community, grid=w.community_unit)
    assert caught.value.code == "patrol_not_a_grid"
    assert Patrol.objects.count() == 1


def test_a_location_must_lie_inside_the_grid(w):
    GridBoundary.objects.create(
        unit=w.grid_unit, geometry=square(30.0, 120.0), min_lat=29.99, max_lat=30.01, min_lng=119.99, max_lng=120.01
    )
    assert record(w, lat=30.005, lng=120.005).lat == 30.005
    with pytest.raises(LuoshiError) as caught:
        record(w, lat=30.05, lng=120.0)
    assert (caught.value.code, list(caught.value.details)) == ("outside_grid", ["lat"])
    with pytest.raises(LuoshiError) as caught:
        record(w, lat=30.0, lng=None)
    assert caught.value.code == "bad_location"


def test_photos_are_kept_with_the_record_and_cannot_be_used_again_for_a_case(w):
    uploaded = services.evidence_upload(actor=w.grid, files=[photo("a.jpg")])
    patrol = record(w, photos=[photo("b.jpg")], photo_tokens=[uploaded[0].token])
    assert sorted(patrol.photos.values_list("original_name", flat=True)) == ["a.jpg", "b.jpg"]
    with pytest.raises(LuoshiError) as caught:
        claim(w.grid, [uploaded[0].token])
    assert caught.value.code == "unknown_attachment"
    with pytest.raises(LuoshiError) as caught:
        record(w, photo_tokens=[uploaded[0].token])
    assert caught.value.code == "unknown_attachment"


def test_ten_photos_are_refused_and_nothing_is_written(w):
    with pytest.raises(LuoshiError) as caught:
        record(w, photos=[photo(f"{i}.jpg") for i in range(10)])
    assert caught.value.code == "too_many_files"
    assert not Patrol.objects.exists() and not Attachment.objects.exists()


def test_a_case_reported_from_a_record_is_linked_both_ways(w):
    GridBoundary.objects.create(
        unit=w.grid_unit, geometry=square(30.0, 120.0), min_lat=29.99, max_lat=30.01, min_lng=119.99, max_lng=120.01
    )
    patrol = record(w, lat=30.001, lng=120.002, outcome="handled", findings="井盖松动")
    case = writes.patrol_report_case(actor=w.grid, patrol=patrol, category=category(), description="井盖松动，已设警示")
    patrol.refresh_from_db()
    assert (case.unit_id, case.channel, case.lat, case.lng) == (w.grid_unit.pk, Channel.GRID, 30.001, 120.002)
    assert list(patrol.cases.all()) == [case] and list(case.patrols.all()) == [patrol]
    assert patrol.outcome == "reported"
    assert ActivityLog.objects.filter(verb="patrol_link", object_id=str(patrol.pk), comment=case.tracking_no).exists()
    with pytest.raises(Forbidden):
        writes.patrol_report_case(actor=w.viewer, patrol=patrol, category=category(), description="看看")


def test_existing_cases_can_be_named_when_they_happened_in_the_grid(w):
    here = report(w)
    elsewhere = report(w, actor=w.outsider, unit=w.units["b_community"])
    assert list(record(w, outcome="reported", findings="已上报", case_ids=[here.pk]).cases.all()) == [here]
    with pytest.raises(LuoshiError) as caught:
        record(w, outcome="reported", findings="已上报", case_ids=[elsewhere.pk])
    assert caught.value.code == "patrol_case_unknown"  # not visible to the grid worker
    with pytest.raises(LuoshiError) as caught:
        record(w, outcome="nothing", case_ids=[here.pk])
    assert caught.value.code == "invalid"


def test_a_key_person_visit_needs_the_registry_and_the_same_community(w):
    kp = KeyPerson.objects.create(name="王某某", unit=w.community_unit, classification="petitioner")
    far = KeyPerson.objects.create(name="李某某", unit=w.units["b_community"], classification="petitioner")
    assert record(w, actor=w.community, kind="visit", key_person=kp).key_person_id == kp.pk
    with pytest.raises(NotFound):
        record(w, actor=w.grid, kind="visit", key_person=kp)  # grid workers do not open the registry
    with pytest.raises(NotFound):
        record(w, actor=w.community, kind="visit", key_person=far)


# --- Selectors -------------------------------------------------------------------------------------------


def test_who_reads_which_records(w):
    mine = record(w)
    outsider_grid = user_with_role(Role.COMMUNITY_STAFF, w.units["b_community"], username="bcomm")
    assert list(reads.patrols_visible_to(w.viewer)) == [mine]
    assert list(reads.patrols_visible_to(w.supervisor)) == [mine]
    assert list(reads.patrols_visible_to(outsider_grid)) == []
    assert list(reads.patrols_visible_to(w.staff)) == []
    with pytest.raises(NotFound):
        reads.access_patrol(w.outsider, mine.pk)


def test_my_counts_for_today_the_week_and_the_month(w):
    for day in (TODAY, TODAY, dt.date(2026, 11, 30), dt.date(2026, 11, 29)):  # Mon 30 Nov opens the week
        record(w, patrol_date=day, started_at=dt.time(8, 0))
    record(w, actor=w.community, patrol_date=TODAY, started_at=dt.time(8, 0))
    assert reads.my_counts(w.grid, TODAY) == reads.MyCounts(today=2, week=3, month=2)


def test_the_list_takes_the_same_queries_for_3_or_12_records(w):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            rows = list(reads.patrol_list(w.supervisor))
            _ = [(p.grid.name, p.recorded_by.username, p.photo_count, p.case_count) for p in rows]
        return len(ctx.captured_queries)

    count()  # the reader's scope is read once and kept for the request
    for _ in range(3):
        record(w, photos=[photo()])
    few = count()
    assert few == 1
    for _ in range(9):
        record(w, outcome="reported", findings="已上报", case_ids=[report(w).pk])
    assert count() == few


def test_coverage_names_grids_without_a_patrol_in_the_last_three_days(w):
    from luoshi.org.tests.factories import UnitFactory

    quiet = UnitFactory(name="甲一社区第2网格", kind="grid", code="TA01G2", parent=w.community_unit)
    record(w, patrol_date=TODAY - dt.timedelta(days=2))  # three days: today, yesterday, the day before
    record(w, actor=w.community, grid=quiet, patrol_date=TODAY - dt.timedelta(days=3))
    with CaptureQueriesContext(connection) as ctx:
        coverage = reads.grid_coverage(w.supervisor, today=TODAY)
    assert len(ctx.captured_queries) <= 4
    assert (coverage.grids, coverage.covered, coverage.uncovered) == (2, 1, 1)
    assert [(r.grid.name, r.recent, r.last_date, r.uncovered) for r in coverage.rows] == [
        ("甲一社区第2网格", 0, TODAY - dt.timedelta(days=3), True),
        ("甲一社区第1网格", 1, TODAY - dt.timedelta(days=2), False),
    ]


# --- Pages ---------------------------------------------------------------------------------------------


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_grid_worker_list_shows_counts_and_the_new_button(w):
    record(w)
    html = _client(w.grid).get("/cases/patrols/").content.decode()
    assert 'data-testid="patrol-new"' in html and "新建记录" in html
    assert 'data-testid="patrol-counts"' in html
    assert 'data-testid="patrol-coverage"' not in html  # a grid worker sees their own records
    assert "幸福路12号" in html


def test_a_refused_form_shows_the_error_under_its_field_in_chinese_and_keeps_what_was_typed(w):
    response = _client(w.grid).post(
        "/cases/patrols/new/",
        {
            "kind": "visit",
            "grid": str(w.grid_unit.pk),
            "patrol_date": "2026-12-05",
            "started_at": "08:00",
            "places": "3号楼2单元201",
            "outcome": "nothing",
            "photos": [photo("keep.jpg")],
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and not Patrol.objects.exists()
    date_field = html.split('data-field="patrol_date"')[1].split("</div>")[0]
    assert "日期不能晚于今天。" in date_field
    assert 'value="3号楼2单元201"' in html and 'value="2026-12-05"' in html
    assert 'data-testid="kept-photos"' in html  # the photo waits for the next attempt
    kept = Attachment.objects.get(original_name="keep.jpg")
    response = _client(w.grid).post(
        "/cases/patrols/new/",
        {
            "kind": "visit",
            "grid": str(w.grid_unit.pk),
            "patrol_date": "2026-12-04",
            "started_at": "08:00",
            "places": "3号楼2单元201",
            "outcome": "nothing",
            "kept": kept.token,
        },
    )
    patrol = Patrol.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/patrols/{patrol.pk}/"
    assert list(patrol.photos.all()) == [kept]


def test_a_read_only_viewer_sees_the_overview_but_no_form(w):
    record(w)
    client = _client(w.viewer)
    html = client.get("/cases/patrols/").content.decode()
    assert 'data-testid="patrol-new"' not in html
    assert 'data-testid="patrol-coverage"' in html and "网格" in html
    for response in (client.get("/cases/patrols/new/"), client.post("/cases/patrols/new/", {"places": "x"})):
        assert response.status_code == 403
        assert "无权操作" in response.content.decode()
    assert not Patrol.objects.exclude(recorded_by=w.grid).exists()


def test_the_overview_page_takes_the_same_queries_for_2_or_10_records(w):
    client = _client(w.supervisor)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/cases/patrols/").status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        record(w, photos=[photo()])
    few = count()
    for _ in range(8):
        record(w, outcome="reported", findings="已上报", case_ids=[report(w).pk])
    assert count() == few


def test_outside_the_scope_a_record_is_not_found(w):
    patrol = record(w)
    client = _client(w.outsider)
    assert client.get(f"/cases/patrols/{patrol.pk}/").status_code == 404
    assert client.get(f"/cases/patrols/{patrol.pk}/report/").status_code == 404


def test_report_a_problem_from_a_record_and_find_the_way_back(w):
    patrol = record(w, photos=[photo("scene.jpg")], outcome="handled", findings="路灯不亮")
    client = _client(w.grid)
    detail = client.get(f"/cases/patrols/{patrol.pk}/").content.decode()
    token = patrol.photos.get().token
    assert f'src="/cases/patrols/{patrol.pk}/files/{token}/"' in detail and 'data-testid="patrol-report"' in detail
    assert client.get(f"/cases/patrols/{patrol.pk}/files/{token}/").status_code == 200
    form = client.get(f"/cases/patrols/{patrol.pk}/report/").content.decode()
    assert "路灯不亮" in form and 'data-testid="patrol-origin"' in form
    response = client.post(
        f"/cases/patrols/{patrol.pk}/report/",
        {"category": str(category().pk), "unit": str(w.grid_unit.pk), "description": "路灯不亮，需维修"},
    )
    case = Case.objects.get()
    assert response.status_code == 302 and list(case.patrols.all()) == [patrol]
    case_page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'href="/cases/patrols/{patrol.pk}/"' in case_page.split('data-testid="case-patrols"')[1]
    assert case.tracking_no in client.get(f"/cases/patrols/{patrol.pk}/").content.decode()


def test_the_grid_worker_bar_opens_the_patrol_list(w):
    from luoshi.core.registry import bar_items

    _home, items = bar_items(w.grid)
    assert "/cases/patrols/" in [item.url() for item in items]


# --- API -------------------------------------------------------------------------------------------------


def _body(w: World, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "grid_id": w.grid_unit.pk,
        "kind": "patrol",
        "patrol_date": "2026-12-04",
        "started_at": "08:30",
        "places": "社区广场",
    }
    body.update(changes)
    return body


def test_api_create_read_and_list(w):
    client = _client(w.grid)
    token = client.post("/api/v1/cases/evidence", {"files": [photo()]}).json()[0]["token"]
    response = client.post(
        "/api/v1/cases/patrols", _body(w, photos=[token], outcome="handled", findings="已清理"), "application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["grid"]["id"], body["outcome"], body["photo_count"], body["may_report"]) == (
        w.grid_unit.pk,
        "handled",
        1,
        True,
    )
    assert body["photos"][0]["url"] == f"/cases/patrols/{body['id']}/files/{token}/"
    # a wall-clock time answers as HH:MM (no seconds, no UTC offset), as the document says
    assert (body["started_at"], body["ended_at"]) == ("08:30", None)
    listing = _client(w.supervisor).get("/api/v1/cases/patrols?page_size=1").json()
    assert (listing["count"], [r["id"] for r in listing["results"]]) == (1, [body["id"]])
    assert listing["results"][0]["started_at"] == "08:30"
    assert _client(w.outsider).get(f"/api/v1/cases/patrols/{body['id']}").status_code == 404
    coverage = _client(w.supervisor).get("/api/v1/cases/patrols/coverage?days=3").json()
    assert (coverage["grids"], coverage["covered"]) == (1, 1)
    case = client.post(
        f"/api/v1/cases/patrols/{body['id']}/report",
        {"category": "01001", "description": "井盖松动"},
        "application/json",
    )
    assert case.status_code == 201
    assert (
        client.get(f"/api/v1/cases/patrols/{body['id']}").json()["cases"][0]["tracking_no"]
        == case.json()["tracking_no"]
    )


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"patrol_date": "2026-12-05"}, 400, "patrol_date_future"),
        ({"patrol_date": "2026-11-20"}, 400, "patrol_date_too_old"),
        ({"ended_at": "08:00"}, 400, "patrol_time_order"),
        ({"photos": ["nosuchtoken"]}, 400, "unknown_attachment"),
        ({"case_ids": [999999]}, 400, "patrol_case_unknown"),
        ({"places": "路" * 501}, 422, None),
        ({"kind": "walk"}, 422, None),
        ({"started_at": "8:30"}, 422, None),
        ({"started_at": "25:00"}, 400, "invalid"),
    ],
)
def test_api_refusals_have_a_status_and_a_stable_code(w, changes, status, code):
    response = _client(w.grid).post("/api/v1/cases/patrols", _body(w, **changes), "application/json")
    assert response.status_code == status, response.content
    if code:
        assert response.json()["code"] == code
    assert not Patrol.objects.exists()


def test_api_list_filters_and_refuses_an_unknown_choice(w):
    record(w, kind="visit")
    record(w, started_at=dt.time(9, 0))
    client = _client(w.supervisor)
    visits = client.get("/api/v1/cases/patrols?kind=visit").json()
    assert [r["kind"] for r in visits["results"]] == ["visit"]
    assert client.get(f"/api/v1/cases/patrols?grid_id={w.grid_unit.pk}&date_from=2026-12-04").json()["count"] == 2
    assert client.get("/api/v1/cases/patrols?date_to=2026-12-03").json()["count"] == 0
    refused = client.get("/api/v1/cases/patrols?kind=walk")
    assert (refused.status_code, refused.json()["code"]) == (400, "bad_parameter")
    assert client.get(f"/api/v1/cases/patrols?grid_id={w.units['b'].pk}").status_code == 404


def test_api_who_may_post(w):
    assert _client(w.viewer).post("/api/v1/cases/patrols", _body(w), "application/json").json()["code"] == "read_only"
    assert _client(w.outsider).post("/api/v1/cases/patrols", _body(w), "application/json").status_code == 404
    assert Client().post("/api/v1/cases/patrols", _body(w), "application/json").status_code == 401
    assert not Patrol.objects.exists()


# --- The metric and the home ------------------------------------------------------------------------------


def test_the_patrols_metric_counts_per_unit_and_person_with_the_records_behind_it(w):
    from luoshi.core import metrics
    from luoshi.core.metrics import Period, Subject
    from luoshi.org.models import Person

    person = Person.objects.create(name="网格员", user=w.grid)
    record(w, patrol_date=dt.date(2026, 12, 1), started_at=dt.time(8, 0))
    record(w, patrol_date=dt.date(2026, 11, 30), started_at=dt.time(8, 0))  # November
    record(w, actor=w.community, patrol_date=TODAY, started_at=dt.time(9, 0))
    december = Period.month(2026, 12)
    subjects = [Subject.unit(w.community_unit), Subject.unit(w.units["b"]), Subject.person(person.pk)]
    figures = metrics.compute("cases.patrols_recorded", subjects, december)
    assert [(figures[s].value, figures[s].count) for s in subjects] == [(2, 2), (0, 0), (1, 1)]
    behind = metrics.records("cases.patrols_recorded", Subject.person(person.pk), december)
    assert [r.label for r in behind] == ["日常巡查 2026-12-01 甲一社区第1网格"]


def test_the_grid_worker_home_shows_today_s_count(w):
    record(w)
    html = _client(w.grid).get("/").content.decode()
    section = html.split('data-section="patrols"')[1]
    assert "今日已记录：1 条" in section and 'href="/cases/patrols/new/"' in section
    assert 'data-section="patrols"' not in _client(w.supervisor).get("/").content.decode()
