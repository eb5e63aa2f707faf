"""Excel: the ledger goes out and comes back in the same columns; a file with any bad row
writes nothing and names every bad row in Chinese; exported cells are safe."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from luoshi.core.errors import NotFound, ValidationFailed
from luoshi.core.models import ActivityLog
from luoshi.core.testing import saved_name
from luoshi.core.timeutil import today as local_today
from luoshi.relocation import excel
from luoshi.relocation.models import Household
from luoshi.relocation.tests.factories import START, Scene, make_campaign, make_household, make_parcel

pytestmark = pytest.mark.django_db

HEADER = ["编号*", "地块", "类型", "产权人*", "身份证号", "电话", "坐落", "房屋面积（平方米）*", "用地面积（平方米）",
          "签约日期", "约定补偿（元）", "已付补偿（元）", "安置方式", "腾空日期", "拆除日期", "备注"]  # fmt: skip


def workbook(*rows: list[Any], header: list[str] = HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row(number: str, **values: Any) -> list[Any]:
    base = {"parcel": "", "kind": "民房", "owner": "赵大海", "id": "", "phone": "", "address": "", "area": 120,
            "land": None, "signed": None, "agreed": None, "paid": None, "choice": "", "vacated": None,
            "demolished": None, "note": ""}  # fmt: skip
    base.update(values)
    return [number, *base.values()]


def test_a_good_file_adds_and_updates_households(s: Scene) -> None:
    campaign = make_campaign(s)
    make_parcel(campaign, "甲一号地块")
    known = make_household(campaign, "001")
    content = workbook(
        row("001", signed="2026-06-30", agreed=1200000, choice="货币补偿"),
        row("002", parcel="甲一号地块", owner="钱小红", area="88.5", land=30),
        row("003", signed=dt.datetime(2026, 7, 1), vacated="2026年7月3日", agreed="980,000"),  # noqa: DTZ001 - a date cell
    )
    result = excel.import_ledger(actor=s.staff, campaign=campaign, content=content)
    assert (result.added, result.matched, result.changed) == (2, 1, 1)
    known.refresh_from_db()
    assert (known.signed_on, known.compensation_agreed, known.relocation_choice) == (
        START,
        Decimal("1200000.00"),
        "cash",
    )
    third = Household.objects.get(number="003")
    assert (third.vacated_on, third.compensation_agreed) == (dt.date(2026, 7, 3), Decimal("980000.00"))
    assert Household.objects.get(number="002").parcel is not None
    assert ActivityLog.objects.filter(verb="relocation.import").count() == 1
    assert ActivityLog.objects.filter(verb="create", comment="导入").count() == 2


def test_a_file_with_bad_rows_writes_nothing_and_names_every_row(s: Scene) -> None:
    campaign = make_campaign(s)
    content = workbook(
        row("001"),
        row("", owner=""),  # row 3: number and owner missing
        row("003", area="很大"),  # row 4
        row("004", vacated="2026-07-01"),  # row 5: vacated without signing
        row("005", parcel="不存在地块"),  # row 6
        row("001"),  # row 7: number twice
        row("007", signed="2099-01-01"),  # row 8: in the future
        row("008", choice="金条"),  # row 9
    )
    with pytest.raises(ValidationFailed) as exc:
        excel.import_ledger(actor=s.staff, campaign=campaign, content=content)
    details = exc.value.details
    assert sorted(details, key=int) == ["3", "4", "5", "6", "7", "8", "9"]
    assert "编号必须填写" in " ".join(details["3"])
    assert "很大" in " ".join(details["4"])
    assert "腾空须在签约之后" in " ".join(details["5"])
    assert "不存在地块" in " ".join(details["6"])
    assert "第 2 行" in " ".join(details["7"])
    assert "7 行有错误" in str(exc.value.message) and "未导入" in str(exc.value.message)
    assert not Household.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "文件是空的"),
        (b"number,owner\n1,2\n", "不是 Excel"),
        (workbook(header=["编号", "产权人"]), "缺少列"),
        (workbook(), "没有户的数据"),
    ],
)
def test_files_that_are_not_ledgers_are_refused(s: Scene, content: bytes, message: str) -> None:
    campaign = make_campaign(s)
    with pytest.raises(ValidationFailed) as exc:
        excel.import_ledger(actor=s.staff, campaign=campaign, content=content)
    assert message in " ".join(exc.value.details["file"])


def test_only_ledger_keepers_import(s: Scene) -> None:
    campaign = make_campaign(s)
    with pytest.raises(NotFound):
        excel.import_ledger(actor=s.other_staff, campaign=campaign, content=workbook(row("001")))


def test_export_round_trips_and_masks_for_readers(s: Scene) -> None:
    campaign = make_campaign(s)
    make_parcel(campaign, "甲一号地块")
    make_household(campaign, "001", signed_on=START, compensation_agreed=Decimal("10"), compensation_paid=Decimal("5"))
    make_household(campaign, "002", owner_name='=HYPERLINK("http://x")', note="+1")
    content = excel.export_ledger(actor=s.staff, campaign=campaign, reveal=True)
    result = excel.import_ledger(actor=s.staff, campaign=campaign, content=content)
    assert (result.added, result.matched, result.changed) == (0, 2, 0)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    names = [sheet.cell(row=r, column=4) for r in (2, 3)]
    assert names[0].value == "王建国"
    assert names[1].data_type == "s" and names[1].quotePrefix  # formula-like text stays text
    masked = load_workbook(io.BytesIO(excel.export_ledger(actor=s.viewer, campaign=campaign, reveal=False))).worksheets[
        0
    ]
    assert masked.cell(row=2, column=4).value == "王**"
    assert masked.cell(row=2, column=5).value == "9901************33"
    assert ActivityLog.objects.filter(verb="relocation.export").count() == 2


def test_the_pages_export_and_import(s: Scene) -> None:
    campaign = make_campaign(s)
    make_household(campaign, "001")
    c = Client()
    c.force_login(s.viewer)
    response = c.get(f"/relocation/{campaign.pk}/households/export.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == excel.XLSX
    assert saved_name(response) == f"征迁户台账-甲一号地块征收项目-{local_today().isoformat()}.xlsx"
    assert saved_name(c.get("/relocation/households/template.xlsx")) == "征迁户台账导入模板.xlsx"
    assert c.get(f"/relocation/{campaign.pk}/households/import/").status_code == 403
    c.force_login(s.staff)
    bad = io.BytesIO(workbook(row("009", area="abc", owner="")))
    bad.name = "ledger.xlsx"
    html = c.post(f"/relocation/{campaign.pk}/households/import/", {"file": bad}).content.decode()
    assert 'data-testid="import-errors"' in html
    # One line per row, in Chinese punctuation: "第 2 行：产权人必须填写。 房屋面积…", not "第 2 行: …。；…".
    line = html[html.index("<li>第 2 行") : html.index("</li>", html.index("<li>第 2 行"))]
    assert line.startswith("<li>第 2 行：产权人必须填写。 房屋面积（平方米）：")
    assert "行:" not in line and "。；" not in line
    good = io.BytesIO(workbook(row("009")))
    good.name = "ledger.xlsx"
    assert c.post(f"/relocation/{campaign.pk}/households/import/", {"file": good}).status_code == 302
    assert Household.objects.filter(number="009").exists()


def test_the_cadre_column_names_a_person_of_the_township(s: Scene) -> None:
    from luoshi.org.tests.factories import PersonFactory, PositionFactory

    campaign = make_campaign(s)
    cadre = PositionFactory(unit=s.team, person=PersonFactory(name="包户甲"), post="relocation").person
    PositionFactory(unit=s.team, person=PersonFactory(name="重名乙"))
    PositionFactory(unit=s.other_dept, person=PersonFactory(name="重名乙"))  # another 重名乙, same township
    PositionFactory(unit=s.other_township, person=PersonFactory(name="外人丙"))
    header = [*HEADER, "包户干部"]
    excel.import_ledger(actor=s.staff, campaign=campaign,
                        content=workbook([*row("001"), "包户甲"], [*row("002"), ""], header=header))  # fmt: skip
    assert dict(Household.objects.values_list("number", "cadre")) == {"001": cadre.pk, "002": None}
    bad = workbook([*row("003"), "外人丙"], [*row("004"), "重名乙"], header=header)
    with pytest.raises(ValidationFailed) as caught:
        excel.import_ledger(actor=s.staff, campaign=campaign, content=bad)
    assert caught.value.details == {
        "2": ["包户干部：甲街道没有名为“外人丙”的人员。"],
        "3": ["包户干部：甲街道有多名名为“重名乙”的人员，请在该户页面上指定包户干部。"],
    }
    # A file without the column keeps the cadres; the export writes the cadre's name.
    excel.import_ledger(actor=s.staff, campaign=campaign, content=workbook(row("001", signed="2026-06-30")))
    assert Household.objects.get(number="001").cadre_id == cadre.pk
    sheet = load_workbook(io.BytesIO(excel.export_ledger(actor=s.staff, campaign=campaign, reveal=True))).active
    assert sheet is not None
    assert [c.value for c in sheet[1]][-1] == "包户干部" and sheet["Q2"].value == "包户甲"
