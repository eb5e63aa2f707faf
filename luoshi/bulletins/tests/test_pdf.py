"""The PDF rendered by headless LibreOffice once at issue time, checked as page images.

Slow (LibreOffice starts in a few seconds): one bulletin is issued and rendered here.
Needs LibreOffice and poppler-utils (scripts/ensure-libreoffice installs them).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from luoshi.bulletins import pdf, services, workflow
from luoshi.bulletins.models import Kind
from luoshi.cases.tests import factories as cf
from luoshi.tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


def _red_share(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    region = image.convert("RGB").crop(box)
    pixels: list[tuple[int, int, int]] = list(region.get_flattened_data())
    red = sum(1 for r, g, b in pixels if r > 180 and g < 90 and b < 90)
    return red / len(pixels)


def test_issue_renders_the_pdf_once_with_the_red_banner(w_pdf: Any, settings: Any, tmp_path: Path) -> None:
    if pdf.soffice() is None or shutil.which("pdftoppm") is None:
        pytest.fail("The PDF test needs LibreOffice and poppler-utils: run scripts/ensure-libreoffice")
    settings.LUOSHI_BULLETIN_PDF = True
    w = w_pdf
    for n in range(30):  # enough overdue tasks for a table that runs onto a second page
        deadline = dt.date(2026, 11, 2) + dt.timedelta(days=n % 9)
        TaskFactory(lead_unit=w.dept, title=f"整治占道经营点位{n + 1}", status="in_progress",
                    start_date=dt.date(2026, 9, 1), deadline=deadline)  # fmt: skip
    from luoshi.tasks.models import Task

    Task.objects.update(assigned_at=services.day_start(dt.date(2026, 9, 1)))
    draft = services.create_draft(actor=w.supervisor, data=services.DraftData(Kind.WEEKLY, w.a, dt.date(2026, 11, 29)))
    issued = services.act(actor=w.supervisor, bulletin=draft, action=workflow.ISSUE)
    assert issued.pdf.name.endswith(".pdf") and not issued.pdf_error
    target = tmp_path / "b.pdf"
    target.write_bytes(issued.pdf.open("rb").read())
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(target), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    # 30 overdue tasks in the table (20 in the document, the rest in the annex) and four more sections:
    # three pages with the fonts of Debian's fonts-noto-cjk (a page more or less with other CJK fonts)
    assert 2 <= len(pages) <= 4
    assert len(pages) % 2 == 0  # the 版记 on an even page, the back of the last sheet
    first = Image.open(pages[0])
    width, height = first.size
    assert abs(width / height - 210 / 297) < 0.01  # A4
    # the 版头: red issuing body and red line in the top quarter of page 1, none lower down
    assert _red_share(first, (0, 0, width, height // 4)) > 0.005
    assert _red_share(first, (0, height // 2, width, height)) == 0
    # rendered once: issuing again is refused, and the stored PDF is not rendered again
    assert services.render_pdf(issued) is False


@pytest.fixture
def w_pdf() -> Any:
    return cf.world()


# 26 characters, none of them punctuation (LibreOffice may hang a comma past the line's end).
PHRASE = "各街道要对照问题清单逐项整改销号并于月底前报送整改情况"
TWELVE = "本周交办任务十二项。"  # one line
A4_HEIGHT_PT = 297 / 25.4 * 72
TYPE_BOTTOM_PT = (297 - 35) / 25.4 * 72  # the foot of the type area: 35 mm above the page's bottom


def _lines(pdf_file: Path, page: int) -> list[tuple[float, float, str]]:
    """(top, bottom, text without spaces) of each text line of a page, in points from the top."""
    import re

    out = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-bbox-layout", str(pdf_file), "-"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    found = []
    for m in re.finditer(r'<line xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</line>', out, re.S):
        words = "".join(re.findall(r">([^<]+)</word>", m.group(3)))
        found.append((float(m.group(1)), float(m.group(2)), words))
    return found


def _record_on_own_page(docx: bytes) -> bool:
    """The paragraph the 版记 is anchored to (the last of the body) starts a page."""
    import io

    from docx import Document

    return bool(Document(io.BytesIO(docx)).paragraphs[-1].paragraph_format.page_break_before)


def _by_position(lines: list[tuple[float, float, str]]) -> list[str]:
    """The lines' texts top to bottom, pieces of one line (a tab stop) joined in pdftotext's reading order."""
    rows: dict[int, str] = {}
    for top, _bottom, text in sorted(lines, key=lambda line: round(line[0])):
        rows[round(top)] = rows.get(round(top), "") + text
    return [rows[k] for k in sorted(rows)]


def _pages(pdf_file: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf_file)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_the_rendered_pages_have_22_lines_of_28_characters_and_the_record_at_the_foot(tmp_path: Path) -> None:
    """GB/T 9704: 22 lines of 28 characters on a page of body text; the 版记 (抄送, 印发) at the foot of the
    last page, an even one (the back of the last sheet): text that ends on page 3 gets the 版记 on page 4.
    Measured on the PDF LibreOffice renders (text positions and the page image)."""
    if pdf.soffice() is None or shutil.which("pdftotext") is None:
        pytest.fail("The PDF test needs LibreOffice and poppler-utils: run scripts/ensure-libreoffice")
    from luoshi.bulletins import document
    from luoshi.core.bulletin_sections import SectionContent

    data = document.DocData(
        body="城东街道督查督办工作领导小组办公室", doc_number="城东督〔2026〕12号",
        title="关于2026年第48周督查督办工作情况的通报", addressees="各社区", intro=["现将有关情况通报如下："],
        sections=[document.DocSection("总体情况", PHRASE * 40, SectionContent(paragraphs=["本周交办任务十二项。"]))],
        sign_date="2026年12月7日", cc="区委办公室，区政府办公室", printer="城东街道督查办",
    )  # fmt: skip
    target = tmp_path / "b.pdf"
    docx = document.render(data)
    kept, rendered = pdf.record_on_even_page(docx)
    target.write_bytes(rendered)
    # 40 × 26 = 1,040 characters of body text: from page 1 (after the 版头) over the whole of page 2 to page 3,
    # and the 版记 on a page of its own, page 4; the stored .docx says so too
    assert _pages(target) == pdf.page_count(rendered) == 4
    assert _record_on_own_page(kept) and not _record_on_own_page(docx)

    # page 2 is body text only: 22 lines, every one 28 characters, then the page number
    second = _lines(target, 2)
    body = [text for top, bottom, text in second if bottom < TYPE_BOTTOM_PT + 1]
    assert len(body) == 22, body
    assert {len(text) for text in body} == {28}, body
    assert "".join(body) in PHRASE * 40
    assert second[-1][2] == "—2—" and second[-1][0] > TYPE_BOTTOM_PT  # below the type area
    # the first line of the text, indented two characters, holds 26
    first_page = [text for _t, _b, text in _lines(target, 1)]
    assert PHRASE[:26] in first_page

    # the text ends on page 3 with the 落款 and its date; page 4 holds the 版记 alone, at the foot of the type area
    third = _by_position(_lines(target, 3))
    assert third[-3:] == ["城东街道督查督办工作领导小组办公室", "2026年12月7日", "—3—"], third
    last = _lines(target, 4)
    assert _by_position(last) == ["抄送：区委办公室，区政府办公室。", "城东街道督查办2026年12月7日印发", "—4—"], last
    cc = next(line for line in last if line[2].startswith("抄送："))
    printed = next(line for line in last if line[2].endswith("印发"))
    assert abs(printed[1] - TYPE_BOTTOM_PT) < 3, printed
    assert printed[0] > cc[1] - 1 and cc[0] > A4_HEIGHT_PT / 2  # in the lower half, above 印发
    # on the page image: the thick line under 印发 at the foot of the type area, and none further down
    subprocess.run(["pdftoppm", "-f", "4", "-l", "4", "-r", "72", "-png", str(target), str(tmp_path / "last")],
                   check=True)  # fmt: skip
    image = Image.open(next(tmp_path.glob("last*.png"))).convert("L")
    width, height = image.size
    scale = height / A4_HEIGHT_PT
    grey: list[int] = list(image.get_flattened_data())

    def dark_rows(top_pt: float, bottom_pt: float) -> list[int]:
        rows = []
        for y in range(int(top_pt * scale), int(bottom_pt * scale)):
            dark = sum(1 for value in grey[y * width : (y + 1) * width] if value < 100)
            if dark > width * 0.6:  # a rule across the type area (156 of 210 mm)
                rows.append(y)
        return rows

    assert dark_rows(TYPE_BOTTOM_PT - 6, TYPE_BOTTOM_PT + 4)  # the last rule of the 版记
    assert not dark_rows(TYPE_BOTTOM_PT + 4, A4_HEIGHT_PT)
    assert not dark_rows(0, cc[0] - 10)  # nothing above the 版记 on its page


def test_the_sign_off_keeps_its_date_and_an_even_page_count_keeps_the_document(tmp_path: Path) -> None:
    """The 落款 never ends a page without its 成文日期: twelve more lines of text put the 落款 on the last line
    of page 3, and it moves to page 4 with its date (they were split 3/4 before). Four pages: the document
    is kept as it is, the 版记 at the foot of page 4 under them."""
    if pdf.soffice() is None or shutil.which("pdftotext") is None:
        pytest.fail("The PDF test needs LibreOffice and poppler-utils: run scripts/ensure-libreoffice")
    from luoshi.bulletins import document
    from luoshi.core.bulletin_sections import SectionContent

    data = document.DocData(
        body="城东街道督查督办工作领导小组办公室", doc_number="城东督〔2026〕12号",
        title="关于2026年第48周督查督办工作情况的通报", addressees="各社区", intro=["现将有关情况通报如下："],
        sections=[document.DocSection("总体情况", PHRASE * 40, SectionContent(paragraphs=[TWELVE] * 12))],
        sign_date="2026年12月7日", cc="区委办公室，区政府办公室", printer="城东街道督查办",
    )  # fmt: skip
    docx = document.render(data)
    kept, rendered = pdf.record_on_even_page(docx)
    target = tmp_path / "b.pdf"
    target.write_bytes(rendered)
    assert not _record_on_own_page(kept) and _pages(target) == 4
    third = _by_position(_lines(target, 3))
    assert "城东街道督查督办工作领导小组办公室" not in third[2:] and "2026年12月7日" not in third, third
    last = _by_position(_lines(target, 4))
    assert last[-5:] == ["城东街道督查督办工作领导小组办公室", "2026年12月7日", "抄送：区委办公室，区政府办公室。",
                         "城东街道督查办2026年12月7日印发", "—4—"], last  # fmt: skip
