"""Patrols and household visits (日常巡查 · 入户走访): recording one, its photos, and the cases
reported from it.

A record is written once (append-only, like the activity log it adds to): what a grid worker
saw on a given day does not change afterwards; a case reported later from it is linked, and
that link is logged too. The bounds (docs/cases.md, docs/limits.md):

- the grid is a grid (网格) where the recorder holds a recording role (grid worker or community
  staff); a read-only role that can see the grid is refused with 403, anyone else gets 404;
- the date is not in the future and at most :data:`BACKFILL_DAYS` days back (a worker who
  could not record on the day catches up within the week); on today's date the start time
  is not in the future; the end time, if given, is not before the start;
- places or households at most :data:`PLACES_MAX` characters, findings at most
  :data:`FINDINGS_MAX`; at most :data:`~luoshi.core.uploads.MAX_FILES_PER_STEP` photos or PDFs,
  checked by :mod:`luoshi.core.uploads` like every other case photo;
- a location, if given, is both coordinates and lies inside the grid's boundary (when the grid
  has one);
- a key person visited must be one the recorder may see in the registry, registered in the grid
  or its community.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.accounts.types import Actor, signed_in
from luoshi.cases import geo, sla
from luoshi.cases.error_codes import CaseErrorCode
from luoshi.cases.models import (
    Attachment,
    Case,
    CaseKind,
    Category,
    Channel,
    GridBoundary,
    KeyPerson,
    Patrol,
    PatrolKind,
    PatrolOutcome,
)
from luoshi.cases.services.evidence import check_evidence
from luoshi.cases.services.intake import attachment_store, case_report
from luoshi.core import audit, bounds, uploads
from luoshi.core.errors import ErrorCode, Forbidden, NotFound, ValidationFailed
from luoshi.org.models import Unit, UnitKind
from luoshi.org.permissions import can

#: How many days back a patrol may still be recorded (today counts as day 0).
BACKFILL_DAYS = 7
PLACES_MAX = 500
FINDINGS_MAX = 4000
#: Most existing cases one record may name as reported from it.
MAX_LINKED_CASES = 10

audit.register_verbs(
    {
        "patrol_record": gettext_lazy("recorded a patrol or visit"),
        "patrol_link": gettext_lazy("linked a case to a patrol or visit"),
    }
)


def _refuse(field: str, message: str, code: CaseErrorCode | ErrorCode) -> ValidationFailed:
    return ValidationFailed(message, code=code, details={field: [message]})


def read_only_message() -> str:
    """What a role that may read records but not make them (the district viewer, a leader) is told."""
    return _("Not allowed (无权操作): your role can look at patrol records but not record them.")


def check_grid(actor: Actor, grid: Unit) -> None:
    """A grid where ``actor`` records (403 for a role that only reads there, 404 outside the scope)."""
    if can(actor, "patrol.record", grid):
        if grid.kind != UnitKind.GRID or not grid.is_active:
            raise _refuse("grid", _("Choose a grid."), CaseErrorCode.PATROL_NOT_A_GRID)
        return
    if can(actor, "patrol.view", grid):
        raise Forbidden(read_only_message(), code=CaseErrorCode.READ_ONLY)
    raise NotFound()


def check_when(patrol_date: dt.date, started_at: dt.time, ended_at: dt.time | None, *, now: dt.datetime) -> None:
    today = sla.local_date(now)
    if patrol_date > today:
        raise _refuse("patrol_date", _("The date is in the future."), CaseErrorCode.PATROL_DATE_FUTURE)
    if patrol_date < today - dt.timedelta(days=BACKFILL_DAYS):
        message = _("A patrol can be recorded up to %(days)d days later; this date is too far back.") % {
            "days": BACKFILL_DAYS
        }
        raise _refuse("patrol_date", message, CaseErrorCode.PATROL_DATE_TOO_OLD)
    if patrol_date == today and started_at > now.astimezone(sla.local_tz()).time():
        raise _refuse("started_at", _("The start time is in the future."), CaseErrorCode.PATROL_TIME_FUTURE)
    if ended_at is not None and ended_at < started_at:
        raise _refuse("ended_at", _("The end time is before the start time."), CaseErrorCode.PATROL_TIME_ORDER)


def check_location(grid: Unit, lat: float | None, lng: float | None) -> None:
    """Both coordinates or neither, inside the grid's boundary when it has one (cases/geo.py)."""
    if lat is None and lng is None:
        return
    if lat is None or lng is None:
        raise _refuse("lat", _("Give both latitude and longitude, or neither."), CaseErrorCode.BAD_LOCATION)
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise _refuse("lat", _("The location is not a valid latitude and longitude."), CaseErrorCode.BAD_LOCATION)
    boundary = GridBoundary.objects.filter(unit=grid).only("geometry").first()
    if boundary is not None and not geo.contains(boundary.geometry, lat, lng):
        raise _refuse(
            "lat", _("The location is outside the grid %(grid)s.") % {"grid": grid.name}, CaseErrorCode.OUTSIDE_GRID
        )


def check_key_person(actor: Actor, grid: Unit, key_person: KeyPerson | None) -> None:
    if key_person is None:
        return
    if not can(actor, "keyperson.view", key_person):
        raise NotFound()
    if not (grid.path.startswith(key_person.unit.path) or key_person.unit.path.startswith(grid.path)):
        raise _refuse(
            "key_person",
            _("%(name)s is registered in another grid or community.") % {"name": key_person.name},
            CaseErrorCode.PATROL_KEY_PERSON_ELSEWHERE,
        )


def _text(field: str, value: str, max_length: int, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise _refuse(field, _("This field is required."), CaseErrorCode.REQUIRED)
    errors: dict[str, list[str]] = {}
    bounds.check(errors, field, value, max_length=max_length)
    if errors:
        raise ValidationFailed(errors[field][0], code=ErrorCode.INVALID, details=errors)
    return value


def claim_photos(actor: Actor, tokens: Sequence[str]) -> list[Attachment]:
    """Photos ``actor`` uploaded with ``POST /api/v1/cases/evidence`` and has not used yet, by token."""
    wanted = [str(t).strip() for t in tokens if str(t).strip()]
    uploads.check_count(wanted, field="photos")
    if not wanted:
        return []
    user = signed_in(actor)
    found = {
        a.token: a
        for a in Attachment.objects.filter(
            token__in=wanted, case__isnull=True, patrol__isnull=True, event__isnull=True, uploaded_by=user
        )
    }
    unknown = [t for t in wanted if t not in found]
    if unknown:
        message = _("Unknown or already used file token: %(token)s") % {"token": unknown[0][:40]}
        raise ValidationFailed(message, code=CaseErrorCode.UNKNOWN_ATTACHMENT, details={"photos": [message]})
    return [found[t] for t in wanted]


def _cases_to_link(actor: Actor, grid: Unit, case_ids: Sequence[int]) -> list[Case]:
    from luoshi.cases.selectors import cases_visible_to

    wanted = list(dict.fromkeys(int(i) for i in case_ids))
    if len(wanted) > MAX_LINKED_CASES:
        raise _refuse(
            "case_ids",
            _("At most %(n)d cases can be linked.") % {"n": MAX_LINKED_CASES},
            CaseErrorCode.PATROL_TOO_MANY_CASES,
        )
    if not wanted:
        return []
    found = {c.pk: c for c in cases_visible_to(actor).filter(pk__in=wanted).select_related("unit")}
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise _refuse(
            "case_ids", _("Case %(id)s was not found.") % {"id": missing[0]}, CaseErrorCode.PATROL_CASE_UNKNOWN
        )
    for case in found.values():
        if not (case.unit.path.startswith(grid.path) or grid.path.startswith(case.unit.path)):
            raise _refuse(
                "case_ids",
                _("Case %(no)s happened outside the grid %(grid)s.") % {"no": case.tracking_no, "grid": grid.name},
                CaseErrorCode.PATROL_CASE_ELSEWHERE,
            )
    return [found[pk] for pk in wanted]


@transaction.atomic
def patrol_record(
    *,
    actor: Actor,
    grid: Unit,
    kind: str,
    patrol_date: dt.date,
    started_at: dt.time,
    ended_at: dt.time | None = None,
    places: str,
    findings: str = "",
    outcome: str = PatrolOutcome.NOTHING,
    key_person: KeyPerson | None = None,
    lat: float | None = None,
    lng: float | None = None,
    photos: Sequence[Any] = (),
    photo_tokens: Sequence[str] = (),
    case_ids: Sequence[int] = (),
) -> Patrol:
    """Record a patrol or a round of household visits; ``photos`` are fresh uploads (page) or
    :class:`Attachment` rows kept from a refused attempt, ``photo_tokens`` name uploads made
    earlier through the API. Nothing is written unless everything passes."""
    check_grid(actor, grid)
    user = signed_in(actor)
    if kind not in PatrolKind.values:
        raise _refuse("kind", _("Choose patrol or household visit."), ErrorCode.INVALID)
    if outcome not in PatrolOutcome.values:
        raise _refuse("outcome", _("Choose an outcome."), ErrorCode.INVALID)
    now = timezone.now()
    check_when(patrol_date, started_at, ended_at, now=now)
    places = _text("places", places, PLACES_MAX, required=True)
    findings = _text("findings", findings, FINDINGS_MAX, required=outcome != PatrolOutcome.NOTHING)
    check_key_person(actor, grid, key_person)
    check_location(grid, lat, lng)
    linked = _cases_to_link(actor, grid, case_ids)
    if linked and outcome != PatrolOutcome.REPORTED:
        raise _refuse("outcome", _("A record that names reported cases has the outcome “reported”."), ErrorCode.INVALID)
    claimed = claim_photos(actor, photo_tokens)
    check_evidence([*photos, *claimed], field="photos")
    patrol = Patrol.objects.create(
        kind=kind,
        grid=grid,
        recorded_by=user,
        patrol_date=patrol_date,
        started_at=started_at,
        ended_at=ended_at,
        places=places,
        findings=findings,
        outcome=outcome,
        key_person=key_person,
        lat=lat,
        lng=lng,
        created_at=now,
    )
    if linked:
        patrol.cases.add(*linked)
    for item in [*photos, *claimed]:
        if isinstance(item, Attachment):
            item.patrol = patrol
            item.save(update_fields=["patrol"])
        else:
            stored = attachment_store(actor=actor, upload=item, field="photos")
            stored.patrol = patrol
            stored.save(update_fields=["patrol"])
    audit.record(
        actor=actor,
        obj=patrol,
        verb="patrol_record",
        changes={
            "kind": {"before": None, "after": str(PatrolKind(kind).label)},
            "outcome": {"before": None, "after": str(PatrolOutcome(outcome).label)},
        },
        comment=f"{grid.name} {patrol_date:%Y-%m-%d} {places}"[:200],
    )
    return patrol


@transaction.atomic
def patrol_report_case(
    *,
    actor: Actor,
    patrol: Patrol,
    category: Category,
    description: str,
    title: str = "",
    address: str = "",
    lat: float | None = None,
    lng: float | None = None,
    urgent: bool = False,
    reporter_name: str = "",
    reporter_phone: str = "",
    attachment_tokens: Sequence[str] = (),
) -> Case:
    """上报问题 from a record: the case is reported in the record's grid (the grid worker's channel),
    linked to the record, and the record's outcome becomes "reported" — in one transaction."""
    locked = Patrol.objects.select_for_update().select_related("grid").get(pk=patrol.pk)
    check_grid(actor, locked.grid)
    case = case_report(
        actor=actor,
        channel=Channel.GRID,
        kind=CaseKind.EVENT,
        category=category,
        unit=locked.grid,
        title=title,
        description=description,
        address=address,
        lat=lat if lat is not None else locked.lat,
        lng=lng if lng is not None else locked.lng,
        urgent=urgent,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        attachment_tokens=attachment_tokens,
    )
    locked.cases.add(case)
    if locked.outcome != PatrolOutcome.REPORTED:
        Patrol.objects.filter(pk=locked.pk).update(outcome=PatrolOutcome.REPORTED)
    audit.record(
        actor=actor,
        obj=locked,
        verb="patrol_link",
        changes={"outcome": {"before": str(locked.get_outcome_display()), "after": str(PatrolOutcome.REPORTED.label)}}
        if locked.outcome != PatrolOutcome.REPORTED
        else {},
        comment=case.tracking_no,
    )
    return case
