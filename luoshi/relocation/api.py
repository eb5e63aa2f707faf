"""Land acquisition API under /api/v1/relocation/: thin handlers over selectors and services.

Schema names start with ``Relocation`` so they stay unique in the OpenAPI document. Lists
show owners masked; one household's record is unmasked only for ledger keepers, and every
read of it is logged, as on the pages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as HttpStatus
from pydantic.json_schema import SkipJsonSchema

from luoshi.api.pagination import paginate
from luoshi.api.schemas import BodySchema, ErrorOut, PageOut, PlainOut
from luoshi.core import bounds, links
from luoshi.core.errors import ValidationFailed
from luoshi.org.models import Person
from luoshi.org.permissions import can
from luoshi.org.selectors import access_unit
from luoshi.relocation import selectors, services, workflow
from luoshi.relocation.figures import Figures
from luoshi.relocation.models import (
    MAX_AREA,
    MAX_MONEY,
    Campaign,
    CampaignKind,
    Household,
    HouseholdKind,
    HouseholdState,
    Parcel,
    RelocationChoice,
    Stage,
)
from luoshi.relocation.permissions import campaign_roles
from luoshi.relocation.privacy import owner

router = Router(tags=["relocation"])

ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut,
}  # fmt: skip


# --- schemas ----------------------------------------------------------------------------------


class RelocationFiguresBriefOut(PlainOut):
    """What lists carry for each campaign or parcel (the campaign's own record has the sums of money too)."""

    households: int
    signed: int
    vacated: int
    demolished: int
    pending: int
    signing_rate: Decimal | None = Field(None, description="Percent with one decimal; null for an empty ledger")
    house_area_signed: Decimal
    cleared_on: dt.date | None = Field(
        None, description="净地: the day the last household was demolished, once all are"
    )


class RelocationFiguresOut(RelocationFiguresBriefOut):
    not_fully_paid: int
    house_area: Decimal
    compensation_agreed: Decimal
    compensation_paid: Decimal
    first_signed: dt.date | None
    last_signed: dt.date | None


class RelocationScheduleOut(PlainOut):
    signing_days_left: int = Field(description="Calendar days to the signing deadline; negative once past")
    clearance_days_left: int
    time_share: Decimal = Field(description="Percent of the signing period gone")
    lagging: bool


class RelocationCampaignOut(PlainOut):
    id: int
    code: str
    name: str
    kind: str
    stage: str
    stage_label: str
    stage_since: dt.date
    unit_id: int
    unit_name: str
    team_id: int
    team_name: str
    launched_on: dt.date
    signing_starts_on: dt.date
    signing_deadline: dt.date
    clearance_deadline: dt.date
    is_public: bool
    project_id: int | None
    version: int
    figures: RelocationFiguresBriefOut
    schedule: RelocationScheduleOut


class RelocationParcelOut(PlainOut):
    id: int
    name: str
    land_area: Decimal | None
    lat: Decimal | None
    lng: Decimal | None
    boundary: list[list[float]]
    transferred_on: dt.date | None
    version: int
    figures: RelocationFiguresBriefOut


class RelocationProjectOut(PlainOut):
    id: int
    code: str
    name: str
    url: str
    stage_label: str
    status_label: str


class RelocationCampaignDetailOut(RelocationCampaignOut):
    figures: RelocationFiguresOut
    project: RelocationProjectOut | None = Field(None, description="The key project this campaign clears land for")
    description: str
    compensation_standard: str
    allowed_actions: list[str]
    can_edit: bool
    can_keep_ledger: bool
    parcels: list[RelocationParcelOut]


class RelocationCampaignIn(BodySchema):
    unit_id: int
    team_id: int
    code: str = Field(..., min_length=2, max_length=24)
    name: str = Field(..., min_length=1, max_length=100)
    kind: CampaignKind = CampaignKind.EXPROPRIATION
    launched_on: dt.date
    signing_starts_on: dt.date
    signing_deadline: dt.date
    clearance_deadline: dt.date
    description: str = Field("", max_length=4000)
    compensation_standard: str = Field("", max_length=8000)
    is_public: bool = False
    project_id: int | None = Field(None, ge=1, description="A key project you may see")


class RelocationCampaignPatch(BodySchema):
    """Only the fields sent are changed; only ``project_id`` can be cleared with null."""

    version: int
    name: Annotated[str, Field(min_length=1, max_length=100)] | SkipJsonSchema[None] = None
    kind: CampaignKind | SkipJsonSchema[None] = None
    team_id: int | SkipJsonSchema[None] = None
    launched_on: dt.date | SkipJsonSchema[None] = None
    signing_starts_on: dt.date | SkipJsonSchema[None] = None
    signing_deadline: dt.date | SkipJsonSchema[None] = None
    clearance_deadline: dt.date | SkipJsonSchema[None] = None
    description: Annotated[str, Field(max_length=4000)] | SkipJsonSchema[None] = None
    compensation_standard: Annotated[str, Field(max_length=8000)] | SkipJsonSchema[None] = None
    is_public: bool | SkipJsonSchema[None] = None
    project_id: int | None = Field(None, ge=1, description="A key project you may see; null removes the link")


class RelocationTransitionIn(BodySchema):
    action: str = Field(..., max_length=32, description=", ".join(workflow.ACTIONS))
    comment: str = Field("", max_length=2000)
    version: int | None = None


COORDINATE_NOTE = "Kept to six decimal places (about 10 cm); more places are rounded"


class RelocationParcelIn(BodySchema):
    name: str = Field(..., min_length=1, max_length=100)
    land_area: Decimal | None = Field(None, ge=0, le=MAX_AREA, decimal_places=2)
    lat: Decimal | None = Field(None, ge=-90, le=90, description=COORDINATE_NOTE)
    lng: Decimal | None = Field(None, ge=-180, le=180, description=COORDINATE_NOTE)
    boundary: list[list[float]] = Field(default_factory=list, max_length=services.MAX_BOUNDARY_POINTS)
    transferred_on: dt.date | None = None
    sort_order: int = Field(0, ge=0, le=100000)


class RelocationParcelPatch(BodySchema):
    version: int
    name: Annotated[str, Field(min_length=1, max_length=100)] | SkipJsonSchema[None] = None
    land_area: Decimal | None = Field(None, ge=0, le=MAX_AREA, decimal_places=2)
    lat: Decimal | None = Field(None, ge=-90, le=90, description=COORDINATE_NOTE)
    lng: Decimal | None = Field(None, ge=-180, le=180, description=COORDINATE_NOTE)
    boundary: Annotated[list[list[float]], Field(max_length=services.MAX_BOUNDARY_POINTS)] | SkipJsonSchema[None] = None
    transferred_on: dt.date | None = None
    sort_order: Annotated[int, Field(ge=0, le=100000)] | SkipJsonSchema[None] = None


class RelocationHouseholdOut(PlainOut):
    id: int
    number: str
    parcel_id: int | None
    parcel_name: str | None
    kind: str
    state: str
    state_label: str
    owner_name: str = Field(description="Masked in lists")
    owner_id_no: str = Field(description="Masked in lists")
    phone: str = Field(description="Masked in lists")
    owner_masked: bool
    address: str
    house_area: Decimal
    land_area: Decimal
    signed_on: dt.date | None
    compensation_agreed: Decimal | None
    compensation_paid: Decimal
    relocation_choice: str
    vacated_on: dt.date | None
    demolished_on: dt.date | None
    note: str
    cadre_id: int | None = Field(None, description="The responsible cadre (包户干部), a person of the township")
    cadre_name: str | None = None
    version: int


class RelocationHouseholdIn(BodySchema):
    number: str = Field(..., min_length=1, max_length=32)
    parcel_id: int | None = None
    kind: HouseholdKind = HouseholdKind.RESIDENCE
    owner_name: str = Field(..., min_length=1, max_length=64)
    owner_id_no: str = Field("", max_length=18)
    phone: str = Field("", max_length=32)
    address: str = Field("", max_length=200)
    house_area: Decimal = Field(..., ge=0, le=MAX_AREA, decimal_places=2)
    land_area: Decimal = Field(Decimal("0"), ge=0, le=MAX_AREA, decimal_places=2)
    signed_on: dt.date | None = None
    compensation_agreed: Decimal | None = Field(None, ge=0, le=MAX_MONEY, decimal_places=2)
    compensation_paid: Decimal = Field(Decimal("0"), ge=0, le=MAX_MONEY, decimal_places=2)
    relocation_choice: RelocationChoice = RelocationChoice.NONE
    vacated_on: dt.date | None = None
    demolished_on: dt.date | None = None
    note: str = Field("", max_length=500)
    cadre_id: int | None = Field(None, ge=1, description="The responsible cadre (包户干部), a person of the township")


class RelocationHouseholdPatch(BodySchema):
    """Only the fields sent are changed: record a step by sending its date (e.g. ``signed_on``). Null
    clears the parcel, a step's date or the agreed sum; the other fields cannot be null."""

    version: int
    number: Annotated[str, Field(min_length=1, max_length=32)] | SkipJsonSchema[None] = None
    parcel_id: int | None = None
    kind: HouseholdKind | SkipJsonSchema[None] = None
    owner_name: Annotated[str, Field(min_length=1, max_length=64)] | SkipJsonSchema[None] = None
    owner_id_no: Annotated[str, Field(max_length=18)] | SkipJsonSchema[None] = None
    phone: Annotated[str, Field(max_length=32)] | SkipJsonSchema[None] = None
    address: Annotated[str, Field(max_length=200)] | SkipJsonSchema[None] = None
    house_area: Annotated[Decimal, Field(ge=0, le=MAX_AREA, decimal_places=2)] | SkipJsonSchema[None] = None
    land_area: Annotated[Decimal, Field(ge=0, le=MAX_AREA, decimal_places=2)] | SkipJsonSchema[None] = None
    signed_on: dt.date | None = None
    compensation_agreed: Decimal | None = Field(None, ge=0, le=MAX_MONEY, decimal_places=2)
    compensation_paid: Annotated[Decimal, Field(ge=0, le=MAX_MONEY, decimal_places=2)] | SkipJsonSchema[None] = None
    relocation_choice: RelocationChoice | SkipJsonSchema[None] = None
    vacated_on: dt.date | None = None
    demolished_on: dt.date | None = None
    note: Annotated[str, Field(max_length=500)] | SkipJsonSchema[None] = None
    cadre_id: int | None = Field(None, ge=1, description="The responsible cadre; null to clear it")


class RelocationDayOut(PlainOut):
    day: dt.date
    signed: int
    vacated: int
    demolished: int
    signed_total: int
    vacated_total: int
    demolished_total: int


class RelocationCampaignQuery(Schema):
    q: str = Field("", max_length=100)
    stage: Stage | None = None
    active: bool | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class RelocationHouseholdQuery(Schema):
    state: HouseholdState | None = None
    parcel_id: int | None = None
    q: str = Field("", max_length=64)
    unpaid: bool = False
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


# --- building the responses -------------------------------------------------------------------


def _figures(f: Figures) -> dict[str, Any]:
    return {
        "households": f.households,
        "signed": f.signed,
        "vacated": f.vacated,
        "demolished": f.demolished,
        "pending": f.pending,
        "not_fully_paid": f.unpaid,
        "signing_rate": f.signing_rate,
        "house_area": f.house_area,
        "house_area_signed": f.house_area_signed,
        "compensation_agreed": f.compensation_agreed,
        "compensation_paid": f.compensation_paid,
        "first_signed": f.first_signed,
        "last_signed": f.last_signed,
        "cleared_on": f.cleared_on,
    }


def _campaign(c: Campaign) -> dict[str, Any]:
    s = c.schedule  # type: ignore[attr-defined]
    return {
        "id": c.pk,
        "code": c.code,
        "name": c.name,
        "kind": c.kind,
        "stage": c.stage,
        "stage_label": str(c.get_stage_display()),
        "stage_since": c.stage_since,
        "unit_id": c.unit_id,
        "unit_name": c.unit.name,
        "team_id": c.team_id,
        "team_name": c.team.name,
        "launched_on": c.launched_on,
        "signing_starts_on": c.signing_starts_on,
        "signing_deadline": c.signing_deadline,
        "clearance_deadline": c.clearance_deadline,
        "is_public": c.is_public,
        "project_id": c.project_id,
        "version": c.version,
        "figures": _figures(c.figures),  # type: ignore[attr-defined]
        "schedule": {
            "signing_days_left": s.signing_days_left,
            "clearance_days_left": s.clearance_days_left,
            "time_share": s.time_share,
            "lagging": s.lagging,
        },
    }


def _parcel(p: Parcel) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "land_area": p.land_area,
        "lat": p.lat,
        "lng": p.lng,
        "boundary": p.boundary or [],
        "transferred_on": p.transferred_on,
        "version": p.version,
        "figures": _figures(getattr(p, "figures", Figures())),
    }


def _detail(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    c = selectors.access_campaign(request.user, campaign_id)
    selectors.with_figures([c])
    ref = links.project_refs([c.project_id]).get(c.project_id or 0)
    return {
        **_campaign(c),
        "project": None
        if ref is None
        else {
            "id": ref.id,
            "code": ref.code,
            "name": ref.name,
            "url": ref.url,
            "stage_label": ref.stage_label,
            "status_label": ref.status_label,
        },
        "description": c.description,
        "compensation_standard": c.compensation_standard,
        "allowed_actions": workflow.allowed_actions(c.stage, campaign_roles(request.user, c)),
        "can_edit": can(request.user, "relocation.campaign.edit", c),
        "can_keep_ledger": can(request.user, "relocation.ledger.edit", c),
        "parcels": [_parcel(p) for p in selectors.parcels_with_figures(c)],
    }


def _household(h: Household, *, reveal: bool) -> dict[str, Any]:
    o = owner(h, reveal=reveal)
    return {
        "id": h.pk,
        "number": h.number,
        "parcel_id": h.parcel_id,
        "parcel_name": h.parcel.name if h.parcel_id and h.parcel else None,
        "kind": h.kind,
        "state": h.state,
        "state_label": h.get_state_display(),
        "owner_name": o.name,
        "owner_id_no": o.id_no,
        "phone": o.phone,
        "owner_masked": o.masked,
        "address": h.address,
        "house_area": h.house_area,
        "land_area": h.land_area,
        "signed_on": h.signed_on,
        "compensation_agreed": h.compensation_agreed,
        "compensation_paid": h.compensation_paid,
        "relocation_choice": h.relocation_choice,
        "vacated_on": h.vacated_on,
        "demolished_on": h.demolished_on,
        "note": h.note,
        "cadre_id": h.cadre_id,
        "cadre_name": h.cadre.name if h.cadre_id and h.cadre else None,
        "version": h.version,
    }


def _cadre_of(campaign: Campaign, cadre_id: int | None) -> Person | None:
    """The person named as a household's responsible cadre: one of the people of the campaign's township."""
    if cadre_id is None:
        return None
    person = selectors.cadre_choices(campaign).filter(pk=cadre_id).first()
    if person is None:
        message = _("The responsible cadre must hold a position in %(unit)s.") % {"unit": campaign.unit.name}
        raise ValidationFailed(message, details={"cadre_id": [message]})
    return person


def _parcel_of(campaign: Campaign, parcel_id: int | None) -> Parcel | None:
    if parcel_id is None:
        return None
    parcel = Parcel.objects.filter(campaign=campaign, pk=parcel_id).first()
    if parcel is None:
        message = _("That parcel belongs to another campaign.")
        raise ValidationFailed(message, details={"parcel_id": [message]})
    return parcel


# --- campaigns --------------------------------------------------------------------------------


@router.get("/campaigns", response={200: PageOut[RelocationCampaignOut], **ERRORS}, summary="Campaigns in your scope")
def list_campaigns(request: HttpRequest, filters: Query[RelocationCampaignQuery]) -> Any:
    qs = selectors.campaign_list(
        request.user, selectors.CampaignFilters(q=filters.q.strip(), stage=filters.stage or "", active=filters.active)
    )
    page = paginate(qs, filters.page, filters.page_size)
    page["results"] = [_campaign(c) for c in selectors.with_figures(page["results"], brief=True)]
    return page


@router.post("/campaigns", response={201: RelocationCampaignDetailOut, **ERRORS}, summary="Start a campaign")
def create_campaign(request: HttpRequest, payload: RelocationCampaignIn) -> Any:
    data = payload.dict()
    campaign = services.campaign_create(
        actor=request.user,
        unit=access_unit(request.user, data.pop("unit_id")),
        team=access_unit(request.user, data.pop("team_id")),
        **data,
    )
    return HttpStatus(201, _detail(request, campaign.pk))


@router.get(
    "/campaigns/{int:campaign_id}", response={200: RelocationCampaignDetailOut, **ERRORS}, summary="One campaign"
)
def get_campaign(request: HttpRequest, campaign_id: int) -> Any:
    return _detail(request, campaign_id)


@router.patch(
    "/campaigns/{int:campaign_id}", response={200: RelocationCampaignDetailOut, **ERRORS}, summary="Edit a campaign"
)
def update_campaign(request: HttpRequest, campaign_id: int, payload: RelocationCampaignPatch) -> Any:
    campaign = selectors.access_campaign(request.user, campaign_id)
    data = bounds.refuse_nulls(payload.dict(exclude_unset=True), nullable=("project_id",))
    version = data.pop("version")
    if "team_id" in data:
        data["team"] = access_unit(request.user, data.pop("team_id"))
    services.campaign_update(actor=request.user, campaign=campaign, version=version, **data)
    return _detail(request, campaign_id)


@router.post(
    "/campaigns/{int:campaign_id}/transitions",
    response={200: RelocationCampaignDetailOut, **ERRORS},
    summary="Move the campaign to its next stage (or one back)",
)
def transition_campaign(request: HttpRequest, campaign_id: int, payload: RelocationTransitionIn) -> Any:
    campaign = selectors.access_campaign(request.user, campaign_id)
    services.campaign_transition(
        actor=request.user, campaign=campaign, action=payload.action, comment=payload.comment, version=payload.version
    )
    return _detail(request, campaign_id)


@router.get(
    "/campaigns/{int:campaign_id}/progress",
    response={200: list[RelocationDayOut], **ERRORS},
    summary="Households signed, vacated and demolished per day, with running totals",
)
def campaign_progress(request: HttpRequest, campaign_id: int) -> Any:
    return selectors.daily_progress(selectors.access_campaign(request.user, campaign_id))


# --- parcels ----------------------------------------------------------------------------------


@router.post(
    "/campaigns/{int:campaign_id}/parcels", response={201: RelocationParcelOut, **ERRORS}, summary="Add a parcel"
)
def create_parcel(request: HttpRequest, campaign_id: int, payload: RelocationParcelIn) -> Any:
    campaign = selectors.access_campaign(request.user, campaign_id)
    data = payload.dict()
    parcel = services.parcel_create(actor=request.user, campaign=campaign, **data)
    return HttpStatus(201, _parcel(parcel))


@router.patch(
    "/campaigns/{int:campaign_id}/parcels/{int:parcel_id}",
    response={200: RelocationParcelOut, **ERRORS},
    summary="Edit a parcel",
)
def update_parcel(request: HttpRequest, campaign_id: int, parcel_id: int, payload: RelocationParcelPatch) -> Any:
    campaign = selectors.access_campaign(request.user, campaign_id)
    parcel = selectors.access_parcel(request.user, campaign, parcel_id)
    data = bounds.refuse_nulls(payload.dict(exclude_unset=True), nullable=("land_area", "lat", "lng", "transferred_on"))
    version = data.pop("version")
    parcel = services.parcel_update(actor=request.user, parcel=parcel, version=version, **data)
    return _parcel(parcel)


# --- the ledger -------------------------------------------------------------------------------


@router.get(
    "/campaigns/{int:campaign_id}/households",
    response={200: PageOut[RelocationHouseholdOut], **ERRORS},
    summary="The household ledger (owners masked)",
)
def list_households(request: HttpRequest, campaign_id: int, filters: Query[RelocationHouseholdQuery]) -> Any:
    campaign = selectors.access_campaign(request.user, campaign_id)
    qs = selectors.household_list(
        campaign,
        selectors.HouseholdFilters(
            state=filters.state or "", parcel_id=filters.parcel_id, q=filters.q.strip(), unpaid=filters.unpaid
        ),
        by_name=can(request.user, "relocation.ledger.edit", campaign),
    )
    page = paginate(qs, filters.page, filters.page_size)
    page["results"] = [_household(h, reveal=False) for h in page["results"]]
    return page


@router.post(
    "/campaigns/{int:campaign_id}/households",
    response={201: RelocationHouseholdOut, **ERRORS},
    summary="Add a household",
)
def create_household(request: HttpRequest, campaign_id: int, payload: RelocationHouseholdIn) -> Any:
    campaign = selectors.access_campaign(request.user, campaign_id)
    data = payload.dict()
    data["parcel"] = _parcel_of(campaign, data.pop("parcel_id"))
    data["cadre"] = _cadre_of(campaign, data.pop("cadre_id"))
    household = services.household_create(actor=request.user, campaign=campaign, **data)
    return HttpStatus(201, _household(household, reveal=True))


@router.get(
    "/campaigns/{int:campaign_id}/households/{int:household_id}",
    response={200: RelocationHouseholdOut, **ERRORS},
    summary="One household (unmasked for ledger keepers; every read is logged)",
)
def get_household(request: HttpRequest, campaign_id: int, household_id: int) -> Any:
    campaign = selectors.access_campaign(request.user, campaign_id)
    household, reveal = services.household_open(actor=request.user, campaign=campaign, pk=household_id)
    return _household(household, reveal=reveal)


@router.patch(
    "/campaigns/{int:campaign_id}/households/{int:household_id}",
    response={200: RelocationHouseholdOut, **ERRORS},
    summary="Record a step or correct a household",
)
def update_household(
    request: HttpRequest, campaign_id: int, household_id: int, payload: RelocationHouseholdPatch
) -> Any:
    campaign = selectors.access_campaign(request.user, campaign_id)
    household = selectors.access_household(campaign, household_id)
    nullable = ("parcel_id", "signed_on", "compensation_agreed", "vacated_on", "demolished_on", "cadre_id")
    data = bounds.refuse_nulls(payload.dict(exclude_unset=True), nullable=nullable)
    version = data.pop("version")
    if "parcel_id" in data:
        data["parcel"] = _parcel_of(campaign, data.pop("parcel_id"))
    if "cadre_id" in data:
        data["cadre"] = _cadre_of(campaign, data.pop("cadre_id"))
    household = services.household_update(actor=request.user, household=household, version=version, **data)
    return _household(household, reveal=True)


@router.delete(
    "/campaigns/{int:campaign_id}/households/{int:household_id}",
    response={204: None, **ERRORS},
    summary="Remove a household entered by mistake (not once it has signed)",
)
def delete_household(request: HttpRequest, campaign_id: int, household_id: int) -> Any:
    campaign = selectors.access_campaign(request.user, campaign_id)
    services.household_delete(actor=request.user, household=selectors.access_household(campaign, household_id))
    return HttpStatus(204, None)
