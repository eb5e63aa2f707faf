"""Pages: a permission matrix for every role, what each is offered, exports, and query counts."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from openpyxl import load_workbook

from luoshi.assessment import services
from luoshi.assessment.models import ItemKind, Run, RunState
from luoshi.assessment.tests.factories import scheme_world
from luoshi.assessment.workflow import Action
from luoshi.core.testing import saved_name
from luoshi.org.models import Role, UnitKind
from luoshi.org.tests.factories import UnitFactory, user_with_role
from luoshi.tasks.models import Status
from luoshi.tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def client_for(user: object) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def w(tree: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setattr("luoshi.tasks.metrics.timeutil.today", lambda: dt.date(2026, 4, 16))
    late = TaskFactory(lead_unit=tree["a"], deadline=dt.date(2026, 3, 20), status=Status.IN_PROGRESS,
                       title="=HYPERLINK(\"x\")")  # fmt: skip
    world = scheme_world(tree)
    org = world["organiser"]
    run = services.run_compute(actor=org, scheme=world["scheme"], period_key="2026-03")
    for unit in (tree["a"], tree["b"]):
        services.manual_score_enter(actor=org, run=run, item=world["manual"], subject_id=unit.pk, points="7",
                                    reason="评定")  # fmt: skip
    run = services.run_transition(actor=org, run=run, action=Action.FREEZE)
    run = services.run_transition(actor=org, run=run, action=Action.PUBLISH)
    users = {
        "organiser": org,
        "admin": user_with_role(Role.ADMIN, tree["district"], username="adm"),
        "viewer": user_with_role(Role.DISTRICT_VIEWER, tree["district"], username="viewer"),
        "a_leader": user_with_role(Role.LEADER, tree["a"], username="a_leader"),
        "a_resp_leader": user_with_role(Role.RESPONSIBLE_LEADER, tree["a"], username="a_resp"),
        "a_staff": user_with_role(Role.UNIT_STAFF, tree["a"], username="a_staff"),
        "b_supervisor": user_with_role(Role.SUPERVISOR, tree["b"], username="b_sup"),
        "community": user_with_role(Role.COMMUNITY_STAFF, tree["community"], username="comm"),
        "grid": user_with_role(Role.GRID_WORKER, tree["grid"], username="grid"),
    }
    return {**tree, **world, "run": run, "users": users, "late": late}


# role → (index, run, result a, result b, trace a, scheme, preview)
MATRIX = {
    "organiser": (200, 200, 200, 200, 200, 200, 200),
    "admin": (200, 200, 200, 200, 200, 200, 200),
    "viewer": (200, 200, 200, 200, 200, 200, 404),
    "a_leader": (200, 200, 200, 404, 200, 404, 404),
    "a_resp_leader": (200, 200, 200, 404, 200, 404, 404),
    "a_staff": (200, 200, 200, 404, 200, 404, 404),
    "b_supervisor": (200, 200, 404, 200, 404, 404, 404),
    "community": (200, 404, 404, 404, 404, 404, 404),
    "grid": (404, 404, 404, 404, 404, 404, 404),
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_permission_matrix(w: dict[str, Any], role: str) -> None:
    run, a, b = w["run"], w["a"], w["b"]
    c = client_for(w["users"][role])
    urls = [
        "/assessment/",
        f"/assessment/runs/{run.pk}/",
        f"/assessment/runs/{run.pk}/s/{a.pk}/",
        f"/assessment/runs/{run.pk}/s/{b.pk}/",
        f"/assessment/runs/{run.pk}/s/{a.pk}/items/{w['overdue'].pk}/",
        f"/assessment/schemes/{w['scheme'].pk}/",
        f"/assessment/versions/{w['version'].pk}/preview/?period=2026-03",
    ]
    assert tuple(c.get(u).status_code for u in urls) == MATRIX[role]


@pytest.mark.parametrize(
    ("role", "archive", "appeal"),
    [("organiser", True, False), ("admin", True, False), ("viewer", False, False), ("a_leader", False, True),
     ("a_staff", False, True), ("a_resp_leader", False, True), ("b_supervisor", False, False)],
)  # fmt: skip
def test_actions_offered_are_those_the_service_accepts(
    w: dict[str, Any], role: str, archive: bool, appeal: bool
) -> None:
    run, user = w["run"], w["users"][role]
    c = client_for(user)
    page = c.get(f"/assessment/runs/{run.pk}/").content.decode()
    assert ('data-action="archive"' in page) is archive
    if appeal or role in ("viewer", "organiser"):
        result_page = c.get(f"/assessment/runs/{run.pk}/s/{w['a'].pk}/").content.decode()
        assert ('data-testid="appeal-form"' in result_page) is appeal
    c.post(f"/assessment/runs/{run.pk}/transition/", {"action": "archive", "version": run.version})
    assert (Run.objects.get(pk=run.pk).state == RunState.ARCHIVED) is archive


def test_the_trace_links_the_overdue_task(w: dict[str, Any]) -> None:
    c = client_for(w["users"]["viewer"])
    page = c.get(f"/assessment/runs/{w['run'].pk}/s/{w['a'].pk}/items/{w['overdue'].pk}/").content.decode()
    assert f'href="/tasks/{w["late"].pk}/"' in page
    assert "2026-03-20" in page
    # One record, all of it kept: not "the first 1" (the walk read "保留前 2 条" under "3 条记录").
    assert "冻结时保存：随考核结果保存全部记录。" in page and "保留前" not in page


def test_exports_are_safe_spreadsheets(w: dict[str, Any]) -> None:
    c = client_for(w["users"]["viewer"])
    response = c.get(f"/assessment/runs/{w['run'].pk}/export.xlsx")
    assert saved_name(response) == "考核结果-测试考核方案-2026-03.xlsx"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:2] == ("名次", "考核对象")
    assert [r[1] for r in rows[2:]] == ["乙街道", "甲街道"]
    response = c.get(f"/assessment/runs/{w['run'].pk}/s/{w['a'].pk}/export.xlsx")
    assert response.status_code == 200
    assert saved_name(response) == "考核得分明细-测试考核方案-2026-03-甲街道.xlsx"


def test_the_run_table_costs_the_same_queries_for_more_results(
    w: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    org = w["organiser"]
    c = client_for(org)
    c.get(f"/assessment/runs/{w['run'].pk}/")
    for i in range(20):
        UnitFactory(name=f"新街道{i}", kind=UnitKind.SUBDISTRICT, code=f"TN{i}", parent=w["district"])
    run = services.run_compute(actor=org, scheme=w["scheme"], period_key="2026-04")
    with django_assert_max_num_queries(18):
        response = c.get(f"/assessment/runs/{run.pk}/")
    assert response.content.decode().count('data-testid="result-row"') == 22


def test_bad_input_gets_a_message_not_a_500(w: dict[str, Any]) -> None:
    c = client_for(w["organiser"])
    assert c.get(f"/assessment/runs/{w['run'].pk}/?sort=%00&band=" + "x" * 50).status_code in (200, 400)
    response = c.post(f"/assessment/schemes/{w['scheme'].pk}/compute/", {"period": "2026-13"}, follow=True)
    assert "请输入考核周期" in response.content.decode()
    response = c.post(f"/assessment/schemes/{w['scheme'].pk}/compute/", {"period": "2026-03"}, follow=True)
    assert "该周期已有考核批次" in response.content.decode()


def test_pages_say_the_parameter_section_kind_and_bands_in_words(tree: dict[str, Any]) -> None:
    """The walk of 2026-12-05 found "案件环节按时率 handle", "重点工作落实 ()", "不合格 ≥ -1E+9" and the
    full points headed "得分" on the scheme and trace pages."""
    world = scheme_world(tree, manual=False)
    org = world["organiser"]
    draft = services.version_new_draft(actor=org, scheme=world["scheme"])
    section = draft.sections.get(name="重点工作")
    item = services.item_save(
        actor=org, section=section, name="事件按时办结率", kind=ItemKind.AUTO, points="10",
        metric_key="cases.on_time_rate", metric_param="handle", rule={"kind": "linear", "worst": "60", "best": "100"},
    )  # fmt: skip
    services.version_update(actor=org, version=draft, expected=draft.version, effective_from=dt.date(2026, 2, 1),
                          note="", bands=[])  # fmt: skip
    services.version_publish(actor=org, version=draft)
    run = services.run_compute(actor=org, scheme=world["scheme"], period_key="2026-03")
    c = client_for(org)
    scheme_page = c.get(f"/assessment/schemes/{world['scheme'].pk}/?v={draft.number}").content.decode()
    assert "案件环节按时率（%）（处置）" in scheme_page
    assert "handle" not in scheme_page.split('name="metric_param"')[0]
    assert "不合格 &lt; 60" in scheme_page and "E+9" not in scheme_page
    assert '<th scope="col" class="num">满分</th>' in scheme_page
    trace = c.get(f"/assessment/runs/{run.pk}/s/{tree['a'].pk}/items/{item.pk}/").content.decode()
    assert '重点工作 <span class="small muted">基本分</span>' in trace
    assert '<span class="small muted">处置</span>' in trace and "()" not in trace
    reminders = draft.sections.get(name="扣分").items.get()
    deduction = c.get(f"/assessment/runs/{run.pk}/s/{tree['a'].pk}/items/{reminders.pk}/").content.decode()
    assert '扣分 <span class="small muted">扣分项</span>' in deduction


def test_a_rank_rule_says_what_the_other_places_get_in_words(tree: dict[str, Any]) -> None:
    """The walk of 2026-12-05 read "按排名计分 10.0 / 9.5 … (3)", the "(3)" meaning "the rest get 3"."""
    world = scheme_world(tree, manual=False)
    org = world["organiser"]
    draft = services.version_new_draft(actor=org, scheme=world["scheme"])
    table = ["10.0", "9.5", "9.0", "8.5", "8.0", "7.5", "7.0"]
    services.item_save(
        actor=org, section=draft.sections.get(name="重点工作"), name="按时办结排名", kind=ItemKind.AUTO, points="10",
        metric_key="cases.on_time_rate", metric_param="handle", rule={"kind": "rank", "table": table, "rest": "3"},
    )  # fmt: skip
    page = client_for(org).get(f"/assessment/schemes/{world['scheme'].pk}/?v={draft.number}").content.decode()
    assert "按排名计分 10.0 / 9.5 / 9.0 / 8.5 / 8.0 / 7.5 …；其余名次各得 3 分" in page
    assert "… (3)" not in page


def test_the_preview_says_manual_items_count_nothing_there(w: dict[str, Any]) -> None:
    """Published 95.58, previewed 85.58: the walk could not tell why until the page said so."""
    c = client_for(w["organiser"])
    page = c.get(f"/assessment/versions/{w['version'].pk}/preview/?period=2026-03").content.decode()
    assert "人工评分的小项（群众评议）在预览中计 0 分" in page
