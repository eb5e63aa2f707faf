"""Patrols and household visits (走访巡查) at /api/v1/cases/patrols: thin handlers over
:mod:`luoshi.cases.selectors.patrols` and :mod:`luoshi.cases.services.patrols`.

Photos are uploaded first with ``POST /api/v1/cases/evidence`` (each answers a token) and named
in ``photos``. Errors: 404 for a record or grid outside your scope, 403 (``read_only``) for a role
that may read records but not make them, 400 with a stable ``code`` for input the bounds refuse
(``patrol_date_future``, ``patrol_date_too_old``, ``patrol_time_future``, ``patrol_time_order``,
``outside_grid``, ``bad_location``, ``patrol_not_a_grid``, ``patrol_key_person_elsewhere``,
``patrol_case_unknown``, ``patrol_case_elsewhere``, ``patrol_too_many_cases``,
``unknown_attachment``, ``required``), 422 for a body of the wrong shape.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from luoshi.api.pagination import paginate
from luoshi.api.schemas import BodySchema, ErrorOut, PageOut, PlainOut
from luoshi.cases import sla, standards
from luoshi.cases.error_codes import CaseErrorCode
from luoshi.cases.models import Case, KeyPerson, Patrol, PatrolKind, PatrolOutcome
from luoshi.cases.selectors import patrols as reads
from luoshi.cases.selectors.keypersons import key_persons_visible_to
from luoshi.cases.services import patrols as writes
from luoshi.core import bounds, params, uploads
from luoshi.core.errors import ErrorCode, Forbidden, NotFound, ValidationFailed
from luoshi.org.models import Unit
from luoshi.org.scope import scope_for
from luoshi.org.selectors import access_unit

router = Router(tags=["cases"])
#: A clock time as answered: hours and minutes.
CLOCK_OUT = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"

ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class PatrolUnitOut(PlainOut):
    id: int
    name: str
    code: str


class PatrolPhotoOut(PlainOut):
    token: str
    name: str
    content_type: str
    size: int
    url: str = Field(description="Where those who may see the record open the photo")


class PatrolCaseOut(PlainOut):
    id: int
    tracking_no: str
    title: str
    status: str


class PatrolOut(PlainOut):
    id: int
    kind: str = Field(description="patrol (日常巡查) or visit (入户走访)")
    kind_label: str
    grid: PatrolUnitOut
    recorded_by: str
    patrol_date: dt.date
    # Local clock times as HH:MM (JSON Schema's "time" format needs a UTC offset, which a wall clock has not).
    started_at: str = Field(pattern=CLOCK_OUT, description="HH:MM, local time (Asia/Shanghai)")
    ended_at: str | None = Field(None, pattern=CLOCK_OUT, description="HH:MM, local time")
    places: str
    outcome: str = Field(description="nothing, handled or reported")
    outcome_label: str
    photo_count: int
    case_count: int
    created_at: dt.datetime


class PatrolDetailOut(PatrolOut):
    findings: str
    lat: float | None
    lng: float | None
    key_person_id: int | None = Field(None, description="Only for those who may open the key-person registry")
    key_person_name: str = ""
    photos: list[PatrolPhotoOut]
    cases: list[PatrolCaseOut]
    may_report: bool = Field(description="May you report a case from this record (POST …/report)")


#: A time of day as ``HH:MM`` (or ``HH:MM:SS``), bounded in the schema.
ClockTime = Annotated[str, Field(pattern=r"^[0-2][0-9]:[0-5][0-9](:[0-5][0-9])?$", max_length=8)]


def _clock(value: str | None, field: str) -> dt.time | None:
    if value is None:
        return None
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        message = _("Not a time of day: %(value)s") % {"value": value}
        raise ValidationFailed(message, code=ErrorCode.INVALID, details={field: [message]}) from None


class PatrolIn(BodySchema):
    grid_id: bounds.Id = Field(description="A grid where you record (a grid worker's own grid)")
    kind: PatrolKind = PatrolKind.PATROL
    patrol_date: bounds.Day = Field(description=f"Not in the future, at most {writes.BACKFILL_DAYS} days back")
    started_at: ClockTime = Field(description="HH:MM, local time (Asia/Shanghai)")
    ended_at: ClockTime | None = Field(None, description="HH:MM, not before started_at")
    places: str = Field(min_length=1, max_length=writes.PLACES_MAX, description="Places or households visited")
    findings: str = Field("", max_length=writes.FINDINGS_MAX, description="Required unless the outcome is nothing")
    outcome: PatrolOutcome = PatrolOutcome.NOTHING
    key_person_id: bounds.Id | None = None
    lat: bounds.Latitude | None = Field(None, description="Inside the grid's boundary, with lng")
    lng: bounds.Longitude | None = None
    photos: list[str] = Field(
        [],
        max_length=uploads.MAX_FILES_PER_STEP,
        description="Tokens from POST /api/v1/cases/evidence",
        json_schema_extra={"items": {"type": "string", "maxLength": 64}},
    )
    case_ids: list[bounds.Id] = Field(
        [], max_length=writes.MAX_LINKED_CASES, description="Cases already reported from it (outcome reported)"
    )


class PatrolReportIn(BodySchema):
    category: str = Field(..., max_length=16, description="Sub-category code, e.g. 01001")
    title: str = Field("", max_length=200)
    description: str = Field(..., min_length=1, max_length=4000)
    address: str = Field("", max_length=255)
    lat: bounds.Latitude | None = Field(None, description="The record's location when empty")
    lng: bounds.Longitude | None = None
    urgent: bool = False
    attachments: list[str] = Field(
        [],
        max_length=uploads.MAX_FILES_PER_STEP,
        description="Tokens from POST /api/v1/cases/evidence",
        json_schema_extra={"items": {"type": "string", "maxLength": 64}},
    )


class PatrolFilterIn(BodySchema):
    grid_id: bounds.Id | None = Field(None, description="Only records in this grid (or under this unit)")
    recorder_id: bounds.Id | None = None
    date_from: bounds.Day | None = None
    date_to: bounds.Day | None = None
    kind: str = bounds.one_of(PatrolKind.values)
    outcome: str = bounds.one_of(PatrolOutcome.values)
    mine: bool = False
    page: bounds.Page = 1
    page_size: bounds.PageSize = 50


class PatrolCoverageIn(BodySchema):
    days: int = Field(reads.COVERAGE_DAYS, ge=1, le=31, description="Today and the days before it")
    unit_id: bounds.Id | None = Field(None, description="Only grids under this unit")


class PatrolGridCoverageOut(PlainOut):
    grid: PatrolUnitOut
    last_date: dt.date | None
    recent: int = Field(description="Records in the last `days` days")
    uncovered: bool


class PatrolCoverageOut(PlainOut):
    days: int
    grids: int
    covered: int
    uncovered: int
    rows: list[PatrolGridCoverageOut] = Field(description="Uncovered grids first, at most 300")


class PatrolPage(PageOut[PatrolOut]):
    pass


def _unit(unit: Unit) -> dict[str, Any]:
    return {"id": unit.pk, "name": unit.name, "code": unit.code}


def _patrol(p: Patrol) -> dict[str, Any]:
    return {
        "id": p.pk,
        "kind": p.kind,
        "kind_label": str(p.get_kind_display()),
        "grid": _unit(p.grid),
        "recorded_by": p.recorded_by.full_name or p.recorded_by.get_username(),
        "patrol_date": p.patrol_date,
        "started_at": f"{p.started_at:%H:%M}",
        "ended_at": f"{p.ended_at:%H:%M}" if p.ended_at is not None else None,
        "places": p.places,
        "outcome": p.outcome,
        "outcome_label": str(p.get_outcome_display()),
        "photo_count": getattr(p, "photo_count", 0),
        "case_count": getattr(p, "case_count", 0),
        "created_at": p.created_at,
    }


def _detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    d = reads.patrol_detail(request.user, pk)
    p = d.patrol
    return {
        **_patrol(p),
        "photo_count": len(d.photos),
        "case_count": len(d.cases),
        "findings": p.findings,
        "lat": p.lat,
        "lng": p.lng,
        "key_person_id": d.key_person.pk if d.key_person else None,
        "key_person_name": d.key_person.name if d.key_person else "",
        "photos": [
            {
                "token": a.token,
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "url": reverse("cases:patrol_photo", args=[p.pk, a.token]),
            }
            for a in d.photos
        ],
        "cases": [{"id": c.pk, "tracking_no": c.tracking_no, "title": c.title, "status": c.status} for c in d.cases],
        "may_report": d.may_report,
    }


def _grid(request: HttpRequest, grid_id: int) -> Unit:
    grid = standards.unit_by_id(grid_id)
    if grid is None or not scope_for(request.user).covers(grid):
        raise NotFound()
    return grid


@router.get("", response={200: PatrolPage, **ERRORS}, summary="List patrol and visit records in your scope")
def list_patrols(request: HttpRequest, filters: Query[PatrolFilterIn]) -> Any:
    if not reads.may_read_patrols(request.user):
        raise NotFound()
    params.get_choice({"kind": filters.kind}, "kind", PatrolKind.values, default="")
    params.get_choice({"outcome": filters.outcome}, "outcome", PatrolOutcome.values, default="")
    qs = reads.patrol_list(
        request.user,
        reads.PatrolFilters(
            grid=access_unit(request.user, filters.grid_id) if filters.grid_id else None,
            recorder=filters.recorder_id,
            date_from=filters.date_from,
            date_to=filters.date_to,
            kind=filters.kind,
            outcome=filters.outcome,
            mine=filters.mine,
        ),
    )
    page = paginate(qs, filters.page, filters.page_size)
    page["results"] = [_patrol(p) for p in page["results"]]
    return page


@router.get(
    "/coverage",
    response={200: PatrolCoverageOut, **ERRORS},
    summary="Which grids in your scope had a patrol or visit in the last days",
)
def coverage(request: HttpRequest, params: Query[PatrolCoverageIn]) -> Any:
    if not reads.may_read_patrols(request.user):
        raise NotFound()
    within = access_unit(request.user, params.unit_id) if params.unit_id else None
    today = sla.local_date(timezone.now())
    c = reads.grid_coverage(request.user, today=today, days=params.days, within=within)
    return {
        "days": c.days,
        "grids": c.grids,
        "covered": c.covered,
        "uncovered": c.uncovered,
        "rows": [
            {"grid": _unit(r.grid), "last_date": r.last_date, "recent": r.recent, "uncovered": r.uncovered}
            for r in c.rows
        ],
    }


@router.get("/{int:patrol_id}", response={200: PatrolDetailOut, **ERRORS}, summary="One patrol or visit record")
def get_patrol(request: HttpRequest, patrol_id: int) -> Any:
    return _detail(request, patrol_id)


@router.post("", response={201: PatrolDetailOut, **ERRORS}, summary="Record a patrol or household visit")
def create_patrol(request: HttpRequest, payload: PatrolIn) -> Any:
    grid = _grid(request, payload.grid_id)
    key_person: KeyPerson | None = None
    if payload.key_person_id:
        key_person = (
            key_persons_visible_to(request.user).select_related("unit").filter(pk=payload.key_person_id).first()
        )
        if key_person is None:
            message = _("Unknown key person.")
            raise ValidationFailed(
                message, code=CaseErrorCode.PATROL_KEY_PERSON_UNKNOWN, details={"key_person_id": [message]}
            )
    patrol = writes.patrol_record(
        actor=request.user,
        grid=grid,
        kind=payload.kind.value,
        patrol_date=payload.patrol_date,
        started_at=_clock(payload.started_at, "started_at") or dt.time(0, 0),
        ended_at=_clock(payload.ended_at, "ended_at"),
        places=payload.places,
        findings=payload.findings,
        outcome=payload.outcome.value,
        key_person=key_person,
        lat=payload.lat,
        lng=payload.lng,
        photo_tokens=payload.photos,
        case_ids=payload.case_ids,
    )
    return Status(201, _detail(request, patrol.pk))


@router.post(
    "/{int:patrol_id}/report",
    response={201: PatrolCaseOut, **ERRORS},
    summary="Report a case from a record (上报问题); the case is linked to it",
)
def report_case(request: HttpRequest, patrol_id: int, payload: PatrolReportIn) -> Any:
    patrol = reads.access_patrol(request.user, patrol_id)
    category = standards.category_by_code(payload.category.strip())
    if category is None:
        message = _("Unknown category: %(code)s") % {"code": payload.category}
        raise ValidationFailed(message, code=CaseErrorCode.CATEGORY_UNKNOWN, details={"category": [message]})
    if not reads.patrol_detail(request.user, patrol_id).may_report:
        raise Forbidden(writes.read_only_message(), code=CaseErrorCode.READ_ONLY)
    case: Case = writes.patrol_report_case(
        actor=request.user,
        patrol=patrol,
        category=category,
        title=payload.title,
        description=payload.description,
        address=payload.address,
        lat=payload.lat,
        lng=payload.lng,
        urgent=payload.urgent,
        attachment_tokens=payload.attachments,
    )
    return Status(201, {"id": case.pk, "tracking_no": case.tracking_no, "title": case.title, "status": case.status})
