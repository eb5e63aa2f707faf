"""Reads of the assessment app, every one starting from the user's scoped querysets."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from luoshi.accounts.types import Actor
from luoshi.assessment import engine, permissions
from luoshi.assessment.engine import ItemDef, SectionDef, Structure
from luoshi.assessment.models import (
    Appeal,
    Evidence,
    ManualScore,
    Result,
    Run,
    RunState,
    Scheme,
    SchemeVersion,
)
from luoshi.core import metrics
from luoshi.core.errors import NotFound
from luoshi.core.metrics import Period, Record, Subject, SubjectKind
from luoshi.org.labels import unit_labels

SNAPSHOT_STATES = (RunState.FROZEN, RunState.PUBLISHED, RunState.ARCHIVED)
SORTS = ("rank", "-rank", "name", "-name", "total", "-total", "bonus", "deduction")


def scheme_list(user: Actor) -> QuerySet[Scheme]:
    return permissions.schemes_visible_to(user).select_related("owner").order_by("-created_at", "id")


def access_scheme(user: Actor, pk: int) -> Scheme:
    scheme = permissions.schemes_visible_to(user).select_related("owner").filter(pk=pk).first()
    if scheme is None:
        raise NotFound()
    return scheme


def run_list(user: Actor, scheme: Scheme | None = None) -> QuerySet[Run]:
    runs = permissions.runs_visible_to(user).select_related("scheme__owner", "scheme_version")
    if scheme is not None:
        runs = runs.filter(scheme=scheme)
    return runs.order_by("-period_key", "-id")


def access_run(user: Actor, pk: int) -> Run:
    run = permissions.runs_visible_to(user).select_related("scheme__owner", "scheme_version").filter(pk=pk).first()
    if run is None:
        raise NotFound()
    return run


def latest_version(scheme: Scheme) -> SchemeVersion | None:
    return scheme.versions.order_by("-number").first()


def run_results(
    user: Actor, run: Run, *, sort: str = "rank", band: str = "", q: str = ""
) -> QuerySet[Result] | SectionSorted:
    """The run's ranking as the user is shown it (breakdown JSON left out: :func:`permissions.ranking_visible_to`),
    sorted by a column (in the database: a page costs one COUNT and one SELECT) or by a section subtotal (ids
    sorted in Python, then the rows)."""
    rows = permissions.ranking_visible_to(user, run).defer("items", "records")
    if band:
        rows = rows.filter(band=band)
    if q:
        rows = rows.filter(name__contains=q)
    if sort.startswith("s") and sort[1:].isdigit():
        key = sort[1:]
        order = sorted(
            rows.values_list("id", "sections", "rank", "name"),
            key=lambda r: (-Decimal(r[1].get(key, "0")), r[2] or 0, r[3]),
        )
        return SectionSorted(rows, [r[0] for r in order])
    columns = {
        "rank": ["rank", "name"], "-rank": ["-rank", "name"], "name": ["name"], "-name": ["-name"],
        "total": ["total", "name"], "-total": ["-total", "name"], "bonus": ["-bonus", "rank"],
        "deduction": ["deduction", "rank"],
    }.get(sort, ["rank", "name"])  # fmt: skip
    return rows.order_by(*columns, "id")


class SectionSorted:
    """Results in an order computed in Python, paginated like a queryset: ``count()``, and slices whose rows
    are read in one query."""

    def __init__(self, rows: QuerySet[Result], ids: list[int]) -> None:
        self.rows, self.ids = rows, ids

    def __len__(self) -> int:
        return len(self.ids)

    def count(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: slice) -> list[Result]:
        wanted = self.ids[index]
        found = self.rows.in_bulk(wanted)
        return [found[i] for i in wanted if i in found]

    def __iter__(self) -> Iterator[Result]:
        return iter(self[:])


def openable_subjects(user: Actor, run: Run) -> set[int] | None:
    """The subjects whose breakdown the user may open from the table: ``None`` for all of them (readers
    over the organising unit), else the ids of the results in their scope (one small query)."""
    if permissions.sees_whole_run(user, run):
        return None
    return set(permissions.results_visible_to(user, run).values_list("subject_id", flat=True))


def access_result(user: Actor, run: Run, subject_id: int) -> Result:
    result = (
        permissions.results_visible_to(user, run).select_related("unit", "person").filter(subject_id=subject_id).first()
    )
    if result is None:
        raise NotFound()
    return result


def band_counts(results: list[Result], structure: Structure) -> list[tuple[str, int]]:
    counts = {b.label: 0 for b in structure.bands}
    for r in results:
        counts[r.band] = counts.get(r.band, 0) + 1
    return list(counts.items())


@dataclass
class ItemLine:
    item: ItemDef
    value: str | None
    basis: str
    count: int
    points: str | None
    contribution: str
    rank: int | None
    manual: bool
    metric_label: str
    metric_unit: str
    appeal_id: int | None = None


@dataclass
class SectionLine:
    section: SectionDef
    subtotal: str
    full: Decimal
    items: list[ItemLine] = field(default_factory=list)


def param_labels(pairs: Iterator[tuple[str, str]] | list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The words for each (metric, parameter) pair — 处置 for the cases stage ``handle``, the indicator's
    name for its code — asking each metric for its choices once; a value it no longer offers stays as
    written."""
    out: dict[tuple[str, str], str] = {}
    choices: dict[str, dict[str, str]] = {}
    for key, value in pairs:
        if not key or not value or (key, value) in out:
            continue
        if key not in choices:
            try:
                choices[key] = metrics.get_metric(key).param_words()
            except metrics.UnknownMetric:
                choices[key] = {}
        out[(key, value)] = choices[key].get(value, value)
    return out


def _metric_names(key: str) -> tuple[str, str]:
    try:
        metric = metrics.get_metric(key)
    except metrics.UnknownMetric:
        return key, ""
    return str(metric.label), str(metric.unit)


def breakdown(structure: Structure, result: Result) -> list[SectionLine]:
    lines = []
    for section in structure.sections:
        line = SectionLine(section, result.sections.get(str(section.id), "0"), sum(
            (i.points * i.weight for i in section.items), Decimal(0)))  # fmt: skip
        for item in section.items:
            entry = result.item(item.id)
            label, unit = _metric_names(item.metric_key) if item.metric_key else ("", "")
            line.items.append(
                ItemLine(item, entry.get("v"), entry.get("b", ""), int(entry.get("c") or 0), entry.get("p"),
                         entry.get("s", "0"), entry.get("r"), bool(entry.get("m")), label, unit, entry.get("a"))
            )  # fmt: skip
        lines.append(line)
    return lines


def item_records(run: Run, result: Result, item: ItemDef, *, limit: int = 200) -> tuple[list[Record], bool]:
    """The records behind one item score: the frozen snapshot, or (under review) read live. Second: is it a snapshot."""
    if run.state in SNAPSHOT_STATES:
        rows = result.records.get(str(item.id), [])
        return _with_townships([Record(k, i, label, url, note) for k, i, label, url, note in rows]), True
    if not item.metric_key or not item.metric_known:
        return [], False
    if result.person_id is not None:
        subject = Subject.person(result.subject_id)
    else:
        subject = Subject(SubjectKind.UNIT, result.unit_id, result.unit.path)
    found = metrics.records(item.metric_key, subject, Period.parse(run.period_key), item.metric_param, limit=limit)
    return _with_townships(found), False


def _with_townships(records: list[Record]) -> list[Record]:
    """Units behind a figure (kind ``org.unit``) named with their township, as in every table (one query)."""
    ids = [r.id for r in records if r.kind == "org.unit"]
    if not ids:
        return records
    labels = unit_labels(ids)
    return [replace(r, label=labels.get(r.id, r.label)) if r.kind == "org.unit" else r for r in records]


def trend(user: Actor, run: Run, subject_id: int, *, periods: int = 12) -> list[tuple[str, Decimal, int | None]]:
    """The subject's totals over the scheme's last snapshot runs (period, total, rank), oldest first."""
    visible = permissions.runs_visible_to(user).filter(scheme=run.scheme_id, state__in=SNAPSHOT_STATES)
    rows = (
        Result.objects.filter(run__in=visible, is_current=True, subject_id=subject_id)
        .order_by("-run__period_key")
        .values_list("run__period_key", "total", "rank")[:periods]
    )
    return list(reversed(list(rows)))


def manual_scores(run: Run, subject_id: int) -> dict[int, ManualScore]:
    rows = ManualScore.objects.filter(run=run, subject_id=subject_id).select_related("entered_by", "item")
    scores = {m.item_id: m for m in rows}
    files = Evidence.objects.filter(manual_score__in=list(scores.values()))
    by_score: dict[int, list[Evidence]] = {}
    for f in files:
        by_score.setdefault(f.manual_score_id or 0, []).append(f)
    for m in scores.values():
        m.evidence = by_score.get(m.pk, [])  # type: ignore[attr-defined]
    return scores


def appeals_for(user: Actor, run: Run, subject_id: int | None = None) -> list[Appeal]:
    visible_ids = None
    if not permissions.sees_whole_run(user, run):
        visible_ids = set(permissions.results_visible_to(user, run).values_list("subject_id", flat=True))
    rows = Appeal.objects.filter(run=run).select_related("item", "unit", "filed_by", "reviewer")
    if subject_id is not None:
        rows = rows.filter(subject_id=subject_id)
    found = [a for a in rows.prefetch_related("files") if visible_ids is None or a.subject_id in visible_ids]
    return found


def access_appeal(user: Actor, pk: int) -> Appeal:
    """One appeal: seen by whoever sees its run whole (the organisers) or its subject's result; else 404."""
    appeal = Appeal.objects.select_related("run").filter(pk=pk).first()
    if appeal is None:
        raise NotFound()
    run = access_run(user, appeal.run_id)
    if not permissions.sees_whole_run(user, run) and not (
        permissions.results_visible_to(user, run).filter(subject_id=appeal.subject_id).exists()
    ):
        raise NotFound()
    return appeal


def revision_changes(run: Run, user: Actor) -> list[dict[str, Any]]:
    """What the latest revision changed: the subjects it wrote new rows for (an upheld appeal writes the
    appellant's row and those of the subjects whose rank moved), each against its row before."""
    if run.revision < 2:
        return []
    visible = set(permissions.ranking_visible_to(user, run).values_list("subject_id", flat=True))
    light = ("items", "records", "sections")
    latest = [r for r in Result.objects.filter(run=run, revision=run.revision).defer(*light) if r.subject_id in visible]
    before: dict[int, Result] = {}
    for r in (
        Result.objects.filter(run=run, revision__lt=run.revision, subject_id__in=[r.subject_id for r in latest])
        .defer(*light)
        .order_by("subject_id", "-revision")
    ):
        before.setdefault(r.subject_id, r)
    changes = []
    for r in latest:
        old = before.get(r.subject_id)
        if old is not None and (old.total != r.total or old.rank != r.rank):
            changes.append({"name": r.name, "subject_id": r.subject_id, "old_total": old.total, "total": r.total,
                            "old_rank": old.rank, "rank": r.rank, "diff": r.total - old.total})  # fmt: skip
    return sorted(changes, key=lambda c: c["rank"] or 0)


def my_results(user: Actor) -> QuerySet[Result]:
    """The signed-in cadre's own results in runs they may see, newest first."""
    runs = permissions.runs_visible_to(user).filter(state__in=SNAPSHOT_STATES)
    return (
        Result.objects.filter(run__in=runs, is_current=True, person__user_id=user.pk)
        .select_related("run__scheme")
        .defer("items", "records")
        .order_by("-run__period_key")
    )


def structure_of(run: Run) -> Structure:
    return engine.load_structure(run.scheme_version)
