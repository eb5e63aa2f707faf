"""Reads for awards, scoped to the user's units; candidates suggested from the metric registry."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from luoshi.accounts.models import User
from luoshi.accounts.types import Actor
from luoshi.awards.error_codes import AwardErrorCode
from luoshi.awards.models import (
    AwardKind,
    AwardRound,
    AwardType,
    Evidence,
    ListColor,
    ListEntry,
    ListIssue,
    ListStatus,
    Nomination,
    RoundStatus,
    SubjectKind,
)
from luoshi.awards.permissions import ORGANISERS, may_nominate_path, unit_q
from luoshi.core import metrics
from luoshi.core.errors import NotFound, ValidationFailed
from luoshi.core.metrics import Period, Subject
from luoshi.org.models import Person, Position, Unit
from luoshi.org.scope import scope_for

# --- Scoped bases ---------------------------------------------------------------------------


def rounds_visible_to(user: Actor) -> QuerySet[AwardRound]:
    return AwardRound.objects.filter(unit_q(user)).select_related("award_type", "unit")


def access_round(user: Actor, pk: int | str) -> AwardRound:
    try:
        return rounds_visible_to(user).get(pk=int(pk))
    except (AwardRound.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def lists_visible_to(user: Actor) -> QuerySet[ListIssue]:
    """Published lists in (or above) the user's units; drafts only for their organisers."""
    scope = scope_for(user)
    qs = ListIssue.objects.select_related("unit")
    if scope.is_all:
        return qs
    return qs.filter(unit_q(user)).filter(Q(status=ListStatus.PUBLISHED) | scope.unit_q("unit", roles=ORGANISERS))


def access_list(user: Actor, pk: int | str) -> ListIssue:
    try:
        return lists_visible_to(user).get(pk=int(pk))
    except (ListIssue.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def access_evidence(user: Actor, pk: int | str) -> Evidence:
    try:
        return Evidence.objects.select_related("nomination__round").get(
            pk=int(pk), nomination__round__in=rounds_visible_to(user)
        )
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def award_types(*, active_only: bool = True) -> QuerySet[AwardType]:
    qs = AwardType.objects.all()
    return qs.filter(is_active=True) if active_only else qs


def metric_words(key: str, param: str = "") -> str:
    """A metric and its parameter as people say them: "案件环节按时率（%） · 处置"; a key no app registers
    stays as written."""
    if not key:
        return ""
    try:
        metric = metrics.get_metric(key)
    except metrics.UnknownMetric:
        return f"{key} · {param}" if param else key
    words = f"{metric.label}（{metric.unit}）" if metric.unit else str(metric.label)
    if param and metric.param is not None:
        words += f" · {metric.param_words().get(param, param)}"
    return words


def parse_period(key: str, *, kind: str | None = None) -> Period:
    try:
        period = Period.parse(key)
    except ValueError:
        raise ValidationFailed(
            _("Write the period as 2026-09, 2026-Q3, 2026-H2 or 2026."), code=AwardErrorCode.INVALID_PERIOD
        ) from None
    if kind and period.kind != kind:
        raise ValidationFailed(
            _("This award is given per %(kind)s.") % {"kind": kind}, code=AwardErrorCode.WRONG_PERIOD_KIND
        )
    return period


# --- Rounds ------------------------------------------------------------------------------------


def round_list(user: Actor, *, status: str = "", period: str = "") -> QuerySet[AwardRound]:
    qs = rounds_visible_to(user).annotate(n_nominations=Count("nominations", distinct=True))
    if status:
        qs = qs.filter(status=status)
    if period:
        qs = qs.filter(period=period)
    return qs.order_by("-period", "award_type__sort_order", "unit__path", "id")


@dataclass
class Tally:
    nomination: Nomination
    votes: int


def round_detail(rnd: AwardRound) -> list[Tally]:
    """The nominations with their evidence and vote counts (three queries)."""
    nominations = list(
        rnd.nominations.select_related("unit", "person", "nominating_unit")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("id")))
        .annotate(n_votes=Count("votes"))
        .order_by("-is_winner", "-n_votes", "id")
    )
    return [Tally(n, n.n_votes) for n in nominations]


def my_vote(user: Actor, rnd: AwardRound) -> int | None:
    if not isinstance(user, User):
        return None
    return rnd.votes.filter(voter=user).values_list("nomination_id", flat=True).first()


# --- Candidates from metrics ------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    kind: str  # SubjectKind
    id: int
    name: str
    value: Decimal | None
    basis: str
    rank: int


def eligible(rnd: AwardRound) -> list[tuple[Subject, str]]:
    """Who may win the round: units of the round's kinds in its subtree, or cadres working there."""
    if rnd.award_type.subject_kind == SubjectKind.PERSON:
        people = (
            Person.objects.filter(
                is_active=True, positions__unit__path__startswith=rnd.unit.path, positions__unit__is_active=True
            )
            .distinct()
            .order_by("name", "id")
            .values_list("pk", "name")
        )
        return [(Subject.person(pk), name) for pk, name in people]
    units = Unit.objects.filter(path__startswith=rnd.unit.path, kind__in=list(rnd.unit_kinds or []), is_active=True)
    return [(Subject.unit(u), u.name) for u in units.order_by("path").only("pk", "path", "name")]


def nominee_choices(user: Actor, rnd: AwardRound, *, exclude: set[int | None]) -> list[tuple[int, str]]:
    """Whom ``user`` may put forward in ``rnd``: the eligible units or cadres in their own scope (2 queries)."""
    subjects = eligible(rnd)
    if rnd.award_type.subject_kind == SubjectKind.PERSON:
        ids = [s.id for s, _n in subjects]
        paths: dict[int, list[str]] = defaultdict(list)
        for person_id, path in Position.objects.filter(
            person_id__in=ids, unit__path__startswith=rnd.unit.path
        ).values_list("person_id", "unit__path"):
            paths[person_id].append(path)
        ok = {pk for pk, ps in paths.items() if any(may_nominate_path(user, p) for p in ps)}
        return [(s.id, n) for s, n in subjects if s.id in ok and s.id not in exclude][:500]
    return [(s.id, n) for s, n in subjects if s.id not in exclude and may_nominate_path(user, s.path)][:500]


def _best_first(figures: dict[Subject, metrics.Figure], higher: bool) -> list[tuple[Subject, Decimal]]:
    present = [(s, f.value) for s, f in figures.items() if f.value is not None]
    return sorted(present, key=lambda p: p[1], reverse=higher)


def suggest(rnd: AwardRound) -> tuple[list[Candidate], str]:
    """Candidates suggested by the award's rule, best first, and a line saying how (or why none).

    A star suggests the best ``suggest`` subjects on its metric for the round's period (ties at
    the last place all come in). A champion (冲刺单项冠军) suggests whoever was first on the
    metric in each of the ``streak`` periods up to the round's.
    """
    kind = rnd.award_type
    if not kind.metric:
        return [], _("This award has no metric: candidates come from nominations only.")
    try:
        metric = metrics.get_metric(kind.metric)
    except metrics.UnknownMetric:
        return [], _("The metric %(key)s is not available.") % {"key": kind.metric}
    period = Period.parse(rnd.period)
    subjects = eligible(rnd)
    names = dict(subjects)
    if not subjects:
        return [], _("No unit or cadre can be a candidate in this round.")
    wanted = [s for s, _n in subjects if s.kind in metric.subject_kinds]
    try:
        if kind.kind == AwardKind.CHAMPION:
            return _champions(rnd, metric, wanted, names, period)
        figures = metrics.compute(metric.key, wanted, period, kind.metric_param)
    except ValueError as exc:
        return [], str(exc)
    ranked = _best_first(figures, metric.higher_is_better)
    out: list[Candidate] = []
    rank, last = 0, None
    for position, (subject, value) in enumerate(ranked, start=1):
        if value != last:
            rank, last = position, value
        if rank > kind.suggest:
            break
        out.append(Candidate(subject.kind, subject.id, names[subject], value, figures[subject].basis, rank))
    how = _("The best %(n)s on “%(metric)s” (%(unit)s) in %(period)s.") % {
        "n": kind.suggest,
        "metric": metric.label,
        "unit": metric.unit,
        "period": period.label,
    }
    return out, how


def _champions(
    rnd: AwardRound, metric: metrics.Metric, wanted: Sequence[Subject], names: dict[Subject, str], period: Period
) -> tuple[list[Candidate], str]:
    periods = [period]
    while len(periods) < max(1, rnd.award_type.streak):
        periods.insert(0, periods[0].previous())
    leaders: set[Subject] | None = None
    last: dict[Subject, Decimal] = {}
    for p in periods:
        ranked = _best_first(
            metrics.compute(metric.key, wanted, p, rnd.award_type.metric_param), metric.higher_is_better
        )
        best = ranked[0][1] if ranked else None
        firsts = {s for s, v in ranked if v == best}
        leaders = firsts if leaders is None else leaders & firsts
        last = dict(ranked)
    held = ", ".join(p.label for p in periods)
    found = [
        Candidate(s.kind, s.id, names[s], last.get(s), _("first in %(periods)s") % {"periods": held}, 1)
        for s in sorted(leaders or set(), key=lambda s: names[s])
    ]
    how = _("First on “%(metric)s” in each of %(n)s periods in a row: %(periods)s.") % {
        "metric": metric.label,
        "n": len(periods),
        "periods": held,
    }
    return found, how


# --- The award board -----------------------------------------------------------------------------


@dataclass
class BoardCard:
    award_type: AwardType
    rnd: AwardRound
    winners: list[Nomination] = field(default_factory=list)


def published_periods(user: Actor) -> list[str]:
    return list(
        rounds_visible_to(user)
        .filter(status=RoundStatus.PUBLISHED)
        .order_by("-period")
        .values_list("period", flat=True)
        .distinct()
    )


def board(user: Actor, period: str) -> list[BoardCard]:
    """The published rounds of a period (and of its months) with their winners (two queries)."""
    # A quarter's board also shows the titles given for its months (冲刺单项冠军 is monthly).
    keys = [period] + [f"{y}-{m:02d}" for y, m in Period.parse(period).months()]
    rounds = list(
        rounds_visible_to(user)
        .filter(status=RoundStatus.PUBLISHED, period__in=sorted(set(keys)))
        .order_by("award_type__sort_order", "unit__path", "id")
    )
    winners: dict[int, list[Nomination]] = defaultdict(list)
    for n in (
        Nomination.objects.filter(round__in=[r.pk for r in rounds], is_winner=True)
        .select_related("unit", "person")
        .order_by("id")
    ):
        winners[n.round_id].append(n)
    return [BoardCard(r.award_type, r, winners[r.pk]) for r in rounds]


# --- 红黑榜 ---------------------------------------------------------------------------------------


def list_issues(user: Actor, *, status: str = "") -> QuerySet[ListIssue]:
    qs = lists_visible_to(user).annotate(n_entries=Count("entries"))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-period", "unit__path", "id")


def latest_published_list(user: Actor) -> ListIssue | None:
    return lists_visible_to(user).filter(status=ListStatus.PUBLISHED).order_by("-period", "unit__path").first()


def list_entries(issue: ListIssue) -> dict[str, list[ListEntry]]:
    out: dict[str, list[ListEntry]] = {ListColor.RED: [], ListColor.BLACK: []}
    for entry in issue.entries.order_by("position", "id"):
        out[entry.color].append(entry)
    return out
