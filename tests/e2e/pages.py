"""The pages each demo role's navigation reaches.

The per-role browser walks (``test_role_walks.py``) open every one of them on a desktop
and on a phone; the accessibility checks run on the same list. ``nav_paths`` reads what
the navigation registry offers a user (the sidebar, the phone's bottom bar and its
"more" menu all come from it); ``EXPECTED`` writes the same out per demo login, so that
a change to a role's navigation shows up here as a change to read and review.

Import inside a test (the registry is filled when Django starts)::

    from tests.e2e.pages import EXPECTED, nav_paths
"""

from __future__ import annotations

from typing import Any

#: The demo logins (see README.md), in the order the walks visit them.
ROLES: tuple[str, ...] = (
    "admin",
    "leader",
    "resp_leader",
    "supervisor",
    "staff",
    "community",
    "grid",
    "district",
    "tongtai",
)

_LEADING = ["/", "/tasks/overview/", "/projects/", "/relocation/", "/cases/", "/cases/map/", "/cases/daily/"]
_FIGURES = ["/cases/keypersons/", "/cases/stats/", "/indicators/", "/indicators/leaderboard/"]
_COMMON_TAIL = ["/notifications/", "/org/", "/org/people/", "/accounts/me/"]
_ASSESSMENT = ["/assessment/"]

#: Home first, then the navigation's entries in their order.
EXPECTED: dict[str, list[str]] = {
    "admin": [*_LEADING, *_FIGURES, *_ASSESSMENT, *_COMMON_TAIL, "/admin/"],
    "leader": [*_LEADING, *_FIGURES, *_ASSESSMENT, *_COMMON_TAIL],
    "resp_leader": ["/", "/tasks/", *_LEADING[2:], *_FIGURES, *_ASSESSMENT, *_COMMON_TAIL],
    "supervisor": [*_LEADING, *_FIGURES, *_ASSESSMENT, *_COMMON_TAIL],
    "staff": ["/", "/tasks/", *_LEADING[2:], "/indicators/", "/indicators/leaderboard/", *_ASSESSMENT, *_COMMON_TAIL],
    "community": ["/", "/tasks/", *_LEADING[2:], *_FIGURES[:1], *_FIGURES[2:], *_ASSESSMENT, *_COMMON_TAIL],
    "grid": [
        "/",
        "/tasks/",
        "/projects/",
        "/cases/",
        "/cases/map/",
        "/cases/daily/",
        "/indicators/",
        "/indicators/leaderboard/",
        *_COMMON_TAIL,
    ],
    "district": ["/", "/tasks/", *_LEADING[2:], *_FIGURES[1:], *_ASSESSMENT, *_COMMON_TAIL],
    "tongtai": [*_LEADING, *_FIGURES, *_ASSESSMENT, *_COMMON_TAIL],
}


# The awards (评先争优 · 红黑榜, order 680 in the menu) come right before the common tail, for every role.
for _paths in EXPECTED.values():
    _paths.insert(_paths.index("/notifications/"), "/awards/")


def nav_paths(user: Any) -> list[str]:
    """Home, then every page the navigation offers ``user``, each once, in menu order."""
    from django.urls import reverse

    from luoshi.core.registry import nav_items

    paths = ["/"]
    for item in nav_items(user):
        path = reverse(item.url_name)
        if path not in paths:
            paths.append(path)
    return paths


# The cockpit (驾驶舱, order 50 in the menu) comes right after home for the leader, the
# responsible leader, the supervisors, the district viewer and the administrator.
for _role in ("admin", "leader", "resp_leader", "supervisor", "district", "tongtai"):
    EXPECTED[_role].insert(1, "/cockpit/")


def pages_for(username: str) -> list[str]:
    """The pages of one demo login (from the database: the demo data must be loaded)."""
    from luoshi.accounts.models import User

    return nav_paths(User.objects.get(username=username))


# The bulletins (督查通报) entry comes right before the notifications, for every role that issues or
# receives bulletins (not the grid worker).
for _role, _paths in EXPECTED.items():
    if _role != "grid":
        _paths.insert(_paths.index("/notifications/") if "/notifications/" in _paths else len(_paths), "/bulletins/")
