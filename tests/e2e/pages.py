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
#: 走访巡查: those who record patrols (grid workers, community staff) and those who oversee the grids.
_PATROLS = ["/cases/patrols/"]
_FIGURES = ["/cases/keypersons/", "/cases/stats/", "/indicators/", "/indicators/leaderboard/"]
_COMMON_TAIL = ["/awards/", "/bulletins/", "/notifications/", "/org/", "/org/people/", "/accounts/me/"]
_ASSESSMENT = ["/assessment/"]

#: Home first, then the navigation's entries in their order. The cockpit (驾驶舱) comes right
#: after home for those who oversee; the awards (评先争优 · 红黑榜) and bulletins (督查通报) right
#: before the notifications. A grid worker's menu is built around the grid (report, my reports,
#: the map, the daily report, patrols and visits — 走访巡查, which community staff and those
#: who oversee the grids also open) and offers nothing they have nothing in: no
#: empty task list (demo_org gives them no task), no scorecards, projects or bulletins.
#: The district viewer reads the supervision overview, not an empty "my tasks".
EXPECTED: dict[str, list[str]] = {
    "admin": ["/", "/cockpit/", *_LEADING[1:], *_PATROLS, *_FIGURES, *_ASSESSMENT, *_COMMON_TAIL, "/admin/"],
    "leader": ["/", "/cockpit/", *_LEADING[1:], *_PATROLS, *_FIGURES, *_ASSESSMENT, *_COMMON_TAIL],
    "resp_leader": ["/", "/cockpit/", "/tasks/", *_LEADING[2:], *_PATROLS, *_FIGURES, *_ASSESSMENT, *_COMMON_TAIL],
    "supervisor": ["/", "/cockpit/", *_LEADING[1:], *_PATROLS, *_FIGURES, *_ASSESSMENT, *_COMMON_TAIL],
    "staff": [
        "/", "/tasks/", *_LEADING[2:], "/indicators/", "/indicators/leaderboard/", *_ASSESSMENT, *_COMMON_TAIL,
    ],
    "community": [
        "/", "/tasks/", *_LEADING[2:], *_PATROLS, *_FIGURES[:1], *_FIGURES[2:], *_ASSESSMENT, *_COMMON_TAIL,
    ],
    "grid": [
        "/",
        "/cases/report/",
        "/cases/?box=mine",
        "/cases/map/",
        "/cases/daily/",
        "/cases/patrols/",
        "/awards/",
        "/notifications/",
        "/org/",
        "/org/people/",
        "/accounts/me/",
    ],
    "district": ["/", "/cockpit/", *_LEADING[1:], *_PATROLS, *_FIGURES[1:], *_ASSESSMENT, *_COMMON_TAIL],
    "tongtai": ["/", "/cockpit/", *_LEADING[1:], *_PATROLS, *_FIGURES, *_ASSESSMENT, *_COMMON_TAIL],
}  # fmt: skip

#: The phone's bottom bar per demo login ("/" is "Today"; "更多" follows). Five places: Today
#: first unless the role's own entries fill them (the grid worker's: 上报, 我的上报, 每日报告,
#: 走访巡查, 消息通知).
BAR: dict[str, list[str]] = {
    "admin": ["/", "/tasks/overview/", "/cases/", "/indicators/", "/notifications/"],
    "leader": ["/", "/tasks/overview/", "/cases/", "/indicators/", "/notifications/"],
    "resp_leader": ["/", "/tasks/", "/cases/", "/indicators/", "/notifications/"],
    "supervisor": ["/", "/tasks/overview/", "/cases/", "/indicators/", "/notifications/"],
    "staff": ["/", "/tasks/", "/cases/", "/notifications/"],
    "community": ["/", "/tasks/", "/cases/", "/cases/daily/", "/notifications/"],
    "grid": ["/cases/report/", "/cases/?box=mine", "/cases/daily/", "/cases/patrols/", "/notifications/"],
    "district": ["/", "/tasks/overview/", "/indicators/", "/indicators/leaderboard/", "/notifications/"],
    "tongtai": ["/", "/tasks/overview/", "/cases/", "/indicators/", "/notifications/"],
}


def bar_paths(user: Any) -> list[str]:
    """The phone's bottom bar of ``user``: "/" when Today opens it, then its entries."""
    from luoshi.core.registry import bar_items

    home, items = bar_items(user)
    return (["/"] if home else []) + [item.url() for item in items]


def nav_paths(user: Any) -> list[str]:
    """Home, then every page the navigation offers ``user``, each once, in menu order."""

    from luoshi.core.registry import nav_items

    paths = ["/"]
    for item in nav_items(user):
        path = item.url()
        if path not in paths:
            paths.append(path)
    return paths


def pages_for(username: str) -> list[str]:
    """The pages of one demo login (from the database: the demo data must be loaded)."""
    from luoshi.accounts.models import User

    return nav_paths(User.objects.get(username=username))
