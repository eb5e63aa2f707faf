"""The unit tree: materialised paths, placement rules, moves, division codes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from luoshi.org import services
from luoshi.org.models import Unit, UnitKind, division_level
from luoshi.org.tests.factories import UnitFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_paths_follow_the_tree(tree):
    district, a, grid = tree["district"], tree["a"], tree["grid"]
    assert district.path == f"/{district.pk}/"
    assert a.path == f"/{district.pk}/{a.pk}/"
    assert grid.path.startswith(a.path)
    assert grid.depth == 3
    assert grid.ancestor_ids == [district.pk, a.pk, tree["community"].pk]


def test_subtree_query_is_one_prefix_filter(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = set(Unit.objects.subtree_of(tree["a"]).values_list("name", flat=True))
    assert names == {"甲街道", "甲党政办", "甲一社区", "甲一社区第1网格"}
    assert "乙一社区" not in names


def test_admin_creates_a_child_and_the_log_records_it(tree):
    admin = user_with_role("admin", tree["a"])
    unit = services.unit_create(actor=admin, parent=tree["a"], name="甲二社区", kind=UnitKind.COMMUNITY, code="ta02")
    assert unit.code == "TA02"
    assert unit.path == f"{tree['a'].path}{unit.pk}/"
    from luoshi.core.models import ActivityLog

    entry = ActivityLog.objects.for_object(unit).get()
    assert entry.verb == "create"
    assert entry.changes["name"] == {"before": None, "after": "甲二社区"}


def test_placement_rules_are_enforced(tree):
    admin = user_with_role("admin", tree["district"])
    with pytest.raises(ValidationFailed) as excinfo:
        services.unit_create(
            actor=admin, parent=tree["grid"], name="网格下的社区", kind=UnitKind.COMMUNITY, code="BAD1"
        )
    assert excinfo.value.code == "unit_placement"
    with pytest.raises(ValidationFailed):
        services.unit_create(actor=admin, parent=tree["a"], name="街道下的区", kind=UnitKind.DISTRICT, code="BAD2")


def test_short_code_must_be_valid_and_unique(tree):
    admin = user_with_role("admin", tree["district"])
    with pytest.raises(ValidationFailed) as excinfo:
        services.unit_create(actor=admin, parent=tree["a"], name="甲三社区", kind=UnitKind.COMMUNITY, code="1")
    assert "code" in excinfo.value.details
    with pytest.raises(ValidationFailed):
        services.unit_create(actor=admin, parent=tree["a"], name="重复简码", kind=UnitKind.COMMUNITY, code="TA01")


def test_moving_a_unit_moves_its_subtree(tree):
    admin = user_with_role("admin", tree["district"])
    community = tree["community"]
    moved = services.unit_update(actor=admin, unit=community, parent=tree["b"])
    grid = Unit.objects.get(pk=tree["grid"].pk)
    assert moved.path == f"{tree['b'].path}{community.pk}/"
    assert grid.path == f"{moved.path}{grid.pk}/"
    assert grid.depth == 3
    assert moved.version == 2
    assert set(Unit.objects.subtree_of(tree["b"]).values_list("name", flat=True)) >= {"甲一社区", "甲一社区第1网格"}


def test_a_unit_cannot_move_into_its_own_subtree(tree):
    admin = user_with_role("admin", tree["district"])
    sub_dept = UnitFactory(name="下级科室", kind=UnitKind.DEPARTMENT, code="TAD2", parent=tree["dept"])
    with pytest.raises(ValidationFailed) as excinfo:
        services.unit_update(actor=admin, unit=tree["dept"], parent=sub_dept)
    assert excinfo.value.code == "unit_cycle"


def test_stale_version_is_a_conflict(tree):
    admin = user_with_role("admin", tree["district"])
    services.unit_update(actor=admin, unit=tree["a"], version=1, name="甲街道（新）")
    with pytest.raises(Conflict):
        services.unit_update(actor=admin, unit=tree["a"], version=1, name="甲街道（旧）")


def test_only_administrators_change_the_tree(tree):
    leader = user_with_role("leader", tree["a"])
    with pytest.raises(Forbidden):
        services.unit_update(actor=leader, unit=tree["a"], name="改名")
    outsider = user_with_role("admin", tree["b"])
    with pytest.raises(NotFound):
        services.unit_update(actor=outsider, unit=tree["a"], name="改名")
    with pytest.raises(Forbidden):
        services.unit_create(actor=UserFactory(), parent=None, name="新区", kind=UnitKind.DISTRICT, code="NEW")


def test_division_codes_must_fit_kind_and_parent(tree):
    admin = user_with_role("admin", tree["district"])
    district = tree["district"]
    services.unit_update(actor=admin, unit=district, division_code="990101000000")
    services.unit_update(actor=admin, unit=tree["a"], division_code="990101001000")
    with pytest.raises(ValidationFailed) as excinfo:
        services.unit_update(actor=admin, unit=tree["community"], division_code="990102001001")
    assert excinfo.value.code == "division_code_prefix"
    with pytest.raises(ValidationFailed) as excinfo:
        services.unit_update(actor=admin, unit=tree["community"], division_code="990101002000")
    assert excinfo.value.code == "division_code_level"
    services.unit_update(actor=admin, unit=tree["community"], division_code="990101001001")


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("350781000000", "county"),
        ("350781001000", "township"),
        ("350781001002", "village"),
        ("350781000002", None),
        ("000000001002", None),
        ("35078100100", None),
        ("35078100100a", None),
        ("", None),
    ],
)
def test_division_level(code, level):
    assert division_level(code) == level


@given(
    county=st.integers(min_value=110000, max_value=999999),
    township=st.integers(min_value=0, max_value=999),
    village=st.integers(min_value=0, max_value=999),
)
def test_division_level_reads_every_well_formed_code(county, township, village):
    code = f"{county:06d}{township:03d}{village:03d}"
    level = division_level(code)
    if township == 0:
        assert level == ("county" if village == 0 else None)
    else:
        assert level == ("township" if village == 0 else "village")


@given(st.text(max_size=14))
def test_division_level_never_crashes(text):
    assert division_level(text) in {None, "county", "township", "village"}
