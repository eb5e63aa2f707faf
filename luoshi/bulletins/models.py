"""Bulletins (督查通报): a draft built from the record as of a date, edited, issued and archived.

Models hold data and invariants only; every change goes through
:mod:`luoshi.bulletins.services` following the table in :mod:`luoshi.bulletins.workflow`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luoshi.org.models import Unit


class Kind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly supervision bulletin")
    MONTHLY = "monthly", _("Monthly supervision bulletin")
    SPECIAL = "special", _("Special bulletin (one matter)")
    RANKING = "ranking", _("Ranking bulletin (擂台)")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("Waiting for review")
    APPROVED = "approved", _("Reviewed")
    ISSUED = "issued", pgettext_lazy("bulletin status", "Issued")
    DISCARDED = "discarded", pgettext_lazy("bulletin status", "Discarded")


def _file_path(instance: Bulletin, filename: str) -> str:
    return f"bulletins/{instance.unit_id}/{instance.doc_year or 0}/{filename}"


class Issuer(models.Model):
    """How a unit signs its bulletins: the 发文机关 in red on top and the 发文字号 prefix."""

    unit = models.OneToOneField(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="bulletin_issuer")
    body = models.CharField(_("issuing body"), max_length=60, help_text=_("e.g. 城东街道督查督办工作领导小组办公室"))
    prefix = models.CharField(_("number prefix"), max_length=12, help_text=_("e.g. 城东督, giving 城东督〔2026〕12号"))
    printer = models.CharField(
        _("printed by"), max_length=60, blank=True, help_text=_("The office named in the 印发 line.")
    )

    class Meta:
        verbose_name = _("bulletin issuer")
        verbose_name_plural = _("bulletin issuers")

    def __str__(self) -> str:
        return self.body


class Sequence(models.Model):
    """The last number given per issuing unit and year (发文字号 run without gaps or repeats)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="bulletin_seq_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last}"


class Bulletin(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="bulletins")
    title = models.CharField(_("title"), max_length=120)
    subject = models.CharField(_("matter"), max_length=120, blank=True)
    as_of = models.DateField(_("as of"))
    period_start = models.DateField(_("period from"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    recipients = models.ManyToManyField(Unit, verbose_name=_("addressed to"), blank=True, related_name="+")
    cc = models.CharField(_("copy to"), max_length=200, blank=True)
    doc_year = models.PositiveSmallIntegerField(null=True, blank=True)
    doc_seq = models.PositiveIntegerField(null=True, blank=True)
    doc_number = models.CharField(_("document number"), max_length=40, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    docx = models.FileField(_("Word document"), upload_to=_file_path, max_length=200, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=_file_path, max_length=200, blank=True)
    xlsx = models.FileField(_("Excel annex"), upload_to=_file_path, max_length=200, blank=True)
    pdf_error = models.CharField(max_length=200, blank=True)
    schedule = models.ForeignKey("Schedule", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["-as_of", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "doc_year", "doc_seq"],
                condition=models.Q(doc_seq__isnull=False),
                name="bulletin_number_unique",
            )
        ]
        indexes = [models.Index(fields=["unit", "status", "as_of"], name="bulletin_unit_idx")]

    def __str__(self) -> str:
        return f"{self.doc_number} {self.title}".strip()


class Section(models.Model):
    """One section of a bulletin: built content from a provider, or free text; editable while a draft."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=40)
    title = models.CharField(_("heading"), max_length=80)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    included = models.BooleanField(_("included"), default=True)
    text = models.TextField(_("added text"), blank=True, max_length=4000)
    content = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("bulletin section")
        verbose_name_plural = _("bulletin sections")
        ordering = ["bulletin_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["bulletin", "key"], name="bulletin_section_key")]

    def __str__(self) -> str:
        return self.title


class BulletinEvent(models.Model):
    """Append-only history of a bulletin: who moved it from which state to which."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["bulletin_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.bulletin_id} {self.action}"


class Schedule(models.Model):
    """A bulletin made as a draft by the worker at a fixed time (e.g. Mondays 09:00 for last week)."""

    unit = models.ForeignKey(Unit, verbose_name=_("issuing unit"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(
        _("kind"), max_length=12, choices=[(Kind.WEEKLY, Kind.WEEKLY.label), (Kind.MONTHLY, Kind.MONTHLY.label)]
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), default=0, help_text=_("0 is Monday (weekly bulletins); monthly ones run on the 1st.")
    )
    hour = models.PositiveSmallIntegerField(_("hour"), default=9)
    is_active = models.BooleanField(_("active"), default=True)
    last_run_on = models.DateField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("bulletin schedule")
        verbose_name_plural = _("bulletin schedules")
        constraints = [models.UniqueConstraint(fields=["unit", "kind"], name="bulletin_schedule_unique")]

    def __str__(self) -> str:
        return f"{self.unit} {self.kind}"
