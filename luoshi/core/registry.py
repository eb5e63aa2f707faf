"""Extension points that domain apps fill from their ``AppConfig.ready``.

Keeping these in one place lets a new app add a menu entry, a home-page
section or demo data without editing the apps that came before it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from django.http import HttpRequest

    from luoshi.accounts.models import User


@dataclass(frozen=True)
class NavItem:
    """One entry of the sidebar (and, if ``mobile``, of the phone's bottom bar)."""

    key: str
    label: str | Promise
    url_name: str
    icon: str
    order: int = 100
    mobile: bool = False
    visible: Callable[[User], bool] = lambda user: True


@dataclass
class HomeItem:
    title: str
    url: str = ""
    meta: str = ""
    light: str = ""  # "green" | "yellow" | "red" | ""


@dataclass
class HomeSection:
    """A block on the home page: what this person must do today."""

    key: str
    title: str | Promise
    items: list[HomeItem] = field(default_factory=list)
    empty_text: str | Promise = ""
    more_url: str = ""
    count: int | None = None
    order: int = 100


HomeProvider = Callable[["HttpRequest", "User"], "HomeSection | None"]
DemoLoader = Callable[..., Any]

_nav: dict[str, NavItem] = {}
_home: list[tuple[int, HomeProvider]] = []
_demo: list[tuple[int, str, DemoLoader]] = []


def register_nav(item: NavItem) -> None:
    _nav[item.key] = item


def nav_items(user: User) -> list[NavItem]:
    return sorted((i for i in _nav.values() if i.visible(user)), key=lambda i: (i.order, i.key))


def register_home(order: int, provider: HomeProvider) -> None:
    if provider not in [p for _, p in _home]:
        _home.append((order, provider))


def home_sections(request: HttpRequest, user: User) -> list[HomeSection]:
    sections = []
    for _order, provider in sorted(_home, key=lambda pair: pair[0]):
        section = provider(request, user)
        if section is not None:
            sections.append(section)
    return sections


def register_demo(order: int, name: str, loader: DemoLoader) -> None:
    """Register a demo-data loader; loaders run in ``order`` and must be idempotent."""
    if name not in [n for _, n, _ in _demo]:
        _demo.append((order, name, loader))


def demo_loaders() -> list[tuple[str, DemoLoader]]:
    return [(name, loader) for _, name, loader in sorted(_demo, key=lambda t: t[0])]


@dataclass(frozen=True)
class PeriodicJob:
    """A job the scheduler (``luoshi worker``) runs every ``every_seconds``.

    ``func`` takes no arguments, must be idempotent (running it twice in a row
    does no harm) and calls services only.
    """

    name: str
    every_seconds: int
    func: Callable[[], Any]


_periodic: dict[str, PeriodicJob] = {}


def register_periodic(job: PeriodicJob) -> None:
    _periodic[job.name] = job


def periodic_jobs() -> list[PeriodicJob]:
    return sorted(_periodic.values(), key=lambda j: j.name)
