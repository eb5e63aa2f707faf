"""Indicators: the catalogue, annual targets, monthly values and their history.

A value is stored per unit, indicator, year and month. For a cumulative
indicator (累计, e.g. 1-8月 totals) the value of month *m* is the total from
January to *m*; for a point-in-time indicator it is the level at the end of
month *m*; for a ratio it is the ratio then. Quarters are their last month
(一季度 = 3, 上半年 = 6, 前三季度 = 9), the year is month 12.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luoshi.core.constraints import between
from luoshi.org.models import Unit, UnitKind

MONEY_DIGITS = 20
MONEY_PLACES = 4


class IndicatorKind(models.TextChoices):
    CUMULATIVE = "cumulative", _("Cumulative within the year")
    POINT = "point", _("Point in time")
    RATIO = "ratio", _("Ratio")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Category(models.TextChoices):
    ECONOMY = "economy", _("Economy")
    PROJECTS = "projects", _("Projects")
    LIVELIHOOD = "livelihood", _("Livelihood")
    SAFETY = "safety", _("Safety and stability")
    GOVERNANCE = "governance", _("Governance")


class Aggregation(models.TextChoices):
    NONE = "none", _("Reported by each unit")
    SUM = "sum", _("Sum of child units")


class Source(models.TextChoices):
    ENTERED = "entered", _("Entered")
    IMPORTED = "imported", _("Imported from Excel")
    PARSED = "parsed", _("From scorecard text")
    API = "api", _("Through the API")
    AGGREGATED = "aggregated", _("Sum of child units")
    COMPUTED = "computed", _("Computed from the records of another app")
    DEMO = "demo", _("Demo data")


code_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{1,39}$", _("A code is 2 to 40 lower-case letters, digits or _ and starts with a letter.")
)


def default_unit_kinds() -> list[str]:
    return [UnitKind.TOWNSHIP.value, UnitKind.SUBDISTRICT.value]


class Indicator(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=60, unique=True)
    aliases = models.JSONField(
        _("other names"),
        default=list,
        blank=True,
        help_text=_(
            "Other names the indicator goes by in texts and spreadsheets, e.g. 规上服务业 for 规上服务业营业收入."
        ),
    )
    unit = models.CharField(_("unit of measure"), max_length=16, help_text=_("e.g. 万元, 亿元, 个, 户, 平方米, %"))
    kind = models.CharField(_("kind"), max_length=12, choices=IndicatorKind.choices, default=IndicatorKind.CUMULATIVE)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, default=Category.ECONOMY)
    unit_kinds = models.JSONField(
        pgettext_lazy("indicator", "reported by"),
        default=default_unit_kinds,
        help_text=_("The kinds of unit that report this indicator."),
    )
    aggregation = models.CharField(
        _("parent values"), max_length=8, choices=Aggregation.choices, default=Aggregation.NONE
    )
    decimals = models.PositiveSmallIntegerField(_("decimal places"), default=0, validators=[MaxValueValidator(4)])
    metric = models.CharField(
        _("computed from"),
        max_length=60,
        blank=True,
        help_text=_(
            "A registered metric (luoshi.core.metrics), e.g. projects.investment_completed: the values are then "
            "computed every day from the records behind it and are not typed (一数一源)."
        ),
    )
    metric_scale = models.DecimalField(
        _("scale of the computed figure"),
        max_digits=12,
        decimal_places=6,
        default=Decimal("1"),
        help_text=_("The metric's figure is multiplied by this, e.g. 0.0001 from 万元 to 亿元."),
    )
    description = models.TextField(_("description"), blank=True)
    sort_order = models.IntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def higher_is_better(self) -> bool:
        return self.direction == Direction.HIGHER

    def reported_by(self, unit: Unit) -> bool:
        return unit.kind in (self.unit_kinds or [])

    @property
    def unit_kind_labels(self) -> list[str]:
        labels = {k.value: str(k.label) for k in UnitKind}
        return [labels.get(k, k) for k in self.unit_kinds or []]


class Target(models.Model):
    """The annual target of one unit for one indicator (目标任务)."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="indicator_targets")
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    value = models.DecimalField(_("annual target"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = pgettext_lazy("indicator", "target")
        verbose_name_plural = pgettext_lazy("indicator", "targets")
        constraints = [
            between("year", 2000, 2100, "indicator_target_year_range"),
            models.UniqueConstraint(fields=["unit", "indicator", "year"], name="indicator_target_unique"),
        ]
        indexes = [models.Index(fields=["indicator", "year"], name="indicator_target_ind_year")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.indicator} · {self.year}"


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", _("Waiting for confirmation")
    COMMITTED = "committed", _("Saved")
    DISCARDED = "discarded", _("Discarded")


class ImportKind(models.TextChoices):
    EXCEL = "excel", _("Excel file")
    TEXT = "text", _("Scorecard text")
    FORM = "form", _("Entry form")
    API = "api", _("API")


class ImportBatch(models.Model):
    """One upload (an Excel file or a pasted text): previewed first, then saved as a whole or not at all."""

    kind = models.CharField(_("kind"), max_length=8, choices=ImportKind.choices, default=ImportKind.EXCEL)
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.PREVIEW)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="indicator_imports"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    committed_at = models.DateTimeField(null=True, blank=True)
    #: Rows ready to save: [unit_id, indicator_id, year, month, value, yoy or None, source row number].
    rows = models.JSONField(default=list, blank=True)
    #: Problems found: [{"row": n, "column": "...", "message": "..."}]; a batch with errors cannot be saved.
    errors = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    row_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name or self.pk}"


class IndicatorValue(models.Model):
    # No single-column indexes on unit and indicator: the unique key (unit, indicator, year,
    # month) and the period index (indicator, year, month) start with them, and every index
    # costs a write per row in a big import (docs/decisions/0306-import-write-path.md).
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="indicator_values", db_index=False
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="values", db_index=False
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    month = models.PositiveSmallIntegerField(_("month"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    value = models.DecimalField(_("value"), max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
    yoy_reported = models.DecimalField(
        _("growth as reported (%)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Used when last year's value is unknown."),
    )
    source = models.CharField(
        pgettext_lazy("indicator value", "source"), max_length=12, choices=Source.choices, default=Source.ENTERED
    )
    # Pointers to who and which change set wrote the value: informative, so without
    # database constraints (each would cost a check per row in a 100,000-row import).
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="values", db_constraint=False
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            between("year", 2000, 2100, "indicator_value_year_range"),
            between(
                "yoy_reported", Decimal("-999999.99"), Decimal("999999.99"), "indicator_value_yoy_range", null=True
            ),
            models.UniqueConstraint(fields=["unit", "indicator", "year", "month"], name="indicator_value_unique"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="indicator_value_month"),
        ]
        indexes = [
            models.Index(fields=["indicator", "year", "month"], name="indicator_value_period"),
            # "the latest month with data below this unit" walks this index from the top.
            models.Index(fields=["year", "month"], name="indicator_value_year_month"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.indicator} · {self.year}-{self.month:02d}"


class ValueChange(models.Model):
    """Append-only history of every value written: what it was before and what it became."""

    # History rows keep their keys without database constraints: they are written
    # in bulk, never updated, and deleted with their unit or indicator by Django.
    # The unit is the first column of the history's key index: no index of its own.
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False)
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    before = models.DecimalField(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, null=True, blank=True)
    after = models.DecimalField(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, null=True, blank=True)
    source = models.CharField(max_length=12, choices=Source.choices)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes", db_constraint=False
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", db_constraint=False
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("value change")
        verbose_name_plural = _("value changes")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["unit", "indicator", "year", "month"], name="indicator_change_key")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.indicator_id} {self.year}-{self.month}: {self.before} → {self.after}"


class SavedComposite(models.Model):
    """A weighted composite leaderboard kept by name for the units under one parent (综合擂台)."""

    parent = models.ForeignKey(
        Unit, verbose_name=_("parent unit"), on_delete=models.CASCADE, related_name="saved_composites"
    )
    name = models.CharField(_("name"), max_length=60)
    #: ``{indicator code: weight as text}``; indicators removed from the catalogue are skipped.
    weights = models.JSONField(_("weights"), default=dict)
    metric = models.CharField(_("rank by"), max_length=12, default="completion")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("saved composite leaderboard")
        verbose_name_plural = _("saved composite leaderboards")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="indicator_composite_name_unique")]

    def __str__(self) -> str:
        return f"{self.parent} · {self.name}"
