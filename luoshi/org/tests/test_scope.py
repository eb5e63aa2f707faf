"""Data scope and the central permission table: every role, in and out of scope."""

from __future__ import annotations

import pytest

from luoshi.core.errors import Forbidden, NotFound
from luoshi.org import selectors
from luoshi.org.models import Role
from luoshi.org.permissions import can, require
from luoshi.org.scope import scope_for
from luoshi.org.tests.factories import UserFactory, grant, user_with_role

pytestmark = pytest.mark.django_db

ALL_ROLES = [r.value for r in Role]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_sees_its_subtree_only(tree, role):
    # district viewers are granted at the district; everyone else at subdistrict A
    at = tree["district"] if role == Role.DISTRICT_VIEWER else tree["a"]
    user = user_with_role(role, at)
    visible = set(selectors.units_visible_to(user).values_list("code", flat=True))
    if role == Role.DISTRICT_VIEWER:
        assert visible == {"TD", "TA", "TB", "TAD1", "TA01", "TA01G1", "TB01"}
    else:
        assert visible == {"TA", "TAD1", "TA01", "TA01G1"}
        assert can(user, "unit.view", tree["grid"])
        assert not can(user, "unit.view", tree["b_community"])
        with pytest.raises(NotFound):
            selectors.access_unit(user, tree["b_community"].pk)
        with pytest.raises(NotFound):
            selectors.access_unit(user, tree["district"].pk)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_administrators_may_edit_and_others_get_forbidden(tree, role):
    user = user_with_role(role, tree["a"]) if role != Role.DISTRICT_VIEWER else user_with_role(role, tree["district"])
    if role == Role.ADMIN:
        require(user, "unit.edit", tree["community"])
    else:
        with pytest.raises(Forbidden):
            require(user, "unit.edit", tree["a"])
    # Outside the subtree the object does not even exist for them.
    outsider = user_with_role(role, tree["b"]) if role != Role.DISTRICT_VIEWER else None
    if outsider is not None:
        with pytest.raises(NotFound):
            require(outsider, "unit.edit", tree["a"])


def test_grid_worker_scope_is_the_grid(tree):
    worker = user_with_role(Role.GRID_WORKER, tree["grid"])
    assert list(selectors.units_visible_to(worker).values_list("code", flat=True)) == ["TA01G1"]
    assert scope_for(worker).roles_at(tree["grid"]) == {Role.GRID_WORKER}
    assert scope_for(worker).roles_at(tree["community"]) == frozenset()


def test_roles_accumulate_down_the_tree(tree):
    user = user_with_role(Role.SUPERVISOR, tree["a"])
    grant(user, Role.COMMUNITY_STAFF, tree["community"])
    assert scope_for(user).roles_at(tree["grid"]) == {Role.SUPERVISOR, Role.COMMUNITY_STAFF}
    assert scope_for(user).roles_at(tree["dept"]) == {Role.SUPERVISOR}
    assert scope_for(user).root_paths() == [tree["a"].path]


def test_user_without_roles_sees_nothing(tree):
    nobody = UserFactory()
    assert not selectors.units_visible_to(nobody).exists()
    assert selectors.unit_tree(nobody) == []
    assert not can(nobody, "unit.view", tree["a"])


def test_superuser_sees_everything(tree):
    root = UserFactory(is_superuser=True)
    assert selectors.units_visible_to(root).count() == 7
    assert can(root, "unit.edit", tree["b"])


def test_inactive_user_sees_nothing(tree):
    user = user_with_role(Role.LEADER, tree["a"])
    user.is_active = False
    assert not selectors.units_visible_to(user).exists()


def test_people_are_visible_through_their_positions(tree):
    from luoshi.org.tests.factories import PositionFactory

    in_a = PositionFactory(unit=tree["grid"]).person
    in_b = PositionFactory(unit=tree["b_community"]).person
    leader = user_with_role(Role.LEADER, tree["a"])
    visible = set(selectors.people_visible_to(leader))
    assert in_a in visible
    assert in_b not in visible
    with pytest.raises(NotFound):
        selectors.access_person(leader, in_b.pk)


def test_unit_tree_nests_children_in_one_query(tree, django_assert_num_queries):
    user = user_with_role(Role.LEADER, tree["district"])
    scope_for(user)
    with django_assert_num_queries(1):
        roots = selectors.unit_tree(user)
    assert [n.unit.code for n in roots] == ["TD"]
    assert sorted(n.unit.code for n in roots[0].children) == ["TA", "TB"]
    assert roots[0].size == 7
