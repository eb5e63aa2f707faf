"""Uploads and imports show their progress (js/upload.js), then the server's page as usual (issue 14)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from luoshi.core.testing import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_task_list_import_shows_its_progress_then_the_check(page: Any, demo_org: None, tmp_path: Any) -> None:
    from luoshi.tasks import excel

    book = tmp_path / "任务清单.xlsx"
    book.write_bytes(excel.template())
    login(page, "supervisor")
    page.goto(page.base_url + "/tasks/import/")

    def slow(route: Any) -> None:
        time.sleep(1.5)  # the server takes its time reading the file: the progress stays on screen
        route.continue_()

    page.route("**/tasks/import/", slow)
    page.set_input_files("[data-testid=import-form] input[type=file]", str(book))
    page.click("[data-testid=import-form] button[type=submit]")
    progress = page.get_by_test_id("upload-progress")
    progress.wait_for(state="visible")
    status = progress.get_by_role("status")
    assert status.get_attribute("aria-live") == "polite"
    page.wait_for_function("document.querySelector('[data-testid=upload-progress] progress').value === 100")
    assert status.inner_text() == "已上传，正在读取文件，请稍候…"
    assert page.locator("[data-testid=import-form] button[type=submit]").is_disabled()
    # Then the page the server answered, as after a normal submit: the check of the file.
    page.get_by_test_id("import-preview").wait_for()
    assert page.url.endswith("/tasks/import/")
    assert page.get_by_test_id("upload-progress").count() == 0


def test_without_a_file_the_form_is_submitted_the_ordinary_way(page: Any, demo_org: None) -> None:
    login(page, "supervisor")
    page.goto(page.base_url + "/tasks/import/")
    page.click("[data-testid=import-form] button[type=submit]")
    page.wait_for_load_state()
    assert page.get_by_test_id("upload-progress").count() == 0
    assert "errorlist" in page.content()
