"""Saved files are named in Chinese with their day, with an ASCII fallback (RFC 6266 / RFC 5987)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote

import pytest

from luoshi.core import downloads


@pytest.mark.parametrize(
    ("parts", "day", "extension", "name"),
    [
        (("案件清单",), dt.date(2026, 12, 5), "xlsx", "案件清单-2026-12-05.xlsx"),
        (("任务清单导入模板",), None, "xlsx", "任务清单导入模板.xlsx"),
        (("成绩单", "城东街道", "2026-11"), None, "xlsx", "成绩单-城东街道-2026-11.xlsx"),
        (("草稿", "城东督〔2026〕3号"), None, "docx", "草稿-城东督〔2026〕3号.docx"),
        # slashes and the other characters file systems refuse become "_"; empty parts are left out
        (("红黑榜", "A/B:C*D", "", None), None, "xlsx", "红黑榜-A_B_C_D.xlsx"),
        ((), None, "xlsx", "download.xlsx"),
        (("佐证材料", 12), None, 'j/p"g', "佐证材料-12.jpg"),
    ],
)
def test_file_name(parts, day, extension, name):
    assert downloads.file_name(*parts, day=day, extension=extension) == name


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("案件清单-2026-12-05.xlsx", "2026-12-05.xlsx"),
        ("任务清单导入模板.xlsx", "download.xlsx"),
        ("成绩单-城东街道-2026-11.xlsx", "2026-11.xlsx"),
        ("scorecard-CD01.xlsx", "scorecard-CD01.xlsx"),
        ("Café menu.xlsx", "Cafe_menu.xlsx"),
    ],
)
def test_ascii_fallback(name, fallback):
    assert downloads.ascii_fallback(name) == fallback


def test_the_header_carries_both_names():
    header = downloads.content_disposition("案件清单-2026-12-05.xlsx")
    assert header == (
        'attachment; filename="2026-12-05.xlsx"; '
        "filename*=UTF-8''%E6%A1%88%E4%BB%B6%E6%B8%85%E5%8D%95-2026-12-05.xlsx"
    )
    assert unquote(header.split("UTF-8''")[1]) == "案件清单-2026-12-05.xlsx"


def test_download_response():
    response = downloads.download(b"PK", "任务清单", day=dt.date(2026, 1, 31))
    assert response.content == b"PK"
    assert response["Content-Type"] == downloads.XLSX
    encoded = "%E4%BB%BB%E5%8A%A1%E6%B8%85%E5%8D%95-2026-01-31.xlsx"
    assert response["Content-Disposition"].endswith(f"filename*=UTF-8''{encoded}")
