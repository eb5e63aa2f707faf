"""Bulletin archive API under /api/v1/bulletins: list, detail and the stored files.

Schema names start with ``Bulletin`` so they stay unique in the OpenAPI document.
Issued bulletins are frozen; their .docx, .pdf and .xlsx are served as stored at issue time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import FileResponse, HttpRequest
from ninja import Field, Query, Router, Schema

from luoshi.api.pagination import paginate
from luoshi.api.schemas import ErrorOut, PageOut
from luoshi.bulletins import selectors
from luoshi.bulletins.models import Bulletin, Kind, Status
from luoshi.bulletins.views import CONTENT_TYPES
from luoshi.core.errors import NotFound

router = Router(tags=["bulletins"])

ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class BulletinQuery(Schema):
    status: Literal["", "draft", "review", "approved", "issued"] = Field(
        "", description="Empty: every state you may see"
    )
    kind: Literal["", "weekly", "monthly", "special", "ranking"] = ""
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=500)


class BulletinListItem(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    title: str
    doc_number: str = Field(description="发文字号, empty until issued")
    unit_id: int
    unit_name: str
    as_of: dt.date = Field(description="The record the bulletin reports is the one at the end of this day")
    period_start: dt.date
    issued_on: dt.date | None
    files: list[str] = Field(description="Stored files: docx, pdf, xlsx")


class BulletinSectionOut(Schema):
    key: str
    title: str
    position: int
    included: bool
    text: str
    paragraphs: list[str]
    tables: list[dict[str, Any]]


class BulletinDetailOut(BulletinListItem):
    subject: str
    recipients: list[str]
    cc: str
    sections: list[BulletinSectionOut]
    version: int


def _item(b: Bulletin) -> dict[str, Any]:
    return {
        "id": b.pk, "kind": b.kind, "kind_label": str(Kind(b.kind).label), "status": b.status,
        "status_label": str(Status(b.status).label), "title": b.title, "doc_number": b.doc_number,
        "unit_id": b.unit_id, "unit_name": b.unit.name, "as_of": b.as_of, "period_start": b.period_start,
        "issued_on": b.issued_on, "files": [f for f in ("docx", "pdf", "xlsx") if getattr(b, f)],
    }  # fmt: skip


@router.get("", response={200: PageOut[BulletinListItem], **ERRORS}, summary="List the bulletins you may read")
def list_bulletins(request: HttpRequest, query: Query[BulletinQuery]) -> Any:
    page = paginate(
        selectors.bulletin_list(request.user, status=query.status, kind=query.kind), query.page, query.page_size
    )
    page["results"] = [_item(b) for b in page["results"]]
    return page


@router.get("/{int:bulletin_id}", response={200: BulletinDetailOut, **ERRORS}, summary="One bulletin with its sections")
def get_bulletin(request: HttpRequest, bulletin_id: int) -> Any:
    b = selectors.access_bulletin(request.user, bulletin_id)
    sections = [
        {
            "key": s.key, "title": s.title, "position": s.position, "included": s.included, "text": s.text,
            "paragraphs": (s.content or {}).get("paragraphs", []), "tables": (s.content or {}).get("tables", []),
        }
        for s in selectors.sections_of(b)
    ]  # fmt: skip
    return {
        **_item(b), "subject": b.subject, "recipients": [u.name for u in b.recipients.order_by("sort_order", "pk")],
        "cc": b.cc, "sections": sections, "version": b.version,
    }  # fmt: skip


@router.get(
    "/{int:bulletin_id}/file/{fmt}",
    response={200: None, **ERRORS},
    summary="Download a stored file of an issued bulletin (docx, pdf or xlsx)",
    openapi_extra={
        "responses": {"200": {"description": "The file", "content": {t: {} for t in CONTENT_TYPES.values()}}}
    },
)
def get_bulletin_file(request: HttpRequest, bulletin_id: int, fmt: Literal["docx", "pdf", "xlsx"]) -> Any:
    b = selectors.access_bulletin(request.user, bulletin_id)
    stored = getattr(b, fmt) if b.status == Status.ISSUED else None
    if not stored:
        raise NotFound()
    return FileResponse(
        stored.open("rb"), as_attachment=True, filename=f"{b.doc_number}.{fmt}", content_type=CONTENT_TYPES[fmt]
    )
