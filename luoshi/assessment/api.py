"""Assessment API under /api/v1/assessment/: thin handlers over selectors and services.

Schema names start with ``Assessment`` so they stay unique in the OpenAPI document.
Reads are scoped exactly as the pages are; ``allowed_actions`` lists what the services
would accept from the caller now.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, File, Query, Router, Schema, UploadedFile
from ninja.responses import Status as HttpStatus

from luoshi.api.pagination import paginate
from luoshi.api.schemas import BodySchema, ErrorOut, PageOut, PlainOut
from luoshi.assessment import permissions, selectors, services, workflow
from luoshi.assessment.models import Appeal, Evidence, Item, Result, Run, RunState
from luoshi.assessment.workflow import Action
from luoshi.core.errors import NotFound

router = Router(tags=["assessment"])

ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut,
}  # fmt: skip


# --- schemas ------------------------------------------------------------------------------------


class AssessmentSchemeOut(PlainOut):
    id: int
    name: str
    owner_id: int
    owner_name: str
    subject_type: str = Field(description="unit or person (cadres)")
    unit_kinds: list[str]
    posts: list[str]
    period_kind: str


class AssessmentItemOut(PlainOut):
    id: int
    name: str
    kind: str = Field(description="auto (from a metric) or manual (scored by a reviewer)")
    points: Decimal
    weight: Decimal
    metric_key: str
    metric_param: str
    rule: dict[str, Any]
    description: str


class AssessmentSectionOut(PlainOut):
    id: int
    name: str
    kind: str = Field(description="base, bonus (加分) or deduction (扣分)")
    weight: Decimal
    items: list[AssessmentItemOut]


class AssessmentVersionOut(PlainOut):
    id: int
    number: int
    status: str
    effective_from: dt.date
    bands: list[dict[str, str]]
    sections: list[AssessmentSectionOut]


class AssessmentSchemeDetailOut(AssessmentSchemeOut):
    description: str
    versions: list[AssessmentVersionOut]


class AssessmentRunOut(PlainOut):
    id: int
    scheme_id: int
    scheme_name: str
    scheme_version: int
    period: str
    state: str
    revision: int = Field(description="The published version of the results (2 and up after upheld appeals)")
    subject_count: int
    computed_at: dt.datetime
    frozen_at: dt.datetime | None
    published_at: dt.datetime | None
    allowed_actions: list[str]
    missing_manual_scores: int


class AssessmentResultOut(PlainOut):
    subject_type: str
    subject_id: int
    unit_id: int
    name: str
    rank: int | None
    total: Decimal
    base: Decimal
    bonus: Decimal
    deduction: Decimal
    band: str
    sections: dict[str, Decimal] = Field(description="Section id → subtotal")
    pending_manual_scores: int


class AssessmentEvidenceOut(PlainOut):
    id: int
    name: str
    size: int
    url: str = Field(description="Where the file is downloaded (for those who may see the result)")


class AssessmentItemScoreOut(PlainOut):
    item_id: int
    section_id: int
    name: str
    kind: str
    points: Decimal = Field(description="Full points")
    value: Decimal | None = Field(None, description="The metric's figure; null when there is nothing to measure")
    basis: str
    count: int = Field(description="How many records lie behind the figure")
    earned: Decimal | None = Field(None, description="Points earned; null for a manual item not scored yet")
    contribution: Decimal = Field(description="What the item adds to (or takes from) the total")
    rank: int | None = None
    reason: str = Field("", description="A manual score's written reason")
    evidence: list[AssessmentEvidenceOut] = Field([], description="A manual score's evidence files")


class AssessmentBreakdownOut(AssessmentResultOut):
    run_id: int
    period: str
    items: list[AssessmentItemScoreOut]
    allowed_actions: list[str] = Field(description="score (manual items) and appeal, when the caller may")


class AssessmentRecordOut(PlainOut):
    kind: str
    id: int
    label: str
    url: str
    note: str


class AssessmentRecordsOut(PlainOut):
    snapshot: bool = Field(description="True once the run is frozen: the records kept with it")
    count: int
    records: list[AssessmentRecordOut]


class AssessmentAppealOut(PlainOut):
    id: int
    subject_id: int
    unit_name: str
    item_id: int
    item_name: str
    reason: str
    state: str
    reply: str
    old_points: Decimal | None
    corrected_points: Decimal | None
    revision: int | None
    filed_at: dt.datetime
    evidence: list[AssessmentEvidenceOut]


class AssessmentRunQuery(Schema):
    scheme_id: int | None = Field(None, ge=1, le=2_147_483_647)
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class AssessmentResultQuery(Schema):
    sort: Literal["rank", "-rank", "name", "-name", "total", "-total", "bonus", "deduction"] = "rank"
    band: str = Field("", max_length=20)
    q: str = Field("", max_length=50)
    page: int = Field(1, ge=1)
    page_size: int = Field(100, ge=1, le=500)


class AssessmentComputeIn(BodySchema):
    period: str = Field(..., min_length=4, max_length=8, description="2026-03, 2026-Q1, 2026-H1 or 2026")


class AssessmentTransitionIn(BodySchema):
    action: Literal["recompute", "freeze", "reopen", "publish", "archive"]
    comment: str = Field("", max_length=500)
    version: int | None = Field(None, ge=0)


class AssessmentManualScoreIn(BodySchema):
    item_id: int = Field(..., ge=1, le=2_147_483_647)
    points: Decimal = Field(..., ge=0, le=1000, decimal_places=2, json_schema_extra={"multipleOf": 0.01})
    reason: str = Field(..., min_length=1, max_length=2000)


class AssessmentAppealIn(BodySchema):
    item_id: int = Field(..., ge=1, le=2_147_483_647)
    reason: str = Field(..., min_length=1, max_length=2000)


class AssessmentDecisionIn(BodySchema):
    action: Literal["uphold", "reject"]
    reply: str = Field(..., min_length=1, max_length=2000)
    corrected_points: Decimal | None = Field(
        None, ge=0, le=1000, decimal_places=2, json_schema_extra={"multipleOf": 0.01}
    )


# --- helpers --------------------------------------------------------------------------------------


def _scheme(s: Any) -> dict[str, Any]:
    return {
        "id": s.pk, "name": s.name, "owner_id": s.owner_id, "owner_name": s.owner.name,
        "subject_type": s.subject_type, "unit_kinds": list(s.unit_kinds), "posts": list(s.posts),
        "period_kind": s.period_kind,
    }  # fmt: skip


def _run(request: HttpRequest, run: Run) -> dict[str, Any]:
    missing = services.run_missing_manual(run) if run.state == RunState.REVIEW else 0
    actions = [
        a
        for a in workflow.allowed_actions(run.state, permissions.run_roles(request.user, run))
        if a not in (Action.SCORE, Action.APPEAL) and not (a == Action.FREEZE and missing)
    ]
    return {
        "id": run.pk, "scheme_id": run.scheme_id, "scheme_name": run.scheme.name,
        "scheme_version": run.scheme_version.number, "period": run.period_key, "state": run.state,
        "revision": run.revision, "subject_count": run.subject_count, "computed_at": run.computed_at,
        "frozen_at": run.frozen_at, "published_at": run.published_at, "allowed_actions": actions,
        "missing_manual_scores": missing,
    }  # fmt: skip


def _result(r: Result) -> dict[str, Any]:
    return {
        "subject_type": r.subject_type, "subject_id": r.subject_id, "unit_id": r.unit_id, "name": r.name,
        "rank": r.rank, "total": r.total, "base": r.base, "bonus": r.bonus, "deduction": r.deduction,
        "band": r.band, "sections": r.sections, "pending_manual_scores": r.pending,
    }  # fmt: skip


def _dec(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _evidence(e: Evidence) -> dict[str, Any]:
    return {"id": e.pk, "name": e.name, "size": e.size, "url": reverse("assessment:evidence", args=[e.pk])}


def _appeal(a: Appeal) -> dict[str, Any]:
    """An appeal (its ``files`` prefetched)."""
    return {
        "id": a.pk, "subject_id": a.subject_id, "unit_name": a.unit.name, "item_id": a.item_id,
        "item_name": a.item.name, "reason": a.reason, "state": a.state, "reply": a.reply,
        "old_points": a.old_points, "corrected_points": a.corrected_points, "revision": a.revision,
        "filed_at": a.filed_at, "evidence": [_evidence(e) for e in a.files.all()],
    }  # fmt: skip


def _one_appeal(pk: int) -> dict[str, Any]:
    return _appeal(Appeal.objects.select_related("unit", "item").prefetch_related("files").get(pk=pk))


def _item(run: Run, item_id: int) -> Item:
    item = Item.objects.select_related("section").filter(pk=item_id, section__scheme_version=run.scheme_version).first()
    if item is None:
        raise NotFound()
    return item


# --- schemes ----------------------------------------------------------------------------------------


@router.get("/schemes", response={200: list[AssessmentSchemeOut], **ERRORS}, summary="Schemes in your scope")
def list_schemes(request: HttpRequest) -> Any:
    return [_scheme(s) for s in selectors.scheme_list(request.user)[:200]]


@router.get("/schemes/{int:scheme_id}", response={200: AssessmentSchemeDetailOut, **ERRORS}, summary="One scheme")
def get_scheme(request: HttpRequest, scheme_id: int) -> Any:
    scheme = selectors.access_scheme(request.user, scheme_id)
    versions = []
    for v in scheme.versions.order_by("-number").prefetch_related("sections__items"):
        sections = [
            {"id": s.pk, "name": s.name, "kind": s.kind, "weight": s.weight, "items": [
                {"id": i.pk, "name": i.name, "kind": i.kind, "points": i.points, "weight": i.weight,
                 "metric_key": i.metric_key, "metric_param": i.metric_param, "rule": i.rule,
                 "description": i.description}
                for i in s.items.all()
            ]}
            for s in v.sections.all()
        ]  # fmt: skip
        versions.append({"id": v.pk, "number": v.number, "status": v.status, "effective_from": v.effective_from,
                         "bands": v.bands, "sections": sections})  # fmt: skip
    return {**_scheme(scheme), "description": scheme.description, "versions": versions}


@router.post(
    "/schemes/{int:scheme_id}/runs", response={201: AssessmentRunOut, **ERRORS}, summary="Compute a period's run"
)
def compute_run(request: HttpRequest, scheme_id: int, payload: AssessmentComputeIn) -> Any:
    scheme = selectors.access_scheme(request.user, scheme_id)
    run = services.run_compute(actor=request.user, scheme=scheme, period_key=payload.period.strip())
    return HttpStatus(201, _run(request, selectors.access_run(request.user, run.pk)))


# --- runs -------------------------------------------------------------------------------------------


@router.get("/runs", response={200: PageOut[AssessmentRunOut], **ERRORS}, summary="Runs you may see")
def list_runs(request: HttpRequest, filters: Query[AssessmentRunQuery]) -> Any:
    scheme = selectors.access_scheme(request.user, filters.scheme_id) if filters.scheme_id else None
    runs = selectors.run_list(request.user, scheme)
    if scheme is None and filters.scheme_id:
        runs = runs.none()
    page = paginate(runs, filters.page, filters.page_size)
    page["results"] = [_run(request, r) for r in page["results"]]
    return page


@router.get("/runs/{int:run_id}", response={200: AssessmentRunOut, **ERRORS}, summary="One run")
def get_run(request: HttpRequest, run_id: int) -> Any:
    return _run(request, selectors.access_run(request.user, run_id))


@router.post(
    "/runs/{int:run_id}/transitions",
    response={200: AssessmentRunOut, **ERRORS},
    summary="Recompute, freeze, reopen, publish or archive the run",
)
def transition_run(request: HttpRequest, run_id: int, payload: AssessmentTransitionIn) -> Any:
    run = selectors.access_run(request.user, run_id)
    services.run_transition(
        actor=request.user, run=run, action=payload.action, expected=payload.version, comment=payload.comment
    )
    return _run(request, selectors.access_run(request.user, run_id))


@router.get(
    "/runs/{int:run_id}/results", response={200: PageOut[AssessmentResultOut], **ERRORS}, summary="The run's table"
)
def list_results(request: HttpRequest, run_id: int, filters: Query[AssessmentResultQuery]) -> Any:
    run = selectors.access_run(request.user, run_id)
    rows = selectors.run_results(request.user, run, sort=filters.sort, band=filters.band.strip(), q=filters.q.strip())
    page = paginate(rows, filters.page, filters.page_size)  # type: ignore[arg-type]
    page["results"] = [_result(r) for r in page["results"]]
    return page


@router.get(
    "/runs/{int:run_id}/results/{int:subject_id}",
    response={200: AssessmentBreakdownOut, **ERRORS},
    summary="One unit's or cadre's breakdown: every item with its figure and points",
)
def get_result(request: HttpRequest, run_id: int, subject_id: int) -> Any:
    run = selectors.access_run(request.user, run_id)
    result = selectors.access_result(request.user, run, subject_id)
    structure = selectors.structure_of(run)
    manual = selectors.manual_scores(run, subject_id) if any(i.kind == "manual" for i in structure.items) else {}
    items = []
    for line in selectors.breakdown(structure, result):
        for i in line.items:
            score = manual.get(i.item.id)
            items.append({
                "item_id": i.item.id, "section_id": line.section.id, "name": i.item.name, "kind": i.item.kind,
                "points": i.item.points, "value": _dec(i.value), "basis": i.basis, "count": i.count,
                "earned": _dec(i.points), "contribution": Decimal(i.contribution), "rank": i.rank,
                "reason": score.reason if score else "",
                "evidence": [_evidence(e) for e in getattr(score, "evidence", [])],
            })  # fmt: skip
    roles = permissions.result_roles(request.user, run, result)
    allowed = [a for a in workflow.allowed_actions(run.state, roles) if a in (Action.SCORE, Action.APPEAL)]
    return {**_result(result), "run_id": run.pk, "period": run.period_key, "items": items, "allowed_actions": allowed}


@router.get(
    "/runs/{int:run_id}/results/{int:subject_id}/items/{int:item_id}/records",
    response={200: AssessmentRecordsOut, **ERRORS},
    summary="The records (tasks, cases, values) behind one item's figure, each with its link",
)
def item_records(request: HttpRequest, run_id: int, subject_id: int, item_id: int) -> Any:
    run = selectors.access_run(request.user, run_id)
    result = selectors.access_result(request.user, run, subject_id)
    structure = selectors.structure_of(run)
    item = next((i for i in structure.items if i.id == item_id), None)
    if item is None:
        raise NotFound()
    records, snapshot = selectors.item_records(run, result, item)
    count = int(result.item(item_id).get("c") or 0)
    return {"snapshot": snapshot, "count": count, "records": [r.__dict__ for r in records]}


@router.post(
    "/runs/{int:run_id}/results/{int:subject_id}/manual-scores",
    response={200: AssessmentBreakdownOut, **ERRORS},
    summary="Enter a manual item's score with its reason (then add evidence files to it: …/evidence)",
)
def manual_score(request: HttpRequest, run_id: int, subject_id: int, payload: AssessmentManualScoreIn) -> Any:
    run = selectors.access_run(request.user, run_id)
    selectors.access_result(request.user, run, subject_id)
    services.manual_score_enter(
        actor=request.user, run=run, item=_item(run, payload.item_id), subject_id=subject_id,
        points=payload.points, reason=payload.reason,
    )  # fmt: skip
    return get_result(request, run_id, subject_id)


@router.post(
    "/runs/{int:run_id}/results/{int:subject_id}/manual-scores/{int:item_id}/evidence",
    response={201: list[AssessmentEvidenceOut], **ERRORS},
    summary="Add evidence files to a manual score already entered (multipart field `files`; at most 5 files "
    "per score; type, size and content are checked)",
)
def manual_score_evidence(
    request: HttpRequest, run_id: int, subject_id: int, item_id: int, files: File[list[UploadedFile]]
) -> Any:
    run = selectors.access_run(request.user, run_id)
    selectors.access_result(request.user, run, subject_id)
    stored = services.manual_score_add_evidence(
        actor=request.user, run=run, item=_item(run, item_id), subject_id=subject_id, files=files
    )
    return HttpStatus(201, [_evidence(e) for e in stored])


@router.get("/runs/{int:run_id}/appeals", response={200: list[AssessmentAppealOut], **ERRORS}, summary="Appeals")
def list_appeals(request: HttpRequest, run_id: int) -> Any:
    run = selectors.access_run(request.user, run_id)
    return [_appeal(a) for a in selectors.appeals_for(request.user, run)[:500]]


@router.post(
    "/runs/{int:run_id}/results/{int:subject_id}/appeals",
    response={201: AssessmentAppealOut, **ERRORS},
    summary="Appeal one item of a published result (申诉)",
)
def file_appeal(request: HttpRequest, run_id: int, subject_id: int, payload: AssessmentAppealIn) -> Any:
    run = selectors.access_run(request.user, run_id)
    result = selectors.access_result(request.user, run, subject_id)
    appeal = services.appeal_file(
        actor=request.user, run=run, result=result, item=_item(run, payload.item_id), reason=payload.reason
    )
    return HttpStatus(201, _one_appeal(appeal.pk))


@router.post(
    "/appeals/{int:appeal_id}/evidence",
    response={201: list[AssessmentEvidenceOut], **ERRORS},
    summary="Add evidence files to an appeal waiting for a decision (multipart field `files`; at most 5 files "
    "per appeal; type, size and content are checked)",
)
def appeal_evidence(request: HttpRequest, appeal_id: int, files: File[list[UploadedFile]]) -> Any:
    appeal = selectors.access_appeal(request.user, appeal_id)
    stored = services.appeal_add_evidence(actor=request.user, appeal=appeal, files=files)
    return HttpStatus(201, [_evidence(e) for e in stored])


@router.post(
    "/appeals/{int:appeal_id}/decision",
    response={200: AssessmentAppealOut, **ERRORS},
    summary="Uphold (a new published version) or reject an appeal, with a reply",
)
def decide_appeal(request: HttpRequest, appeal_id: int, payload: AssessmentDecisionIn) -> Any:
    appeal = selectors.access_appeal(request.user, appeal_id)
    services.appeal_decide(
        actor=request.user, appeal=appeal, action=payload.action, reply=payload.reply,
        corrected_points=payload.corrected_points,
    )  # fmt: skip
    return _one_appeal(appeal_id)
