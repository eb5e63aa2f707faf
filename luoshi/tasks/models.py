"""Goals, categories, tasks with the five fixes (五定), milestones, progress, inspections.

Models hold data and invariants only. State changes go through
:mod:`luoshi.tasks.services`, which follow the table in :mod:`luoshi.tasks.workflow`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.core.bounds import SORT_ORDER_MAX, WEIGHT_MAX
from luoshi.core.constraints import between
from luoshi.org.models import Person, Unit


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ASSIGNED = "assigned", _("Awaiting acceptance")
    IN_PROGRESS = "in_progress", _("In progress")
    PENDING_REVIEW = "pending_review", _("Pending review")
    DONE = "done", _("Signed off")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")


#: States in which a task is being worked on and carries a traffic light.
OPEN_STATUSES: frozenset[str] = frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.PENDING_REVIEW})
CLOSED_STATUSES: frozenset[str] = frozenset({Status.DONE, Status.CANCELLED})


class Light(models.TextChoices):
    GREEN = "green", _("Green: on track")
    YELLOW = "yellow", _("Yellow: at risk")
    RED = "red", _("Red: overdue or far behind")
    NONE = "", _("No light")


class Source(models.TextChoices):
    HIGHER = "higher", _("Assigned by a higher level")
    MEETING = "meeting", _("Meeting decision")
    INSTRUCTION = "instruction", _("Leader's instruction")
    PETITION = "petition", _("Petition referral")
    INSPECTION = "inspection", _("Inspection finding")
    OTHER = "other", _("Other")


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    IMPORTANT = "important", _("Important")
    URGENT = "urgent", _("Urgent")


class Cadence(models.TextChoices):
    NONE = "none", _("No regular report")
    WEEKLY = "weekly", _("Weekly")
    SEMIMONTHLY = "semimonthly", _("Twice a month")
    MONTHLY = "monthly", _("Monthly")


#: Calendar days between two required progress reports.
CADENCE_DAYS: dict[str, int] = {Cadence.WEEKLY: 7, Cadence.SEMIMONTHLY: 15, Cadence.MONTHLY: 30}

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class Goal(models.Model):
    """A yearly goal (e.g. 三大攻坚行动) with its own assessment weight (一目标一考核)."""

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="task_goals"
    )
    weight = models.DecimalField(
        _("assessment weight"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        help_text=_("The points this goal carries in the assessment (一目标一考核)."),
    )
    assessment = models.TextField(_("assessment rule"), blank=True)
    progress = models.DecimalField(_("progress"), max_digits=5, decimal_places=2, default=Decimal("0"))
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["-year", "title", "id"]
        constraints = [
            between("weight", 0, WEIGHT_MAX, "task_goal_weight_range"),
            between("progress", 0, 100, "task_goal_progress_range"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class Category(models.Model):
    """A node of a goal's catalogue: a category (类) or a project (项目) under one."""

    goal = models.ForeignKey(Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="categories")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=20, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, null=True, blank=True)
    sort_order = models.IntegerField(_("order"), default=0)
    progress = models.DecimalField(_("progress"), max_digits=5, decimal_places=2, default=Decimal("0"))

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["goal_id", "sort_order", "id"]
        constraints = [
            between("weight", 0, WEIGHT_MAX, "task_category_weight_range", null=True),
            between("sort_order", -SORT_ORDER_MAX, SORT_ORDER_MAX, "task_category_sort_order_range"),
            between("progress", 0, 100, "task_category_progress_range"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class Task(models.Model):
    """A supervised task (督办事项) with the five fixes: target, leader, unit, deadline, measures."""

    number = models.CharField(_("number"), max_length=24, blank=True, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.HIGHER)
    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent task"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subtasks",
    )
    target = models.TextField(_("target"), blank=True)
    acceptance = models.TextField(_("acceptance standard"), blank=True)
    measures = models.TextField(_("measures"), blank=True)
    responsible_leader = models.ForeignKey(
        Person,
        verbose_name=_("responsible leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_tasks",
    )
    lead_unit = models.ForeignKey(Unit, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="led_tasks")
    co_units = models.ManyToManyField(Unit, verbose_name=_("co-units"), blank=True, related_name="co_tasks")
    task_force = models.ForeignKey(
        Unit,
        verbose_name=_("task force"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="force_tasks",
    )
    start_date = models.DateField(_("start date"))
    deadline = models.DateField(_("deadline"))
    original_deadline = models.DateField(_("original deadline"), null=True, blank=True)
    priority = models.CharField(_("priority"), max_length=12, choices=Priority.choices, default=Priority.NORMAL)
    report_cadence = models.CharField(
        _("progress report cadence"), max_length=12, choices=Cadence.choices, default=Cadence.WEEKLY
    )
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, null=True, blank=True)

    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    reported_progress = models.PositiveSmallIntegerField(_("reported progress"), default=0, validators=PERCENT)
    progress = models.DecimalField(_("progress"), max_digits=5, decimal_places=2, default=Decimal("0"))
    light = models.CharField(_("light"), max_length=8, choices=Light.choices, blank=True, default="")
    is_overdue = models.BooleanField(_("overdue"), default=False)
    closed_on_time = models.BooleanField(_("closed on time"), null=True, blank=True)
    next_report_due = models.DateField(_("next report due"), null=True, blank=True)
    missed_reports = models.PositiveIntegerField(
        _("missed reports"), default=0, help_text=_("Every required progress report ever missed (kept on record).")
    )
    reports_outstanding = models.PositiveSmallIntegerField(
        _("reports outstanding"),
        default=0,
        help_text=_("Required reports missed since the last report; they count in the light until one comes."),
    )
    reminder_count = models.PositiveIntegerField(_("reminders"), default=0)
    last_report_at = models.DateTimeField(_("last report"), null=True, blank=True)

    source_finding = models.ForeignKey(
        "Finding",
        verbose_name=_("inspection finding"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rectification_tasks",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["lead_unit", "status", "light", "deadline"], name="task_unit_status_light_idx"),
            models.Index(fields=["status", "light", "deadline"], name="task_status_light_idx"),
            models.Index(fields=["deadline", "id"], name="task_deadline_idx"),
            models.Index(fields=["responsible_leader", "status"], name="task_leader_idx"),
            # Partial: most tasks have no task force, and a full index's statistics then
            # make the planner scan the table instead (see docs/decisions/0102).
            models.Index(
                fields=["task_force", "status"], condition=models.Q(task_force__isnull=False), name="task_force_idx"
            ),
        ]
        constraints = [
            between("weight", 0, WEIGHT_MAX, "task_weight_range", null=True),
            between("progress", 0, 100, "task_progress_range"),
            between("reported_progress", 0, 100, "task_reported_progress_range"),
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("start_date")), name="task_deadline_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def percent(self) -> int:
        """Progress as a whole number, for display."""
        return int(self.progress.to_integral_value()) if isinstance(self.progress, Decimal) else int(self.progress)

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class Milestone(models.Model):
    """A node of the task's roadmap (路线图) with its own due date."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    due_date = models.DateField(_("due date"))
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sort_order = models.IntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["task_id", "due_date", "sort_order", "id"]
        constraints = [
            between("sort_order", -SORT_ORDER_MAX, SORT_ORDER_MAX, "task_milestone_sort_order_range"),
        ]

    def __str__(self) -> str:
        return self.title


class ProgressReport(models.Model):
    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="reports")
    percent = models.PositiveSmallIntegerField(_("percent complete"), validators=PERCENT)
    text = models.TextField(_("progress"))
    reported_on = models.DateField(_("date"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["task_id", "reported_on", "created_at", "id"]
        indexes = [models.Index(fields=["task", "created_at"], name="report_task_idx")]
        constraints = [
            between("percent", 0, 100, "task_report_percent_range"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.percent}%"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"tasks/{instance.task_id}/{timezone.now():%Y%m}/{filename}"


class Attachment(models.Model):
    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="attachments")
    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("progress report"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    #: The workflow step the file was sent with (a submission, a sign-off …), shown beside it on the timeline.
    event = models.ForeignKey(
        "tasks.TaskEvent",
        verbose_name=_("step"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        db_index=False,
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["task_id", "created_at", "id"]
        indexes = [
            models.Index(fields=["event"], condition=models.Q(event__isnull=False), name="task_attachment_event_idx")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        """A photo (its content was checked against its name on upload: luoshi.core.uploads)."""
        return self.name.lower().endswith(IMAGE_SUFFIXES)


#: File names of photos (the upload check makes sure the content is that kind of picture).
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ExtensionRequest(models.Model):
    """A request to move the deadline (延期申请), decided by a supervisor."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    old_deadline = models.DateField(_("old deadline"))
    requested_deadline = models.DateField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    new_deadline = models.DateField(_("new deadline"), null=True, blank=True)
    decision_comment = models.TextField(_("decision"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["task_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"], condition=models.Q(status="pending"), name="one_pending_extension_per_task"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_id} → {self.requested_deadline}"


class EventKind(models.TextChoices):
    CREATE = "create", _("created the task")
    EDIT = "edit", _("changed the task")
    TRANSITION = "transition", _("changed the status")
    PROGRESS = "progress", _("reported progress")
    REMINDER = "reminder", _("sent a reminder")
    MILESTONE = "milestone", _("updated a milestone")
    EXTENSION = "extension", _("extension")
    ATTACHMENT = "attachment", _("added a file")
    REPORT_MISSED = "report_missed", _("a required progress report was missed")
    OVERDUE = "overdue", _("the task became overdue")


class TaskEvent(models.Model):
    """One line of a task's timeline: who did what, when, from which state to which."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    action = models.CharField(_("action"), max_length=24, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("task event")
        verbose_name_plural = _("task events")
        ordering = ["task_id", "created_at", "id"]
        indexes = [models.Index(fields=["task", "created_at"], name="task_event_idx")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.kind} {self.action}"


class Inspection(models.Model):
    """A supervision visit (督查), often unannounced (四不两直)."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("inspected unit"), on_delete=models.PROTECT, related_name="inspections"
    )
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    unannounced = models.BooleanField(
        _("unannounced"), default=True, help_text=_("四不两直: no notice, no escort, straight to the site.")
    )
    inspectors = models.ManyToManyField(Person, verbose_name=_("inspectors"), blank=True, related_name="inspections")
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["unit", "date"], name="inspection_unit_idx")]

    def __str__(self) -> str:
        return f"{self.date} {self.place}"


class Finding(models.Model):
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="findings"
    )
    description = models.TextField(_("finding"))
    unit = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sort_order = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["inspection_id", "sort_order", "id"]
        constraints = [
            between("sort_order", -SORT_ORDER_MAX, SORT_ORDER_MAX, "task_finding_sort_order_range"),
        ]

    def __str__(self) -> str:
        return self.description[:60]
