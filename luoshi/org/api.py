"""Units API: thin handlers over the org selectors and services."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from luoshi.api.pagination import paginate
from luoshi.api.schemas import ErrorOut, PageOut
from luoshi.core import bounds
from luoshi.org import selectors, services
from luoshi.org.models import Unit, UnitKind

router = Router(tags=["units"])

ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    code: str
    division_code: str
    parent_id: int | None
    depth: int
    is_active: bool
    version: int

    @staticmethod
    def resolve_kind_label(obj: Unit | dict[str, Any]) -> str:
        kind = obj["kind"] if isinstance(obj, dict) else obj.kind
        return str(UnitKind(kind).label)


class UnitListItem(UnitOut):
    parent_name: str | None = None
    child_count: int = 0

    @staticmethod
    def resolve_parent_name(obj: Unit | dict[str, Any]) -> str | None:
        if isinstance(obj, dict):
            return obj.get("parent_name")
        return obj.parent.name if obj.parent_id and obj.parent else None


class PositionOut(Schema):
    person_id: int
    person_name: str
    title: str
    is_leader: bool
    post: str = ""


class UnitDetail(UnitOut):
    description: str
    ancestors: list[UnitOut]
    children: list[UnitListItem]
    positions: list[PositionOut]


class TreeNodeOut(Schema):
    id: int
    name: str
    kind: str
    code: str
    children: list[TreeNodeOut] = []


class UnitFilters(Schema):
    q: str = Field("", description="Name contains, exact short code, or division code prefix")
    kind: UnitKind | None = None
    parent: bounds.Id | None = Field(None, description="Only direct children of this unit")
    within: bounds.Id | None = Field(None, description="Only units in this unit's subtree")
    page: bounds.Page = 1
    page_size: bounds.PageSize = Field(50, description="1 to 500")


class UnitIn(Schema):
    parent_id: bounds.Id
    name: str = Field(..., min_length=1, max_length=100)
    kind: UnitKind
    code: str = Field(..., min_length=2, max_length=12)
    division_code: str = Field("", max_length=12)
    sort_order: bounds.SortOrder = 0
    description: bounds.Text = ""


class UnitPatch(Schema):
    version: bounds.Version = Field(..., description="The version you read; a stale one gets 409")
    name: str | None = Field(None, min_length=1, max_length=100)
    kind: UnitKind | None = None
    code: str | None = Field(None, min_length=2, max_length=12)
    division_code: str | None = Field(None, max_length=12)
    sort_order: bounds.SortOrder | None = None
    description: bounds.Text | None = None
    is_active: bool | None = None
    parent_id: bounds.Id | None = Field(None, description="Move the unit (and its subtree) under another unit")


@router.get("", response={200: PageOut[UnitListItem], **ERRORS}, summary="List units in your scope")
def list_units(request: HttpRequest, filters: Query[UnitFilters]) -> Any:
    parent = selectors.access_unit(request.user, filters.parent) if filters.parent else None
    within = selectors.access_unit(request.user, filters.within) if filters.within else None
    qs = selectors.unit_list(
        request.user, q=filters.q, kind=filters.kind.value if filters.kind else "", parent=parent, within=within
    )
    return paginate(qs, filters.page, filters.page_size)


@router.get("/tree", response={200: list[TreeNodeOut], **ERRORS}, summary="The unit tree in your scope")
def unit_tree(request: HttpRequest, root: int | None = None, max_depth: int | None = None) -> Any:
    root_unit = selectors.access_unit(request.user, root) if root else None

    def to_dict(node: selectors.TreeNode) -> dict[str, Any]:
        u = node.unit
        return {
            "id": u.pk,
            "name": u.name,
            "kind": u.kind,
            "code": u.code,
            "children": [to_dict(c) for c in node.children],
        }

    return [to_dict(n) for n in selectors.unit_tree(request.user, root=root_unit, max_depth=max_depth)]


def _detail(request: HttpRequest, unit: Unit) -> dict[str, Any]:
    return {
        **UnitOut.from_orm(unit).dict(),
        "description": unit.description,
        "ancestors": selectors.unit_ancestors(request.user, unit),
        "children": list(selectors.unit_children(request.user, unit).select_related("parent")),
        "positions": [
            {
                "person_id": p.person_id,
                "person_name": p.person.name,
                "title": p.title,
                "is_leader": p.is_leader,
                "post": p.post,
            }
            for p in selectors.unit_positions(request.user, unit)
        ],
    }


@router.get("/{int:unit_id}", response={200: UnitDetail, **ERRORS}, summary="One unit with its children and people")
def get_unit(request: HttpRequest, unit_id: int) -> Any:
    return _detail(request, selectors.access_unit(request.user, unit_id))


@router.post("", response={201: UnitDetail, **ERRORS}, summary="Create a unit (administrators)")
def create_unit(request: HttpRequest, payload: UnitIn) -> Any:
    parent = selectors.access_unit(request.user, payload.parent_id)
    unit = services.unit_create(
        actor=request.user,
        parent=parent,
        name=payload.name,
        kind=payload.kind.value,
        code=payload.code,
        division_code=payload.division_code,
        sort_order=payload.sort_order,
        description=payload.description,
    )
    return Status(201, _detail(request, selectors.access_unit(request.user, unit.pk)))


@router.patch("/{int:unit_id}", response={200: UnitDetail, **ERRORS}, summary="Change or move a unit (administrators)")
def update_unit(request: HttpRequest, unit_id: int, payload: UnitPatch) -> Any:
    unit = selectors.access_unit(request.user, unit_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    if "parent_id" in data:
        parent_id = data.pop("parent_id")
        data["parent"] = selectors.access_unit(request.user, parent_id) if parent_id else None
    if "kind" in data and data["kind"] is not None:
        data["kind"] = UnitKind(data["kind"]).value
    data = {k: v for k, v in data.items() if v is not None or k == "parent"}
    services.unit_update(actor=request.user, unit=unit, version=version, **data)
    return _detail(request, selectors.access_unit(request.user, unit_id))
