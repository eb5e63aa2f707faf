"""Journeys of a grid worker on a phone: reporting an event (a failed submit and a reload lose
nothing), and closing a simple one on the spot (自行处置) with photos before and after."""

from __future__ import annotations

import pytest

from luoshi.cases.models import Case
from luoshi.cases.tests.factories import ensure_categories
from luoshi.core.testing import login, picture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_grid_worker_reports_from_a_phone(phone_page, demo_org):
    ensure_categories()
    page = phone_page
    login(page, "grid")
    assert page.locator(".bottom-nav").is_visible()
    page.goto(page.base_url + "/cases/report/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 392  # no sideways scrolling

    # Half-filled, then the connection drops (we navigate away): the draft survives on the phone.
    page.fill("#id_description", "东星路井盖缺失，有行人差点踩空")
    page.fill("#id_address", "东星路 18 号门口")
    page.goto(page.base_url + "/")
    page.goto(page.base_url + "/cases/report/")
    assert page.input_value("#id_description") == "东星路井盖缺失，有行人差点踩空"
    assert page.input_value("#id_address") == "东星路 18 号门口"

    # Submitting without a category fails and keeps everything, including the photo.
    page.set_input_files("#id_photos", {"name": "jinggai.jpg", "mimeType": "image/jpeg", "buffer": picture("JPEG")})
    page.click("[data-testid=submit-report]")
    page.get_by_test_id("form-errors").wait_for()
    assert page.input_value("#id_description") == "东星路井盖缺失，有行人差点踩空"
    assert page.get_by_test_id("kept-photos").is_visible()

    page.select_option("#id_category", label="井盖破损或缺失")
    page.click("[data-testid=submit-report]")
    page.wait_for_url("**/cases/*/?reported=1")
    number = page.get_by_test_id("tracking-no").inner_text()
    case = Case.objects.get(tracking_no=number)
    assert case.unit.code == "CD01G1"
    assert case.channel == "grid"
    assert case.attachments.count() == 1
    assert page.get_by_test_id("case-status").inner_text() == "待受理"

    # The draft is gone once the report is in.
    page.goto(page.base_url + "/cases/report/")
    assert page.input_value("#id_description") == ""


def test_grid_worker_closes_a_simple_case_on_the_spot_with_photos(phone_page, demo_org):
    ensure_categories()
    page = phone_page
    login(page, "grid")
    page.goto(page.base_url + "/cases/report/")
    page.select_option("#id_category", label="占道经营")
    page.fill("#id_description", "菜场门口三个摊位占用人行道")
    page.set_input_files("#id_photos", {"name": "qian.jpg", "mimeType": "image/jpeg", "buffer": picture("JPEG")})
    page.click("[data-testid=submit-report]")
    page.wait_for_url("**/cases/*/?reported=1")
    number = page.get_by_test_id("tracking-no").inner_text()

    # The category allows it: the worker handles it at once instead of waiting for dispatch.
    page.click("[data-testid=open-handle_on_spot]")
    page.set_input_files(
        "[data-testid=handle_on_spot-photos] input[type=file]",
        [{"name": "hou.jpg", "mimeType": "image/jpeg", "buffer": picture("JPEG", (12, 9))}],
    )
    page.fill("[data-testid=handle_on_spot-comment]", "已劝导摊主退回店内经营，人行道已恢复通行")
    page.click("[data-testid=action-handle_on_spot]")
    page.wait_for_selector("[data-testid=case-status]:has-text('已结案')")
    page.screenshot(path="var/grid-on-the-spot.png", full_page=True)

    case = Case.objects.get(tracking_no=number)
    assert (case.status, case.outcome, case.replied_by.username) == ("closed", "resolved", "grid")
    assert sorted((a.phase, a.original_name) for a in case.attachments.all()) == [
        ("", "qian.jpg"),
        ("after", "hou.jpg"),
    ]
    step = page.get_by_test_id("evidence-handle_on_spot")
    assert step.locator("img").get_attribute("alt") == "处置后：hou.jpg"
    assert step.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    assert "自行处置并结案" in page.get_by_test_id("timeline").inner_text()
    # The worker who closed it is not offered the resident's rating (the rater rule).
    assert page.locator("[data-action=rate]").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
