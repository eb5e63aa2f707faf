"""Journey: a grid worker reports an event on a phone; a failed submit and a reload lose nothing."""

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
