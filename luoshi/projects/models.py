"""Key projects (重点项目), their money, milestones, progress and problems; 招商 leads; enterprises.

Models hold data and invariants only. Every write goes through
:mod:`luoshi.projects.services`; stages follow the table in
:mod:`luoshi.projects.workflow`. Fields marked *computed* are written only by
the services (from the monthly investment, the milestones and the problems) and
by the daily job; nobody types them.

Money is in 万元 (ten thousand yuan), as the offices count it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luoshi.org.models import Person, Unit
from luoshi.projects.creditcode import validate_credit_code

NON_NEGATIVE = [MinValueValidator(Decimal("0"))]
MAX_MONEY = Decimal("999999999.99")  # 万元: more than any project on earth


class Kind(models.TextChoices):
    INDUSTRY = "industry", _("Industry")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    URBAN_RENEWAL = "urban_renewal", _("Urban renewal")
    LIVELIHOOD = "livelihood", _("Livelihood")
    RURAL = "rural", _("Rural revitalisation")
    OTHER = "other", pgettext_lazy("project kind", "Other")


class Level(models.TextChoices):
    """The lists a project is on (重点项目 levels); a project may be on several (三级重点)."""

    PROVINCE = "province", _("Provincial key project")
    CITY = "city", _("City key project")
    COUNTY = "county", _("District key project")
    TOWNSHIP = "township", _("Township key project")


class Stage(models.TextChoices):
    PLANNING = "planning", _("Planning")
    SIGNED = "signed", pgettext_lazy("project stage", "Signed")
    PREPARATION = "preparation", _("Preparation")
    CONSTRUCTION = "construction", _("Under construction")
    COMPLETED = "completed", _("Completed")
    OPERATING = "operating", _("In production")


class Schedule(models.TextChoices):
    """Computed status of a project against its plan (never typed)."""

    AHEAD = "ahead", pgettext_lazy("project schedule", "Ahead")
    ON_TRACK = "on_track", pgettext_lazy("project schedule", "On track")
    BEHIND = "behind", pgettext_lazy("project schedule", "Behind")
    NONE = "", pgettext_lazy("project schedule", "Not measured")


class Light(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")
    NONE = "", _("No light")


class Enterprise(models.Model):
    """A company in the registry (助企): owner of projects, referrer of leads, subject of requests."""

    name = models.CharField(_("name"), max_length=100)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        help_text=_("18 characters, checked by the GB 32100-2015 check digit."),
    )
    sector = models.CharField(_("sector"), max_length=50, blank=True)
    above_scale = models.BooleanField(_("above designated size (规上)"), default=False)
    above_quota = models.BooleanField(_("above quota (限上)"), default=False)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="enterprises")
    contact = models.ForeignKey(
        Person,
        verbose_name=_("linked leader or cadre"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="linked_enterprises",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["unit", "name"], name="proj_ent_unit_name_idx")]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    code = models.CharField(_("code"), max_length=24, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices, default=Kind.INDUSTRY)
    # The levels as four flags: a project is on one list or several at once (三级重点).
    on_province_list = models.BooleanField(_("provincial key project"), default=False)
    on_city_list = models.BooleanField(_("city key project"), default=False)
    on_county_list = models.BooleanField(_("district key project"), default=False)
    on_township_list = models.BooleanField(_("township key project"), default=False)
    stage = models.CharField(
        pgettext_lazy("project", "stage"), max_length=16, choices=Stage.choices, default=Stage.PLANNING
    )
    description = models.TextField(_("description"), blank=True, max_length=4000)

    unit = models.ForeignKey(Unit, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="led_projects")
    task_force = models.ForeignKey(
        Unit,
        verbose_name=_("task force"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="force_projects",
    )
    liaison = models.ForeignKey(
        Person,
        verbose_name=_("liaison"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="liaison_projects",
    )
    leaders = models.ManyToManyField(
        Person,
        verbose_name=_("linked leaders"),
        blank=True,
        related_name="linked_projects",
        help_text=_("Leaders linked to the project point-to-point (挂钩领导)."),
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("owner enterprise"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    polygon = models.JSONField(_("outline"), null=True, blank=True, help_text=_("GeoJSON polygon (optional)."))

    total_investment = models.DecimalField(
        _("total investment (万元)"), max_digits=14, decimal_places=2, validators=NON_NEGATIVE
    )
    plan_year = models.PositiveSmallIntegerField(_("plan year"))
    annual_plan = models.DecimalField(
        _("annual planned investment (万元)"), max_digits=14, decimal_places=2, validators=NON_NEGATIVE
    )
    output_value = models.DecimalField(
        _("output value after completion (万元)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_finish = models.DateField(_("planned finish"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_finish = models.DateField(_("actual finish"), null=True, blank=True)

    # Computed by the services and the daily job (一数一源): never typed.
    completed_total = models.DecimalField(
        _("investment completed (万元)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    completed_year = models.DecimalField(
        _("completed this year (万元)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    schedule = models.CharField(_("status"), max_length=10, choices=Schedule.choices, blank=True, default="")
    light = models.CharField(_("light"), max_length=8, choices=Light.choices, blank=True, default="")
    time_progress = models.PositiveSmallIntegerField(_("time progress"), default=0)
    next_milestone_due = models.DateField(_("next milestone"), null=True, blank=True)
    open_problems = models.PositiveIntegerField(_("open problems"), default=0)
    late_milestones = models.PositiveIntegerField(_("late milestones"), default=0)
    late_problems = models.PositiveIntegerField(_("problems past their time limit"), default=0)
    last_reported_month = models.DateField(_("last month reported"), null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("key project")
        verbose_name_plural = _("key projects")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["unit", "stage", "light"], name="proj_unit_stage_light_idx"),
            models.Index(fields=["light", "code"], name="proj_light_code_idx"),
            models.Index(fields=["schedule", "code"], name="proj_schedule_code_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total_investment__gte=0) & models.Q(annual_plan__gte=0),
                name="proj_money_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def levels(self) -> list[str]:
        flags = [
            (Level.PROVINCE, self.on_province_list),
            (Level.CITY, self.on_city_list),
            (Level.COUNTY, self.on_county_list),
            (Level.TOWNSHIP, self.on_township_list),
        ]
        return [str(level) for level, on in flags if on]

    @property
    def level_labels(self) -> list[str]:
        return [str(Level(level).label) for level in self.levels]

    @property
    def year_share(self) -> int:
        """Completed this year as a share (0..) of the annual plan, in whole per cent."""
        if not self.annual_plan:
            return 0
        return round(100 * self.completed_year / self.annual_plan)


LEVEL_FIELDS: dict[str, str] = {
    Level.PROVINCE: "on_province_list",
    Level.CITY: "on_city_list",
    Level.COUNTY: "on_county_list",
    Level.TOWNSHIP: "on_township_list",
}


class Investment(models.Model):
    """Investment completed in one month (``period`` 0) or one 旬 of it (1, 2, 3)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="investments"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    period = models.PositiveSmallIntegerField(
        _("ten-day period"), default=0, validators=[MaxValueValidator(3)], help_text=_("0 for the whole month.")
    )
    amount = models.DecimalField(_("amount (万元)"), max_digits=14, decimal_places=2, validators=NON_NEGATIVE)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("monthly investment")
        verbose_name_plural = _("monthly investment")
        ordering = ["project_id", "month", "period"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month", "period"], name="proj_investment_unique"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="proj_investment_not_negative"),
        ]
        indexes = [models.Index(fields=["month", "project"], name="proj_inv_month_idx")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.month:%Y-%m}/{self.period}: {self.amount}"


class Milestone(models.Model):
    """A dated node (节点) of a project, lit on the working-day calendar."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=120)
    due_date = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    sort_order = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project_id", "due_date", "sort_order", "id"]

    def __str__(self) -> str:
        return self.title


class ProgressEntry(models.Model):
    """A dated 形象进度 entry: what the site looks like now, with photos."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="progress_entries"
    )
    date = models.DateField(_("date"))
    text = models.TextField(_("progress"), max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        ordering = ["project_id", "-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.text[:30]}"


def _photo_path(instance: ProgressPhoto, filename: str) -> str:
    return f"projects/photos/{instance.entry.project_id}/{filename}"


class ProgressPhoto(models.Model):
    """A photo of a 形象进度 entry, checked by content and stored three times (core.uploads).

    ``evidence`` keeps the camera's EXIF data (where and when it was taken) for staff;
    ``public`` and ``thumbnail`` carry no metadata.
    """

    entry = models.ForeignKey(
        ProgressEntry, verbose_name=_("progress entry"), on_delete=models.CASCADE, related_name="photos"
    )
    evidence = models.FileField(_("photo with its camera data"), upload_to=_photo_path, max_length=200)
    public = models.FileField(_("photo"), upload_to=_photo_path, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), upload_to=_photo_path, max_length=200)
    content_type = models.CharField(max_length=32)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("progress photo")
        verbose_name_plural = _("progress photos")
        ordering = ["entry_id", "id"]

    def __str__(self) -> str:
        return f"{self.entry_id}/{self.pk}"


class Meeting(models.Model):
    """A consultation meeting (会商) on one or more projects."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="project_meetings")
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=120)
    chair = models.ForeignKey(
        Person, verbose_name=_("chair"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attendees = models.TextField(_("attendees"), blank=True, max_length=2000)
    projects = models.ManyToManyField(Project, verbose_name=_("projects discussed"), related_name="meetings")
    notes = models.TextField(pgettext_lazy("meeting", "notes"), blank=True, max_length=8000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("consultation meeting")
        verbose_name_plural = _("consultation meetings")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["unit", "date"], name="proj_meeting_unit_date_idx")]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"


class ProblemKind(models.TextChoices):
    LAND = "land", _("Land")
    FUNDING = "funding", _("Funding")
    RELOCATION = "relocation", _("Land acquisition")
    APPROVAL = "approval", _("Approvals")
    UTILITIES = "utilities", _("Water, power, roads, telecoms")
    OTHER = "other", pgettext_lazy("problem kind", "Other")


class ProblemStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("problem status", "Open")
    IN_TASK = "in_task", _("Being handled as a task")
    SETTLED = "settled", _("Settled")


class Problem(models.Model):
    """A problem to coordinate (协调事项 / 要素保障) for a project."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="problems")
    kind = models.CharField(_("kind"), max_length=12, choices=ProblemKind.choices)
    title = models.CharField(_("problem"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    unit = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="project_problems"
    )
    due_date = models.DateField(_("time limit"))
    status = models.CharField(_("status"), max_length=10, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("raised at meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="problems",
    )
    # The task in the closed loop (luoshi.core.links; no foreign key across apps).
    task_id = models.PositiveIntegerField(_("task"), null=True, blank=True, db_index=True)
    task_status = models.CharField(_("task status"), max_length=16, blank=True)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("problem to coordinate")
        verbose_name_plural = _("problems to coordinate")
        ordering = ["project_id", "status", "due_date", "id"]
        indexes = [models.Index(fields=["status", "due_date"], name="proj_problem_status_idx")]

    def __str__(self) -> str:
        return self.title


class LeadStage(models.TextChoices):
    LEAD = "lead", _("Lead")
    TALKS = "talks", _("In talks")
    SIGNED = "signed", pgettext_lazy("lead stage", "Signed")
    LANDED = "landed", _("Landed / started")
    OPERATING = "operating", _("In production")
    DROPPED = "dropped", _("Dropped")


class LeadSource(models.TextChoices):
    OWN = "own", _("Own contacts")
    REFERRAL = "referral", _("Referred by an enterprise (以企招企)")
    AGENCY = "agency", _("Agency or chamber of commerce")
    EVENT = "event", _("Promotion event")
    OTHER = "other", pgettext_lazy("lead source", "Other")


class Lead(models.Model):
    """An investment-attraction lead (招商线索) in the pipeline."""

    name = models.CharField(_("name"), max_length=120)
    investor = models.CharField(_("investor"), max_length=120, blank=True)
    sector = models.CharField(_("sector"), max_length=50, blank=True)
    amount = models.DecimalField(
        _("intended investment (万元)"), max_digits=14, decimal_places=2, validators=NON_NEGATIVE
    )
    source = models.CharField(_("source"), max_length=12, choices=LeadSource.choices, default=LeadSource.OWN)
    referrer = models.ForeignKey(
        Enterprise,
        verbose_name=_("referred by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referred_leads",
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="project_leads")
    cadre = models.ForeignKey(
        Person, verbose_name=_("cadre responsible"), on_delete=models.PROTECT, related_name="project_leads"
    )
    stage = models.CharField(
        pgettext_lazy("project", "stage"), max_length=12, choices=LeadStage.choices, default=LeadStage.LEAD
    )
    found_on = models.DateField(_("found on"))
    talks_on = models.DateField(_("talks started"), null=True, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    landed_on = models.DateField(_("landed on"), null=True, blank=True)
    operating_on = models.DateField(_("in production since"), null=True, blank=True)
    dropped_on = models.DateField(_("dropped on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=4000)
    project = models.OneToOneField(
        Project, verbose_name=_("project"), on_delete=models.SET_NULL, null=True, blank=True, related_name="lead"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("investment lead")
        verbose_name_plural = _("investment leads")
        ordering = ["-found_on", "-id"]
        indexes = [models.Index(fields=["unit", "stage"], name="proj_lead_unit_stage_idx")]

    def __str__(self) -> str:
        return self.name
