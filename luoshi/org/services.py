"""Writes for the organisation. Each function is one use case in one transaction:
it checks permission, validates, writes, and records the activity log."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from luoshi.accounts.models import User
from luoshi.accounts.types import Actor
from luoshi.core import audit, versioning
from luoshi.core.errors import ValidationFailed
from luoshi.org.error_codes import OrgErrorCode
from luoshi.org.models import (
    ALLOWED_CHILDREN,
    DIVISION_LEVEL,
    Person,
    Position,
    Post,
    Role,
    RoleGrant,
    Unit,
    UnitKind,
    division_level,
)
from luoshi.org.permissions import require
from luoshi.org.scope import forget_scope

UNIT_FIELDS = ("name", "kind", "parent", "code", "division_code", "sort_order", "description", "is_active")
PERSON_FIELDS = ("name", "phone", "user", "note", "is_active")


def _raise_validation(exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        details = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    else:
        details = {"__all__": [str(m) for m in exc.messages]}
    first = next(iter(details.values()))[0] if details else _("Some of the data is not valid.")
    raise ValidationFailed(first, details=details) from exc


def _check_placement(unit: Unit, parent: Unit | None) -> None:
    parent_kind = parent.kind if parent else None
    if unit.kind not in ALLOWED_CHILDREN.get(parent_kind, frozenset()):
        label = parent.get_kind_display() if parent else _("the top level")
        raise ValidationFailed(
            _("A %(kind)s cannot be placed under %(parent)s.") % {"kind": unit.get_kind_display(), "parent": label},
            code=OrgErrorCode.UNIT_PLACEMENT,
            details={"parent": [_("Not allowed for this kind of unit.")]},
        )
    if unit.division_code:
        expected = DIVISION_LEVEL.get(unit.kind)
        level = division_level(unit.division_code)
        if expected is None or level != expected:
            raise ValidationFailed(
                _("The division code %(code)s does not fit a %(kind)s.")
                % {"code": unit.division_code, "kind": unit.get_kind_display()},
                code=OrgErrorCode.DIVISION_CODE_LEVEL,
                details={"division_code": [_("Wrong level for this kind of unit.")]},
            )
        ancestor = parent
        while ancestor is not None and not ancestor.division_code:
            ancestor = ancestor.parent
        if ancestor is not None:
            prefix_len = {"county": 6, "township": 9}.get(division_level(ancestor.division_code) or "", 0)
            if prefix_len and unit.division_code[:prefix_len] != ancestor.division_code[:prefix_len]:
                raise ValidationFailed(
                    _("The division code must start with %(prefix)s, like the code of %(parent)s.")
                    % {"prefix": ancestor.division_code[:prefix_len], "parent": ancestor.name},
                    code=OrgErrorCode.DIVISION_CODE_PREFIX,
                    details={"division_code": [_("Does not match the parent's code.")]},
                )


def assign_path(unit: Unit) -> None:
    """Store the materialised path of a freshly saved unit (its parent's path + its pk)."""
    parent = unit.parent
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.depth = parent.depth + 1 if parent else 0
    Unit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)


def _validate_unit(unit: Unit) -> None:
    try:
        unit.full_clean(exclude=["parent"])
    except ValidationError as exc:
        _raise_validation(exc)


@transaction.atomic
def unit_create(
    *,
    actor: Actor,
    parent: Unit | None,
    name: str,
    kind: str,
    code: str,
    division_code: str = "",
    sort_order: int = 0,
    description: str = "",
) -> Unit:
    if parent is None:
        if not actor.is_superuser:
            from luoshi.core.errors import Forbidden

            raise Forbidden(_("Only a system administrator can create top-level units."))
    else:
        require(actor, "unit.add_child", parent)
    unit = Unit(
        parent=parent,
        name=name.strip(),
        kind=kind,
        code=code.strip().upper(),
        division_code=division_code.strip(),
        sort_order=sort_order,
        description=description,
    )
    _validate_unit(unit)
    _check_placement(unit, parent)
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError as exc:
        message = _("The short code or division code is already used.")
        raise ValidationFailed(message, code=OrgErrorCode.UNIT_DUPLICATE) from exc
    assign_path(unit)
    audit.record(actor=actor, obj=unit, verb="create", changes=audit.diff({}, audit.snapshot(unit, UNIT_FIELDS)))
    return unit


@transaction.atomic
def unit_update(*, actor: Actor, unit: Unit, version: int | None = None, **fields: Any) -> Unit:
    """Change a unit's fields; a changed ``parent`` moves the whole subtree."""
    require(actor, "unit.edit", unit)
    locked = versioning.lock_checked(
        Unit.objects.select_related("parent"),
        unit.pk,
        version,
        message=_("Someone else changed this unit in the meantime. Reload and try again."),
    )
    before = audit.snapshot(locked, UNIT_FIELDS)
    new_parent = fields.pop("parent", locked.parent)
    for name, value in fields.items():
        if name not in UNIT_FIELDS:
            raise ValidationFailed(_("Unknown field: %(name)s") % {"name": name}, code=OrgErrorCode.UNKNOWN_FIELD)
        if isinstance(value, str):
            value = value.strip()
        if name == "code":
            value = value.upper()
        setattr(locked, name, value)
    moving = (new_parent.pk if new_parent else None) != locked.parent_id
    if moving:
        if new_parent is None:
            raise ValidationFailed(_("A unit cannot be moved to the top level."), code=OrgErrorCode.UNIT_PLACEMENT)
        require(actor, "unit.add_child", new_parent)
        if new_parent.path.startswith(locked.path):
            raise ValidationFailed(_("A unit cannot be moved into its own subtree."), code=OrgErrorCode.UNIT_CYCLE)
    _validate_unit(locked)
    _check_placement(locked, new_parent)
    if not locked.is_active and "is_active" in fields and before["is_active"]:
        active_children = Unit.objects.filter(parent=locked, is_active=True).exists()
        if active_children:
            raise ValidationFailed(_("Deactivate the sub-units first."), code=OrgErrorCode.UNIT_HAS_CHILDREN)
    locked.version = F("version") + 1
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError as exc:
        message = _("The short code or division code is already used.")
        raise ValidationFailed(message, code=OrgErrorCode.UNIT_DUPLICATE) from exc
    if moving and new_parent is not None:
        old_path = locked.path
        new_path = f"{new_parent.path}{locked.pk}/"
        delta = new_parent.depth + 1 - locked.depth
        Unit.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + delta,
        )
        locked.parent = new_parent
    locked.refresh_from_db()
    changes = audit.diff(before, audit.snapshot(locked, UNIT_FIELDS))
    if changes:
        audit.record(actor=actor, obj=locked, verb="move" if moving else "update", changes=changes)
    return locked


@transaction.atomic
def person_create(
    *,
    actor: Actor,
    unit: Unit,
    name: str,
    title: str,
    is_leader: bool = False,
    phone: str = "",
    note: str = "",
    post: str = "",
) -> Person:
    """Register a person together with their first position (so they are in someone's scope)."""
    require(actor, "unit.manage_people", unit)
    name, title = name.strip(), title.strip()
    if not name:
        raise ValidationFailed(_("A name is required."), details={"name": [_("This field is required.")]})
    if not title:
        raise ValidationFailed(_("A title is required."), details={"title": [_("This field is required.")]})
    person = Person(name=name, phone=phone.strip(), note=note)
    try:
        person.full_clean()
    except ValidationError as exc:
        _raise_validation(exc)
    person.save()
    audit.record(actor=actor, obj=person, verb="create", changes=audit.diff({}, audit.snapshot(person, PERSON_FIELDS)))
    position_create(actor=actor, person=person, unit=unit, title=title, is_leader=is_leader, post=post)
    return person


@transaction.atomic
def person_update(*, actor: Actor, person: Person, **fields: Any) -> Person:
    require(actor, "person.edit", person)
    before = audit.snapshot(person, PERSON_FIELDS)
    for name, value in fields.items():
        if name not in PERSON_FIELDS:
            raise ValidationFailed(_("Unknown field: %(name)s") % {"name": name}, code=OrgErrorCode.UNKNOWN_FIELD)
        setattr(person, name, value.strip() if isinstance(value, str) else value)
    try:
        person.full_clean()
    except ValidationError as exc:
        _raise_validation(exc)
    person.save()
    changes = audit.diff(before, audit.snapshot(person, PERSON_FIELDS))
    if changes:
        audit.record(actor=actor, obj=person, verb="update", changes=changes)
    return person


@transaction.atomic
def position_create(
    *,
    actor: Actor,
    person: Person,
    unit: Unit,
    title: str,
    is_leader: bool = False,
    sort_order: int = 0,
    post: str = "",
) -> Position:
    require(actor, "unit.manage_people", unit)
    title = title.strip()
    if not title:
        raise ValidationFailed(_("A title is required."), details={"title": [_("This field is required.")]})
    if post not in ("", *Post.values):
        raise ValidationFailed(_("Choose a post from the list."), details={"post": [_("Choose a post from the list.")]})
    if Position.objects.filter(person=person, unit=unit, title=title).exists():
        raise ValidationFailed(
            _("%(name)s already holds this position.") % {"name": person.name}, code=OrgErrorCode.DUPLICATE
        )
    position = Position.objects.create(
        person=person, unit=unit, title=title, is_leader=is_leader, sort_order=sort_order, post=post
    )
    audit.record(
        actor=actor,
        obj=person,
        verb="update",
        changes={"positions": {"before": None, "after": f"{unit.name} · {title}", "unit_id": unit.pk}},
    )
    return position


@transaction.atomic
def position_delete(*, actor: Actor, position: Position) -> None:
    require(actor, "position.edit", position)
    label = f"{position.unit.name} · {position.title}"
    person = position.person
    position.delete()
    change = {"before": label, "after": None, "unit_id": position.unit_id}
    audit.record(actor=actor, obj=person, verb="update", changes={"positions": change})


@transaction.atomic
def role_grant(*, actor: Actor, user: User, role: str, unit: Unit) -> RoleGrant:
    require(actor, "unit.grant_role", unit)
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role."), code=OrgErrorCode.UNKNOWN_ROLE)
    if role == Role.DISTRICT_VIEWER and unit.kind != UnitKind.DISTRICT:
        raise ValidationFailed(
            _("The district viewer role is granted at a district."), code=OrgErrorCode.ROLE_PLACEMENT
        )
    grant, created = RoleGrant.objects.get_or_create(user=user, role=role, unit=unit)
    if created:
        audit.record(actor=actor, obj=unit, verb="grant", changes={"role": {"before": None, "after": str(grant)}})
        forget_scope(user)
    return grant


@transaction.atomic
def role_revoke(*, actor: Actor, grant: RoleGrant) -> None:
    require(actor, "role_grant.revoke", grant)
    label, unit, user = str(grant), grant.unit, grant.user
    grant.delete()
    audit.record(actor=actor, obj=unit, verb="revoke", changes={"role": {"before": label, "after": None}})
    forget_scope(user)
