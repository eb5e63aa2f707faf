"""Who sees which ranking and which breakdowns, role by role (the app's own role table).

The 晾晒比拼 is public among the peers it ranks: once a run is published, everyone with a
result of it in their scope sees the whole table (totals, subtotals, ranks, bands), but opens
the breakdowns — items, figures, the records behind them, manual scores, evidence, appeals —
of their own scope only. Readers over the organising unit see and open everything, at every
state. (tests/authz holds the cross-app matrix; this file states the assessment rules.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from luoshi.assessment import services
from luoshi.assessment.models import SubjectType
from luoshi.assessment.tests.factories import scheme_world
from luoshi.assessment.workflow import Action
from luoshi.org.models import Role
from luoshi.org.tests.factories import PersonFactory, PositionFactory, user_with_role
from luoshi.tasks.models import Status
from luoshi.tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/assessment"


def client_for(user: object) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _publish(org: Any, run: Any, item: Any, subjects: list[int]) -> Any:
    for subject in subjects:
        services.manual_score_enter(actor=org, run=run, item=item, subject_id=subject, points="7", reason="评定")
    run = services.run_transition(actor=org, run=run, action=Action.FREEZE)
    return services.run_transition(actor=org, run=run, action=Action.PUBLISH)


@pytest.fixture
def w(tree: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setattr("luoshi.tasks.metrics.timeutil.today", lambda: dt.date(2026, 5, 16))
    TaskFactory(lead_unit=tree["a"], deadline=dt.date(2026, 3, 20), status=Status.IN_PROGRESS)
    world = scheme_world(tree)
    org = world["organiser"]
    published = services.run_compute(actor=org, scheme=world["scheme"], period_key="2026-03")
    published = _publish(org, published, world["manual"], [tree["a"].pk, tree["b"].pk])
    review = services.run_compute(actor=org, scheme=world["scheme"], period_key="2026-04")
    users = {
        "organiser": org,  # supervisor at the district: organises the scheme
        "admin": user_with_role(Role.ADMIN, tree["district"], username="adm"),
        "viewer": user_with_role(Role.DISTRICT_VIEWER, tree["district"], username="viewer"),
        "a_leader": user_with_role(Role.LEADER, tree["a"], username="a_leader"),
        "a_resp_leader": user_with_role(Role.RESPONSIBLE_LEADER, tree["a"], username="a_resp"),
        "a_supervisor": user_with_role(Role.SUPERVISOR, tree["a"], username="a_sup"),
        "a_staff": user_with_role(Role.UNIT_STAFF, tree["a"], username="a_staff"),
        "b_supervisor": user_with_role(Role.SUPERVISOR, tree["b"], username="b_sup"),
        "dept_staff": user_with_role(Role.UNIT_STAFF, tree["dept"], username="dept"),  # below 甲街道
        "community": user_with_role(Role.COMMUNITY_STAFF, tree["community"], username="comm"),
        "grid": user_with_role(Role.GRID_WORKER, tree["grid"], username="grid"),
    }
    return {**tree, **world, "published": published, "review": review, "users": users}


A, B = "甲街道", "乙街道"
# role → (the published run's table: rows shown, names linked to a breakdown; breakdown of 甲, of 乙;
#         the run under review: its page)
RANKING = {
    "organiser": ([B, A], [B, A], 200, 200, 200),
    "admin": ([B, A], [B, A], 200, 200, 200),
    "viewer": ([B, A], [B, A], 200, 200, 200),
    "a_leader": ([B, A], [A], 200, 404, 404),
    "a_resp_leader": ([B, A], [A], 200, 404, 404),
    "a_supervisor": ([B, A], [A], 200, 404, 404),
    "a_staff": ([B, A], [A], 200, 404, 404),
    "b_supervisor": ([B, A], [B], 404, 200, 404),
    "dept_staff": (None, [], 404, 404, 404),  # below the scored unit: the run is not theirs
    "community": (None, [], 404, 404, 404),
    "grid": (None, [], 404, 404, 404),
}


@pytest.mark.parametrize("role", list(RANKING))
def test_the_published_ranking_is_public_among_peers_and_breakdowns_stay_in_scope(w: dict[str, Any], role: str) -> None:
    rows, linked, open_a, open_b, review = RANKING[role]
    run = w["published"]
    c = client_for(w["users"][role])
    page = c.get(f"/assessment/runs/{run.pk}/")
    if rows is None:
        assert page.status_code == 404
    else:
        html = page.content.decode()
        assert html.count('data-testid="result-row"') == len(rows)
        shown = [name for name in (B, A) if f">{name}</" in html]
        assert shown == rows
        assert [name for name in (B, A) if f'data-testid="result-link">{name}<' in html] == linked
        api = c.get(f"{API}/runs/{run.pk}/results").json()
        assert [r["name"] for r in api["results"]] == rows
    assert c.get(f"/assessment/runs/{run.pk}/s/{w['a'].pk}/").status_code == open_a
    assert c.get(f"/assessment/runs/{run.pk}/s/{w['b'].pk}/").status_code == open_b
    assert c.get(f"{API}/runs/{run.pk}/results/{w['a'].pk}").status_code == open_a
    assert c.get(f"{API}/runs/{run.pk}/results/{w['b'].pk}").status_code == open_b
    assert c.get(f"/assessment/runs/{w['review'].pk}/").status_code == review


def test_a_cadre_sees_the_cadres_ranking_and_only_their_own_breakdown(
    tree: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("luoshi.tasks.metrics.timeutil.today", lambda: dt.date(2026, 4, 16))
    a, b = tree["a"], tree["b"]
    cadre_user = user_with_role(Role.UNIT_STAFF, tree["dept"], username="cadre1")
    mine = PersonFactory(name="征迁甲", user=cadre_user)
    PositionFactory(unit=tree["dept"], person=mine, post="relocation")
    other = PositionFactory(unit=tree["dept"], person=PersonFactory(name="征迁乙"), post="relocation").person
    org = user_with_role(Role.SUPERVISOR, a, username="a_org")
    scheme = services.scheme_create(actor=org, owner=a, name="甲街道征迁岗赛马", subject_type=SubjectType.PERSON,
                                    posts=["relocation"], effective_from=dt.date(2026, 1, 1))  # fmt: skip
    version = scheme.versions.get()
    section = services.section_save(actor=org, version=version, name="实绩")
    manual = services.item_save(actor=org, section=section, name="评价", kind="manual", points="10")
    services.version_publish(actor=org, version=version)
    run = services.run_compute(actor=org, scheme=scheme, period_key="2026-03")
    run = _publish(org, run, manual, [mine.pk, other.pk])
    leader = user_with_role(Role.LEADER, a, username="a_leader")
    outsider = user_with_role(Role.LEADER, b, username="b_leader")
    # who → (rows shown, breakdown of 征迁甲, of 征迁乙)
    table = {cadre_user: (2, 200, 404), leader: (2, 200, 200), outsider: (None, 404, 404)}
    for user, (rows, open_mine, open_other) in table.items():
        c = client_for(user)
        page = c.get(f"/assessment/runs/{run.pk}/")
        if rows is None:
            assert page.status_code == 404
        else:
            assert page.content.decode().count('data-testid="result-row"') == rows
        assert c.get(f"/assessment/runs/{run.pk}/s/{mine.pk}/").status_code == open_mine
        assert c.get(f"/assessment/runs/{run.pk}/s/{other.pk}/").status_code == open_other
