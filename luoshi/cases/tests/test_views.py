"""Case pages: each page renders for the right people, forms keep input on errors, lists stay O(1) in queries."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from luoshi.cases.models import Attachment, Case, Status
from luoshi.cases.tests.factories import category, report, to_state
from luoshi.core.models import ActivityLog
from luoshi.core.testing import picture, saved_name

pytestmark = pytest.mark.django_db

JPEG = picture("JPEG")


def login(client, user):
    client.force_login(user)
    return client


def test_inbox_picks_the_first_box_with_work_and_keeps_queries_flat(client, w):
    to_state(w, "reported")
    c = login(client, w.supervisor)
    response = c.get(reverse("cases:inbox"))
    assert response.status_code == 200
    assert response.context["box"] == "accept"
    with CaptureQueriesContext(connection) as few:
        c.get(reverse("cases:inbox"), {"box": "all"})
    for _ in range(6):
        to_state(w, "handling")
    with CaptureQueriesContext(connection) as many:
        response = c.get(reverse("cases:inbox"), {"box": "all"})
    assert len(response.context["page_obj"].object_list) == 7
    assert len(many) == len(few)


def test_inbox_filters_and_htmx_rows(client, w):
    report(w, title="井盖丢了", code="06001")
    report(w, title="垃圾")
    c = login(client, w.supervisor)
    response = c.get(reverse("cases:inbox"), {"box": "all", "q": "井盖"})
    assert [r.case.title for r in response.context["page_obj"].object_list] == ["井盖丢了"]
    partial = c.get(reverse("cases:inbox"), {"box": "all"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content


def test_detail_404_for_outsiders_and_actions_for_the_command_unit(client, w):
    case = report(w)
    assert login(client, w.outsider).get(reverse("cases:detail", args=[case.pk])).status_code == 404
    response = login(client, w.supervisor).get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    assert b'data-testid="action-accept"' in response.content


@pytest.mark.parametrize("box", ["all", "accept"])
def test_next_and_previous_links_seek_and_give_the_same_pages_as_offsets(client, w, settings, box):
    settings.LUOSHI_PAGE_SIZE = 3
    for i in range(8):
        case = report(w, title=f"第{i}件")
        if i % 3 == 0:  # a few share a time, so the id decides the order between them
            Case.objects.filter(pk=case.pk).update(reported_at=Case.objects.order_by("pk").first().reported_at)
    c = login(client, w.supervisor)
    url = reverse("cases:inbox")
    by_offset = []
    for number in (1, 2, 3):
        page = c.get(url, {"box": box, "page": number}).context["page_obj"]
        by_offset.append([row.case.pk for row in page])
    seen, params = [], {"box": box}
    for _ in range(3):
        response = c.get(url, params)
        page = response.context["page_obj"]
        seen.append([row.case.pk for row in page])
        if not page.has_next:
            break
        html = response.content.decode()
        assert f"after={page.last_id}" in html
        params = {"box": box, "page": page.next_page_number, "after": page.last_id}
    assert seen == by_offset and sum(len(p) for p in seen) == 8
    assert not page.has_next
    back = c.get(url, {"box": box, "page": 2, "before": page.first_id}).context["page_obj"]
    assert [row.case.pk for row in back] == by_offset[1] and back.has_next


def test_acting_from_the_page(client, w):
    case = report(w)
    c = login(client, w.supervisor)
    url = reverse("cases:act", args=[case.pk])
    response = c.post(url, {"action": "accept", "version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED
    stale = c.post(url, {"action": "dispatch", "version": 1, "handling_unit": w.dept.pk})
    assert stale.status_code == 409
    assert stale.context["error"].code == "stale"
    missing_unit = c.post(url, {"action": "dispatch", "version": case.version})
    assert missing_unit.status_code == 400
    dispatched = c.post(url, {"action": "dispatch", "version": case.version, "handling_unit": w.dept.pk})
    assert dispatched.status_code == 302
    refused = login(client, w.grid).post(url, {"action": "reassign", "handling_unit": w.dept2.pk, "comment": "x"})
    assert refused.status_code == 403
    no_reason = login(client, w.staff).post(url, {"action": "return", "comment": ""})
    assert no_reason.status_code == 400
    assert no_reason.context["error_action"] == "return"


def test_grid_report_keeps_everything_on_a_failed_submit(client, w):
    c = login(client, w.grid)
    page = c.get(reverse("cases:report"))
    assert page.status_code == 200
    photo = SimpleUploadedFile("p.jpg", JPEG, content_type="image/jpeg")
    failed = c.post(
        reverse("cases:report"),
        {"category": "", "unit": w.grid_unit.pk, "description": "下水道冒水", "address": "东门", "photos": photo},
    )
    assert failed.status_code == 200
    assert failed.context["form"].errors
    html = failed.content.decode()
    assert "下水道冒水" in html and "东门" in html
    kept = failed.context["kept"]
    assert len(kept) == 1
    assert 'data-testid="kept-photos"' in html
    ok = c.post(
        reverse("cases:report"),
        {
            "category": category("04004").pk,
            "unit": w.grid_unit.pk,
            "description": "下水道冒水",
            "address": "东门",
            "kept": kept[0].token,
            "lat": "28.0",
            "lng": "120.7",
        },
    )
    assert ok.status_code == 302
    case = Case.objects.get(description="下水道冒水")
    assert case.channel == "grid"
    assert case.kind == "event"
    assert list(case.attachments.values_list("token", flat=True)) == [kept[0].token]
    detail = c.get(ok["Location"])
    assert b'data-draft-clear="all"' in detail.content


def test_staff_intake_of_a_petition(client, w):
    c = login(client, w.supervisor)
    response = c.post(
        reverse("cases:new"),
        {
            "kind": "petition",
            "channel": "visit",
            "category": category("10001").pk,
            "unit": w.community_unit.pk,
            "description": "征地补偿未到位",
            "reporter_name": "王大",
            "reporter_phone": "13800000000",
            "reporter_id_no": "330302199001011234",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(description="征地补偿未到位")
    assert (case.kind, case.channel, case.reporter_id_no) == ("petition", "visit", "330302199001011234")


def test_attachments_are_served_only_within_scope(client, w):
    case = report(w, uploads=[SimpleUploadedFile("p.jpg", JPEG, content_type="image/jpeg")])
    token = Attachment.objects.get(case=case).token
    url = reverse("cases:attachment", args=[case.pk, token])
    assert login(client, w.supervisor).get(url).status_code == 200
    assert login(client, w.outsider).get(url).status_code == 404


def test_similar_hint(client, w):
    report(w, lat=28.0, lng=120.7)
    c = login(client, w.grid)
    response = c.get(reverse("cases:similar"), {"category": category("01001").pk, "lat": "28.0001", "lng": "120.7001"})
    assert b'data-testid="similar-cases"' in response.content
    nothing = c.get(reverse("cases:similar"), {"category": category("02001").pk, "lat": "28.0", "lng": "120.7"})
    assert b"similar-cases" not in nothing.content


def test_excel_export(client, w):
    from openpyxl import load_workbook

    to_state(w, "dispatched")
    response = login(client, w.supervisor).get(reverse("cases:export"))
    assert response.status_code == 200
    assert saved_name(response) == f"案件清单-{timezone.localdate():%Y-%m-%d}.xlsx"
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.active.values)
    assert len(rows) == 2
    assert "13912345678" not in str(rows)  # no reporter contact in exports


def test_detail_shows_the_last_day_of_the_stage_not_the_midnight_after_it(client, w):
    import datetime as dt

    from luoshi.cases import sla

    case = to_state(w, "reported")
    page = login(client, w.supervisor).get(reverse("cases:detail", args=[case.pk])).content.decode()
    due_day = sla.local_date(case.due_at) - dt.timedelta(days=1)  # due_at is the midnight after it
    assert f'data-testid="due-day">期限至 {due_day:%Y-%m-%d}' in page


def test_map_and_stats_pages(client, w):
    to_state(w, "rated")
    c = login(client, w.supervisor)
    assert c.get(reverse("cases:map")).status_code == 200
    data = c.get(reverse("cases:map_data")).json()
    assert set(data) == {"grids", "cases", "key_persons"}
    assert data["key_persons"] is True  # a supervisor may open the key-person registry
    stats = c.get(reverse("cases:stats"))
    assert stats.status_code == 200
    assert stats.context["totals"].total == 1
    assert login(client, w.grid).get(reverse("cases:stats")).status_code == 403


def test_stats_name_undispatched_cases_and_leave_rates_without_closed_cases_blank(client, w):
    import json

    to_state(w, "rated")
    to_state(w, "reported")  # no handling unit yet, nothing closed
    stats = login(client, w.supervisor).get(reverse("cases:stats"))
    chart = json.loads(stats.context["chart"])
    rates = dict(zip(chart["names"], chart["on_time"], strict=True))
    assert rates["尚未派遣"] is None  # a gap in the line, not 0 %
    assert [rate for name, rate in rates.items() if name != "尚未派遣"] == [100.0]
    assert '<th scope="row">尚未派遣</th>' in stats.content.decode()


def test_stats_table_has_a_first_header_and_row_headers_and_the_chart_names_it(client, w):
    to_state(w, "rated")
    page = login(client, w.supervisor).get(reverse("cases:stats"), {"group": "category"}).content.decode()
    table = page[page.index('id="stats-table"') :]
    head = table[table.index("<thead>") : table.index("</thead>")]
    assert head.startswith('<thead><tr><th scope="col">类别</th>')  # what the rows are, not an empty cell
    assert "<th></th>" not in page
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    assert body.count('<th scope="row">') == 1 and body.index('<th scope="row">') < body.index("<td")
    # The chart (drawn by stats.js) is named by this caption and described by the table.
    assert '<caption class="visually-hidden">按类别统计的事件</caption>' in page


def test_the_map_lists_its_grids_with_their_open_and_overdue_cases(client, w):
    import datetime as dt

    from django.utils import timezone

    from luoshi.cases.models import GridBoundary

    ring = [[120.69, 27.99], [120.71, 27.99], [120.71, 28.01], [120.69, 28.01], [120.69, 27.99]]
    GridBoundary.objects.create(
        unit=w.grid_unit, geometry={"type": "Polygon", "coordinates": [ring]},
        min_lat=27.99, max_lat=28.01, min_lng=120.69, max_lng=120.71,
    )  # fmt: skip
    to_state(w, "handling")
    late = to_state(w, "handling")
    Case.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    to_state(w, "closed")  # closed: not counted
    c = login(client, w.supervisor)
    response = c.get(reverse("cases:map"))
    rows = list(response.context["grid_page"].object_list)
    assert [(r["name"], r["open"], r["red"]) for r in rows] == [(w.grid_unit.name, 2, 1)]
    page = response.content.decode()
    assert 'data-testid="grid-list"' in page
    assert f'?box=all&amp;unit={w.grid_unit.pk}">{w.grid_unit.name}</a>' in page
    assert '<td class="num">2</td><td class="num">1</td>' in page
    assert "data-autosubmit" not in page  # the township choice applies with its button (WCAG 3.2.2)
    # The list costs the same few queries however many grids there are.
    from luoshi.cases import selectors

    selectors.grids.grid_counts(w.supervisor)  # the person's scope, read once and kept
    with CaptureQueriesContext(connection) as one:
        assert len(selectors.grids.grid_counts(w.supervisor)) == 1
    for unit in (w.community_unit, w.dept):
        GridBoundary.objects.create(
            unit=unit, geometry={"type": "Polygon", "coordinates": [ring]}, min_lat=0, max_lat=0, min_lng=0, max_lng=0
        )
    with CaptureQueriesContext(connection) as three:
        assert len(selectors.grids.grid_counts(w.supervisor)) == 3
    assert len(three.captured_queries) == len(one.captured_queries) == 2


def test_public_form_rate_limit_and_rating(client, w, settings):
    settings.LUOSHI_PUBLIC_RATE_LIMIT = (2, 600)
    page = client.get(reverse("cases:public_new"))
    assert page.status_code == 200
    assert "07002" not in page.content.decode()  # non-public categories are not offered
    bad = client.post(reverse("cases:public_new"), {"category": category("01001").pk, "unit": w.community_unit.pk})
    assert bad.context["form"].errors
    ok = client.post(
        reverse("cases:public_new"),
        {
            "category": category("01001").pk,
            "unit": w.community_unit.pk,
            "description": "楼下垃圾没人清",
            "reporter_phone": "13900001234",
        },
    )
    assert ok.status_code == 302
    case = Case.objects.get(description="楼下垃圾没人清")
    assert case.channel == "web" and case.reported_by is None
    again = {
        "category": category("01001").pk,
        "unit": w.community_unit.pk,
        "description": "路灯不亮",
        "reporter_phone": "13900001234",
    }
    assert client.post(reverse("cases:public_new"), again).status_code == 302
    limited = client.post(reverse("cases:public_new"), {**again, "description": "井盖松动"})
    assert limited.status_code == 429
    own_page = client.get(ok["Location"])
    assert own_page.status_code == 200
    assert "13900001234" not in own_page.content.decode()
    tracked = client.get(reverse("cases:public_track"), {"tracking_no": case.tracking_no})
    assert tracked.status_code == 200
    assert client.get(reverse("cases:public_track"), {"tracking_no": "2000-XX-1"}).status_code == 404


def test_public_form_groups_the_places_by_township(client, w):
    html = client.get(reverse("cases:public_new")).content.decode()
    select = html.split('name="unit"')[1].split("</select>")[0]
    group = select.split(f'<optgroup label="{w.a.name}">')[1].split("</optgroup>")[0]
    assert f'value="{w.a.pk}"' in group  # the township itself comes first, for residents unsure of the community
    assert f'value="{w.community_unit.pk}"' in group
    assert select.count("<optgroup") >= 2  # one per township


def test_administrators_upload_grid_boundaries_on_a_page(client, w):
    import json

    from luoshi.accounts.models import User
    from luoshi.cases.models import GridBoundary

    url = reverse("cases:grid_import")
    assert login(client, w.supervisor).get(url).status_code == 403
    assert 'data-testid="grid-import-link"' not in client.get(reverse("cases:map")).content.decode()
    admin = User.objects.create_superuser("gadmin", password="x" * 12)
    c = login(client, admin)
    assert 'data-testid="grid-import-link"' in c.get(reverse("cases:map")).content.decode()
    assert c.get(url).status_code == 200
    ring = [[120.0, 28.0], [120.1, 28.0], [120.1, 28.1], [120.0, 28.1], [120.0, 28.0]]
    feature = {
        "type": "Feature",
        "properties": {"code": "TA01G1"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    wrong = {**feature, "properties": {"code": "NOPE"}}

    def upload(data: bytes, name: str = "grids.geojson"):
        return c.post(url, {"file": SimpleUploadedFile(name, data, content_type="application/geo+json")})

    bad = upload(json.dumps({"type": "FeatureCollection", "features": [feature, wrong]}).encode())
    assert bad.status_code == 400
    assert "#2 NOPE" in bad.content.decode() and not GridBoundary.objects.exists()
    assert upload(b"\x89PNG not json").status_code == 400
    assert c.post(url, {}).status_code == 400
    ok = upload(json.dumps({"type": "FeatureCollection", "features": [feature]}, ensure_ascii=False).encode())
    assert ok.status_code == 302 and ok["Location"] == reverse("cases:map")
    assert GridBoundary.objects.get().unit == w.grid_unit


def test_non_public_cases_have_no_public_page(client, w):
    dispute = report(w, code="07002")
    url = reverse("cases:public_case", args=[dispute.tracking_no, dispute.public_token])
    assert client.get(url).status_code == 404


def test_resident_rates_from_the_tracking_link(client, w):
    case = to_state(w, "closed")
    url = reverse("cases:public_case", args=[case.tracking_no, case.public_token])
    wrong = client.get(reverse("cases:public_case", args=[case.tracking_no, "nope"]))
    assert wrong.status_code == 404
    response = client.post(url, {"rating": "basic", "comment": "还行"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.rating) == (Status.RATED, "basic")


def test_key_person_registry_is_restricted_and_every_view_is_logged(client, w):
    from luoshi.cases import services

    kp = services.keyperson_create(
        actor=w.community, name="赵某", unit=w.community_unit, classification="petitioner", risk_level="high"
    )
    c = login(client, w.supervisor)
    assert c.get(reverse("cases:keypersons")).status_code == 200
    assert c.get(reverse("cases:keyperson", args=[kp.pk])).status_code == 200
    assert ActivityLog.objects.filter(verb="view", object_id=str(kp.pk), actor=w.supervisor).count() == 1
    for user in (w.grid, w.staff, w.viewer, w.outsider):
        assert login(client, user).get(reverse("cases:keyperson", args=[kp.pk])).status_code == 404
    assert login(client, w.grid).get(reverse("cases:keypersons")).status_code == 404


def test_daily_screening_board_and_filing(client, w):
    c = login(client, w.community)
    board = c.get(reverse("cases:daily"), {"kind": "screening", "day": "2026-12-04"})  # a Friday, nothing filed
    assert board.status_code == 200
    assert board.context["missing"] == 1
    empty = c.post(reverse("cases:daily") + "?kind=screening", {"kind": "screening", "unit": w.community_unit.pk})
    assert empty.context["form"].errors
    filed = c.post(
        reverse("cases:daily") + "?kind=screening",
        {"kind": "screening", "unit": w.community_unit.pk, "summary": "排查矛盾纠纷2起", "issues_found": 2},
    )
    assert filed.status_code == 302
    assert c.get(reverse("cases:daily"), {"kind": "screening"}).context["missing"] == 0


def test_daily_board_counts_working_days_and_expects_nothing_on_a_day_off(client, w):
    import datetime as dt

    from luoshi.cases.models import DailyReport

    def filed(day, **fields):
        DailyReport.objects.create(
            kind="screening", unit=w.community_unit, report_date=day, filed_by=w.community, **fields
        )

    # Monday 2026-11-30 to Sunday 2026-12-06: five working days, then a weekend.
    filed(dt.date(2026, 11, 30), nothing_to_report=True)
    filed(dt.date(2026, 12, 1), summary="排查矛盾纠纷2起", issues_found=2)
    filed(dt.date(2026, 12, 5), nothing_to_report=True)  # a Saturday: shown, but not a working day covered
    c = login(client, w.community)

    saturday = c.get(reverse("cases:daily"), {"kind": "screening", "day": "2026-12-05"})
    row = next(r for r in saturday.context["board"] if r.unit == w.community_unit)
    assert (row.filed_today, row.missing, row.filed_days, row.expected_days) == (True, False, 2, 5)
    assert row.last_summary == "无异常"
    assert "2026-12-05 为休息日，无需报送" in saturday.content.decode()

    sunday = c.get(reverse("cases:daily"), {"kind": "screening", "day": "2026-12-06"})
    row = next(r for r in sunday.context["board"] if r.unit == w.community_unit)
    assert (row.filed_today, row.missing) == (False, False)
    assert sunday.context["missing"] == 0 and "休息日" in sunday.content.decode()

    tuesday = c.get(reverse("cases:daily"), {"kind": "screening", "day": "2026-12-01"})
    row = next(r for r in tuesday.context["board"] if r.unit == w.community_unit)
    assert row.last_summary == "发现问题 2 个；排查矛盾纠纷2起"
    assert "已报送" in tuesday.content.decode()

    friday = c.get(reverse("cases:daily"), {"kind": "screening", "day": "2026-12-04"})
    row = next(r for r in friday.context["board"] if r.unit == w.community_unit)
    assert (row.filed_today, row.missing, row.filed_days, row.expected_days) == (False, True, 2, 5)
    assert friday.context["missing"] >= 1


def test_home_shows_waiting_cases(client, w):
    to_state(w, "dispatched")
    response = login(client, w.staff).get("/")
    assert response.status_code == 200
    assert 'data-section="cases"' in response.content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_key_person_list_daily_board_and_stats_do_not_grow_with_rows(client, w, steady_caches):
    from luoshi.cases import services

    c = login(client, w.supervisor)
    services.keyperson_create(actor=w.community, name="甲", unit=w.community_unit, classification="dispute")
    report(w)
    urls = [reverse("cases:keypersons"), reverse("cases:daily") + "?kind=screening", reverse("cases:stats")]
    before = [_queries(c, u) for u in urls]
    for i in range(5):
        services.keyperson_create(actor=w.community, name=f"乙{i}", unit=w.community_unit, classification="other")
        to_state(w, "rated")
        to_state(w, "handling", code="02001")
    after = [_queries(c, u) for u in urls]
    assert after == before


@pytest.mark.parametrize(
    ("who", "shown", "hidden"),
    [
        ("supervisor", {"report", "new", "stats", "keypersons"}, set()),
        ("staff", set(), {"report", "new", "keypersons", "stats"}),  # a department has no place to report at
        ("grid", {"report", "new"}, {"keypersons", "stats"}),
    ],
)
def test_case_tabs_link_only_to_pages_the_person_may_open(client, w, who, shown, hidden):
    c = login(client, getattr(w, who))
    html = c.get(reverse("cases:inbox")).content.decode()
    tabs = html.split('class="case-tabs"', 1)[1].split("</nav>", 1)[0]
    for name in shown | hidden:
        url = reverse(f"cases:{name}")
        assert (f'href="{url}"' in tabs) == (name in shown), (who, name)
        if name in shown:
            assert c.get(url).status_code == 200, (who, name)
        else:
            assert c.get(url).status_code in (403, 404), (who, name)
