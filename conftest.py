"""Fixtures shared by every app's tests: users and trees, and the headless browser."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from luoshi.core.testing import CHROMIUM_ARGS, chromium_path

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

#: The longest tests start first. Collected last (tests/e2e comes after luoshi/), they began when the
#: other test process had little left to do, which then waited for them: a minute or more on SQLite,
#: two or three on PostgreSQL. Started first, the short tests fill the other process meanwhile.
LONGEST_FIRST = (
    "tests/e2e/test_role_walks.py::test_every_role_walks_its_navigation_on_a_desktop",
    "tests/e2e/test_role_walks.py::test_every_role_walks_its_navigation_on_a_phone",
    "tests/e2e/test_accessibility_more.py::test_axe_on_detail_pages_charts_speak_and_pages_fit_320_px",
    "tests/authz/test_domain_apps.py::test_every_role_gets_the_tabled_answer_and_refusals_write_nothing",
    "tests/authz/test_core_apps.py::test_every_role_gets_the_tabled_answer_and_refusals_write_nothing",
)


def pytest_collection_modifyitems(session: Any, config: Any, items: list[Any]) -> None:
    rank = {nodeid: place for place, nodeid in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid, len(LONGEST_FIRST)))  # the rest keep their order


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The test database as migrated, and again after every flush (luoshi/core/testdb/seeds.py)."""
    from django.db.models.signals import post_migrate

    from luoshi.core.testdb import seeds

    with django_db_blocker.unblock():
        seeds.remember()
    post_migrate.connect(seeds.restore, dispatch_uid="luoshi-test-seeds")
    yield
    post_migrate.disconnect(dispatch_uid="luoshi-test-seeds")


@pytest.fixture
def tree(db: Any) -> dict[str, Any]:
    from luoshi.org.tests.factories import small_tree

    return small_tree()


@pytest.fixture
def demo_org(db: Any) -> None:
    from luoshi.org import demo

    demo.load()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    exe = chromium_path()
    if exe is None:
        pytest.fail(
            "Browser tests need Chromium: install Debian's package (apt-get install chromium) "
            "or set LUOSHI_CHROMIUM to a Chromium binary."
        )
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class PageProblems(list[str]):
    """Console errors and failed requests seen by a page; a test fails if any are left."""


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser page at desktop size. Fails the test on console errors (e.g. CSP violations)."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 860})
    context.set_default_timeout(15_000)
    pg = context.new_page()
    problems = PageProblems()
    pg.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    pg.problems = problems
    pg.base_url = live_server.url
    yield pg
    context.close()
    real = [p for p in problems if "favicon" not in p and "404 (Not Found)" not in p]
    assert not real, "the page reported errors:\n" + "\n".join(real)


@pytest.fixture
def phone_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser page the size of a phone (390×844, touch)."""
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(15_000)
    pg = context.new_page()
    pg.base_url = live_server.url
    yield pg
    context.close()
