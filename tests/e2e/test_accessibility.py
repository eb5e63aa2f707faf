"""Accessibility (WCAG 2.1 AA, GB/T 37668-2019): axe-core on the public pages (every page of every demo
role's menu is checked by the role walk, test_role_walks.py); text follows the browser's font-size
setting and the per-person 大字模式."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from luoshi.core.testing import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# The WCAG 2.0 and 2.1 success criteria at levels A and AA (axe-core's tags for them).
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Pages anyone reaches without logging in.
PUBLIC_PAGES: tuple[str, ...] = ("/accounts/login/", "/cases/public/", "/cases/public/track/")
RUN_AXE = """async (tags) => {
  const result = await window.axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, count: v.nodes.length,
    where: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
  }));
}"""


def axe_violations(page: Any, url: str) -> list[str]:
    """Open ``url`` and list axe-core's WCAG 2.0/2.1 A and AA violations there, one line each."""
    page.goto(page.base_url + url)
    page.wait_for_load_state("load")
    found = page.evaluate(RUN_AXE, WCAG_AA_TAGS)
    return [f"{url}: {v['id']} ({v['impact']}, {v['count']} elements, e.g. {v['where']})" for v in found]


@pytest.fixture
def demo_all(db: Any) -> None:
    from luoshi.cases.tests.factories import ensure_categories

    # A transactional test that ran before may have emptied the case categories a data migration made.
    ensure_categories()
    call_command("loaddemo", "--quiet-logins", verbosity=0, stdout=io.StringIO())


def test_axe_finds_no_wcag_violation_on_the_public_pages(page: Any, demo_all: None) -> None:
    assert AXE_JS.exists(), "axe-core is missing: run `make install` (npm ci)"
    # axe is injected by the browser driver, not by the page, so the pages' CSP (no inline scripts) stays on.
    page.context.add_init_script(path=str(AXE_JS))
    problems: list[str] = []
    for url in PUBLIC_PAGES:
        problems += [f"(public) {p}" for p in axe_violations(page, url)]
    # Every page of every role's menu is checked by the role walk (test_role_walks.py): its desktop
    # pass runs axe-core on each role's whole menu (what a page shows depends on the role: actions,
    # columns, panels), in the same visit as its other checks, so each page is opened once.
    elements = sum(int(p.split(", ")[1].split()[0]) for p in problems)
    assert not problems, (
        f"{len(problems)} axe violations ({elements} elements) over {len(PUBLIC_PAGES)} public pages:\n"
        + "\n".join(problems)
    )


def _font_px(page: Any, selector: str) -> float:
    return float(page.eval_on_selector(selector, "el => getComputedStyle(el).fontSize").removesuffix("px"))


def test_text_follows_the_browser_font_size_and_the_large_text_mode(page: Any, demo_org: None) -> None:
    login(page, "leader")
    # Chromium's default: 16 px text, and the smallest text (helper text, table heads) 14 px.
    assert _font_px(page, "body") == 16
    assert _font_px(page, "nav.sidebar a") == 16
    page.goto(page.base_url + "/org/")
    assert _font_px(page, ".tree .code") == 14
    # The person sets their browser's text to 24 px (a "very large" setting): the pages follow.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 24, "fixed": 20}})
    page.reload()
    assert _font_px(page, "body") == 24
    assert _font_px(page, ".tree .code") == 21
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    # 大字模式 from the header: 12.5 % larger on every page, kept after logging in again.
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 16, "fixed": 13}})
    toggle = page.get_by_test_id("large-text-toggle")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    page.wait_for_url("**/org/")
    assert _font_px(page, "body") == 18
    assert page.get_by_test_id("large-text-toggle").get_attribute("aria-pressed") == "true"
    page.context.clear_cookies()
    login(page, "leader")
    assert _font_px(page, "body") == 18
