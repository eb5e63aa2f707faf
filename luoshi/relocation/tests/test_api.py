"""API: scope (404), who may write (403), stages against the ledger (409), masking, logged reads,
bounded input (400/422) and fixed query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from luoshi.core.models import ActivityLog
from luoshi.relocation.models import Household
from luoshi.relocation.tests.factories import START, Scene, make_campaign, make_household, make_parcel

pytestmark = pytest.mark.django_db

API = "/api/v1/relocation"


def send(client: Any, method: str, url: str, data: dict[str, Any]) -> Any:
    return getattr(client, method)(url, data, content_type="application/json")


def test_campaigns_are_scoped_and_carry_their_figures(client: Any, s: Scene) -> None:
    campaign = make_campaign(s)
    make_household(campaign, "001", signed_on=START, house_area=Decimal("450.50"))
    make_household(campaign, "002")
    client.force_login(s.viewer)
    body = client.get(f"{API}/campaigns").json()
    assert body["count"] == 1
    figures = body["results"][0]["figures"]
    assert (figures["households"], figures["signed"], figures["signing_rate"]) == (2, 1, "50.0")
    assert figures["house_area_signed"] == "450.50"
    client.force_login(s.outsider)
    assert client.get(f"{API}/campaigns").json()["count"] == 0
    assert client.get(f"{API}/campaigns/{campaign.pk}").status_code == 404


def test_a_leader_creates_a_campaign_and_the_team_runs_the_ledger(client: Any, s: Scene) -> None:
    client.force_login(s.leader)
    r = send(client, "post", f"{API}/campaigns", {
        "unit_id": s.township.pk, "team_id": s.team.pk, "code": "TA-7", "name": "甲七号地块",
        "launched_on": "2026-06-20", "signing_starts_on": "2026-06-30", "signing_deadline": "2026-07-29",
        "clearance_deadline": "2026-09-30", "is_public": True,
    })  # fmt: skip
    assert r.status_code == 201, r.content
    campaign = r.json()
    assert campaign["stage"] == "launched" and campaign["allowed_actions"] == ["start_signing"]

    client.force_login(s.staff)
    url = f"{API}/campaigns/{campaign['id']}"
    r = send(client, "post", f"{url}/transitions", {"action": "start_signing"})
    assert r.status_code == 409 and r.json()["code"] == "ledger_empty"
    r = send(client, "post", f"{url}/households", {"number": "001", "owner_name": "王建国", "house_area": "450.5",
                                                    "owner_id_no": "990101196501011233"})  # fmt: skip
    assert r.status_code == 201, r.content
    household = r.json()
    r = send(client, "post", f"{url}/transitions", {"action": "start_signing"})
    assert r.status_code == 200 and r.json()["stage"] == "signing"
    step = {"version": household["version"], "signed_on": "2026-06-30", "compensation_agreed": "4370000"}
    r = send(client, "patch", f"{url}/households/{household['id']}", step)
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "signed"
    r = send(client, "patch", f"{url}/households/{household['id']}", {"version": household["version"], "note": "x"})
    assert r.status_code == 409 and r.json()["code"] == "stale"
    assert client.get(url).json()["figures"]["signing_rate"] == "100.0"


def test_lists_mask_owners_and_a_read_of_one_is_logged(client: Any, s: Scene) -> None:
    campaign = make_campaign(s)
    h = make_household(campaign, "001")
    client.force_login(s.staff)
    row = client.get(f"{API}/campaigns/{campaign.pk}/households").json()["results"][0]
    assert (row["owner_name"], row["owner_id_no"], row["phone"], row["owner_masked"]) == (
        "王**",
        "9901************33",
        "139****5678",
        True,
    )
    one = client.get(f"{API}/campaigns/{campaign.pk}/households/{h.pk}").json()
    assert (one["owner_name"], one["owner_masked"]) == ("王建国", False)
    client.force_login(s.viewer)
    one = client.get(f"{API}/campaigns/{campaign.pk}/households/{h.pk}").json()
    assert (one["owner_name"], one["owner_masked"]) == ("王**", True)
    assert ActivityLog.objects.filter(verb="view", object_id=str(h.pk)).count() == 2


@pytest.mark.parametrize(("who", "status"), [("staff", 201), ("leader", 201), ("viewer", 403), ("other_staff", 404)])
def test_who_may_add_to_the_ledger(client: Any, s: Scene, who: str, status: int) -> None:
    campaign = make_campaign(s)
    client.force_login(getattr(s, who))
    r = send(client, "post", f"{API}/campaigns/{campaign.pk}/households",
             {"number": "001", "owner_name": "李四", "house_area": "80"})  # fmt: skip
    assert r.status_code == status


@pytest.mark.parametrize(
    "payload",
    [
        {"number": "", "owner_name": "李四", "house_area": "80"},
        {"number": "1" * 33, "owner_name": "李四", "house_area": "80"},
        {"number": "1", "owner_name": "李四", "house_area": "-1"},
        {"number": "1", "owner_name": "李四", "house_area": "100000000"},
        {"number": "1", "owner_name": "李四", "house_area": "80", "compensation_agreed": "1e20"},
        {"number": "1", "owner_name": "李四", "house_area": "80", "signed_on": "2026-02-30"},
        {"number": "1", "owner_name": "李四", "house_area": "80", "relocation_choice": "gold"},
        {"number": "1", "owner_name": "李四" * 40, "house_area": "80"},
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(client: Any, s: Scene, payload: dict[str, Any]) -> None:
    campaign = make_campaign(s)
    client.force_login(s.staff)
    r = send(client, "post", f"{API}/campaigns/{campaign.pk}/households", payload)
    assert r.status_code in (400, 422)
    assert "message" in r.json() or "detail" in r.json()
    assert not Household.objects.exists()


def test_a_parcel_of_another_campaign_is_refused(client: Any, s: Scene) -> None:
    campaign, other = make_campaign(s), make_campaign(s, code="TA-2")
    parcel = make_parcel(other)
    client.force_login(s.staff)
    r = send(client, "post", f"{API}/campaigns/{campaign.pk}/households",
             {"number": "1", "owner_name": "李四", "house_area": "80", "parcel_id": parcel.pk})  # fmt: skip
    assert r.status_code == 400


def test_progress_counts_per_day(client: Any, s: Scene) -> None:
    campaign = make_campaign(s)
    make_household(campaign, "001", signed_on=START, vacated_on=START + dt.timedelta(days=1))
    make_household(campaign, "002", signed_on=START + dt.timedelta(days=1))
    client.force_login(s.viewer)
    days = client.get(f"{API}/campaigns/{campaign.pk}/progress").json()
    assert days[0] == {"day": "2026-06-30", "signed": 1, "vacated": 0, "demolished": 0,
                       "signed_total": 1, "vacated_total": 0, "demolished_total": 0}  # fmt: skip
    assert days[1]["signed_total"] == 2 and days[1]["vacated_total"] == 1


def test_list_queries_stay_fixed_whatever_the_page_size(
    client: Any, s: Scene, django_assert_max_num_queries: Any
) -> None:
    for n in range(12):
        c = make_campaign(s, code=f"TA-{n}")
        make_household(c, "001", signed_on=START)
        make_household(c, "002")
    client.force_login(s.staff)
    client.get(f"{API}/campaigns?page_size=2")
    with django_assert_max_num_queries(9):
        assert client.get(f"{API}/campaigns?page_size=50").json()["count"] == 12
    campaign = c
    for n in range(3, 40):
        make_household(campaign, f"{n:03d}")
    with django_assert_max_num_queries(9):
        assert client.get(f"{API}/campaigns/{campaign.pk}/households?page_size=200").json()["count"] == 39


def test_a_household_names_its_responsible_cadre(client: Any, s: Scene) -> None:
    from luoshi.org.tests.factories import PersonFactory, PositionFactory

    campaign = make_campaign(s)
    cadre = PositionFactory(unit=s.team, person=PersonFactory(name="包户甲"), post="relocation").person
    outsider = PositionFactory(unit=s.other_township, person=PersonFactory(name="外人丙")).person
    client.force_login(s.staff)
    url = f"{API}/campaigns/{campaign.pk}/households"
    r = send(client, "post", url, {"number": "1", "owner_name": "李四", "house_area": "80", "cadre_id": cadre.pk})
    assert r.status_code == 201 and (r.json()["cadre_id"], r.json()["cadre_name"]) == (cadre.pk, "包户甲")
    household = r.json()
    r = send(client, "post", url, {"number": "2", "owner_name": "王五", "house_area": "80", "cadre_id": outsider.pk})
    assert r.status_code == 400 and "甲街道" in r.json()["message"]
    assert not Household.objects.filter(number="2").exists()
    r = send(client, "patch", f"{url}/{household['id']}", {"version": household["version"], "cadre_id": outsider.pk})
    assert r.status_code == 400 and Household.objects.get(number="1").cadre_id == cadre.pk
    r = send(client, "patch", f"{url}/{household['id']}", {"version": household["version"], "cadre_id": None})
    assert r.status_code == 200 and r.json()["cadre_id"] is None
    listed = client.get(url).json()["results"]
    assert [(h["number"], h["cadre_name"]) for h in listed] == [("1", None)]
