"""Permission matrix: what each demo role may see and do with a round and a 红黑榜 of township a.

What the page offers (``allowed``) is what the service accepts: every action offered is
accepted, every action refused is not offered.
"""

from __future__ import annotations

from typing import Any

import pytest

from luoshi.awards import permissions, selectors, services, workflow
from luoshi.awards.models import ListIssue
from luoshi.core.errors import NotFound

ROLES = ("admin", "leader", "resp_leader", "supervisor", "staff", "community", "grid", "district", "tongtai")

#: role → (sees the round, actions offered while nominating, may open a round at a, may make a's lists)
EXPECTED: dict[str, tuple[bool, list[str], bool, bool]] = {
    "admin": (True, ["nominate", "add_member", "start_vote"], True, True),
    "leader": (True, ["nominate", "add_member", "start_vote"], True, True),
    "resp_leader": (True, ["nominate", "add_member", "start_vote"], True, True),
    "supervisor": (True, ["nominate", "add_member", "start_vote"], True, True),
    "staff": (True, ["nominate"], False, False),
    "community": (True, ["nominate"], False, False),
    "grid": (True, [], False, False),
    "district": (True, [], False, False),
    "tongtai": (False, [], False, False),
}


@pytest.mark.django_db
def test_permission_matrix(org: dict[str, Any]) -> None:
    w = org
    rnd = services.round_create(actor=w["supervisor"], award_type=w["star"], unit=w["a"], period="2026-Q3")
    issue = ListIssue.objects.create(unit=w["a"], period="2026-11", created_by=w["supervisor"])
    found: dict[str, tuple[bool, list[str], bool, bool]] = {}
    for role in ROLES:
        user = w[role]
        try:
            seen = selectors.access_round(user, rnd.pk)
        except NotFound:
            found[role] = (False, [], permissions.is_organiser(user, w["a"]), bool(permissions.list_roles(user, issue)))
            continue
        offered = workflow.allowed(workflow.ROUND_ROWS, seen.status, permissions.round_roles(user, seen))
        found[role] = (True, offered, permissions.is_organiser(user, w["a"]), bool(permissions.list_roles(user, issue)))
    assert found == EXPECTED


@pytest.mark.django_db
def test_only_the_panel_may_vote_and_the_page_offers_what_the_service_accepts(org: dict[str, Any]) -> None:
    w = org
    rnd = services.round_create(actor=w["supervisor"], award_type=w["star"], unit=w["a"], period="2026-Q3")
    nomination = services.nominate(actor=w["supervisor"], rnd=rnd, unit=w["c1"], reason="理由")
    services.add_member(actor=w["supervisor"], rnd=rnd, user=w["district"])
    services.transition(actor=w["supervisor"], rnd=rnd, action="start_vote")
    rnd.refresh_from_db()
    for role in ROLES:
        user = w[role]
        offered = "vote" in workflow.allowed(workflow.ROUND_ROWS, rnd.status, permissions.round_roles(user, rnd))
        assert offered == (role == "district"), role
    services.vote(actor=w["district"], rnd=rnd, nomination=nomination)  # accepted as offered
