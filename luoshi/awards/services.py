"""Writes for awards: rounds, nominations with evidence, panel and votes, decision, citations,
publication; and the 红黑榜 built from rules and published. Every step is checked against the
transition tables in :mod:`luoshi.awards.workflow` and written to the activity log."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.accounts.models import User
from luoshi.accounts.types import Actor, signed_in
from luoshi.awards import selectors, workflow
from luoshi.awards.error_codes import AwardErrorCode
from luoshi.awards.models import (
    AwardRound,
    AwardType,
    Evidence,
    ListColor,
    ListEntry,
    ListIssue,
    ListMode,
    ListRule,
    ListStatus,
    Nomination,
    PanelMember,
    RoundStatus,
    SubjectKind,
    Vote,
)
from luoshi.awards.permissions import ORGANISERS, list_roles, may_nominate, round_roles
from luoshi.awards.workflow import Action
from luoshi.core import audit, bounds, metrics, uploads, versioning
from luoshi.core.errors import Conflict, ErrorCode, Forbidden, ValidationFailed
from luoshi.core.metrics import Period, Subject
from luoshi.org.models import Person, Unit, UnitKind
from luoshi.org.scope import scope_for

MAX_REASON = 2000
MAX_CITATION = 1000
MAX_FILES = 5
STALE = _("Someone else changed this round in the meantime. Reload the page and try again.")


def _text(value: str, field: str, what: str, max_length: int) -> str:
    value = (value or "").strip()
    errors: dict[str, list[str]] = {}
    bounds.check(errors, field, value, max_length=max_length)
    if errors:
        raise ValidationFailed(errors[field][0], code=ErrorCode.INVALID, details=errors)
    if not value:
        raise ValidationFailed(
            _("Please fill in %(what)s.") % {"what": what}, code=AwardErrorCode.REQUIRED, details={field: [what]}
        )
    return value


def _lock(rnd: AwardRound, version: int | None = None) -> AwardRound:
    return versioning.lock_checked(
        AwardRound.objects.select_related("award_type", "unit"), rnd.pk, version, message=STALE
    )


def _step(rnd: AwardRound) -> None:
    rnd.version += 1
    rnd.save()


# --- Rounds -----------------------------------------------------------------------------------------


@transaction.atomic
def round_create(
    *, actor: Actor, award_type: AwardType, unit: Unit, period: str, unit_kinds: Sequence[str] | None = None
) -> AwardRound:
    """Open a round of ``award_type`` for ``period`` over ``unit``'s subtree (organisers at ``unit``)."""
    if not scope_for(actor).roles_at(unit) & ORGANISERS:
        raise Forbidden(_("Only leaders and supervisors of this unit may open a round."))
    if not award_type.is_active:
        raise ValidationFailed(_("This award is not in use."), code=AwardErrorCode.INACTIVE)
    key = selectors.parse_period(period, kind=award_type.period_kind).key
    kinds = [str(k) for k in (unit_kinds or award_type.unit_kinds or []) if k in UnitKind.values][:10]
    try:
        with transaction.atomic():
            rnd = AwardRound.objects.create(
                award_type=award_type, unit=unit, period=key, unit_kinds=kinds, created_by=signed_in(actor)
            )
    except IntegrityError:
        raise Conflict(
            _("This award already has a round for that period here."), code=AwardErrorCode.DUPLICATE
        ) from None
    audit.record(actor=actor, obj=rnd, verb="awards.round_create")
    return rnd


def _check_files(files: Iterable[Any]) -> list[tuple[Any, str]]:
    files = list(files)
    if len(files) > MAX_FILES:
        raise ValidationFailed(
            _("Attach at most %(n)s files.") % {"n": MAX_FILES},
            code=AwardErrorCode.TOO_MANY_FILES,
            details={"files": ["…"]},
        )
    return [(f, uploads.check_attachment(f, field="files")) for f in files]


@transaction.atomic
def nominate(
    *,
    actor: Actor,
    rnd: AwardRound,
    unit: Unit | None = None,
    person: Person | None = None,
    reason: str,
    files: Iterable[Any] = (),
    figure: str = "",
) -> Nomination:
    """Put a unit or a cadre forward, with the reason and evidence files (nominators, while nominating)."""
    rnd = _lock(rnd)
    workflow.require(workflow.ROUND_ROWS, rnd.status, Action.NOMINATE, round_roles(actor, rnd))
    reason = _text(reason, "reason", _("the reason"), MAX_REASON)
    want_person = rnd.award_type.subject_kind == SubjectKind.PERSON
    if want_person:
        if person is None or unit is not None:
            raise ValidationFailed(_("Choose the cadre to nominate."), code=AwardErrorCode.NOMINEE)
        places = list(Unit.objects.filter(positions__person=person, path__startswith=rnd.unit.path, is_active=True))
        if not places:
            raise ValidationFailed(
                _("This cadre does not work in the round's units."), code=AwardErrorCode.NOMINEE_OUTSIDE
            )
        if not any(may_nominate(actor, u) for u in places):
            raise Forbidden(_("You may nominate only units and cadres in your own scope."))
        name = person.name
    else:
        if unit is None or person is not None:
            raise ValidationFailed(_("Choose the unit to nominate."), code=AwardErrorCode.NOMINEE)
        if not unit.path.startswith(rnd.unit.path) or unit.kind not in (rnd.unit_kinds or []) or not unit.is_active:
            raise ValidationFailed(
                _("This unit cannot be a candidate in this round."), code=AwardErrorCode.NOMINEE_OUTSIDE
            )
        if not may_nominate(actor, unit):
            raise Forbidden(_("You may nominate only units and cadres in your own scope."))
        name = unit.name
    checked = _check_files(files)
    scope = scope_for(actor)
    home = scope.home_units()
    nominating_unit = Unit.objects.get(pk=home[0]) if home else rnd.unit
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                round=rnd,
                unit=unit,
                person=person,
                nominee_name=name[:100],
                nominated_by=signed_in(actor),
                nominating_unit=nominating_unit,
                reason=reason,
                figure=(figure or "")[:200],
            )
    except IntegrityError:
        raise Conflict(_("%(name)s is nominated already.") % {"name": name}, code=AwardErrorCode.DUPLICATE) from None
    for upload, content_type in checked:
        Evidence.objects.create(
            nomination=nomination,
            file=upload,
            original_name=str(getattr(upload, "name", "file"))[:200],
            content_type=content_type,
            size=int(getattr(upload, "size", 0) or 0),
            uploaded_by=signed_in(actor),
        )
    audit.record(actor=actor, obj=rnd, verb="awards.nominate", comment=name)
    return nomination


@transaction.atomic
def add_member(*, actor: Actor, rnd: AwardRound, user: User) -> PanelMember:
    rnd = _lock(rnd)
    workflow.require(workflow.ROUND_ROWS, rnd.status, Action.ADD_MEMBER, round_roles(actor, rnd))
    if not user.is_active:
        raise ValidationFailed(_("This login is not active."), code=AwardErrorCode.INACTIVE_USER)
    member, created = PanelMember.objects.get_or_create(round=rnd, user=user)
    if not created:
        raise Conflict(_("Already on the panel."), code=AwardErrorCode.DUPLICATE)
    audit.record(actor=actor, obj=rnd, verb="awards.add_member", comment=user.get_full_name() or user.username)
    return member


@transaction.atomic
def vote(*, actor: Actor, rnd: AwardRound, nomination: Nomination) -> Vote:
    """One vote per panel member, while the vote is open."""
    rnd = _lock(rnd)
    workflow.require(workflow.ROUND_ROWS, rnd.status, Action.VOTE, round_roles(actor, rnd))
    if nomination.round_id != rnd.pk:
        raise ValidationFailed(_("This nomination is not in this round."), code=AwardErrorCode.WRONG_ROUND)
    if Vote.objects.filter(round=rnd, voter=signed_in(actor)).exists():
        raise Conflict(_("You have voted in this round already."), code=AwardErrorCode.VOTED)
    cast = Vote.objects.create(round=rnd, nomination=nomination, voter=signed_in(actor))
    audit.record(actor=actor, obj=rnd, verb="awards.vote")
    return cast


def _tallies(rnd: AwardRound) -> list[tuple[int, int]]:
    return [(t.nomination.pk, t.votes) for t in selectors.round_detail(rnd)]


@transaction.atomic
def transition(
    *, actor: Actor, rnd: AwardRound, action: str, version: int | None = None, winners: Sequence[int] = ()
) -> AwardRound:
    """Open the vote, decide (the winners chosen, or the clear leader by votes), reopen, publish."""
    rnd = _lock(rnd, version)
    row = workflow.require(workflow.ROUND_ROWS, rnd.status, action, round_roles(actor, rnd))
    if row.target is None:
        raise ValidationFailed(_("Unknown action."), code=AwardErrorCode.UNKNOWN_ACTION)
    now = timezone.now()
    if action == Action.START_VOTE:
        if not rnd.nominations.exists():
            raise Conflict(_("Nobody is nominated yet."), code=AwardErrorCode.NO_NOMINATIONS)
        if not rnd.panel.exists():
            raise Conflict(_("Add the panel first."), code=AwardErrorCode.NO_PANEL)
    elif action == Action.DECIDE:
        chosen = _winners(rnd, winners)
        rnd.nominations.update(is_winner=False)
        rnd.nominations.filter(pk__in=chosen).update(is_winner=True)
        rnd.decided_at = now
    elif action == Action.REOPEN_VOTE:
        rnd.nominations.update(is_winner=False)
        rnd.decided_at = None
    elif action == Action.PUBLISH:
        if rnd.nominations.filter(is_winner=True, citation="").exists():
            raise Conflict(_("Write a citation for every winner first."), code=AwardErrorCode.CITATION_MISSING)
        rnd.published_at = now
    rnd.status = row.target
    _step(rnd)
    audit.record(actor=actor, obj=rnd, verb=f"awards.{action}")
    return rnd


def _winners(rnd: AwardRound, winners: Sequence[int]) -> list[int]:
    most = max(1, rnd.award_type.winners)
    tallies = _tallies(rnd)
    ids = {pk for pk, _v in tallies}
    if winners:
        chosen = list(dict.fromkeys(int(w) for w in winners))
        if not set(chosen) <= ids:
            raise ValidationFailed(_("Choose among the round's nominations."), code=AwardErrorCode.WRONG_ROUND)
        if len(chosen) > most:
            raise ValidationFailed(
                _("This award has at most %(n)s winners.") % {"n": most}, code=AwardErrorCode.TOO_MANY_WINNERS
            )
        return chosen
    ranked = sorted(tallies, key=lambda t: -t[1])
    if not ranked or ranked[0][1] == 0:
        raise Conflict(_("Nobody has a vote yet: choose the winners."), code=AwardErrorCode.NO_VOTES)
    if len(ranked) > most and ranked[most - 1][1] == ranked[most][1]:
        raise Conflict(_("The vote is tied: choose the winners."), code=AwardErrorCode.TIE)
    return [pk for pk, v in ranked[:most] if v > 0]


@transaction.atomic
def cite(*, actor: Actor, nomination: Nomination, citation: str) -> Nomination:
    """颁奖词: the citation read out and published for a winner."""
    rnd = _lock(nomination.round)
    workflow.require(workflow.ROUND_ROWS, rnd.status, Action.CITE, round_roles(actor, rnd))
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if not nomination.is_winner:
        raise Conflict(_("Only a winner gets a citation."), code=AwardErrorCode.NOT_WINNER)
    nomination.citation = _text(citation, "citation", _("the citation"), MAX_CITATION)
    nomination.save(update_fields=["citation"])
    audit.record(actor=actor, obj=rnd, verb="awards.cite", comment=nomination.nominee_name)
    return nomination


# --- 红黑榜 ------------------------------------------------------------------------------------------


def _picked(
    rule: ListRule, metric: metrics.Metric, figures: dict[Subject, metrics.Figure]
) -> list[tuple[Subject, int]]:
    """The subjects a rule puts on its list, each with its place (equal figures share a place).

    A figure resting on fewer records than the rule's ``min_count`` counts as no figure (12 ratings
    out of 12 satisfied is not yet a better record than 190 out of 200). A best-N or worst-N rule
    needs more subjects with a figure than N, and never lists a
    subject whose figure equals the other end's (with every figure equal, or two units of
    which one is "best" and "worst" at once, nobody is better or worse than the rest).
    """
    present = [(s, f.value) for s, f in figures.items() if f.value is not None and f.count >= rule.min_count]
    higher = metric.higher_is_better
    if rule.mode in (ListMode.BEST, ListMode.WORST):
        if len(present) <= rule.count:
            return []
        best_first = sorted(present, key=lambda p: p[1], reverse=higher)
        ordered = best_first if rule.mode == ListMode.BEST else list(reversed(best_first))
        other_end = ordered[-1][1]
        cut = ordered[rule.count - 1][1]
        chosen = [(s, v) for i, (s, v) in enumerate(ordered) if (i < rule.count or v == cut) and v != other_end]
    else:
        if rule.threshold is None:
            return []
        threshold = Decimal(rule.threshold)
        at_least = rule.mode == ListMode.AT_LEAST
        hits = [(s, v) for s, v in present if (v >= threshold if at_least else v <= threshold)]
        # The furthest past the threshold first: the most cards, the lowest rate …
        chosen = sorted(hits, key=lambda p: p[1], reverse=at_least)
    places: list[tuple[Subject, int]] = []
    for i, (subject, value) in enumerate(chosen):
        place = places[-1][1] if i and chosen[i - 1][1] == value else i + 1
        places.append((subject, place))
    return places


def _number(value: Decimal | None) -> str:
    """A figure as people write it: 1, 98.5, 98.50 for a rate (rates keep their two places)."""
    if value is None:
        return "—"
    return f"{value:f}" if value != value.to_integral_value() else f"{value.to_integral_value():f}"


def _reason(rule: ListRule, metric: metrics.Metric, figure: metrics.Figure, place: int, tied: bool) -> str:
    shown = f"{figure.value}" if str(metric.unit) == "%" else _number(figure.value)
    value = f"{shown}{metric.unit}" if str(metric.unit) == "%" else f"{shown} {metric.unit}"
    if rule.mode in (ListMode.BEST, ListMode.WORST):
        if rule.mode == ListMode.BEST:
            how = _("no. %(place)s among the best %(n)s") % {"place": place, "n": rule.count}
        else:
            how = _("no. %(place)s among the worst %(n)s") % {"place": place, "n": rule.count}
        if tied:
            how = _("%(how)s (tied)") % {"how": how}
    elif rule.mode == ListMode.AT_LEAST:
        how = _("at or above %(t)s") % {"t": _number(rule.threshold)}
    else:
        how = _("at or below %(t)s") % {"t": _number(rule.threshold)}
    basis = f"（{figure.basis}）" if figure.basis else ""
    return f"{metric.label} {value}{basis}，{how}"[:300]


@transaction.atomic
def list_build(*, actor: Actor, unit: Unit, period: str) -> ListIssue:
    """Compute (or recompute) the draft red and black lists of ``unit``'s subtree for ``period``."""
    key = selectors.parse_period(period).key
    issue = ListIssue.objects.select_for_update().filter(unit=unit, period=key).first()
    if issue is None:
        if not scope_for(actor).roles_at(unit) & ORGANISERS:
            raise Forbidden(_("Only leaders and supervisors of this unit may make its lists."))
        issue = ListIssue.objects.create(unit=unit, period=key, created_by=signed_in(actor))
    workflow.require(workflow.LIST_ROWS, issue.status, Action.BUILD, list_roles(actor, issue))
    issue.entries.all().delete()
    p = Period.parse(key)
    rows: list[ListEntry] = []
    positions: dict[str, int] = {ListColor.RED: 0, ListColor.BLACK: 0}
    blacklisted: set[int] = set()  # the units on the black list: its rules run first
    active = ListRule.objects.filter(is_active=True).order_by("sort_order", "id")
    for rule in sorted(active, key=lambda r: r.color != ListColor.BLACK):
        try:
            metric = metrics.get_metric(rule.metric)
        except metrics.UnknownMetric:
            continue
        units = list(
            Unit.objects.filter(path__startswith=unit.path, kind__in=list(rule.unit_kinds or []), is_active=True)
            .order_by("path")
            .only("pk", "path", "name")
        )
        if not units or metrics.SubjectKind.UNIT not in metric.subject_kinds:
            continue
        if rule.color == ListColor.RED and rule.not_if_black:
            units = [u for u in units if u.pk not in blacklisted]
        subjects = {Subject.unit(u): u for u in units}
        try:
            figures = metrics.compute(rule.metric, list(subjects), p, rule.metric_param)
        except ValueError:
            continue
        picked = _picked(rule, metric, figures)
        shared = Counter(place for _s, place in picked)
        for subject, place in picked:
            positions[rule.color] += 1
            u = subjects[subject]
            if rule.color == ListColor.BLACK:
                blacklisted.add(u.pk)
            rows.append(
                ListEntry(
                    issue=issue,
                    color=rule.color,
                    rule=rule,
                    rule_name=rule.name,
                    unit=u,
                    unit_name=u.name,
                    value=figures[subject].value,
                    reason=_reason(rule, metric, figures[subject], place, shared[place] > 1),
                    position=positions[rule.color],
                )
            )
    ListEntry.objects.bulk_create(rows)
    issue.version += 1
    issue.save()
    audit.record(actor=actor, obj=issue, verb="awards.list_build", comment=f"{len(rows)}")
    return issue


@transaction.atomic
def list_publish(*, actor: Actor, issue: ListIssue, version: int | None = None) -> ListIssue:
    issue = versioning.lock_checked(ListIssue.objects.select_related("unit"), issue.pk, version)
    row = workflow.require(workflow.LIST_ROWS, issue.status, Action.PUBLISH, list_roles(actor, issue))
    if not issue.entries.exists():
        raise Conflict(_("The lists are empty: compute them first."), code=AwardErrorCode.EMPTY)
    issue.status = row.target or ListStatus.PUBLISHED
    issue.published_at = timezone.now()
    issue.version += 1
    issue.save()
    audit.record(actor=actor, obj=issue, verb="awards.list_publish")
    return issue


STATUSES = RoundStatus
