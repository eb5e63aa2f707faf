"""Awards API under /api/v1/awards/: thin handlers over selectors and services.

Schema names start with ``Award`` so they stay unique in the OpenAPI document.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from luoshi.api.pagination import paginate
from luoshi.api.schemas import BodySchema, ErrorOut, PageOut, PlainOut
from luoshi.awards import permissions, selectors, services, workflow
from luoshi.awards.models import AwardRound, ListIssue, ListStatus, Nomination
from luoshi.core.errors import NotFound

router = Router(tags=["awards"])

ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut,
}  # fmt: skip


class AwardTypeOut(PlainOut):
    id: int
    code: str
    name: str
    contest: str = Field(description="The 比 the award stands for, e.g. 比作为")
    kind: str = Field(description="star or champion (冲刺单项冠军)")
    subject_kind: str = Field(description="unit or person")
    metric: str = Field(description="The registered metric that suggests candidates; empty: nominations only")
    metric_param: str
    period_kind: str


class AwardRoundOut(PlainOut):
    id: int
    award_type_id: int
    award: str
    unit_id: int
    unit_name: str
    period: str = Field(description="2026-Q3, 2026-09 …")
    status: str
    version: int
    published_at: dt.datetime | None


class AwardNominationOut(PlainOut):
    id: int
    nominee_name: str
    unit_id: int | None
    person_id: int | None
    nominating_unit: str
    reason: str
    figure: str
    votes: int
    is_winner: bool
    citation: str
    evidence: list[str] = Field(description="Names of the evidence files")


class AwardRoundDetailOut(AwardRoundOut):
    allowed_actions: list[str] = Field(description="What you may do now (the same table the service checks)")
    nominations: list[AwardNominationOut]


class AwardRoundQuery(Schema):
    status: Literal["nominating", "voting", "decided", "published"] | None = None
    period: str = Field("", max_length=8)
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=500)


class AwardVoteIn(BodySchema):
    nomination_id: int = Field(ge=1, le=2**31 - 1)


class AwardListEntryOut(PlainOut):
    color: str = Field(description="red or black")
    position: int
    unit_id: int
    unit_name: str
    rule: str
    value: Decimal | None
    reason: str


class AwardListOut(PlainOut):
    id: int
    unit_id: int
    unit_name: str
    period: str
    status: str
    published_at: dt.datetime | None


class AwardListDetailOut(AwardListOut):
    entries: list[AwardListEntryOut]


class AwardPageQuery(Schema):
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=500)


def _round(r: AwardRound) -> dict[str, Any]:
    return {
        "id": r.pk,
        "award_type_id": r.award_type_id,
        "award": str(r.award_type),
        "unit_id": r.unit_id,
        "unit_name": r.unit.name,
        "period": r.period,
        "status": r.status,
        "version": r.version,
        "published_at": r.published_at,
    }


def _nomination(n: Nomination, votes: int) -> dict[str, Any]:
    return {
        "id": n.pk,
        "nominee_name": n.nominee_name,
        "unit_id": n.unit_id,
        "person_id": n.person_id,
        "nominating_unit": n.nominating_unit.name,
        "reason": n.reason,
        "figure": n.figure,
        "votes": votes,
        "is_winner": n.is_winner,
        "citation": n.citation,
        "evidence": [e.original_name for e in n.evidence.all()],
    }


def _detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    rnd = selectors.access_round(request.user, pk)
    allowed = workflow.allowed(workflow.ROUND_ROWS, rnd.status, permissions.round_roles(request.user, rnd))
    return {
        **_round(rnd),
        "allowed_actions": allowed,
        "nominations": [_nomination(t.nomination, t.votes) for t in selectors.round_detail(rnd)],
    }


def _list(i: ListIssue) -> dict[str, Any]:
    return {
        "id": i.pk,
        "unit_id": i.unit_id,
        "unit_name": i.unit.name,
        "period": i.period,
        "status": i.status,
        "published_at": i.published_at,
    }


@router.get("/types", response={200: list[AwardTypeOut], **ERRORS}, summary="Award types in use")
def list_types(request: HttpRequest) -> Any:
    return list(selectors.award_types())


@router.get("/rounds", response={200: PageOut[AwardRoundOut], **ERRORS}, summary="Award rounds you can see")
def list_rounds(request: HttpRequest, filters: Query[AwardRoundQuery]) -> Any:
    qs = selectors.round_list(request.user, status=filters.status or "", period=filters.period.strip())
    page = paginate(qs, filters.page, filters.page_size)
    page["results"] = [_round(r) for r in page["results"]]
    return page


@router.get("/rounds/{int:round_id}", response={200: AwardRoundDetailOut, **ERRORS}, summary="One award round")
def get_round(request: HttpRequest, round_id: int) -> Any:
    return _detail(request, round_id)


@router.post(
    "/rounds/{int:round_id}/votes", response={200: AwardRoundDetailOut, **ERRORS}, summary="Vote (panel members)"
)
def cast_vote(request: HttpRequest, round_id: int, payload: AwardVoteIn) -> Any:
    rnd = selectors.access_round(request.user, round_id)
    nomination = Nomination.objects.filter(pk=payload.nomination_id, round=rnd).first()
    if nomination is None:
        raise NotFound()
    services.vote(actor=request.user, rnd=rnd, nomination=nomination)
    return _detail(request, round_id)


@router.get("/lists", response={200: PageOut[AwardListOut], **ERRORS}, summary="Red and black lists you can see")
def list_lists(request: HttpRequest, filters: Query[AwardPageQuery]) -> Any:
    qs = selectors.list_issues(request.user)
    page = paginate(qs, filters.page, filters.page_size)
    page["results"] = [_list(i) for i in page["results"]]
    return page


@router.get("/lists/{int:list_id}", response={200: AwardListDetailOut, **ERRORS}, summary="One red and black list")
def get_list(request: HttpRequest, list_id: int) -> Any:
    issue = selectors.access_list(request.user, list_id)
    if issue.status != ListStatus.PUBLISHED and not permissions.list_roles(request.user, issue):
        raise NotFound()
    entries = selectors.list_entries(issue)
    return {
        **_list(issue),
        "entries": [
            {
                "color": e.color,
                "position": e.position,
                "unit_id": e.unit_id,
                "unit_name": e.unit_name,
                "rule": e.rule_name,
                "value": e.value,
                "reason": e.reason,
            }
            for color in ("red", "black")
            for e in entries[color]
        ],
    }
