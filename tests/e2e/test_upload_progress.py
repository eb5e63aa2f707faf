"""Uploads and imports show their progress (js/upload.js), then the server's page as usual (issue 14)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from luoshi.core.testing import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_task_list_import_shows_its_progress_then_the_check(page: Any, demo_org: None, tmp_path: Any) -> None:
    from luoshi.tasks import excel

    book = tmp_path / "任务清单.xlsx"
    book.write_bytes(excel.template())
    login(page, "supervisor")
    page.goto(page.base_url + "/tasks/import/")

    # The upload is held in the browser until the progress has been checked, then let go: the check
    # no longer races the server's answer (a 4 s pause in the route handler did, and sometimes lost).
    held: list[Any] = []
    page.route(
        "**/tasks/import/", lambda route: held.append(route) if route.request.method == "POST" else route.continue_()
    )
    page.set_input_files("[data-testid=import-form] input[type=file]", str(book))
    page.click("[data-testid=import-form] button[type=submit]")
    progress = page.get_by_test_id("upload-progress")
    progress.wait_for(state="visible")
    status = progress.get_by_role("status")
    assert status.get_attribute("aria-live") == "polite"
    expect(progress.locator("progress")).to_have_attribute("max", "100")
    expect(status).to_have_text(re.compile(r"^(正在上传：\d+%|已上传，正在读取文件，请稍候…)$"))
    assert page.locator("[data-testid=import-form] button[type=submit]").is_disabled()
    for _ in range(100):  # the route handler runs while the test waits on the browser
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1
    held[0].continue_()
    # Then the page the server answered, as after a normal submit: the check of the file.
    page.get_by_test_id("import-preview").wait_for()
    assert page.url.endswith("/tasks/import/")
    assert page.get_by_test_id("upload-progress").count() == 0
