"""Every write of the assessment app: schemes and their versions, runs, manual scores, appeals.

One use case per function, one transaction, permission checked, audit written.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.accounts.models import User
from luoshi.accounts.types import Actor, signed_in
from luoshi.assessment import engine, rules, workflow
from luoshi.assessment.error_codes import AssessmentErrorCode
from luoshi.assessment.models import (
    Appeal,
    AppealState,
    Evidence,
    Item,
    ItemKind,
    ManualScore,
    PeriodKindChoice,
    Post,
    Result,
    Run,
    RunState,
    Scheme,
    SchemeVersion,
    Section,
    SubjectType,
    VersionStatus,
)
from luoshi.assessment.permissions import EDIT, result_roles, run_roles
from luoshi.assessment.rules import SectionKind
from luoshi.assessment.workflow import Action, AppealAction, RunRole
from luoshi.core import audit, metrics, uploads
from luoshi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from luoshi.core.metrics import Period, SubjectKind
from luoshi.core.validators import check_text
from luoshi.core.versioning import lock, lock_checked
from luoshi.org.models import Unit, UnitKind
from luoshi.org.permissions import require

MAX_FILES = 5
MAX_SECTIONS = 20
MAX_ITEMS = 60


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, details={field: [message]})


def _text(value: str, field: str, *, max_length: int, required: bool = True) -> str:
    value = check_text((value or "").strip(), field)
    if required and not value:
        raise _invalid(field, _("This field is required."))
    if len(value) > max_length:
        raise _invalid(field, _("At most %(n)s characters.") % {"n": max_length})
    return value


def _decimal(value: Any, field: str, *, minimum: Decimal, maximum: Decimal) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise _invalid(field, _("Enter a number.")) from None
    if not number.is_finite() or not minimum <= number <= maximum:
        raise _invalid(field, _("Enter a number from %(a)s to %(b)s.") % {"a": minimum, "b": maximum})
    return rules.q2(number)


# --- schemes and versions ---------------------------------------------------------------------


@transaction.atomic
def scheme_create(
    *,
    actor: Actor,
    owner: Unit,
    name: str,
    subject_type: str,
    unit_kinds: Sequence[str] = (),
    posts: Sequence[str] = (),
    period_kind: str = PeriodKindChoice.MONTH,
    description: str = "",
    effective_from: dt.date | None = None,
) -> Scheme:
    """A new scheme with an empty draft version 1 and the default grade bands."""
    draft = Scheme(owner=owner)
    require(actor, EDIT, draft)
    name = _text(name, "name", max_length=100)
    if subject_type not in SubjectType.values:
        raise _invalid("subject_type", _("Choose units or cadres."))
    kinds = [k for k in dict.fromkeys(unit_kinds) if k in UnitKind.values]
    chosen_posts = [p for p in dict.fromkeys(posts) if p in Post.values]
    if subject_type == SubjectType.UNIT and not kinds:
        raise _invalid("unit_kinds", _("Choose at least one kind of unit to score."))
    if subject_type == SubjectType.PERSON and not chosen_posts:
        raise _invalid("posts", _("Choose at least one post to score."))
    if period_kind not in PeriodKindChoice.values:
        raise _invalid("period_kind", _("Choose a period."))
    scheme = Scheme.objects.create(
        owner=owner,
        name=name,
        subject_type=subject_type,
        unit_kinds=kinds if subject_type == SubjectType.UNIT else [],
        posts=chosen_posts if subject_type == SubjectType.PERSON else [],
        period_kind=period_kind,
        description=_text(description, "description", max_length=2000, required=False),
        created_by=signed_in(actor) if isinstance(actor, User) else None,
    )
    today = timezone.localdate()
    SchemeVersion.objects.create(
        scheme=scheme,
        number=1,
        effective_from=effective_from or dt.date(today.year, 1, 1),
        bands=rules.bands_to_json(rules.DEFAULT_BANDS),
    )
    audit.record(actor=actor, obj=scheme, verb="create")
    return scheme


def _editable(actor: Actor, version: SchemeVersion) -> None:
    require(actor, EDIT, version.scheme)
    if not version.is_draft:
        raise Conflict(
            _("A version in force cannot be edited; start a new draft."), code=AssessmentErrorCode.VERSION_IN_FORCE
        )


@transaction.atomic
def version_update(
    *, actor: Actor, version: SchemeVersion, expected: int | None, effective_from: dt.date, note: str, bands: Any
) -> SchemeVersion:
    version = lock_checked(SchemeVersion.objects.select_related("scheme__owner"), version.pk, expected)
    _editable(actor, version)
    try:
        parsed = rules.bands_from_json(bands)
    except rules.RuleError:
        raise _invalid("bands", _("Each grade band needs a name and a lowest total.")) from None
    version.effective_from = effective_from.replace(day=1)
    version.note = _text(note, "note", max_length=200, required=False)
    version.bands = rules.bands_to_json(parsed)
    version.version += 1
    version.save()
    return version


@transaction.atomic
def version_new_draft(*, actor: Actor, scheme: Scheme) -> SchemeVersion:
    """A new draft copied from the latest version (sections, items, bands)."""
    require(actor, EDIT, scheme)
    Scheme.objects.select_for_update().filter(pk=scheme.pk).first()
    latest = scheme.versions.order_by("-number").first()
    if latest is not None and latest.is_draft:
        raise Conflict(_("There is a draft already; edit it."), code=AssessmentErrorCode.DRAFT_EXISTS)
    today = timezone.localdate()
    draft = SchemeVersion.objects.create(
        scheme=scheme,
        number=(latest.number + 1) if latest else 1,
        effective_from=dt.date(today.year, today.month, 1),
        bands=latest.bands if latest else rules.bands_to_json(rules.DEFAULT_BANDS),
    )
    if latest is not None:
        for section in latest.sections.prefetch_related("items"):
            items = list(section.items.all())
            section.pk = None
            section.scheme_version = draft
            section.save()
            for item in items:
                item.pk = None
                item.section = section
            Item.objects.bulk_create(items)
    audit.record(actor=actor, obj=scheme, verb="assessment.draft", comment=f"v{draft.number}")
    return draft


@transaction.atomic
def version_publish(*, actor: Actor, version: SchemeVersion) -> SchemeVersion:
    """Put a draft in force from its ``effective_from``: from then on its periods are scored by it."""
    version = lock(SchemeVersion.objects.select_related("scheme__owner"), version.pk)
    _editable(actor, version)
    structure = engine.load_structure(version)
    if not structure.items:
        raise Conflict(_("A scheme version needs at least one item."), code=AssessmentErrorCode.EMPTY_VERSION)
    broken = [i.name for i in structure.items if i.kind == ItemKind.AUTO and (i.rule is None or not i.metric_known)]
    if broken:
        raise Conflict(
            _("These items cannot be scored: %(names)s") % {"names": "、".join(broken)},
            code=AssessmentErrorCode.BROKEN_ITEMS,
        )
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.version += 1
    version.save()
    audit.record(actor=actor, obj=version.scheme, verb="assessment.publish_version", comment=f"v{version.number}")
    return version


@transaction.atomic
def section_save(
    *,
    actor: Actor,
    version: SchemeVersion,
    section: Section | None = None,
    name: str,
    kind: str = SectionKind.BASE,
    weight: Any = "1",
    order: int | None = None,
) -> Section:
    _editable(actor, version)
    if section is not None and section.scheme_version_id != version.pk:
        raise NotFound()
    if section is None and version.sections.count() >= MAX_SECTIONS:
        raise _invalid("name", _("At most %(n)s sections.") % {"n": MAX_SECTIONS})
    if kind not in SectionKind.__members__.values():
        raise _invalid("kind", _("Choose a kind of section."))
    target = section or Section(scheme_version=version)
    target.name = _text(name, "name", max_length=100)
    target.kind = kind
    target.weight = _decimal(weight, "weight", minimum=Decimal("0.01"), maximum=Decimal(100))
    if order is not None:
        target.order = max(0, min(int(order), 999))
    elif section is None:
        target.order = version.sections.count() + 1
    target.save()
    return target


@transaction.atomic
def section_delete(*, actor: Actor, section: Section) -> None:
    _editable(actor, section.scheme_version)
    section.delete()


def _check_item(
    *, version: SchemeVersion, kind: str, points: Decimal, metric_key: str, metric_param: str, rule: Any
) -> dict[str, Any]:
    if kind == ItemKind.MANUAL:
        return {}
    try:
        metric = metrics.get_metric(metric_key)
    except metrics.UnknownMetric:
        raise _invalid("metric_key", _("Choose a metric.")) from None
    wanted = SubjectKind.PERSON if version.scheme.subject_type == SubjectType.PERSON else SubjectKind.UNIT
    if wanted not in metric.subject_kinds:
        raise _invalid("metric_key", _("This metric cannot be measured for this scheme's subjects."))
    if metric.param is None and metric_param:
        raise _invalid("metric_param", _("This metric takes no parameter."))
    if metric.param is not None:
        if not metric_param:
            raise _invalid("metric_param", _("This metric needs a parameter."))
        if metric_param not in {c.value for c in metric.param.choices()}:
            raise _invalid("metric_param", _("Choose one of the listed values."))
    try:
        parsed = rules.Rule.from_json(rule if isinstance(rule, dict) else {})
    except rules.RuleError as exc:
        raise ValidationFailed(
            _("The scoring rule is not complete: %(fields)s") % {"fields": "、".join(exc.errors)},
            details={f"rule_{k}": [v] for k, v in exc.errors.items()},
        ) from None
    problems = parsed.check(higher_is_better=metric.higher_is_better, points=points)
    if problems:
        message = (
            _("Higher is better for this metric: the best value must be above the worst.")
            if metric.higher_is_better
            else _("Lower is better for this metric: the best value must be below the worst.")
        )
        if "table" in problems:
            message = _("First place may earn at most the item's points.")
        raise ValidationFailed(message, details={f"rule_{k}": [message] for k in problems})
    return parsed.to_json()


@transaction.atomic
def item_save(
    *,
    actor: Actor,
    section: Section,
    item: Item | None = None,
    name: str,
    kind: str,
    points: Any,
    weight: Any = "1",
    metric_key: str = "",
    metric_param: str = "",
    rule: Any = None,
    description: str = "",
) -> Item:
    version = section.scheme_version
    _editable(actor, version)
    if item is not None and item.section.scheme_version_id != version.pk:
        raise NotFound()
    if item is None and Item.objects.filter(section__scheme_version=version).count() >= MAX_ITEMS:
        raise _invalid("name", _("At most %(n)s items.") % {"n": MAX_ITEMS})
    if kind not in ItemKind.values:
        raise _invalid("kind", _("Choose automatic or manual."))
    full = _decimal(points, "points", minimum=Decimal("0.01"), maximum=rules.MAX_POINTS)
    stored_rule = _check_item(
        version=version, kind=kind, points=full, metric_key=metric_key, metric_param=metric_param, rule=rule
    )
    target = item or Item(section=section, order=section.items.count() + 1)
    target.section = section
    target.name = _text(name, "name", max_length=100)
    target.kind = kind
    target.points = full
    target.weight = _decimal(weight, "weight", minimum=Decimal("0.01"), maximum=Decimal(100))
    target.metric_key = metric_key if kind == ItemKind.AUTO else ""
    target.metric_param = metric_param if kind == ItemKind.AUTO else ""
    target.rule = stored_rule
    target.description = _text(description, "description", max_length=300, required=False)
    target.save()
    return target


@transaction.atomic
def item_delete(*, actor: Actor, item: Item) -> None:
    _editable(actor, item.section.scheme_version)
    item.delete()


# --- runs ---------------------------------------------------------------------------------------


def version_in_force(scheme: Scheme, period: Period) -> SchemeVersion | None:
    """The published version that scores ``period``: the latest in force by the period's last day."""
    return (
        scheme.versions.filter(status=VersionStatus.PUBLISHED, effective_from__lte=period.end)
        .order_by("-effective_from", "-number")
        .first()
    )


def parse_period(scheme: Scheme, key: str) -> Period:
    try:
        period = Period.parse(key)
    except ValueError:
        raise _invalid("period", _("Enter a period such as 2026-03, 2026-Q1, 2026-H1 or 2026.")) from None
    if period.kind != scheme.period_kind:
        raise _invalid("period", _("This scheme scores %(kind)s periods.") % {"kind": scheme.get_period_kind_display()})
    return period


def _manual_points(run: Run) -> dict[tuple[int, int], Decimal]:
    return {(m.item_id, m.subject_id): m.points for m in ManualScore.objects.filter(run=run)}


def _store(run: Run, scored: Sequence[engine.Scored], revision: int) -> None:
    Result.objects.filter(run=run, revision=revision).delete()
    Result.objects.bulk_create(
        [
            Result(
                run=run, revision=revision, is_current=True, subject_type=run.scheme.subject_type,
                subject_id=s.row.subject.id, unit_id=s.row.unit_id, person_id=s.row.person_id, name=s.row.name[:100],
                total=s.total, base=s.base, bonus=s.bonus, deduction=s.deduction, rank=s.rank, band=s.band,
                pending=s.pending, sections=s.sections, items=s.items, records=s.records,
            )
            for s in scored
        ],
        batch_size=500,
    )  # fmt: skip
    run.subject_count = len(scored)


def _score(run: Run, *, with_records: bool) -> list[engine.Scored]:
    period = Period.parse(run.period_key)
    structure = engine.load_structure(run.scheme_version)
    rows = engine.labelled(engine.subjects_of(run.scheme))
    figures = engine.figures_for(structure, [r.subject for r in rows], period)
    scored = engine.score_all(structure, rows, figures, _manual_points(run))
    if with_records:
        engine.snapshot_records(structure, scored, period)
    return scored


@transaction.atomic
def run_compute(*, actor: Actor, scheme: Scheme, period_key: str) -> Run:
    """Score a period with the version in force: a new run under review."""
    require(actor, EDIT, scheme)
    period = parse_period(scheme, period_key)
    version = version_in_force(scheme, period)
    if version is None:
        raise Conflict(
            _("No version of this scheme is in force for %(p)s.") % {"p": period.label},
            code=AssessmentErrorCode.NO_VERSION,
        )
    if Run.objects.filter(scheme=scheme, period_key=period.key).exists():
        raise Conflict(_("This period has a run already."), code=AssessmentErrorCode.RUN_EXISTS)
    started = time.perf_counter()
    run = Run.objects.create(
        scheme=scheme, scheme_version=version, period_key=period.key, created_by=signed_in(actor), state=RunState.REVIEW
    )
    run.scheme = scheme
    _store(run, _score(run, with_records=False), 1)
    run.compute_seconds = round(time.perf_counter() - started, 3)
    run.save(update_fields=["subject_count", "compute_seconds"])
    audit.record(actor=actor, obj=run, verb="assessment.compute", comment=period.key)
    return run


def _lock_run(run: Run, expected: int | None) -> Run:
    return lock_checked(Run.objects.select_related("scheme__owner", "scheme_version"), run.pk, expected)


@transaction.atomic
def run_transition(*, actor: Actor, run: Run, action: str, expected: int | None = None, comment: str = "") -> Run:
    """Recompute, freeze, reopen, publish or archive a run (see :mod:`luoshi.assessment.workflow`)."""
    run = _lock_run(run, expected)
    if action in (Action.SCORE, Action.APPEAL):
        raise Conflict(_("Unknown action."), code=AssessmentErrorCode.UNKNOWN_ACTION)
    transition = workflow.require(run.state, action, run_roles(actor, run))
    now = timezone.now()
    if action == Action.RECOMPUTE:
        started = time.perf_counter()
        _store(run, _score(run, with_records=False), run.revision)
        run.computed_at = now
        run.compute_seconds = round(time.perf_counter() - started, 3)
    elif action == Action.FREEZE:
        # The snapshot: figures and the records behind them read once more, then never again.
        scored = _score(run, with_records=True)
        pending = sum(s.pending for s in scored)
        if pending:
            raise Conflict(
                _("%(n)s manual scores are still missing; enter them before freezing.") % {"n": pending},
                code=AssessmentErrorCode.MANUAL_SCORES_MISSING,
            )
        _store(run, scored, run.revision)
        run.computed_at = now
        run.frozen_at = now
    elif action == Action.PUBLISH:
        run.published_at = now
    elif action == Action.ARCHIVE:
        run.archived_at = now
    run.state = transition.target
    run.version += 1
    run.save()
    audit.record(actor=actor, obj=run, verb=f"assessment.{action}", comment=comment[:500])
    return run


def run_missing_manual(run: Run) -> int:
    """How many manual scores the run still needs (freezing is refused while any is missing)."""
    manual_items = Item.objects.filter(section__scheme_version=run.scheme_version, kind=ItemKind.MANUAL).count()
    if not manual_items:
        return 0
    return max(0, manual_items * run.subject_count - ManualScore.objects.filter(run=run).count())


def _store_files(run: Run, actor: Actor, files: Sequence[UploadedFile], **owner: Any) -> list[Evidence]:
    """Keep evidence files for a manual score or an appeal: each checked by core/uploads, at most
    :data:`MAX_FILES` on one score or appeal in all."""
    if not files:
        return []
    kept = Evidence.objects.filter(**owner).count()
    if kept + len(files) > MAX_FILES:
        raise _invalid("files", _("At most %(n)s files.") % {"n": MAX_FILES})
    for upload in files:
        uploads.check_attachment(upload, field="files")
    return [
        Evidence.objects.create(
            run=run, file=u, name=(u.name or "file")[:200], size=u.size or 0, uploaded_by=signed_in(actor), **owner
        )
        for u in files
    ]


@transaction.atomic
def manual_score_enter(
    *,
    actor: Actor,
    run: Run,
    item: Item,
    subject_id: int,
    points: Any,
    reason: str,
    files: Sequence[UploadedFile] = (),
    expected: int | None = None,
) -> ManualScore:
    """A reviewer's score for a manual item, with a written reason and evidence; the result is re-totalled.

    Only the scored subject's row is rewritten, and the ranks of the rows the new total moves: a
    fixed number of queries whatever the number of subjects.
    """
    run = _lock_run(run, expected)
    workflow.require(run.state, Action.SCORE, run_roles(actor, run))
    if item.kind != ItemKind.MANUAL or item.section.scheme_version_id != run.scheme_version_id:
        raise NotFound()
    result = Result.objects.filter(run=run, is_current=True, subject_id=subject_id).first()
    if result is None:
        raise NotFound()
    value = _decimal(points, "points", minimum=Decimal(0), maximum=item.points)
    reason = _text(reason, "reason", max_length=2000)
    score, _created = ManualScore.objects.update_or_create(
        run=run, item=item, subject_id=subject_id,
        defaults={"points": value, "reason": reason, "entered_by": actor, "entered_at": timezone.now()},
    )  # fmt: skip
    _store_files(run, actor, files, manual_score=score)
    structure = engine.load_structure(run.scheme_version)
    scored = _rescored(structure, result, str(item.id), str(value))
    ranks = _ranks_with(run, subject_id, scored.total)
    _copy_scores(result, scored, ranks[subject_id])
    result.save(update_fields=[*SCORE_FIELDS])
    moved = [Result(pk=pk, rank=ranks[sid]) for pk, sid, rank in _current_ranks(run) if sid != subject_id
             and ranks[sid] != rank]  # fmt: skip
    Result.objects.bulk_update(moved, ["rank"], batch_size=500)
    run.version += 1
    run.save(update_fields=["version"])
    audit.record(actor=actor, obj=run, verb="assessment.score", comment=f"{result.name} · {item.name}: {value}")
    return score


@transaction.atomic
def manual_score_add_evidence(
    *, actor: Actor, run: Run, item: Item, subject_id: int, files: Sequence[UploadedFile]
) -> list[Evidence]:
    """More evidence files for a manual score already entered (while the run is under review)."""
    run = _lock_run(run, None)
    workflow.require(run.state, Action.SCORE, run_roles(actor, run))
    score = ManualScore.objects.filter(run=run, item=item, subject_id=subject_id).first()
    if score is None:
        raise NotFound(_("Enter the score before adding evidence to it."))
    if not files:
        raise _invalid("files", _("Choose at least one file."))
    stored = _store_files(run, actor, files, manual_score=score)
    audit.record(actor=actor, obj=run, verb="assessment.evidence", comment=f"{item.name}: {len(stored)}")
    return stored


#: What re-totalling a result changes on its row.
SCORE_FIELDS = ("items", "sections", "base", "bonus", "deduction", "total", "band", "pending", "rank")


def _rescored(structure: engine.Structure, result: Result, item_id: str, points: str) -> engine.Scored:
    """One result with one item's earned points replaced, re-totalled and re-banded (no queries)."""
    subject = (
        metrics.Subject.person(result.subject_id)
        if result.person_id
        else metrics.Subject(SubjectKind.UNIT, result.subject_id, "/")
    )
    s = engine.Scored(
        engine.SubjectRow(subject, result.unit_id, "", result.name, result.person_id),
        items={k: dict(v) for k, v in result.items.items()},
        records=result.records,
    )
    s.items.setdefault(item_id, {})["p"] = points
    engine.total_up(structure, s)
    s.band = rules.band_for(s.total, structure.bands)
    return s


def _current_ranks(run: Run) -> list[tuple[int, int, int | None]]:
    return list(Result.objects.filter(run=run, is_current=True).values_list("id", "subject_id", "rank"))


def _ranks_with(run: Run, subject_id: int, total: Decimal) -> dict[int, int | None]:
    """Every current subject's rank with one subject's total replaced (one query, totals only)."""
    totals = dict(Result.objects.filter(run=run, is_current=True).values_list("subject_id", "total"))
    totals[subject_id] = total
    return rules.ranks(totals, higher_is_better=True)


def _copy_scores(result: Result, s: engine.Scored, rank: int | None) -> None:
    result.items, result.sections = s.items, s.sections
    result.base, result.bonus, result.deduction, result.total = s.base, s.bonus, s.deduction, s.total
    result.band, result.pending, result.rank = s.band, s.pending, rank


# --- appeals ------------------------------------------------------------------------------------


@transaction.atomic
def appeal_file(
    *, actor: Actor, run: Run, result: Result, item: Item, reason: str, files: Sequence[UploadedFile] = ()
) -> Appeal:
    """A scored unit (or cadre) appeals one item of a published result."""
    run = _lock_run(run, None)
    if result.run_id != run.pk or not result.is_current:
        raise NotFound()
    workflow.require(run.state, Action.APPEAL, result_roles(actor, run, result))
    if item.section.scheme_version_id != run.scheme_version_id:
        raise NotFound()
    if Appeal.objects.filter(run=run, subject_id=result.subject_id, item=item, state=AppealState.FILED).exists():
        raise Conflict(
            _("An appeal on this item is waiting for a decision already."), code=AssessmentErrorCode.APPEAL_PENDING
        )
    appeal = Appeal.objects.create(
        run=run,
        subject_id=result.subject_id,
        unit=result.unit,
        item=item,
        reason=_text(reason, "reason", max_length=2000),
        filed_by=signed_in(actor),
        old_points=Decimal(result.item(item.pk).get("p") or 0),
    )
    _store_files(run, actor, files, appeal=appeal)
    audit.record(actor=actor, obj=run, verb="assessment.appeal", comment=f"{result.name} · {item.name}")
    return appeal


def _publish_correction(run: Run, appeal: Appeal, points: Decimal) -> None:
    """Revision ``run.revision``: new rows for the appellant (the corrected item marked "changed on
    appeal") and for every subject whose rank the new total moves; their previous rows are kept,
    no longer current. Rows the correction does not touch stay as they are."""
    current = Result.objects.filter(run=run, is_current=True, subject_id=appeal.subject_id).first()
    if current is None:
        raise NotFound()
    structure = engine.load_structure(run.scheme_version)
    scored = _rescored(structure, current, str(appeal.item_id), str(points))
    scored.items[str(appeal.item_id)]["a"] = appeal.pk
    ranks = _ranks_with(run, appeal.subject_id, scored.total)
    moved = {sid for _pk, sid, rank in _current_ranks(run) if ranks[sid] != rank} | {appeal.subject_id}
    before = list(Result.objects.filter(run=run, is_current=True, subject_id__in=moved))
    Result.objects.filter(pk__in=[r.pk for r in before]).update(is_current=False)
    for row in before:
        row.pk, row.revision, row.is_current = None, run.revision, True
        if row.subject_id == appeal.subject_id:
            _copy_scores(row, scored, ranks[row.subject_id])
        else:
            row.rank = ranks[row.subject_id]
    Result.objects.bulk_create(before, batch_size=500)


@transaction.atomic
def appeal_add_evidence(*, actor: Actor, appeal: Appeal, files: Sequence[UploadedFile]) -> list[Evidence]:
    """More evidence for an appeal still waiting for a decision, by whoever may appeal that result."""
    appeal = lock(Appeal.objects.select_related("run__scheme__owner"), appeal.pk)
    run = appeal.run
    result = (
        Result.objects.select_related("unit", "person")
        .filter(run=run, is_current=True, subject_id=appeal.subject_id)
        .first()
    )
    if result is None or RunRole.SUBJECT not in result_roles(actor, run, result):
        raise Forbidden(
            _("Only the appealing unit or cadre may add evidence to the appeal."),
            code=AssessmentErrorCode.TRANSITION_FORBIDDEN,
        )
    if appeal.state != AppealState.FILED:
        raise Conflict(_("This appeal has been decided already."), code=AssessmentErrorCode.APPEAL_DECIDED)
    if not files:
        raise _invalid("files", _("Choose at least one file."))
    stored = _store_files(run, actor, files, appeal=appeal)
    audit.record(actor=actor, obj=run, verb="assessment.evidence", comment=f"{appeal.item_id}: {len(stored)}")
    return stored


@transaction.atomic
def appeal_decide(*, actor: Actor, appeal: Appeal, action: str, reply: str, corrected_points: Any = None) -> Appeal:
    """Uphold (with the corrected points: a new published revision) or reject an appeal, with a reply."""
    appeal = lock(Appeal.objects.select_related("item", "run"), appeal.pk)
    run = _lock_run(appeal.run, None)
    if RunRole.ORGANISER not in run_roles(actor, run):
        raise Forbidden(_("Only the organisers decide appeals."), code=AssessmentErrorCode.TRANSITION_FORBIDDEN)
    if run.state != RunState.PUBLISHED:
        raise Conflict(_("Appeals are decided while the run is published."), code=AssessmentErrorCode.WRONG_STATE)
    target = workflow.require_appeal(appeal.state, action)
    appeal.reply = _text(reply, "reply", max_length=2000)
    if action == AppealAction.UPHOLD:
        if corrected_points in (None, ""):
            raise _invalid("corrected_points", _("Enter the corrected points."))
        points = _decimal(corrected_points, "corrected_points", minimum=Decimal(0), maximum=appeal.item.points)
        run.revision += 1
        _publish_correction(run, appeal, points)
        run.published_at = timezone.now()
        run.version += 1
        run.save()
        appeal.corrected_points = points
        appeal.revision = run.revision
    appeal.state = target
    appeal.reviewer = signed_in(actor)
    appeal.decided_at = timezone.now()
    appeal.save()
    audit.record(actor=actor, obj=run, verb=f"assessment.{action}", comment=appeal.reply[:500])
    return appeal
