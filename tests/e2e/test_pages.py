"""The written-out list of pages per demo role matches what the navigation offers them."""

from __future__ import annotations

import pytest

from tests.e2e.pages import BAR, EXPECTED, ROLES, bar_paths, pages_for

pytestmark = pytest.mark.django_db


def test_every_demo_login_is_listed():
    from luoshi.org.demo import DEMO_LOGINS

    assert {login.username for login in DEMO_LOGINS} == set(ROLES) == set(EXPECTED)


@pytest.mark.parametrize("role", ROLES)
def test_the_listed_pages_are_what_the_navigation_offers(demo_org, role):
    assert pages_for(role) == EXPECTED[role]


@pytest.mark.parametrize("role", ROLES)
def test_the_phone_bar_of_each_role(demo_org, role):
    from luoshi.accounts.models import User

    assert bar_paths(User.objects.get(username=role)) == BAR[role]
