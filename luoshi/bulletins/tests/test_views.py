"""Pages and API per demo role: the supervisor makes and issues, leaders review, read-only roles
read the archive of their scope; lists keep a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from luoshi.accounts.models import User
from luoshi.bulletins import services, workflow
from luoshi.bulletins.models import Bulletin, Kind, Status
from luoshi.core.testing import saved_name
from luoshi.org.models import Unit

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 29)


@pytest.fixture
def demo(demo_org: Any) -> dict[str, Any]:
    township = Unit.objects.get(code="CD")
    supervisor = User.objects.get(username="supervisor")
    issued = services.create_draft(actor=supervisor, data=services.DraftData(Kind.WEEKLY, township, AS_OF))
    issued = services.act(actor=supervisor, bulletin=issued, action=workflow.ISSUE)
    draft = services.create_draft(
        actor=supervisor, data=services.DraftData(Kind.WEEKLY, township, AS_OF + dt.timedelta(days=1))
    )
    return {"issued": issued, "draft": draft, "township": township}


def client_for(username: str) -> Client:
    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


# role → (sees the issued bulletin, sees the draft, may build a new one)
EXPECTED = {
    "admin": (True, True, True),
    "supervisor": (True, True, True),
    "leader": (True, True, False),
    "resp_leader": (True, True, False),
    "staff": (True, False, False),  # 征迁工作组: addressed to
    "community": (True, False, False),  # 东星社区: addressed to
    "district": (True, False, False),  # district viewer: 城东 is in the scope
    "tongtai": (False, False, True),  # another subdistrict's supervisor (builds 通泰's own)
}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_who_reads_what(demo: dict[str, Any], username: str) -> None:
    sees_issued, sees_draft, may_create = EXPECTED[username]
    c = client_for(username)
    issued, draft = demo["issued"], demo["draft"]
    assert c.get(f"/bulletins/{issued.pk}/").status_code == (200 if sees_issued else 404)
    assert c.get(f"/bulletins/{issued.pk}/file.docx").status_code == (200 if sees_issued else 404)
    assert c.get(f"/bulletins/{draft.pk}/").status_code == (200 if sees_draft else 404)
    assert c.get(f"/api/v1/bulletins/{draft.pk}").status_code == (200 if sees_draft else 404)
    listed = {b["id"] for b in c.get("/api/v1/bulletins").json()["results"]}
    assert listed == {pk for pk, seen in ((issued.pk, sees_issued), (draft.pk, sees_draft)) if seen}
    assert c.get("/bulletins/new/").status_code == (200 if may_create else 404)


def test_a_grid_worker_is_told_why_not_shown_an_empty_archive(demo: dict[str, Any]) -> None:
    """A grid worker neither issues nor receives bulletins (no menu entry): the pages and the API answer 403
    with the reason, as the menu says, instead of an empty list."""
    c = client_for("grid")
    reason = "您的账号没有印发或接收通报的角色"
    issued = demo["issued"]
    for url in ("/bulletins/", f"/bulletins/{issued.pk}/", f"/bulletins/{issued.pk}/file.docx", "/bulletins/new/",
                "/bulletins/schedules/"):  # fmt: skip
        response = c.get(url)
        assert response.status_code == 403, url
        assert reason in response.content.decode(), url
    for url in ("/api/v1/bulletins", f"/api/v1/bulletins/{issued.pk}", f"/api/v1/bulletins/{issued.pk}/file/docx"):
        response = c.get(url)
        assert response.status_code == 403, url
        assert response.json()["code"] == "forbidden" and reason in response.json()["message"], url


# role → the menu offers 督查通报: every role that issues or receives bulletins; not the grid worker
IN_MENU = {
    "admin": True, "supervisor": True, "leader": True, "resp_leader": True, "staff": True, "community": True,
    "grid": False, "district": True, "tongtai": True,
}  # fmt: skip


@pytest.mark.parametrize("username", sorted(IN_MENU))
def test_the_menu_entry_is_for_those_who_issue_or_receive(demo_org: Any, username: str) -> None:
    from luoshi.core.registry import nav_items

    user = User.objects.get(username=username)
    assert ("bulletins" in {item.key for item in nav_items(user)}) is IN_MENU[username]


def test_actions_offered_are_the_ones_accepted(demo: dict[str, Any]) -> None:
    draft = demo["draft"]
    leader, supervisor = client_for("leader"), client_for("supervisor")
    page = leader.get(f"/bulletins/{draft.pk}/").content.decode()
    assert 'data-testid="action-issue"' not in page and 'data-testid="bulletin-editor"' not in page
    assert leader.post(f"/bulletins/{draft.pk}/act/issue/", {"version": draft.version}).status_code == 403
    page = supervisor.get(f"/bulletins/{draft.pk}/").content.decode()
    assert 'data-testid="action-issue"' in page and 'data-testid="action-submit"' in page
    assert supervisor.post(f"/bulletins/{draft.pk}/act/submit/", {"version": draft.version}).status_code == 302
    page = leader.get(f"/bulletins/{draft.pk}/").content.decode()
    assert 'data-testid="action-approve"' in page and 'data-testid="action-return"' in page
    assert client_for("district").post(f"/bulletins/{draft.pk}/act/approve/", {"version": 2}).status_code == 404
    assert leader.post(f"/bulletins/{draft.pk}/act/approve/", {"version": 2}).status_code == 302
    response = supervisor.post(f"/bulletins/{draft.pk}/act/issue/", {"version": 3}, follow=True)
    assert "城东督〔" in response.content.decode()
    assert Bulletin.objects.get(pk=draft.pk).status == Status.ISSUED


def test_supervisor_builds_edits_and_issues_through_the_pages(demo: dict[str, Any]) -> None:
    c = client_for("supervisor")
    response = c.post("/bulletins/new/", {"kind": "weekly", "unit": demo["township"].pk, "as_of": "2026-11-22"})
    assert response.status_code == 302
    b = Bulletin.objects.order_by("-pk").first()
    assert b is not None and b.as_of == dt.date(2026, 11, 22)
    sections = list(b.sections.order_by("position"))
    form: dict[str, Any] = {"version": b.version, "title": b.title, "cc": "区委督查室", "recipients": []}
    for s in sections:
        form[f"position_{s.pk}"] = s.position
        form[f"included_{s.pk}"] = "on"
        form[f"text_{s.pk}"] = "本周各单位加快推进。" if s.key == "tasks.flow" else ""
    assert c.post(f"/bulletins/{b.pk}/edit/", form).status_code == 302
    assert b.sections.get(key="tasks.flow").text == "本周各单位加快推进。"
    # bad input: a clear message, nothing saved, no 500
    form["version"] = 2
    form["title"] = ""
    response = c.post(f"/bulletins/{b.pk}/edit/", form, follow=True)
    assert "请填写通报标题" in response.content.decode()
    assert c.post(f"/bulletins/{b.pk}/edit/", {**form, "position_1": "x" * 30}).status_code in (302, 400)
    assert (
        c.post("/bulletins/new/", {"kind": "weekly", "unit": demo["township"].pk, "as_of": "2999-01-01"}).status_code
        == 200
    )
    preview = c.get(f"/bulletins/{b.pk}/file.docx")
    assert preview.status_code == 200  # the draft's preview
    assert saved_name(preview) == f"草稿-{b.title}.docx"
    assert c.post(f"/bulletins/{b.pk}/act/issue/", {"version": 2}).status_code == 302
    b.refresh_from_db()
    assert b.status == Status.ISSUED and b.doc_number.endswith("2号")
    assert saved_name(c.get(f"/bulletins/{b.pk}/file.docx")) == f"{b.doc_number}.docx"
    api = c.get(f"/api/v1/bulletins/{b.pk}").json()
    assert (api["doc_number"] == b.doc_number and api["files"] == ["docx", "xlsx"]) or api["files"] == ["docx"]
    assert c.get(f"/api/v1/bulletins/{b.pk}/file/docx").status_code == 200
    assert c.get(f"/api/v1/bulletins/{b.pk}/file/pdf").status_code == 404  # not rendered in tests
    assert c.get(f"/api/v1/bulletins/{b.pk}/file/exe").status_code in (400, 422)
    assert c.get("/api/v1/bulletins?status=nonsense").status_code in (400, 422)


def test_lists_keep_their_query_count(demo: dict[str, Any]) -> None:
    c = client_for("district")

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = (count("/bulletins/"), count("/api/v1/bulletins"))
    supervisor = User.objects.get(username="supervisor")
    for n in range(3):
        d = services.create_draft(
            actor=supervisor, data=services.DraftData(Kind.SPECIAL, demo["township"], AS_OF, subject=f"专项{n}")
        )
        services.act(actor=supervisor, bulletin=d, action=workflow.ISSUE)
    assert (count("/bulletins/"), count("/api/v1/bulletins")) == before


def test_demo_bulletins(demo_org: Any) -> None:
    from luoshi.bulletins import demo

    assert demo.load() == {"bulletins": 6}
    assert demo.load() == {"bulletins": 0}  # idempotent
    issued = list(
        Bulletin.objects.filter(status=Status.ISSUED).order_by("as_of", "pk").values_list("doc_number", "kind")
    )
    year = {n[:-1].split("〔")[1].split("〕")[0] for n, _k in issued}
    assert len(issued) == 5 and len(year) <= 2
    assert [k for _n, k in issued] == ["weekly", "weekly", "weekly", "monthly", "ranking"]
    assert Bulletin.objects.filter(status=Status.DRAFT, unit__code="CD").count() == 1
    # the last issued weekly bulletin is up to last Sunday, so this week's draft starts on Monday
    from django.utils import timezone

    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    weekly = Bulletin.objects.filter(kind=Kind.WEEKLY, unit__code="CD", status=Status.ISSUED).order_by("-as_of")
    assert weekly[0].as_of == monday - dt.timedelta(days=1)
    draft = Bulletin.objects.get(status=Status.DRAFT, unit__code="CD")
    assert (draft.period_start, draft.as_of) == (monday, today)
    assert all(b.docx for b in Bulletin.objects.filter(status=Status.ISSUED))
