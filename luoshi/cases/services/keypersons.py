"""The key-person registry (涉稳重点人员): create, edit, visits, linked cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.accounts.types import Actor, signed_in
from luoshi.cases import sla
from luoshi.cases.error_codes import CaseErrorCode
from luoshi.cases.models import (
    Case,
    KeyPerson,
    KeyPersonClass,
    KeyPersonVisit,
    RiskLevel,
    VisitMethod,
)
from luoshi.cases.services._common import _require_text
from luoshi.core import audit, versioning
from luoshi.core.errors import ErrorCode, ValidationFailed
from luoshi.notifications.services import notify
from luoshi.org.models import Person, Unit
from luoshi.org.permissions import require

# --- Key persons (restricted registry) ---------------------------------------------------------

KEYPERSON_FIELDS = ("name", "id_no", "phone", "address", "unit", "classification", "risk_level", "cadre", "is_active")


def _validate_key_person(kp: KeyPerson) -> None:
    if not kp.name.strip():
        raise ValidationFailed(
            _("Please fill in the name."), code=CaseErrorCode.REQUIRED, details={"name": [_("This field is required.")]}
        )
    if kp.classification not in KeyPersonClass.values:
        raise ValidationFailed(_("Choose a classification."), code=ErrorCode.INVALID, details={"classification": ["?"]})
    if kp.risk_level not in RiskLevel.values:
        raise ValidationFailed(_("Choose a risk level."), code=ErrorCode.INVALID, details={"risk_level": ["?"]})
    if kp.id_no and not (
        len(kp.id_no) == 18 and kp.id_no[:17].isdigit() and (kp.id_no[17].isdigit() or kp.id_no[17] == "X")
    ):
        raise ValidationFailed(
            _("An ID number has 18 characters: 17 digits and a digit or X."),
            code=CaseErrorCode.INVALID_ID_NO,
            details={"id_no": [_("An ID number has 18 characters: 17 digits and a digit or X.")]},
        )


@transaction.atomic
def keyperson_create(
    *,
    actor: Actor,
    name: str,
    unit: Unit,
    classification: str,
    risk_level: str = RiskLevel.MEDIUM,
    id_no: str = "",
    phone: str = "",
    address: str = "",
    cadre: Person | None = None,
    background: str = "",
) -> KeyPerson:
    require(actor, "keyperson.create", unit)
    kp = KeyPerson(
        name=name.strip(),
        id_no=id_no.strip().upper(),
        phone=phone.strip(),
        address=address.strip(),
        unit=unit,
        classification=classification,
        risk_level=risk_level,
        cadre=cadre,
        background=background.strip(),
    )
    _validate_key_person(kp)
    kp.save()
    audit.record(actor=actor, obj=kp, verb="create", changes=audit.diff({}, audit.snapshot(kp, KEYPERSON_FIELDS)))
    if cadre is not None and cadre.user_id:
        notify(
            recipients=[cadre.user],
            kind="keyperson_assigned",
            title=_("You are now the responsible cadre for %(name)s") % {"name": kp.name},
            url=reverse("cases:keyperson", args=[kp.pk]),
            obj=kp,
        )
    return kp


@transaction.atomic
def keyperson_update(*, actor: Actor, key_person: KeyPerson, version: int | None = None, **fields: Any) -> KeyPerson:
    kp = versioning.lock(KeyPerson.objects.select_related("unit", "cadre"), key_person.pk)
    require(actor, "keyperson.edit", kp)
    versioning.check_version(
        kp, version, message=_("Someone else changed this record in the meantime. Reload and try again.")
    )
    before = audit.snapshot(kp, KEYPERSON_FIELDS)
    for name, value in fields.items():
        if name not in (*KEYPERSON_FIELDS, "background"):
            raise ValidationFailed(_("Unknown field: %(name)s") % {"name": name}, code=CaseErrorCode.UNKNOWN_FIELD)
        if name == "unit":
            require(actor, "keyperson.create", value)
        setattr(kp, name, value.strip() if isinstance(value, str) else value)
    kp.id_no = kp.id_no.upper()
    _validate_key_person(kp)
    kp.version += 1
    kp.updated_at = timezone.now()
    kp.save()
    audit.record(actor=actor, obj=kp, verb="update", changes=audit.diff(before, audit.snapshot(kp, KEYPERSON_FIELDS)))
    return kp


def _is_cadre(actor: Actor, kp: KeyPerson) -> bool:
    return kp.cadre_id is not None and kp.cadre is not None and kp.cadre.user_id == getattr(actor, "pk", None)


@transaction.atomic
def keyperson_visit(
    *,
    actor: Actor,
    key_person: KeyPerson,
    visited_on: dt.date,
    content: str,
    method: str = "visit",
    risk_level: str = "",
    next_step: str = "",
) -> KeyPersonVisit:
    """A visit or follow-up by the responsible cadre or the community."""
    # The cadre is nullable: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    kp = (
        KeyPerson.objects.select_for_update(of=("self",) if connection.features.has_select_for_update_of else ())
        .select_related("unit", "cadre")
        .get(pk=key_person.pk)
    )
    if not _is_cadre(actor, kp):
        require(actor, "keyperson.visit", kp)
    content = _require_text(content, str(_("what was found")))
    if visited_on > sla.local_date(timezone.now()):
        raise ValidationFailed(
            _("The visit date is in the future."),
            code=CaseErrorCode.FUTURE_DATE,
            details={"visited_on": [_("The visit date is in the future.")]},
        )
    if risk_level and risk_level not in RiskLevel.values:
        raise ValidationFailed(_("Choose a risk level."), code=ErrorCode.INVALID)
    visit = KeyPersonVisit.objects.create(
        key_person=kp,
        visited_on=visited_on,
        method=method if method in VisitMethod.values else VisitMethod.OTHER,
        content=content,
        risk_level=risk_level,
        next_step=next_step.strip(),
        visited_by=signed_in(actor),
    )
    changes = {}
    if risk_level and risk_level != kp.risk_level:
        changes = {"risk_level": {"before": kp.get_risk_level_display(), "after": RiskLevel(risk_level).label}}
        kp.risk_level = risk_level
    kp.updated_at = timezone.now()
    kp.version += 1
    kp.save()
    audit.record(actor=actor, obj=kp, verb="keyperson_visit", changes=changes, comment=content[:200])
    return visit


@transaction.atomic
def keyperson_link_case(*, actor: Actor, key_person: KeyPerson, case: Case) -> KeyPerson:
    kp = KeyPerson.objects.select_for_update().select_related("unit").get(pk=key_person.pk)
    require(actor, "keyperson.edit", kp)
    kp.cases.add(case)
    audit.record(actor=actor, obj=kp, verb="keyperson_link", comment=case.tracking_no)
    return kp


def keyperson_open(*, actor: Actor, pk: int | str) -> KeyPerson:
    """Read one key person and log the view (every view of the registry is recorded)."""
    from luoshi.cases.selectors import access_key_person

    kp = access_key_person(actor, pk)
    audit.record(actor=actor, obj=kp, verb="view")
    return kp
