"""Awards (评先争优): award types, rounds with nominations, evidence, a voting panel, and 红黑榜.

The app reads measures through :mod:`luoshi.core.metrics` only and imports no domain app
(decision 0650). What a round or a list was decided on is stored with it — a nomination
keeps the figure it was suggested on, a list entry the value and the reason — so later
edits to tasks, cases or values never change a published award or list.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luoshi.org.models import Person, Unit, UnitKind


class SubjectKind(models.TextChoices):
    UNIT = "unit", pgettext_lazy("awarded to", "Units")
    PERSON = "person", pgettext_lazy("awarded to", "Cadres")


class AwardKind(models.TextChoices):
    STAR = "star", _("Star (评先争优)")
    CHAMPION = "champion", _("Single-item champion (冲刺单项冠军)")


class PeriodKind(models.TextChoices):
    MONTH = "month", pgettext_lazy("period", "Month")
    QUARTER = "quarter", pgettext_lazy("period", "Quarter")
    HALF = "half", pgettext_lazy("period", "Half-year")
    YEAR = "year", pgettext_lazy("period", "Year")


def default_unit_kinds() -> list[str]:
    return [UnitKind.TOWNSHIP.value, UnitKind.SUBDISTRICT.value]


class AwardType(models.Model):
    """One award, e.g. 项目之星 (比作为), with the rule that suggests its candidates from metrics."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    contest = models.CharField(
        _("what it compares"), max_length=60, blank=True, help_text=_("The 比 the award stands for, e.g. 比作为.")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=AwardKind.choices, default=AwardKind.STAR)
    subject_kind = models.CharField(
        _("awarded to"), max_length=8, choices=SubjectKind.choices, default=SubjectKind.UNIT
    )
    unit_kinds = models.JSONField(
        _("kinds of unit"), default=default_unit_kinds, blank=True, help_text=_("Which units may be candidates.")
    )
    metric = models.CharField(
        _("suggested from"),
        max_length=60,
        blank=True,
        help_text=_("A registered metric; empty: candidates come from nominations only."),
    )
    metric_param = models.CharField(_("metric parameter"), max_length=60, blank=True)
    period_kind = models.CharField(
        pgettext_lazy("award", "period"), max_length=8, choices=PeriodKind.choices, default=PeriodKind.QUARTER
    )
    suggest = models.PositiveSmallIntegerField(_("candidates suggested"), default=3)
    winners = models.PositiveSmallIntegerField(_("winners at most"), default=1)
    streak = models.PositiveSmallIntegerField(
        _("periods held"), default=3, help_text=_("For a champion: first place held for this many periods in a row.")
    )
    description = models.TextField(_("description"), blank=True)
    sort_order = models.IntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("award type")
        verbose_name_plural = _("award types")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.contest}评{self.name}" if self.contest else self.name

    @property
    def title(self) -> str:
        return str(self)


class RoundStatus(models.TextChoices):
    NOMINATING = "nominating", _("Nominating")
    VOTING = "voting", _("Voting")
    DECIDED = "decided", _("Decided")
    PUBLISHED = "published", _("Published")


class AwardRound(models.Model):
    """One award given for one period over one unit's subtree (the organiser's)."""

    award_type = models.ForeignKey(AwardType, verbose_name=_("award"), on_delete=models.PROTECT, related_name="rounds")
    unit = models.ForeignKey(Unit, verbose_name=_("organised by"), on_delete=models.PROTECT, related_name="+")
    period = models.CharField(pgettext_lazy("award", "period"), max_length=8)
    unit_kinds = models.JSONField(_("kinds of unit"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.NOMINATING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("award round")
        verbose_name_plural = _("award rounds")
        ordering = ["-period", "award_type__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["award_type", "unit", "period"], name="award_round_unique"),
        ]
        indexes = [models.Index(fields=["status", "period"], name="award_round_status_idx")]

    def __str__(self) -> str:
        return f"{self.award_type} {self.period}"


class PanelMember(models.Model):
    """A member of a round's review panel: one vote each."""

    round = models.ForeignKey(AwardRound, on_delete=models.CASCADE, related_name="panel")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="award_panel_unique")]

    def __str__(self) -> str:
        return f"{self.round_id} {self.user_id}"


class Nomination(models.Model):
    """A unit or a cadre put forward for a round, with the reason and evidence."""

    round = models.ForeignKey(AwardRound, on_delete=models.CASCADE, related_name="nominations")
    unit = models.ForeignKey(
        Unit, verbose_name=_("nominee unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("nominee"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    nominee_name = models.CharField(_("nominee"), max_length=100)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    nominating_unit = models.ForeignKey(
        Unit, verbose_name=_("nominated by"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    figure = models.CharField(_("figure when suggested"), max_length=200, blank=True)
    is_winner = models.BooleanField(_("awarded"), default=False)
    citation = models.TextField(_("citation"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["round_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit"], condition=models.Q(unit__isnull=False), name="award_nomination_unit"
            ),
            models.UniqueConstraint(
                fields=["round", "person"], condition=models.Q(person__isnull=False), name="award_nomination_person"
            ),
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False, person__isnull=True)
                | models.Q(unit__isnull=True, person__isnull=False),
                name="award_nomination_one_nominee",
            ),
        ]

    def __str__(self) -> str:
        return self.nominee_name


def evidence_path(instance: Evidence, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"awards/{timezone.now():%Y%m}/{secrets.token_hex(12)}.{suffix}"


class Evidence(models.Model):
    """A file behind a nomination (photos, reports, certificates)."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class Vote(models.Model):
    """One panel member's vote in a round (one per member)."""

    round = models.ForeignKey(AwardRound, on_delete=models.CASCADE, related_name="votes")
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["round", "voter"], name="award_vote_once")]

    def __str__(self) -> str:
        return f"{self.round_id} {self.voter_id} → {self.nomination_id}"


# --- 红黑榜 ------------------------------------------------------------------------------------


class ListColor(models.TextChoices):
    RED = "red", _("Red list")
    BLACK = "black", _("Black list")


#: The largest minimum number of records a list rule may ask for.
MAX_MIN_COUNT = 10_000


class ListMode(models.TextChoices):
    BEST = "best", _("The best N")
    WORST = "worst", _("The worst N")
    AT_LEAST = "at_least", _("At or above a threshold")
    AT_MOST = "at_most", _("At or below a threshold")


class ListRule(models.Model):
    """How units get on the red or the black list: best or worst N on a metric, or a threshold."""

    name = models.CharField(_("name"), max_length=60)
    color = models.CharField(_("list"), max_length=8, choices=ListColor.choices)
    metric = models.CharField(_("metric"), max_length=60)
    metric_param = models.CharField(_("metric parameter"), max_length=60, blank=True)
    mode = models.CharField(_("rule"), max_length=10, choices=ListMode.choices, default=ListMode.BEST)
    count = models.PositiveSmallIntegerField(_("N"), default=3)
    threshold = models.DecimalField(_("threshold"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit_kinds = models.JSONField(_("kinds of unit"), default=default_unit_kinds, blank=True)
    min_count = models.PositiveIntegerField(
        _("minimum records"),
        default=0,
        validators=[MaxValueValidator(MAX_MIN_COUNT)],
        help_text=_(
            "A unit whose figure rests on fewer records (ratings, cases, tasks …) than this is not listed; "
            "0: no minimum."
        ),
    )
    not_if_black = models.BooleanField(
        _("not if on the black list"),
        default=False,
        help_text=_("A red list rule only: a unit on the black list of the same period is not put on the red list."),
    )
    sort_order = models.IntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("red and black list rule")
        verbose_name_plural = _("red and black list rules")
        ordering = ["color", "sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.get_color_display()} · {self.name}"

    def clean(self) -> None:
        super().clean()
        if self.not_if_black and self.color != ListColor.RED:
            raise ValidationError({"not_if_black": _("Only a red list rule leaves out the units on the black list.")})


class ListStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ListIssue(models.Model):
    """The red and black lists of one unit's subtree for one period (a draft until published)."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    period = models.CharField(pgettext_lazy("award", "period"), max_length=8)
    status = models.CharField(_("status"), max_length=10, choices=ListStatus.choices, default=ListStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("red and black list")
        verbose_name_plural = _("red and black lists")
        ordering = ["-period", "id"]
        constraints = [models.UniqueConstraint(fields=["unit", "period"], name="award_list_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period}"


class ListEntry(models.Model):
    """One unit on a list, with the figure and the reason as they stood when the list was made."""

    issue = models.ForeignKey(ListIssue, on_delete=models.CASCADE, related_name="entries")
    color = models.CharField(_("list"), max_length=8, choices=ListColor.choices)
    rule = models.ForeignKey(ListRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    rule_name = models.CharField(_("rule"), max_length=60)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField(_("unit"), max_length=100)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2, null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        ordering = ["issue_id", "color", "position", "id"]

    def __str__(self) -> str:
        return f"{self.color} {self.unit_name}"
