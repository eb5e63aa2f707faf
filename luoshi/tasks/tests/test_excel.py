"""Excel task lists: template round trip, every bad row reported, all or nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from luoshi.core.errors import ValidationFailed
from luoshi.tasks import excel
from luoshi.tasks.models import Status, Task

pytestmark = pytest.mark.django_db


def workbook(rows: list[list[object]], header: list[str] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    template_header = [c.value for c in load_workbook(io.BytesIO(excel.template())).active[1]]
    ws.append(header or template_header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row(title="清理河道", lead="TAD1", start="2026-05-01", deadline="2026/6/30", **extra):
    values = {
        "title": title, "lead_unit": lead, "start_date": start, "deadline": deadline, "target": "河面无漂浮物",
        "acceptance": "现场抽查合格", "responsible_leader": "副主任", **extra,
    }  # fmt: skip
    return [values.get(key, "") for key, _h, _r, _e in excel.COLUMNS]


def test_template_has_every_column_and_an_example():
    ws = load_workbook(io.BytesIO(excel.template())).active
    assert ws.max_column == len(excel.COLUMNS)
    assert ws.cell(row=2, column=1).value


def test_good_file_previews_and_imports_everything_assigned(s, fixed_today):
    content = workbook([
        row(),
        row(title="修缮社区用房", lead="甲党政办", start=dt.date(2026, 5, 2), deadline="2026年7月31日",
            responsible_leader="副主任", co_units="TA01", priority="紧急", report_cadence="每月", source="会议部署"),
    ])  # fmt: skip
    preview = excel.import_preview(actor=s.supervisor, content=content)
    assert preview.ok, [r.errors for r in preview.rows]
    created = excel.import_commit(actor=s.supervisor, content=content)
    assert len(created) == 2
    second = Task.objects.get(title="修缮社区用房")
    assert second.status == Status.ASSIGNED
    assert (second.priority, second.report_cadence, second.source) == ("urgent", "monthly", "meeting")
    assert second.deadline == dt.date(2026, 7, 31)
    assert list(second.co_units.values_list("code", flat=True)) == ["TA01"]


def test_bad_rows_are_each_reported_and_nothing_is_created(s, fixed_today):
    content = workbook([
        row(),
        row(title="", lead="NOPE"),
        row(title="日期错", deadline="下个月"),
        row(title="先后颠倒", start="2026-08-01", deadline="2026-07-01"),
        row(title="越权", lead="TB01"),
        row(title="优先级", priority="特急"),
        row(title="错上加错", lead="NOPE", start="2026-08-01", deadline="2026-07-01"),
        row(title="缺五定", target="", acceptance="", responsible_leader=""),
        row(title="生来逾期", start="2026-03-01", deadline="2026-04-15"),
    ])  # fmt: skip
    preview = excel.import_preview(actor=s.supervisor, content=content)
    assert not preview.ok
    errors = {r.number: r.errors for r in preview.rows}
    assert errors[2] == []
    assert len(errors[3]) >= 2  # missing title, unknown unit
    assert errors[4] and errors[5] and errors[6] and errors[7]
    # Every error of a row at once: the unknown unit and the dates in the wrong order.
    assert len(errors[8]) == 2 and any("NOPE" in e for e in errors[8])
    # Imported tasks are dispatched at once, so each row needs the five fixes and a deadline not yet past.
    assert errors[9] == [
        "工作目标：交办前请填写工作目标（定目标）。",
        "责任领导：交办前请选定责任领导（定领导）。",
        "验收标准：交办前请填写验收标准（定标准）。",
    ]
    assert errors[10] == ["完成时限：完成时限2026-04-15已过，请选择今天或以后的日期。"]
    with pytest.raises(ValidationFailed) as caught:
        excel.import_commit(actor=s.supervisor, content=content)
    assert set(caught.value.details) == {"3", "4", "5", "6", "7", "8", "9", "10"}
    assert Task.objects.count() == 0


@pytest.mark.parametrize(
    ("cell", "error"),
    [
        ("2026-13-01", "完成时限：无法识别“2026-13-01”。"),
        ("2026年2月30日", "完成时限：无法识别“2026年2月30日”。"),
        ("2026/6/31", "完成时限：无法识别“2026/6/31”。"),
    ],
)
def test_a_day_that_does_not_exist_is_a_chinese_row_error_not_pythons(s, fixed_today, cell, error):
    preview = excel.import_preview(actor=s.supervisor, content=workbook([row(deadline=cell)]))
    assert preview.rows[0].errors == [error]
    assert Task.objects.count() == 0


def test_not_an_excel_file_and_missing_columns(s):
    assert excel.import_preview(actor=s.supervisor, content=b"hello").file_errors
    preview = excel.import_preview(actor=s.supervisor, content=workbook([["x"]], header=["随便"]))
    assert preview.file_errors and not preview.ok


def test_ambiguous_unit_names_ask_for_the_code(s, tree):
    from luoshi.org.models import UnitKind
    from luoshi.org.tests.factories import UnitFactory

    UnitFactory(name="甲党政办", kind=UnitKind.DEPARTMENT, code="TAD9", parent=tree["a"])
    preview = excel.import_preview(actor=s.supervisor, content=workbook([row(lead="甲党政办")]))
    assert preview.rows[0].errors == ["“甲党政办”对应多个单位，请改填单位简码。"]


def test_import_pages_preview_then_confirm(client, s, settings, tmp_path, fixed_today):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.MEDIA_ROOT = tmp_path
    client.force_login(s.supervisor)
    assert client.get(reverse("tasks:import_template"))["Content-Type"] == excel.XLSX
    upload = SimpleUploadedFile("清单.xlsx", workbook([row(), row(title="第二项")]))
    page = client.post(reverse("tasks:import"), {"file": upload})
    assert page.status_code == 200 and Task.objects.count() == 0
    token = page.context["preview"].token
    assert token
    done = client.post(reverse("tasks:import"), {"confirm": "1", "token": token})
    assert done.status_code == 302 and Task.objects.count() == 2
    bad = SimpleUploadedFile("坏.xlsx", workbook([row(lead="NOPE")]))
    page = client.post(reverse("tasks:import"), {"file": bad})
    assert "NOPE" in page.content.decode() and not page.context["preview"].token
