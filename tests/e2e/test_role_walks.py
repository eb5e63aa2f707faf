"""A walk per demo role, on a desktop and on a phone: every page of the role's navigation.

Each page must answer 200, log no console error, show no English outside a short list
of names (Luoshi, Excel …), and offer on a task or case no action button that the
server's own ``allowed_actions`` would not accept. A screenshot of every page is kept
under ``var/walks/`` (a CI artefact). Run with ``make walks``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from luoshi.core.testing import login
from tests.e2e.pages import EXPECTED, ROLES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # About two minutes per viewport on a busy two-core machine (some 130 pages each), so
    # not part of every run: ``make walks`` (or LUOSHI_WALKS=1) runs them.
    pytest.mark.skipif(not os.environ.get("LUOSHI_WALKS"), reason="the role walks run with `make walks`"),
]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "walks"

#: Latin words a Chinese page may show: names, formats, codes and the demo's own user names.
ALLOWED_WORDS = frozenset(
    {
        "luoshi", "excel", "xlsx", "csv", "pdf", "api", "url", "id", "gdp", "cpi", "open311", "json",
        "admin", "leader", "resp_leader", "supervisor", "staff", "community", "grid", "district", "tongtai",
        "echarts", "openstreetmap", "osm", "leaflet", "wecom", "dingtalk", "http", "https", "www",
        "english",  # the language switch names each language in itself
    }
)  # fmt: skip
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]{2,}")


def english_words(text: str) -> list[str]:
    """Latin words of three letters or more that are not names or codes users know."""
    found = []
    for word in WORD.findall(text):
        if word.lower() in ALLOWED_WORDS or word.isupper():  # CDD03-style unit codes, ABC grades
            continue
        found.append(word)
    return sorted(set(found))


def load_demo() -> None:
    from luoshi.core.registry import demo_loaders

    for _name, loader in demo_loaders():
        loader()


def _watch(page: Any) -> list[str]:
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if msg.type == "error" and "404 (Not Found)" not in msg.text else None,
    )
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return problems


def _offered_actions_match_the_api(page: Any, kind: str) -> list[str]:
    """Open the first task or case linked from this page; every action button must be allowed."""
    link = page.locator(f"main a[href^='/{kind}/']").filter(has_text=re.compile(r"\S"))
    hrefs = [
        h
        for h in link.evaluate_all("els => els.map(e => e.getAttribute('href'))")
        if re.fullmatch(rf"/{kind}/\d+/", h or "")
    ]
    if not hrefs:
        return []
    page.goto(page.base_url + hrefs[0])
    buttons = page.locator("[data-testid^='action-']").evaluate_all(
        "els => els.map(e => e.getAttribute('data-testid').slice(7))"
    )
    api = page.request.get(f"{page.base_url}/api/v1{hrefs[0].rstrip('/')}")
    allowed = set(api.json().get("allowed_actions", [])) if api.ok else set()
    return [f"{hrefs[0]}: button {b} not in allowed_actions {sorted(allowed)}" for b in buttons if b not in allowed]


def walk(page: Any, viewport: str) -> list[str]:
    problems = _watch(page)
    failures: list[str] = []
    SHOTS.mkdir(parents=True, exist_ok=True)
    for role in ROLES:
        page.context.clear_cookies()
        login(page, role)
        for path in EXPECTED[role]:
            response = page.goto(page.base_url + path)
            status = response.status if response else 0
            if status != 200:
                failures.append(f"{role} {viewport} {path}: HTTP {status}")
                continue
            text = page.locator("body").inner_text()
            words = english_words(text)
            if words:
                failures.append(f"{role} {viewport} {path}: English on the page: {', '.join(words[:12])}")
            slug = path.strip("/").replace("/", "-") or "home"
            page.screenshot(path=str(SHOTS / f"{role}-{viewport}-{slug}.png"))
            if problems:
                failures.append(f"{role} {viewport} {path}: console: {problems[:3]}")
                problems.clear()
            if path in {"/tasks/", "/tasks/overview/", "/cases/"}:
                failures += [f"{role} {viewport} {p}" for p in _offered_actions_match_the_api(page, path.split("/")[1])]
    return failures


def test_every_role_walks_its_navigation_on_a_desktop(page, demo_org):
    load_demo()
    failures = walk(page, "desktop")
    assert not failures, "\n".join(failures)


def test_every_role_walks_its_navigation_on_a_phone(phone_page, demo_org):
    load_demo()
    failures = walk(phone_page, "phone")
    # Phones: nothing wider than the screen, the page scrolls down and not sideways.
    assert not failures, "\n".join(failures)
