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
