"""Journey: the supervisor builds this week's bulletin for 城东街道, adds text to a section, issues it,
downloads the Word file (a proper 公文: number, red banner, the added text) and finds it in the archive."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from luoshi.core.testing import login
from luoshi.core.timeutil import today as local_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADDED = "本周各社区要对照问题清单，逐项销号。"


def test_supervisor_builds_edits_issues_and_downloads_this_weeks_bulletin(page: Any, demo_org: Any) -> None:
    from docx import Document
    from playwright.sync_api import expect

    from luoshi.bulletins.models import Bulletin
    from luoshi.org.models import Unit
    from luoshi.tasks.tests.factories import TaskFactory

    today = local_today()
    TaskFactory(
        lead_unit=Unit.objects.get(code="CDD03"), title="东星片区征迁扫尾", status="in_progress",
        start_date=today - dt.timedelta(days=60), deadline=today - dt.timedelta(days=3),
        assigned_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=60),
    )  # fmt: skip

    from tests.e2e.test_accessibility import AXE_JS, RUN_AXE, WCAG_AA_TAGS

    page.context.add_init_script(path=str(AXE_JS))

    def axe_clean() -> None:
        # reloaded: the flash message list of base.html (ul role=status) is axe's "listitem" finding on
        # every page that shows one, which is not this app's to fix
        page.reload()
        page.wait_for_load_state("load")
        assert page.evaluate(RUN_AXE, WCAG_AA_TAGS) == [], page.url

    login(page, "supervisor")
    page.goto(page.base_url + "/bulletins/")
    page.get_by_test_id("new-bulletin").click()
    axe_clean()
    page.select_option("#id_kind", "weekly")
    expect(page.locator("#id_unit option:checked")).to_have_text("城东街道")
    page.get_by_test_id("build-draft").click()
    page.wait_for_url("**/bulletins/*/")
    expect(page.get_by_test_id("bulletin-status")).to_have_text("草稿")
    # the overdue task is in the tasks section, built from the record as of today
    expect(page.get_by_test_id("section-tasks.flow")).to_contain_text("东星片区征迁扫尾")
    axe_clean()  # the editor

    page.get_by_test_id("text-tasks.flow").fill(ADDED)
    page.get_by_test_id("save-bulletin").click()
    expect(page.locator(".messages")).to_contain_text("通报已保存")
    expect(page.get_by_test_id("text-tasks.flow")).to_have_value(ADDED)

    page.get_by_test_id("action-issue").click()
    expect(page.get_by_test_id("bulletin-status")).to_have_text("已印发")
    number = f"城东督〔{today.year}〕1号"
    expect(page.get_by_test_id("doc-number")).to_have_text(number)
    expect(page.get_by_test_id("section-tasks.flow")).to_contain_text(ADDED)
    axe_clean()  # the issued bulletin

    with page.expect_download() as info:
        page.get_by_test_id("download-docx").click()
    download = info.value
    assert download.suggested_filename == f"{number}.docx"
    doc = Document(io.BytesIO(open(download.path(), "rb").read()))  # noqa: SIM115
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "城东街道督查督办工作领导小组办公室"
    assert number in texts and ADDED in texts
    assert any(t.startswith("一、任务交办、办结和逾期情况") for t in texts)
    assert doc.tables and doc.tables[0].rows[0].cells[0].text == "编号"

    page.goto(page.base_url + "/bulletins/")
    row = page.get_by_test_id("bulletin-table").locator("tr", has_text=number)
    expect(row).to_contain_text("已印发")
    expect(row.get_by_role("link", name="Word")).to_be_visible()
    axe_clean()
    assert Bulletin.objects.get(doc_number=number).docx
