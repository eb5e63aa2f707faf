"""A unit listed beside units of other townships is named with its township."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template

from luoshi.org.labels import Labeller, label_related, unit_label, unit_labels
from luoshi.org.models import Unit, UnitKind
from luoshi.org.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_townships() -> dict[str, Any]:
    district = UnitFactory(name="示范区", kind=UnitKind.DISTRICT, code="LD")
    east = UnitFactory(name="城东街道", kind=UnitKind.SUBDISTRICT, code="LE", parent=district)
    west = UnitFactory(name="城西镇", kind=UnitKind.TOWNSHIP, code="LW", parent=district)
    east_dept = UnitFactory(name="城市建设管理办公室", kind=UnitKind.DEPARTMENT, code="LED1", parent=east)
    west_dept = UnitFactory(name="城市建设管理办公室", kind=UnitKind.DEPARTMENT, code="LWD1", parent=west)
    sub_dept = UnitFactory(name="市政组", kind=UnitKind.DEPARTMENT, code="LED2", parent=east_dept)
    community = UnitFactory(name="东星社区", kind=UnitKind.COMMUNITY, code="LE01", parent=east)
    grid = UnitFactory(name="东星社区第1网格", kind=UnitKind.GRID, code="LE01G1", parent=community)
    district_dept = UnitFactory(name="区应急管理局", kind=UnitKind.DEPARTMENT, code="LDD1", parent=district)
    lone = UnitFactory(name="独立街道", kind=UnitKind.SUBDISTRICT, code="LL")
    return {
        "district": district, "east": east, "west": west, "east_dept": east_dept, "west_dept": west_dept,
        "sub_dept": sub_dept, "community": community, "grid": grid, "district_dept": district_dept, "lone": lone,
    }  # fmt: skip


#: unit → its label, written out.
EXPECTED = {
    "east_dept": "城东街道·城市建设管理办公室",
    "west_dept": "城西镇·城市建设管理办公室",
    "sub_dept": "城东街道·市政组",
    "community": "城东街道·东星社区",
    "grid": "城东街道·东星社区第1网格",
    "east": "城东街道",
    "west": "城西镇",
    "district": "示范区",
    "district_dept": "区应急管理局",
    "lone": "独立街道",
}


def test_same_named_departments_of_two_townships_are_told_apart(two_townships):
    labels = unit_labels([two_townships["east_dept"].pk, two_townships["west_dept"].pk])
    assert labels == {
        two_townships["east_dept"].pk: "城东街道·城市建设管理办公室",
        two_townships["west_dept"].pk: "城西镇·城市建设管理办公室",
    }


def test_bulk_labels_of_every_kind_in_one_query(two_townships, django_assert_num_queries):
    ids = {key: unit.pk for key, unit in two_townships.items()}
    with django_assert_num_queries(1):
        labels = unit_labels([*ids.values(), None, 0])
    assert {key: labels[pk] for key, pk in ids.items()} == EXPECTED


def test_no_ids_still_one_query_so_page_counts_do_not_vary(two_townships, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert unit_labels([None, 0]) == {}


def test_one_unit_agrees_with_the_bulk_labels(two_townships):
    for key, unit in two_townships.items():
        assert unit_label(Unit.objects.get(pk=unit.pk)) == EXPECTED[key], key
    assert unit_label(None) == ""


def test_loaded_with_label_related_asks_nothing(two_townships, django_assert_num_queries):
    units = list(
        Unit.objects.filter(pk__in=[u.pk for u in two_townships.values()]).select_related("parent__parent__parent")
    )
    with django_assert_num_queries(0):
        labels = {u.name + str(u.pk): unit_label(u) for u in units}
    assert sorted(labels.values()) == sorted(EXPECTED.values())


def test_label_related_names_the_path_through_a_field():
    assert label_related("lead_unit") == ("lead_unit__parent__parent__parent",)


def test_template_filter(two_townships):
    html = Template("{% load unit_labels %}{{ unit|unit_label }}").render(Context({"unit": two_townships["west_dept"]}))
    assert html == "城西镇·城市建设管理办公室"


def test_the_labeller_names_loaded_units_after_one_query(two_townships, django_assert_num_queries):
    units = list(Unit.objects.filter(pk__in=[u.pk for u in two_townships.values()]))
    by_pk = {u.pk: key for key, u in two_townships.items()}
    with django_assert_num_queries(1):
        label = Labeller()
        labels = {by_pk[u.pk]: label(u) for u in units}
    assert labels == EXPECTED
    assert label(None) == ""
