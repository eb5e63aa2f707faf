"""Pages render, are scoped, and keep a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from luoshi.core.testing import saved_name
from luoshi.core.timeutil import today
from luoshi.tasks import services
from luoshi.tasks.models import Inspection, Status
from luoshi.tasks.tests.helpers import fresh, make_task
from luoshi.tasks.workflow import Action

pytestmark = pytest.mark.django_db


def test_every_list_page_renders_for_a_supervisor(client, s, fixed_today):
    task = make_task(s)
    goal = services.goal_create(actor=s.supervisor, owner_unit=s.tree["a"], year=2026, title="三大攻坚行动")
    inspection = services.inspection_create(
        actor=s.supervisor, unit=s.tree["a"], date=fixed_today, place="东门菜市场", findings=["占道经营"]
    )
    client.force_login(s.supervisor)
    for name, args in [
        ("tasks:mine", []), ("tasks:unit", []), ("tasks:overview", []), ("tasks:board", []), ("tasks:gantt", []),
        ("tasks:goals", []), ("tasks:goal", [goal.pk]), ("tasks:inspections", []),
        ("tasks:inspection", [inspection.pk]), ("tasks:detail", [task.pk]), ("tasks:edit", [task.pk]),
        ("tasks:create", []), ("tasks:goal_create", []), ("tasks:inspection_create", []), ("tasks:import", []),
        ("tasks:help", []), ("core:home", []),
    ]:  # fmt: skip
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
    assert "整治背街小巷环境" in client.get(reverse("tasks:overview")).content.decode()


def test_task_detail_is_404_outside_scope(client, s):
    task = make_task(s)
    client.force_login(s.outsider)
    assert client.get(reverse("tasks:detail", args=[task.pk])).status_code == 404
    assert "整治背街小巷环境" not in client.get(reverse("tasks:overview")).content.decode()


def test_goal_out_of_the_doers_scope_is_named_not_linked(client, s):
    goal = services.goal_create(actor=s.supervisor, owner_unit=s.tree["a"], year=2026, title="三大攻坚行动")
    task = make_task(s, goal=goal)
    client.force_login(s.staff)  # sees the department's task, not the subdistrict's goal page
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "三大攻坚行动" in page
    assert reverse("tasks:goal", args=[goal.pk]) not in page
    assert client.get(reverse("tasks:goal", args=[goal.pk])).status_code == 404
    client.force_login(s.supervisor)
    assert reverse("tasks:goal", args=[goal.pk]) in client.get(reverse("tasks:detail", args=[task.pk])).content.decode()


def test_staff_accepts_and_reports_through_the_pages(client, s, fixed_today):
    task = make_task(s)
    client.force_login(s.staff)
    url = reverse("tasks:transition", args=[task.pk])
    client.post(url, {"action": Action.ACCEPT, "version": fresh(task).version})
    assert fresh(task).status == Status.IN_PROGRESS
    client.post(reverse("tasks:progress", args=[task.pk]), {"percent": 40, "text": "已清理三条巷道"})
    task = fresh(task)
    assert task.reported_progress == 40
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "已清理三条巷道" in page


OVERVIEW_QUERIES = 15


def test_overview_query_count_is_fixed_whatever_the_page_size(client, s, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(30):
        make_task(s, title=f"任务{i}")
    other = make_task(
        s, title="配合任务", lead_unit=s.tree["b_community"], actor=s.outsider, responsible_leader=None, assign=False
    )
    other.co_units.add(s.tree["community"])
    client.force_login(s.supervisor)
    client.get(reverse("tasks:overview"))  # warm caches (content types, calendar)
    counts = []
    for size in (5, 30):
        settings.LUOSHI_PAGE_SIZE = size
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("tasks:overview") + "?status=open").content.decode()
        assert page.count("<tr data-task=") == min(size, 31)
        counts.append(len(ctx.captured_queries))
    # session, user, unread count, session save; grants, units in scope, extra task ids;
    # light counts, page rows, the lead units named with their townships; unit, leader and goal options
    # (the save is three in a test: savepoint, update, release)
    assert counts == [OVERVIEW_QUERIES, OVERVIEW_QUERIES]


def test_export_gives_an_xlsx_of_the_filtered_view(client, s):
    make_task(s, title="甲任务")
    make_task(s, title="乙任务", assign=False)
    client.force_login(s.supervisor)
    response = client.get(reverse("tasks:export") + "?status=draft")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert saved_name(response) == f"任务清单-{today().isoformat()}.xlsx"
    assert saved_name(client.get(reverse("tasks:import_template"))) == "任务清单导入模板.xlsx"
    import io

    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(response.content)).active
    titles = [row[1] for row in ws.iter_rows(min_row=2, values_only=True) if row and row[1]]
    assert "乙任务" in titles and "甲任务" not in titles


def _exported_titles(response) -> list[str]:
    import io

    from openpyxl import load_workbook

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    return [row[1] for row in rows[1:] if row and len(row) > 1 and row[1]]


def test_every_list_page_links_to_an_export_of_what_it_shows(client, s):
    mine = make_task(s, title="本单位任务")
    make_task(s, title="草稿任务", assign=False)
    other = make_task(
        s, title="他单位任务", lead_unit=s.tree["b_community"], actor=s.outsider, responsible_leader=None, assign=False
    )
    client.force_login(s.staff)
    for name in ("tasks:mine", "tasks:unit"):
        page = client.get(reverse(name)).content.decode()
        link = re.search(r'href="([^"]*export[^"]*)" data-testid="export"', page)
        assert link, name
        titles = _exported_titles(client.get(link.group(1).replace("&amp;", "&")))
        assert mine.title in titles and other.title not in titles
        assert ("草稿任务" in titles) == (name == "tasks:unit")  # "my tasks" shows open ones by default
    client.force_login(s.supervisor)
    for name in ("tasks:board", "tasks:gantt", "tasks:overview"):
        page = client.get(reverse(name) + "?light=green").content.decode()
        link = re.search(r'href="([^"]*export[^"]*)" data-testid="export"', page)
        assert link and "light=green" in link.group(1), name
        titles = _exported_titles(client.get(link.group(1).replace("&amp;", "&")))
        assert "草稿任务" not in titles and other.title not in titles


def test_bad_filter_value_shows_a_message_not_a_crash(client, s):
    client.force_login(s.supervisor)
    response = client.get(reverse("tasks:overview") + "?unit=abc&light=purple", follow=True)
    assert response.status_code == 200


def test_finding_becomes_a_rectification_task_linked_back(client, s, fixed_today):
    inspection = services.inspection_create(
        actor=s.supervisor, unit=s.tree["a"], date=fixed_today, place="东门菜市场", findings=["消防通道堵塞"]
    )
    finding = inspection.findings.get()
    client.force_login(s.supervisor)
    response = client.post(
        reverse("tasks:finding_task", args=[finding.pk]),
        {
            "lead_unit": s.tree["dept"].pk,
            "deadline": (fixed_today + dt.timedelta(days=10)).isoformat(),
            "title": "",
            "responsible_leader": s.leader_person.pk,
        },
    )
    assert response.status_code == 302
    task = finding.rectification_tasks.get()
    assert task.status == Status.ASSIGNED and task.source == "inspection"
    page = client.get(reverse("tasks:inspection", args=[inspection.pk])).content.decode()
    assert task.number in page
    assert Inspection.objects.count() == 1


def test_help_page_shows_the_light_rule_in_chinese(client, s):
    client.force_login(s.staff)
    page = client.get(reverse("tasks:help")).content.decode()
    article = page.split('data-testid="help"')[1].split("</article>")[0]
    assert "亮灯规则" in article and "<table" in article and "<script" not in article


def test_admin_lists_tasks_read_only(client, s):
    from luoshi.org.tests.factories import UserFactory

    make_task(s)
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    assert client.get("/admin/tasks/task/").status_code == 200
    assert client.get("/admin/tasks/task/add/").status_code == 403
    assert client.get("/admin/tasks/goal/").status_code == 200


@pytest.mark.parametrize("name", ["tasks:board", "tasks:gantt", "tasks:mine", "tasks:goals", "tasks:inspections"])
def test_list_pages_do_not_grow_queries_with_rows(client, s, fixed_today, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(name)).status_code == 200
        return len(ctx.captured_queries)

    def add(n: int, offset: int) -> None:
        for i in range(n):
            task = make_task(s, title=f"任务{offset + i}")
            services.milestone_add(actor=s.supervisor, task=task, title="节点", due_date=dt.date(2026, 5, 1))
            goal = services.goal_create(
                actor=s.supervisor, owner_unit=s.tree["a"], year=2026, title=f"目标{offset + i}"
            )
            make_task(s, title=f"目标任务{offset + i}", goal=goal)
            services.inspection_create(actor=s.supervisor, unit=s.tree["a"], date=fixed_today, place=f"地点{i}",
                                       findings=["问题"])  # fmt: skip

    client.force_login(s.supervisor)
    add(2, 0)
    client.get(reverse(name))
    few = count()
    add(6, 10)
    assert count() == few


def test_task_detail_queries_do_not_grow_with_the_timeline(client, s, fixed_today):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    task = make_task(s)
    services.task_transition(actor=s.staff, task=task, action=Action.ACCEPT)
    client.force_login(s.supervisor)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("tasks:detail", args=[task.pk])).status_code == 200
            assert client.get(f"/api/v1/tasks/{task.pk}").status_code == 200
        return len(ctx.captured_queries)

    services.task_report_progress(actor=s.staff, task=fresh(task), percent=10, text="一")
    client.get(reverse("tasks:detail", args=[task.pk]))
    few = count()
    for i in range(5):
        services.task_report_progress(actor=s.staff, task=fresh(task), percent=20 + i, text=f"进度{i}")
        services.milestone_add(actor=s.staff, task=fresh(task), title=f"节点{i}", due_date=dt.date(2026, 5, 1))
        services.task_remind(actor=s.supervisor, task=fresh(task), comment="催")
    assert count() == few


def test_a_new_task_can_carry_files_and_a_bad_file_stops_it(client, s, settings, tmp_path, fixed_today):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from luoshi.tasks.models import Attachment, Task

    settings.MEDIA_ROOT = tmp_path
    client.force_login(s.supervisor)
    form = {
        "title": "整治占道经营", "source": "higher", "lead_unit": s.tree["dept"].pk, "start_date": "2026-04-01",
        "deadline": "2026-05-29", "priority": "normal", "report_cadence": "weekly", "assign": "1",
        "target": "主干道无占道经营", "acceptance": "城管中队现场复查", "responsible_leader": s.leader_person.pk,
    }  # fmt: skip
    bad = SimpleUploadedFile("交办单.pdf", b"MZ" + b"x" * 50)
    page = client.post(reverse("tasks:create"), {**form, "attachments": [bad]}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and "交办单.pdf" in page.content.decode()
    assert not Task.objects.filter(title="整治占道经营").exists()
    good = SimpleUploadedFile("交办单.pdf", b"%PDF-1.7\n" + b"x" * 50)
    response = client.post(reverse("tasks:create"), {**form, "attachments": [good]})
    task = Task.objects.get(title="整治占道经营")
    assert response.status_code == 302 and task.status == Status.ASSIGNED
    assert Attachment.objects.get(task=task).name == "交办单.pdf"
    assert "交办单.pdf" in client.get(reverse("tasks:detail", args=[task.pk])).content.decode()


def test_overview_filters_by_category_once_a_goal_is_chosen(client, s):
    goal = services.goal_create(actor=s.supervisor, owner_unit=s.tree["a"], year=2026, title="三大攻坚行动")
    cat = services.category_create(actor=s.supervisor, goal=goal, name="项目攻坚", code="一")
    project = services.category_create(actor=s.supervisor, goal=goal, name="征迁清零", code="1", parent=cat)
    inside = make_task(s, title="征迁任务", goal=goal, category=project)
    make_task(s, title="其他任务", goal=goal)
    client.force_login(s.supervisor)
    assert 'name="category"' not in client.get(reverse("tasks:overview")).content.decode()
    page = client.get(reverse("tasks:overview") + f"?goal={goal.pk}").content.decode()
    assert "征迁清零" in page and "其他任务" in page
    page = client.get(reverse("tasks:overview") + f"?goal={goal.pk}&category={cat.pk}").content.decode()
    assert inside.title in page and "其他任务" not in page


def test_timeline_says_when_it_shows_only_the_nearest_deadlines(client, s, monkeypatch):
    from luoshi.tasks import selectors

    monkeypatch.setattr(selectors, "GANTT_LIMIT", 2)
    for i in range(3):
        make_task(s, title=f"时间轴任务{i}", deadline=dt.date(2026, 5, 10 + i))
    client.force_login(s.supervisor)
    page = client.get(reverse("tasks:gantt")).content.decode()
    assert page.count('class="gantt-bar') == 2 and 'data-testid="gantt-limited"' in page
    assert "时间轴任务2" not in page


def test_missed_reports_show_in_the_list_and_the_api(client, s):
    from luoshi.tasks.models import Task

    task = make_task(s, title="缺报任务")
    Task.objects.filter(pk=task.pk).update(missed_reports=2)
    client.force_login(s.supervisor)
    page = client.get(reverse("tasks:overview"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "缺报 2 次" in page
    rows = client.get("/api/v1/tasks?page_size=10").json()["results"]
    assert next(r for r in rows if r["id"] == task.pk)["missed_reports"] == 2


def test_edit_without_a_version_is_refused_and_keeps_the_input(client, s):
    """Issue 15, finding 7: the edit form needs the version it was read at; without it nothing is saved."""
    task = make_task(s)
    client.force_login(s.supervisor)
    url = reverse("tasks:edit", args=[task.pk])
    form = client.get(url).context["form"]
    data = {
        name: value.pk if hasattr(value, "pk") else value
        for name, value in form.initial.items()
        if value is not None and name not in ("co_units", "version")
    }
    data["title"] = "没有版本号的修改"
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "表单没有说明您修改的是记录的哪个版本" in html
    assert "没有版本号的修改" in html
    assert fresh(task).title == "整治背街小巷环境"
    ok = client.post(url, {**data, "version": fresh(task).version})
    assert ok.status_code == 302 and fresh(task).title == "没有版本号的修改"
