"""Scoring rules: pure functions from a metric's value (or rank) to an item's points.

Nothing here reads the database. An item of a scheme carries one :class:`Rule`
(stored as JSON on the item) and its full points; :func:`score` turns a subject's
value into points between 0 and the item's full points, respecting the metric's
direction (higher or lower is better):

===========  ========================================================================
kind         points
===========  ========================================================================
linear       0 at ``worst``, full at ``best``, in a straight line between, clamped
rank         the rank-to-points ``table`` (1st 60, 2nd 57 …); ranks past it get ``rest``
per_event    ``each`` point per event, at most ``cap``: added up to full points when
             higher is better, deducted from full points when lower is better
gate         full points when the value reaches ``threshold`` (pass), else 0 (fail)
===========  ========================================================================

A subject with no value (a rate with nothing due) gets full points (``no_data="full"``:
nothing to hold against it) or none (``no_data="zero"``). Points are rounded half-up
to two places.

How an item's points count towards the total depends on its section: a base section's
items add their points (times the item's and the section's weight), a bonus section's
add theirs on top, and a deduction section's items take away what their rule withholds
(full points minus the points), so "0.5 per overdue task, at most 5" deducts 0.5 × n
up to 5 whichever way it is written.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from itertools import pairwise
from typing import Any, TypeVar

CENT = Decimal("0.01")
ZERO = Decimal(0)
MAX_POINTS = Decimal(1000)
MAX_TABLE = 200

K = TypeVar("K", bound=Hashable)


class RuleKind(StrEnum):
    LINEAR = "linear"
    RANK = "rank"
    PER_EVENT = "per_event"
    GATE = "gate"


#: What each kind of rule is called on the pages (translated there; this module stays free of Django).
RULE_LABELS: dict[str, str] = {
    "linear": "Linear between two values",
    "rank": "Points by rank",
    "per_event": "Per event, with a cap",
    "gate": "Pass or fail",
}


class NoData(StrEnum):
    FULL = "full"
    ZERO = "zero"


class SectionKind(StrEnum):
    BASE = "base"
    BONUS = "bonus"
    DEDUCTION = "deduction"


def q2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class RuleError(ValueError):
    """A rule that cannot score: ``errors`` maps a field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _dec(raw: Any, name: str, errors: dict[str, str], *, required: bool = True) -> Decimal | None:
    if raw is None or raw == "":
        if required:
            errors[name] = "required"
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        errors[name] = "not a number"
        return None
    if not value.is_finite() or abs(value) > Decimal("1e9"):
        errors[name] = "out of range"
        return None
    return value


@dataclass(frozen=True)
class Rule:
    kind: RuleKind
    worst: Decimal | None = None
    best: Decimal | None = None
    table: tuple[Decimal, ...] = field(default_factory=tuple)
    rest: Decimal = ZERO
    each: Decimal | None = None
    cap: Decimal | None = None
    threshold: Decimal | None = None
    no_data: NoData = NoData.FULL

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Rule:
        """Read a rule from its JSON form; :class:`RuleError` names each bad field."""
        errors: dict[str, str] = {}
        try:
            kind = RuleKind(str(data.get("kind", "")))
        except ValueError:
            raise RuleError({"kind": "unknown rule"}) from None
        try:
            no_data = NoData(str(data.get("no_data") or NoData.FULL))
        except ValueError:
            errors["no_data"] = "unknown choice"
            no_data = NoData.FULL
        rule = cls(kind=kind, no_data=no_data)
        if kind == RuleKind.LINEAR:
            worst = _dec(data.get("worst"), "worst", errors)
            best = _dec(data.get("best"), "best", errors)
            if worst is not None and best is not None and worst == best:
                errors["best"] = "equals worst"
            rule = cls(kind=kind, worst=worst, best=best, no_data=no_data)
        elif kind == RuleKind.RANK:
            raw = data.get("table")
            table: list[Decimal] = []
            if isinstance(raw, str):
                raw = [p for p in raw.replace("，", ",").replace("/", ",").split(",") if p.strip()]
            if not isinstance(raw, list | tuple) or not raw:
                errors["table"] = "required"
            elif len(raw) > MAX_TABLE:
                errors["table"] = "too long"
            else:
                for i, entry in enumerate(raw):
                    value = _dec(entry, f"table[{i}]", errors)
                    if value is not None:
                        if value < 0:
                            errors["table"] = "negative points"
                        table.append(value)
                if any(b > a for a, b in pairwise(table)):
                    errors["table"] = "a lower rank may not earn more"
            rest = _dec(data.get("rest"), "rest", errors, required=False) or ZERO
            if table and rest > table[-1]:
                errors["rest"] = "more than the last rank"
            rule = cls(kind=kind, table=tuple(table), rest=rest, no_data=no_data)
        elif kind == RuleKind.PER_EVENT:
            each = _dec(data.get("each"), "each", errors)
            cap = _dec(data.get("cap"), "cap", errors, required=False)
            if each is not None and each <= 0:
                errors["each"] = "must be positive"
            if cap is not None and cap <= 0:
                errors["cap"] = "must be positive"
            rule = cls(kind=kind, each=each, cap=cap, no_data=no_data)
        elif kind == RuleKind.GATE:
            rule = cls(kind=kind, threshold=_dec(data.get("threshold"), "threshold", errors), no_data=no_data)
        if errors:
            raise RuleError(errors)
        return rule

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": str(self.kind), "no_data": str(self.no_data)}
        if self.kind == RuleKind.LINEAR:
            out.update(worst=str(self.worst), best=str(self.best))
        elif self.kind == RuleKind.RANK:
            out.update(table=[str(p) for p in self.table], rest=str(self.rest))
        elif self.kind == RuleKind.PER_EVENT:
            out.update(each=str(self.each), cap=None if self.cap is None else str(self.cap))
        elif self.kind == RuleKind.GATE:
            out.update(threshold=str(self.threshold))
        return out

    def check(self, *, higher_is_better: bool, points: Decimal) -> dict[str, str]:
        """What is wrong with this rule for a metric of that direction and an item of those points."""
        errors: dict[str, str] = {}
        if self.kind == RuleKind.LINEAR and self.worst is not None and self.best is not None:
            if higher_is_better and self.best < self.worst:
                errors["best"] = "higher is better: best must be above worst"
            if not higher_is_better and self.best > self.worst:
                errors["best"] = "lower is better: best must be below worst"
        if self.kind == RuleKind.RANK and self.table and self.table[0] > points:
            errors["table"] = "first place earns more than the item's points"
        return errors

    def describe(self) -> str:
        """A short reading of the rule in figures (the page translates the words around it). For a rank
        rule, the table's first places only: the page says in words what the rest get (:attr:`rest`)."""
        if self.kind == RuleKind.LINEAR:
            return f"{self.worst} → {self.best}"
        if self.kind == RuleKind.RANK:
            shown = " / ".join(str(p) for p in self.table[:6])
            return shown + (" …" if len(self.table) > 6 else "")
        if self.kind == RuleKind.PER_EVENT:
            return f"{self.each} × n" + (f" ≤ {self.cap}" if self.cap is not None else "")
        return f"{self.threshold}"


def score(
    rule: Rule,
    *,
    value: Decimal | None,
    points: Decimal,
    higher_is_better: bool,
    rank: int | None = None,
) -> Decimal:
    """The points (0 to ``points``) that ``value`` (or, for a rank rule, ``rank``) earns under ``rule``."""
    if points <= 0:
        return ZERO
    missing = rank is None if rule.kind == RuleKind.RANK else value is None
    if missing:
        return points if rule.no_data == NoData.FULL else ZERO
    earned: Decimal
    if rule.kind == RuleKind.LINEAR:
        assert value is not None
        assert rule.worst is not None
        assert rule.best is not None
        fraction = (value - rule.worst) / (rule.best - rule.worst)
        fraction = min(max(fraction, ZERO), Decimal(1))
        earned = points * fraction
    elif rule.kind == RuleKind.RANK:
        assert rank is not None
        earned = rule.table[rank - 1] if 1 <= rank <= len(rule.table) else rule.rest
    elif rule.kind == RuleKind.PER_EVENT:
        assert value is not None
        assert rule.each is not None
        amount = rule.each * max(value, ZERO)
        if rule.cap is not None:
            amount = min(amount, rule.cap)
        earned = amount if higher_is_better else points - amount
    else:
        assert value is not None
        assert rule.threshold is not None
        passed = value >= rule.threshold if higher_is_better else value <= rule.threshold
        earned = points if passed else ZERO
    return q2(min(max(earned, ZERO), points))


def contribution(section_kind: SectionKind | str, earned: Decimal, points: Decimal, weight: Decimal) -> Decimal:
    """What an item's ``earned`` points add to (or, in a deduction section, take from) the total."""
    if SectionKind(section_kind) == SectionKind.DEDUCTION:
        return q2(-(points - earned) * weight)
    return q2(earned * weight)


def ranks(values: Mapping[K, Decimal | None], *, higher_is_better: bool) -> dict[K, int | None]:
    """Competition ranks (1, 2, 2, 4 …) of the subjects with a value; ``None`` for those without."""
    present = [(k, v) for k, v in values.items() if v is not None]
    present.sort(key=lambda kv: kv[1], reverse=higher_is_better)
    out: dict[K, int | None] = dict.fromkeys(values)
    previous: Decimal | None = None
    rank = 0
    for position, (key, value) in enumerate(present, start=1):
        if value != previous:
            rank = position
            previous = value
        out[key] = rank
    return out


@dataclass(frozen=True)
class Band:
    label: str
    minimum: Decimal


DEFAULT_BANDS: tuple[Band, ...] = (
    Band("优秀", Decimal(90)),
    Band("良好", Decimal(80)),
    Band("合格", Decimal(60)),
    Band("不合格", Decimal(0)),
)


def bands_from_json(data: Sequence[Mapping[str, Any]] | None) -> tuple[Band, ...]:
    """Grade bands from JSON ``[{"label": "优秀", "minimum": "90"}, …]``, highest first."""
    if not data:
        return DEFAULT_BANDS
    bands: list[Band] = []
    errors: dict[str, str] = {}
    for i, entry in enumerate(data[:20]):
        label = str(entry.get("label", "")).strip()[:20]
        minimum = _dec(entry.get("minimum"), f"bands[{i}]", errors)
        if not label:
            errors[f"bands[{i}]"] = "label required"
        if minimum is not None and label:
            bands.append(Band(label, minimum))
    if errors:
        raise RuleError(errors)
    return tuple(sorted(bands, key=lambda b: b.minimum, reverse=True))


def bands_to_json(bands: Sequence[Band]) -> list[dict[str, str]]:
    return [{"label": b.label, "minimum": str(b.minimum)} for b in bands]


def band_texts(bands: Sequence[Band]) -> list[str]:
    """The bands as a reader sees them: "优秀 ≥ 90" … and the last, which catches every total below the
    band above it, "不合格 < 60" (its own minimum plays no part, see ``band_for``)."""
    out = [f"{b.label} ≥ {b.minimum}" for b in bands]
    if len(bands) > 1:
        out[-1] = f"{bands[-1].label} < {bands[-2].minimum}"
    return out


def band_for(total: Decimal, bands: Sequence[Band]) -> str:
    """The label of the highest band whose minimum ``total`` reaches (the last band catches the rest)."""
    for band in bands:
        if total >= band.minimum:
            return band.label
    return bands[-1].label if bands else ""
