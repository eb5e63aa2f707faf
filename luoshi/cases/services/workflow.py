"""The workflow: every transition of a case (command unit, handling unit, verification, rating,
reopening, supervision, mediation), the SLA sweep, and the one entry point for pages and the API."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.accounts.types import Actor, signed_in
from luoshi.cases import sla, standards, workflow
from luoshi.cases.error_codes import CaseErrorCode
from luoshi.cases.models import (
    CardLevel,
    Case,
    CaseCoUnit,
    CaseEvent,
    Channel,
    EvidencePhase,
    ExtensionRequest,
    ExtensionStatus,
    MediationOutcome,
    MediationResult,
    MediationSession,
    Outcome,
    Rating,
    ReturnVisit,
    Stage,
    Status,
    SupervisionCard,
)
from luoshi.cases.permissions import actor_roles
from luoshi.cases.services._common import (
    _actor_name,
    _command_users,
    _handler_users,
    _lock,
    _notify,
    _require_text,
    _Step,
    _user,
    card_points,
)
from luoshi.cases.services.evidence import Evidence, attach, check_evidence, claim, photos_before
from luoshi.cases.workflow import Action, Where
from luoshi.core import bounds, workdays
from luoshi.core.errors import Conflict, ErrorCode, NotFound, ValidationFailed
from luoshi.org.models import Unit
from luoshi.org.scope import scope_for

# --- Command unit: accept, decline, refer up, merge, dispatch ------------------------------------


@transaction.atomic
def case_accept(*, actor: Actor, case: Case, version: int | None = None, comment: str = "") -> Case:
    step = _Step(actor=actor, case=case, action=Action.ACCEPT, version=version, comment=comment)
    step.case.accepted_at = step.now
    return step.finish(is_public=True)


@transaction.atomic
def case_decline(*, actor: Actor, case: Case, comment: str, version: int | None = None) -> Case:
    """不予受理: closed as not accepted, with the reason shown to the resident."""
    step = _Step(actor=actor, case=case, action=Action.DECLINE, version=version, comment=comment)
    c = step.case
    c.outcome = Outcome.DECLINED
    c.outcome_reason = step.comment
    c.public_reply = step.comment
    c.closed_at = step.now
    c.handle_seconds = int((step.now - c.reported_at).total_seconds())
    return step.finish(is_public=True)


@transaction.atomic
def case_refer_up(*, actor: Actor, case: Case, comment: str, version: int | None = None) -> Case:
    """上报上级: the case goes to the command unit one level up."""
    step = _Step(actor=actor, case=case, action=Action.REFER_UP, version=version, comment=comment)
    c = step.case
    parent_id = c.owner_unit.parent_id
    assert parent_id is not None  # refusals.refusal refuses a unit without a higher level
    c.owner_unit = Unit.objects.get(pk=parent_id)
    c.handling_unit = None
    finished = step.finish(is_public=True, unit_name=c.owner_unit.name)
    _notify(
        _command_users(c.owner_unit),
        "case_referred",
        _("Case %(no)s was referred to you") % {"no": c.tracking_no},
        c,
        body=step.comment,
    )
    return finished


@transaction.atomic
def case_merge(*, actor: Actor, case: Case, original: Case, comment: str = "", version: int | None = None) -> Case:
    """Mark ``case`` a duplicate of ``original``; from then on it follows the original."""
    step = _Step(actor=actor, case=case, action=Action.MERGE, version=version, comment=comment)
    c = step.case
    if original.pk == c.pk:
        raise ValidationFailed(_("A case cannot be a duplicate of itself."), code=CaseErrorCode.MERGE_SELF)
    original = Case.objects.select_related("owner_unit", "handling_unit", "unit").get(pk=original.pk)
    if original.status == Status.MERGED:
        raise ValidationFailed(
            _("%(no)s is itself a duplicate; name the original case instead.") % {"no": original.tracking_no},
            code=CaseErrorCode.MERGE_CHAIN,
        )
    if not actor_roles(actor, original).get(Where.ANY):
        raise NotFound()
    c.duplicate_of = original
    Case.objects.filter(duplicate_of=c).update(duplicate_of=original)
    finished = step.finish(
        is_public=True,
        data={"original": original.tracking_no},
        unit_name=original.tracking_no,
    )
    CaseEvent.objects.create(
        case=original,
        actor=_user(actor),
        actor_name=_actor_name(actor),
        action="duplicate_added",
        from_status=original.status,
        to_status=original.status,
        unit_name=c.tracking_no,
        comment=step.comment,
    )
    return finished


def _scoped_unit(actor: Actor, unit: Unit, *, within: Unit | None = None) -> Unit:
    scope = scope_for(actor)
    if not scope.covers(unit) or not unit.is_active:
        raise NotFound(_("The unit does not exist or is outside your scope."))
    if within is not None and not unit.is_descendant_of(within):
        raise ValidationFailed(
            _("%(unit)s is not under %(owner)s.") % {"unit": unit.name, "owner": within.name},
            code=CaseErrorCode.UNIT_OUTSIDE,
            details={"handling_unit": [_("Choose a unit under the command unit.")]},
        )
    return unit


def _set_co_units(actor: Actor, case: Case, units: Iterable[Unit], now: dt.datetime) -> list[Unit]:
    added = []
    existing = set(CaseCoUnit.objects.filter(case=case).values_list("unit_id", flat=True))
    for unit in units:
        _scoped_unit(actor, unit, within=case.owner_unit)
        if unit.pk == case.handling_unit_id or unit.pk in existing:
            continue
        CaseCoUnit.objects.create(case=case, unit=unit, added_at=now)
        existing.add(unit.pk)
        added.append(unit)
    return added


@transaction.atomic
def case_dispatch(
    *,
    actor: Actor,
    case: Case,
    handling_unit: Unit | None = None,
    co_units: Sequence[Unit] = (),
    comment: str = "",
    version: int | None = None,
) -> Case:
    """派遣 to a handling unit (default: the category's default handler), optionally with co-units (加派)."""
    step = _Step(actor=actor, case=case, action=Action.DISPATCH, version=version, comment=comment)
    c = step.case
    if handling_unit is None:
        handling_unit = standards.default_handler(c.category, standards.lineage(c.unit))
    if handling_unit is None:
        raise ValidationFailed(
            _("Choose the unit that will handle the case."),
            code=CaseErrorCode.UNIT_REQUIRED,
            details={"handling_unit": [_("This field is required.")]},
        )
    c.handling_unit = _scoped_unit(actor, handling_unit, within=c.owner_unit)
    c.dispatched_at = step.now
    added = _set_co_units(actor, c, co_units, step.now)
    finished = step.finish(
        is_public=True,
        unit_name=c.handling_unit.name,
        data={"co_units": [u.name for u in added]} if added else None,
    )
    title = _("Case %(no)s dispatched to you: %(title)s") % {"no": c.tracking_no, "title": c.title}
    _notify(_handler_users(c.handling_unit), "case_dispatched", title, c, body=step.comment, exclude=actor)
    for unit in added:
        _notify(_handler_users(unit), "case_co_unit", title, c, body=step.comment, exclude=actor)
    return finished


@transaction.atomic
def case_reassign(*, actor: Actor, case: Case, handling_unit: Unit, comment: str, version: int | None = None) -> Case:
    step = _Step(actor=actor, case=case, action=Action.REASSIGN, version=version, comment=comment)
    c = step.case
    c.handling_unit = _scoped_unit(actor, handling_unit, within=c.owner_unit)
    CaseCoUnit.objects.filter(case=c, unit=handling_unit).delete()
    c.dispatched_at = step.now
    finished = step.finish(is_public=True, unit_name=c.handling_unit.name)
    _notify(
        _handler_users(c.handling_unit),
        "case_dispatched",
        _("Case %(no)s dispatched to you: %(title)s") % {"no": c.tracking_no, "title": c.title},
        c,
        body=step.comment,
        exclude=actor,
    )
    return finished


@transaction.atomic
def case_add_co_units(
    *, actor: Actor, case: Case, units: Sequence[Unit], comment: str = "", version: int | None = None
) -> Case:
    step = _Step(actor=actor, case=case, action=Action.ADD_CO_UNIT, version=version, comment=comment)
    if not units:
        raise ValidationFailed(_("Choose at least one unit."), code=CaseErrorCode.UNIT_REQUIRED)
    added = _set_co_units(actor, step.case, units, step.now)
    finished = step.finish(unit_name="、".join(u.name for u in added), data={"co_units": [u.name for u in added]})
    for unit in added:
        _notify(
            _handler_users(unit),
            "case_co_unit",
            _("Please help with case %(no)s") % {"no": step.case.tracking_no},
            step.case,
            body=step.comment,
        )
    return finished


# --- Handling unit ------------------------------------------------------------------------


@transaction.atomic
def case_return(*, actor: Actor, case: Case, comment: str, version: int | None = None) -> Case:
    """退回: the handling unit says the case is not theirs; the command unit dispatches again."""
    step = _Step(actor=actor, case=case, action=Action.RETURN, version=version, comment=comment)
    c = step.case
    unit_name = c.handling_unit.name if c.handling_unit else ""
    c.handling_unit = None
    CaseCoUnit.objects.filter(case=c).delete()
    finished = step.finish(unit_name=unit_name)
    _notify(
        _command_users(c.owner_unit),
        "case_returned",
        _("Case %(no)s was returned by %(unit)s") % {"no": c.tracking_no, "unit": unit_name},
        c,
        body=step.comment,
    )
    return finished


@transaction.atomic
def case_start(*, actor: Actor, case: Case, comment: str = "", version: int | None = None) -> Case:
    step = _Step(actor=actor, case=case, action=Action.START, version=version, comment=comment)
    return step.finish(is_public=True, unit_name=step.case.handling_unit.name if step.case.handling_unit else "")


@transaction.atomic
def case_co_reply(*, actor: Actor, case: Case, comment: str, version: int | None = None) -> Case:
    step = _Step(actor=actor, case=case, action=Action.CO_REPLY, version=version, comment=comment)
    scope = scope_for(actor)
    links = [
        link for link in CaseCoUnit.objects.filter(case=step.case).select_related("unit") if scope.covers(link.unit)
    ]
    for link in links:
        link.reply = step.comment
        link.replied_at = step.now
        link.save(update_fields=["reply", "replied_at"])
    return step.finish(unit_name="、".join(link.unit.name for link in links))


@transaction.atomic
def case_reply(
    *,
    actor: Actor,
    case: Case,
    comment: str,
    resolved: bool = True,
    version: int | None = None,
    files: Sequence[Evidence] = (),
) -> Case:
    """反馈: the handling unit replies, with photos of the result if it has them; the reply is shown
    to the resident once verified."""
    step = _Step(actor=actor, case=case, action=Action.REPLY, version=version, comment=comment)
    check_evidence(files)
    c = step.case
    c.public_reply = step.comment
    c.replied_by = _user(actor)
    c.replied_at = step.now
    finished = step.finish(
        is_public=False, unit_name=c.handling_unit.name if c.handling_unit else "", data={"resolved": resolved}
    )
    attach(step, files, EvidencePhase.AFTER)
    recipients = _command_users(c.owner_unit)
    if c.reported_by_id and c.channel == Channel.GRID and c.reported_by is not None:
        recipients.append(c.reported_by)
    _notify(
        recipients,
        "case_replied",
        _("Case %(no)s was replied: please verify") % {"no": c.tracking_no},
        c,
        exclude=actor,
    )
    return finished


@transaction.atomic
def case_request_extension(
    *, actor: Actor, case: Case, days: int, comment: str, version: int | None = None
) -> ExtensionRequest:
    step = _Step(actor=actor, case=case, action=Action.REQUEST_EXTENSION, version=version, comment=comment)
    c = step.case
    max_days = int(getattr(settings, "LUOSHI_CASE_MAX_EXTENSION_DAYS", 30))
    if not 1 <= days <= max_days:
        raise ValidationFailed(
            _("Ask for 1 to %(max)d working days.") % {"max": max_days},
            code=CaseErrorCode.BAD_DAYS,
            details={"days": [_("Out of range.")]},
        )
    request = ExtensionRequest.objects.create(
        case=c, stage=c.stage, days=days, reason=step.comment, requested_by=signed_in(actor), requested_at=step.now
    )
    step.finish(data={"days": days})
    _notify(
        _command_users(c.owner_unit),
        "case_extension",
        _("Case %(no)s: %(days)d more working days requested") % {"no": c.tracking_no, "days": days},
        c,
        body=step.comment,
    )
    return request


@transaction.atomic
def case_decide_extension(
    *,
    actor: Actor,
    case: Case,
    approve: bool,
    days: int | None = None,
    comment: str = "",
    version: int | None = None,
) -> Case:
    step = _Step(actor=actor, case=case, action=Action.DECIDE_EXTENSION, version=version, comment=comment)
    c = step.case
    request = ExtensionRequest.objects.select_for_update().filter(case=c, status=ExtensionStatus.PENDING).first()
    if request is None:
        raise Conflict(_("There is no extension request waiting."), code=CaseErrorCode.NO_EXTENSION_PENDING)
    granted = 0
    if approve:
        granted = request.days if days is None else days
        if not 1 <= granted <= request.days:
            raise ValidationFailed(
                _("Approve between 1 and %(max)d days.") % {"max": request.days}, code=CaseErrorCode.BAD_DAYS
            )
        c.extension_days += granted
        assert c.stage_started_at is not None
        deadline = sla.deadline(c.stage_started_at, c.stage_limit_days, c.extension_days, workdays.calendar())
        c.warn_at, c.due_at = deadline.warn_at, deadline.due_at
        c.sla_notice = 0 if step.now < deadline.warn_at else (1 if step.now < deadline.due_at else 2)
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    request.approved_days = granted
    request.decided_by = signed_in(actor)
    request.decided_at = step.now
    request.opinion = step.comment
    request.save()
    finished = step.finish(data={"approved": approve, "days": granted})
    _notify(
        [request.requested_by],
        "case_extension_decided",
        (_("Extension approved for case %(no)s") if approve else _("Extension refused for case %(no)s"))
        % {"no": c.tracking_no},
        c,
        body=step.comment,
    )
    return finished


# --- Verification, closing, rating --------------------------------------------------------


@transaction.atomic
def case_verify(
    *, actor: Actor, case: Case, comment: str = "", version: int | None = None, files: Sequence[Evidence] = ()
) -> Case:
    """核查: someone other than the person who replied confirms the result (with photos of the check
    if taken); the case closes."""
    step = _Step(actor=actor, case=case, action=Action.VERIFY, version=version, comment=comment)
    check_evidence(files)
    c = step.case
    c.outcome = Outcome.RESOLVED
    c.closed_at = step.now
    c.handle_seconds = int((step.now - c.reported_at).total_seconds())
    finished = step.finish(is_public=True, data={"reply": c.public_reply})
    attach(step, files)
    _close_duplicates(actor, c, step.now)
    recipients = _handler_users(c.handling_unit)
    if c.reported_by is not None:
        recipients.append(c.reported_by)
    _notify(
        recipients, "case_closed", _("Case %(no)s was verified and closed") % {"no": c.tracking_no}, c, exclude=actor
    )
    return finished


def _close_duplicates(actor: Actor, original: Case, now: dt.datetime) -> None:
    """Duplicates follow the original: record the closing on their timelines too."""
    events = [
        CaseEvent(
            case_id=pk,
            created_at=now,
            actor=_user(actor),
            actor_name=_actor_name(actor),
            action="follow_original",
            from_status=Status.MERGED,
            to_status=Status.MERGED,
            unit_name=original.tracking_no,
            is_public=True,
        )
        for pk in Case.objects.filter(duplicate_of=original).values_list("pk", flat=True)
    ]
    CaseEvent.objects.bulk_create(events)


@transaction.atomic
def case_send_back(
    *, actor: Actor, case: Case, comment: str, version: int | None = None, files: Sequence[Evidence] = ()
) -> Case:
    """回退: the result is not good enough (photos show why); the handling unit works on it again
    with a fresh clock."""
    step = _Step(actor=actor, case=case, action=Action.SEND_BACK, version=version, comment=comment)
    check_evidence(files)
    c = step.case
    finished = step.finish(unit_name=c.handling_unit.name if c.handling_unit else "")
    attach(step, files)
    _notify(
        _handler_users(c.handling_unit),
        "case_sent_back",
        _("Case %(no)s was sent back for rework") % {"no": c.tracking_no},
        c,
        body=step.comment,
    )
    return finished


@transaction.atomic
def case_handle_on_spot(
    *,
    actor: Actor,
    case: Case,
    comment: str,
    after: Sequence[Evidence],
    before: Sequence[Evidence] = (),
    version: int | None = None,
) -> Case:
    """自行处置: a grid worker (or community staff) of the place handles a simple case at once and
    closes it, with photos of the scene before (those sent with the report count) and after.

    Only categories marked ``on_the_spot`` allow it (:mod:`luoshi.cases.refusals`). The worker
    counts as the one who replied: they never record the resident's rating of it. The command
    unit sees the case closed and can reopen it.
    """
    step = _Step(actor=actor, case=case, action=Action.HANDLE_ON_SPOT, version=version, comment=comment)
    check_evidence(before, field="before")
    check_evidence(after, field="after")
    c = step.case
    if not after:
        message = _("Add at least one photo of the result (处置后照片).")
        raise ValidationFailed(message, code=CaseErrorCode.AFTER_PHOTO_REQUIRED, details={"after": [message]})
    if not before and not photos_before(c):
        message = _("Add at least one photo of the scene before handling (处置前照片).")
        raise ValidationFailed(message, code=CaseErrorCode.BEFORE_PHOTO_REQUIRED, details={"before": [message]})
    c.handling_unit = c.unit
    c.accepted_at = c.dispatched_at = c.replied_at = c.closed_at = step.now
    c.public_reply = step.comment
    c.replied_by = _user(actor)
    c.outcome = Outcome.RESOLVED
    c.handle_seconds = int((step.now - c.reported_at).total_seconds())
    finished = step.finish(is_public=True, unit_name=c.unit.name, data={"reply": c.public_reply})
    attach(step, before, EvidencePhase.BEFORE)
    attach(step, after, EvidencePhase.AFTER)
    _close_duplicates(actor, c, step.now)
    _notify(
        _command_users(c.owner_unit),
        "case_closed",
        _("Case %(no)s was handled on the spot and closed") % {"no": c.tracking_no},
        c,
        body=step.comment,
        exclude=actor,
    )
    return finished


@transaction.atomic
def case_close_unresolved(*, actor: Actor, case: Case, comment: str, version: int | None = None) -> Case:
    """Closed but not resolved, with the honest reason shown to the resident."""
    step = _Step(actor=actor, case=case, action=Action.CLOSE_UNRESOLVED, version=version, comment=comment)
    c = step.case
    c.outcome = Outcome.UNRESOLVED
    c.outcome_reason = step.comment
    if not c.public_reply:
        c.public_reply = step.comment
    c.closed_at = step.now
    c.handle_seconds = int((step.now - c.reported_at).total_seconds())
    finished = step.finish(is_public=True)
    _close_duplicates(actor, c, step.now)
    return finished


@transaction.atomic
def case_rate(
    *,
    actor: Actor | None,
    case: Case,
    rating: str,
    comment: str = "",
    token: str | None = None,
    version: int | None = None,
) -> Case:
    """评价: the resident (with the tracking link's token) or staff on their behalf rates the result."""
    if rating not in (Rating.SATISFIED, Rating.BASIC, Rating.UNSATISFIED):
        raise ValidationFailed(
            _("Choose satisfied, basically satisfied or unsatisfied."),
            code=CaseErrorCode.BAD_RATING,
            details={"rating": [_("This field is required.")]},
        )
    roles: dict[Where, frozenset[str]] | None = None
    if _user(actor) is None:
        if not token or not secrets.compare_digest(token, case.public_token):
            raise NotFound()
        roles = {Where.PUBLIC: frozenset({workflow.RESIDENT})}
    step = _Step(actor=actor, case=case, action=Action.RATE, version=version, comment=comment, roles=roles)
    c = step.case
    c.rating = rating
    c.rating_comment = step.comment
    c.rated_at = step.now
    if rating == Rating.UNSATISFIED:
        c.needs_return_visit = True
    finished = step.finish(
        is_public=True,
        data={"rating": rating},
        actor_name="" if _user(actor) else str(_("Resident")),
    )
    if rating == Rating.UNSATISFIED:
        _notify(
            _command_users(c.owner_unit),
            "case_unsatisfied",
            _("Resident unsatisfied with case %(no)s: return visit needed") % {"no": c.tracking_no},
            c,
            body=step.comment,
        )
        if getattr(settings, "LUOSHI_CASE_UNSATISFIED_REOPENS", False):
            return _reopen_locked(actor=None, case=finished, comment=_("Reopened after an unsatisfied rating."))
    return finished


def _reopen_locked(*, actor: Actor | None, case: Case, comment: str) -> Case:
    step = _Step(
        actor=actor,
        case=case,
        action=Action.REOPEN,
        version=None,
        comment=comment,
        roles={Where.OWNER: workflow.COMMAND},
    )
    return _do_reopen(step)


def _do_reopen(step: _Step) -> Case:
    c = step.case
    c.outcome = Outcome.NONE
    c.outcome_reason = ""
    c.closed_at = None
    c.handle_seconds = None
    c.rating = Rating.NONE
    c.rated_at = None
    return step.finish(is_public=True)


@transaction.atomic
def case_reopen(*, actor: Actor, case: Case, comment: str, version: int | None = None) -> Case:
    step = _Step(actor=actor, case=case, action=Action.REOPEN, version=version, comment=comment)
    return _do_reopen(step)


@transaction.atomic
def case_return_visit(
    *, actor: Actor, case: Case, comment: str, method: str = "phone", rating: str = "", version: int | None = None
) -> ReturnVisit:
    """回访: staff call or visit the resident after closing."""
    step = _Step(actor=actor, case=case, action=Action.RETURN_VISIT, version=version, comment=comment)
    c = step.case
    if rating and rating not in Rating.values:
        raise ValidationFailed(_("Unknown rating."), code=CaseErrorCode.BAD_RATING)
    visit = ReturnVisit.objects.create(
        case=c, method=method, rating=rating, notes=step.comment, visited_by=signed_in(actor), visited_at=step.now
    )
    c.needs_return_visit = False
    if rating:
        # The resident's latest word is the case's rating everywhere (list, page, statistics):
        # 满意 on the return visit replaces an earlier 不满意.
        c.rating = rating
        c.rated_at = step.now
        if c.status == Status.CLOSED:
            c.status = Status.RATED
    step.finish(data={"method": method, "rating": rating})
    return visit


# --- Supervision, notes, mediation -------------------------------------------------------------


@transaction.atomic
def case_supervise(
    *, actor: Actor, case: Case, level: str, comment: str = "", version: int | None = None
) -> SupervisionCard:
    """督办: a card against the handling unit (or the command unit before dispatch), with points."""
    if level not in CardLevel.values:
        raise ValidationFailed(_("Choose normal, yellow or red."), code=CaseErrorCode.BAD_LEVEL)
    step = _Step(actor=actor, case=case, action=Action.SUPERVISE, version=version, comment=comment)
    c = step.case
    unit = c.handling_unit or c.owner_unit
    card = SupervisionCard.objects.create(
        case=c,
        level=level,
        unit=unit,
        points=card_points().get(level, 0),
        comment=step.comment,
        issued_by=signed_in(actor),
        issued_at=step.now,
    )
    c.urgent = c.urgent or level != CardLevel.NORMAL
    step.finish(unit_name=unit.name, data={"level": level, "points": card.points})
    recipients = _handler_users(unit) if c.handling_unit else _command_users(unit)
    _notify(
        recipients,
        "case_card",
        _("%(card)s on case %(no)s") % {"card": CardLevel(level).label, "no": c.tracking_no},
        c,
        body=step.comment,
    )
    return card


@transaction.atomic
def case_note(*, actor: Actor, case: Case, comment: str) -> Case:
    step = _Step(actor=actor, case=case, action=Action.NOTE, version=None, comment=comment)
    return step.finish()


@transaction.atomic
def case_mediate(
    *,
    actor: Actor,
    case: Case,
    held_on: dt.date,
    mediators: str,
    parties: str,
    outcome: str,
    place: str = "",
    agreement: str = "",
    notes: str = "",
    version: int | None = None,
) -> MediationSession:
    """调解: record one mediation session on a dispute case and update its mediation result."""
    step = _Step(actor=actor, case=case, action=Action.MEDIATE, version=version, comment=notes)
    c = step.case
    if outcome not in MediationOutcome.values:
        raise ValidationFailed(
            _("Choose the outcome of the session."),
            code=CaseErrorCode.BAD_OUTCOME,
            details={"outcome": [_("This field is required.")]},
        )
    mediators = _require_text(mediators, str(_("the mediators")))
    parties = _require_text(parties, str(_("the parties")))
    if outcome == MediationOutcome.AGREED and not agreement.strip():
        raise ValidationFailed(
            _("Write down the agreement that was reached."),
            code=CaseErrorCode.AGREEMENT_REQUIRED,
            details={"agreement": [_("This field is required.")]},
        )
    if held_on > sla.local_date(step.now):
        raise ValidationFailed(_("The session date is in the future."), code=CaseErrorCode.FUTURE_DATE)
    session = MediationSession.objects.create(
        case=c,
        held_on=held_on,
        place=place.strip(),
        mediators=mediators,
        parties=parties,
        outcome=outcome,
        agreement=agreement.strip(),
        notes=notes.strip(),
        recorded_by=signed_in(actor),
        recorded_at=step.now,
    )
    c.mediation_result = {
        MediationOutcome.AGREED: MediationResult.AGREED,
        MediationOutcome.FAILED: MediationResult.FAILED,
    }.get(MediationOutcome(outcome), MediationResult.ONGOING)
    step.finish(data={"outcome": outcome, "held_on": held_on.isoformat()})
    return session


# --- Scheduled sweeps ------------------------------------------------------------------------


def sla_sweep(*, now: dt.datetime | None = None, batch: int = 500) -> dict[str, int]:
    """Notify about stages that turned yellow or red since the last run; idempotent.

    Each case is notified once per colour per stage (``sla_notice``). Runs in
    batches so one run stays short however large the backlog.
    """
    now = now or timezone.now()
    counts = {"yellow": 0, "red": 0}
    for level, colour, flt in (
        (2, "red", {"due_at__lte": now, "sla_notice__in": [0, 1]}),
        (1, "yellow", {"warn_at__lte": now, "due_at__gt": now, "sla_notice": 0}),
    ):
        # Only open cases have a due time; (sla_notice, due_at) is indexed.
        ids = list(Case.objects.filter(**flt).order_by("due_at").values_list("pk", flat=True)[:batch])
        for pk in ids:
            with transaction.atomic():
                case = _lock(Case(pk=pk))
                if case.status not in workflow.OPEN or case.sla_notice >= level:
                    continue
                case.sla_notice = level
                if level == 2:
                    case.was_overdue = True
                case.save(update_fields=["sla_notice", "was_overdue"])
                CaseEvent.objects.create(
                    case=case, created_at=now, action=f"sla_{colour}", from_status=case.status, to_status=case.status
                )
                if case.stage == Stage.HANDLE:
                    recipients = _handler_users(case.handling_unit)
                else:
                    recipients = _command_users(case.owner_unit)
                if level == 2:
                    title = _("Case %(no)s is overdue") % {"no": case.tracking_no}
                else:
                    title = _("Case %(no)s: 70%% of the time limit is used") % {"no": case.tracking_no}
                _notify(recipients, f"case_sla_{colour}", title, case)
                counts[colour] += 1
    return counts


# --- One entry point for pages and the API ------------------------------------------------------


def _int(value: Any, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(
            _("Please enter a whole number."),
            code=ErrorCode.INVALID,
            details={field: [_("Please enter a whole number.")]},
        ) from None


def _unit_param(actor: Actor, value: Any, field: str) -> Unit:
    if isinstance(value, Unit):
        return value
    try:
        unit = Unit.objects.get(pk=int(value))
    except (Unit.DoesNotExist, TypeError, ValueError):
        raise ValidationFailed(
            _("Choose a unit."), code=CaseErrorCode.UNIT_REQUIRED, details={field: [_("This field is required.")]}
        ) from None
    return unit


def _original_param(actor: Actor, value: Any) -> Case:
    if isinstance(value, Case):
        return value
    text = str(value or "").strip()
    if not text:
        raise ValidationFailed(
            _("Name the original case (its tracking number)."),
            code=CaseErrorCode.ORIGINAL_REQUIRED,
            details={"original": [_("This field is required.")]},
        )
    scope = scope_for(actor)
    lookup = Case.objects.select_related("owner_unit", "handling_unit", "unit")
    found = lookup.filter(tracking_no=text.upper()).first() or (
        lookup.filter(pk=int(text)).first() if text.isdigit() else None
    )
    if found is None or (not scope.covers(found.unit) and not scope.covers(found.owner_unit)):
        raise ValidationFailed(
            _("No case %(no)s in your scope.") % {"no": text},
            code=CaseErrorCode.ORIGINAL_UNKNOWN,
            details={"original": [text]},
        )
    return found


def _files(actor: Actor, params: dict[str, Any], uploaded: str = "files", tokens: str = "attachments") -> list[Any]:
    """A step's evidence: files sent with it (a page) and tokens of files uploaded before (the API)."""
    return [*(params.get(uploaded) or []), *claim(actor, params.get(tokens) or [], field=tokens)]


def case_act(*, actor: Actor, case: Case, action: str, version: int | None = None, **params: Any) -> Any:
    """Run workflow ``action`` with its parameters (as sent by a page or the API)."""
    comment = str(params.get("comment") or "")
    errors: dict[str, list[str]] = {}
    for name in ("comment", "mediators", "parties", "agreement", "place"):
        bounds.check(errors, name, str(params.get(name) or ""), max_length=bounds.TEXT_MAX)
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], code=ErrorCode.INVALID, details=errors)
    common: dict[str, Any] = {"actor": actor, "case": case, "version": version}
    if action == Action.ACCEPT:
        return case_accept(**common, comment=comment)
    if action == Action.DECLINE:
        return case_decline(**common, comment=comment)
    if action == Action.REFER_UP:
        return case_refer_up(**common, comment=comment)
    if action == Action.MERGE:
        return case_merge(**common, original=_original_param(actor, params.get("original")), comment=comment)
    if action == Action.DISPATCH:
        unit = params.get("handling_unit")
        co = [_unit_param(actor, u, "co_units") for u in params.get("co_units") or []]
        return case_dispatch(
            **common,
            handling_unit=_unit_param(actor, unit, "handling_unit") if unit else None,
            co_units=co,
            comment=comment,
        )
    if action == Action.REASSIGN:
        return case_reassign(
            **common, handling_unit=_unit_param(actor, params.get("handling_unit"), "handling_unit"), comment=comment
        )
    if action == Action.ADD_CO_UNIT:
        units = [_unit_param(actor, u, "co_units") for u in params.get("co_units") or []]
        return case_add_co_units(**common, units=units, comment=comment)
    if action == Action.RETURN:
        return case_return(**common, comment=comment)
    if action == Action.START:
        return case_start(**common, comment=comment)
    if action == Action.CO_REPLY:
        return case_co_reply(**common, comment=comment)
    if action == Action.REQUEST_EXTENSION:
        return case_request_extension(**common, days=_int(params.get("days"), "days"), comment=comment)
    if action == Action.DECIDE_EXTENSION:
        days = params.get("days")
        return case_decide_extension(
            **common,
            approve=bool(params.get("approve")),
            days=_int(days, "days") if days not in (None, "") else None,
            comment=comment,
        )
    if action == Action.REPLY:
        return case_reply(
            **common, comment=comment, resolved=params.get("resolved", True) is not False, files=_files(actor, params)
        )
    if action == Action.VERIFY:
        return case_verify(**common, comment=comment, files=_files(actor, params))
    if action == Action.SEND_BACK:
        return case_send_back(**common, comment=comment, files=_files(actor, params))
    if action == Action.HANDLE_ON_SPOT:
        return case_handle_on_spot(
            **common,
            comment=comment,
            after=_files(actor, params),
            before=_files(actor, params, "before_files", "before_attachments"),
        )
    if action == Action.CLOSE_UNRESOLVED:
        return case_close_unresolved(**common, comment=comment)
    if action == Action.RATE:
        return case_rate(**common, rating=str(params.get("rating") or ""), comment=comment)
    if action == Action.REOPEN:
        return case_reopen(**common, comment=comment)
    if action == Action.RETURN_VISIT:
        return case_return_visit(
            **common,
            comment=comment,
            method=str(params.get("method") or "phone"),
            rating=str(params.get("rating") or ""),
        )
    if action == Action.SUPERVISE:
        return case_supervise(**common, level=str(params.get("level") or ""), comment=comment)
    if action == Action.MEDIATE:
        held_on = params.get("held_on")
        if isinstance(held_on, str):
            try:
                held_on = dt.date.fromisoformat(held_on)
            except ValueError:
                held_on = None
        if not isinstance(held_on, dt.date):
            raise ValidationFailed(
                _("Enter the date of the session."),
                code=ErrorCode.INVALID,
                details={"held_on": [_("Enter a valid date.")]},
            )
        return case_mediate(
            **common,
            held_on=held_on,
            mediators=str(params.get("mediators") or ""),
            parties=str(params.get("parties") or ""),
            outcome=str(params.get("outcome") or ""),
            place=str(params.get("place") or ""),
            agreement=str(params.get("agreement") or ""),
            notes=comment,
        )
    if action == Action.NOTE:
        return case_note(actor=actor, case=case, comment=comment)
    workflow.require(case.status, action, {})  # raises the right error for unknown actions
    raise ValidationFailed(_("Unknown action: %(action)s") % {"action": action}, code=CaseErrorCode.UNKNOWN_ACTION)
