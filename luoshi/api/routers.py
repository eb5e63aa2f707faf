from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from luoshi.accounts.types import signed_in
from luoshi.org.scope import scope_for
from luoshi.org.selectors import person_for_user

me_router = Router(tags=["me"])


class MyRoleOut(Schema):
    role: str
    role_label: str
    unit_id: int
    unit_name: str


class MyPositionOut(Schema):
    unit_id: int
    unit_name: str
    title: str
    is_leader: bool


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    is_superuser: bool
    roles: list[MyRoleOut]
    positions: list[MyPositionOut]


@me_router.get("/me", response=MeOut, summary="The current user, their roles and positions")
def me(request: HttpRequest) -> dict[str, Any]:
    from luoshi.org.models import Role, RoleGrant

    user = signed_in(request.user)
    grants = RoleGrant.objects.filter(user=user).select_related("unit").order_by("unit__path", "role")
    person = person_for_user(user)
    scope_for(user)
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "is_superuser": user.is_superuser,
        "roles": [
            {"role": g.role, "role_label": str(Role(g.role).label), "unit_id": g.unit_id, "unit_name": g.unit.name}
            for g in grants
        ],
        "positions": [
            {"unit_id": p.unit_id, "unit_name": p.unit.name, "title": p.title, "is_leader": p.is_leader}
            for p in (person.positions.all() if person else [])
        ],
    }
