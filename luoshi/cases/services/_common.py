"""What every write on cases shares: the timeline and log record, notifications, locking, SLA stages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from luoshi.accounts.models import User
from luoshi.accounts.types import Actor
from luoshi.cases import refusals, sla, standards, workflow
from luoshi.cases.error_codes import CaseErrorCode
from luoshi.cases.models import (
    CardLevel,
    Case,
    CaseEvent,
    ExtensionRequest,
    ExtensionStatus,
    Stage,
)
from luoshi.cases.permissions import actor_roles
from luoshi.cases.workflow import Action, Where
from luoshi.core import audit, versioning, workdays
from luoshi.core.errors import ValidationFailed
from luoshi.notifications.services import notify
from luoshi.org.models import Role, RoleGrant, Unit

AUDIT_FIELDS = ("status", "handling_unit", "owner_unit", "outcome", "rating", "duplicate_of", "extension_days")
INTAKE_ROLES = workflow.ACTIVE_ROLES

audit.register_verbs({f"case_{key}": label for key, label in workflow.ACTION_LABELS.items()})
audit.register_verbs(
    {
        "keyperson_visit": _lazy("recorded a visit"),
        "keyperson_link": _lazy("linked a case"),
        "grid_boundary": _lazy("imported a grid boundary"),
    }
)


# --- Helpers -------------------------------------------------------------------------


def card_points() -> dict[str, int]:
    points = {CardLevel.NORMAL.value: 0, CardLevel.YELLOW.value: -5, CardLevel.RED.value: -10}
    points.update(getattr(settings, "LUOSHI_CASE_CARD_POINTS", {}))
    return points


_CHOICE_AUDIT_FIELDS = tuple(f for f in AUDIT_FIELDS if getattr(Case._meta.get_field(f), "choices", None))
_OTHER_AUDIT_FIELDS = tuple(f for f in AUDIT_FIELDS if f not in _CHOICE_AUDIT_FIELDS)
_labels: dict[tuple[str, str, Any], str] = {}


def choice_label(field: str, value: Any) -> str:
    """``case.get_<field>_display()``, looked up once per language and value (labels are fixed)."""
    key = (get_language() or "", field, value)
    label = _labels.get(key)
    if label is None:
        label = str(dict(getattr(Case._meta.get_field(field), "flatchoices", ())).get(value, value))
        _labels[key] = label
    return label


def _snapshot(case: Case) -> dict[str, Any]:
    """``audit.snapshot(case, AUDIT_FIELDS)`` with the choice labels from :func:`choice_label`."""
    values = audit.snapshot(case, _OTHER_AUDIT_FIELDS)
    for name in _CHOICE_AUDIT_FIELDS:
        values[name] = choice_label(name, getattr(case, name))
    return {name: values[name] for name in AUDIT_FIELDS}


def _actor_name(actor: Actor | None) -> str:
    if isinstance(actor, User):
        return str(actor.get_full_name() or actor.get_username())
    return ""


def _user(actor: Actor | None) -> User | None:
    """The login who acts, or None for an anonymous caller (a resident on the public pages)."""
    return actor if isinstance(actor, User) else None


def _unit_users(unit: Unit | None, roles: Iterable[str]) -> list[User]:
    if unit is None:
        return []
    grants = RoleGrant.objects.filter(unit=unit, role__in=list(roles), user__is_active=True).select_related("user")
    return [g.user for g in grants]


def _command_users(unit: Unit) -> list[User]:
    return _unit_users(unit, [Role.SUPERVISOR]) or _unit_users(unit, [Role.LEADER, Role.RESPONSIBLE_LEADER])


def _handler_users(unit: Unit | None) -> list[User]:
    return _unit_users(unit, [Role.UNIT_STAFF, Role.COMMUNITY_STAFF, Role.GRID_WORKER])


def case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def _notify(
    recipients: Iterable[User | None], kind: str, title: str, case: Case, body: str = "", exclude: Actor | None = None
) -> None:
    people = [u for u in recipients if u is not None and (exclude is None or u.pk != exclude.pk)]
    if people:
        notify(recipients=people, kind=kind, title=title, body=body, url=case_url(case), obj=case)


def _require_text(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(
            _("Please fill in %(what)s.") % {"what": what}, code=CaseErrorCode.REQUIRED, details={"comment": [what]}
        )
    return value


def _lock(case: Case) -> Case:
    return versioning.lock(
        Case.objects.select_related("owner_unit", "handling_unit", "unit", "township", "category"), case.pk
    )


def _check_version(case: Case, version: int | None) -> None:
    versioning.check_version(
        case, version, message=_("Someone else changed this case in the meantime. Reload and try again.")
    )


def _start_stage(case: Case, stage: str, now: dt.datetime) -> None:
    """Open the SLA clock of ``stage`` (or stop it for the empty stage)."""
    case.stage = stage
    case.sla_notice = 0
    case.extension_days = 0
    if not stage:
        case.stage_started_at = case.warn_at = case.due_at = None
        case.stage_limit_days = 0
        return
    acting = case.handling_unit if stage == Stage.HANDLE and case.handling_unit else case.owner_unit
    limit = standards.limits_for(case.category_id, acting.kind).for_stage(stage)
    deadline = sla.deadline(now, limit, 0, workdays.calendar())
    case.stage_started_at = now
    case.stage_limit_days = limit
    case.warn_at = deadline.warn_at
    case.due_at = deadline.due_at


def _end_stage(case: Case, now: dt.datetime) -> None:
    if case.due_at is not None and now >= case.due_at:
        case.was_overdue = True
    ExtensionRequest.objects.filter(case=case, status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.EXPIRED, decided_at=now
    )


def _record(
    *,
    actor: Actor | None,
    case: Case,
    action: str,
    from_status: str,
    comment: str = "",
    is_public: bool = False,
    unit_name: str = "",
    data: dict[str, Any] | None = None,
    before: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
    actor_name: str = "",
) -> CaseEvent:
    event = CaseEvent.objects.create(
        case=case,
        created_at=now or timezone.now(),
        actor=_user(actor),
        actor_name=actor_name or _actor_name(actor),
        action=action,
        from_status=from_status,
        to_status=case.status,
        unit_name=unit_name,
        comment=comment,
        is_public=is_public,
        data=data or {},
    )
    changes = audit.diff(before, _snapshot(case)) if before is not None else {}
    audit.record(actor=actor, obj=case, verb=f"case_{action}", changes=changes, comment=comment)
    return event


class _Step:
    """One workflow step on a locked case: check, change, save, record."""

    def __init__(
        self,
        *,
        actor: Actor | None,
        case: Case,
        action: Action,
        version: int | None,
        comment: str = "",
        roles: dict[Where, frozenset[str]] | None = None,
    ) -> None:
        self.actor = actor
        self.now = timezone.now()
        self.case = _lock(case)
        _check_version(self.case, version)
        self.roles = roles if roles is not None else actor_roles(actor, self.case)
        self.row = refusals.require(actor, self.case, action, roles=self.roles)
        self.action = action
        self.comment = (comment or "").strip()
        if self.row.needs_comment and not self.comment:
            raise ValidationFailed(
                _("Please give a reason or a reply for “%(action)s”.")
                % {"action": workflow.ACTION_BUTTONS.get(action, action)},
                code=CaseErrorCode.COMMENT_REQUIRED,
                details={"comment": [_("This field is required.")]},
            )
        self.from_status = self.case.status
        self.before = _snapshot(self.case)
        self.event: CaseEvent | None = None

    def finish(
        self,
        *,
        is_public: bool = False,
        unit_name: str = "",
        data: dict[str, Any] | None = None,
        restart_stage: bool = False,
        actor_name: str = "",
    ) -> Case:
        case = self.case
        old_stage = case.stage
        if self.row.target is not None:
            case.status = self.row.target
        new_stage = workflow.STAGE_OF[case.status]
        if new_stage != old_stage or restart_stage or self.action in workflow.RESTARTS_STAGE:
            _end_stage(case, self.now)
            _start_stage(case, new_stage, self.now)
        case.version += 1
        case.updated_at = self.now
        case.save()
        self.event = _record(
            actor=self.actor,
            case=case,
            action=self.action,
            from_status=self.from_status,
            comment=self.comment,
            is_public=is_public,
            unit_name=unit_name,
            data=data,
            before=self.before,
            now=self.now,
            actor_name=actor_name,
        )
        return case
