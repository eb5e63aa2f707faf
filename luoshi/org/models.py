"""Organisation: units in a tree, people, their positions, and role grants.

The unit tree is stored as a materialised path (see
docs/decisions/0002-unit-tree-materialised-path.md): ``path`` is the chain of
primary keys from the root, e.g. ``/1/14/203/``. A subtree is one indexed
``path LIKE '/1/14/%'`` query.
"""

from __future__ import annotations

import re
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.core.bounds import SORT_ORDER_MAX
from luoshi.core.constraints import between
from luoshi.org.error_codes import OrgErrorCode


class UnitKind(models.TextChoices):
    DISTRICT = "district", _("District")
    TOWNSHIP = "township", _("Township")
    SUBDISTRICT = "subdistrict", _("Subdistrict")
    COMMUNITY = "community", _("Community")
    VILLAGE = "village", _("Village")
    GRID = "grid", _("Grid")
    DEPARTMENT = "department", _("Department")
    TASK_FORCE = "task_force", _("Task force")


#: Which kinds of unit may sit directly under which. ``None`` is the top.
ALLOWED_CHILDREN: dict[str | None, frozenset[str]] = {
    None: frozenset({UnitKind.DISTRICT, UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT}),
    UnitKind.DISTRICT: frozenset({UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT, UnitKind.DEPARTMENT, UnitKind.TASK_FORCE}),
    UnitKind.TOWNSHIP: frozenset(
        {UnitKind.COMMUNITY, UnitKind.VILLAGE, UnitKind.DEPARTMENT, UnitKind.TASK_FORCE, UnitKind.GRID}
    ),
    UnitKind.SUBDISTRICT: frozenset(
        {UnitKind.COMMUNITY, UnitKind.VILLAGE, UnitKind.DEPARTMENT, UnitKind.TASK_FORCE, UnitKind.GRID}
    ),
    UnitKind.COMMUNITY: frozenset({UnitKind.GRID}),
    UnitKind.VILLAGE: frozenset({UnitKind.GRID}),
    UnitKind.DEPARTMENT: frozenset({UnitKind.DEPARTMENT, UnitKind.TASK_FORCE}),
    UnitKind.TASK_FORCE: frozenset(),
    UnitKind.GRID: frozenset(),
}

#: Kinds that are places in the statistical division code system.
DIVISION_LEVEL: dict[str, str] = {
    UnitKind.DISTRICT: "county",
    UnitKind.TOWNSHIP: "township",
    UnitKind.SUBDISTRICT: "township",
    UnitKind.COMMUNITY: "village",
    UnitKind.VILLAGE: "village",
}

SHORT_CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{1,11}$")
DIVISION_CODE_RE = re.compile(r"^\d{12}$")


def division_level(code: str) -> str | None:
    """The level a 12-digit statistical division code names.

    ``county`` (last 6 digits zero), ``township`` (last 3 zero) or ``village``;
    ``None`` if the code is malformed.
    """
    if not DIVISION_CODE_RE.match(code or ""):
        return None
    county, township, village = code[:6], code[6:9], code[9:]
    if county[:2] == "00":
        return None
    if township == "000":
        return "county" if village == "000" else None
    if village == "000":
        return "township"
    return "village"


def validate_division_code(code: str) -> None:
    if division_level(code) is None:
        raise ValidationError(
            _("A division code has 12 digits: county (6), township (3) and community or village (3)."),
            code=OrgErrorCode.DIVISION_CODE,
        )


def validate_short_code(code: str) -> None:
    if not SHORT_CODE_RE.match(code or ""):
        raise ValidationError(
            _("A short code is 2 to 12 capital letters or digits and starts with a letter."),
            code=OrgErrorCode.SHORT_CODE,
        )


class UnitQuerySet(models.QuerySet["Unit"]):
    def subtree_of(self, unit: Unit, include_self: bool = True) -> UnitQuerySet:
        qs = self.filter(path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)

    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)


UnitManager = models.Manager.from_queryset(UnitQuerySet)


class Unit(models.Model):
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    code = models.CharField(
        _("short code"),
        max_length=12,
        unique=True,
        validators=[validate_short_code],
        help_text=_("Used in tracking numbers, e.g. CD for 城东街道."),
    )
    division_code = models.CharField(
        _("division code"),
        max_length=12,
        blank=True,
        default="",
        validators=[validate_division_code],
        help_text=_("12-digit statistical division code (county 6 + township 3 + community/village 3)."),
    )
    sort_order = models.IntegerField(_("order"), default=0)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects: ClassVar[UnitQuerySet] = UnitManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            between("sort_order", -SORT_ORDER_MAX, SORT_ORDER_MAX, "org_unit_sort_order_range"),
            models.UniqueConstraint(
                fields=["division_code"],
                condition=~models.Q(division_code=""),
                name="unit_division_code_unique",
            ),
        ]
        indexes = [models.Index(fields=["kind", "name"], name="unit_kind_name_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        """Primary keys from the root down to the parent (excluding self)."""
        return [int(p) for p in self.path.strip("/").split("/")[:-1] if p]

    def is_descendant_of(self, other: Unit, include_self: bool = True) -> bool:
        if self.pk == other.pk:
            return include_self
        return self.path.startswith(other.path)

    @property
    def is_place(self) -> bool:
        return self.kind in DIVISION_LEVEL


class Person(models.Model):
    """A cadre, worker or staff member. May or may not have a login."""

    name = models.CharField(_("full name"), max_length=64, db_index=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    note = models.TextField(_("note"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Post(models.TextChoices):
    """Front-line posts (岗位) a position may be on: the 赛马场 where cadres are assessed side by side."""

    INVESTMENT = "investment", _("Investment attraction post (招商岗)")
    RELOCATION = "relocation", _("Land acquisition post (征迁岗)")
    PROJECT = "project", _("Project post (项目岗)")


class Position(models.Model):
    """A person's post in a unit: e.g. 党工委书记 in 城东街道 (a leader post).

    ``post`` names the front-line post (岗位) the position is on, if any: assessment schemes
    for cadres score the people on the posts they choose.
    """

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="positions")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="positions")
    title = models.CharField(_("job title"), max_length=64)
    is_leader = models.BooleanField(_("leader"), default=False)
    post = models.CharField(_("front-line post"), max_length=16, choices=Post.choices, blank=True, default="")
    sort_order = models.IntegerField(_("order"), default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["unit_id", "-is_leader", "sort_order", "id"]
        constraints = [
            between("sort_order", -SORT_ORDER_MAX, SORT_ORDER_MAX, "org_position_sort_order_range"),
            models.UniqueConstraint(fields=["person", "unit", "title"], name="position_unique"),
        ]
        indexes = [models.Index(fields=["post", "unit"], name="org_position_post_idx", condition=~Q(post=""))]

    def __str__(self) -> str:
        return f"{self.unit} · {self.title} · {self.person}"


class Role(models.TextChoices):
    LEADER = "leader", _("Leader")
    RESPONSIBLE_LEADER = "responsible_leader", _("Responsible leader")
    SUPERVISOR = "supervisor", _("Supervisor")
    UNIT_STAFF = "unit_staff", _("Unit staff")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    GRID_WORKER = "grid_worker", _("Grid worker")
    DISTRICT_VIEWER = "district_viewer", _("District viewer")
    ADMIN = "admin", _("Administrator")


class RoleGrant(models.Model):
    """A role given to a login at a unit; it applies to the unit's whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="role_grants")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [models.UniqueConstraint(fields=["user", "role", "unit"], name="role_grant_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} @ {self.unit}"
