"""A campaign links to a key project through core.links (the projects app is never imported)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from django.test import Client

from luoshi.core import links
from luoshi.core.errors import ValidationFailed
from luoshi.core.links import ProjectRef
from luoshi.relocation import services
from luoshi.relocation.tests.factories import Scene, make_campaign

pytestmark = pytest.mark.django_db

REF = ProjectRef(7, "XM-7", "东星片区安置房（一期）", "/projects/7/", None, "construction", "在建", "on_track", "正常")


class FakeProjects:
    """Project 7 is seen by the township's leader and staff; nobody sees project 8."""

    def __init__(self, s: Scene) -> None:
        self.seeing = {s.leader.pk, s.staff.pk}

    def refs(self, ids: Iterable[int]) -> dict[int, ProjectRef]:
        return {7: REF} if 7 in set(ids) else {}

    def choices(self, user: Any, *, q: str = "", limit: int = 50) -> list[ProjectRef]:
        return [REF] if user.pk in self.seeing else []

    def visible(self, user: Any, project_id: int) -> bool:
        return project_id == 7 and user.pk in self.seeing


@pytest.fixture
def projects(s: Scene, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(links, "_projects", FakeProjects(s))


def test_a_commander_links_a_project_they_see(s: Scene, projects: None) -> None:
    campaign = make_campaign(s)
    campaign = services.campaign_update(actor=s.leader, campaign=campaign, project_id=7)
    assert campaign.project_id == 7
    with pytest.raises(ValidationFailed) as exc:
        services.campaign_update(actor=s.leader, campaign=campaign, project_id=8)
    assert "project_id" in exc.value.details


def test_the_dashboard_and_the_api_show_the_project(s: Scene, projects: None) -> None:
    campaign = make_campaign(s, project_id=7)
    c = Client()
    c.force_login(s.viewer)  # reads the campaign; the link shows what the directory tells
    html = c.get(f"/relocation/{campaign.pk}/").content.decode()
    assert 'href="/projects/7/"' in html and "东星片区安置房（一期）" in html
    body = c.get(f"/api/v1/relocation/campaigns/{campaign.pk}").json()
    assert body["project"]["name"] == "东星片区安置房（一期）" and body["project_id"] == 7


def test_the_form_offers_projects_only_when_there_are_some(s: Scene, projects: None) -> None:
    campaign = make_campaign(s)
    c = Client()
    c.force_login(s.leader)
    assert 'name="project_id"' in c.get(f"/relocation/{campaign.pk}/edit/").content.decode()
    links._projects = None  # the monkeypatch puts the directory back
    assert 'name="project_id"' not in c.get(f"/relocation/{campaign.pk}/edit/").content.decode()
