"""The written-out list of pages per demo role matches what the navigation offers them."""

from __future__ import annotations

import pytest

from tests.e2e.pages import EXPECTED, ROLES, pages_for

pytestmark = pytest.mark.django_db


def test_every_demo_login_is_listed():
    from luoshi.org.demo import DEMO_LOGINS

    assert {login.username for login in DEMO_LOGINS} == set(ROLES) == set(EXPECTED)


@pytest.mark.parametrize("role", ROLES)
def test_the_listed_pages_are_what_the_navigation_offers(demo_org, role):
    assert pages_for(role) == EXPECTED[role]
