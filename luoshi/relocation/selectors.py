"""Reads for pages and the API, always starting from the user's campaigns.

``access_<thing>(user, id)`` raises :class:`NotFound` both for missing and for
out-of-scope objects. Figures come from :mod:`luoshi.relocation.figures`: one
grouped query over the ledger for a whole page of campaigns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from luoshi.accounts.types import Actor
from luoshi.core.errors import NotFound
from luoshi.core.timeutil import today as local_today
from luoshi.org.models import Person, Position, Post
from luoshi.relocation.figures import Figures, Schedule, aggregates
from luoshi.relocation.models import Campaign, Household, HouseholdState, Parcel, Stage
from luoshi.relocation.permissions import campaigns_visible_to

#: The household filter for each state (the state is read from the dates, never stored).
STATE_Q: dict[str, Q] = {
    HouseholdState.PENDING: Q(signed_on__isnull=True),
    HouseholdState.SIGNED: Q(signed_on__isnull=False, vacated_on__isnull=True),
    HouseholdState.VACATED: Q(vacated_on__isnull=False, demolished_on__isnull=True),
    HouseholdState.DEMOLISHED: Q(demolished_on__isnull=False),
}
STATES: tuple[str, ...] = (
    HouseholdState.PENDING,
    HouseholdState.SIGNED,
    HouseholdState.VACATED,
    HouseholdState.DEMOLISHED,
)
BOARD_LIMIT = 60
MAX_SERIES_DAYS = 731


# --- campaigns ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignFilters:
    q: str = ""
    stage: str = ""
    unit_id: int | None = None
    active: bool | None = None  # True: not yet 净地出让 or later


def campaign_list(user: Actor, filters: CampaignFilters | None = None) -> QuerySet[Campaign]:
    f = filters or CampaignFilters()
    qs = campaigns_visible_to(user).select_related("unit", "team")
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(code__icontains=f.q))
    if f.stage:
        qs = qs.filter(stage=f.stage)
    if f.unit_id:
        qs = qs.filter(unit_id=f.unit_id)
    if f.active is True:
        qs = qs.exclude(stage__in=[Stage.CLEARED, Stage.WRAP_UP])
    return qs.order_by("-launched_on", "-id")


def access_campaign(user: Actor, pk: int | str) -> Campaign:
    try:
        return campaigns_visible_to(user).select_related("unit", "team").get(pk=int(pk))
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def figures_for(campaign_ids: list[int], *, brief: bool = False) -> dict[int, Figures]:
    """The ledger figures of each campaign, in one grouped query (zeros for an empty ledger).

    ``brief``: only what lists show (see :func:`luoshi.relocation.figures.aggregates`)."""
    result = {pk: Figures() for pk in campaign_ids}
    if not campaign_ids:
        return result
    rows = (
        Household.objects.filter(campaign_id__in=campaign_ids).order_by().values("campaign_id").annotate(**aggregates())
    )
    for row in rows:
        result[row["campaign_id"]] = Figures.from_row(row)
    return result


def schedule_of(campaign: Campaign, figures: Figures, today: dt.date | None = None) -> Schedule:
    return Schedule(
        figures=figures,
        signing_starts_on=campaign.signing_starts_on,
        signing_deadline=campaign.signing_deadline,
        clearance_deadline=campaign.clearance_deadline,
        today=today or local_today(),
    )


def with_figures(campaigns: list[Campaign], today: dt.date | None = None, *, brief: bool = False) -> list[Campaign]:
    """Attach ``figures`` and ``schedule`` to each campaign (one query for all of them)."""
    figures = figures_for([c.pk for c in campaigns], brief=brief)
    day = today or local_today()
    for c in campaigns:
        c.figures = figures[c.pk]  # type: ignore[attr-defined]
        c.schedule = schedule_of(c, figures[c.pk], day)  # type: ignore[attr-defined]
    return campaigns


def campaign_figures(campaign: Campaign) -> Figures:
    return figures_for([campaign.pk])[campaign.pk]


# --- parcels ----------------------------------------------------------------------------------


def parcels_with_figures(campaign: Campaign) -> list[Parcel]:
    """The campaign's parcels, each with ``figures`` from its households (one grouped query)."""
    parcels = list(campaign.parcels.all())
    rows = (
        Household.objects.filter(campaign=campaign, parcel__isnull=False)
        .order_by()
        .values("parcel_id")
        .annotate(**aggregates(brief=True))
    )
    by_parcel = {row["parcel_id"]: Figures.from_row(row) for row in rows}
    for p in parcels:
        p.figures = by_parcel.get(p.pk, Figures())  # type: ignore[attr-defined]
    return parcels


def access_parcel(user: Actor, campaign: Campaign, pk: int | str) -> Parcel:
    try:
        return Parcel.objects.get(campaign=campaign, pk=int(pk))
    except (Parcel.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# --- the ledger -----------------------------------------------------------------------------


@dataclass(frozen=True)
class HouseholdFilters:
    state: str = ""
    parcel_id: int | None = None
    q: str = ""
    unpaid: bool = False


def household_list(
    campaign: Campaign, filters: HouseholdFilters | None = None, *, by_name: bool = False
) -> QuerySet[Household]:
    """The campaign's ledger (the caller has checked the campaign is visible).

    ``q`` matches the number and the address; with ``by_name`` (ledger keepers only) also
    the owner's name, so a phone in the field finds a household by who lives there.
    """
    f = filters or HouseholdFilters()
    qs = Household.objects.filter(campaign=campaign).select_related("parcel", "cadre")
    if f.state in STATE_Q:
        qs = qs.filter(STATE_Q[f.state])
    if f.parcel_id:
        qs = qs.filter(parcel_id=f.parcel_id)
    if f.unpaid:
        qs = qs.filter(signed_on__isnull=False).filter(
            Q(compensation_agreed__isnull=True) | Q(compensation_paid__lt=F("compensation_agreed"))
        )
    if f.q:
        text = Q(number__icontains=f.q) | Q(address__icontains=f.q)
        if by_name:
            text |= Q(owner_name__icontains=f.q)
        qs = qs.filter(text)
    return qs.order_by("number", "id")


def access_household(campaign: Campaign, pk: int | str) -> Household:
    try:
        return Household.objects.select_related("parcel", "cadre").get(campaign=campaign, pk=int(pk))
    except (Household.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


#: At most this many people are offered as a household's responsible cadre.
MAX_CADRE_CHOICES = 500


def cadre_choices(campaign: Campaign) -> QuerySet[Person]:
    """Who may be a household's responsible cadre (包户干部): the active people holding a position in the
    campaign's township (or subdistrict), those on the land acquisition post (征迁岗) first."""
    inside = Position.objects.filter(unit__path__startswith=campaign.unit.path)
    on_post = Exists(inside.filter(person=OuterRef("pk"), post=Post.RELOCATION))
    return (
        Person.objects.filter(is_active=True, pk__in=inside.values("person"))
        .annotate(on_post=on_post)
        .order_by("-on_post", "name", "pk")
    )


@dataclass
class BoardColumn:
    state: str
    label: str
    count: int
    households: list[Household] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.households)


def household_board(campaign: Campaign, *, limit: int = BOARD_LIMIT) -> list[BoardColumn]:
    """Households by state (作战图's board): a count per state and the first ``limit`` of each.

    One query for the counts, one per state for its cards (four in all, whatever the size).
    """
    counts = Household.objects.filter(campaign=campaign).aggregate(
        **{state: Count("id", filter=STATE_Q[state]) for state in STATES}
    )
    columns = []
    for state in STATES:
        cards = (
            list(
                Household.objects.filter(campaign=campaign)
                .filter(STATE_Q[state])
                .select_related("parcel")
                .order_by("number", "id")[:limit]
            )
            if counts[state]
            else []
        )
        columns.append(BoardColumn(state, str(HouseholdState(state).label), counts[state], cards))
    return columns


# --- daily progress -------------------------------------------------------------------------


@dataclass(frozen=True)
class Day:
    day: dt.date
    signed: int
    vacated: int
    demolished: int
    signed_total: int
    vacated_total: int
    demolished_total: int


def daily_progress(campaign: Campaign, *, until: dt.date | None = None) -> list[Day]:
    """Households signed, vacated and demolished on each day, with running totals.

    From the start of signing (or the first recorded step, if earlier) to the last
    recorded step or ``until`` (today), whichever is later (to the last step alone once
    the land is cleared); at most the last
    :data:`MAX_SERIES_DAYS` days are returned, totals still counting from the start.
    """
    base = Household.objects.filter(campaign=campaign).order_by()
    per_day: dict[str, dict[dt.date, int]] = {}
    for name in ("signed_on", "vacated_on", "demolished_on"):
        rows = base.filter(**{f"{name}__isnull": False}).values(name).annotate(n=Count("id")).values_list(name, "n")
        per_day[name] = dict(rows)
    days = [d for counts in per_day.values() for d in counts]
    if not days:
        return []
    start = min([campaign.signing_starts_on, *days])
    # A campaign past 净地 ends its series on its last recorded step; one under way runs to today.
    finished = campaign.stage in (Stage.CLEARED, Stage.WRAP_UP)
    end = max(days) if finished else max([*days, until or local_today()])
    totals = [0, 0, 0]
    series: list[Day] = []
    for offset in range((end - start).days + 1):
        day = start + dt.timedelta(days=offset)
        s = per_day["signed_on"].get(day, 0)
        v = per_day["vacated_on"].get(day, 0)
        d = per_day["demolished_on"].get(day, 0)
        totals = [totals[0] + s, totals[1] + v, totals[2] + d]
        series.append(Day(day, s, v, d, *totals))
    return series[-MAX_SERIES_DAYS:]


# --- public page ----------------------------------------------------------------------------


def public_campaign(code: str) -> Campaign:
    """A campaign whose 阳光征迁 page is published (404 for any other, without saying why)."""
    try:
        return Campaign.objects.select_related("unit").get(code=code, is_public=True)
    except Campaign.DoesNotExist:
        raise NotFound() from None


def public_campaigns() -> QuerySet[Campaign]:
    return Campaign.objects.filter(is_public=True).select_related("unit").order_by("-launched_on", "-id")
