"""Shared models: the append-only activity log."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an activity log row."""


class ActivityLogQuerySet(models.QuerySet["ActivityLog"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("activity log rows cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("activity log rows cannot be deleted")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyError("activity log rows cannot be updated")

    def for_object(self, obj: models.Model) -> ActivityLogQuerySet:
        content_type = ContentType.objects.get_for_model(type(obj))
        return self.filter(content_type=content_type, object_id=str(obj.pk))


ActivityLogManager = models.Manager.from_queryset(ActivityLogQuerySet)


class ActivityLog(models.Model):
    """Who did what to which object, when, with before/after values.

    Rows are written by :func:`luoshi.core.audit.record` only. There is no code
    path that changes or deletes them, and the database refuses updates too
    (see migrations 0002 and 0005, and docs/operations.md).
    """

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    verb = models.CharField(_("action"), max_length=64)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    objects: ClassVar[ActivityLogQuerySet] = ActivityLogManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("activity log entry")
        verbose_name_plural = _("activity log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"], name="activity_object_idx")]

    def __str__(self) -> str:
        return f"{self.actor_name or '-'} {self.verb} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("activity log rows cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("activity log rows cannot be deleted")

    @property
    def verb_label(self) -> str:
        from luoshi.core.audit import verb_label

        return verb_label(self.verb)


class CalendarDay(models.Model):
    """An exception to the Monday-to-Friday week: a public holiday, or a weekend day worked (调休)."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"), default=False, help_text=_("Ticked for a weekend day that is worked (调休上班).")
    )
    name = models.CharField(_("name"), max_length=64)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("holiday calendar")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class IdempotencyRecord(models.Model):
    """One POST made with an idempotency key, and the answer it got (kept 24 hours; luoshi.core.idempotency)."""

    scope = models.CharField(max_length=64)
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=1000, blank=True)
    body = models.BinaryField(default=b"", blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_scope_key_uniq")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status or '…'})"


class DailyFigure(models.Model):
    """One precomputed number: ``measure`` of the aggregate ``family`` on ``day`` for one unit.

    Written only by :mod:`luoshi.core.aggregates` (a whole day of a family is replaced at
    once); read by the cockpit and the statistics pages. ``unit``, ``area`` and ``dim`` are
    plain ids (0: not used) so that the store knows no domain model: ``unit`` is the unit the
    figure counts for, ``area`` an enclosing unit it is filtered by (e.g. the township), and
    ``dim`` a second dimension chosen by the family (e.g. a case category).
    """

    family = models.CharField(max_length=48)
    day = models.DateField()
    unit = models.PositiveIntegerField(default=0)
    area = models.PositiveIntegerField(default=0)
    dim = models.PositiveIntegerField(default=0)
    measure = models.CharField(max_length=24)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        constraints = [
            models.UniqueConstraint(
                fields=["family", "day", "area", "unit", "dim", "measure"], name="core_dailyfigure_unique"
            )
        ]
        indexes = [models.Index(fields=["family", "area", "day"], name="core_dailyfigure_area_idx")]

    def __str__(self) -> str:
        return f"{self.family} {self.day} {self.unit}/{self.area}/{self.dim} {self.measure}={self.value}"


class AggregateState(models.Model):
    """When each aggregate family was last refreshed (the "as of" of the pages that read it)."""

    family = models.CharField(max_length=48, unique=True)
    refreshed_at = models.DateTimeField()
    first_day = models.DateField(null=True, blank=True)  # the oldest day built so far

    class Meta:
        verbose_name = _("aggregate state")
        verbose_name_plural = _("aggregate states")

    def __str__(self) -> str:
        return f"{self.family} @ {self.refreshed_at:%Y-%m-%d %H:%M}"
