"""Bulletin schedules from the pages: a supervisor sets, changes and pauses the schedules of their own
units (bounded input, errors in Chinese); the worker makes the draft, which waits to be reviewed and
issued, and issuing gives it the unit's next number."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from luoshi.accounts.models import User
from luoshi.bulletins import selectors, services, workflow
from luoshi.bulletins.models import Bulletin, Kind, Schedule, Status
from luoshi.org.models import Unit

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def client_for(username: str) -> Client:
    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


@pytest.fixture
def cd(demo_org: Any) -> Unit:
    """城东街道, with a weekly schedule (Mondays 09:00) as the bulletins demo sets."""
    township = Unit.objects.get(code="CD")
    Schedule.objects.create(
        unit=township, kind=Kind.WEEKLY, weekday=0, hour=9, created_by=User.objects.get(username="supervisor")
    )
    return township


FORM = {"kind": "weekly", "weekday": "0", "hour": "9", "is_active": "on"}


def test_the_supervisor_creates_changes_pauses_and_resumes_a_schedule(cd: Unit) -> None:
    c = client_for("supervisor")
    assert c.get("/bulletins/").content.decode().count('href="/bulletins/schedules/"') == 1
    page = c.get("/bulletins/schedules/new/")
    assert page.status_code == 200
    # the units offered are the supervisor's own (城东街道), not 通泰街道
    assert [u.code for u in page.context["form"].fields["unit"].queryset] == ["CD"]

    response = c.post("/bulletins/schedules/new/", {**FORM, "unit": cd.pk, "kind": "monthly", "hour": "8"})
    assert response.status_code == 302 and response["Location"] == "/bulletins/schedules/"
    schedule = Schedule.objects.get(unit=cd, kind=Kind.MONTHLY)
    assert (schedule.weekday, schedule.hour, schedule.is_active) == (0, 8, True)
    assert schedule.created_by.username == "supervisor"

    listing = c.get("/bulletins/schedules/").content.decode()
    assert "每月1日 08:00" in listing
    edit = c.post(f"/bulletins/schedules/{schedule.pk}/", {**FORM, "unit": cd.pk, "kind": "monthly", "hour": "10"})
    assert edit.status_code == 302
    schedule.refresh_from_db()
    assert schedule.hour == 10

    c.post(f"/bulletins/schedules/{schedule.pk}/toggle/")
    schedule.refresh_from_db()
    assert schedule.is_active is False
    assert "已暂停" in c.get("/bulletins/schedules/").content.decode()
    c.post(f"/bulletins/schedules/{schedule.pk}/toggle/")
    schedule.refresh_from_db()
    assert schedule.is_active is True


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"hour": "24"}, "hour", "确保该值小于或等于23。"),
        ({"hour": "-1"}, "hour", "确保该值大于或等于0。"),
        ({"hour": "九点"}, "hour", "输入整数。"),
        ({"weekday": "7"}, "weekday", "选择一个有效的选项。 7 不在可用的选项中。"),
        ({"kind": "special"}, "kind", "选择一个有效的选项。 special 不在可用的选项中。"),
        # 城东街道's weekly schedule exists already
        ({}, "kind", "该单位已有此类通报的定时生成，请修改原有设置。"),
    ],
)
def test_bounded_input_with_errors_in_chinese(cd: Unit, changes: dict[str, str], field: str, message: str) -> None:
    before = Schedule.objects.count()
    response = client_for("supervisor").post("/bulletins/schedules/new/", {**FORM, "unit": cd.pk, **changes})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert Schedule.objects.count() == before


def test_a_unit_outside_the_supervisors_scope_is_refused(cd: Unit) -> None:
    tongtai = Unit.objects.get(code="TT")
    response = client_for("supervisor").post("/bulletins/schedules/new/", {**FORM, "unit": tongtai.pk})
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.context["form"].errors["unit"][0]
    assert not Schedule.objects.filter(unit=tongtai).exists()


# who opens the schedules: supervisors and administrators (of their units); the others get 404, and a grid
# worker (who neither issues nor receives bulletins) 403 with the reason
OPENS = {
    "admin": True, "supervisor": True, "tongtai": True, "leader": False, "resp_leader": False, "staff": False,
    "community": False, "grid": False, "district": False,
}  # fmt: skip


@pytest.mark.parametrize("username", sorted(OPENS))
def test_who_opens_the_schedules(cd: Unit, username: str) -> None:
    schedule = Schedule.objects.get(unit=cd, kind=Kind.WEEKLY)
    c = client_for(username)
    refused = 403 if username == "grid" else 404
    assert c.get("/bulletins/schedules/").status_code == (200 if OPENS[username] else refused)
    # 城东街道's schedule: its supervisor and the administrator; not 通泰街道's supervisor
    sees = username in ("admin", "supervisor")
    assert c.get(f"/bulletins/schedules/{schedule.pk}/").status_code == (200 if sees else refused)
    assert c.post(f"/bulletins/schedules/{schedule.pk}/toggle/").status_code == (302 if sees else refused)


def test_next_draft_time() -> None:
    s = Schedule(kind=Kind.WEEKLY, weekday=0, hour=9, is_active=True)
    thursday = dt.datetime(2026, 12, 3, 15, tzinfo=TZ)
    assert selectors.next_run(s, thursday) == dt.datetime(2026, 12, 7, 9, tzinfo=TZ)
    monday_before = dt.datetime(2026, 12, 7, 8, 30, tzinfo=TZ)
    assert selectors.next_run(s, monday_before) == dt.datetime(2026, 12, 7, 9, tzinfo=TZ)
    monday_after = dt.datetime(2026, 12, 7, 9, 30, tzinfo=TZ)
    assert selectors.next_run(s, monday_after) == monday_after  # due now
    s.last_run_on = dt.date(2026, 12, 7)
    assert selectors.next_run(s, monday_after) == dt.datetime(2026, 12, 14, 9, tzinfo=TZ)
    monthly = Schedule(kind=Kind.MONTHLY, weekday=0, hour=8, is_active=True)
    assert selectors.next_run(monthly, thursday) == dt.datetime(2027, 1, 1, 8, tzinfo=TZ)
    monthly.is_active = False
    assert selectors.next_run(monthly, thursday) is None


def test_the_worker_makes_the_draft_and_issuing_numbers_it(cd: Unit) -> None:
    schedule = Schedule.objects.get(unit=cd, kind=Kind.WEEKLY)
    monday = dt.datetime(2026, 11, 30, 9, 5, tzinfo=TZ)
    assert services.run_schedules(monday - dt.timedelta(minutes=10)) == 0  # 08:55: not yet
    assert services.run_schedules(monday) == 1
    assert services.run_schedules(monday + dt.timedelta(minutes=10)) == 0  # once a day
    draft = Bulletin.objects.get(schedule=schedule)
    assert (draft.kind, draft.as_of, draft.period_start, draft.status, draft.created_by) == (
        Kind.WEEKLY, dt.date(2026, 11, 29), dt.date(2026, 11, 23), Status.DRAFT, None,
    )  # fmt: skip
    assert draft.doc_number == ""
    # it waits in the supervisor's list of drafts; the history says the worker built it
    c = client_for("supervisor")
    assert draft.title in c.get("/bulletins/?status=draft").content.decode()
    assert "定时任务" in c.get(f"/bulletins/{draft.pk}/").content.decode()

    # a paused schedule makes nothing
    Schedule.objects.filter(pk=schedule.pk).update(is_active=False)
    assert services.run_schedules(monday + dt.timedelta(days=7)) == 0
    Schedule.objects.filter(pk=schedule.pk).update(is_active=True)

    supervisor = User.objects.get(username="supervisor")
    issued = services.act(actor=supervisor, bulletin=draft, action=workflow.ISSUE, issue_day=dt.date(2026, 11, 30))
    assert issued.status == Status.ISSUED
    assert issued.doc_number == "城东督〔2026〕1号"
    assert issued.docx
