"""A grid worker's patrol on a phone (走访巡查): the form refuses a future date under its field and
keeps what was typed (the photo too), the record is saved with it, 上报问题 reports
a case linked both ways; every page axe-clean and without sideways scrolling."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from luoshi.cases.models import Case, Patrol
from luoshi.cases.tests.factories import ensure_categories
from luoshi.core import timeutil
from luoshi.core.testing import login, picture
from tests.e2e.test_accessibility import AXE_JS, RUN_AXE, WCAG_AA_TAGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _clean(page: Any) -> None:
    assert page.evaluate(RUN_AXE, WCAG_AA_TAGS) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 392


def test_grid_worker_records_a_patrol_and_reports_from_it(phone_page: Any, demo_org: None) -> None:
    ensure_categories()
    page = phone_page
    page.context.add_init_script(path=str(AXE_JS))
    login(page, "grid")
    page.goto(page.base_url + "/cases/patrols/")
    _clean(page)
    page.click("[data-testid=patrol-new]")
    page.wait_for_url("**/cases/patrols/new/")
    today = timeutil.today()
    assert page.input_value("#id_patrol_date") == today.isoformat()  # an ISO value: Chromium shows it
    _clean(page)

    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    page.fill("#id_patrol_date", tomorrow)
    page.fill("#id_started_at", "00:00")
    page.fill("#id_places", "东星路 1 号至 30 号沿街商铺")
    page.check("#id_outcome_1")  # handled on the spot
    page.fill("#id_findings", "两处占道经营，已劝导收回")
    page.set_input_files("#id_photos", {"name": "xuncha.jpg", "mimeType": "image/jpeg", "buffer": picture("JPEG")})
    page.click("[data-testid=submit-patrol]")
    page.get_by_test_id("form-errors").wait_for()
    assert "日期不能晚于今天。" in page.locator("[data-field=patrol_date]").inner_text()
    assert page.input_value("#id_places") == "东星路 1 号至 30 号沿街商铺"
    assert page.get_by_test_id("kept-photos").is_visible()
    _clean(page)

    page.fill("#id_patrol_date", today.isoformat())
    page.click("[data-testid=submit-patrol]")
    page.wait_for_url("**/cases/patrols/*/")
    patrol = Patrol.objects.get(places="东星路 1 号至 30 号沿街商铺")
    assert (patrol.grid.code, patrol.outcome, patrol.photos.count()) == ("CD01G1", "handled", 1)
    assert page.locator("[data-testid=patrol-photos] img").count() == 1
    _clean(page)

    page.click("[data-testid=patrol-report]")
    page.wait_for_url(f"**/cases/patrols/{patrol.pk}/report/")
    assert page.input_value("#id_description") == "两处占道经营，已劝导收回"
    _clean(page)
    page.select_option("#id_category", label="占道经营")
    page.click("[data-testid=submit-report]")
    page.wait_for_url("**/cases/*/?reported=1")
    case = Case.objects.get(tracking_no=page.get_by_test_id("tracking-no").inner_text())
    assert list(case.patrols.all()) == [patrol]
    page.click(f"[data-testid=case-patrols] a[href='/cases/patrols/{patrol.pk}/']")
    page.wait_for_url(f"**/cases/patrols/{patrol.pk}/")
    assert case.tracking_no in page.get_by_test_id("patrol-cases").inner_text()


def test_the_district_viewer_sees_coverage_and_no_form(page: Any, demo_org: None) -> None:
    page.context.add_init_script(path=str(AXE_JS))
    login(page, "district")
    page.goto(page.base_url + "/cases/patrols/")
    page.get_by_test_id("patrol-coverage").wait_for()
    assert page.get_by_test_id("patrol-new").count() == 0
    assert page.evaluate(RUN_AXE, WCAG_AA_TAGS) == []
