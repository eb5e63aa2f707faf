"""Computing a run: subjects, figures, points, totals, ranks and bands — a few queries per item.

:func:`compute_results` reads the scheme version's structure once, asks the metric
registry for every automatic item's figures for all subjects at once (one bulk call per
distinct metric and parameter, whatever the number of subjects), scores them with the
pure rules of :mod:`luoshi.assessment.rules`, adds the manual scores and returns one
:class:`Scored` per subject. :func:`snapshot_records` fetches the first records behind
every item score with the metrics' bulk record listers (one call per item). Nothing here
writes; :mod:`luoshi.assessment.services` stores the results.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from luoshi.assessment import rules
from luoshi.assessment.models import Item, ItemKind, Scheme, SchemeVersion, Section, SubjectType
from luoshi.assessment.rules import Band, SectionKind
from luoshi.core import metrics
from luoshi.core.metrics import Figure, Period, Subject
from luoshi.org.models import Position, Post, Unit

#: How many records behind one item score a frozen result keeps (the count keeps the full number).
RECORDS_PER_ITEM = 20


@dataclass(frozen=True)
class SubjectRow:
    subject: Subject
    unit_id: int
    unit_path: str
    name: str
    person_id: int | None = None


@dataclass(frozen=True)
class ItemDef:
    id: int
    section_id: int
    name: str
    kind: str
    points: Decimal
    weight: Decimal
    metric_key: str
    metric_param: str
    rule: rules.Rule | None
    higher_is_better: bool = True
    metric_known: bool = True


@dataclass(frozen=True)
class SectionDef:
    id: int
    name: str
    kind: SectionKind
    weight: Decimal
    items: tuple[ItemDef, ...]

    def get_kind_display(self) -> str:
        """基本分, 加分项 or 扣分项, as the model's field says (the pages show it next to the name)."""
        return str(dict(Section._meta.get_field("kind").choices or []).get(self.kind, self.kind))


@dataclass(frozen=True)
class Structure:
    sections: tuple[SectionDef, ...]
    bands: tuple[Band, ...]

    @property
    def items(self) -> list[ItemDef]:
        return [i for s in self.sections for i in s.items]

    @property
    def full_marks(self) -> Decimal:
        return sum(
            (rules.q2(i.points * i.weight * s.weight) for s in self.sections if s.kind == SectionKind.BASE
             for i in s.items),
            Decimal(0),
        )  # fmt: skip


def load_structure(version: SchemeVersion) -> Structure:
    """The version's sections and items as plain data (two queries)."""
    sections = list(Section.objects.filter(scheme_version=version).order_by("order", "id"))
    items = list(Item.objects.filter(section__scheme_version=version).order_by("order", "id"))
    by_section: dict[int, list[ItemDef]] = {s.pk: [] for s in sections}
    for item in items:
        rule: rules.Rule | None = None
        higher, known = True, True
        if item.kind == ItemKind.AUTO:
            try:
                metric = metrics.get_metric(item.metric_key)
                higher = metric.higher_is_better
            except metrics.UnknownMetric:
                known = False
            try:
                rule = rules.Rule.from_json(item.rule or {})
            except rules.RuleError:
                rule = None
        by_section[item.section_id].append(
            ItemDef(item.pk, item.section_id, item.name, item.kind, item.points, item.weight, item.metric_key,
                    item.metric_param, rule, higher, known)
        )  # fmt: skip
    return Structure(
        tuple(SectionDef(s.pk, s.name, SectionKind(s.kind), s.weight, tuple(by_section[s.pk])) for s in sections),
        rules.bands_from_json(version.bands),
    )


def subjects_of(scheme: Scheme) -> list[SubjectRow]:
    """Who the scheme scores: the owner's active sub-units of the chosen kinds, or the cadres on the chosen posts."""
    owner = scheme.owner
    if scheme.subject_type == SubjectType.UNIT:
        units = (
            Unit.objects.filter(path__startswith=owner.path, kind__in=scheme.unit_kinds or [], is_active=True)
            .exclude(pk=owner.pk)
            .order_by("sort_order", "path")
            .values_list("id", "path", "name")
        )
        return [SubjectRow(Subject(metrics.SubjectKind.UNIT, pk, path), pk, path, name) for pk, path, name in units]
    posts = [p for p in scheme.posts or [] if p in Post.values]
    if not posts:
        return []
    positions = (
        Position.objects.filter(
            post__in=posts, unit__path__startswith=owner.path, unit__is_active=True, person__is_active=True
        )
        .order_by("person_id", "unit__path", "id")
        .values_list("person_id", "person__name", "unit_id", "unit__path")
    )
    rows: dict[int, SubjectRow] = {}
    for person_id, name, unit_id, path in positions:
        if person_id not in rows:
            rows[person_id] = SubjectRow(Subject.person(person_id), unit_id, path, name, person_id)
    return list(rows.values())


@dataclass
class Scored:
    row: SubjectRow
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    sections: dict[str, str] = field(default_factory=dict)
    base: Decimal = Decimal(0)
    bonus: Decimal = Decimal(0)
    deduction: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    rank: int | None = None
    band: str = ""
    pending: int = 0
    records: dict[str, list[list[Any]]] = field(default_factory=dict)


def _num(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def figures_for(
    structure: Structure, subjects: Sequence[Subject], period: Period
) -> dict[tuple[str, str], Mapping[Subject, Figure]]:
    """Every automatic item's figures: one bulk call per distinct (metric, parameter)."""
    out: dict[tuple[str, str], Mapping[Subject, Figure]] = {}
    for item in structure.items:
        key = (item.metric_key, item.metric_param)
        if item.kind != ItemKind.AUTO or key in out:
            continue
        if not item.metric_known:
            out[key] = {}
            continue
        out[key] = metrics.compute(item.metric_key, subjects, period, item.metric_param)
    return out


def score_all(
    structure: Structure,
    rows: Sequence[SubjectRow],
    figures: Mapping[tuple[str, str], Mapping[Subject, Figure]],
    manual: Mapping[tuple[int, int], Decimal],
) -> list[Scored]:
    """Points per item, subtotals, totals, ranks and bands for every subject (no queries)."""
    scored = {r.subject: Scored(r) for r in rows}
    for item in structure.items:
        if item.kind == ItemKind.MANUAL:
            for s in scored.values():
                points = manual.get((item.id, s.row.subject.id))
                s.items[str(item.id)] = {"v": None, "b": "", "c": 0, "p": _num(points), "m": True}
            continue
        found = figures.get((item.metric_key, item.metric_param), {})
        values = {subject: found.get(subject, metrics.NO_DATA).value for subject in scored}
        ranked = (
            rules.ranks(values, higher_is_better=item.higher_is_better)
            if item.rule is not None and item.rule.kind == rules.RuleKind.RANK
            else {}
        )
        for subject, s in scored.items():
            figure = found.get(subject, metrics.NO_DATA)
            rank = ranked.get(subject)
            earned = (
                rules.score(item.rule, value=figure.value, points=item.points, higher_is_better=item.higher_is_better,
                            rank=rank)
                if item.rule is not None
                else Decimal(0)
            )  # fmt: skip
            entry: dict[str, Any] = {"v": _num(figure.value), "b": figure.basis, "c": figure.count, "p": str(earned)}
            if rank is not None:
                entry["r"] = rank
            s.items[str(item.id)] = entry
    for s in scored.values():
        total_up(structure, s)
    rank_and_band(structure, list(scored.values()))
    return list(scored.values())


def total_up(structure: Structure, s: Scored) -> None:
    """Contributions, section subtotals and totals of one subject from its items' earned points."""
    s.base = s.bonus = s.deduction = Decimal(0)
    s.pending = 0
    for section in structure.sections:
        subtotal = Decimal(0)
        for item in section.items:
            entry = s.items.setdefault(str(item.id), {"p": None})
            if entry.get("p") is None:
                s.pending += 1 if item.kind == ItemKind.MANUAL else 0
                earned = Decimal(0) if section.kind != SectionKind.DEDUCTION else item.points
            else:
                earned = Decimal(entry["p"])
            contributed = rules.contribution(section.kind, earned, item.points, item.weight)
            entry["s"] = str(contributed)
            subtotal += contributed
        weighted = rules.q2(subtotal * section.weight) if section.kind == SectionKind.BASE else subtotal
        s.sections[str(section.id)] = str(weighted)
        if section.kind == SectionKind.BASE:
            s.base += weighted
        elif section.kind == SectionKind.BONUS:
            s.bonus += weighted
        else:
            s.deduction += weighted
    s.total = rules.q2(s.base + s.bonus + s.deduction)


def rank_and_band(structure: Structure, scored: Iterable[Scored]) -> None:
    rows = list(scored)
    ranked = rules.ranks({id(s): s.total for s in rows}, higher_is_better=True)
    for s in rows:
        s.rank = ranked[id(s)]
        s.band = rules.band_for(s.total, structure.bands)


def snapshot_records(
    structure: Structure, scored: Sequence[Scored], period: Period, *, limit: int = RECORDS_PER_ITEM
) -> None:
    """Fill each result's ``records`` with the first records behind each automatic item (one bulk call per item).

    Only subjects whose figure has something behind it (a count above zero) are asked about.
    """
    done: dict[tuple[str, str], dict[Subject, list[metrics.Record]]] = {}
    for item in structure.items:
        if item.kind != ItemKind.AUTO or not item.metric_known:
            continue
        key = (item.metric_key, item.metric_param)
        if key not in done:
            wanted = [s.row.subject for s in scored if s.items.get(str(item.id), {}).get("c")]
            done[key] = (
                metrics.records_bulk(item.metric_key, wanted, period, item.metric_param, limit=limit) if wanted else {}
            )
        found = done[key]
        for s in scored:
            listed = found.get(s.row.subject)
            if listed:
                s.records[str(item.id)] = [[r.kind, r.id, r.label, r.url, r.note] for r in listed]


def labelled(rows: list[SubjectRow]) -> list[SubjectRow]:
    """``rows`` with each unit named with its township (a scheme may score the same-named
    departments of several townships; luoshi.org.labels); cadres keep their own names."""
    from dataclasses import replace

    from luoshi.org.labels import unit_labels

    labels = unit_labels(r.unit_id for r in rows if r.person_id is None)
    return [replace(r, name=labels.get(r.unit_id, r.name)) if r.person_id is None else r for r in rows]
