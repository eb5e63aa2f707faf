"""A walk per demo role: every page of the role's navigation, as a person in that role opens it.

Each page must answer 200, log no console error, show no English outside a short list of
names (Luoshi, Excel …) and no ASCII ``:`` ``?`` ``;`` right after a Chinese character, and
offer on a task or case no action button that the server's own ``allowed_actions`` would not
accept. A screenshot of every page is kept under ``var/walks/`` (a CI artefact).

Every run (``make test``) walks, on a desktop, every page of every role's navigation with
axe-core (WCAG 2.0/2.1 A and AA) on each (what a page shows depends on the role, so each role's
view is checked; test_accessibility.py keeps the public pages), and, on a phone, every role's
home and its bottom bar's entries, the grid worker's whole navigation, and every other page of
the "更多" menus once, as one of the roles that has it. On a phone a page also fails when it
scrolls sideways or a table cell is squeezed to a character or two per line, and axe-core runs
where the markup is the phone's own: each role's home with the "更多" menu open (the bar and the
menu), and the grid worker's pages. ``make walks`` (``LUOSHI_WALKS=1``) walks every role's whole
navigation on the phone too, with axe-core on every page.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from luoshi.core.testing import login
from tests.e2e.pages import ROLES, bar_paths, pages_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVERY_PAGE = os.environ.get("LUOSHI_WALKS") == "1"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "walks"
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """async (tags) => {
  const result = await window.axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => `${v.id} (${v.impact}, ${v.nodes.length}: ${v.nodes[0].target.join(" ")})`);
}"""

#: Latin words a Chinese page may show: names, formats, codes and the demo's own user names.
ALLOWED_WORDS = frozenset(
    {
        "luoshi", "excel", "xlsx", "csv", "pdf", "api", "url", "id", "gdp", "cpi", "open311", "json",
        "admin", "leader", "resp_leader", "supervisor", "staff", "community", "grid", "district", "tongtai",
        "echarts", "openstreetmap", "osm", "leaflet", "wecom", "dingtalk", "http", "https", "www",
        "word",  # Word documents (通报 as .docx)
        "english",  # the language switch names each language in itself
    }
)  # fmt: skip
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]{2,}")
#: Codes such as XM-DEMO-001 or 2026-CD-00001: read as a whole, never as words.
CODE = re.compile(r"\b[A-Z0-9]+(?:-[A-Z0-9]+)+\b")
CJK = "\u3400-\u4dbf\u4e00-\u9fff"
#: ASCII ':' '?' ';' right after a Chinese character (or a Chinese closing bracket or quote).
HALF_WIDTH = re.compile(rf"[{CJK}）”][:?;]")


def english_words(text: str) -> list[str]:
    """Latin words of three letters or more that are not names or codes users know."""
    found = []
    for word in WORD.findall(CODE.sub(" ", text)):
        if word.lower() in ALLOWED_WORDS:
            continue
        if word.isupper() and (len(word) <= 3 or any(c.isdigit() for c in word)):  # CDD03 codes, ABC grades
            continue
        found.append(word)
    return sorted(set(found))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("任务清单 Excel 导出", []),
        ("城东街道 CDD03 · leader", []),
        ("AXES 尝试次数 Tasks database backend", ["AXES", "Tasks", "backend", "database"]),
        ("TASKS DATABASE BACKEND", ["BACKEND", "DATABASE", "TASKS"]),
        ("下载 task-list-template.xlsx", ["list", "task", "template"]),
        ("XM-DEMO-001 新城片区", []),
    ],
)
def test_english_words(text: str, words: list[str]) -> None:
    assert english_words(text) == words


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("状态: 已办结", ["态:"]),
        ("状态：已办结", []),
        ("时间 10:30", []),
        ("是否确认?", ["认?"]),
        ("“甲”; 乙", ["”;"]),
        ("JSON; 然后", []),
    ],
)
def test_half_width_punctuation(text: str, flagged: list[str]) -> None:
    assert HALF_WIDTH.findall(text) == flagged


def load_demo() -> None:
    from luoshi.cases.tests.factories import ensure_categories
    from luoshi.core.registry import demo_loaders

    # A transactional test that ran before may have emptied the case categories a data migration made.
    ensure_categories()
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


#: On a phone: the page does not scroll sideways, and no visible table cell holding three or more
#: characters is broken into three or more lines of at most two characters each (a column squeezed
#: to one character per line). Lines are counted from the text's own boxes, whatever the font.
PHONE_LAYOUT = """() => {
  const found = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) {
    found.push(`scrolls sideways (${root.scrollWidth} px > ${root.clientWidth} px)`);
  }
  const range = document.createRange();
  for (const cell of document.querySelectorAll("main td, main th")) {
    if (!cell.offsetParent) continue;
    const text = cell.innerText.replace(/\\s+/g, "");
    if (text.length < 3) continue;
    const tops = new Set();
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim()) continue;
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
    }
    if (tops.size >= 3 && text.length / tops.size <= 2) {
      const table = cell.closest("table");
      const name = table.getAttribute("data-testid") || table.id || table.className || "table";
      found.push(`squeezed cell "${text.slice(0, 12)}" (${tops.size} lines) in ${name}`);
      if (found.length > 3) break;
    }
  }
  return found;
}"""


def walk(
    page: Any,
    viewport: str,
    visits: list[tuple[str, str]],
    *,
    axe: bool | set[tuple[str, str]] = False,
) -> list[str]:
    """Open each (role, path) as that role; return what was wrong, one line per finding.

    ``axe``: True for axe-core on every page, or the set of (role, path) to run it on. On the
    phone, a role's home is also checked with the "更多" menu open."""
    problems = _watch(page)
    failures: list[str] = []
    SHOTS.mkdir(parents=True, exist_ok=True)
    if axe:
        page.context.add_init_script(path=str(AXE_JS))
    phone = viewport == "phone"
    current = ""
    for role, path in visits:
        if role != current:
            page.context.clear_cookies()
            login(page, role)
            current = role
        response = page.goto(page.base_url + path)
        status = response.status if response else 0
        where = f"{role} {viewport} {path}"
        if status != 200:
            failures.append(f"{where}: HTTP {status}")
            continue
        text = page.locator("body").inner_text()
        words = english_words(text)
        if words:
            failures.append(f"{where}: English on the page: {', '.join(words[:12])}")
        punctuation = HALF_WIDTH.findall(text)
        if punctuation:
            failures.append(f"{where}: half-width punctuation after Chinese: {punctuation[:6]}")
        slug = path.strip("/").replace("/", "-") or "home"
        page.screenshot(path=str(SHOTS / f"{role}-{viewport}-{slug}.png"))
        if phone:
            failures += [f"{where}: {p}" for p in page.evaluate(PHONE_LAYOUT)]
        if axe is True or (axe and (role, path) in axe):
            failures += [f"{where}: axe {v}" for v in page.evaluate(RUN_AXE, WCAG_AA_TAGS)]
            if phone and path == "/":
                page.get_by_test_id("more-menu").click()
                failures += [f"{where} (更多): axe {v}" for v in page.evaluate(RUN_AXE, WCAG_AA_TAGS)]
        if problems:
            failures.append(f"{where}: console: {problems[:3]}")
            problems.clear()
        if path in {"/tasks/", "/tasks/overview/", "/cases/"}:
            failures += [f"{where} {p}" for p in _offered_actions_match_the_api(page, path.split("/")[1])]
    return failures


def every_visit(roles: tuple[str, ...] = ROLES) -> list[tuple[str, str]]:
    return [(role, url) for role in roles for url in pages_for(role)]


def phone_visits(roles: tuple[str, ...] = ROLES, *, every_page: bool = False) -> list[tuple[str, str]]:
    """On the phone: every role's home and its bottom bar's entries (the phone's own navigation),
    and the grid worker's whole menu (the phone is their desk); then every other page of the
    "更多" menus once, as the role (among those whose menu has it) given the fewest pages so far.
    ``every_page``: each role's whole menu (``make walks``). Grouped by role."""
    from luoshi.accounts.models import User

    given: dict[str, list[str]] = {}
    for role in roles:
        paths = ["/"]
        extra = pages_for(role) if every_page or role == "grid" else []
        for path in [*bar_paths(User.objects.get(username=role)), *extra]:
            if path not in paths:
                paths.append(path)
        given[role] = paths
    if not every_page:
        seen = {path for paths in given.values() for path in paths}
        for role in roles:
            for path in pages_for(role):
                if path in seen:
                    continue
                seen.add(path)
                who = min((r for r in roles if path in pages_for(r)), key=lambda r: (len(given[r]), roles.index(r)))
                given[who].append(path)
    return [(role, path) for role in roles for path in given[role]]


def phone_axe(visits: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """Where axe-core runs on the phone: every role's home (with its menu open) and the grid
    worker's pages; every page of every role already has it on a desktop (test_accessibility)."""
    return {(role, path) for role, path in visits if path == "/" or role == "grid"}


def test_every_role_walks_its_navigation_on_a_desktop(page: Any, demo_org: None) -> None:
    """Every page of every role's menu, with axe-core (WCAG 2.1 AA) on each: what a page shows
    depends on the role (actions, columns, panels), so each role's view is checked."""
    assert AXE_JS.exists(), "axe-core is missing: run `make install` (npm ci)"
    load_demo()
    visits = every_visit()
    assert {role for role, _ in visits} == set(ROLES)
    failures = walk(page, "desktop", visits, axe=True)
    assert not failures, "\n".join(failures)


def test_every_role_walks_its_navigation_on_a_phone(page: Any, browser: Any, demo_org: None) -> None:
    """The phone walk (its own test, so the two walks run side by side under pytest-xdist)."""
    assert AXE_JS.exists(), "axe-core is missing: run `make install` (npm ci)"
    load_demo()
    phone = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    try:
        phone.set_default_timeout(15_000)
        phone_page = phone.new_page()
        phone_page.base_url = page.base_url
        on_phone = phone_visits(every_page=EVERY_PAGE)
        assert {role for role, _ in on_phone} == set(ROLES)
        failures = walk(phone_page, "phone", on_phone, axe=True if EVERY_PAGE else phone_axe(on_phone))
    finally:
        phone.close()
    assert not failures, "\n".join(failures)
