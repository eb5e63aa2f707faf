"""Journey: the 征迁 task force's staff records signings on a phone, on site; the public
阳光征迁 page then shows the new totals and no personal data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from luoshi.core.testing import login
from luoshi.core.timeutil import today as local_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OWNERS = ["邹海波", "柯文静", "龙振宇"]


def make_campaign() -> object:
    from luoshi.org.models import Unit
    from luoshi.relocation.models import Campaign, Household, Parcel, Stage

    today = local_today()
    campaign = Campaign.objects.create(
        code="CD-T1",
        name="东星5号地块征收项目",
        unit=Unit.objects.get(code="CD"),
        team=Unit.objects.get(code="CDD03"),  # 征迁工作组, where the demo "staff" works
        stage=Stage.SIGNING,
        launched_on=today - dt.timedelta(days=10),
        signing_starts_on=today - dt.timedelta(days=5),
        signing_deadline=today + dt.timedelta(days=25),
        clearance_deadline=today + dt.timedelta(days=90),
        compensation_standard="货币补偿基准价 9,200 元/平方米",
        is_public=True,
    )
    parcel = Parcel.objects.create(campaign=campaign, name="东星5号地块", lat=Decimal("27.93"), lng=Decimal("120.79"))
    for i, name in enumerate(OWNERS, start=1):
        Household.objects.create(
            campaign=campaign, parcel=parcel, number=f"DX5-{i:03d}", owner_name=name,
            owner_id_no="990101196501011233", phone="13912345678", house_area=Decimal("300.00"),
            signed_on=today - dt.timedelta(days=2) if i == 1 else None,
            compensation_agreed=Decimal("2760000") if i == 1 else None,
        )  # fmt: skip
    return campaign


def test_staff_record_a_signing_on_the_phone_and_the_public_page_shows_totals_only(phone_page, page, demo_org):
    campaign = make_campaign()
    pk = campaign.pk

    # On site, on a phone: the staff member finds the household by its owner and records the signing.
    login(phone_page, "staff")
    phone_page.goto(f"{phone_page.base_url}/relocation/")
    phone_page.get_by_role("link", name="东星5号地块征收项目").click()
    phone_page.get_by_test_id("tab-ledger").click()
    phone_page.fill("#q", "柯文静")
    phone_page.get_by_role("button", name="筛选").click()
    rows = phone_page.get_by_test_id("household-row")
    expect(rows).to_have_count(1)  # waits for the filtered page (count() alone read the page half-loaded)
    assert "柯**" in rows.first.inner_text()  # masked in the list, even for staff
    rows.first.get_by_role("link", name="DX5-002").click()
    assert phone_page.get_by_test_id("owner-name").inner_text() == "柯文静"  # unmasked on the opened record
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 392  # no sideways scrolling
    form = phone_page.locator("form[data-step=sign]")
    form.locator("input[name=on]").fill(local_today().isoformat())
    form.locator("input[name=compensation_agreed]").fill("2850000")
    form.locator("select[name=relocation_choice]").select_option("property")
    form.get_by_test_id("record-sign").click()
    phone_page.wait_for_load_state()
    assert phone_page.get_by_test_id("household-state").inner_text() == "已签约未腾空"
    assert phone_page.get_by_test_id("signed-on").inner_text() == local_today().isoformat()

    # A date in the future is refused, in Chinese, and nothing changes.
    phone_page.goto(f"{phone_page.base_url}/relocation/{pk}/households/")
    phone_page.get_by_role("link", name="DX5-003").click()
    form = phone_page.locator("form[data-step=sign]")
    form.locator("input[name=on]").fill((local_today() + dt.timedelta(days=2)).isoformat())
    form.get_by_test_id("record-sign").click()
    phone_page.wait_for_load_state()
    assert "该日期在未来" in phone_page.content()
    assert phone_page.get_by_test_id("household-state").inner_text() == "未签约"

    # The dashboard counts from the ledger: 2 of 3 signed.
    phone_page.goto(f"{phone_page.base_url}/relocation/{pk}/")
    assert phone_page.get_by_test_id("fig-signed").inner_text().startswith("2")
    assert "66.7%" in phone_page.get_by_test_id("fig-signed").inner_text()

    # Anyone, without logging in: totals and the standard, no owner, number or ID.
    page.goto(f"{page.base_url}/sunshine/CD-T1/")
    assert page.get_by_test_id("public-name").inner_text() == "东星5号地块征收项目"
    assert page.get_by_test_id("fig-signed").inner_text().startswith("2")
    assert "9,200 元/平方米" in page.get_by_test_id("public-standard").inner_text()
    text = page.get_by_test_id("public-campaign").inner_text()
    for personal in [*OWNERS, "柯**", "DX5-", "990101", "139"]:
        assert personal not in text
    assert page.locator("a[href*='/relocation/']").count() == 0
