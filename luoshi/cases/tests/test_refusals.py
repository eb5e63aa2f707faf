"""Nothing is offered that will be refused (issue 14, finding 3), written out by hand.

For each case state and person below, the table says which actions they are offered, in the
order of the buttons. The same list must come from all three places that answer the question:
the case page's action forms, ``allowed_actions`` in the API, and the service itself (every one
of the 23 actions is tried: the offered ones go through, every other one is refused).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from luoshi.cases import services
from luoshi.cases.models import Rating, Status
from luoshi.cases.tests.factories import report, to_state
from luoshi.core.errors import LuoshiError
from luoshi.core.testing import picture
from luoshi.core.timeutil import today as local_today
from luoshi.org.models import Role
from luoshi.org.tests.factories import grant

pytestmark = pytest.mark.django_db

ACTIONS = [
    "accept", "decline", "refer_up", "merge", "dispatch", "reassign", "add_co_unit", "return", "start",
    "co_reply", "request_extension", "decide_extension", "reply", "verify", "send_back", "close_unresolved",
    "rate", "reopen", "return_visit", "supervise", "mediate", "note", "handle_on_spot",
]  # fmt: skip

# state | category | extra | who | offered (in button order). "replier": the staff member who
# replied, here also holding a supervisor's role at the township; "pending": an extension waits.
TABLE = """
reported   | 01001 | -       | supervisor | accept decline refer_up merge supervise note
reported   | 01001 | -       | grid       | handle_on_spot note
reported   | 01001 | -       | community  | handle_on_spot note
reported   | 05004 | -       | grid       | note
reported   | 01001 | -       | viewer     | -
dispatched | 01001 | -       | supervisor | reassign add_co_unit close_unresolved supervise note
dispatched | 01001 | -       | staff      | return start request_extension note
dispatched | 01001 | pending | supervisor | reassign add_co_unit decide_extension close_unresolved supervise note
dispatched | 01001 | pending | staff      | return start note
dispatched | 01001 | -       | grid       | note
handled    | 01001 | -       | supervisor | verify send_back close_unresolved supervise note
handled    | 01001 | -       | grid       | verify send_back note
handled    | 01001 | -       | staff      | note
handled    | 01001 | replier | staff      | send_back close_unresolved supervise note
handled    | 07002 | -       | supervisor | verify send_back close_unresolved supervise mediate note
handled    | 07002 | -       | grid       | verify send_back mediate note
handled    | 07002 | -       | viewer     | -
closed     | 01001 | -       | supervisor | rate reopen return_visit note
closed     | 01001 | -       | grid       | rate note
closed     | 01001 | -       | community  | rate note
closed     | 01001 | -       | staff      | note
closed     | 01001 | replier | staff      | reopen note
closed     | 01001 | -       | viewer     | -
"""


def _rows() -> list[tuple[str, str, str, str, list[str]]]:
    rows = []
    for line in TABLE.strip().splitlines():
        state, code, extra, who, offered = (part.strip() for part in line.split("|"))
        rows.append((state, code, extra, who, [] if offered == "-" else offered.split()))
    return rows


def test_the_table_has_every_row():
    assert len(_rows()) == 23


def _case(w: Any, state: str, code: str, extra: str) -> Any:
    if extra == "replier":
        grant(w.staff, Role.SUPERVISOR, w.a)
    case = to_state(w, state, code=code)
    if extra == "pending":
        services.case_request_extension(actor=w.staff, case=case, days=2, comment="材料未到")
    return case


def _params(w: Any, original: Any) -> dict[str, dict[str, Any]]:
    reason = {"comment": "矩阵：理由"}
    return {
        "accept": {}, "decline": reason, "refer_up": reason, "merge": {"original": original.tracking_no},
        "dispatch": {"handling_unit": w.dept.pk}, "reassign": {"handling_unit": w.dept2.pk, **reason},
        "add_co_unit": {"co_units": [w.dept2.pk]}, "return": reason, "start": {}, "co_reply": reason,
        "request_extension": {"days": 2, **reason}, "decide_extension": {"approve": True}, "reply": reason,
        "verify": {}, "send_back": reason, "close_unresolved": reason, "rate": {"rating": "satisfied"},
        "reopen": reason, "return_visit": {"rating": "satisfied", **reason}, "supervise": {"level": "yellow"},
        "mediate": {"held_on": local_today() - dt.timedelta(days=1), "mediators": "调解员甲",
                    "parties": "张三、李四", "outcome": "partial"},
        "note": reason, "handle_on_spot": reason,
    }  # fmt: skip


class _Undo(Exception):
    pass


def _photo(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, picture("JPEG"), content_type="image/jpeg")


def _accepted_by_service(user: Any, case: Any, action: str, params: dict[str, Any]) -> bool:
    if action == "handle_on_spot":
        params = {**params, "files": [_photo("after.jpg")], "before_files": [_photo("before.jpg")]}
    try:
        with transaction.atomic():
            services.case_act(actor=user, case=case, action=action, **params)
            raise _Undo
    except _Undo:
        return True
    except LuoshiError:
        return False


@pytest.mark.parametrize(("state", "code", "extra", "who", "offered"), _rows())
def test_page_api_and_service_agree(w, state, code, extra, who, offered):
    case = _case(w, state, code, extra)
    user = getattr(w, who)
    client = Client()
    client.force_login(user)

    api = client.get(f"/api/v1/cases/{case.pk}").json()
    assert api["allowed_actions"] == offered

    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert re.findall(r'class="action-form[^"]*" data-action="(\w+)"', page) == offered

    original = report(w, title="原件")
    params = _params(w, original)
    accepted = {a for a in ACTIONS if _accepted_by_service(user, case, a, params[a])}
    assert accepted == set(offered)


def test_a_refused_action_says_why(w):
    """The page and the API refuse what is not offered with the service's reason, never a bare 404."""
    grant(w.staff, Role.SUPERVISOR, w.a)
    case = to_state(w, "handled")
    client = Client()
    client.force_login(w.staff)
    api = client.post(f"/api/v1/cases/{case.pk}/transitions", {"action": "verify"}, content_type="application/json")
    assert (api.status_code, api.json()["code"]) == (403, "verify_self")
    page = client.post(f"/cases/{case.pk}/act/", {"action": "verify", "version": case.version})
    assert page.status_code == 403
    assert "不能核查自己" in page.content.decode() or "自己" in page.content.decode()

    closed = to_state(w, "closed")
    client.force_login(w.supervisor)
    mediate = client.post(
        f"/api/v1/cases/{closed.pk}/transitions",
        {"action": "mediate", "held_on": "2026-01-05", "mediators": "甲", "parties": "乙", "outcome": "partial"},
        content_type="application/json",
    )
    assert (mediate.status_code, mediate.json()["code"]) == (409, "wrong_state")
    handled = to_state(w, "handled")
    mediate = client.post(
        f"/api/v1/cases/{handled.pk}/transitions",
        {"action": "mediate", "held_on": "2026-01-05", "mediators": "甲", "parties": "乙", "outcome": "partial"},
        content_type="application/json",
    )
    assert (mediate.status_code, mediate.json()["code"]) == (409, "not_dispute")
    assert mediate.json()["message"] == "只有纠纷类案件才能登记调解。" or "调解" in mediate.json()["message"]


# --- The rater rule: whoever did the work does not record the resident's rating ------------------------


def test_the_handler_who_closed_a_case_cannot_rate_it(w):
    grant(w.staff, Role.SUPERVISOR, w.a)  # the replier also holds a command role
    case = to_state(w, "closed")
    with pytest.raises(LuoshiError) as refused:
        services.case_rate(actor=w.staff, case=case, rating="satisfied")
    assert (refused.value.status, refused.value.code) == (403, "rate_own_work")
    with pytest.raises(LuoshiError) as refused:
        services.case_return_visit(actor=w.staff, case=case, comment="回访", rating="satisfied")
    assert (refused.value.status, refused.value.code) == (403, "rate_own_work")
    rated = services.case_rate(actor=w.supervisor, case=case, rating="basic")
    assert (rated.status, rated.rating) == (Status.RATED, Rating.BASIC)


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("supervisor", 200, None),  # the command unit of the township
        ("community", 403, "transition_forbidden"),  # the community where it happened
        ("grid", 403, "transition_forbidden"),
        ("staff", 403, "transition_forbidden"),  # the unit that did the work
        ("viewer", 403, "transition_forbidden"),
    ],
)
def test_return_visits_are_the_owning_units(client, w, who, status, code):
    case = to_state(w, "rated")
    client.force_login(getattr(w, who))
    response = client.post(
        f"/api/v1/cases/{case.pk}/transitions",
        {"action": "return_visit", "comment": "电话回访", "method": "phone"},
        content_type="application/json",
    )
    assert response.status_code == status, response.content
    if code:
        assert response.json()["code"] == code


# --- Read-only roles: no intake offered, and a refused write says why (403, not 404) ---------------------


@pytest.mark.parametrize("url", ["/cases/new/", "/cases/report/"])
def test_the_district_viewer_gets_no_intake_form(w, url):
    client = Client()
    client.force_login(w.viewer)
    for response in (client.get(url), client.post(url, {"description": "看看"})):
        assert response.status_code == 403
        body = response.content.decode()
        assert "无权操作" in body and "<form" not in body.split("<main", 1)[-1].split("</main>", 1)[0]
    inbox = client.get("/cases/").content.decode()
    assert 'data-testid="report-button"' not in inbox and "/cases/new/" not in inbox


def test_the_district_viewer_is_told_why_on_the_api(w):
    client = Client()
    client.force_login(w.viewer)
    response = client.post(
        "/api/v1/cases",
        {"category": "01001", "unit_id": w.grid_unit.pk, "description": "看看"},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (403, "read_only")
    assert "无权操作" in response.json()["message"]


def test_a_grid_worker_is_offered_intake(w):
    client = Client()
    client.force_login(w.grid)
    assert client.get("/cases/report/").status_code == 200
    assert 'data-testid="report-button"' in client.get("/cases/").content.decode()


# --- Status that agrees with itself: 满意 on the return visit replaces 不满意 everywhere -------------------


def test_a_satisfied_return_visit_replaces_unsatisfied_everywhere(w):
    case = to_state(w, "closed")
    case = services.case_rate(actor=None, case=case, rating="unsatisfied", token=case.public_token, comment="太慢")
    services.case_return_visit(actor=w.supervisor, case=case, comment="再次上门，已满意", rating="satisfied")
    case.refresh_from_db()
    assert (case.status, case.rating, case.needs_return_visit) == (Status.RATED, "satisfied", False)
    client = Client()
    client.force_login(w.supervisor)
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="case-rating">满意<' in detail
    strip = detail.split('class="status-strip"')[1].split("</div>")[0]
    assert "满意" in strip and "不满意" not in strip and "需回访" not in strip
    assert client.get(f"/api/v1/cases/{case.pk}").json()["rating"] == "satisfied"
    today = local_today().isoformat()
    stats = client.get(f"/api/v1/cases/stats?start={today}&end={today}&group=township").json()
    assert [(r["satisfied"], r["unsatisfied"]) for r in stats] == [(1, 0)]


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("post", "/cases/daily/?kind=screening", {"kind": "screening", "nothing_to_report": "on"}),
        ("get", "/cases/map/grids/", None),
        ("post", "/cases/map/grids/", {}),
    ],
)
def test_other_writes_refuse_the_viewer_with_the_reason(w, method, url, data):
    client = Client()
    client.force_login(w.viewer)
    response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
    assert response.status_code == 403
    assert "无权操作" in response.content.decode()
