"""The task workflow as one table: state × action → target state, and who may fire it.

Roles here are a user's *relation to one task* (see
:func:`luoshi.tasks.permissions.task_roles`), derived from the org roles the
user holds at the task's lead unit and from the task's own fields:

- ``supervisor``: 督查 staff (or an administrator) over the lead unit;
- ``leader``: a leader (书记/主任) over the lead unit;
- ``responsible_leader``: the task's responsible leader (责任领导), or a
  responsible-leader role over the lead unit;
- ``doer``: staff of the lead unit or of the task force, who carry the task out.

A transition from a state that has no row for the action is a conflict (409);
a row whose roles the user lacks is forbidden (403). Whoever submitted a task
for review may never sign it off (checked in the service, see
:func:`luoshi.tasks.services.task_transition`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luoshi.core.errors import Conflict, Forbidden
from luoshi.tasks.error_codes import TaskErrorCode
from luoshi.tasks.models import Status


class Action:
    ASSIGN = "assign"
    ACCEPT = "accept"
    DECLINE = "decline"
    SUBMIT = "submit"
    RETURN = "return"
    SIGN_OFF = "sign_off"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REFUSE_EXTENSION = "refuse_extension"
    SUSPEND = "suspend"
    RESUME = "resume"
    CANCEL = "cancel"
    REOPEN = "reopen"


ACTIONS: tuple[str, ...] = (
    Action.ASSIGN,
    Action.ACCEPT,
    Action.DECLINE,
    Action.SUBMIT,
    Action.RETURN,
    Action.SIGN_OFF,
    Action.REQUEST_EXTENSION,
    Action.APPROVE_EXTENSION,
    Action.REFUSE_EXTENSION,
    Action.SUSPEND,
    Action.RESUME,
    Action.CANCEL,
    Action.REOPEN,
)

ACTION_LABELS: dict[str, str | Promise] = {
    Action.ASSIGN: _("Assign"),
    Action.ACCEPT: _("Accept"),
    Action.DECLINE: _("Decline"),
    Action.SUBMIT: _("Submit for review"),
    Action.RETURN: _("Return"),
    Action.SIGN_OFF: _("Sign off"),
    Action.REQUEST_EXTENSION: _("Request extension"),
    Action.APPROVE_EXTENSION: _("Approve extension"),
    Action.REFUSE_EXTENSION: _("Refuse extension"),
    Action.SUSPEND: _("Suspend"),
    Action.RESUME: _("Resume"),
    Action.CANCEL: pgettext_lazy("task action", "Cancel"),
    Action.REOPEN: _("Reopen"),
}

#: What the comment box asks for, per action (the rest ask for a reason).
COMMENT_LABELS: dict[str, str | Promise] = {
    "default": _("Reason"),
    Action.SIGN_OFF: _("Review opinion (审核意见)"),
    Action.RETURN: _("Review opinion: what must still be done"),
    Action.SUBMIT: _("Why submit before 100%"),
    Action.APPROVE_EXTENSION: _("Comment"),
}

#: What the timeline and activity log say after someone's name.
ACTION_VERBS: dict[str, str | Promise] = {
    Action.ASSIGN: _("assigned the task"),
    Action.ACCEPT: _("accepted the task"),
    Action.DECLINE: _("declined the task"),
    Action.SUBMIT: _("submitted the task for review"),
    Action.RETURN: _("returned the task"),
    Action.SIGN_OFF: _("signed the task off"),
    Action.REQUEST_EXTENSION: _("requested an extension"),
    Action.APPROVE_EXTENSION: _("approved the extension"),
    Action.REFUSE_EXTENSION: _("refused the extension"),
    Action.SUSPEND: _("suspended the task"),
    Action.RESUME: _("resumed the task"),
    Action.CANCEL: _("cancelled the task"),
    Action.REOPEN: _("reopened the task"),
}


#: The step forward in each state: shown as the main (primary) button and first. What a user
#: most likely does next on a task is move it on (accept, submit, sign off, …); pausing, extending
#: or reopening are secondary, and turning it back or away (撤销, 退回) is marked as such.
FORWARD: frozenset[str] = frozenset(
    {Action.ASSIGN, Action.ACCEPT, Action.SUBMIT, Action.SIGN_OFF, Action.RESUME, Action.APPROVE_EXTENSION}
)
BACKWARD: frozenset[str] = frozenset({Action.CANCEL, Action.RETURN, Action.DECLINE})


def button_style(action: str) -> str:
    """``primary``, ``secondary`` or ``danger``: how the button for ``action`` looks."""
    if action in FORWARD:
        return "primary"
    return "danger" if action in BACKWARD else "secondary"


def button_order(actions: Iterable[str]) -> list[str]:
    """``actions`` ordered for the page: forward steps first, then the others, then turning back
    (table order within each group)."""
    rank = {"primary": 0, "secondary": 1, "danger": 2}
    return sorted(actions, key=lambda a: rank[button_style(a)])


class TaskRole:
    SUPERVISOR = "supervisor"
    LEADER = "leader"
    RESPONSIBLE_LEADER = "responsible_leader"
    DOER = "doer"


TASK_ROLES: tuple[str, ...] = (TaskRole.SUPERVISOR, TaskRole.LEADER, TaskRole.RESPONSIBLE_LEADER, TaskRole.DOER)

_DISPATCH = frozenset({TaskRole.SUPERVISOR, TaskRole.LEADER})
_REVIEW = frozenset({TaskRole.SUPERVISOR, TaskRole.LEADER, TaskRole.RESPONSIBLE_LEADER})
_DO = frozenset({TaskRole.DOER})


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    roles: frozenset[str]
    needs_comment: bool = False


_ROWS: list[Transition] = [
    Transition(Status.DRAFT, Action.ASSIGN, Status.ASSIGNED, _DISPATCH),
    Transition(Status.DRAFT, Action.CANCEL, Status.CANCELLED, _DISPATCH, needs_comment=True),
    Transition(Status.ASSIGNED, Action.ACCEPT, Status.IN_PROGRESS, _DO),
    Transition(Status.ASSIGNED, Action.DECLINE, Status.DRAFT, _DO, needs_comment=True),
    Transition(Status.ASSIGNED, Action.SUSPEND, Status.SUSPENDED, _DISPATCH, needs_comment=True),
    Transition(Status.ASSIGNED, Action.CANCEL, Status.CANCELLED, _DISPATCH, needs_comment=True),
    Transition(Status.IN_PROGRESS, Action.SUBMIT, Status.PENDING_REVIEW, _DO),
    Transition(Status.IN_PROGRESS, Action.REQUEST_EXTENSION, Status.IN_PROGRESS, _DO, needs_comment=True),
    Transition(Status.IN_PROGRESS, Action.APPROVE_EXTENSION, Status.IN_PROGRESS, _DISPATCH),
    Transition(Status.IN_PROGRESS, Action.REFUSE_EXTENSION, Status.IN_PROGRESS, _DISPATCH, needs_comment=True),
    Transition(Status.IN_PROGRESS, Action.SUSPEND, Status.SUSPENDED, _DISPATCH, needs_comment=True),
    Transition(Status.IN_PROGRESS, Action.CANCEL, Status.CANCELLED, _DISPATCH, needs_comment=True),
    Transition(Status.PENDING_REVIEW, Action.RETURN, Status.IN_PROGRESS, _REVIEW, needs_comment=True),
    Transition(Status.PENDING_REVIEW, Action.SIGN_OFF, Status.DONE, _REVIEW, needs_comment=True),
    Transition(Status.PENDING_REVIEW, Action.APPROVE_EXTENSION, Status.PENDING_REVIEW, _DISPATCH),
    Transition(Status.PENDING_REVIEW, Action.REFUSE_EXTENSION, Status.PENDING_REVIEW, _DISPATCH, needs_comment=True),
    Transition(Status.PENDING_REVIEW, Action.CANCEL, Status.CANCELLED, _DISPATCH, needs_comment=True),
    Transition(Status.SUSPENDED, Action.RESUME, Status.IN_PROGRESS, _DISPATCH),
    Transition(Status.SUSPENDED, Action.CANCEL, Status.CANCELLED, _DISPATCH, needs_comment=True),
    Transition(Status.DONE, Action.REOPEN, Status.IN_PROGRESS, _DISPATCH, needs_comment=True),
    Transition(Status.CANCELLED, Action.REOPEN, Status.IN_PROGRESS, _DISPATCH, needs_comment=True),
]

TABLE: dict[tuple[str, str], Transition] = {(str(t.source), t.action): t for t in _ROWS}

#: Actions that keep the state and work on an extension request instead.
EXTENSION_ACTIONS = frozenset({Action.REQUEST_EXTENSION, Action.APPROVE_EXTENSION, Action.REFUSE_EXTENSION})


def lookup(status: str, action: str) -> Transition | None:
    return TABLE.get((status, action))


def allowed_actions(status: str, roles: Iterable[str]) -> list[str]:
    """The actions ``roles`` may fire from ``status``, in table order."""
    held = frozenset(roles)
    return [t.action for t in _ROWS if t.source == status and t.roles & held]


def require(status: str, action: str, roles: Iterable[str]) -> Transition:
    """The transition for ``action`` from ``status``, or raise.

    :class:`Conflict` (409) when the action is not possible from this state,
    :class:`Forbidden` (403) when it is but none of ``roles`` may fire it.
    """
    if action not in ACTIONS:
        raise Conflict(_("Unknown action."), code=TaskErrorCode.UNKNOWN_ACTION)
    transition = TABLE.get((status, action))
    if transition is None:
        raise Conflict(
            _("This action is not possible while the task is %(status)s.") % {"status": Status(status).label},
            code=TaskErrorCode.WRONG_STATE,
        )
    if not transition.roles & frozenset(roles):
        raise Forbidden(
            _("Your role does not allow this action on this task."), code=TaskErrorCode.TRANSITION_FORBIDDEN
        )
    return transition
