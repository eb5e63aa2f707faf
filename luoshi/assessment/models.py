"""Assessment (考核): schemes with versions, sections and items; runs with their frozen results; appeals.

A :class:`Scheme` is who is scored (units of chosen kinds, or cadres by post) and how
often. Its content lives in :class:`SchemeVersion` rows: a draft is edited, a published
version is in force from its ``effective_from`` month until a later one takes over, so
a period is always scored by the version in force then (:func:`selectors.version_in_force`).

A :class:`Run` scores one period with one version. Its :class:`Result` rows (one per
subject and revision) hold the whole breakdown as JSON — item values, bases, counts,
points and, once frozen, the first records behind each item — so a frozen or published
run never moves when tasks, cases or values change later, and a unit's breakdown is one
row. An upheld :class:`Appeal` adds a revision: new result rows, the old ones kept.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.assessment.rules import SectionKind
from luoshi.org.models import Person, Unit
from luoshi.org.models import Post as Post  # the posts cadres are scored on live on the org model (Position.post)


class SubjectType(models.TextChoices):
    UNIT = "unit", _("Scored units")
    PERSON = "person", _("Cadres")


class PeriodKindChoice(models.TextChoices):
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    HALF = "half", _("Half-yearly")
    YEAR = "year", _("Yearly")


class Scheme(models.Model):
    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(Unit, verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="+")
    subject_type = models.CharField(_("scored"), max_length=8, choices=SubjectType.choices, default=SubjectType.UNIT)
    unit_kinds = models.JSONField(_("kinds of unit scored"), default=list, blank=True)
    posts = models.JSONField(_("posts scored"), default=list, blank=True)
    period_kind = models.CharField(
        _("period"), max_length=8, choices=PeriodKindChoice.choices, default=PeriodKindChoice.MONTH
    )
    description = models.TextField(_("description"), blank=True, max_length=2000)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return self.name


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("In force")


class SchemeVersion(models.Model):
    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    effective_from = models.DateField(_("in force from"))
    bands = models.JSONField(_("grade bands"), default=list, blank=True)
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("scheme version")
        verbose_name_plural = _("scheme versions")
        ordering = ["scheme_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["scheme", "number"], name="assessment_version_unique")]

    def __str__(self) -> str:
        return f"{self.scheme} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT


class Section(models.Model):
    scheme_version = models.ForeignKey(SchemeVersion, on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(_("section"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=[
        (SectionKind.BASE, _("Base points")), (SectionKind.BONUS, _("Bonus (加分)")),
        (SectionKind.DEDUCTION, _("Deduction (扣分)")),
    ], default=SectionKind.BASE)  # fmt: skip
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=Decimal(1))
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["scheme_version_id", "order", "id"]

    def __str__(self) -> str:
        return self.name


class ItemKind(models.TextChoices):
    AUTO = "auto", _("Automatic (from a metric)")
    MANUAL = "manual", _("Scored by a reviewer")


class Item(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("item"), max_length=100)
    kind = models.CharField(_("kind"), max_length=8, choices=ItemKind.choices, default=ItemKind.AUTO)
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=Decimal(1))
    metric_key = models.CharField(_("metric"), max_length=64, blank=True)
    metric_param = models.CharField(_("metric parameter"), max_length=64, blank=True)
    rule = models.JSONField(_("rule"), default=dict, blank=True)
    description = models.CharField(_("how it is scored"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["section_id", "order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_manual(self) -> bool:
        return self.kind == ItemKind.MANUAL


class RunState(models.TextChoices):
    REVIEW = "review", _("Under review")
    FROZEN = "frozen", _("Frozen")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Run(models.Model):
    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="runs")
    scheme_version = models.ForeignKey(SchemeVersion, on_delete=models.PROTECT, related_name="runs")
    period_key = models.CharField(_("period"), max_length=8)
    state = models.CharField(_("state"), max_length=10, choices=RunState.choices, default=RunState.REVIEW)
    revision = models.PositiveIntegerField(_("published version"), default=1)
    subject_count = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)
    compute_seconds = models.FloatField(default=0)
    frozen_at = models.DateTimeField(_("frozen"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("assessment run")
        verbose_name_plural = _("assessment runs")
        ordering = ["-period_key", "-id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "period_key"], name="assessment_run_period_unique")]

    def __str__(self) -> str:
        return f"{self.scheme} {self.period_key}"

    @property
    def is_snapshot(self) -> bool:
        return self.state != RunState.REVIEW


class Result(models.Model):
    """One subject's score in one revision of a run, with its whole breakdown.

    ``items`` maps an item id (as text) to ``{"v": value, "b": basis, "c": count, "p": points
    earned, "s": contribution to the total, "r": rank, "m": manual?}``; ``sections`` maps a
    section id to its subtotal; ``records`` (filled when the run is frozen) maps an item id to
    the first records behind it: ``[[kind, id, label, url, note], …]``.
    """

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="results")
    revision = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    subject_type = models.CharField(max_length=8, choices=SubjectType.choices, default=SubjectType.UNIT)
    subject_id = models.PositiveIntegerField()
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(max_length=100)
    total = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal(0))
    base = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal(0))
    bonus = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal(0))
    deduction = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal(0))
    rank = models.PositiveIntegerField(null=True, blank=True)
    band = models.CharField(max_length=20, blank=True)
    pending = models.PositiveIntegerField(default=0)  # manual items not scored yet
    sections = models.JSONField(default=dict)
    items = models.JSONField(default=dict)
    records = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["run_id", "rank", "name"]
        constraints = [
            models.UniqueConstraint(fields=["run", "revision", "subject_id"], name="assessment_result_unique"),
        ]
        indexes = [models.Index(fields=["run", "is_current", "rank"], name="assess_result_current_idx")]

    def __str__(self) -> str:
        return f"{self.name} {self.total}"

    def item(self, item_id: int) -> dict[str, Any]:
        return dict(self.items.get(str(item_id), {}))


class ManualScore(models.Model):
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="manual_scores")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveIntegerField()
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2)
    reason = models.TextField(_("reason"), max_length=2000)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "item", "subject_id"], name="assessment_manual_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}/{self.subject_id}: {self.points}"


class AppealState(models.TextChoices):
    FILED = "filed", _("Filed")
    UPHELD = "upheld", _("Upheld")
    REJECTED = "rejected", _("Rejected")


class Appeal(models.Model):
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="appeals")
    subject_id = models.PositiveIntegerField()
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"), max_length=2000)
    state = models.CharField(_("state"), max_length=10, choices=AppealState.choices, default=AppealState.FILED)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(default=timezone.now)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reply = models.TextField(_("reply"), blank=True, max_length=2000)
    corrected_points = models.DecimalField(_("corrected points"), max_digits=7, decimal_places=2, null=True, blank=True)
    old_points = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(null=True, blank=True)  # the revision an upheld appeal created

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} · {self.item}"


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"assessment/{timezone.now():%Y/%m}/{filename}"


class Evidence(models.Model):
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="evidence")
    manual_score = models.ForeignKey(ManualScore, on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=255)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name
