"""The tasks app's refusal codes keep their spelling (clients compare them as text; issue 15).

Each row is a real refusal through the service with the code and status a client sees; the table
is written out, not read back from ``TaskErrorCode``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.core.errors import LuoshiError
from luoshi.tasks import permissions, services
from luoshi.tasks.tests.helpers import fresh, make_task
from luoshi.tasks.workflow import Action

pytestmark = pytest.mark.django_db


def _refusal(call) -> tuple[str, int]:
    with pytest.raises(LuoshiError) as caught:
        call()
    return str(caught.value.code), caught.value.status


def test_task_refusals_keep_their_codes(s):
    task = make_task(s)
    step = services.task_transition
    assert _refusal(lambda: step(actor=s.supervisor, task=task, action=Action.ACCEPT)) == ("transition_forbidden", 403)
    assert _refusal(lambda: step(actor=s.staff, task=task, action=Action.SUBMIT)) == ("wrong_state", 409)
    assert _refusal(lambda: step(actor=s.staff, task=task, action="fly")) == ("unknown_action", 409)
    assert _refusal(lambda: step(actor=s.staff, task=task, action=Action.DECLINE, comment=" ")) == (
        "comment_required",
        400,
    )
    later = task.deadline + dt.timedelta(days=7)
    assert _refusal(lambda: services.task_update(actor=s.supervisor, task=task, version=None, deadline=later)) == (
        "deadline_locked",
        409,
    )
    assert _refusal(lambda: permissions.require_create(s.staff)) == ("read_only", 403)

    old = task.version
    step(actor=s.staff, task=task, action=Action.ACCEPT, version=old)
    assert _refusal(lambda: step(actor=s.staff, task=fresh(task), action=Action.SUBMIT, version=old)) == ("stale", 409)
    refuse = Action.REFUSE_EXTENSION
    assert _refusal(lambda: step(actor=s.supervisor, task=fresh(task), action=refuse, comment="不同意")) == (
        "no_extension_pending",
        409,
    )
    ask = {"action": Action.REQUEST_EXTENSION, "comment": "雨季", "new_deadline": later}
    step(actor=s.staff, task=fresh(task), **ask)
    assert _refusal(lambda: step(actor=s.staff, task=fresh(task), **ask)) == ("extension_pending", 409)
