"""Land acquisition (征迁) campaigns: parcels (地块) and the household ledger (宗/户).

Every figure a page shows about a campaign (signing rate, households vacated and
demolished, area signed, days left, the 净地 date) is computed from the ledger
rows here by :mod:`luoshi.relocation.selectors`; none is stored (一数一源).
Models hold data and invariants only; writes go through
:mod:`luoshi.relocation.services`.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.core.validators import no_control_characters
from luoshi.org.models import Person, Unit
from luoshi.relocation.error_codes import RelocationErrorCode

MAX_AREA = Decimal("99999999.99")  # m²
MAX_MONEY = Decimal("999999999999.99")  # 元
AREA = [MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AREA)]
MONEY = [MinValueValidator(Decimal("0")), MaxValueValidator(MAX_MONEY)]
MAX_LAT, MAX_LNG = Decimal("90"), Decimal("180")
TEXT = [no_control_characters]

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^(\d{15}|\d{17}[\dX])$")


def id_check_digit(first17: str) -> str:
    """The check character of an 18-character resident ID number (GB 11643-1999)."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def validate_id_no(value: str) -> None:
    """An ID number is 15 digits (old cards) or 17 digits and a check character that matches."""
    if not value:
        return
    if not _ID_RE.match(value) or (len(value) == 18 and id_check_digit(value[:17]) != value[17]):
        raise ValidationError(
            _("An ID number has 18 characters (17 digits and a check digit or X) and the check digit must match."),
            code=RelocationErrorCode.INVALID_ID_NO,
        )


class Stage(models.TextChoices):
    LAUNCHED = "launched", _("Launched")
    SIGNING = "signing", _("Signing")
    VACATING = "vacating", _("Vacating")
    DEMOLITION = "demolition", _("Demolition")
    CLEARED = "cleared", _("Cleared land transferred")
    WRAP_UP = "wrap_up", _("Wrapping up")


#: The stages in their order (the workflow moves one step forward or back).
STAGE_ORDER: tuple[str, ...] = (
    Stage.LAUNCHED,
    Stage.SIGNING,
    Stage.VACATING,
    Stage.DEMOLITION,
    Stage.CLEARED,
    Stage.WRAP_UP,
)


class CampaignKind(models.TextChoices):
    EXPROPRIATION = "expropriation", _("House expropriation")
    URBAN_VILLAGE = "urban_village", _("Urban village renovation")
    OLD_AREA = "old_area", _("Old area renovation")
    OTHER = "other", _("Other")


class Campaign(models.Model):
    """One 征迁 campaign (征收项目), run by a team (征迁工作组 or 专班) of a township."""

    code = models.CharField(
        _("code"),
        max_length=24,
        unique=True,
        help_text=_("Letters, digits and hyphens; used in the public page's address."),
    )
    name = models.CharField(_("name"), max_length=100, validators=TEXT)
    kind = models.CharField(_("kind"), max_length=16, choices=CampaignKind.choices, default=CampaignKind.EXPROPRIATION)
    unit = models.ForeignKey(
        Unit, verbose_name=_("township or subdistrict"), on_delete=models.PROTECT, related_name="relocation_campaigns"
    )
    team = models.ForeignKey(
        Unit,
        verbose_name=_("task force"),
        on_delete=models.PROTECT,
        related_name="relocation_campaigns_run",
        help_text=_("The unit whose staff keep the household ledger (e.g. 征迁工作组); it lies in the township."),
    )
    stage = models.CharField(_("campaign stage"), max_length=16, choices=Stage.choices, default=Stage.LAUNCHED)
    stage_since = models.DateField(_("in this stage since"), default=timezone.localdate)
    description = models.TextField(_("description"), max_length=4000, blank=True, validators=TEXT)
    launched_on = models.DateField(_("launched on"))
    signing_starts_on = models.DateField(_("signing starts on"))
    signing_deadline = models.DateField(_("signing deadline"))
    clearance_deadline = models.DateField(_("cleared land due by"))
    compensation_standard = models.TextField(
        _("published compensation standard"),
        max_length=8000,
        blank=True,
        validators=TEXT,
        help_text=_("The standard as published to residents; shown on the public page."),
    )
    is_public = models.BooleanField(
        _("public page published"),
        default=False,
        help_text=_("Show totals and the compensation standard on a page anyone can open (阳光征迁)."),
    )
    # The key project this campaign clears land for: a plain id (the projects app is another
    # domain app, reached only through luoshi.core.links), empty when there is none.
    project_id = models.PositiveIntegerField(_("key project"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("relocation campaign")
        verbose_name_plural = _("relocation campaigns")
        ordering = ["-launched_on", "-id"]
        indexes = [
            models.Index(fields=["team", "stage"], name="reloc_campaign_team_idx"),
            models.Index(fields=["unit", "stage"], name="reloc_campaign_unit_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(signing_starts_on__gte=models.F("launched_on")),
                name="reloc_signing_after_launch",
                violation_error_message=_("Signing cannot start before the campaign is launched."),
            ),
            models.CheckConstraint(
                condition=Q(signing_deadline__gte=models.F("signing_starts_on")),
                name="reloc_deadline_after_start",
                violation_error_message=_("The signing deadline cannot be before signing starts."),
            ),
            models.CheckConstraint(
                condition=Q(clearance_deadline__gte=models.F("signing_deadline")),
                name="reloc_clearance_after_signing",
                violation_error_message=_("The cleared-land date cannot be before the signing deadline."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Parcel(models.Model):
    """A plot of land (地块) in a campaign; its households decide when it is cleared (净地)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="parcels")
    name = models.CharField(_("name"), max_length=100, validators=TEXT)
    land_area = models.DecimalField(
        _("parcel area (m²)"), max_digits=12, decimal_places=2, validators=AREA, null=True, blank=True
    )
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    boundary = models.JSONField(
        _("boundary"), default=list, blank=True, help_text=_("Corner points as [latitude, longitude] pairs.")
    )
    transferred_on = models.DateField(
        _("land transferred on"), null=True, blank=True, help_text=_("The date the cleared land was sold (出让).")
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        ordering = ["campaign_id", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "name"],
                name="reloc_parcel_name_unique",
                violation_error_message=_("This campaign already has a parcel of that name."),
            ),
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lng__isnull=True) | Q(lat__isnull=False, lng__isnull=False),
                name="reloc_parcel_point",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class HouseholdKind(models.TextChoices):
    RESIDENCE = "residence", _("Private house")
    BUSINESS = "business", _("Business premises")
    COLLECTIVE = "collective", _("Collective property")
    OTHER = "other", _("Other")


class RelocationChoice(models.TextChoices):
    NONE = "", _("Not chosen yet")
    CASH = "cash", _("Cash compensation")
    PROPERTY = "property", _("Property swap (resettlement flat)")
    MIXED = "mixed", _("Part cash, part flat")


class HouseholdState(models.TextChoices):
    """Where a household stands, read from its dates (never stored)."""

    PENDING = "pending", _("Not signed")
    SIGNED = "signed", _("Signed, not vacated")
    VACATED = "vacated", _("Vacated, not demolished")
    DEMOLISHED = "demolished", _("Demolished")


class Household(models.Model):
    """One entry of the ledger (一宗/一户): the owner, the areas, and the dates of each step."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="households")
    parcel = models.ForeignKey(
        Parcel, verbose_name=_("parcel"), on_delete=models.PROTECT, null=True, blank=True, related_name="households"
    )
    number = models.CharField(
        _("number"), max_length=32, validators=TEXT, help_text=_("The ledger number (宗号), unique in a campaign.")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=HouseholdKind.choices, default=HouseholdKind.RESIDENCE)
    owner_name = models.CharField(_("owner"), max_length=64, validators=TEXT)
    owner_id_no = models.CharField(_("owner's ID number"), max_length=18, blank=True, validators=[validate_id_no])
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=TEXT)
    address = models.CharField(_("house location"), max_length=200, blank=True, validators=TEXT)
    house_area = models.DecimalField(
        _("house area (m²)"), max_digits=10, decimal_places=2, validators=AREA, default=Decimal("0")
    )
    land_area = models.DecimalField(
        _("land area (m²)"), max_digits=10, decimal_places=2, validators=AREA, default=Decimal("0")
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    compensation_agreed = models.DecimalField(
        _("compensation agreed (yuan)"), max_digits=14, decimal_places=2, validators=MONEY, null=True, blank=True
    )
    compensation_paid = models.DecimalField(
        _("compensation paid (yuan)"), max_digits=14, decimal_places=2, validators=MONEY, default=Decimal("0")
    )
    relocation_choice = models.CharField(
        _("relocation choice"), max_length=16, choices=RelocationChoice.choices, blank=True, default=""
    )
    vacated_on = models.DateField(_("vacated on"), null=True, blank=True)
    demolished_on = models.DateField(_("demolished on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True, validators=TEXT)
    cadre = models.ForeignKey(
        Person,
        verbose_name=_("responsible cadre (包户干部)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The cadre who works with this household until it signs (包户): their figures count it."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["campaign_id", "number", "id"]
        indexes = [
            # Lists sum a page of campaigns from this index alone (see figures.aggregates(brief=True)).
            models.Index(
                fields=["campaign", "signed_on", "vacated_on", "demolished_on", "house_area"],
                name="reloc_household_progress_idx",
            ),
            models.Index(fields=["parcel"], name="reloc_household_parcel_idx"),
            # A cadre's households signed in a period (relocation.households_signed for a person).
            models.Index(fields=["cadre", "signed_on"], name="reloc_household_cadre_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "number"],
                name="reloc_household_number_unique",
                violation_error_message=_("This campaign already has a household with that number."),
            ),
            models.CheckConstraint(
                condition=Q(vacated_on__isnull=True)
                | Q(signed_on__isnull=False, vacated_on__gte=models.F("signed_on")),
                name="reloc_vacated_after_signed",
                violation_error_message=_("A household vacates after it has signed, not before."),
            ),
            models.CheckConstraint(
                condition=Q(demolished_on__isnull=True)
                | Q(vacated_on__isnull=False, demolished_on__gte=models.F("vacated_on")),
                name="reloc_demolished_after_vacated",
                violation_error_message=_("A house is demolished after it has been vacated, not before."),
            ),
            models.CheckConstraint(
                condition=Q(compensation_agreed__isnull=True) | Q(signed_on__isnull=False),
                name="reloc_agreed_when_signed",
                violation_error_message=_("Compensation is agreed when the household signs: enter the signing date."),
            ),
            models.CheckConstraint(
                condition=Q(compensation_paid=0)
                | Q(compensation_agreed__isnull=False, compensation_paid__lte=models.F("compensation_agreed")),
                name="reloc_paid_within_agreed",
                violation_error_message=_("More cannot be paid than the compensation agreed."),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def state(self) -> str:
        if self.demolished_on is not None:
            return HouseholdState.DEMOLISHED
        if self.vacated_on is not None:
            return HouseholdState.VACATED
        if self.signed_on is not None:
            return HouseholdState.SIGNED
        return HouseholdState.PENDING

    def get_state_display(self) -> str:
        return str(HouseholdState(self.state).label)
