"""Factories for organisation data. Other apps' tests import these."""

from __future__ import annotations

from typing import Any

import factory

from luoshi.accounts.models import User
from luoshi.org.models import Person, Position, Role, RoleGrant, Unit, UnitKind
from luoshi.org.scope import forget_scope
from luoshi.org.services import assign_path


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    password = factory.django.Password("correct-horse-battery")


class UnitFactory(factory.django.DjangoModelFactory[Unit]):
    """A unit with its materialised path set. Pass ``parent=`` for a child."""

    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"单位{n}")
    kind = UnitKind.SUBDISTRICT
    code = factory.Sequence(lambda n: f"U{n:04d}")
    parent = None

    @classmethod
    def _create(cls, model_class: type[Unit], *args: Any, **kwargs: Any) -> Unit:
        unit = super()._create(model_class, *args, **kwargs)
        assign_path(unit)
        return unit


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"人员{n}")


class PositionFactory(factory.django.DjangoModelFactory[Position]):
    class Meta:
        model = Position

    person = factory.SubFactory(PersonFactory)
    unit = factory.SubFactory(UnitFactory)
    title = "科员"


def grant(user: User, role: str | Role, unit: Unit) -> RoleGrant:
    """Give ``user`` a role at ``unit`` (and forget the cached scope)."""
    row, _ = RoleGrant.objects.get_or_create(user=user, role=str(role), unit=unit)
    forget_scope(user)
    return row


def user_with_role(role: str | Role, unit: Unit, **kwargs: Any) -> User:
    user: Any = UserFactory(**kwargs)
    grant(user, role, unit)
    return user


def small_tree() -> dict[str, Any]:
    """district → two subdistricts (A, B); A has a department, a community and a grid."""
    district = UnitFactory(name="测试区", kind=UnitKind.DISTRICT, code="TD")
    a = UnitFactory(name="甲街道", kind=UnitKind.SUBDISTRICT, code="TA", parent=district)
    b = UnitFactory(name="乙街道", kind=UnitKind.SUBDISTRICT, code="TB", parent=district)
    dept = UnitFactory(name="甲党政办", kind=UnitKind.DEPARTMENT, code="TAD1", parent=a)
    community = UnitFactory(name="甲一社区", kind=UnitKind.COMMUNITY, code="TA01", parent=a)
    grid = UnitFactory(name="甲一社区第1网格", kind=UnitKind.GRID, code="TA01G1", parent=community)
    b_community = UnitFactory(name="乙一社区", kind=UnitKind.COMMUNITY, code="TB01", parent=b)
    return {
        "district": district,
        "a": a,
        "b": b,
        "dept": dept,
        "community": community,
        "grid": grid,
        "b_community": b_community,
    }
