"""Thin forms: they parse; the services decide (and their refusals are put back on the form)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.assessment.models import ItemKind, PeriodKindChoice, Post, SubjectType
from luoshi.assessment.rules import NoData, RuleKind, SectionKind
from luoshi.core import metrics
from luoshi.core.forms import MultipleFileField
from luoshi.core.validators import no_control_characters
from luoshi.org.models import Unit, UnitKind

SCORED_KINDS = [
    (UnitKind.TOWNSHIP, UnitKind.TOWNSHIP.label), (UnitKind.SUBDISTRICT, UnitKind.SUBDISTRICT.label),
    (UnitKind.DEPARTMENT, UnitKind.DEPARTMENT.label), (UnitKind.COMMUNITY, UnitKind.COMMUNITY.label),
    (UnitKind.VILLAGE, UnitKind.VILLAGE.label), (UnitKind.TASK_FORCE, UnitKind.TASK_FORCE.label),
]  # fmt: skip


class SchemeForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100, validators=[no_control_characters])
    owner = forms.ModelChoiceField(label=_("organising unit"), queryset=Unit.objects.none())
    subject_type = forms.ChoiceField(label=_("scored"), choices=SubjectType.choices)
    unit_kinds = forms.MultipleChoiceField(
        label=_("kinds of unit scored"), choices=SCORED_KINDS, required=False, widget=forms.CheckboxSelectMultiple
    )
    posts = forms.MultipleChoiceField(
        label=_("posts scored"), choices=Post.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    period_kind = forms.ChoiceField(label=_("period"), choices=PeriodKindChoice.choices)
    description = forms.CharField(
        label=_("description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        validators=[no_control_characters],
    )  # fmt: skip

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["owner"].queryset = units  # type: ignore[attr-defined]


class SectionForm(forms.Form):
    name = forms.CharField(label=_("section"), max_length=100, validators=[no_control_characters])
    kind = forms.ChoiceField(label=_("kind"), choices=[
        (SectionKind.BASE, _("Base points")), (SectionKind.BONUS, _("Bonus (加分)")),
        (SectionKind.DEDUCTION, _("Deduction (扣分)")),
    ])  # fmt: skip
    weight = forms.DecimalField(label=_("weight"), max_digits=6, decimal_places=2, min_value=0, initial=1)


def metric_choices(subject_kind: str) -> list[tuple[str, str]]:
    return [("", "—")] + [(m.key, f"{m.label}（{m.unit}）") for m in metrics.all_metrics(subject_kind)]


def param_choices(subject_kind: str) -> list[Any]:
    """The parameters of the metrics that take one, grouped by metric (each metric's ``choices()`` read once:
    build this once per page and hand it to every item form)."""
    groups: list[Any] = [("", "—")]
    for m in metrics.all_metrics(subject_kind):
        if m.param is not None:
            groups.append((f"{m.label} · {m.param.label}", [(c.value, c.label) for c in m.param.choices()]))
    return groups


class ItemForm(forms.Form):
    name = forms.CharField(label=_("item"), max_length=100, validators=[no_control_characters])
    kind = forms.ChoiceField(label=_("kind"), choices=ItemKind.choices)
    points = forms.DecimalField(label=_("points"), max_digits=7, decimal_places=2, min_value=0)
    weight = forms.DecimalField(label=_("weight"), max_digits=6, decimal_places=2, min_value=0, initial=1)
    metric_key = forms.ChoiceField(label=_("metric"), required=False)
    metric_param = forms.ChoiceField(
        label=_("metric parameter"),
        required=False,
        help_text=_("For the metrics that take one (a case stage, an indicator)."),
    )
    rule_kind = forms.ChoiceField(label=_("scoring rule"), required=False, choices=[
        ("", "—"), (RuleKind.LINEAR, _("Linear between two values")), (RuleKind.RANK, _("Points by rank")),
        (RuleKind.PER_EVENT, _("Per event, with a cap")), (RuleKind.GATE, _("Pass or fail")),
    ])  # fmt: skip
    rule_worst = forms.CharField(label=_("worst value (0 points)"), required=False, max_length=20)
    rule_best = forms.CharField(label=_("best value (full points)"), required=False, max_length=20)
    rule_table = forms.CharField(
        label=_("points by rank (1st, 2nd, …)"), required=False, max_length=1000,
        help_text=_("Comma-separated, e.g. 60, 57, 54"),
    )  # fmt: skip
    rule_rest = forms.CharField(label=_("points past the table"), required=False, max_length=20)
    rule_each = forms.CharField(label=_("points per event"), required=False, max_length=20)
    rule_cap = forms.CharField(label=_("at most"), required=False, max_length=20)
    rule_threshold = forms.CharField(label=_("pass mark"), required=False, max_length=20)
    rule_no_data = forms.ChoiceField(label=_("when there is nothing to measure"), required=False, choices=[
        (NoData.FULL, _("full points")), (NoData.ZERO, _("no points")),
    ])  # fmt: skip
    description = forms.CharField(
        label=_("how it is scored"), required=False, max_length=300, validators=[no_control_characters]
    )

    def __init__(self, *args: Any, subject_kind: str = "unit", params: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["metric_key"].choices = metric_choices(subject_kind)  # type: ignore[attr-defined]
        self.fields["metric_param"].choices = params if params is not None else param_choices(subject_kind)  # type: ignore[attr-defined]

    def rule(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "kind": d.get("rule_kind") or "", "worst": d.get("rule_worst"), "best": d.get("rule_best"),
            "table": d.get("rule_table") or "", "rest": d.get("rule_rest"), "each": d.get("rule_each"),
            "cap": d.get("rule_cap") or None, "threshold": d.get("rule_threshold"),
            "no_data": d.get("rule_no_data") or NoData.FULL,
        }  # fmt: skip


def item_initial(item: Any) -> dict[str, Any]:
    rule = item.rule or {}
    table = rule.get("table")
    return {
        "name": item.name, "kind": item.kind, "points": item.points, "weight": item.weight,
        "metric_key": item.metric_key, "metric_param": item.metric_param, "rule_kind": rule.get("kind", ""),
        "rule_worst": rule.get("worst", ""), "rule_best": rule.get("best", ""),
        "rule_table": ", ".join(table) if isinstance(table, list) else "", "rule_rest": rule.get("rest", ""),
        "rule_each": rule.get("each", ""), "rule_cap": rule.get("cap") or "",
        "rule_threshold": rule.get("threshold", ""), "rule_no_data": rule.get("no_data", NoData.FULL),
        "description": item.description,
    }  # fmt: skip


class ManualScoreForm(forms.Form):
    points = forms.DecimalField(label=_("points"), max_digits=7, decimal_places=2, min_value=0)
    reason = forms.CharField(
        label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        validators=[no_control_characters],
    )  # fmt: skip
    evidence = MultipleFileField(label=_("evidence"), required=False)


class AppealForm(forms.Form):
    item = forms.TypedChoiceField(label=_("item"), coerce=int)
    reason = forms.CharField(
        label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        validators=[no_control_characters],
    )  # fmt: skip
    evidence = MultipleFileField(label=_("evidence"), required=False)

    def __init__(self, *args: Any, items: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = items or []  # type: ignore[attr-defined]


class AppealDecisionForm(forms.Form):
    reply = forms.CharField(
        label=_("reply"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        validators=[no_control_characters],
    )  # fmt: skip
    corrected_points = forms.DecimalField(
        label=_("corrected points"), required=False, max_digits=7, decimal_places=2, min_value=0
    )
