"""Intake: tracking numbers, attachments, and filing a case from any channel."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.accounts.types import Actor
from luoshi.cases import rows, sla, standards
from luoshi.cases.error_codes import CaseErrorCode
from luoshi.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseKind,
    Category,
    Channel,
    Open311Key,
    Stage,
    Status,
    TrackingSequence,
)
from luoshi.cases.permissions import may_report, read_only_message
from luoshi.cases.services._common import (
    INTAKE_ROLES,
    _actor_name,
    _command_users,
    _notify,
    _snapshot,
    _start_stage,
    _user,
)
from luoshi.core import audit, uploads
from luoshi.core.errors import Forbidden, NotFound, ValidationFailed
from luoshi.core.models import ActivityLog
from luoshi.org.models import Unit
from luoshi.org.scope import scope_for

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


def attachment_store(
    *,
    actor: Actor | None,
    upload: Any,
    case: Case | None = None,
    event: CaseEvent | None = None,
    phase: str = "",
    field: str = "photos",
) -> Attachment:
    """Keep an uploaded photo or PDF (checked by :mod:`luoshi.core.uploads`); without ``case`` it
    waits for the form to be submitted again, or for the step the API names it in."""
    content_type = uploads.check_photo_or_pdf(upload, field=field, decode=False)
    stored: Any = upload
    if content_type in uploads.IMAGE_TYPES:
        # Staff see the evidence copy: re-encoded (nothing hidden after the picture), EXIF location kept.
        image = uploads.check_image(upload, field=field)
        stored = image.evidence_file(str(upload.name).rsplit(".", 1)[0][:100] or "photo")
        content_type = image.content_type
    attachment = Attachment(
        case=case,
        event=event,
        phase=phase,
        token=secrets.token_hex(16),
        original_name=str(upload.name)[:200],
        content_type=content_type,
        size=stored.size,
        uploaded_by=_user(actor),
    )
    attachment.file.save(str(stored.name), stored, save=False)
    attachment.save()
    return attachment


def _check_place(actor: Actor | None, unit: Unit, channel: str) -> None:
    if unit.kind not in standards.CASE_PLACE_KINDS or not unit.is_active:
        raise ValidationFailed(
            _("A case happens in a grid, community, village, township or district, not in %(unit)s.")
            % {"unit": unit.name},
            code=CaseErrorCode.BAD_PLACE,
            details={"unit": [_("Choose where it happened.")]},
        )
    user = _user(actor)
    if user is None:
        if channel not in (Channel.WEB, Channel.OPEN311):
            raise Forbidden()
        return
    scope = scope_for(user)
    if not scope.roles_at(unit) & INTAKE_ROLES:
        # Issue 15, finding 8: a place the actor sees but may not report at (the read-only district
        # viewer) is a 403, as everywhere; only a place outside their scope is "not found".
        if not scope.covers(unit):
            raise NotFound()
        if not may_report(user):
            raise Forbidden(read_only_message(), code=CaseErrorCode.READ_ONLY)
        raise Forbidden(
            _("Not allowed (无权操作): you may not report cases at %(unit)s.") % {"unit": unit.name},
            code=CaseErrorCode.FORBIDDEN_PLACE,
        )


def _check_category(category: Category, *, public: bool) -> None:
    if not category.is_active:
        raise ValidationFailed(
            _("This category is no longer used."),
            code=CaseErrorCode.CATEGORY_INACTIVE,
            details={"category": [_("Choose another category.")]},
        )
    if not standards.is_leaf(category.pk):
        raise ValidationFailed(
            _("Choose a sub-category of %(name)s.") % {"name": category.name},
            code=CaseErrorCode.CATEGORY_MAJOR,
            details={"category": [_("Choose a sub-category.")]},
        )
    if public and not category.is_public:
        raise NotFound(_("This category cannot be reported here."), code=CaseErrorCode.CATEGORY_NOT_PUBLIC)


def _check_coordinates(lat: float | None, lng: float | None) -> None:
    if (lat is None) != (lng is None):
        raise ValidationFailed(_("Give both latitude and longitude, or neither."), code=CaseErrorCode.BAD_LOCATION)
    if lat is not None and lng is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValidationFailed(
            _("The location is not a valid latitude and longitude."), code=CaseErrorCode.BAD_LOCATION
        )


def case_report(
    *,
    actor: Actor | None,
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
        raise ValidationFailed(_("Unknown channel."), code=CaseErrorCode.BAD_CHANNEL)
    if kind not in CaseKind.values:
        raise ValidationFailed(_("Unknown kind of case."), code=CaseErrorCode.BAD_KIND)
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
            code=CaseErrorCode.REQUIRED,
            details={"description": [_("This field is required.")]},
        )
    if len(description) > 4000:
        raise ValidationFailed(_("The description is longer than 4000 characters."), code=CaseErrorCode.TOO_LONG)
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
                Attachment.objects.filter(
                    token__in=list(attachment_tokens), case__isnull=True, patrol__isnull=True
                ).update(case=case)
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
