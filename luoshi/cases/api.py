"""Cases API at /api/v1/cases: thin handlers over the case selectors and services.

Errors: 404 when a case is missing or outside your scope, 403 when you may see
it but not do the action, 409 when the case is in the wrong state or your
``version`` is stale, 400/422 for bad input.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from luoshi.api.pagination import MAX_PAGE_SIZE, paginate
from luoshi.api.schemas import BodySchema, ErrorOut, PageOut, PlainOut
from luoshi.cases import selectors, services, sla, standards
from luoshi.cases.error_codes import CaseErrorCode
from luoshi.cases.models import Attachment, Case, CaseEvent, CaseKind, Category, Channel
from luoshi.cases.permissions import require_stats
from luoshi.cases.workflow import Action
from luoshi.core import bounds, uploads, workdays
from luoshi.core.errors import NotFound, ValidationFailed
from luoshi.org.models import Unit
from luoshi.org.scope import scope_for
from luoshi.org.selectors import access_unit

router = Router(tags=["cases"])

ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut,
}  # fmt: skip


# --- Schemas ---------------------------------------------------------------------------------


class UnitRef(PlainOut):
    id: int
    name: str
    code: str


class CaseOut(PlainOut):
    id: int
    tracking_no: str
    title: str
    kind: str
    channel: str
    status: str
    status_label: str
    category_code: str
    category_name: str
    unit: UnitRef
    owner_unit: UnitRef
    handling_unit: UnitRef | None
    urgent: bool
    reported_at: dt.datetime
    updated_at: dt.datetime
    due_at: dt.datetime | None
    light: str = Field(description="green, yellow, red, or empty when no stage is open")
    days_left: int | None = Field(None, description="Working days left (剩 N 天); negative when overdue (超 N 天)")
    duplicate_of: str | None = None
    version: int


class CaseEvidenceOut(PlainOut):
    token: str = Field(description="Names the file in a step (``attachments`` / ``before_attachments``)")
    name: str
    content_type: str
    size: int
    phase: str = Field("", description="before, after, or empty")
    url: str = Field("", description="Where staff who may see the case open it (empty until it is used in a step)")


class EventOut(PlainOut):
    created_at: dt.datetime
    actor_name: str
    action: str
    from_status: str
    to_status: str
    unit_name: str
    comment: str
    is_public: bool
    attachments: list[CaseEvidenceOut] = Field([], description="Photos and files sent with this step")


class ContactOut(PlainOut):
    name: str
    phone: str
    id_no: str
    email: str
    anonymous: bool
    masked: bool


class CaseDetailOut(CaseOut):
    description: str
    address: str
    lat: float | None
    lng: float | None
    attributes: dict[str, Any]
    reporter: ContactOut
    public_reply: str
    outcome: str
    outcome_reason: str
    rating: str
    rating_comment: str
    needs_return_visit: bool
    mediation_result: str
    stage: str
    stage_limit_days: int
    extension_days: int
    was_overdue: bool
    co_units: list[UnitRef]
    allowed_actions: list[str]
    events: list[EventOut]


class CaseIn(BodySchema):
    category: str = Field(..., max_length=16, description="Sub-category code, e.g. 01001")
    unit_id: bounds.Id = Field(..., description="Where it happened: a grid, community, village or township")
    title: str = Field("", max_length=200)
    description: str = Field("", max_length=4000)
    kind: CaseKind = CaseKind.REQUEST
    channel: Channel = Channel.API
    address: str = Field("", max_length=255)
    lat: bounds.Latitude | None = None
    lng: bounds.Longitude | None = None
    reporter_name: str = Field("", max_length=64)
    reporter_phone: str = Field("", max_length=32)
    reporter_id_no: str = Field("", max_length=18)
    is_anonymous: bool = False
    urgent: bool = False
    attributes: dict[str, Any] = {}


class TransitionIn(BodySchema):
    action: Action
    version: bounds.Version | None = Field(None, description="The version you read; a stale one gets 409")
    comment: bounds.Text = Field("", description="Reason, reply or note (required by some actions)")
    handling_unit_id: bounds.Id | None = Field(None, description="dispatch, reassign")
    co_unit_ids: list[bounds.Id] = Field([], description="dispatch, add_co_unit")
    original: str | None = Field(None, max_length=40, description="merge: tracking number of the original case")
    days: bounds.Days | None = Field(None, description="request_extension, decide_extension")
    approve: bool | None = Field(None, description="decide_extension")
    rating: str | None = Field(None, max_length=20, description="rate, return_visit: satisfied, basic, unsatisfied")
    level: str | None = Field(None, max_length=20, description="supervise: normal, yellow, red")
    method: str | None = Field(None, max_length=20, description="return_visit: phone, visit, talk, other")
    held_on: bounds.Day | None = Field(None, description="mediate")
    mediators: bounds.Text | None = None
    parties: bounds.Text | None = None
    outcome: str | None = Field(None, max_length=20, description="mediate: agreed, partial, failed, adjourned")
    agreement: bounds.Text | None = None
    place: bounds.Text | None = None
    attachments: list[str] = Field(
        [],
        max_length=uploads.MAX_FILES_PER_STEP,
        description="reply, verify, send_back, handle_on_spot (after): tokens from POST /api/v1/cases/evidence",
    )
    before_attachments: list[str] = Field(
        [], max_length=uploads.MAX_FILES_PER_STEP, description="handle_on_spot: photos of the scene before"
    )


class CaseFilterIn(BodySchema):
    box: str = Field(
        "all",
        description="accept, dispatch, handle, verify, overdue, visits, mine, all",
        json_schema_extra={"enum": ["accept", "dispatch", "handle", "verify", "overdue", "visits", "mine", "all"]},
    )
    q: str = ""
    status: str = ""
    category: bounds.Id | None = None
    kind: str = ""
    channel: str = ""
    unit: bounds.Id | None = Field(None, description="Only cases at or handled within this unit's subtree")
    light: str = Field("", description="green, yellow or red")
    date_from: bounds.Day | None = None
    date_to: bounds.Day | None = None
    page: bounds.Page = 1
    page_size: bounds.PageSize = 50


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    is_public: bool
    is_dispute: bool
    on_the_spot: bool = Field(False, description="A grid worker may close such a case on the spot (handle_on_spot)")
    service_notice: str
    children: list[CategoryOut] = []


class StatOut(Schema):
    key: int | None
    name: str
    total: int
    open: int
    closed: int
    on_time: int
    on_time_rate: float | None
    overdue_open: int
    avg_days: float | None
    rated: int
    satisfied: int
    basic: int
    unsatisfied: int
    satisfaction_rate: float | None


# --- Serialisation ------------------------------------------------------------------------------


def _unit(unit: Unit | None) -> dict[str, Any] | None:
    return {"id": unit.pk, "name": unit.name, "code": unit.code} if unit is not None else None


def _case(case: Case, now: dt.datetime, cal: Any) -> dict[str, Any]:
    light, days_left = "", None
    if case.is_open and case.due_at is not None:
        light = sla.light(now, case.warn_at, case.due_at)
        rem = sla.remaining(now, case.due_at, cal)
        days_left = -rem.days if rem.overdue else rem.days
    return {
        "id": case.pk,
        "tracking_no": case.tracking_no,
        "title": case.title,
        "kind": case.kind,
        "channel": case.channel,
        "status": case.status,
        "status_label": services.choice_label("status", case.status),
        "category_code": case.category.code,
        "category_name": case.category.name,
        "unit": _unit(case.unit),
        "owner_unit": _unit(case.owner_unit),
        "handling_unit": _unit(case.handling_unit),
        "urgent": case.urgent,
        "reported_at": case.reported_at,
        "updated_at": case.updated_at,
        "due_at": case.due_at if case.is_open else None,
        "light": light,
        "days_left": days_left,
        "duplicate_of": case.duplicate_of.tracking_no if case.duplicate_of_id and case.duplicate_of else None,
        "version": case.version,
    }


def _evidence(a: Attachment, case_id: int | None = None) -> dict[str, Any]:
    return {
        "token": a.token,
        "name": a.original_name,
        "content_type": a.content_type,
        "size": a.size,
        "phase": a.phase,
        "url": reverse("cases:attachment", args=[case_id, a.token]) if case_id else "",
    }


def _event(e: CaseEvent) -> dict[str, Any]:
    return {
        "created_at": e.created_at,
        "actor_name": e.actor_name,
        "action": e.action,
        "from_status": e.from_status,
        "to_status": e.to_status,
        "unit_name": e.unit_name,
        "comment": e.comment,
        "is_public": e.is_public,
        "attachments": [_evidence(a, e.case_id) for a in e.attachments.all()],
    }


def _detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    view = selectors.case_view(request.user, pk)
    case = view.case
    contact = view.contact
    return {
        **_case(case, timezone.now(), workdays.calendar()),
        "description": case.description,
        "address": case.address,
        "lat": case.lat,
        "lng": case.lng,
        "attributes": case.attributes,
        "reporter": {
            "name": contact.name,
            "phone": contact.phone,
            "id_no": contact.id_no,
            "email": contact.email,
            "anonymous": contact.anonymous,
            "masked": contact.is_masked,
        },
        "public_reply": case.public_reply,
        "outcome": case.outcome,
        "outcome_reason": case.outcome_reason,
        "rating": case.rating,
        "rating_comment": case.rating_comment,
        "needs_return_visit": case.needs_return_visit,
        "mediation_result": case.mediation_result,
        "stage": case.stage,
        "stage_limit_days": case.stage_limit_days,
        "extension_days": case.extension_days,
        "was_overdue": case.was_overdue,
        "co_units": [_unit(link.unit) for link in view.co_units],
        "allowed_actions": [a.value for a in view.actions],
        "events": [_event(e) for e in view.events],
    }


def _category(code: str) -> Category:
    try:
        return Category.objects.select_related("parent").get(code=code.strip())
    except Category.DoesNotExist:
        raise ValidationFailed(
            _("Unknown category: %(code)s") % {"code": code},
            code=CaseErrorCode.CATEGORY_UNKNOWN,
            details={"category": [code]},
        ) from None


# --- Endpoints ------------------------------------------------------------------------------------


class CasePage(PageOut[CaseOut]):
    count_capped: bool = Field(False, description="True when there are 10,000 or more (count stops there)")


@router.get("", response={200: CasePage, **ERRORS}, summary="List cases in your scope")
def list_cases(request: HttpRequest, filters: Query[CaseFilterIn]) -> Any:
    if filters.box not in selectors.BOXES:
        raise ValidationFailed(_("Unknown box: %(box)s") % {"box": filters.box}, code=CaseErrorCode.INVALID_BOX)
    unit = access_unit(request.user, filters.unit) if filters.unit else None
    qs = selectors.case_list(
        request.user,
        selectors.CaseFilters(
            box=filters.box,
            q=filters.q,
            status=filters.status,
            category=filters.category,
            kind=filters.kind,
            channel=filters.channel,
            unit=unit,
            light=filters.light,
            date_from=filters.date_from,
            date_to=filters.date_to,
        ),
    )
    page = _page(qs, filters.page, filters.page_size)
    now, cal = timezone.now(), workdays.calendar()
    page["results"] = [_case(c, now, cal) for c in page["results"]]
    return page


COUNT_CAP = 10_000


def _page(qs: Any, page: int, page_size: int) -> dict[str, Any]:
    """Like the shared paginator, but ``count`` stops at 10,000 (and then ``count_capped``
    is true): an exact count over a township's whole history costs more than the page."""
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        return paginate(qs, page, page_size)  # the shared paginator raises the right error
    count = qs.order_by()[:COUNT_CAP].count()
    start = (page - 1) * page_size
    results = list(qs[start : start + page_size])
    return {
        "count": count,
        "count_capped": count >= COUNT_CAP,
        "page": page,
        "page_size": page_size,
        "pages": max(1, -(-count // page_size)),
        "results": results,
    }


@router.post("", response={201: CaseOut, **ERRORS}, summary="Report a case (intake)")
def create_case(request: HttpRequest, payload: CaseIn) -> Any:
    unit = standards.unit_by_id(payload.unit_id)
    if unit is None or not scope_for(request.user).covers(unit):
        raise NotFound()
    category = standards.category_by_code(payload.category.strip())
    if category is None:
        raise ValidationFailed(
            _("Unknown category: %(code)s") % {"code": payload.category},
            code=CaseErrorCode.CATEGORY_UNKNOWN,
            details={"category": [payload.category]},
        )
    case = services.case_report(
        actor=request.user,
        channel=payload.channel.value,
        kind=payload.kind.value,
        category=category,
        unit=unit,
        title=payload.title,
        description=payload.description,
        address=payload.address,
        lat=payload.lat,
        lng=payload.lng,
        reporter_name=payload.reporter_name,
        reporter_phone=payload.reporter_phone,
        reporter_id_no=payload.reporter_id_no,
        is_anonymous=payload.is_anonymous,
        urgent=payload.urgent,
        attributes=payload.attributes,
    )
    return Status(201, _case(case, timezone.now(), workdays.calendar()))


@router.get(
    "/counts",
    response={200: dict[str, int], **ERRORS},
    summary="How many cases wait in each of your boxes (at most 1000)",
)
def counts(request: HttpRequest) -> Any:
    return selectors.inbox_counts(request.user)


@router.get("/categories", response={200: list[CategoryOut], **ERRORS}, summary="The category tree")
def categories(request: HttpRequest) -> Any:
    return [
        {
            "id": m.pk,
            "code": m.code,
            "name": m.name,
            "is_public": m.is_public,
            "is_dispute": m.is_dispute,
            "on_the_spot": m.on_the_spot,
            "service_notice": m.service_notice,
            "children": [
                {
                    "id": c.pk,
                    "code": c.code,
                    "name": c.name,
                    "is_public": c.is_public,
                    "is_dispute": c.is_dispute,
                    "on_the_spot": c.on_the_spot or m.on_the_spot,
                    "service_notice": c.service_notice or m.service_notice,
                }
                for c in m.active_children  # type: ignore[attr-defined]
            ],
        }
        for m in selectors.categories_for_intake()
    ]


@router.get("/similar", response={200: list[CaseOut], **ERRORS}, summary="Open cases like this one (duplicates)")
def similar(
    request: HttpRequest, category: str, lat: float | None = None, lng: float | None = None, unit_id: int | None = None
) -> Any:
    unit = access_unit(request.user, unit_id) if unit_id else None
    found = selectors.similar_open_cases(
        selectors.cases_visible_to(request.user).select_related("category", "owner_unit", "duplicate_of"),
        category=_category(category),
        lat=lat,
        lng=lng,
        unit=unit,
    )
    now, cal = timezone.now(), workdays.calendar()
    return [_case(c, now, cal) for c in found]


@router.get("/stats", response={200: list[StatOut], **ERRORS}, summary="Volume, on-time rate, time and satisfaction")
def stats(
    request: HttpRequest,
    start: dt.date,
    end: dt.date,
    group: str = "handling_unit",
    township_id: int | None = None,
) -> Any:
    require_stats(request.user)
    if end < start or (end - start).days > 366:
        raise ValidationFailed(
            _("The period must run forwards and be at most a year."), code=CaseErrorCode.INVALID_PERIOD
        )
    township = access_unit(request.user, township_id) if township_id else None
    rows = selectors.case_stats(request.user, start=start, end=end, group=group, township=township)
    return [{**r.__dict__, "on_time_rate": r.on_time_rate, "satisfaction_rate": r.satisfaction_rate} for r in rows]


@router.get("/by-number/{tracking_no}", response={200: CaseDetailOut, **ERRORS}, summary="One case by tracking number")
def get_by_number(request: HttpRequest, tracking_no: str) -> Any:
    case = selectors.access_case(request.user, tracking_no.upper())
    return _detail(request, case.pk)


@router.get("/{int:case_id}", response={200: CaseDetailOut, **ERRORS}, summary="One case with its timeline")
def get_case(request: HttpRequest, case_id: int) -> Any:
    return _detail(request, case_id)


@router.post(
    "/{int:case_id}/transitions",
    response={200: CaseDetailOut, **ERRORS},
    summary="Take a workflow action (accept, dispatch, reply, verify, …)",
)
def transition(request: HttpRequest, case_id: int, payload: TransitionIn) -> Any:
    case = selectors.access_case(request.user, case_id)
    services.case_act(
        actor=request.user,
        case=case,
        action=payload.action.value,
        version=payload.version,
        comment=payload.comment,
        handling_unit=payload.handling_unit_id,
        co_units=payload.co_unit_ids,
        original=payload.original,
        days=payload.days,
        approve=payload.approve,
        rating=payload.rating,
        level=payload.level,
        method=payload.method,
        held_on=payload.held_on,
        mediators=payload.mediators,
        parties=payload.parties,
        outcome=payload.outcome,
        agreement=payload.agreement,
        place=payload.place,
        attachments=payload.attachments,
        before_attachments=payload.before_attachments,
    )
    return _detail(request, case_id)


@router.post(
    "/evidence",
    response={201: list[CaseEvidenceOut], **ERRORS},
    summary="Upload photos or PDFs for a step still to come; name the tokens in the step's attachments",
)
def upload_evidence(request: HttpRequest, files: File[list[UploadedFile]]) -> Any:
    stored = services.evidence_upload(actor=request.user, files=files)
    return Status(201, [_evidence(a) for a in stored])
