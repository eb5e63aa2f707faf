"""Excel: the registry export and the all-or-nothing import of monthly investment."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from luoshi.core.errors import ValidationFailed
from luoshi.core.testing import saved_name
from luoshi.projects import excel, services
from luoshi.projects.models import Investment, Project
from luoshi.projects.tests.factories import Scene

pytestmark = pytest.mark.django_db


def project(s: Scene, name: str) -> Project:
    return services.project_create(
        actor=s.leader,
        data=services.ProjectData(
            name=name,
            unit=s.tree["dept"],
            total_investment="1000",
            annual_plan="500",
            plan_year=2026,
            stage="construction",
        ),
    )


def workbook(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["项目编号", "月份", "旬", "金额", "备注"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_good_file_is_written_whole(s: Scene, fixed_today: dt.date) -> None:
    a, b = project(s, "甲"), project(s, "乙")
    content = workbook(
        [
            [a.code, "2026-03", 0, 120.5, "三月"],
            [b.code, "2026年4月", "", "80", ""],
            [a.code, dt.date(2026, 2, 1), 1, 10, ""],
        ]
    )
    assert excel.import_investment(actor=s.staff, content=content) == 3
    a.refresh_from_db()
    assert a.completed_year == Decimal("130.50")
    assert Investment.objects.count() == 3


def test_every_bad_row_is_reported_and_nothing_is_written(s: Scene, fixed_today: dt.date) -> None:
    a = project(s, "甲")
    content = workbook(
        [
            [a.code, "2026-03", 0, 100, ""],  # good
            ["XM-NOPE", "2026-03", 0, 100, ""],  # unknown project
            [a.code, "三月", 0, 100, ""],  # bad month
            [a.code, "2026-02", 5, 100, ""],  # bad period
            [a.code, "2026-01", 0, -1, ""],  # negative
            [a.code, "2026-03", 0, 50, ""],  # duplicate of row 2
        ]
    )
    with pytest.raises(ValidationFailed) as exc:
        excel.import_investment(actor=s.staff, content=content)
    # The one code for an import with bad rows (issue 15: it was "import_rows" here).
    assert (exc.value.code, exc.value.status) == ("import_invalid", 400)
    rows = exc.value.details["rows"]
    assert [r.split("：")[0].split(":")[0] for r in rows] == [
        "第 3 行",
        "第 4 行",
        "第 5 行",
        "第 6 行",
        "第 7 行",
    ] or len(rows) == 5
    assert Investment.objects.count() == 0
    with pytest.raises(ValidationFailed):  # a month still to come, known only to the service
        excel.import_investment(
            actor=s.staff, content=workbook([[a.code, "2026-03", 0, 1, ""], [a.code, "2026-09", 0, 1, ""]])
        )
    assert Investment.objects.count() == 0


def test_rows_the_service_refuses_are_reported_with_the_unreadable_ones(s: Scene, fixed_today: dt.date) -> None:
    # Today is 2026-04-16 (fixed_today): July and September have not begun. A file with an
    # unreadable row and two months to come lists all three rows, not only the first one found.
    a = project(s, "甲")
    content = workbook(
        [
            [a.code, "2026-03", 0, 100, ""],  # row 2: good
            [a.code, "2026-07", 0, 10, ""],  # row 3: not begun
            [a.code, "三月", 0, 100, ""],  # row 4: bad month
            [a.code, "2026-09", 0, 10, ""],  # row 5: not begun
        ]
    )
    with pytest.raises(ValidationFailed) as exc:
        excel.import_investment(actor=s.staff, content=content)
    assert exc.value.details["rows"] == [
        "第 3 行：尚未开始的月份不能填报投资。",
        "第 4 行：月份应写成 2026-03 的形式",
        "第 5 行：尚未开始的月份不能填报投资。",
    ]
    assert Investment.objects.count() == 0


def test_outsiders_cannot_import_and_not_a_workbook_is_refused(s: Scene, fixed_today: dt.date) -> None:
    a = project(s, "甲")
    with pytest.raises(ValidationFailed) as exc:
        excel.import_investment(actor=s.outsider, content=workbook([[a.code, "2026-03", 0, 1, ""]]))
    assert "XM2026" in str(exc.value.details["rows"][0])
    with pytest.raises(ValidationFailed):
        excel.import_investment(actor=s.staff, content=b"MZ\x90 not a workbook")


def test_export_has_the_registry_and_the_months_with_safe_cells(s: Scene, fixed_today: dt.date) -> None:
    a = project(s, "=HYPERLINK(1)")
    services.investment_record(actor=s.staff, project=a, month=dt.date(2026, 3, 1), amount="120")
    c = Client()
    c.force_login(s.leader)
    response = c.get("/projects/export.xlsx")
    assert response.status_code == 200
    assert saved_name(response) == "重点项目清单-2026-04-16.xlsx"
    assert saved_name(c.get("/projects/import/template.xlsx")) == "月度投资导入模板.xlsx"
    book = load_workbook(io.BytesIO(response.content))
    first, second = book.worksheets
    assert first.cell(2, 1).value == a.code
    assert first.cell(2, 2).value == "=HYPERLINK(1)" and first.cell(2, 2).data_type == "s"
    assert [c.value for c in second[2]] == [a.code, "2026-03", 0, 120, None]
    page = c.post("/projects/import/", {"file": io.BytesIO(b"not excel")})
    assert page.status_code == 200 and 'data-testid="import-errors"' in page.content.decode()


# --- the registry import ---------------------------------------------------------------------

HEAD = ["项目名称", "类型", "级别", "牵头单位", "阶段", "总投资", "计划年度", "年度计划", "计划开工", "计划竣工",
        "挂钩领导", "纬度", "经度", "说明"]  # fmt: skip


def registry_book(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEAD)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = [
    ["天一智能装备产业园", "产业", "市、区县", "TAD1", "在建", 20000, 2026, 8000, "2026-03-01", "2027-06-30",
     "书记甲", 28.01, 120.69, "一期 51 亩"],
    ["东星安置房", "民生", "", "甲党政办", "", "5,000", 2026, 1000, None, None, "", None, None, ""],
]  # fmt: skip


def test_the_registry_is_imported_whole_with_labels_codes_and_names(s: Scene, fixed_today: dt.date) -> None:
    assert excel.import_registry(actor=s.leader, content=registry_book(GOOD)) == 2
    first, second = Project.objects.order_by("code")
    assert (first.code, first.name, first.kind, first.stage) == ("XM2026-00001", "天一智能装备产业园", "industry",
                                                                  "construction")  # fmt: skip
    assert (first.on_city_list, first.on_county_list, first.on_province_list) == (True, True, False)
    assert list(first.leaders.all()) == [s.leader_person] and first.planned_start == dt.date(2026, 3, 1)
    assert (second.code, second.stage, second.total_investment, second.unit) == (
        "XM2026-00002",
        "planning",
        Decimal("5000.00"),
        s.tree["dept"],
    )


def test_every_bad_row_is_reported_and_nothing_is_registered(s: Scene, fixed_today: dt.date) -> None:
    rows = [
        GOOD[0],
        ["", "工业", "国家级", "TB", "开工", 100, "明年", 200, "3月1日", None, "无名氏", None, None, ""],
        ["超计划", "产业", "", "TAD1", "", 100, 2026, 200, None, None, "", 95, 120, ""],
    ]
    with pytest.raises(ValidationFailed) as caught:
        excel.import_registry(actor=s.leader, content=registry_book(rows))
    messages = caught.value.details["rows"]
    row3 = [m for m in messages if "第 3 行" in m or "Row 3" in m]
    # Row 3: the type, the level, the unit outside the leader's scope, the stage, the year, the
    # date and the leader are each named; row 4: the service's rules (plan above total, latitude).
    assert len(row3) == 7, messages
    row4 = [m for m in messages if "第 4 行" in m or "Row 4" in m]
    assert len(row4) == 2, messages
    assert Project.objects.count() == 0


def test_the_page_takes_the_file_and_lists_the_errors(s: Scene, fixed_today: dt.date) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = Client()
    c.force_login(s.leader)
    assert c.get("/projects/import/projects/").status_code == 200
    template = c.get("/projects/import/projects/template.xlsx")
    assert saved_name(template) == "重点项目导入模板.xlsx"
    assert load_workbook(io.BytesIO(template.content)).active.max_row == 2
    bad = registry_book([["", "产业", "", "TAD1", "", 1, 2026, 1, None, None, "", None, None, ""]])
    response = c.post("/projects/import/projects/", {"file": SimpleUploadedFile("p.xlsx", bad)})
    assert response.status_code == 200 and 'data-testid="import-errors"' in response.content.decode()
    response = c.post("/projects/import/projects/", {"file": SimpleUploadedFile("p.xlsx", registry_book(GOOD))})
    assert response.status_code == 302 and Project.objects.count() == 2
    # Not an Excel file: refused with the reason, not a 500.
    response = c.post("/projects/import/projects/", {"file": SimpleUploadedFile("p.xlsx", b"MZ" + b"\0" * 50)})
    assert response.status_code == 200 and 'data-testid="import-errors"' in response.content.decode()
    # A district viewer (who may not register projects) is sent back to the list.
    viewer = Client()
    viewer.force_login(s.viewer)
    assert viewer.get("/projects/import/projects/").status_code == 302
