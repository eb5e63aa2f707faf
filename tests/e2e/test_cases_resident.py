"""Journey: a resident reports on the public form (no account), follows the case and rates the result."""

from __future__ import annotations

import pytest

from luoshi.accounts.models import User
from luoshi.cases import services
from luoshi.cases.models import Case
from luoshi.cases.tests.factories import ensure_categories
from luoshi.org.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_reports_follows_and_rates(page, demo_org):
    ensure_categories()
    community = Unit.objects.get(code="CD01")
    page.goto(page.base_url + "/cases/public/")
    assert "向街道（乡镇）反映问题" in page.locator("h1").inner_text()

    # A first attempt without a phone number fails, and keeps what was typed.
    page.select_option("#id_category", label="暴露垃圾")
    page.select_option("#id_unit", value=str(community.pk))
    page.fill("#id_description", "东星小区东门口的垃圾堆了三天没人清")
    page.fill("#id_address", "东星小区东门")
    page.click("[data-testid=submit-public]")
    page.get_by_test_id("form-errors").wait_for()
    assert page.input_value("#id_description") == "东星小区东门口的垃圾堆了三天没人清"

    page.fill("#id_reporter_phone", "13900001234")
    page.click("[data-testid=submit-public]")
    page.wait_for_url("**/cases/public/c/**")
    number = page.get_by_test_id("public-tracking-no").inner_text()
    assert page.get_by_test_id("public-status-label").inner_text() == "待受理"
    link = page.url

    # The office handles it.
    case = Case.objects.get(tracking_no=number)
    supervisor, staff = User.objects.get(username="supervisor"), User.objects.get(username="staff")
    case = services.case_accept(actor=supervisor, case=case)
    case = services.case_dispatch(actor=supervisor, case=case, handling_unit=Unit.objects.get(code="CDD03"))
    case = services.case_start(actor=staff, case=case)
    case = services.case_reply(actor=staff, case=case, comment="垃圾已清运完毕，并增设了一个垃圾桶。")
    services.case_verify(actor=supervisor, case=case)

    # Anyone can look the number up; only the resident's link can rate.
    page.goto(page.base_url + "/cases/public/track/?tracking_no=" + number)
    assert page.get_by_test_id("public-status-label").inner_text() == "已结案"
    assert page.locator("[data-testid=rate-form]").count() == 0

    page.goto(link)
    assert "垃圾已清运完毕" in page.get_by_test_id("public-reply").inner_text()
    page.check("input[name=rating][value=satisfied]")
    page.fill("#id_comment", "很及时，谢谢")
    page.click("[data-testid=submit-rating]")
    page.get_by_test_id("public-rating").wait_for()
    assert page.get_by_test_id("public-rating").inner_text() == "满意"
    assert page.get_by_test_id("public-status-label").inner_text() == "已评价"
    assert "13900001234" not in page.content()
