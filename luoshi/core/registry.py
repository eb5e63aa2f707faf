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
    """One entry of the sidebar (and, if ``mobile``, of the phone's bottom bar).

    ``visible`` says whether the person has anything there: an entry that would open an empty
    page for a role is not offered to it. ``mobile`` (a flag, or a test of the person) puts the
    entry on the phone's bottom bar, in ``bar_order`` (else ``order``); the bar holds
    ``BAR_SLOTS`` entries, "Today" first unless the role's own entries fill it. ``query`` is
    added to the address (``?box=mine``): two entries may open one page filtered two ways.
    """

    key: str
    label: str | Promise
    url_name: str
    icon: str
    order: int = 100
    mobile: bool | Callable[[User], bool] = False
    visible: Callable[[User], bool] = lambda user: True
    query: str = ""
    bar_order: int | None = None

    def url(self) -> str:
        from django.urls import reverse

        return reverse(self.url_name) + (f"?{self.query}" if self.query else "")

    def on_bar(self, user: User) -> bool:
        return bool(self.mobile(user) if callable(self.mobile) else self.mobile)


#: Entries of the phone's bottom bar (the "More" menu comes after them).
BAR_SLOTS = 5


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


@dataclass
class HomeCount:
    """One figure of the strip that opens an overseer's home (red tasks, overdue cases …):
    a number and the address of the records behind it."""

    key: str
    label: str | Promise
    value: int | str
    url: str
    light: str = ""  # "green" | "yellow" | "red" | "": the figure's word says the same
    note: str | Promise = ""
    order: int = 100


@dataclass
class HomeChart:
    """The one chart of the home page, with the table that carries its figures."""

    key: str
    title: str | Promise
    option: dict[str, Any]
    head: list[str | Promise]
    rows: list[list[str]]
    url: str = ""
    order: int = 100


HomeProvider = Callable[["HttpRequest", "User"], "HomeSection | None"]
HomeCountProvider = Callable[["HttpRequest", "User"], "list[HomeCount]"]
HomeChartProvider = Callable[["HttpRequest", "User"], "HomeChart | None"]
DemoLoader = Callable[..., Any]

_nav: dict[str, NavItem] = {}
_home: list[tuple[int, HomeProvider]] = []
_home_counts: list[tuple[int, HomeCountProvider]] = []
_home_charts: list[tuple[int, HomeChartProvider]] = []
_demo: list[tuple[int, str, DemoLoader]] = []


def register_nav(item: NavItem) -> None:
    _nav[item.key] = item


def nav_items(user: User) -> list[NavItem]:
    return sorted((i for i in _nav.values() if i.visible(user)), key=lambda i: (i.order, i.key))


def bar_items(user: User, items: list[NavItem] | None = None) -> tuple[bool, list[NavItem]]:
    """(whether "Today" opens the bar, the entries after it) on ``user``'s phone."""
    visible = nav_items(user) if items is None else items
    on_bar = sorted(
        (i for i in visible if i.on_bar(user)),
        key=lambda i: (i.bar_order if i.bar_order is not None else i.order, i.key),
    )
    if len(on_bar) >= BAR_SLOTS:
        return False, on_bar[:BAR_SLOTS]
    return True, on_bar[: BAR_SLOTS - 1]


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


def register_home_counts(order: int, provider: HomeCountProvider) -> None:
    """Figures for the strip at the top of the home page; the provider returns [] for a person
    whose day they are not part of."""
    if provider not in [p for _, p in _home_counts]:
        _home_counts.append((order, provider))


def home_counts(request: HttpRequest, user: User) -> list[HomeCount]:
    counts: list[HomeCount] = []
    for _order, provider in sorted(_home_counts, key=lambda pair: pair[0]):
        counts.extend(provider(request, user))
    return sorted(counts, key=lambda c: c.order)


def register_home_chart(order: int, provider: HomeChartProvider) -> None:
    """A candidate for the home page's one chart: the first (in ``order``) that answers is shown."""
    if provider not in [p for _, p in _home_charts]:
        _home_charts.append((order, provider))


def home_chart(request: HttpRequest, user: User) -> HomeChart | None:
    for _order, provider in sorted(_home_charts, key=lambda pair: pair[0]):
        chart = provider(request, user)
        if chart is not None:
            return chart
    return None


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
