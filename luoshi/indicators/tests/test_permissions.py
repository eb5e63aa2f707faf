"""Authorisation matrix: every role, at its own unit, above it and beside it."""

from __future__ import annotations

import pytest

from luoshi.indicators.permissions import ENTER, SET_TARGETS, VIEW, can_set_targets_below
from luoshi.org.models import Role
from luoshi.org.permissions import can
from luoshi.org.tests.factories import user_with_role

# role granted at 甲街道 → (view 甲, enter 甲, set 甲's targets, view 乙, set targets of 甲's communities)
MATRIX = {
    Role.ADMIN: (True, True, False, False, True),
    Role.LEADER: (True, True, False, False, False),
    Role.RESPONSIBLE_LEADER: (True, False, False, False, False),
    Role.SUPERVISOR: (True, True, False, False, True),
    Role.UNIT_STAFF: (True, False, False, False, False),
    Role.COMMUNITY_STAFF: (True, False, False, False, False),
    Role.GRID_WORKER: (True, False, False, False, False),
    Role.DISTRICT_VIEWER: (True, False, False, False, False),
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_matrix_at_a_subdistrict(tree, role):
    user = user_with_role(role, tree["a"], username=f"m_{role}")
    got = (
        can(user, VIEW, tree["a"]),
        can(user, ENTER, tree["a"]),
        can(user, SET_TARGETS, tree["a"]),
        can(user, VIEW, tree["b"]),
        can(user, SET_TARGETS, tree["community"]),
    )
    assert got == MATRIX[role]
    assert can_set_targets_below(user, tree["a"]) == MATRIX[role][4]


def test_district_roles(tree):
    viewer = user_with_role(Role.DISTRICT_VIEWER, tree["district"], username="m_dv")
    supervisor = user_with_role(Role.SUPERVISOR, tree["district"], username="m_ds")
    assert can(viewer, VIEW, tree["b"]) and not can(viewer, ENTER, tree["b"])
    assert can(supervisor, SET_TARGETS, tree["a"]) and can(supervisor, ENTER, tree["b"])
    # The top unit's targets: nobody but a superuser.
    assert not can(supervisor, SET_TARGETS, tree["district"])
