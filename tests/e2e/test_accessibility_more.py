"""Accessibility beyond the menu pages (issue 17): axe-core on one detail page of each kind, charts that
speak and name their tables, the case map's list of grids, no sideways scrolling at 320 px (a phone, or
400 % zoom), the header search in the phone menu, and a keyboard-only journey (no mouse at all)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from luoshi.core.testing import login
from tests.e2e.pages import pages_for
from tests.e2e.test_accessibility import AXE_JS, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FITS = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.fixture
def demo_everything(db: Any) -> None:
    import io

    from django.core.management import call_command

    from luoshi.cases.tests.factories import ensure_categories

    ensure_categories()  # a transactional test that ran before may have emptied them
    call_command("loaddemo", "--quiet-logins", verbosity=0, stdout=io.StringIO())


def detail_pages() -> list[tuple[str, str]]:
    """(role, url): a task, a case, a scorecard and an indicator's history, a project, a relocation
    campaign and one of its households, a bulletin's draft (its sections' editor), each seen by a role
    that works on it."""
    from luoshi.bulletins.models import Bulletin, Status
    from luoshi.cases.models import Case
    from luoshi.indicators.models import IndicatorValue
    from luoshi.projects.models import Project
    from luoshi.relocation.models import Campaign, Household
    from luoshi.tasks.models import Task

    task = Task.objects.filter(lead_unit__code__startswith="CD").order_by("pk").first()
    case = Case.objects.filter(township__code="CD").order_by("-pk").first()
    value = IndicatorValue.objects.filter(unit__code="CD").order_by("pk").first()
    project = Project.objects.order_by("pk").first()
    campaign = Campaign.objects.order_by("pk").first()
    household = Household.objects.filter(campaign=campaign).order_by("pk").first()
    draft = Bulletin.objects.filter(status=Status.DRAFT).order_by("pk").first()
    assert task and case and value and project and campaign and household and draft
    return [
        ("supervisor", f"/tasks/{task.pk}/"),
        ("supervisor", f"/cases/{case.pk}/"),
        ("leader", f"/indicators/units/{value.unit_id}/"),
        ("leader", f"/indicators/units/{value.unit_id}/indicators/{value.indicator.code}/"),
        ("admin", f"/projects/{project.pk}/"),
        ("admin", f"/relocation/{campaign.pk}/"),
        ("admin", f"/relocation/{campaign.pk}/households/{household.pk}/"),
        ("supervisor", f"/bulletins/{draft.pk}/"),
    ]


def test_axe_on_detail_pages_charts_speak_and_pages_fit_320_px(browser: Any, page: Any, demo_everything: None) -> None:
    page.context.add_init_script(path=str(AXE_JS))
    # 1. axe-core on one detail page of each kind (the menu pages are in test_accessibility.py).
    problems: list[str] = []
    current = ""
    for role, url in detail_pages():
        if role != current:
            page.context.clear_cookies()
            login(page, role)
            current = role
        problems += [f"({role}) {p}" for p in axe_violations(page, url)]
    assert not problems, "\n".join(problems)

    # 2. Charts: drawn from the small build with ECharts' aria on, each naming the table of its figures.
    page.context.clear_cookies()
    login(page, "leader")
    scripts: list[str] = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    for url in ("/cases/stats/", "/indicators/", "/indicators/leaderboard/"):
        page.goto(page.base_url + url)
        page.wait_for_selector("[data-echarts][data-rendered], #stats-chart[data-rendered]")
        charts = page.evaluate(
            """() => Array.from(document.querySelectorAll('[data-echarts], #stats-chart')).map(el => {
                 const table = document.getElementById((el.getAttribute('aria-describedby') || '').split(' ')[0]);
                 return {role: el.getAttribute('role'), label: el.getAttribute('aria-label') || '',
                         table: table ? table.tagName : null,
                         rows: table ? table.querySelectorAll('tbody tr').length : 0};
               })"""
        )
        assert charts, url
        for chart in charts:
            assert chart["role"] == "img", (url, chart)
            assert chart["label"].startswith("这是一个关于“"), (url, chart)  # ECharts' spoken summary, named
            assert "的数据是" in chart["label"], (url, chart)  # with values
            assert chart["table"] == "TABLE" and chart["rows"] > 0, (url, chart)
    # The build's core part and the chunk it shares with the extra part; not the extra part (no radar on
    # these pages), never the full bundle.
    assert any("/vendor/charts/echarts-core" in s for s in scripts)
    assert any("/vendor/charts/echarts-shared-" in s for s in scripts)
    assert not any("/vendor/charts/echarts-extra" in s for s in scripts)
    assert not any("/vendor/echarts/" in s for s in scripts)
    # The stats table's rows are named by row headers.
    page.goto(page.base_url + "/cases/stats/")
    assert page.locator("#stats-table thead th").first.inner_text().strip() != ""
    assert page.locator("#stats-table tbody th[scope=row]").count() == page.locator("#stats-table tbody tr").count()
    # Every sparkline speaks its own indicator and values.
    page.goto(page.base_url + "/indicators/")
    labels = page.eval_on_selector_all("svg.sparkline", "els => els.map(e => e.getAttribute('aria-label'))")
    assert labels and len(set(labels)) == len(labels) and all("今年各月" in label for label in labels)
    # The map's grids as a list with their counts.
    page.goto(page.base_url + "/cases/map/")
    assert page.get_by_test_id("grid-list").locator("tbody tr").count() > 0

    # 3. 320 px (a phone, or 400 % zoom): nothing scrolls sideways on any menu page nor on the detail pages.
    narrow = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 320, "height": 640})
    phone = narrow.new_page()
    phone.base_url = page.base_url
    wide: list[str] = []
    current = ""
    visits = [(role, url) for role in ("supervisor", "grid") for url in pages_for(role)] + detail_pages()
    for role, url in sorted(visits, key=lambda v: v[0]):
        if role != current:
            narrow.clear_cookies()
            login(phone, role)
            current = role
        phone.goto(page.base_url + url)
        phone.wait_for_load_state("load")
        if not phone.evaluate(FITS):
            width = phone.evaluate("document.documentElement.scrollWidth")
            wide.append(f"({role}) {url}: {width} px wide")
    assert not wide, "pages wider than 320 px:\n" + "\n".join(wide)
    # With 大字模式 on (1rem = 18 px) the pages whose boxes had fixed widths fit as well.
    narrow.clear_cookies()
    login(phone, "supervisor")
    phone.get_by_test_id("large-text-toggle").click()
    phone.wait_for_load_state()
    for _, url in [v for v in detail_pages() if v[1].startswith(("/tasks/", "/bulletins/"))] + [("", "/awards/")]:
        phone.goto(page.base_url + url)
        phone.wait_for_load_state("load")
        assert phone.evaluate("document.documentElement.classList.contains('large-text')")
        assert phone.evaluate(FITS), (url, phone.evaluate("document.documentElement.scrollWidth"))
    phone.get_by_test_id("large-text-toggle").click()
    phone.wait_for_load_state()

    # 4. The header's search, hidden on a phone, is in the phone menu.
    phone.goto(page.base_url + "/")
    # The bar's names are 14 px at least; one too long for its fifth of the screen takes a second line.
    bar = phone.eval_on_selector_all(
        ".bottom-nav > a > span, .more-menu > summary > span",
        "els => els.map(e => [e.textContent, parseFloat(getComputedStyle(e).fontSize),"
        " e.scrollWidth <= e.parentElement.clientWidth])",
    )
    assert bar and all(size >= 14 and fits for _, size, fits in bar), bar
    assert not phone.locator("#top-search").is_visible()
    phone.get_by_test_id("more-menu").click()
    phone.fill("#menu-search", "东星")
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/org/**q=**")
    narrow.close()


# --- Keyboard only ------------------------------------------------------------------------------------------


def _focus_shows(page: Any) -> bool:
    """The focused element draws a visible focus ring (our :focus-visible outline, or a box shadow)."""
    return page.evaluate(
        """() => { const el = document.activeElement; if (!el || el === document.body) return true;
                   const s = getComputedStyle(el);
                   return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none'; }"""
    )


def tab_to(page: Any, selector: str, limit: int = 250) -> int:
    """Press Tab until ``selector`` has the focus (every stop on the way must show its focus)."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        assert _focus_shows(page), page.evaluate("document.activeElement.outerHTML.slice(0, 200)")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"Tab never reached {selector}")


def choose(page: Any, selector: str, value: str, limit: int = 500) -> None:
    """Tab to a select and walk its options with the arrow key (which must not reload the page)."""
    tab_to(page, selector)
    url = page.url
    for _ in range(limit):
        if page.eval_on_selector(selector, "e => e.value") == value:
            assert page.url == url
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{selector}: option {value} not reached")


def type_date(page: Any, selector: str, day: dt.date) -> None:
    """Type a date into a date field, segment by segment (Chromium's own order: month, day, year)."""
    tab_to(page, selector)
    page.keyboard.type(day.strftime("%m%d%Y"))
    assert page.eval_on_selector(selector, "e => e.value") == day.isoformat()


def keyboard_login(page: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto(page.base_url + "/accounts/login/")
    tab_to(page, "#id_username")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type("luoshi-demo-2026")
    page.keyboard.press("Enter")
    page.wait_for_url(page.base_url + "/")


def test_keyboard_only_log_in_skip_filter_dispatch_a_task_and_sign_it_off(page: Any, demo_org: None) -> None:
    from luoshi.accounts.models import User
    from luoshi.core.timeutil import today as local_today
    from luoshi.org.models import Person, Unit
    from luoshi.tasks import services
    from luoshi.tasks.models import Task

    title = "键盘交办：东星片区路灯修复"
    today = local_today()
    keyboard_login(page, "supervisor")
    # The first Tab reaches the skip link; it jumps past the header and the menu.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('main')")

    # Through the menu to the task overview; a filter applies with its button, not on an arrow key.
    page.goto(page.base_url + "/")
    tab_to(page, "nav.sidebar a[href='/tasks/overview/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tasks/overview/")
    choose(page, "#f-status", "open")
    tab_to(page, "[data-testid=task-filters] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**status=open**")

    # A new task, filled in and dispatched from the keyboard.
    tab_to(page, "[data-testid=new-task]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tasks/new/**")
    tab_to(page, "#id_title")
    page.keyboard.type(title)
    tab_to(page, "#id_target")
    page.keyboard.type("月底前修复 12 盏路灯")
    tab_to(page, "#id_acceptance")
    page.keyboard.type("夜间巡查全部亮灯")
    choose(page, "#id_lead_unit", str(Unit.objects.get(code="CDD03").pk))
    choose(page, "#id_responsible_leader", str(Person.objects.get(user__username="resp_leader").pk))
    if page.eval_on_selector("#id_start_date", "e => e.value") != today.isoformat():  # today unless told
        type_date(page, "#id_start_date", today)
    type_date(page, "#id_deadline", today + dt.timedelta(days=30))
    tab_to(page, "[data-testid=create-assign]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tasks/*/")
    assert page.get_by_test_id("task-status").inner_text() == "待签收"

    # The unit does its part (not this test's subject), then the leader signs it off by keyboard.
    task = Task.objects.get(title=title)
    staff = User.objects.get(username="staff")
    task = services.task_transition(actor=staff, task=task, action="accept")
    services.task_report_progress(actor=staff, task=task, percent=100, text="12 盏路灯全部修复")
    services.task_transition(actor=staff, task=Task.objects.get(pk=task.pk), action="submit", comment="请验收")
    keyboard_login(page, "leader")
    page.goto(page.base_url + f"/tasks/{task.pk}/")
    tab_to(page, "form[data-action=sign_off] textarea")
    page.keyboard.type("夜查合格，同意销号")
    tab_to(page, "[data-testid=action-sign_off]")
    page.keyboard.press("Enter")  # a key press does not wait for the page it sends for: the status does
    expect(page.get_by_test_id("task-status")).to_have_text("已销号")


def test_keyboard_only_a_resident_reports_a_case_and_lands_on_the_errors(page: Any, demo_org: None) -> None:
    from luoshi.cases.models import Case, Category
    from luoshi.cases.tests.factories import ensure_categories
    from luoshi.org.models import Unit

    ensure_categories()
    page.goto(page.base_url + "/cases/public/")
    choose(page, "#id_category", str(Category.objects.filter(name="暴露垃圾", is_public=True).first().pk))
    choose(page, "#id_unit", str(Unit.objects.get(code="CD01").pk))
    tab_to(page, "#id_description")
    page.keyboard.type("东星小区东门口的垃圾堆了三天没人清")
    tab_to(page, "[data-testid=submit-public]")
    page.keyboard.press("Enter")
    # No phone number: the page comes back with the focus on the error summary, the text kept.
    page.get_by_test_id("form-errors").wait_for()
    assert page.evaluate("document.activeElement.classList.contains('form-errors')")
    assert page.input_value("#id_description") == "东星小区东门口的垃圾堆了三天没人清"
    tab_to(page, "#id_reporter_phone")
    assert page.get_attribute("#id_reporter_phone", "type") == "tel"
    page.keyboard.type("13900001234")
    tab_to(page, "[data-testid=submit-public]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/cases/public/c/**")
    number = page.get_by_test_id("public-tracking-no").inner_text()
    assert Case.objects.get(tracking_no=number).description == "东星小区东门口的垃圾堆了三天没人清"
