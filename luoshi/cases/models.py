"""Cases: resident requests, grid events, petitions and service errands in one table.

A case has exactly one state (see :mod:`luoshi.cases.workflow`), one command unit
(``owner_unit``: the township or district office that accepts, dispatches and
verifies), at most one handling unit plus co-units, and one open SLA stage with a
warning time and a due time computed in working days (:mod:`luoshi.cases.sla`).
Every change goes through :mod:`luoshi.cases.services`, which also writes the
case timeline (:class:`CaseEvent`) and the activity log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luoshi.org.models import Person, Unit, UnitKind

# --- Categories and standards -------------------------------------------------


class HandlerLevel(models.TextChoices):
    """Which unit handles a case by default when no explicit route matches."""

    PLACE = "place", _("Community or village where it happened")
    TOWNSHIP = "township", _("Township or subdistrict office")


class Category(models.Model):
    """A two-level category tree (大类 / 小类) with the standards for its cases.

    Time limits are working days. A sub-category leaves a limit empty to use its
    parent's; :class:`CategoryLimit` overrides limits for a kind of handling unit.
    """

    parent = models.ForeignKey(
        "self",
        verbose_name=_("major category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=64)
    description = models.TextField(_("description"), blank=True)
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    is_public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_("Public categories can be reported by residents and appear on public pages and in Open311."),
    )
    is_dispute = models.BooleanField(_("dispute"), default=False, help_text=_("Cases can carry mediation sessions."))
    on_the_spot = models.BooleanField(
        _("may be closed on the spot"),
        default=False,
        help_text=_(
            "A grid worker may handle and close a simple case at once (自行处置), with photos before and after."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.IntegerField(_("order"), default=0)
    accept_days = models.PositiveSmallIntegerField(_("days to accept"), null=True, blank=True)
    handle_days = models.PositiveSmallIntegerField(_("days to handle"), null=True, blank=True)
    verify_days = models.PositiveSmallIntegerField(_("days to verify"), null=True, blank=True)
    service_notice = models.CharField(
        _("promise to the resident"),
        max_length=300,
        blank=True,
        help_text=_("Shown to the resident after reporting, e.g. 5 个工作日内处理并答复."),
    )
    handler_level = models.CharField(
        _("default handler"), max_length=16, choices=HandlerLevel.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_major(self) -> bool:
        return self.parent_id is None


class CategoryLimit(models.Model):
    """Time limits of a category for one kind of handling unit (e.g. grids get less time)."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="limits", verbose_name=_("category"))
    unit_kind = models.CharField(_("unit kind"), max_length=16, choices=UnitKind.choices)
    accept_days = models.PositiveSmallIntegerField(_("days to accept"))
    handle_days = models.PositiveSmallIntegerField(_("days to handle"))
    verify_days = models.PositiveSmallIntegerField(_("days to verify"))

    class Meta:
        verbose_name = _("time limit by unit kind")
        verbose_name_plural = _("time limits by unit kind")
        constraints = [models.UniqueConstraint(fields=["category", "unit_kind"], name="case_category_limit_unique")]

    def __str__(self) -> str:
        return f"{self.category} · {self.get_unit_kind_display()}"


class CategoryRoute(models.Model):
    """Default handling unit: cases of ``category`` happening inside ``within`` go to ``handler``."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="routes", verbose_name=_("category"))
    within = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("area"))
    handler = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("handling unit"))

    class Meta:
        verbose_name = _("default handling unit")
        verbose_name_plural = _("default handling units")
        constraints = [models.UniqueConstraint(fields=["category", "within"], name="case_route_unique")]

    def __str__(self) -> str:
        return f"{self.category} @ {self.within} → {self.handler}"


class AttributeType(models.TextChoices):
    STRING = "string", _("Short text")
    NUMBER = "number", pgettext_lazy("attribute type", "Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Long text")
    SINGLE = "singlevaluelist", _("One choice")
    MULTI = "multivaluelist", _("Several choices")


class CategoryAttribute(models.Model):
    """An extra question asked for a category (an Open311 service definition attribute)."""

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="attributes", verbose_name=_("category")
    )
    code = models.SlugField(_("code"), max_length=40)
    description = models.CharField(_("question"), max_length=200)
    datatype = models.CharField(_("type"), max_length=20, choices=AttributeType.choices, default=AttributeType.STRING)
    required = models.BooleanField(_("required"), default=False)
    datatype_description = models.CharField(_("format hint"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    values = models.JSONField(
        _("choices"), default=list, blank=True, help_text=_('For choice lists: [{"key": "a", "name": "…"}, …]')
    )

    class Meta:
        verbose_name = _("category question")
        verbose_name_plural = _("category questions")
        ordering = ["category_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="case_attribute_unique")]

    def __str__(self) -> str:
        return f"{self.category.code}.{self.code}"


# --- Cases -----------------------------------------------------------------------


class CaseKind(models.TextChoices):
    REQUEST = "request", _("Resident request")
    EVENT = "event", _("Grid event")
    PETITION = "petition", _("Petition")
    SERVICE = "service", _("Errand service")


class Channel(models.TextChoices):
    GRID = "grid", _("Grid worker report")
    HOTLINE = "hotline", _("Hotline call")
    VISIT = "visit", _("Walk-in visit")
    LETTER = "letter", _("Letter")
    STAFF = "staff", _("Staff entry")
    WEB = "web", _("Public web form")
    OPEN311 = "open311", _("Open311 API")
    API = "api", _("Internal API")


class Status(models.TextChoices):
    REPORTED = "reported", pgettext_lazy("case status", "Reported")
    ACCEPTED = "accepted", pgettext_lazy("case status", "Accepted")
    DISPATCHED = "dispatched", pgettext_lazy("case status", "Dispatched")
    HANDLING = "handling", pgettext_lazy("case status", "In handling")
    HANDLED = "handled", pgettext_lazy("case status", "Replied")
    CLOSED = "closed", pgettext_lazy("case status", "Closed")
    RATED = "rated", pgettext_lazy("case status", "Rated")
    MERGED = "merged", pgettext_lazy("case status", "Merged as duplicate")


OPEN_STATUSES: frozenset[str] = frozenset(
    {Status.REPORTED, Status.ACCEPTED, Status.DISPATCHED, Status.HANDLING, Status.HANDLED}
)
DONE_STATUSES: frozenset[str] = frozenset({Status.CLOSED, Status.RATED})


class Stage(models.TextChoices):
    NONE = "", _("None")
    ACCEPT = "accept", pgettext_lazy("case stage", "Accept")
    HANDLE = "handle", _("Handle")
    VERIFY = "verify", _("Verify")


class Outcome(models.TextChoices):
    NONE = "", _("Not closed")
    RESOLVED = "resolved", _("Resolved")
    UNRESOLVED = "unresolved", _("Closed without a solution")
    DECLINED = "declined", _("Not accepted")


class Rating(models.TextChoices):
    NONE = "", _("Not rated")
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class MediationResult(models.TextChoices):
    NONE = "", _("No mediation")
    ONGOING = "ongoing", _("Mediation under way")
    AGREED = "agreed", _("Agreement reached")
    FAILED = "failed", _("Mediation failed")


class Case(models.Model):
    # Unique and indexed through Meta (a constraint and an index, not unique=True / db_index=True):
    # on PostgreSQL those would add a second, pattern-matching index that no lookup uses and
    # every intake would pay for.
    tracking_no = models.CharField(_("tracking number"), max_length=32)
    public_token = models.CharField(max_length=32, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=CaseKind.choices, default=CaseKind.REQUEST)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)

    # Where it happened. ``township`` is denormalised for scoping and statistics.
    unit = models.ForeignKey(
        Unit, verbose_name=_("place"), on_delete=models.PROTECT, related_name="cases_here", db_index=False
    )
    township = models.ForeignKey(
        Unit, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    attributes = models.JSONField(_("answers"), default=dict, blank=True)
    media_url = models.URLField(_("media link"), max_length=500, blank=True)

    # Who reported it. Contact data is masked for roles that do not need it.
    reporter_name = models.CharField(_("reporter"), max_length=64, blank=True)
    reporter_phone = models.CharField(_("reporter phone"), max_length=32, blank=True)
    reporter_id_no = models.CharField(_("reporter ID number"), max_length=18, blank=True)
    reporter_email = models.EmailField(_("reporter email"), blank=True)
    reporter_ref = models.CharField(_("reporter account"), max_length=100, blank=True)
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    api_key = models.ForeignKey(
        "cases.Open311Key",
        verbose_name=_("API key"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    # Who acts on it.
    owner_unit = models.ForeignKey(
        Unit,
        verbose_name=_("command unit"),
        on_delete=models.PROTECT,
        related_name="cases_owned",
        db_index=False,
    )
    handling_unit = models.ForeignKey(
        Unit,
        verbose_name=_("handling unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_handled",
        db_index=False,
    )
    co_units: models.ManyToManyField[Unit, CaseCoUnit] = models.ManyToManyField(
        Unit, verbose_name=_("co-units"), through="CaseCoUnit", related_name="cases_co_handled", blank=True
    )

    # State and the open SLA stage.
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REPORTED)
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices, blank=True, default=Stage.ACCEPT)
    stage_started_at = models.DateTimeField(_("stage started"), null=True, blank=True)
    stage_limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"), default=0)
    extension_days = models.PositiveSmallIntegerField(_("approved extension (working days)"), default=0)
    warn_at = models.DateTimeField(_("turns yellow at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)  # set while open, empty otherwise
    sla_notice = models.PositiveSmallIntegerField(default=0, editable=False)  # 0 none, 1 yellow sent, 2 red sent
    was_overdue = models.BooleanField(_("was overdue"), default=False)

    # The result.
    public_reply = models.TextField(_("public reply"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True, default="")
    outcome_reason = models.TextField(_("reason"), blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        db_index=False,  # a partial index in Meta: few cases are duplicates
    )
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices, blank=True, default="")
    rating_comment = models.TextField(_("rating comment"), blank=True)
    needs_return_visit = models.BooleanField(_("needs a return visit"), default=False)
    mediation_result = models.CharField(
        _("mediation"), max_length=16, choices=MediationResult.choices, blank=True, default=""
    )

    reported_at = models.DateTimeField(_("reported"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    handle_seconds = models.PositiveIntegerField(_("time to close (seconds)"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["township", "reported_at"], name="case_township_time_idx"),
            models.Index(fields=["owner_unit", "status", "due_at"], name="case_owner_status_idx"),
            models.Index(fields=["handling_unit", "status", "due_at"], name="case_handler_status_idx"),
            models.Index(fields=["unit", "status"], name="case_unit_status_idx"),
            models.Index(fields=["sla_notice", "due_at"], name="case_sla_due_idx"),
            models.Index(fields=["township", "due_at"], name="case_township_due_idx"),
            # the bulletin's cases section: cases closed / rated in a period, whenever they were reported
            models.Index(
                fields=["township", "closed_at"],
                condition=models.Q(closed_at__isnull=False),
                name="case_township_closed_idx",
            ),
            models.Index(
                fields=["township", "rated_at"],
                condition=models.Q(rated_at__isnull=False),
                name="case_township_rated_idx",
            ),
            models.Index(
                fields=["owner_unit"], condition=models.Q(needs_return_visit=True), name="case_return_visit_idx"
            ),
            models.Index(fields=["category", "status"], name="case_category_status_idx"),
            models.Index(fields=["reported_at"], name="case_reported_idx"),
            models.Index(fields=["updated_at"], name="case_updated_idx"),
            models.Index(fields=["reported_by", "reported_at"], name="case_reporter_idx"),
            models.Index(fields=["public_token"], name="case_public_token_idx"),
            models.Index(
                fields=["duplicate_of"], condition=models.Q(duplicate_of__isnull=False), name="case_duplicate_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tracking_no"], name="case_tracking_no_unique"),
            # The stage clock runs only while the case is open; lists rely on "due_at is set ⇔ open".
            models.CheckConstraint(
                condition=models.Q(due_at__isnull=True) | models.Q(status__in=sorted(OPEN_STATUSES)),
                name="case_due_only_when_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_no} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseCoUnit(models.Model):
    """A unit added to help the handling unit (加派), with its own short reply."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="co_unit_links")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    added_at = models.DateTimeField(default=timezone.now)
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("co-unit")
        verbose_name_plural = _("co-units")
        constraints = [models.UniqueConstraint(fields=["case", "unit"], name="case_co_unit_unique")]
        indexes = [models.Index(fields=["unit", "case"], name="case_co_unit_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} + {self.unit_id}"


class CaseEvent(models.Model):
    """One step on the case timeline: who did what, from which state to which, and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", db_index=False)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    unit_name = models.CharField(_("unit"), max_length=100, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    is_public = models.BooleanField(_("shown to the resident"), default=False)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"], name="case_event_case_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"

    @property
    def label(self) -> str:
        from luoshi.cases.workflow import ACTION_LABELS

        return str(ACTION_LABELS.get(self.action, self.action))


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    EXPIRED = "expired", _("Expired")


class ExtensionRequest(models.Model):
    """A handling unit asks for more working days on the current stage (延期申请)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    stage = models.CharField(max_length=8, choices=Stage.choices)
    days = models.PositiveSmallIntegerField(_("days requested"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("status"), max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    approved_days = models.PositiveSmallIntegerField(_("days approved"), default=0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} +{self.days}"


class CardLevel(models.TextChoices):
    NORMAL = "normal", _("Supervision notice")
    YELLOW = "yellow", _("Yellow card")
    RED = "red", _("Red card")


class SupervisionCard(models.Model):
    """督办: a supervision card recorded against the handling unit, with points for assessment."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="cards")
    level = models.CharField(_("level"), max_length=8, choices=CardLevel.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    points = models.IntegerField(_("points"))
    comment = models.TextField(_("instruction"), blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("supervision card")
        verbose_name_plural = _("supervision cards")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["unit", "issued_at"], name="case_card_unit_idx")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.case_id}"


class VisitMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    VISIT = "visit", _("Home visit")
    TALK = "talk", _("Talk at the office")
    OTHER = "other", _("Other")


class ReturnVisit(models.Model):
    """回访: staff call or visit the resident after closing, especially after an unsatisfied rating."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="return_visits")
    method = models.CharField(_("method"), max_length=8, choices=VisitMethod.choices, default=VisitMethod.PHONE)
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices, blank=True, default="")
    notes = models.TextField(_("notes"))
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    visited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("return visit")
        verbose_name_plural = _("return visits")
        ordering = ["-visited_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.visited_at:%Y-%m-%d}"


class MediationOutcome(models.TextChoices):
    AGREED = "agreed", _("Agreement reached")
    PARTIAL = "partial", _("Partly agreed")
    FAILED = "failed", _("No agreement")
    ADJOURNED = "adjourned", _("Adjourned")


class MediationSession(models.Model):
    """调解: one mediation meeting on a dispute case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediations")
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    mediators = models.CharField(_("mediators"), max_length=300)
    parties = models.CharField(_("parties"), max_length=300)
    outcome = models.CharField(_("outcome"), max_length=16, choices=MediationOutcome.choices)
    agreement = models.TextField(_("agreement"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.held_on}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    now = timezone.now()
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"cases/{now:%Y/%m}/{instance.token}.{suffix}"


class EvidencePhase(models.TextChoices):
    """What a photo shows: the scene before handling, the result after, or neither said."""

    NONE = "", _("photo or file")
    BEFORE = "before", _("before handling")
    AFTER = "after", _("after handling")


class Attachment(models.Model):
    """A photo or file. Kept with ``case`` empty when a form failed, so the upload is not lost.

    Photos and files sent with a workflow step (a reply, a verification, closing on the spot …)
    name the step (``event``) and show on the timeline beside it.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    event = models.ForeignKey(
        CaseEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments", db_index=False
    )
    phase = models.CharField(_("shows"), max_length=8, choices=EvidencePhase.choices, blank=True, default="")
    # A photo of a patrol or household visit (走访巡查) instead of a case; see :class:`Patrol`.
    patrol = models.ForeignKey(
        "cases.Patrol", on_delete=models.CASCADE, null=True, blank=True, related_name="photos", db_index=False
    )
    token = models.CharField(max_length=32, unique=True)
    file = models.FileField(upload_to=_attachment_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["event"], condition=models.Q(event__isnull=False), name="case_attachment_event_idx"),
            models.Index(
                fields=["patrol"], condition=models.Q(patrol__isnull=False), name="case_attachment_patrol_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class TrackingSequence(models.Model):
    """The last tracking-number sequence used per (unit code, year)."""

    code = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "year"], name="case_tracking_seq_unique")]

    def __str__(self) -> str:
        return f"{self.code}{self.year}:{self.last}"


class Open311Key(models.Model):
    """An API key for Open311 clients (POST requests). Only a hash is stored."""

    name = models.CharField(_("client name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("default unit"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Requests that cannot be placed on a grid go to this township's office."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class RateLimitBucket(models.Model):
    """Hits per key in a fixed time window (the public form's rate limiter)."""

    key = models.CharField(max_length=100)
    window = models.BigIntegerField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="case_ratelimit_unique")]

    def __str__(self) -> str:
        return f"{self.key}@{self.window}: {self.hits}"


# --- Grid map -------------------------------------------------------------------


class GridBoundary(models.Model):
    """A grid's boundary as a GeoJSON geometry (WGS84), with its bounding box for lookups."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="boundary", verbose_name=_("grid"))
    geometry = models.JSONField(_("geometry"))
    min_lat = models.FloatField()
    max_lat = models.FloatField()
    min_lng = models.FloatField()
    max_lng = models.FloatField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("grid boundary")
        verbose_name_plural = _("grid boundaries")
        indexes = [models.Index(fields=["min_lat", "max_lat"], name="case_grid_bbox_idx")]

    def __str__(self) -> str:
        return str(self.unit_id)

    @property
    def center(self) -> tuple[float, float]:
        return ((self.min_lat + self.max_lat) / 2, (self.min_lng + self.max_lng) / 2)


# --- Key persons (涉稳重点人员) -------------------------------------------------------


class KeyPersonClass(models.TextChoices):
    PETITIONER = "petitioner", _("Repeated petitioner")
    DISPUTE = "dispute", _("Party to a serious dispute")
    RELEASED = "released", _("Released from prison")
    CORRECTION = "correction", _("Under community correction")
    DRUGS = "drugs", _("Drug user")
    MENTAL = "mental", _("Severe mental disorder")
    OTHER = "other", _("Other")


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class KeyPerson(models.Model):
    """A person in the restricted stability registry, with a responsible cadre (包保责任人)."""

    name = models.CharField(_("name"), max_length=64)
    id_no = models.CharField(_("ID number"), max_length=18, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("community or grid"), on_delete=models.PROTECT, related_name="+")
    classification = models.CharField(_("classification"), max_length=16, choices=KeyPersonClass.choices)
    risk_level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.MEDIUM)
    cadre = models.ForeignKey(
        Person,
        verbose_name=_("responsible cadre"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="key_persons",
    )
    background = models.TextField(_("background"), blank=True)
    cases = models.ManyToManyField(Case, verbose_name=_("linked cases"), blank=True, related_name="key_persons")
    is_active = models.BooleanField(_("under watch"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("key person")
        verbose_name_plural = _("key persons")
        ordering = ["-risk_level", "name", "id"]
        indexes = [models.Index(fields=["unit", "is_active"], name="case_keyperson_unit_idx")]

    def __str__(self) -> str:
        return self.name


class KeyPersonVisit(models.Model):
    """A visit or follow-up on a key person."""

    key_person = models.ForeignKey(KeyPerson, on_delete=models.CASCADE, related_name="visits")
    method = models.CharField(_("method"), max_length=8, choices=VisitMethod.choices, default=VisitMethod.VISIT)
    visited_on = models.DateField(_("date"))
    content = models.TextField(_("what was found"))
    risk_level = models.CharField(_("risk level after"), max_length=8, choices=RiskLevel.choices, blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("key person visit")
        verbose_name_plural = _("key person visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.key_person_id} {self.visited_on}"


# --- Daily reports (一日一排查 · 一日一研判 · 一日一报告) ------------------------------


class DailyKind(models.TextChoices):
    SCREENING = "screening", _("Community daily screening")
    ASSESSMENT = "assessment", _("Township daily assessment")
    CADRE = "cadre", _("Responsible cadre daily report")


class DailyReport(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=DailyKind.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, verbose_name=_("cadre"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    report_date = models.DateField(_("date"))
    nothing_to_report = models.BooleanField(_("nothing unusual"), default=False)
    issues_found = models.PositiveSmallIntegerField(_("issues found"), default=0)
    summary = models.TextField(_("summary"), blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        ordering = ["-report_date", "unit_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "unit", "report_date"],
                condition=models.Q(person__isnull=True),
                name="case_daily_unit_unique",
            ),
            models.UniqueConstraint(
                fields=["kind", "person", "report_date"],
                condition=models.Q(person__isnull=False),
                name="case_daily_person_unique",
            ),
        ]
        indexes = [models.Index(fields=["kind", "report_date"], name="case_daily_kind_date_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit_id} {self.report_date}"


class ReminderSent(models.Model):
    """A missing-report reminder already sent (so the scheduler sends one per day)."""

    kind = models.CharField(max_length=16)
    key = models.CharField(max_length=32)
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key", "day"], name="case_reminder_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} {self.day}"


# --- Patrols and household visits (日常巡查 · 入户走访) --------------------------------------------


class PatrolKind(models.TextChoices):
    PATROL = "patrol", pgettext_lazy("patrol kind", "Patrol")
    VISIT = "visit", pgettext_lazy("patrol kind", "Household visit")


class PatrolOutcome(models.TextChoices):
    NOTHING = "nothing", _("Nothing unusual")
    HANDLED = "handled", _("Handled on the spot")
    REPORTED = "reported", _("Reported as a case")


class Patrol(models.Model):
    """One patrol of a grid or one round of household visits, recorded by the grid worker on the phone.

    Written only by :mod:`luoshi.cases.services.patrols` (which checks the bounds: the grid in the
    recorder's scope, a date not in the future and at most a week back, …); photos are
    :class:`Attachment` rows pointing here; cases reported from it are linked both ways (``cases``).
    """

    kind = models.CharField(_("kind"), max_length=8, choices=PatrolKind.choices, default=PatrolKind.PATROL)
    grid = models.ForeignKey(Unit, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+", db_index=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )  # fmt: skip
    patrol_date = models.DateField(_("date"))
    started_at = models.TimeField(_("start time"))
    ended_at = models.TimeField(_("end time"), null=True, blank=True)
    places = models.CharField(_("places or households"), max_length=500)
    key_person = models.ForeignKey(
        KeyPerson, verbose_name=_("key person visited"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", db_index=False,
    )  # fmt: skip
    findings = models.TextField(pgettext_lazy("patrol", "findings"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=PatrolOutcome.choices, default=PatrolOutcome.NOTHING)
    cases = models.ManyToManyField(Case, verbose_name=_("cases reported"), blank=True, related_name="patrols")
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("patrol or visit")
        verbose_name_plural = _("patrols and visits")
        ordering = ["-patrol_date", "-started_at", "-id"]
        indexes = [
            models.Index(fields=["grid", "patrol_date"], name="case_patrol_grid_idx"),
            models.Index(fields=["recorded_by", "patrol_date"], name="case_patrol_recorder_idx"),
            models.Index(fields=["patrol_date"], name="case_patrol_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.grid_id} {self.patrol_date}"
