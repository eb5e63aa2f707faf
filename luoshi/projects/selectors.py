"""Every read of key projects, scoped to the user (see :mod:`luoshi.projects.permissions`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Sum, Value, When
from django.urls import reverse

from luoshi.core import lights as core_lights
from luoshi.core import links, workdays
from luoshi.core.errors import NotFound
from luoshi.core.timeutil import today as local_today
from luoshi.org.models import Person, Unit, UnitKind
from luoshi.org.scope import scope_for
from luoshi.projects.models import (
    LEVEL_FIELDS,
    Enterprise,
    Investment,
    Kind,
    Lead,
    LeadSource,
    LeadStage,
    Level,
    Meeting,
    Milestone,
    Problem,
    ProblemStatus,
    ProgressEntry,
    ProgressPhoto,
    Project,
    Schedule,
    Stage,
)
from luoshi.projects.permissions import (
    enterprises_visible_to,
    leads_visible_to,
    meetings_visible_to,
    person_of,
    projects_visible_to,
)
from luoshi.projects.services import YELLOW_DAYS_LEFT, year_time_progress

LIGHT_ORDER = Case(
    When(light="red", then=Value(0)),
    When(light="yellow", then=Value(1)),
    When(light="green", then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


@dataclass
class ProjectFilters:
    q: str = ""
    unit: Unit | None = None
    kind: str = ""
    level: str = ""
    stage: str = ""
    schedule: str = ""
    light: str = ""
    leader: int | None = None
    mine: bool = False

    @classmethod
    def from_params(cls, user: Any, params: Any) -> ProjectFilters:
        """Parse query parameters; unknown values are ignored, never an error."""

        def pick(name: str, allowed: Iterable[str]) -> str:
            value = str(params.get(name, "") or "")
            return value if value in set(allowed) else ""

        unit = None
        raw_unit = str(params.get("unit", "") or "")
        if raw_unit.isdigit() and len(raw_unit) < 10:
            candidate = Unit.objects.filter(pk=int(raw_unit)).first()
            if candidate is not None and scope_for(user).covers(candidate):
                unit = candidate
        raw_leader = str(params.get("leader", "") or "")
        return cls(
            q=str(params.get("q", "") or "").strip()[:50],
            unit=unit,
            kind=pick("kind", Kind.values),
            level=pick("level", Level.values),
            stage=pick("stage", Stage.values),
            schedule=pick("schedule", [v for v in Schedule.values if v]),
            light=pick("light", ["red", "yellow", "green"]),
            leader=int(raw_leader) if raw_leader.isdigit() and len(raw_leader) < 10 else None,
            mine=str(params.get("mine", "")) == "1",
        )


def project_list(user: Any, filters: ProjectFilters | None = None) -> QuerySet[Project]:
    """Visible projects, filtered, reddest first; units and leaders come with them (no N+1)."""
    return (
        filtered_projects(user, filters)
        .select_related("unit", "enterprise")
        .prefetch_related(Prefetch("leaders", queryset=Person.objects.only("id", "name")))
        .annotate(light_rank=LIGHT_ORDER)
        .order_by("light_rank", "next_milestone_due", "code")
    )


def filtered_projects(user: Any, filters: ProjectFilters | None = None) -> QuerySet[Project]:
    """Visible projects matching ``filters`` (no ordering, nothing joined)."""
    f = filters or ProjectFilters()
    qs = projects_visible_to(user)
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(code__icontains=f.q))
    if f.unit is not None:
        qs = qs.filter(unit__path__startswith=f.unit.path)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.level:
        qs = qs.filter(**{LEVEL_FIELDS[f.level]: True})
    if f.stage:
        qs = qs.filter(stage=f.stage)
    if f.schedule:
        qs = qs.filter(schedule=f.schedule)
    if f.light:
        qs = qs.filter(light=f.light)
    if f.leader:
        qs = qs.filter(pk__in=Project.leaders.through.objects.filter(person_id=f.leader).values("project_id"))
    if f.mine:
        person = person_of(user)
        qs = qs.filter(pk__in=Project.leaders.through.objects.filter(person_id=person or 0).values("project_id"))
    return qs


def access_project(user: Any, pk: int | str) -> Project:
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    project = (
        projects_visible_to(user)
        .select_related("unit", "task_force", "liaison", "enterprise", "created_by")
        .prefetch_related("leaders")
        .filter(pk=key)
        .first()
    )
    if project is None:
        raise NotFound()
    return project


def access_problem(user: Any, pk: int | str) -> Problem:
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    problem = Problem.objects.select_related("project", "project__unit", "unit").filter(pk=key).first()
    if problem is None or not projects_visible_to(user).filter(pk=problem.project_id).exists():
        raise NotFound()
    return problem


def access_milestone(user: Any, pk: int | str) -> Milestone:
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    milestone = Milestone.objects.select_related("project", "project__unit").filter(pk=key).first()
    if milestone is None or not projects_visible_to(user).filter(pk=milestone.project_id).exists():
        raise NotFound()
    return milestone


@dataclass
class Tally:
    count: int = 0
    total_investment: Decimal = Decimal("0")
    annual_plan: Decimal = Decimal("0")
    completed_year: Decimal = Decimal("0")
    red: int = 0
    yellow: int = 0
    behind: int = 0
    open_problems: int = 0

    @property
    def year_share(self) -> int:
        return round(100 * self.completed_year / self.annual_plan) if self.annual_plan else 0


def tally(qs: QuerySet[Project]) -> Tally:
    """Totals over a filtered list, in one query."""
    row = qs.order_by().aggregate(
        count=Count("pk"),
        total=Sum("total_investment"),
        plan=Sum("annual_plan"),
        done=Sum("completed_year"),
        red=Count("pk", filter=Q(light="red")),
        yellow=Count("pk", filter=Q(light="yellow")),
        behind=Count("pk", filter=Q(schedule=Schedule.BEHIND)),
        problems=Sum("open_problems"),
    )
    return Tally(
        count=row["count"] or 0,
        total_investment=row["total"] or Decimal("0"),
        annual_plan=row["plan"] or Decimal("0"),
        completed_year=row["done"] or Decimal("0"),
        red=row["red"] or 0,
        yellow=row["yellow"] or 0,
        behind=row["behind"] or 0,
        open_problems=row["problems"] or 0,
    )


def township_choices(user: Any) -> list[Unit]:
    """Townships and subdistricts in the user's scope (for the filter)."""
    scope = scope_for(user)
    qs = Unit.objects.filter(kind__in=[UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT, UnitKind.DISTRICT], is_active=True)
    if not scope.is_all:
        qs = qs.filter(scope.unit_q())
    return list(qs.only("id", "name", "kind").order_by("path")[:200])


# --- the project page -------------------------------------------------------------------


@dataclass
class MilestoneRow:
    milestone: Milestone
    light: str
    days_left: int
    overdue: bool


@dataclass
class ProblemRow:
    problem: Problem
    light: str
    days_left: int
    task: links.TaskRef | None = None


def milestone_rows(project: Project, *, today: dt.date | None = None) -> list[MilestoneRow]:
    day = today or local_today()
    cal = workdays.calendar()
    rows = []
    for m in project.milestones.all():
        light = core_lights.due_light(
            cal, due=m.due_date, today=day, done_on=m.done_on, yellow_days_left=YELLOW_DAYS_LEFT
        )
        rows.append(MilestoneRow(m, light.light, light.working_days_left, light.overdue))
    return rows


def problem_rows(problems: Iterable[Problem], *, today: dt.date | None = None) -> list[ProblemRow]:
    day = today or local_today()
    cal = workdays.calendar()
    items = list(problems)
    refs = links.task_states(p.task_id for p in items)
    rows = []
    for p in items:
        done = p.settled_on if p.status == ProblemStatus.SETTLED else None
        if done is None and p.status == ProblemStatus.SETTLED:
            done = p.due_date
        light = core_lights.due_light(cal, due=p.due_date, today=day, done_on=done, yellow_days_left=YELLOW_DAYS_LEFT)
        rows.append(ProblemRow(p, light.light, light.working_days_left, refs.get(p.task_id or 0)))
    return rows


def project_problems(project: Project) -> QuerySet[Problem]:
    return project.problems.select_related("unit", "meeting").order_by(
        Case(When(status=ProblemStatus.SETTLED, then=Value(1)), default=Value(0), output_field=IntegerField()),
        "due_date",
        "id",
    )


def progress_entries(project: Project, *, limit: int = 50) -> list[ProgressEntry]:
    """The latest entries, each with ``photo_list`` (two queries whatever the number)."""
    entries = list(project.progress_entries.select_related("created_by")[:limit])
    photos = photos_of(entries)
    for entry in entries:
        entry.photo_list = photos.get(entry.pk, [])  # type: ignore[attr-defined]
    return entries


@dataclass
class MonthRow:
    month: dt.date
    amount: Decimal
    cumulative: Decimal | None  # None for months still to come
    plan_cumulative: Decimal


def investment_months(project: Project, *, today: dt.date | None = None) -> list[MonthRow]:
    """The plan year month by month: completed, cumulative, and the plan line (annual plan × time progress)."""
    day = today or local_today()
    cal = workdays.calendar()
    year = project.plan_year
    by_month: dict[dt.date, Decimal] = {}
    for month, amount in Investment.objects.filter(project=project, month__year=year).values_list("month", "amount"):
        by_month[month] = by_month.get(month, Decimal("0")) + amount
    rows: list[MonthRow] = []
    cumulative = Decimal("0")
    for m in range(1, 13):
        first = dt.date(year, m, 1)
        month_end = dt.date(year + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
        share = year_time_progress(cal, year, month_end)
        plan = (project.annual_plan * share / 100).quantize(Decimal("0.01"))
        amount = by_month.get(first, Decimal("0"))
        cumulative += amount
        reached = first <= day.replace(day=1) or amount > 0
        rows.append(MonthRow(first, amount, cumulative if reached else None, plan))
    return rows


def investment_history(project: Project, *, limit: int = 60) -> list[Investment]:
    return list(project.investments.select_related("recorded_by").order_by("-month", "-period")[:limit])


# --- the leader's portfolio -------------------------------------------------------------


@dataclass
class Portfolio:
    person: Person | None
    projects: Sequence[Project] = field(default_factory=list)
    late: Sequence[Project] = field(default_factory=list)
    problems: list[ProblemRow] = field(default_factory=list)
    enterprises: list[Enterprise] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)
    more: bool = False  # more linked projects than shown (the list page has them all)


#: Cards on the portfolio page (a leader linked to more sees the rest in the list, ?mine=1).
PORTFOLIO_LIMIT = 24


def portfolio(user: Any, *, person: Person | None = None) -> Portfolio:
    """My linked projects and enterprises, what is late, and the open problems that need me."""
    pid = person.pk if person is not None else person_of(user)
    if pid is None:
        return Portfolio(person=None)
    person = person or Person.objects.filter(pk=pid).first()
    linked = Project.objects.filter(pk__in=Project.leaders.through.objects.filter(person_id=pid).values("project_id"))
    projects = list(
        linked.select_related("unit")
        .annotate(light_rank=LIGHT_ORDER)
        .order_by("light_rank", "next_milestone_due", "code")[: PORTFOLIO_LIMIT + 1]
    )
    more = len(projects) > PORTFOLIO_LIMIT
    projects = projects[:PORTFOLIO_LIMIT]
    late = [p for p in projects if p.light == "red"]
    problems = (
        Problem.objects.filter(project__in=linked)
        .exclude(status=ProblemStatus.SETTLED)
        .select_related("project", "unit")
        .order_by("due_date", "id")[:20]
    )
    enterprises = list(enterprises_visible_to(user).filter(contact_id=pid).select_related("unit")[:100])
    return Portfolio(
        person=person,
        projects=projects,
        late=late,
        problems=problem_rows(problems),
        enterprises=enterprises,
        tally=tally(linked),
        more=more,
    )


# --- the map ---------------------------------------------------------------------------


def mapped_projects(user: Any, filters: ProjectFilters | None = None) -> QuerySet[Project]:
    """The visible projects that have a map point, in the map's order (by code), lead unit joined:
    the list beside the project map."""
    return (
        filtered_projects(user, filters)
        .filter(lat__isnull=False, lng__isnull=False)
        .select_related("unit")
        .only("id", "name", "code", "lat", "lng", "light", "stage", "schedule", "unit__id", "unit__name")
        .order_by("code")
    )


def map_points(user: Any, filters: ProjectFilters | None = None, *, limit: int = 3000) -> list[dict[str, Any]]:
    qs = filtered_projects(user, filters).filter(lat__isnull=False, lng__isnull=False).order_by("code")
    return [
        {
            "id": p.pk,
            "name": p.name,
            "code": p.code,
            "lat": float(p.lat or 0),
            "lng": float(p.lng or 0),
            "light": p.light,
            "light_label": str(p.get_light_display()) if p.light else "",
            "stage": str(p.get_stage_display()),
            "status": str(p.get_schedule_display()) if p.schedule else "",
            "url": reverse("projects:detail", args=[p.pk]),
            "polygon": p.polygon,
        }
        for p in qs.only("id", "name", "code", "lat", "lng", "light", "stage", "schedule", "polygon")[:limit]
    ]


# --- the directory other apps read through luoshi.core.links ---------------------------


class ProjectDirectory:
    """What :mod:`luoshi.core.links` answers about projects (registered in ``ProjectsConfig.ready``)."""

    def _ref(self, p: Project) -> links.ProjectRef:
        return links.ProjectRef(
            id=p.pk,
            code=p.code,
            name=p.name,
            url=reverse("projects:detail", args=[p.pk]),
            lead_unit_id=p.unit_id,
            stage=p.stage,
            stage_label=str(p.get_stage_display()),
            status=p.schedule,
            status_label=str(p.get_schedule_display()) if p.schedule else "",
        )

    def refs(self, ids: Iterable[int]) -> dict[int, links.ProjectRef]:
        qs = Project.objects.filter(pk__in=list(ids)).only("id", "code", "name", "unit_id", "stage", "schedule")
        return {p.pk: self._ref(p) for p in qs}

    def choices(self, user: Any, *, q: str = "", limit: int = 50) -> list[links.ProjectRef]:
        qs = projects_visible_to(user)
        if q:
            qs = qs.filter(Q(name__icontains=q[:50]) | Q(code__icontains=q[:50]))
        qs = qs.only("id", "code", "name", "unit_id", "stage", "schedule").order_by("code")
        return [self._ref(p) for p in qs[: max(1, min(limit, 500))]]

    def visible(self, user: Any, project_id: int) -> bool:
        return projects_visible_to(user).filter(pk=project_id).exists()


# --- consultation meetings --------------------------------------------------------------


def meeting_list(user: Any) -> QuerySet[Meeting]:
    return (
        meetings_visible_to(user)
        .select_related("unit", "chair")
        .annotate(project_count=Count("projects", distinct=True), problem_count=Count("problems", distinct=True))
        .order_by("-date", "-id")
    )


def access_meeting(user: Any, pk: int | str) -> Meeting:
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    meeting = meetings_visible_to(user).select_related("unit", "chair").filter(pk=key).first()
    if meeting is None:
        raise NotFound()
    return meeting


@dataclass
class MeetingReview:
    """What a meeting raised, and what the meeting before it (same unit) raised: settled or not."""

    raised: list[ProblemRow]
    previous: Meeting | None
    settled: list[ProblemRow]
    unsettled: list[ProblemRow]


def meeting_review(meeting: Meeting) -> MeetingReview:
    raised = problem_rows(meeting.problems.select_related("project", "unit").order_by("due_date", "id"))
    previous = (
        Meeting.objects.filter(unit=meeting.unit)
        .filter(Q(date__lt=meeting.date) | Q(date=meeting.date, pk__lt=meeting.pk))
        .order_by("-date", "-id")
        .first()
    )
    earlier = (
        problem_rows(previous.problems.select_related("project", "unit").order_by("due_date", "id")) if previous else []
    )
    return MeetingReview(
        raised=raised,
        previous=previous,
        settled=[r for r in earlier if r.problem.status == ProblemStatus.SETTLED],
        unsettled=[r for r in earlier if r.problem.status != ProblemStatus.SETTLED],
    )


def photos_of(entries: Iterable[ProgressEntry]) -> dict[int, list[ProgressPhoto]]:
    ids = [e.pk for e in entries]
    out: dict[int, list[ProgressPhoto]] = {}
    for photo in ProgressPhoto.objects.filter(entry_id__in=ids).order_by("id"):
        out.setdefault(photo.entry_id, []).append(photo)
    return out


def access_photo(user: Any, pk: int | str) -> ProgressPhoto:
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    photo = ProgressPhoto.objects.select_related("entry").filter(pk=key).first()
    if photo is None or not projects_visible_to(user).filter(pk=photo.entry.project_id).exists():
        raise NotFound()
    return photo


# --- 招商 leads --------------------------------------------------------------------------


@dataclass
class LeadFilters:
    q: str = ""
    unit: Unit | None = None
    stage: str = ""
    source: str = ""
    cadre: int | None = None
    year: int | None = None

    @classmethod
    def from_params(cls, user: Any, params: Any) -> LeadFilters:
        unit = None
        raw_unit = str(params.get("unit", "") or "")
        if raw_unit.isdigit() and len(raw_unit) < 10:
            candidate = Unit.objects.filter(pk=int(raw_unit)).first()
            if candidate is not None and scope_for(user).covers(candidate):
                unit = candidate
        raw_cadre = str(params.get("cadre", "") or "")
        raw_year = str(params.get("year", "") or "")
        stage = str(params.get("stage", "") or "")
        source = str(params.get("source", "") or "")
        return cls(
            q=str(params.get("q", "") or "").strip()[:50],
            unit=unit,
            stage=stage if stage in LeadStage.values else "",
            source=source if source in LeadSource.values else "",
            cadre=int(raw_cadre) if raw_cadre.isdigit() and len(raw_cadre) < 10 else None,
            year=int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else None,
        )


def filtered_leads(user: Any, filters: LeadFilters | None = None) -> QuerySet[Lead]:
    f = filters or LeadFilters()
    qs = leads_visible_to(user)
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(investor__icontains=f.q) | Q(sector__icontains=f.q))
    if f.unit is not None:
        qs = qs.filter(unit__path__startswith=f.unit.path)
    if f.stage:
        qs = qs.filter(stage=f.stage)
    if f.source:
        qs = qs.filter(source=f.source)
    if f.cadre:
        qs = qs.filter(cadre_id=f.cadre)
    if f.year:
        qs = qs.filter(found_on__year=f.year)
    return qs


def lead_list(user: Any, filters: LeadFilters | None = None) -> QuerySet[Lead]:
    return (
        filtered_leads(user, filters)
        .select_related("unit", "cadre", "referrer", "project")
        .order_by("-found_on", "-id")
    )


def access_lead(user: Any, pk: int | str) -> Lead:
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    lead = leads_visible_to(user).select_related("unit", "cadre", "referrer", "project").filter(pk=key).first()
    if lead is None:
        raise NotFound()
    return lead


@dataclass
class FunnelStep:
    stage: str
    label: str
    count: int
    amount: Decimal


@dataclass
class LeadTally:
    key: int
    name: str
    leads: int = 0
    talks: int = 0
    talks_amount: Decimal = Decimal("0")
    signed: int = 0
    signed_amount: Decimal = Decimal("0")
    landed: int = 0

    @property
    def signing_rate(self) -> int | None:
        return round(100 * self.signed / self.leads) if self.leads else None


#: The funnel counts every lead that *reached* a stage (dropped ones count up to where they got).
FUNNEL = [
    (LeadStage.LEAD, "found_on"),
    (LeadStage.TALKS, "talks_on"),
    (LeadStage.SIGNED, "signed_on"),
    (LeadStage.LANDED, "landed_on"),
    (LeadStage.OPERATING, "operating_on"),
]


def funnel(qs: QuerySet[Lead]) -> list[FunnelStep]:
    """How many leads (and how much money) reached each stage: one query."""
    agg: dict[str, Any] = {}
    for stage, field_name in FUNNEL:
        agg[f"n_{stage}"] = Count("pk", filter=Q(**{f"{field_name}__isnull": False}))
        agg[f"a_{stage}"] = Sum("amount", filter=Q(**{f"{field_name}__isnull": False}))
    row = qs.order_by().aggregate(**agg)
    return [
        FunnelStep(str(stage), str(LeadStage(stage).label), row[f"n_{stage}"] or 0, row[f"a_{stage}"] or Decimal("0"))
        for stage, _f in FUNNEL
    ]


def _township_of(path: str) -> int:
    ids = [int(p) for p in path.strip("/").split("/") if p]
    return ids[1] if len(ids) > 1 else ids[0]


def lead_tallies(qs: QuerySet[Lead]) -> tuple[list[LeadTally], list[LeadTally]]:
    """The 赛马场: tallies by township and by cadre, most signed first (one query, plus the names)."""
    rows = qs.order_by().values_list(
        "unit__path", "cadre_id", "cadre__name", "signed_on", "landed_on", "stage", "amount"
    )
    units: dict[int, LeadTally] = {}
    cadres: dict[int, LeadTally] = {}
    for path, cadre_id, cadre_name, signed_on, landed_on, stage, amount in rows:
        township = _township_of(path)
        for table, key, name in ((units, township, ""), (cadres, cadre_id, cadre_name)):
            t = table.setdefault(key, LeadTally(key=key, name=name))
            t.leads += 1
            if stage == LeadStage.TALKS:
                t.talks += 1
                t.talks_amount += amount
            if signed_on is not None and stage != LeadStage.DROPPED:
                t.signed += 1
                t.signed_amount += amount
            if landed_on is not None:
                t.landed += 1
    names = dict(Unit.objects.filter(pk__in=list(units)).values_list("pk", "name"))
    for key, t in units.items():
        t.name = names.get(key, "")

    def order(t: LeadTally) -> tuple[Any, ...]:
        return (-t.signed_amount, -t.signed, -t.leads, t.name)

    return sorted(units.values(), key=order), sorted(cadres.values(), key=order)


# --- enterprises -----------------------------------------------------------------------


def enterprise_list(user: Any, *, q: str = "", unit: Unit | None = None, scale: str = "") -> QuerySet[Enterprise]:
    qs = enterprises_visible_to(user).select_related("unit", "contact")
    if q:
        qs = qs.filter(Q(name__icontains=q[:50]) | Q(credit_code__icontains=q[:18]) | Q(sector__icontains=q[:50]))
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if scale == "above_scale":
        qs = qs.filter(above_scale=True)
    elif scale == "above_quota":
        qs = qs.filter(above_quota=True)
    return qs.annotate(project_count=Count("projects", distinct=True)).order_by("name", "id")


def access_enterprise(user: Any, pk: int | str) -> Enterprise:
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    enterprise = enterprises_visible_to(user).select_related("unit", "contact").filter(pk=key).first()
    if enterprise is None:
        raise NotFound()
    return enterprise


def request_counts(enterprises: Iterable[Enterprise]) -> dict[int, links.CaseCount]:
    """Enterprise requests (小微管家) per enterprise, counted from the case loop."""
    items = list(enterprises)
    counts = links.case_counts(f"enterprise:{e.credit_code}" for e in items)
    return {e.pk: counts.get(f"enterprise:{e.credit_code}", links.CaseCount()) for e in items}


def projects_of_enterprise(user: Any, enterprise: Enterprise) -> QuerySet[Project]:
    return projects_visible_to(user).filter(enterprise=enterprise).select_related("unit").order_by("code")


def leads_referred_by(user: Any, enterprise: Enterprise) -> QuerySet[Lead]:
    return leads_visible_to(user).filter(referrer=enterprise).select_related("cadre", "unit").order_by("-found_on")
