"""The shared helpers: versions, spreadsheet cells, query parameters, masking, form errors, text checks."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from openpyxl import Workbook, load_workbook

from luoshi.core import cells, masking, params, versioning
from luoshi.core.errors import Conflict, ValidationFailed
from luoshi.core.forms import apply_error
from luoshi.core.validators import check_text, has_control_characters, no_control_characters
from luoshi.org.models import Unit

# --- versioning -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stale_version_is_one_conflict_code_everywhere(tree):
    unit = tree["a"]
    locked = versioning.lock(Unit, unit.pk)
    assert locked.pk == unit.pk
    versioning.check_version(locked, None)  # no version: no check
    versioning.check_version(locked, unit.version)
    with pytest.raises(Conflict) as caught:
        versioning.lock_checked(Unit.objects.select_related("parent"), unit.pk, unit.version + 1)
    assert caught.value.code == "stale" and caught.value.status == 409
    assert str(caught.value.message)


# --- spreadsheet cells ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "shown", "quoted"),
    [
        ("plain", "plain", False),
        ("a\x1bb", "ab", False),  # escape: openpyxl would refuse the whole file
        ("nul\x00here", "nulhere", False),
        ("tab\tand\nline", "tab\tand\nline", False),  # tab, line feed stay
        ('=HYPERLINK("http://x","点我")', '=HYPERLINK("http://x","点我")', True),
        ("+1+1", "+1+1", True),
        ("-2+3", "-2+3", True),
        ("@SUM(A1)", "@SUM(A1)", True),
        ("\t=1+1", "\t=1+1", True),
        ("\r=1+1", "\r=1+1", True),
        ("  =1", "  =1", True),
        ("a=b", "a=b", False),
        ("lone\ud800surrogate", "lonesurrogate", False),
    ],
)
@pytest.mark.parametrize("write_only", [True, False])
def test_exported_cells_are_clean_and_never_formulas(given, shown, quoted, write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("x") if write_only else book.active
    cells.append(sheet, [given, 42, None, dt.date(2026, 3, 1)])
    out = io.BytesIO()
    book.save(out)
    row = next(load_workbook(io.BytesIO(out.getvalue())).worksheets[0].iter_rows())
    assert row[0].value == shown
    assert row[0].data_type == "s"
    assert row[0].quotePrefix is quoted
    assert row[1].value == 42 and row[2].value is None
    assert row[3].value.date() == dt.date(2026, 3, 1)


# --- query parameters -------------------------------------------------------------------


def _q(text: str) -> QueryDict:
    return QueryDict(text)


@pytest.mark.parametrize(
    ("query", "expected"),
    [("", None), ("category=", None), ("category=1", 1), ("category=9223372036854775807", 2**63 - 1)],
)
def test_ids_in_range_are_read(query, expected):
    assert params.get_id(_q(query), "category") == expected


@pytest.mark.parametrize(
    "query",
    [
        "category=99999999999999999999",
        "category=9223372036854775808",
        "category=0",
        "category=-1",
        "category=abc",
        "category=1.5",
        "category=%EF%BC%91",  # a full-width digit
        "category=%00",
    ],
)
def test_bad_ids_are_a_400_in_chinese(query):
    with pytest.raises(ValidationFailed) as caught:
        params.get_id(_q(query), "category")
    assert caught.value.code == "bad_parameter" and caught.value.status == 400
    assert "category" in caught.value.details


@pytest.mark.parametrize(("query", "expected"), [("", 1), ("page=1", 1), ("page=10000", 10_000)])
def test_page_numbers(query, expected):
    assert params.get_page(_q(query)) == expected


@pytest.mark.parametrize("query", ["page=0", "page=10001", "page=99999999999999999999999", "page=x"])
def test_bad_page_numbers_are_refused(query):
    with pytest.raises(ValidationFailed):
        params.get_page(_q(query))


@pytest.mark.parametrize(
    ("query", "expected"),
    [("start=2000-01-01", dt.date(2000, 1, 1)), ("start=2099-12-31", dt.date(2099, 12, 31)), ("start=", None)],
)
def test_dates_at_the_edges(query, expected):
    assert params.get_date(_q(query), "start") == expected


@pytest.mark.parametrize(
    "query",
    ["start=0001-01-01", "start=9999-12-31", "start=1999-12-31", "start=2100-01-01", "start=2026-02-30",
     "start=2026-13-01", "start=20260301", "start=2026-3-1x"],
)  # fmt: skip
def test_bad_dates_are_refused(query):
    with pytest.raises(ValidationFailed) as caught:
        params.get_date(_q(query), "start")
    assert caught.value.code == "bad_parameter"


def test_floats_choices_and_text():
    assert params.get_float(_q("lat=30.5"), "lat", minimum=-90, maximum=90) == 30.5
    for bad in ("lat=nan", "lat=inf", "lat=91", "lat=1e999", "lat=x"):
        with pytest.raises(ValidationFailed):
            params.get_float(_q(bad), "lat", minimum=-90, maximum=90)
    assert params.get_choice(_q("risk=high"), "risk", ["high", "low"]) == "high"
    assert params.get_choice(_q(""), "risk", ["high", "low"], default="low") == "low"
    with pytest.raises(ValidationFailed):
        params.get_choice(_q("risk=HIGH"), "risk", ["high", "low"])
    assert params.get_text(_q("q=井盖"), "q") == "井盖"
    for bad in ("q=a%00b", "q=a%1Bb", "q=" + "x" * 201):
        with pytest.raises(ValidationFailed):
            params.get_text(_q(bad), "q")
    assert params.get_int(_q("n=5"), "n", minimum=1, maximum=5) == 5
    with pytest.raises(ValidationFailed):
        params.get_int(_q("n=6"), "n", minimum=1, maximum=5)
    assert params.get_ids(_q("unit=1&unit=2"), "unit") == [1, 2]


# --- masking -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("func", "given", "masked"),
    [
        (masking.mask_name, "张小明", "张**"),
        (masking.mask_name, "李四", "李*"),
        (masking.mask_name, "王", "王*"),
        (masking.mask_name, "", ""),
        (masking.mask_phone, "13812345678", "138****5678"),
        (masking.mask_phone, "87654321", "******21"),
        (masking.mask_phone, "110", "***"),
        (masking.mask_id_no, "110101199001011234", "1101************34"),
        (masking.mask_id_no, "123456", "******"),
        (masking.mask_email, "zhang@example.cn", "z***@example.cn"),
        (masking.mask_names, "张三、李四", "张*、李*"),
        (masking.mask_names, "张三，李四光", "张*、李**"),
    ],
)
def test_one_masking_rule_per_kind_of_field(func, given, masked):
    assert func(given) == masked


# --- form errors and text ----------------------------------------------------------------


class _Form(forms.Form):
    title = forms.CharField()
    unit = forms.CharField()


def test_service_errors_land_on_the_field_they_name():
    form = _Form({"title": "x", "unit": "y"})
    assert form.is_valid()
    apply_error(form, ValidationFailed("bad", details={"title": ["太长了"], "handling_unit": ["不在范围内"]}),
                fields={"handling_unit": "unit"})  # fmt: skip
    assert form.errors == {"title": ["太长了"], "unit": ["不在范围内"]}
    other = _Form({"title": "x", "unit": "y"})
    other.is_valid()
    apply_error(other, ValidationFailed("整体错误", details={"nowhere": ["x"]}))
    assert other.non_field_errors() == ["整体错误"]


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("井盖\n缺失\t了", False),
        ("a\x00b", True),
        ("a\x1bb", True),
        ("a\x7fb", True),
        ("a\ud800b", True),
        ("\r\n", False),
    ],
)
def test_control_characters_are_refused_at_input(text, bad):
    assert has_control_characters(text) is bad
    if bad:
        with pytest.raises(ValidationError):
            no_control_characters(text)
        with pytest.raises(ValidationFailed) as caught:
            check_text(text, "description")
        assert caught.value.details == {"description": [str(caught.value.message)]}
    else:
        no_control_characters(text)
        assert check_text(text, "description") == text
