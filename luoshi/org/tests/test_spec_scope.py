"""Data scope as users are promised it (docs/decisions/0002): a role granted at a unit covers its subtree.

The tree (``small_tree``): 测试区 TD → 甲街道 TA (甲党政办 TAD1; 甲一社区 TA01 → 第1网格 TA01G1)
and 乙街道 TB (乙一社区 TB01).
"""

from __future__ import annotations

import pytest

from luoshi.core.errors import Forbidden, NotFound
from luoshi.org import permissions, selectors, services
from luoshi.org.models import Position, Role, RoleGrant, Unit
from luoshi.org.permissions import Rule, can, is_org_admin, require
from luoshi.org.scope import forget_scope, reuse_scope, scope_for
from luoshi.org.tests.factories import PositionFactory, UserFactory, grant, user_with_role

pytestmark = pytest.mark.django_db


def codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


def test_roles_in_two_separate_subtrees_see_both(tree):
    user = user_with_role(Role.UNIT_STAFF, tree["dept"])
    grant(user, Role.COMMUNITY_STAFF, tree["b_community"])
    scope = scope_for(user)
    assert codes(selectors.units_visible_to(user)) == {"TAD1", "TB01"}
    assert codes(Unit.objects.filter(scope.unit_q())) == {"TAD1", "TB01"}
    assert scope.root_paths() == sorted([tree["dept"].path, tree["b_community"].path])
    assert scope.covers(tree["dept"]) and scope.covers(tree["b_community"])
    assert not scope.covers(tree["a"]) and not scope.covers(tree["grid"]) and not scope.covers(tree["b"])
    assert scope.roles_at(tree["b_community"]) == {Role.COMMUNITY_STAFF}
    assert scope.roles_at(tree["dept"]) == {Role.UNIT_STAFF}
    assert scope.roles_at(tree["community"]) == frozenset()
    assert scope.roles == {Role.UNIT_STAFF, Role.COMMUNITY_STAFF}
    assert scope.home_units() == [tree["dept"].pk, tree["b_community"].pk]
    # The same filter on a foreign key to units: people placed in either subtree.
    in_dept = PositionFactory(unit=tree["dept"])
    in_b = PositionFactory(unit=tree["b_community"])
    PositionFactory(unit=tree["grid"])
    assert set(Position.objects.filter(scope.unit_q("unit"))) == {in_dept, in_b}


def test_three_subtrees_and_a_nested_grant(tree):
    user = user_with_role(Role.GRID_WORKER, tree["grid"])
    grant(user, Role.UNIT_STAFF, tree["dept"])
    grant(user, Role.COMMUNITY_STAFF, tree["b_community"])
    grant(user, Role.LEADER, tree["community"])  # above the grid: the grid's grant is nested in it
    assert codes(selectors.units_visible_to(user)) == {"TAD1", "TA01", "TA01G1", "TB01"}
    assert scope_for(user).root_paths() == sorted([tree["dept"].path, tree["community"].path,
                                                   tree["b_community"].path])  # fmt: skip
    assert scope_for(user).roles_at(tree["grid"]) == {Role.GRID_WORKER, Role.LEADER}
    assert scope_for(user).home_units() == [tree["grid"].pk, tree["dept"].pk, tree["b_community"].pk,
                                            tree["community"].pk]  # fmt: skip


def test_scope_filtered_by_role(tree):
    user = user_with_role(Role.LEADER, tree["dept"])
    grant(user, Role.COMMUNITY_STAFF, tree["b_community"])
    grant(user, Role.SUPERVISOR, tree["grid"])
    scope = scope_for(user)
    leader_only = frozenset({Role.LEADER})
    assert codes(Unit.objects.filter(scope.unit_q(roles=leader_only))) == {"TAD1"}
    assert scope.root_paths(leader_only) == [tree["dept"].path]
    both = frozenset({Role.LEADER, Role.SUPERVISOR})
    assert codes(Unit.objects.filter(scope.unit_q(roles=both))) == {"TAD1", "TA01G1"}
    # A role the user does not hold anywhere matches nothing (not everything).
    assert not Unit.objects.filter(scope.unit_q(roles=frozenset({Role.ADMIN}))).exists()
    assert not Position.objects.filter(scope.unit_q("unit", roles=frozenset({Role.ADMIN}))).exists()
    assert scope.root_paths(frozenset({Role.ADMIN})) == []


def test_a_grant_at_a_deactivated_unit_gives_nothing(tree):
    user = user_with_role(Role.LEADER, tree["b_community"])
    grant(user, Role.UNIT_STAFF, tree["dept"])
    Unit.objects.filter(pk=tree["b_community"].pk).update(is_active=False)
    forget_scope(user)
    scope = scope_for(user)
    assert [g.unit_id for g in scope.grants] == [tree["dept"].pk]
    assert codes(selectors.units_visible_to(user)) == {"TAD1"}
    assert not scope.covers(tree["b_community"])
    assert scope.roles == {Role.UNIT_STAFF}
    assert not can(user, "unit.view", tree["b_community"])
    with pytest.raises(NotFound):
        selectors.access_unit(user, tree["b_community"].pk)


def test_only_a_grant_at_a_deactivated_unit_means_an_empty_scope(tree):
    user = user_with_role(Role.SUPERVISOR, tree["b"])
    Unit.objects.filter(pk=tree["b"].pk).update(is_active=False)
    forget_scope(user)
    assert scope_for(user).is_empty
    assert not selectors.units_visible_to(user).exists()


def test_the_scope_is_cached_until_forgotten(tree):
    user = user_with_role(Role.UNIT_STAFF, tree["dept"])
    first = scope_for(user)
    assert scope_for(user) is first
    RoleGrant.objects.create(user=user, role=Role.COMMUNITY_STAFF, unit=tree["b_community"])
    assert scope_for(user) is first  # cached on the user object: no query per check
    forget_scope(user)
    assert scope_for(user) is not first
    assert codes(selectors.units_visible_to(user)) == {"TAD1", "TB01"}
    forget_scope(user)  # forgetting twice is harmless
    forget_scope(UserFactory())  # and so is forgetting a scope never computed


def test_granting_and_revoking_through_the_service_updates_the_scope_at_once(tree):
    admin = user_with_role(Role.ADMIN, tree["district"])
    user = user_with_role(Role.UNIT_STAFF, tree["dept"])
    assert codes(selectors.units_visible_to(user)) == {"TAD1"}
    row = services.role_grant(actor=admin, user=user, role=Role.LEADER, unit=tree["b"])
    assert codes(selectors.units_visible_to(user)) == {"TAD1", "TB", "TB01"}
    assert can(user, "unit.view", tree["b_community"])
    row.user = user
    services.role_revoke(actor=admin, grant=row)
    assert codes(selectors.units_visible_to(user)) == {"TAD1"}
    assert not can(user, "unit.view", tree["b_community"])


def test_reused_scope_is_an_equal_fresh_object(tree):
    user = user_with_role(Role.LEADER, tree["a"])
    scope = scope_for(user)
    other = UserFactory()
    reuse_scope(other, scope)
    assert scope_for(other) == scope
    assert scope_for(other) is not scope


def test_superusers_see_all_and_hold_every_role(tree):
    root = UserFactory(is_superuser=True)
    scope = scope_for(root)
    assert scope.is_all and not scope.is_empty
    assert scope.roles == set(Role.values) == {
        "leader", "responsible_leader", "supervisor", "unit_staff", "community_staff", "grid_worker",
        "district_viewer", "admin",
    }  # fmt: skip
    assert scope.roles_at(tree["b_community"]) == scope.roles
    assert scope.covers(tree["b_community"])
    assert Unit.objects.filter(scope.unit_q()).count() == 7
    assert Unit.objects.filter(scope.unit_q(roles=frozenset({Role.LEADER}))).count() == 7


@pytest.mark.parametrize("who", ["nobody", "anonymous", "inactive", "none", "not a login"])
def test_who_sees_nothing(tree, who):
    from django.contrib.auth.models import AnonymousUser

    user = {
        "nobody": lambda: UserFactory(),
        "anonymous": AnonymousUser,
        "inactive": lambda: user_with_role(Role.LEADER, tree["a"], is_active=False),
        "none": lambda: None,
        "not a login": object,
    }[who]()
    scope = scope_for(user)
    assert scope.is_empty and not scope.is_all and scope.roles == frozenset()
    assert not scope.covers(tree["grid"])
    assert not Unit.objects.filter(scope.unit_q()).exists()
    assert not can(user, "unit.view", tree["grid"])
    assert not is_org_admin(user)


# --- the permission table -------------------------------------------------------------------------


def test_can_and_require_for_units(tree):
    leader = user_with_role(Role.LEADER, tree["a"])
    admin = user_with_role(Role.ADMIN, tree["a"])
    assert can(leader, "unit.view", tree["grid"]) and not can(leader, "unit.edit", tree["grid"])
    assert can(admin, "unit.edit", tree["grid"]) and can(admin, "unit.grant_role", tree["grid"])
    with pytest.raises(Forbidden):  # seen but not allowed
        require(leader, "unit.edit", tree["grid"])
    with pytest.raises(NotFound):  # not even seen
        require(leader, "unit.edit", tree["b"])
    with pytest.raises(NotFound):  # an action without a view action: never "forbidden"
        require(leader, "unit.view", tree["b"])
    require(admin, "unit.add_child", tree["community"])
    with pytest.raises(KeyError):
        can(leader, "unit.explode", tree["a"])


def test_positions_and_grants_belong_to_their_unit(tree):
    admin = user_with_role(Role.ADMIN, tree["a"])
    position = PositionFactory(unit=tree["grid"])
    elsewhere = PositionFactory(unit=tree["b_community"])
    assert can(admin, "position.edit", position) and not can(admin, "position.edit", elsewhere)
    row = grant(UserFactory(), Role.GRID_WORKER, tree["grid"])
    assert can(admin, "role_grant.revoke", row)
    with pytest.raises(NotFound):
        require(admin, "position.edit", elsewhere)
    # A leader sees the position and the grant but may not change them: 403, not 404 (nor a crash).
    leader = user_with_role(Role.LEADER, tree["a"])
    with pytest.raises(Forbidden):
        require(leader, "position.edit", position)
    with pytest.raises(Forbidden):
        require(leader, "role_grant.revoke", row)
    with pytest.raises(NotFound):
        require(leader, "role_grant.revoke", grant(UserFactory(), Role.LEADER, tree["b"]))


def test_people_are_seen_through_their_positions_and_edited_by_administrators(tree):
    person = PositionFactory(unit=tree["grid"]).person
    PositionFactory(person=person, unit=tree["b_community"])
    nowhere = PositionFactory(unit=tree["district"]).person
    leader_b = user_with_role(Role.LEADER, tree["b"])
    admin_a = user_with_role(Role.ADMIN, tree["a"])
    staff_a = user_with_role(Role.UNIT_STAFF, tree["dept"])
    assert can(leader_b, "person.view", person) and not can(leader_b, "person.edit", person)
    assert can(admin_a, "person.edit", person)
    assert not can(staff_a, "person.view", person)
    assert not can(leader_b, "person.view", nowhere)
    with pytest.raises(Forbidden):
        require(leader_b, "person.edit", person)
    with pytest.raises(NotFound):
        require(staff_a, "person.edit", person)
    root = UserFactory(is_superuser=True)
    assert can(root, "person.edit", nowhere)
    with pytest.raises(KeyError):
        can(leader_b, "person.explode", person)


def test_a_rule_without_a_unit_is_for_superusers_and_checks_run_last(tree, monkeypatch):
    monkeypatch.setitem(permissions.RULES, "test.orphan", Rule(permissions.ALL_ROLES, lambda obj: None))
    only_a = Rule(permissions.ALL_ROLES, lambda obj: obj, check=lambda user, obj: obj.code == "TA")
    monkeypatch.setitem(permissions.RULES, "test.checked", only_a)
    leader = user_with_role(Role.LEADER, tree["district"])
    assert not can(leader, "test.orphan", tree["a"])
    assert can(UserFactory(is_superuser=True), "test.orphan", tree["a"])
    assert can(leader, "test.checked", tree["a"]) and not can(leader, "test.checked", tree["b"])


def test_who_administers_the_organisation(tree):
    assert is_org_admin(user_with_role(Role.ADMIN, tree["grid"]))
    assert is_org_admin(UserFactory(is_superuser=True))
    assert not is_org_admin(user_with_role(Role.LEADER, tree["district"]))


# The organisation's permission table: action → who may (all roles, or administrators only).
ALL = {"leader", "responsible_leader", "supervisor", "unit_staff", "community_staff", "grid_worker",
       "district_viewer", "admin"}  # fmt: skip
ORG_TABLE = {
    "unit.view": ALL,
    "unit.view_activity": ALL,
    "unit.edit": {"admin"},
    "unit.add_child": {"admin"},
    "unit.manage_people": {"admin"},
    "unit.grant_role": {"admin"},
    "position.view": ALL,
    "position.edit": {"admin"},
    "role_grant.view": ALL,
    "role_grant.revoke": {"admin"},
}


@pytest.mark.parametrize("action", list(ORG_TABLE))
@pytest.mark.parametrize("role", sorted(ALL))
def test_the_organisation_permission_table(tree, action, role):
    user = user_with_role(role, tree["district"] if role == "district_viewer" else tree["a"])
    outsider = user_with_role(role, tree["b"]) if role != "district_viewer" else None
    objects = {
        "unit": tree["community"],
        "position": PositionFactory(unit=tree["community"]),
        "role_grant": grant(UserFactory(), Role.GRID_WORKER, tree["community"]),
    }
    obj = objects[action.split(".")[0]]
    if role in ORG_TABLE[action]:
        assert can(user, action, obj)
        require(user, action, obj)
    else:
        assert not can(user, action, obj)
        with pytest.raises(Forbidden):  # they see it, so they are told they may not
            require(user, action, obj)
    if outsider is not None:
        assert not can(outsider, action, obj)
        with pytest.raises(NotFound):
            require(outsider, action, obj)
