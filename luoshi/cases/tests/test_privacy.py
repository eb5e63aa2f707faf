"""Reporter data per role: full for the command unit, call-back data for handlers, masked for the rest."""

from __future__ import annotations

import pytest

from luoshi.cases import privacy, selectors, services
from luoshi.cases.selectors import visibility
from luoshi.cases.tests.factories import report

pytestmark = pytest.mark.django_db

NAME, PHONE, ID_NO = "张小明", "13912345678", "330302199001011234"


def test_masking_functions():
    assert privacy.mask_name("张小明") == "张**"
    assert privacy.mask_name("李") == "李*"
    assert privacy.mask_phone("13912345678") == "139****5678"
    assert privacy.mask_phone("0577-8888") == "*******88"
    assert privacy.mask_id_no("330302199001011234") == "3303************34"
    assert privacy.mask_email("zhang@example.cn") == "z***@example.cn"
    assert privacy.mask_name("") == privacy.mask_phone("") == privacy.mask_id_no("") == ""


@pytest.fixture
def dispatched(w):
    case = report(w)
    case = services.case_accept(actor=w.supervisor, case=case)
    return services.case_dispatch(actor=w.supervisor, case=case, handling_unit=w.dept, co_units=[w.dept2])


@pytest.mark.parametrize(
    ("who", "name", "phone", "id_no"),
    [
        ("supervisor", NAME, PHONE, ID_NO),
        ("leader", NAME, PHONE, ID_NO),
        ("staff", NAME, PHONE, "3303************34"),  # handler: must call back, no ID
        ("grid", NAME, PHONE, "3303************34"),  # the reporter who entered it
        ("staff2", "张**", "139****5678", "3303************34"),  # co-unit
        ("community", "张**", "139****5678", "3303************34"),  # place only
        ("viewer", "张**", "139****5678", "3303************34"),  # district viewer
    ],
)
def test_contact_per_role(w, dispatched, who, name, phone, id_no):
    view = selectors.case_view(getattr(w, who), dispatched.pk)
    assert (view.contact.name, view.contact.phone, view.contact.id_no) == (name, phone, id_no)


@pytest.mark.parametrize("who", ["staff", "grid", "staff2", "community", "viewer"])
def test_anonymous_reports_keep_contact_for_the_command_unit_only(w, who):
    case = report(w, is_anonymous=True)
    case = services.case_accept(actor=w.supervisor, case=case)
    case = services.case_dispatch(actor=w.supervisor, case=case, handling_unit=w.dept, co_units=[w.dept2])
    view = selectors.case_view(getattr(w, who), case.pk)
    assert view.contact.anonymous
    assert view.contact.phone == "" and view.contact.id_no == ""
    assert PHONE not in view.contact.name
    full = selectors.case_view(w.supervisor, case.pk)
    assert full.contact.phone == PHONE


def test_outsiders_do_not_see_the_case_at_all(w, dispatched):
    from luoshi.core.errors import NotFound

    with pytest.raises(NotFound):
        selectors.case_view(w.outsider, dispatched.pk)
    with pytest.raises(NotFound):
        selectors.case_view(w.other_supervisor, dispatched.pk)


@pytest.mark.parametrize("cap", [1000, 0])
def test_lists_and_boxes_find_co_handled_cases_with_plain_ids_or_the_union(w, dispatched, monkeypatch, cap):
    """Small scopes test visibility with an OR on plain co-unit ids, or a UNION past the cap."""
    monkeypatch.setattr(visibility, "CO_UNIT_IDS_CAP", cap)
    other = report(w, unit=w.units["b_community"], actor=w.outsider)
    for who, box in (("staff2", "all"), ("staff2", "handle"), ("staff", "handle"), ("grid", "all")):
        user = getattr(w, who)
        found = list(selectors.case_list(user, selectors.CaseFilters(box=box)).values_list("pk", flat=True))
        assert dispatched.pk in found and other.pk not in found, (who, box)
    assert selectors.inbox_counts(w.staff2)["handle"] == 1
