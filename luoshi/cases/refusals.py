"""Why an action on a case would be refused: the one check behind the buttons, the API and the service.

:func:`refusal` answers "would the service accept ``action`` from this person on this
case now?" with the error the service raises, or ``None``. The case page shows a
button, and the API lists an action in ``allowed_actions``, only when it is ``None``
(:func:`allowed`); every write goes through the same function before it changes
anything (``services._common._Step``). So nothing is offered that will then be
refused, and a refusal always says why.

Beyond the transition table (:mod:`luoshi.cases.workflow`: state and role at the
case's units) it checks what depends on the case itself:

- the person who replied (or closed the case on the spot) never verifies it, and never
  records the resident's rating of it, directly or on a return visit;
- mediation is recorded on dispute categories only, closing on the spot (自行处置) on the
  categories that allow it;
- referring up needs a higher level; an extension is asked for once at a time and
  decided only while one waits.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from luoshi.accounts.models import User
from luoshi.accounts.types import Actor
from luoshi.cases import workflow
from luoshi.cases.error_codes import CaseErrorCode
from luoshi.cases.models import Case, ExtensionRequest, ExtensionStatus
from luoshi.cases.workflow import Action, Where
from luoshi.core.errors import Conflict, Forbidden, LuoshiError

#: Actions that record the resident's rating: never by whoever did the work.
RATING_ACTIONS = frozenset({Action.RATE, Action.RETURN_VISIT})


def is_dispute(case: Case) -> bool:
    """Whether the case's category (or its major category) carries mediation."""
    category = case.category
    if category.is_dispute:
        return True
    return bool(category.parent_id and category.parent is not None and category.parent.is_dispute)


def may_close_on_spot(case: Case) -> bool:
    """Whether the case's category (or its major category) allows closing on the spot (自行处置)."""
    category = case.category
    if category.on_the_spot:
        return True
    return bool(category.parent_id and category.parent is not None and category.parent.on_the_spot)


def _user_id(actor: Actor | None) -> int | None:
    return actor.pk if isinstance(actor, User) else None


def _pending(case: Case, pending_extension: bool | None) -> bool:
    if pending_extension is not None:
        return pending_extension
    return ExtensionRequest.objects.filter(case=case, status=ExtensionStatus.PENDING).exists()


def refusal(
    actor: Actor | None,
    case: Case,
    action: str,
    *,
    roles: Mapping[Where, frozenset[str]],
    pending_extension: bool | None = None,
) -> LuoshiError | None:
    """The error the service raises for ``action`` by ``actor`` (holding ``roles`` on ``case``), or None.

    ``pending_extension`` says whether an extension request waits (looked up when not given).
    """
    try:
        workflow.require(case.status, action, roles)
    except LuoshiError as exc:
        return exc
    me = _user_id(actor)
    did_the_work = me is not None and case.replied_by_id is not None and case.replied_by_id == me
    if action == Action.VERIFY and did_the_work:
        return Forbidden(_("The person who replied cannot verify their own work."), code=CaseErrorCode.VERIFY_SELF)
    if action in RATING_ACTIONS and did_the_work:
        return Forbidden(
            _("You handled this case, so the resident's rating is recorded by someone else (the command unit)."),
            code=CaseErrorCode.RATE_OWN_WORK,
        )
    if action == Action.MEDIATE and not is_dispute(case):
        return Conflict(_("Mediation is recorded on dispute cases only."), code=CaseErrorCode.NOT_DISPUTE)
    if action == Action.HANDLE_ON_SPOT and not may_close_on_spot(case):
        return Conflict(
            _("Cases of this category cannot be closed on the spot; they go to the command unit."),
            code=CaseErrorCode.NOT_ON_THE_SPOT,
        )
    if action == Action.REFER_UP and case.owner_unit.parent_id is None:
        return Conflict(_("This unit has no higher level to refer to."), code=CaseErrorCode.NO_PARENT)
    if action == Action.REQUEST_EXTENSION and _pending(case, pending_extension):
        return Conflict(
            _("An extension request is already waiting for approval."), code=CaseErrorCode.EXTENSION_PENDING
        )
    if action == Action.DECIDE_EXTENSION and not _pending(case, pending_extension):
        return Conflict(_("There is no extension request waiting."), code=CaseErrorCode.NO_EXTENSION_PENDING)
    return None


def require(
    actor: Actor | None, case: Case, action: str, *, roles: Mapping[Where, frozenset[str]]
) -> workflow.Transition:
    """The transition for ``action``, or raise :func:`refusal`'s error."""
    refused = refusal(actor, case, action, roles=roles)
    if refused is not None:
        raise refused
    return workflow.require(case.status, action, roles)


def allowed(
    actor: Actor | None, case: Case, roles: Mapping[Where, frozenset[str]], *, pending_extension: bool | None = None
) -> list[Action]:
    """The actions the service would accept from ``actor`` now, in table order (buttons and ``allowed_actions``)."""
    offered = workflow.allowed_actions(case.status, roles)
    if {Action.REQUEST_EXTENSION, Action.DECIDE_EXTENSION} & set(offered) and pending_extension is None:
        pending_extension = _pending(case, None)
    return [a for a in offered if refusal(actor, case, a, roles=roles, pending_extension=pending_extension) is None]
