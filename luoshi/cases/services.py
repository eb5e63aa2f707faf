"""Writes for cases. Each public function is one use case in one transaction:
it checks permission (via the workflow table), validates, writes, records the
case timeline and the activity log, and sends notifications with the commit.

Naming follows ``case_<action>``. ``actor`` is a user, or ``None`` for a resident
using the public form or tracking link, or an Open311 client.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from luoshi.cases import rows, sla, standards, workflow
from luoshi.cases.models import (
    Attachment,
    CardLevel,
    Case,
    CaseCoUnit,
    CaseEvent,
    CaseKind,
    Category,
    Channel,
    DailyKind,
    DailyReport,
    ExtensionRequest,
    ExtensionStatus,
    GridBoundary,
    KeyPerson,
    KeyPersonClass,
    KeyPersonVisit,
    MediationOutcome,
    MediationResult,
    MediationSession,
    Open311Key,
    Outcome,
    Rating,
    ReminderSent,
    ReturnVisit,
    RiskLevel,
    Stage,
    Status,
    SupervisionCard,
    TrackingSequence,
    VisitMethod,
)
from luoshi.cases.workflow import Action, Where
from luoshi.core import audit, uploads, versioning, workdays
from luoshi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from luoshi.core.models import ActivityLog
from luoshi.notifications.services import notify
from luoshi.org.models import Person, Role, RoleGrant, Unit, UnitKind
from luoshi.org.permissions import require
from luoshi.org.scope import scope_for

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


def actor_roles(user: Any, case: Case, co_units: Iterable[Unit] | None = None) -> dict[Where, frozenset[str]]:
    """The roles ``user`` holds at each of the case's units (see :class:`workflow.Where`)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    scope = scope_for(user)
    owner = scope.roles_at(case.owner_unit)
    handler = scope.roles_at(case.handling_unit) if case.handling_unit_id and case.handling_unit else frozenset()
    place = scope.roles_at(case.unit)
    if co_units is None:
        co_units = [link.unit for link in case.co_unit_links.select_related("unit")]
    co: frozenset[str] = frozenset()
    for unit in co_units:
        co |= scope.roles_at(unit)
    return {
        Where.OWNER: owner,
        Where.HANDLER: handler,
        Where.PLACE: place,
        Where.CO_UNIT: co,
        Where.ANY: owner | handler | place | co,
    }


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


def _actor_name(actor: Any) -> str:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return str(actor.get_full_name() or actor.get_username())
    return ""


def _user(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _unit_users(unit: Unit | None, roles: Iterable[str]) -> list[Any]:
    if unit is None:
        return []
    grants = RoleGrant.objects.filter(unit=unit, role__in=list(roles), user__is_active=True).select_related("user")
    return [g.user for g in grants]


def _command_users(unit: Unit) -> list[Any]:
    return _unit_users(unit, [Role.SUPERVISOR]) or _unit_users(unit, [Role.LEADER, Role.RESPONSIBLE_LEADER])


def _handler_users(unit: Unit | None) -> list[Any]:
    return _unit_users(unit, [Role.UNIT_STAFF, Role.COMMUNITY_STAFF, Role.GRID_WORKER])


def case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def _notify(recipients: Iterable[Any], kind: str, title: str, case: Case, body: str = "", exclude: Any = None) -> None:
    people = [u for u in recipients if u is not None and (exclude is None or u.pk != getattr(exclude, "pk", None))]
    if people:
        notify(recipients=people, kind=kind, title=title, body=body, url=case_url(case), obj=case)


def _require_text(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(
            _("Please fill in %(what)s.") % {"what": what}, code="required", details={"comment": [what]}
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
    actor: Any,
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
        actor: Any,
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
        self.row = workflow.require(self.case.status, action, self.roles)
        self.action = action
        self.comment = (comment or "").strip()
        if self.row.needs_comment and not self.comment:
            raise ValidationFailed(
                _("Please give a reason or a reply for “%(action)s”.")
                % {"action": workflow.ACTION_BUTTONS.get(action, action)},
                code="comment_required",
                details={"comment": [_("This field is required.")]},
            )
        self.from_status = self.case.status
        self.before = _snapshot(self.case)

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
        _record(
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


# --- Tracking numbers ------------------------------------------------------------------------


def next_tracking_no(code: str, year: int) -> str:
    """The next ``2026-CD-00001``-style number: one atomic UPDATE … RETURNING per case.

    The row lock (PostgreSQL) or the write lock (SQLite) is held until the
    surrounding transaction ends, so two intakes never get the same number.
    """
    table = TrackingSequence._meta.db_table
    sql = f"UPDATE {table} SET last = last + 1 WHERE code = %s AND year = %s RETURNING last"  # noqa: S608
    for _attempt in range(2):
        with connection.cursor() as cursor:
            cursor.execute(sql, [code, year])
            row = cursor.fetchone()
        if row is not None:
            return f"{year}-{code}-{int(row[0]):05d}"
        try:
            with transaction.atomic():
                TrackingSequence.objects.create(code=code, year=year, last=0)
        except IntegrityError:
            pass  # someone else created it first
    raise RuntimeError("could not allocate a tracking number")  # pragma: no cover


# --- Intake ------------------------------------------------------------------------------


def attachment_store(*, actor: Any, upload: Any, case: Case | None = None) -> Attachment:
    """Keep an uploaded file; without ``case`` it waits for the form to be submitted again."""
    content_type = uploads.check_photo_or_pdf(upload, field="photos", decode=False)
    stored: Any = upload
    if content_type in uploads.IMAGE_TYPES:
        # Staff see the evidence copy: re-encoded (nothing hidden after the picture), EXIF location kept.
        image = uploads.check_image(upload, field="photos")
        stored = image.evidence_file(str(upload.name).rsplit(".", 1)[0][:100] or "photo")
        content_type = image.content_type
    attachment = Attachment(
        case=case,
        token=secrets.token_hex(16),
        original_name=str(upload.name)[:200],
        content_type=content_type,
        size=stored.size,
        uploaded_by=_user(actor),
    )
    attachment.file.save(str(stored.name), stored, save=False)
    attachment.save()
    return attachment


def _check_place(actor: Any, unit: Unit, channel: str) -> None:
    if unit.kind not in standards.CASE_PLACE_KINDS or not unit.is_active:
        raise ValidationFailed(
            _("A case happens in a grid, community, village, township or district, not in %(unit)s.")
            % {"unit": unit.name},
            code="bad_place",
            details={"unit": [_("Choose where it happened.")]},
        )
    if _user(actor) is None:
        if channel not in (Channel.WEB, Channel.OPEN311):
            raise Forbidden()
        return
    if not scope_for(actor).roles_at(unit) & INTAKE_ROLES:
        raise NotFound()


def _check_category(category: Category, *, public: bool) -> None:
    if not category.is_active:
        raise ValidationFailed(
            _("This category is no longer used."),
            code="category_inactive",
            details={"category": [_("Choose another category.")]},
        )
    if not standards.is_leaf(category.pk):
        raise ValidationFailed(
            _("Choose a sub-category of %(name)s.") % {"name": category.name},
            code="category_major",
            details={"category": [_("Choose a sub-category.")]},
        )
    if public and not category.is_public:
        raise NotFound(_("This category cannot be reported here."), code="category_not_public")


def _check_coordinates(lat: float | None, lng: float | None) -> None:
    if (lat is None) != (lng is None):
        raise ValidationFailed(_("Give both latitude and longitude, or neither."), code="bad_location")
    if lat is not None and lng is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValidationFailed(_("The location is not a valid latitude and longitude."), code="bad_location")


def case_report(
    *,
    actor: Any,
    channel: str,
    category: Category,
    unit: Unit,
    title: str,
    description: str = "",
    kind: str = CaseKind.REQUEST,
    address: str = "",
    lat: float | None = None,
    lng: float | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_id_no: str = "",
    reporter_email: str = "",
    reporter_ref: str = "",
    is_anonymous: bool = False,
    urgent: bool = False,
    attributes: dict[str, Any] | None = None,
    media_url: str = "",
    api_key: Open311Key | None = None,
    uploads: Sequence[Any] = (),
    attachment_tokens: Sequence[str] = (),
) -> Case:
    """Intake from every channel: the case starts as reported at its township's office.

    Everything that can be checked or computed is done before the transaction opens, so the
    write lock (one writer at a time on SQLite; the sequence row on PostgreSQL) is held only
    for the four inserts and the commit.
    """
    if channel not in Channel.values:
        raise ValidationFailed(_("Unknown channel."), code="bad_channel")
    if kind not in CaseKind.values:
        raise ValidationFailed(_("Unknown kind of case."), code="bad_kind")
    _check_place(actor, unit, channel)
    _check_category(category, public=_user(actor) is None)
    _check_coordinates(lat, lng)
    title = (title or "").strip()
    description = (description or "").strip()
    if not title:
        title = description[:40]
    if not title:
        raise ValidationFailed(
            _("Please describe what happened."),
            code="required",
            details={"description": [_("This field is required.")]},
        )
    if len(description) > 4000:
        raise ValidationFailed(_("The description is longer than 4000 characters."), code="too_long")
    township = standards.township_for(unit)
    now = timezone.now()
    case = Case(
        public_token=secrets.token_urlsafe(12),
        kind=kind,
        channel=channel,
        category=category,
        title=title[:200],
        description=description,
        urgent=urgent,
        unit=unit,
        township=township,
        address=(address or "").strip()[:255],
        lat=lat,
        lng=lng,
        attributes=attributes or {},
        media_url=media_url,
        reporter_name=(reporter_name or "").strip()[:64],
        reporter_phone=(reporter_phone or "").strip()[:32],
        reporter_id_no=(reporter_id_no or "").strip().upper()[:18],
        reporter_email=(reporter_email or "").strip()[:254],
        reporter_ref=(reporter_ref or "")[:100],
        is_anonymous=is_anonymous,
        reported_by=_user(actor),
        api_key=api_key,
        owner_unit=township,
        status=Status.REPORTED,
        reported_at=now,
        updated_at=now,
    )
    _start_stage(case, Stage.ACCEPT, now)
    source = str(Channel(channel).label)
    actor_name = str(_actor_name(actor) or (api_key.name if api_key else _("Resident")))
    user = _user(actor)
    event: dict[str, Any] = {
        "created_at": now,
        "actor_id": user.pk if user is not None else None,
        "actor_name": actor_name,
        "action": "report",
        "from_status": "",
        "to_status": case.status,
        "unit_name": unit.name,
        "comment": source,
        "is_public": True,
        "data": {},
    }
    log: dict[str, Any] = {
        "created_at": now,
        "actor_id": user.pk if user is not None else None,
        "actor_name": _actor_name(actor),
        "verb": "case_report",
        "content_type_id": ContentType.objects.get_for_model(Case).pk,
        "changes": audit.diff({}, _snapshot(case)),
        "comment": source,
    }
    year = sla.local_date(now).year
    # PostgreSQL: the number, the case, its timeline entry and its activity-log entry in one statement
    # (one round trip; on its own it is its own transaction). Attachments take the general path.
    one_statement = connection.vendor == "postgresql" and not uploads and not attachment_tokens
    if one_statement and not urgent and _insert_in_one_statement(case, township.code, year, event, log):
        return case
    with rows.write_turn(), transaction.atomic():
        if not (one_statement and _insert_in_one_statement(case, township.code, year, event, log)):
            # The first case of a township in a year creates its number row here.
            case.tracking_no = next_tracking_no(township.code, year)
            rows.insert(case)
            for upload in uploads:
                attachment_store(actor=actor, upload=upload, case=case)
            if attachment_tokens:
                Attachment.objects.filter(token__in=list(attachment_tokens), case__isnull=True).update(case=case)
            # The same timeline entry and activity log row as ``_record`` writes, as plain INSERTs.
            rows.insert_values(CaseEvent, {**event, "case_id": case.pk})
            rows.insert_values(ActivityLog, {**log, "object_id": str(case.pk), "object_repr": str(case)[:200]})
        if urgent:
            # Ordinary new cases show up in the command unit's inbox and home page; only urgent ones
            # interrupt people with a notification (one per case would drown a busy office).
            _notify(
                _command_users(township),
                "case_new",
                _("Urgent case %(no)s: %(title)s") % {"no": case.tracking_no, "title": case.title},
                case,
                exclude=actor,
            )
    return case


def _insert_in_one_statement(case: Case, code: str, year: int, event: dict[str, Any], log: dict[str, Any]) -> bool:
    """:func:`next_tracking_no`, the case and the rows ``_record`` writes, as one PostgreSQL statement.

    False (nothing written) when the township has no number row for the year yet."""
    return rows.insert_numbered(
        case,
        number_field="tracking_no",
        sequence=TrackingSequence,
        sequence_key={"code": code, "year": year},
        prefix=f"{year}-{code}-",
        digits=5,
        children=[
            (CaseEvent, event, {"case_id": "pk"}),
            (ActivityLog, log, {"object_id": "pk_text", "object_repr": "str"}),
        ],
    )


def similar_window() -> tuple[float, int]:
    meters = float(getattr(settings, "LUOSHI_CASE_DUPLICATE_METERS", 300))
    days = int(getattr(settings, "LUOSHI_CASE_DUPLICATE_DAYS", 30))
    return meters, days


# --- Command unit: accept, decline, refer up, merge, dispatch ------------------------------------


@transaction.atomic
def case_accept(*, actor: Any, case: Case, version: int | None = None, comment: str = "") -> Case:
    step = _Step(actor=actor, case=case, action=Action.ACCEPT, version=version, comment=comment)
    step.case.accepted_at = step.now
    return step.finish(is_public=True)


@transaction.atomic
def case_decline(*, actor: Any, case: Case, comment: str, version: int | None = None) -> Case:
    """不予受理: closed as not accepted, with the reason shown to the resident."""
    step = _Step(actor=actor, case=case, action=Action.DECLINE, version=version, comment=comment)
    c = step.case
    c.outcome = Outcome.DECLINED
    c.outcome_reason = step.comment
    c.public_reply = step.comment
    c.closed_at = step.now
    c.handle_seconds = int((step.now - c.reported_at).total_seconds())
    return step.finish(is_public=True)


@transaction.atomic
def case_refer_up(*, actor: Any, case: Case, comment: str, version: int | None = None) -> Case:
    """上报上级: the case goes to the command unit one level up."""
    step = _Step(actor=actor, case=case, action=Action.REFER_UP, version=version, comment=comment)
    c = step.case
    if c.owner_unit.parent_id is None:
        raise Conflict(_("This unit has no higher level to refer to."), code="no_parent")
    c.owner_unit = Unit.objects.get(pk=c.owner_unit.parent_id)
    c.handling_unit = None
    finished = step.finish(is_public=True, unit_name=c.owner_unit.name)
    _notify(
        _command_users(c.owner_unit),
        "case_referred",
        _("Case %(no)s was referred to you") % {"no": c.tracking_no},
        c,
        body=step.comment,
    )
    return finished


@transaction.atomic
def case_merge(*, actor: Any, case: Case, original: Case, comment: str = "", version: int | None = None) -> Case:
    """Mark ``case`` a duplicate of ``original``; from then on it follows the original."""
    step = _Step(actor=actor, case=case, action=Action.MERGE, version=version, comment=comment)
    c = step.case
    if original.pk == c.pk:
        raise ValidationFailed(_("A case cannot be a duplicate of itself."), code="merge_self")
    original = Case.objects.select_related("owner_unit", "handling_unit", "unit").get(pk=original.pk)
    if original.status == Status.MERGED:
        raise ValidationFailed(
            _("%(no)s is itself a duplicate; name the original case instead.") % {"no": original.tracking_no},
            code="merge_chain",
        )
    if not actor_roles(actor, original).get(Where.ANY):
        raise NotFound()
    c.duplicate_of = original
    Case.objects.filter(duplicate_of=c).update(duplicate_of=original)
    finished = step.finish(
        is_public=True,
        data={"original": original.tracking_no},
        unit_name=original.tracking_no,
    )
    CaseEvent.objects.create(
        case=original,
        actor=_user(actor),
        actor_name=_actor_name(actor),
        action="duplicate_added",
        from_status=original.status,
        to_status=original.status,
        unit_name=c.tracking_no,
        comment=step.comment,
    )
    return finished


def _scoped_unit(actor: Any, unit: Unit, *, within: Unit | None = None) -> Unit:
    scope = scope_for(actor)
    if not scope.covers(unit) or not unit.is_active:
        raise NotFound(_("The unit does not exist or is outside your scope."))
    if within is not None and not unit.is_descendant_of(within):
        raise ValidationFailed(
            _("%(unit)s is not under %(owner)s.") % {"unit": unit.name, "owner": within.name},
            code="unit_outside",
            details={"handling_unit": [_("Choose a unit under the command unit.")]},
        )
    return unit


def _set_co_units(actor: Any, case: Case, units: Iterable[Unit], now: dt.datetime) -> list[Unit]:
    added = []
    existing = set(CaseCoUnit.objects.filter(case=case).values_list("unit_id", flat=True))
    for unit in units:
        _scoped_unit(actor, unit, within=case.owner_unit)
        if unit.pk == case.handling_unit_id or unit.pk in existing:
            continue
        CaseCoUnit.objects.create(case=case, unit=unit, added_at=now)
        existing.add(unit.pk)
        added.append(unit)
    return added


@transaction.atomic
def case_dispatch(
    *,
    actor: Any,
    case: Case,
    handling_unit: Unit | None = None,
    co_units: Sequence[Unit] = (),
    comment: str = "",
    version: int | None = None,
) -> Case:
    """派遣 to a handling unit (default: the category's default handler), optionally with co-units (加派)."""
    step = _Step(actor=actor, case=case, action=Action.DISPATCH, version=version, comment=comment)
    c = step.case
    if handling_unit is None:
        handling_unit = standards.default_handler(c.category, standards.lineage(c.unit))
    if handling_unit is None:
        raise ValidationFailed(
            _("Choose the unit that will handle the case."),
            code="handler_required",
            details={"handling_unit": [_("This field is required.")]},
        )
    c.handling_unit = _scoped_unit(actor, handling_unit, within=c.owner_unit)
    c.dispatched_at = step.now
    added = _set_co_units(actor, c, co_units, step.now)
    finished = step.finish(
        is_public=True,
        unit_name=c.handling_unit.name,
        data={"co_units": [u.name for u in added]} if added else None,
    )
    title = _("Case %(no)s dispatched to you: %(title)s") % {"no": c.tracking_no, "title": c.title}
    _notify(_handler_users(c.handling_unit), "case_dispatched", title, c, body=step.comment, exclude=actor)
    for unit in added:
        _notify(_handler_users(unit), "case_co_unit", title, c, body=step.comment, exclude=actor)
    return finished


@transaction.atomic
def case_reassign(*, actor: Any, case: Case, handling_unit: Unit, comment: str, version: int | None = None) -> Case:
    step = _Step(actor=actor, case=case, action=Action.REASSIGN, version=version, comment=comment)
    c = step.case
    c.handling_unit = _scoped_unit(actor, handling_unit, within=c.owner_unit)
    CaseCoUnit.objects.filter(case=c, unit=handling_unit).delete()
    c.dispatched_at = step.now
    finished = step.finish(is_public=True, unit_name=c.handling_unit.name)
    _notify(
        _handler_users(c.handling_unit),
        "case_dispatched",
        _("Case %(no)s dispatched to you: %(title)s") % {"no": c.tracking_no, "title": c.title},
        c,
        body=step.comment,
        exclude=actor,
    )
    return finished


@transaction.atomic
def case_add_co_units(
    *, actor: Any, case: Case, units: Sequence[Unit], comment: str = "", version: int | None = None
) -> Case:
    step = _Step(actor=actor, case=case, action=Action.ADD_CO_UNIT, version=version, comment=comment)
    if not units:
        raise ValidationFailed(_("Choose at least one unit."), code="units_required")
    added = _set_co_units(actor, step.case, units, step.now)
    finished = step.finish(unit_name="、".join(u.name for u in added), data={"co_units": [u.name for u in added]})
    for unit in added:
        _notify(
            _handler_users(unit),
            "case_co_unit",
            _("Please help with case %(no)s") % {"no": step.case.tracking_no},
            step.case,
            body=step.comment,
        )
    return finished


# --- Handling unit ------------------------------------------------------------------------


@transaction.atomic
def case_return(*, actor: Any, case: Case, comment: str, version: int | None = None) -> Case:
    """退回: the handling unit says the case is not theirs; the command unit dispatches again."""
    step = _Step(actor=actor, case=case, action=Action.RETURN, version=version, comment=comment)
    c = step.case
    unit_name = c.handling_unit.name if c.handling_unit else ""
    c.handling_unit = None
    CaseCoUnit.objects.filter(case=c).delete()
    finished = step.finish(unit_name=unit_name)
    _notify(
        _command_users(c.owner_unit),
        "case_returned",
        _("Case %(no)s was returned by %(unit)s") % {"no": c.tracking_no, "unit": unit_name},
        c,
        body=step.comment,
    )
    return finished


@transaction.atomic
def case_start(*, actor: Any, case: Case, comment: str = "", version: int | None = None) -> Case:
    step = _Step(actor=actor, case=case, action=Action.START, version=version, comment=comment)
    return step.finish(is_public=True, unit_name=step.case.handling_unit.name if step.case.handling_unit else "")


@transaction.atomic
def case_co_reply(*, actor: Any, case: Case, comment: str, version: int | None = None) -> Case:
    step = _Step(actor=actor, case=case, action=Action.CO_REPLY, version=version, comment=comment)
    scope = scope_for(actor)
    links = [
        link for link in CaseCoUnit.objects.filter(case=step.case).select_related("unit") if scope.covers(link.unit)
    ]
    for link in links:
        link.reply = step.comment
        link.replied_at = step.now
        link.save(update_fields=["reply", "replied_at"])
    return step.finish(unit_name="、".join(link.unit.name for link in links))


@transaction.atomic
def case_reply(*, actor: Any, case: Case, comment: str, resolved: bool = True, version: int | None = None) -> Case:
    """反馈: the handling unit replies; the reply is shown to the resident once verified."""
    step = _Step(actor=actor, case=case, action=Action.REPLY, version=version, comment=comment)
    c = step.case
    c.public_reply = step.comment
    c.replied_by = _user(actor)
    c.replied_at = step.now
    finished = step.finish(
        is_public=False, unit_name=c.handling_unit.name if c.handling_unit else "", data={"resolved": resolved}
    )
    recipients = _command_users(c.owner_unit)
    if c.reported_by_id and c.channel == Channel.GRID and c.reported_by is not None:
        recipients.append(c.reported_by)
    _notify(
        recipients,
        "case_replied",
        _("Case %(no)s was replied: please verify") % {"no": c.tracking_no},
        c,
        exclude=actor,
    )
    return finished


@transaction.atomic
def case_request_extension(
    *, actor: Any, case: Case, days: int, comment: str, version: int | None = None
) -> ExtensionRequest:
    step = _Step(actor=actor, case=case, action=Action.REQUEST_EXTENSION, version=version, comment=comment)
    c = step.case
    max_days = int(getattr(settings, "LUOSHI_CASE_MAX_EXTENSION_DAYS", 30))
    if not 1 <= days <= max_days:
        raise ValidationFailed(
            _("Ask for 1 to %(max)d working days.") % {"max": max_days},
            code="bad_days",
            details={"days": [_("Out of range.")]},
        )
    if ExtensionRequest.objects.filter(case=c, status=ExtensionStatus.PENDING).exists():
        raise Conflict(_("An extension request is already waiting for approval."), code="extension_pending")
    request = ExtensionRequest.objects.create(
        case=c, stage=c.stage, days=days, reason=step.comment, requested_by=actor, requested_at=step.now
    )
    step.finish(data={"days": days})
    _notify(
        _command_users(c.owner_unit),
        "case_extension",
        _("Case %(no)s: %(days)d more working days requested") % {"no": c.tracking_no, "days": days},
        c,
        body=step.comment,
    )
    return request


@transaction.atomic
def case_decide_extension(
    *,
    actor: Any,
    case: Case,
    approve: bool,
    days: int | None = None,
    comment: str = "",
    version: int | None = None,
) -> Case:
    step = _Step(actor=actor, case=case, action=Action.DECIDE_EXTENSION, version=version, comment=comment)
    c = step.case
    request = ExtensionRequest.objects.select_for_update().filter(case=c, status=ExtensionStatus.PENDING).first()
    if request is None:
        raise Conflict(_("There is no extension request waiting."), code="no_extension")
    granted = 0
    if approve:
        granted = request.days if days is None else days
        if not 1 <= granted <= request.days:
            raise ValidationFailed(_("Approve between 1 and %(max)d days.") % {"max": request.days}, code="bad_days")
        c.extension_days += granted
        assert c.stage_started_at is not None
        deadline = sla.deadline(c.stage_started_at, c.stage_limit_days, c.extension_days, workdays.calendar())
        c.warn_at, c.due_at = deadline.warn_at, deadline.due_at
        c.sla_notice = 0 if step.now < deadline.warn_at else (1 if step.now < deadline.due_at else 2)
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    request.approved_days = granted
    request.decided_by = actor
    request.decided_at = step.now
    request.opinion = step.comment
    request.save()
    finished = step.finish(data={"approved": approve, "days": granted})
    _notify(
        [request.requested_by],
        "case_extension_decided",
        (_("Extension approved for case %(no)s") if approve else _("Extension refused for case %(no)s"))
        % {"no": c.tracking_no},
        c,
        body=step.comment,
    )
    return finished


# --- Verification, closing, rating --------------------------------------------------------


@transaction.atomic
def case_verify(*, actor: Any, case: Case, comment: str = "", version: int | None = None) -> Case:
    """核查: someone other than the person who replied confirms the result; the case closes."""
    step = _Step(actor=actor, case=case, action=Action.VERIFY, version=version, comment=comment)
    c = step.case
    if c.replied_by_id is not None and c.replied_by_id == getattr(actor, "pk", None):
        raise Forbidden(_("The person who replied cannot verify their own work."), code="verify_self")
    c.outcome = Outcome.RESOLVED
    c.closed_at = step.now
    c.handle_seconds = int((step.now - c.reported_at).total_seconds())
    finished = step.finish(is_public=True, data={"reply": c.public_reply})
    _close_duplicates(actor, c, step.now)
    recipients = _handler_users(c.handling_unit)
    if c.reported_by is not None:
        recipients.append(c.reported_by)
    _notify(
        recipients, "case_closed", _("Case %(no)s was verified and closed") % {"no": c.tracking_no}, c, exclude=actor
    )
    return finished


def _close_duplicates(actor: Any, original: Case, now: dt.datetime) -> None:
    """Duplicates follow the original: record the closing on their timelines too."""
    events = [
        CaseEvent(
            case_id=pk,
            created_at=now,
            actor=_user(actor),
            actor_name=_actor_name(actor),
            action="follow_original",
            from_status=Status.MERGED,
            to_status=Status.MERGED,
            unit_name=original.tracking_no,
            is_public=True,
        )
        for pk in Case.objects.filter(duplicate_of=original).values_list("pk", flat=True)
    ]
    CaseEvent.objects.bulk_create(events)


@transaction.atomic
def case_send_back(*, actor: Any, case: Case, comment: str, version: int | None = None) -> Case:
    """回退: the result is not good enough; the handling unit works on it again with a fresh clock."""
    step = _Step(actor=actor, case=case, action=Action.SEND_BACK, version=version, comment=comment)
    c = step.case
    finished = step.finish(unit_name=c.handling_unit.name if c.handling_unit else "")
    _notify(
        _handler_users(c.handling_unit),
        "case_sent_back",
        _("Case %(no)s was sent back for rework") % {"no": c.tracking_no},
        c,
        body=step.comment,
    )
    return finished


@transaction.atomic
def case_close_unresolved(*, actor: Any, case: Case, comment: str, version: int | None = None) -> Case:
    """Closed but not resolved, with the honest reason shown to the resident."""
    step = _Step(actor=actor, case=case, action=Action.CLOSE_UNRESOLVED, version=version, comment=comment)
    c = step.case
    c.outcome = Outcome.UNRESOLVED
    c.outcome_reason = step.comment
    if not c.public_reply:
        c.public_reply = step.comment
    c.closed_at = step.now
    c.handle_seconds = int((step.now - c.reported_at).total_seconds())
    finished = step.finish(is_public=True)
    _close_duplicates(actor, c, step.now)
    return finished


@transaction.atomic
def case_rate(
    *,
    actor: Any,
    case: Case,
    rating: str,
    comment: str = "",
    token: str | None = None,
    version: int | None = None,
) -> Case:
    """评价: the resident (with the tracking link's token) or staff on their behalf rates the result."""
    if rating not in (Rating.SATISFIED, Rating.BASIC, Rating.UNSATISFIED):
        raise ValidationFailed(
            _("Choose satisfied, basically satisfied or unsatisfied."),
            code="bad_rating",
            details={"rating": [_("This field is required.")]},
        )
    roles: dict[Where, frozenset[str]] | None = None
    if _user(actor) is None:
        if not token or not secrets.compare_digest(token, case.public_token):
            raise NotFound()
        roles = {Where.PUBLIC: frozenset({workflow.RESIDENT})}
    step = _Step(actor=actor, case=case, action=Action.RATE, version=version, comment=comment, roles=roles)
    c = step.case
    c.rating = rating
    c.rating_comment = step.comment
    c.rated_at = step.now
    if rating == Rating.UNSATISFIED:
        c.needs_return_visit = True
    finished = step.finish(
        is_public=True,
        data={"rating": rating},
        actor_name="" if _user(actor) else str(_("Resident")),
    )
    if rating == Rating.UNSATISFIED:
        _notify(
            _command_users(c.owner_unit),
            "case_unsatisfied",
            _("Resident unsatisfied with case %(no)s: return visit needed") % {"no": c.tracking_no},
            c,
            body=step.comment,
        )
        if getattr(settings, "LUOSHI_CASE_UNSATISFIED_REOPENS", False):
            return _reopen_locked(actor=None, case=finished, comment=_("Reopened after an unsatisfied rating."))
    return finished


def _reopen_locked(*, actor: Any, case: Case, comment: str) -> Case:
    step = _Step(
        actor=actor,
        case=case,
        action=Action.REOPEN,
        version=None,
        comment=comment,
        roles={Where.OWNER: workflow.COMMAND},
    )
    return _do_reopen(step)


def _do_reopen(step: _Step) -> Case:
    c = step.case
    c.outcome = Outcome.NONE
    c.outcome_reason = ""
    c.closed_at = None
    c.handle_seconds = None
    c.rating = Rating.NONE
    c.rated_at = None
    return step.finish(is_public=True)


@transaction.atomic
def case_reopen(*, actor: Any, case: Case, comment: str, version: int | None = None) -> Case:
    step = _Step(actor=actor, case=case, action=Action.REOPEN, version=version, comment=comment)
    return _do_reopen(step)


@transaction.atomic
def case_return_visit(
    *, actor: Any, case: Case, comment: str, method: str = "phone", rating: str = "", version: int | None = None
) -> ReturnVisit:
    """回访: staff call or visit the resident after closing."""
    step = _Step(actor=actor, case=case, action=Action.RETURN_VISIT, version=version, comment=comment)
    c = step.case
    if rating and rating not in Rating.values:
        raise ValidationFailed(_("Unknown rating."), code="bad_rating")
    visit = ReturnVisit.objects.create(
        case=c, method=method, rating=rating, notes=step.comment, visited_by=actor, visited_at=step.now
    )
    c.needs_return_visit = False
    step.finish(data={"method": method, "rating": rating})
    return visit


# --- Supervision, notes, mediation -------------------------------------------------------------


@transaction.atomic
def case_supervise(
    *, actor: Any, case: Case, level: str, comment: str = "", version: int | None = None
) -> SupervisionCard:
    """督办: a card against the handling unit (or the command unit before dispatch), with points."""
    if level not in CardLevel.values:
        raise ValidationFailed(_("Choose normal, yellow or red."), code="bad_level")
    step = _Step(actor=actor, case=case, action=Action.SUPERVISE, version=version, comment=comment)
    c = step.case
    unit = c.handling_unit or c.owner_unit
    card = SupervisionCard.objects.create(
        case=c,
        level=level,
        unit=unit,
        points=card_points().get(level, 0),
        comment=step.comment,
        issued_by=actor,
        issued_at=step.now,
    )
    c.urgent = c.urgent or level != CardLevel.NORMAL
    step.finish(unit_name=unit.name, data={"level": level, "points": card.points})
    recipients = _handler_users(unit) if c.handling_unit else _command_users(unit)
    _notify(
        recipients,
        "case_card",
        _("%(card)s on case %(no)s") % {"card": CardLevel(level).label, "no": c.tracking_no},
        c,
        body=step.comment,
    )
    return card


@transaction.atomic
def case_note(*, actor: Any, case: Case, comment: str) -> Case:
    step = _Step(actor=actor, case=case, action=Action.NOTE, version=None, comment=comment)
    return step.finish()


@transaction.atomic
def case_mediate(
    *,
    actor: Any,
    case: Case,
    held_on: dt.date,
    mediators: str,
    parties: str,
    outcome: str,
    place: str = "",
    agreement: str = "",
    notes: str = "",
    version: int | None = None,
) -> MediationSession:
    """调解: record one mediation session on a dispute case and update its mediation result."""
    step = _Step(actor=actor, case=case, action=Action.MEDIATE, version=version, comment=notes)
    c = step.case
    if not c.category.is_dispute and not (c.category.parent_id and c.category.parent and c.category.parent.is_dispute):
        raise ValidationFailed(_("Mediation is recorded on dispute cases only."), code="not_dispute")
    if outcome not in MediationOutcome.values:
        raise ValidationFailed(
            _("Choose the outcome of the session."),
            code="bad_outcome",
            details={"outcome": [_("This field is required.")]},
        )
    mediators = _require_text(mediators, str(_("the mediators")))
    parties = _require_text(parties, str(_("the parties")))
    if outcome == MediationOutcome.AGREED and not agreement.strip():
        raise ValidationFailed(
            _("Write down the agreement that was reached."),
            code="agreement_required",
            details={"agreement": [_("This field is required.")]},
        )
    if held_on > sla.local_date(step.now):
        raise ValidationFailed(_("The session date is in the future."), code="future_date")
    session = MediationSession.objects.create(
        case=c,
        held_on=held_on,
        place=place.strip(),
        mediators=mediators,
        parties=parties,
        outcome=outcome,
        agreement=agreement.strip(),
        notes=notes.strip(),
        recorded_by=actor,
        recorded_at=step.now,
    )
    c.mediation_result = {
        MediationOutcome.AGREED: MediationResult.AGREED,
        MediationOutcome.FAILED: MediationResult.FAILED,
    }.get(MediationOutcome(outcome), MediationResult.ONGOING)
    step.finish(data={"outcome": outcome, "held_on": held_on.isoformat()})
    return session


# --- Scheduled sweeps ------------------------------------------------------------------------


def sla_sweep(*, now: dt.datetime | None = None, batch: int = 500) -> dict[str, int]:
    """Notify about stages that turned yellow or red since the last run; idempotent.

    Each case is notified once per colour per stage (``sla_notice``). Runs in
    batches so one run stays short however large the backlog.
    """
    now = now or timezone.now()
    counts = {"yellow": 0, "red": 0}
    for level, colour, flt in (
        (2, "red", {"due_at__lte": now, "sla_notice__in": [0, 1]}),
        (1, "yellow", {"warn_at__lte": now, "due_at__gt": now, "sla_notice": 0}),
    ):
        # Only open cases have a due time; (sla_notice, due_at) is indexed.
        ids = list(Case.objects.filter(**flt).order_by("due_at").values_list("pk", flat=True)[:batch])
        for pk in ids:
            with transaction.atomic():
                case = _lock(Case(pk=pk))
                if case.status not in workflow.OPEN or case.sla_notice >= level:
                    continue
                case.sla_notice = level
                if level == 2:
                    case.was_overdue = True
                case.save(update_fields=["sla_notice", "was_overdue"])
                CaseEvent.objects.create(
                    case=case, created_at=now, action=f"sla_{colour}", from_status=case.status, to_status=case.status
                )
                if case.stage == Stage.HANDLE:
                    recipients = _handler_users(case.handling_unit)
                else:
                    recipients = _command_users(case.owner_unit)
                if level == 2:
                    title = _("Case %(no)s is overdue") % {"no": case.tracking_no}
                else:
                    title = _("Case %(no)s: 70%% of the time limit is used") % {"no": case.tracking_no}
                _notify(recipients, f"case_sla_{colour}", title, case)
                counts[colour] += 1
    return counts


# --- One entry point for pages and the API ------------------------------------------------------


def _int(value: Any, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(
            _("Please enter a whole number."), code="invalid", details={field: [_("Please enter a whole number.")]}
        ) from None


def _unit_param(actor: Any, value: Any, field: str) -> Unit:
    if isinstance(value, Unit):
        return value
    try:
        unit = Unit.objects.get(pk=int(value))
    except (Unit.DoesNotExist, TypeError, ValueError):
        raise ValidationFailed(
            _("Choose a unit."), code="unit_required", details={field: [_("This field is required.")]}
        ) from None
    return unit


def _original_param(actor: Any, value: Any) -> Case:
    if isinstance(value, Case):
        return value
    text = str(value or "").strip()
    if not text:
        raise ValidationFailed(
            _("Name the original case (its tracking number)."),
            code="original_required",
            details={"original": [_("This field is required.")]},
        )
    scope = scope_for(actor)
    lookup = Case.objects.select_related("owner_unit", "handling_unit", "unit")
    found = lookup.filter(tracking_no=text.upper()).first() or (
        lookup.filter(pk=int(text)).first() if text.isdigit() else None
    )
    if found is None or (not scope.covers(found.unit) and not scope.covers(found.owner_unit)):
        raise ValidationFailed(
            _("No case %(no)s in your scope.") % {"no": text}, code="original_unknown", details={"original": [text]}
        )
    return found


def case_act(*, actor: Any, case: Case, action: str, version: int | None = None, **params: Any) -> Any:
    """Run workflow ``action`` with its parameters (as sent by a page or the API)."""
    comment = str(params.get("comment") or "")
    common: dict[str, Any] = {"actor": actor, "case": case, "version": version}
    if action == Action.ACCEPT:
        return case_accept(**common, comment=comment)
    if action == Action.DECLINE:
        return case_decline(**common, comment=comment)
    if action == Action.REFER_UP:
        return case_refer_up(**common, comment=comment)
    if action == Action.MERGE:
        return case_merge(**common, original=_original_param(actor, params.get("original")), comment=comment)
    if action == Action.DISPATCH:
        unit = params.get("handling_unit")
        co = [_unit_param(actor, u, "co_units") for u in params.get("co_units") or []]
        return case_dispatch(
            **common,
            handling_unit=_unit_param(actor, unit, "handling_unit") if unit else None,
            co_units=co,
            comment=comment,
        )
    if action == Action.REASSIGN:
        return case_reassign(
            **common, handling_unit=_unit_param(actor, params.get("handling_unit"), "handling_unit"), comment=comment
        )
    if action == Action.ADD_CO_UNIT:
        units = [_unit_param(actor, u, "co_units") for u in params.get("co_units") or []]
        return case_add_co_units(**common, units=units, comment=comment)
    if action == Action.RETURN:
        return case_return(**common, comment=comment)
    if action == Action.START:
        return case_start(**common, comment=comment)
    if action == Action.CO_REPLY:
        return case_co_reply(**common, comment=comment)
    if action == Action.REQUEST_EXTENSION:
        return case_request_extension(**common, days=_int(params.get("days"), "days"), comment=comment)
    if action == Action.DECIDE_EXTENSION:
        days = params.get("days")
        return case_decide_extension(
            **common,
            approve=bool(params.get("approve")),
            days=_int(days, "days") if days not in (None, "") else None,
            comment=comment,
        )
    if action == Action.REPLY:
        return case_reply(**common, comment=comment, resolved=params.get("resolved", True) is not False)
    if action == Action.VERIFY:
        return case_verify(**common, comment=comment)
    if action == Action.SEND_BACK:
        return case_send_back(**common, comment=comment)
    if action == Action.CLOSE_UNRESOLVED:
        return case_close_unresolved(**common, comment=comment)
    if action == Action.RATE:
        return case_rate(**common, rating=str(params.get("rating") or ""), comment=comment)
    if action == Action.REOPEN:
        return case_reopen(**common, comment=comment)
    if action == Action.RETURN_VISIT:
        return case_return_visit(
            **common,
            comment=comment,
            method=str(params.get("method") or "phone"),
            rating=str(params.get("rating") or ""),
        )
    if action == Action.SUPERVISE:
        return case_supervise(**common, level=str(params.get("level") or ""), comment=comment)
    if action == Action.MEDIATE:
        held_on = params.get("held_on")
        if isinstance(held_on, str):
            try:
                held_on = dt.date.fromisoformat(held_on)
            except ValueError:
                held_on = None
        if not isinstance(held_on, dt.date):
            raise ValidationFailed(
                _("Enter the date of the session."), code="invalid", details={"held_on": [_("Enter a valid date.")]}
            )
        return case_mediate(
            **common,
            held_on=held_on,
            mediators=str(params.get("mediators") or ""),
            parties=str(params.get("parties") or ""),
            outcome=str(params.get("outcome") or ""),
            place=str(params.get("place") or ""),
            agreement=str(params.get("agreement") or ""),
            notes=comment,
        )
    if action == Action.NOTE:
        return case_note(actor=actor, case=case, comment=comment)
    workflow.require(case.status, action, {})  # raises the right error for unknown actions
    raise ValidationFailed(_("Unknown action: %(action)s") % {"action": action}, code="unknown_action")


# --- Key persons (restricted registry) ---------------------------------------------------------

KEYPERSON_FIELDS = ("name", "id_no", "phone", "address", "unit", "classification", "risk_level", "cadre", "is_active")


def _validate_key_person(kp: KeyPerson) -> None:
    if not kp.name.strip():
        raise ValidationFailed(
            _("Please fill in the name."), code="required", details={"name": [_("This field is required.")]}
        )
    if kp.classification not in KeyPersonClass.values:
        raise ValidationFailed(_("Choose a classification."), code="invalid", details={"classification": ["?"]})
    if kp.risk_level not in RiskLevel.values:
        raise ValidationFailed(_("Choose a risk level."), code="invalid", details={"risk_level": ["?"]})
    if kp.id_no and not (
        len(kp.id_no) == 18 and kp.id_no[:17].isdigit() and (kp.id_no[17].isdigit() or kp.id_no[17] == "X")
    ):
        raise ValidationFailed(
            _("An ID number has 18 characters: 17 digits and a digit or X."),
            code="invalid_id_no",
            details={"id_no": [_("An ID number has 18 characters: 17 digits and a digit or X.")]},
        )


@transaction.atomic
def keyperson_create(
    *,
    actor: Any,
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
def keyperson_update(*, actor: Any, key_person: KeyPerson, version: int | None = None, **fields: Any) -> KeyPerson:
    kp = versioning.lock(KeyPerson.objects.select_related("unit", "cadre"), key_person.pk)
    require(actor, "keyperson.edit", kp)
    versioning.check_version(
        kp, version, message=_("Someone else changed this record in the meantime. Reload and try again.")
    )
    before = audit.snapshot(kp, KEYPERSON_FIELDS)
    for name, value in fields.items():
        if name not in (*KEYPERSON_FIELDS, "background"):
            raise ValidationFailed(_("Unknown field: %(name)s") % {"name": name}, code="unknown_field")
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


def _is_cadre(actor: Any, kp: KeyPerson) -> bool:
    return kp.cadre_id is not None and kp.cadre is not None and kp.cadre.user_id == getattr(actor, "pk", None)


@transaction.atomic
def keyperson_visit(
    *,
    actor: Any,
    key_person: KeyPerson,
    visited_on: dt.date,
    content: str,
    method: str = "visit",
    risk_level: str = "",
    next_step: str = "",
) -> KeyPersonVisit:
    """A visit or follow-up by the responsible cadre or the community."""
    kp = KeyPerson.objects.select_for_update().select_related("unit", "cadre").get(pk=key_person.pk)
    if not _is_cadre(actor, kp):
        require(actor, "keyperson.edit", kp)
    content = _require_text(content, str(_("what was found")))
    if visited_on > sla.local_date(timezone.now()):
        raise ValidationFailed(
            _("The visit date is in the future."),
            code="future_date",
            details={"visited_on": [_("The visit date is in the future.")]},
        )
    if risk_level and risk_level not in RiskLevel.values:
        raise ValidationFailed(_("Choose a risk level."), code="invalid")
    visit = KeyPersonVisit.objects.create(
        key_person=kp,
        visited_on=visited_on,
        method=method if method in VisitMethod.values else VisitMethod.OTHER,
        content=content,
        risk_level=risk_level,
        next_step=next_step.strip(),
        visited_by=actor,
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
def keyperson_link_case(*, actor: Any, key_person: KeyPerson, case: Case) -> KeyPerson:
    kp = KeyPerson.objects.select_for_update().select_related("unit").get(pk=key_person.pk)
    require(actor, "keyperson.edit", kp)
    kp.cases.add(case)
    audit.record(actor=actor, obj=kp, verb="keyperson_link", comment=case.tracking_no)
    return kp


def keyperson_open(*, actor: Any, pk: int | str) -> KeyPerson:
    """Read one key person and log the view (every view of the registry is recorded)."""
    from luoshi.cases.selectors import access_key_person

    kp = access_key_person(actor, pk)
    audit.record(actor=actor, obj=kp, verb="view")
    return kp


# --- Daily reports (一日一排查 · 一日一研判 · 一日一报告) ----------------------------------------------


def cadre_person(actor: Any) -> Person | None:
    """The actor's person if they are the responsible cadre of someone under watch."""
    return Person.objects.filter(user=actor, key_persons__is_active=True).distinct().first() if actor else None


@transaction.atomic
def daily_report_file(
    *,
    actor: Any,
    kind: str,
    unit: Unit,
    summary: str = "",
    nothing_to_report: bool = False,
    issues_found: int = 0,
    report_date: dt.date | None = None,
) -> DailyReport:
    """File (or correct) today's report; one per unit (or cadre) and day."""
    today = sla.local_date(timezone.now())
    report_date = report_date or today
    if report_date > today or report_date < today - dt.timedelta(days=7):
        raise ValidationFailed(_("Reports can be filed for today and the last seven days."), code="bad_date")
    person = None
    if kind == DailyKind.SCREENING:
        if unit.kind not in standards.PLACE_KINDS:
            raise ValidationFailed(_("Daily screening is filed by communities and villages."), code="bad_unit")
        require(actor, "daily.screening", unit)
    elif kind == DailyKind.ASSESSMENT:
        if unit.kind not in standards.TOWNSHIP_KINDS:
            raise ValidationFailed(_("The daily assessment is filed by townships and subdistricts."), code="bad_unit")
        require(actor, "daily.assessment", unit)
    elif kind == DailyKind.CADRE:
        person = cadre_person(actor)
        if person is None:
            raise Forbidden(_("Only responsible cadres of persons under watch file this report."))
    else:
        raise ValidationFailed(_("Unknown report."), code="bad_kind")
    summary = (summary or "").strip()
    if not nothing_to_report and not summary:
        raise ValidationFailed(
            _("Write a summary, or tick “nothing unusual today”."),
            code="required",
            details={"summary": [_("This field is required.")]},
        )
    lookup: dict[str, Any] = {"kind": kind, "report_date": report_date}
    if person is not None:
        lookup["person"] = person
    else:
        lookup.update(unit=unit, person__isnull=True)
    report = DailyReport.objects.select_for_update().filter(**lookup).first()
    verb = "update" if report else "create"
    if report is None:
        report = DailyReport(kind=kind, unit=unit, person=person, report_date=report_date, filed_by=actor)
    report.summary = summary
    report.nothing_to_report = nothing_to_report
    report.issues_found = max(0, int(issues_found or 0))
    report.filed_by = actor
    report.filed_at = timezone.now()
    report.save()
    audit.record(actor=actor, obj=report, verb=verb, comment=summary[:200])
    return report


def daily_report_reminders(*, now: dt.datetime | None = None) -> dict[str, int]:
    """After the reminder hour on a working day, remind whoever has not reported today; once a day."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    hour = int(getattr(settings, "LUOSHI_DAILY_REPORT_REMIND_HOUR", 16))
    today = local.date()
    if local.hour < hour or not workdays.is_working_day(today):
        return {"screening": 0, "assessment": 0, "cadre": 0}
    from luoshi.cases.selectors import missing_daily_reports

    counts = {"screening": 0, "assessment": 0, "cadre": 0}
    for kind, key, recipients, label in missing_daily_reports(today):
        try:
            with transaction.atomic():
                ReminderSent.objects.create(kind=kind, key=key, day=today)
                if recipients:
                    notify(
                        recipients=recipients,
                        kind="daily_report_missing",
                        title=_("%(report)s for %(who)s has not been filed today")
                        % {"report": DailyKind(kind).label, "who": label},
                        url=reverse("cases:daily"),
                    )
        except IntegrityError:
            continue
        counts[kind] += 1
    return counts


# --- Grid boundaries --------------------------------------------------------------------------------


@transaction.atomic
def grid_boundaries_import(*, actor: Any, data: Any) -> int:
    """Import grid boundaries from a GeoJSON FeatureCollection; all or nothing, every bad feature reported.

    Each feature names its grid by ``properties.code`` (the unit's short code).
    """
    from luoshi.cases import geo

    features = data.get("features") if isinstance(data, dict) and data.get("type") == "FeatureCollection" else None
    if not isinstance(features, list) or not features:
        raise ValidationFailed(_("Upload a GeoJSON FeatureCollection with one feature per grid."), code="geojson")
    codes = [str((f.get("properties") or {}).get("code", "")).strip().upper() for f in features if isinstance(f, dict)]
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    errors: dict[str, list[str]] = {}
    rows: list[tuple[Unit, dict[str, Any]]] = []
    for number, feature in enumerate(features, start=1):
        label = f"#{number}"
        try:
            if not isinstance(feature, dict):
                raise ValidationFailed(_("Not a GeoJSON feature."))
            code = str((feature.get("properties") or {}).get("code", "")).strip().upper()
            label = f"#{number} {code}"
            unit = units.get(code)
            if unit is None or unit.kind != UnitKind.GRID:
                raise ValidationFailed(_("No grid has the code %(code)s.") % {"code": code or "—"})
            require(actor, "case.grid_import", unit)
            rows.append((unit, geo.validate_geometry(feature.get("geometry"))))
        except (ValidationFailed, NotFound, Forbidden) as exc:
            errors[label] = [str(exc.message)]
    if errors:
        raise ValidationFailed(
            _("%(n)d of %(total)d features could not be imported; nothing was changed.")
            % {"n": len(errors), "total": len(features)},
            code="geojson_rows",
            details=errors,
        )
    now = timezone.now()
    for unit, geometry in rows:
        min_lat, max_lat, min_lng, max_lng = geo.bbox(geometry)
        GridBoundary.objects.update_or_create(
            unit=unit,
            defaults={
                "geometry": geometry,
                "min_lat": min_lat,
                "max_lat": max_lat,
                "min_lng": min_lng,
                "max_lng": max_lng,
                "updated_at": now,
            },
        )
        audit.record(actor=actor, obj=unit, verb="grid_boundary", comment=_("Grid boundary imported"))
    return len(rows)
