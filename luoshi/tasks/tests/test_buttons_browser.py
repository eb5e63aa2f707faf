"""Browser: the actions on a just-dispatched task, as the supervisor and the doing unit see them,
at 320 px and on a desktop (issue 14, finding 9): the main button is the likely next step, not
暂停, and no button is squashed (its label on one line, nothing cut off)."""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.core.testing import login
from luoshi.core.timeutil import today as local_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _assigned_task():
    from luoshi.accounts.models import User
    from luoshi.org.models import Person, Unit
    from luoshi.tasks import services

    today = local_today()
    data = services.TaskData(
        title="背街小巷环境整治",
        lead_unit=Unit.objects.get(code="CDD03"),
        start_date=today,
        deadline=today + dt.timedelta(days=40),
        target="月底前完成 5 条背街小巷整治",
        acceptance="现场复查无乱堆放",
        responsible_leader=Person.objects.get(user__username="resp_leader"),
    )
    return services.task_create(actor=User.objects.get(username="supervisor"), data=data, assign=True)


def _buttons(page):
    """(action, label, class, one line, fits) for every action button, in page order."""
    return page.eval_on_selector_all(
        "[data-testid=actions] form[data-action] button[type=submit]",
        """els => els.map(b => {
            const style = getComputedStyle(b);
            const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.6;
            const inner = b.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
            return [b.closest('form').dataset.action, b.innerText.trim(), b.className,
                    inner <= line * 1.5, b.scrollWidth <= b.clientWidth + 1];
        })""",
    )


@pytest.mark.parametrize("width", [320, 1280])
def test_a_just_dispatched_tasks_buttons(browser, live_server, demo_org, width):
    task = _assigned_task()
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.base_url = live_server.url
    try:
        login(page, "supervisor")
        page.goto(f"{page.base_url}/tasks/{task.pk}/")
        buttons = _buttons(page)
        page.screenshot(path=f"var/task-buttons-supervisor-{width}.png", full_page=True)
        # The supervisor waits for the unit to accept: pausing or cancelling is not the main thing to do.
        assert [(a, label) for a, label, *_ in buttons] == [("suspend", "暂停"), ("cancel", "撤销")]
        assert "primary" not in buttons[0][2]
        assert "secondary" in buttons[0][2] and "danger" in buttons[1][2]
        assert all(one_line and fits for *_, one_line, fits in buttons), buttons
        assert page.evaluate("document.documentElement.scrollWidth") <= width

        page.context.clear_cookies()
        login(page, "staff")
        page.goto(f"{page.base_url}/tasks/{task.pk}/")
        buttons = _buttons(page)
        page.screenshot(path=f"var/task-buttons-staff-{width}.png", full_page=True)
        # The doing unit's next step is to accept (签收); declining (退回) is the other choice.
        assert [a for a, *_ in buttons] == ["accept", "decline"]
        assert "primary" in buttons[0][2] and "danger" in buttons[1][2]
        assert all(one_line and fits for *_, one_line, fits in buttons), buttons
    finally:
        context.close()
