"""Campaign pages: what each reader sees, masking, the phone step form, the public page, query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from luoshi.core.models import ActivityLog
from luoshi.relocation.models import Household
from luoshi.relocation.tests.factories import START, Scene, make_campaign, make_household, make_parcel

pytestmark = pytest.mark.django_db


def client_for(user: object) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def campaign(s: Scene):
    c = make_campaign(s, is_public=True, compensation_standard="货币补偿基准价 9,200 元/平方米")
    parcel = make_parcel(c, lat=Decimal("27.93"), lng=Decimal("120.79"))
    make_household(
        c, "001", parcel=parcel, signed_on=START, compensation_agreed=Decimal("900000"), house_area=Decimal("450.5")
    )
    make_household(c, "002", parcel=parcel, owner_name="李秀英", owner_id_no="99010119700202566X")
    return c


def test_the_list_shows_figures_from_the_ledger(s: Scene, campaign) -> None:
    html = client_for(s.staff).get("/relocation/").content.decode()
    assert "甲一号地块征收项目" in html
    assert "50.0%" in html  # 1 of 2 signed
    assert "451" in html  # area signed, rounded


def test_list_queries_do_not_grow_with_campaigns(s: Scene, campaign, django_assert_max_num_queries) -> None:
    c = client_for(s.staff)
    c.get("/relocation/")
    for n in range(2, 12):
        other = make_campaign(s, code=f"TA-{n}")
        make_household(other, "001", signed_on=START)
    with django_assert_max_num_queries(12):
        response = c.get("/relocation/")
    assert response.status_code == 200


def test_a_household_list_masks_owners_for_everyone(s: Scene, campaign) -> None:
    for user in (s.staff, s.viewer):
        html = client_for(user).get(f"/relocation/{campaign.pk}/households/").content.decode()
        assert "王**" in html and "李**" in html
        assert "王建国" not in html and "李秀英" not in html


def test_the_staff_see_the_owner_on_the_household_page_and_the_opening_is_logged(s: Scene, campaign) -> None:
    h = Household.objects.get(number="002")
    html = client_for(s.staff).get(f"/relocation/{campaign.pk}/households/{h.pk}/").content.decode()
    assert "李秀英" in html and "99010119700202566X" in html
    html = client_for(s.viewer).get(f"/relocation/{campaign.pk}/households/{h.pk}/").content.decode()
    assert "李秀英" not in html and "9901************6X" in html
    assert "data-step" not in html  # the viewer records nothing
    assert ActivityLog.objects.filter(verb="view", object_id=str(h.pk)).count() == 2


def test_staff_record_a_signing_from_the_household_page(s: Scene, campaign, monkeypatch) -> None:
    h = Household.objects.get(number="002")
    response = client_for(s.staff).post(
        f"/relocation/{campaign.pk}/households/{h.pk}/",
        {
            "step": "sign",
            "on": START.isoformat(),
            "compensation_agreed": "650000",
            "relocation_choice": "cash",
            "version": h.version,
        },
    )
    assert response.status_code == 302
    h.refresh_from_db()
    assert (h.signed_on, h.compensation_agreed, h.relocation_choice) == (START, Decimal("650000.00"), "cash")


def test_a_step_without_a_date_is_refused_in_chinese(s: Scene, campaign) -> None:
    h = Household.objects.get(number="002")
    response = client_for(s.staff).post(
        f"/relocation/{campaign.pk}/households/{h.pk}/", {"step": "sign", "on": "", "version": h.version}
    )
    assert response.status_code == 200
    assert "请填写日期" in response.content.decode()
    h.refresh_from_db()
    assert h.signed_on is None


def test_a_viewer_cannot_post_a_step(s: Scene, campaign) -> None:
    h = Household.objects.get(number="002")
    response = client_for(s.viewer).post(
        f"/relocation/{campaign.pk}/households/{h.pk}/", {"step": "sign", "on": START.isoformat(), "version": h.version}
    )
    assert response.status_code == 403
    h.refresh_from_db()
    assert h.signed_on is None


@pytest.mark.parametrize(
    ("who", "status"), [("staff", 200), ("viewer", 200), ("leader", 200), ("outsider", 404), ("other_staff", 404)]
)
def test_who_reaches_the_dashboard(s: Scene, campaign, who: str, status: int) -> None:
    assert client_for(getattr(s, who)).get(f"/relocation/{campaign.pk}/").status_code == status


def test_the_dashboard_and_the_battle_map(s: Scene, campaign) -> None:
    c = client_for(s.staff)
    html = c.get(f"/relocation/{campaign.pk}/").content.decode()
    assert 'data-testid="progress-chart"' in html and 'id="progress-chart"' in html
    assert "约定 90.00 万元，已付 0.00 万元" in html  # money read out in 万元, not a nine-digit 元 figure
    html = c.get(f"/relocation/{campaign.pk}/map/").content.decode()
    assert 'id="parcel-data"' in html and "50.0%" in html
    assert 'data-testid="board-count-pending">1<' in html and 'data-testid="board-count-signed">1<' in html


def test_the_public_page_has_totals_and_the_standard_and_no_personal_data(s: Scene, campaign) -> None:
    html = Client().get(f"/sunshine/{campaign.code}/").content.decode()
    assert "甲一号地块征收项目" in html and "9,200 元/平方米" in html
    assert 'data-testid="fig-signed">1' in html
    assert 'data-testid="public-paid">0.00 万元' in html
    for personal in ("王", "李秀英", "9901", "139", "001", "002"):
        assert personal not in html.split('data-testid="public-campaign"')[1]


def test_large_sums_of_compensation_are_grouped_by_thousands(s: Scene) -> None:
    # 东星4号地块 paid about 5.3 亿元: 530,366,200 元 reads 53,036.62 万元, not 53036.62.
    c = make_campaign(s, code="TA-BIG", is_public=True)
    make_household(
        c, "001", signed_on=START, compensation_agreed=Decimal("530366200"), compensation_paid=Decimal("530366200")
    )
    html = client_for(s.staff).get(f"/relocation/{c.pk}/").content.decode()
    assert "约定 53,036.62 万元，已付 53,036.62 万元" in html
    assert 'data-testid="public-paid">53,036.62 万元' in Client().get("/sunshine/TA-BIG/").content.decode()


def test_an_unpublished_campaign_has_no_public_page(s: Scene) -> None:
    c = make_campaign(s, code="TA-X", is_public=False)
    assert Client().get(f"/sunshine/{c.code}/").status_code == 404
    assert "TA-X" not in Client().get("/sunshine/").content.decode()


def test_a_commander_moves_the_stage_from_the_dashboard(s: Scene, campaign) -> None:
    c = client_for(s.staff)
    c.post(f"/relocation/{campaign.pk}/transition/", {"action": "start_signing", "version": campaign.version})
    campaign.refresh_from_db()
    assert campaign.stage == "signing"


def test_the_home_page_lists_a_lagging_campaign(s: Scene, campaign, monkeypatch) -> None:
    monkeypatch.setattr("luoshi.relocation.selectors.local_today", lambda: START + dt.timedelta(days=25))
    html = client_for(s.leader).get("/").content.decode()
    assert "甲一号地块征收项目" in html and "签约滞后" in html


def test_areas_and_money_carry_thousands_separators(s: Scene, campaign) -> None:
    make_household(
        campaign, "003", signed_on=START, house_area=Decimal("54226.90"), compensation_agreed=Decimal("1250000")
    )
    html = client_for(s.staff).get("/relocation/").content.decode()
    assert "54,677</td>" in html  # 450.5 + 54,226.9 signed, rounded
    h = Household.objects.get(campaign=campaign, number="003")
    page = client_for(s.staff).get(f"/relocation/{campaign.pk}/households/{h.pk}/").content.decode()
    assert "<dd>54,226.90 m²</dd>" in page and "1,250,000.00" in page
