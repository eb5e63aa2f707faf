"""Which events notify whom, and which notices are grouped (docs/homes.md).

Services choose the people an event concerns (the doers of a task, its dispatchers, the handlers
of a case …) and call :func:`luoshi.notifications.services.notify` with the event's ``kind``.
This table then keeps notices quiet:

- ``quiet``: roles that are not told of this kind of event. A person is left out only when every
  role they hold is quiet for it (a party secretary who is only a leader is not told that a task
  was accepted; a supervisor is). What a leader needs from these events reaches them as figures on
  their home page's strip (red tasks, overdue cases, missed reports).
- ``group``: repeated notices of this kind to one person on one day become one unread notice whose
  heading counts them ("今天有 5 项任务已签收") and whose text lists each one (newest first). A
  notice that asks the person to act on one thing (a task to accept, a case to handle, a review)
  is never grouped.

A kind not in the table is told to everyone the service chose, one notice per event.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import ngettext_lazy

from luoshi.org.models import Role

LEADERS: frozenset[str] = frozenset({Role.LEADER, Role.RESPONSIBLE_LEADER})


@dataclass(frozen=True)
class NoticeRule:
    who: str  # whom the service addresses, for the documentation
    quiet: frozenset[str] = frozenset()
    group: object | None = None  # an ngettext_lazy with %(n)d: the heading of a grouped notice


#: kind → rule. Kinds are the ``kind=`` the services pass (``task.<action>`` for the task workflow).
RULES: dict[str, NoticeRule] = {
    # Tasks (督办): the event, whom the service addresses, who is left out, grouped or not.
    "task.assign": NoticeRule("the lead unit's staff (doers)"),
    "task.accept": NoticeRule(
        "the dispatchers (supervisor, leader)",
        quiet=LEADERS,
        group=ngettext_lazy("%(n)d task accepted today", "%(n)d tasks accepted today", "n"),
    ),
    "task.decline": NoticeRule("the dispatchers"),
    "task.submit": NoticeRule("the reviewers (supervisor, leader, responsible leader)"),
    "task.return": NoticeRule("the doers"),
    "task.sign_off": NoticeRule(
        "the doers",
        group=ngettext_lazy("%(n)d task signed off today", "%(n)d tasks signed off today", "n"),
    ),
    "task.request_extension": NoticeRule("the dispatchers"),
    "task.approve_extension": NoticeRule("the requester and the doers"),
    "task.refuse_extension": NoticeRule("the requester and the doers"),
    "task.suspend": NoticeRule("the doers"),
    "task.resume": NoticeRule("the doers"),
    "task.cancel": NoticeRule("the doers"),
    "task.reopen": NoticeRule("the doers"),
    "task.reminder": NoticeRule("the doers (催办)"),
    "task.overdue": NoticeRule(
        "the doers and the dispatchers",
        quiet=LEADERS,
        group=ngettext_lazy("%(n)d task fell overdue today", "%(n)d tasks fell overdue today", "n"),
    ),
    "task.report_missed": NoticeRule(
        "the doers",
        group=ngettext_lazy("%(n)d progress report missing", "%(n)d progress reports missing", "n"),
    ),
    "task.due_soon": NoticeRule(
        "the doers",
        group=ngettext_lazy("%(n)d task due soon", "%(n)d tasks due soon", "n"),
    ),
    # Cases (诉求事件).
    "case_new": NoticeRule("the township's command (urgent cases only)"),
    "case_referred": NoticeRule("the new owner's command"),
    "case_dispatched": NoticeRule("the handling unit's staff"),
    "case_co_unit": NoticeRule("the co-handling unit's staff"),
    "case_returned": NoticeRule("the owner's command"),
    "case_replied": NoticeRule("the owner's command and the grid worker who reported it"),
    "case_extension": NoticeRule("the owner's command"),
    "case_extension_decided": NoticeRule("the requester"),
    "case_closed": NoticeRule(
        "the handlers and the reporter",
        quiet=LEADERS,
        group=ngettext_lazy("%(n)d case closed today", "%(n)d cases closed today", "n"),
    ),
    "case_sent_back": NoticeRule("the handling unit's staff"),
    "case_unsatisfied": NoticeRule("the owner's command"),
    "case_card": NoticeRule("the unit given the card"),
    "case_sla_yellow": NoticeRule(
        "the handlers (the command when not dispatched)",
        quiet=LEADERS,
        group=ngettext_lazy("%(n)d case has used 70%% of its time", "%(n)d cases have used 70%% of their time", "n"),
    ),
    "case_sla_red": NoticeRule(
        "the handlers and the command",
        group=ngettext_lazy("%(n)d case past its time limit", "%(n)d cases past their time limit", "n"),
    ),
    "daily_report_missing": NoticeRule(
        "the community's staff",
        group=ngettext_lazy("%(n)d daily report missing", "%(n)d daily reports missing", "n"),
    ),
    "keyperson_assigned": NoticeRule("the responsible cadre"),
    # Bulletins, land acquisition.
    "bulletin.review": NoticeRule("the reviewers"),
    "bulletin.issued": NoticeRule("the addressees"),
}

DEFAULT = NoticeRule("whoever the service chose")

#: Lines listed in a grouped notice's text (the heading counts them all).
GROUP_LINES = 20


def rule_for(kind: str) -> NoticeRule:
    return RULES.get(kind, DEFAULT)


def is_quiet(rule: NoticeRule, roles: frozenset[str], is_all: bool = False) -> bool:
    """Is a person holding ``roles`` left out of this kind of notice?"""
    return bool(rule.quiet) and not is_all and bool(roles) and roles <= rule.quiet


def group_title(rule: NoticeRule, n: int) -> str:
    assert rule.group is not None
    return str(rule.group % {"n": n})  # type: ignore[operator]
