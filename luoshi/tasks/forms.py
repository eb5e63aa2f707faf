"""Forms for the task pages: parse and validate shapes; the services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from luoshi.accounts.types import Actor
from luoshi.core import bounds
from luoshi.core.errors import LuoshiError
from luoshi.core.forms import DateInput, MultipleFileField
from luoshi.core.params import MAX_INT
from luoshi.org.models import Person, Unit, UnitKind
from luoshi.org.scope import scope_for
from luoshi.org.selectors import units_visible_to
from luoshi.tasks import selectors, services
from luoshi.tasks.models import Cadence, Category, Goal, Priority, Source
from luoshi.tasks.permissions import DISPATCHERS, goals_visible_to

DATE = DateInput()
FOR_DISPATCH = _("Needed to dispatch (交办); a draft may leave it empty.")


class UnitChoiceField(forms.ModelChoiceField[Unit]):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{'　' * max(0, obj.depth - 1)}{obj.name}"


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Unit) -> str:
        return f"{'　' * max(0, obj.depth - 1)}{obj.name}"


def dispatch_units(user: Actor) -> QuerySet[Unit]:
    """Units where ``user`` may create tasks: their supervisor/leader subtrees."""
    scope = scope_for(user)
    qs = Unit.objects.filter(is_active=True)
    if not scope.is_all:
        qs = qs.filter(scope.unit_q(roles=DISPATCHERS))
    return qs.exclude(kind=UnitKind.GRID).order_by("path")


class TaskForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=bounds.TEXT_MAX
    )
    source = forms.ChoiceField(label=_("source"), choices=Source.choices, initial=Source.HIGHER)
    goal = forms.ModelChoiceField(label=_("goal"), queryset=Goal.objects.none(), required=False)
    category = forms.ModelChoiceField(label=_("category"), queryset=Category.objects.none(), required=False)
    target = forms.CharField(
        label=_("target"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=bounds.TEXT_MAX,
        help_text=_("定目标: what must be achieved, with numbers where possible. Needed to dispatch (交办)."),
    )  # fmt: skip
    acceptance = forms.CharField(
        label=_("acceptance standard"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
        max_length=bounds.TEXT_MAX,
        help_text=_("How the reviewer will check that it is done (验收标准). Needed to dispatch (交办)."),
    )  # fmt: skip
    measures = forms.CharField(
        label=_("measures"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=bounds.TEXT_MAX
    )
    responsible_leader = forms.ModelChoiceField(
        label=_("responsible leader"), queryset=Person.objects.none(), required=False, help_text=FOR_DISPATCH
    )
    lead_unit = UnitChoiceField(label=_("lead unit"), queryset=Unit.objects.none())
    co_units = UnitMultipleChoiceField(
        label=_("co-units"), queryset=Unit.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )  # fmt: skip
    task_force = UnitChoiceField(label=_("task force"), queryset=Unit.objects.none(), required=False)
    start_date = forms.DateField(validators=[bounds.date_in_range], label=_("start date"), widget=DATE)
    deadline = forms.DateField(validators=[bounds.date_in_range], label=_("deadline"), widget=DATE)
    priority = forms.ChoiceField(label=_("priority"), choices=Priority.choices, initial=Priority.NORMAL)
    report_cadence = forms.ChoiceField(
        label=_("progress report cadence"), choices=Cadence.choices, initial=Cadence.WEEKLY
    )
    weight = forms.DecimalField(label=_("weight"), required=False, min_value=0, max_digits=6, decimal_places=2)
    attachments = MultipleFileField(
        label=_("attachments"), required=False, help_text=_("E.g. the assignment sheet (交办单) or the plan.")
    )
    version = forms.IntegerField(min_value=0, max_value=MAX_INT, widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Actor, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        visible = units_visible_to(user).filter(is_active=True).order_by("path")
        self.fields["lead_unit"].queryset = dispatch_units(user)  # type: ignore[attr-defined]
        self.fields["co_units"].queryset = visible.exclude(kind=UnitKind.GRID)  # type: ignore[attr-defined]
        self.fields["task_force"].queryset = visible.filter(kind=UnitKind.TASK_FORCE)  # type: ignore[attr-defined]
        self.fields["responsible_leader"].queryset = selectors.people_choices(user, leaders_only=True)  # type: ignore[attr-defined]
        goals = goals_visible_to(user).filter(is_active=True)
        self.fields["goal"].queryset = goals  # type: ignore[attr-defined]
        self.fields["category"].queryset = Category.objects.filter(goal__in=goals).select_related("goal")  # type: ignore[attr-defined]
        if editing:
            del self.fields["lead_unit"]
            del self.fields["attachments"]

    def clean_attachments(self) -> list[Any]:
        files = self.cleaned_data.get("attachments") or []
        for upload in files:
            try:
                services.validate_upload(upload)
            except LuoshiError as exc:
                raise forms.ValidationError(str(exc.message)) from exc
        return list(files)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, deadline = data.get("start_date"), data.get("deadline")
        if start and deadline and deadline < start:
            self.add_error("deadline", _("The deadline cannot be before the start date."))
        return data


class TransitionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=bounds.TEXT_MAX
    )
    new_deadline = forms.DateField(
        validators=[bounds.date_in_range], label=_("new deadline"), widget=DATE, required=False
    )
    version = forms.IntegerField(min_value=0, max_value=MAX_INT, widget=forms.HiddenInput, required=False)
    #: Evidence for submitting, signing off or returning (the service checks what and how many).
    attachments = MultipleFileField(label=_("attachments"), required=False)


class ProgressForm(forms.Form):
    percent = forms.IntegerField(label=_("percent complete"), min_value=0, max_value=100)
    text = forms.CharField(
        label=_("what has been done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=bounds.TEXT_MAX
    )
    reported_on = forms.DateField(validators=[bounds.date_in_range], label=_("date"), widget=DATE, required=False)
    attachments = MultipleFileField(label=_("attachments"), required=False)


class ReminderForm(forms.Form):
    comment = forms.CharField(
        label=_("message"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=bounds.TEXT_MAX
    )


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("milestone"), max_length=200)
    due_date = forms.DateField(validators=[bounds.date_in_range], label=_("due date"), widget=DATE)


class AttachmentForm(forms.Form):
    attachments = MultipleFileField(label=_("attachments"))


class GoalForm(forms.Form):
    owner_unit = UnitChoiceField(label=_("owner unit"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=bounds.TEXT_MAX
    )
    weight = forms.DecimalField(label=_("assessment weight"), min_value=0, max_digits=6, decimal_places=2, initial=0)
    assessment = forms.CharField(
        label=_("assessment rule"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=bounds.TEXT_MAX
    )

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = dispatch_units(user).exclude(kind=UnitKind.TASK_FORCE)  # type: ignore[attr-defined]


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    code = forms.CharField(label=_("code"), max_length=20, required=False)
    parent = forms.ModelChoiceField(label=_("parent category"), queryset=Category.objects.none(), required=False)
    weight = forms.DecimalField(label=_("weight"), required=False, min_value=0, max_digits=6, decimal_places=2)

    def __init__(self, *args: Any, goal: Goal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Category.objects.filter(goal=goal, parent__isnull=True)  # type: ignore[attr-defined]


class InspectionForm(forms.Form):
    unit = UnitChoiceField(label=_("inspected unit"), queryset=Unit.objects.none())
    date = forms.DateField(validators=[bounds.date_in_range], label=_("date"), widget=DATE)
    place = forms.CharField(label=_("place"), max_length=200)
    unannounced = forms.BooleanField(
        label=_("unannounced (四不两直)"), required=False, initial=True,
        help_text=_("No notice, no escort, straight to the site and the people."),
    )  # fmt: skip
    inspectors = forms.ModelMultipleChoiceField(
        label=_("inspectors"), queryset=Person.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )  # fmt: skip
    summary = forms.CharField(
        label=_("summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=bounds.TEXT_MAX
    )
    findings = forms.CharField(
        label=_("findings"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
        help_text=_("One problem per line; each can become a rectification task."), max_length=bounds.TEXT_MAX,
    )  # fmt: skip

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = dispatch_units(user)  # type: ignore[attr-defined]
        self.fields["inspectors"].queryset = selectors.people_choices(user)  # type: ignore[attr-defined]


class FindingForm(forms.Form):
    description = forms.CharField(
        label=_("finding"), widget=forms.Textarea(attrs={"rows": 2}), max_length=bounds.TEXT_MAX
    )


class FindingTaskForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200, required=False)
    lead_unit = UnitChoiceField(label=_("lead unit"), queryset=Unit.objects.none())
    responsible_leader = forms.ModelChoiceField(label=_("responsible leader"), queryset=Person.objects.none())
    deadline = forms.DateField(validators=[bounds.date_in_range], label=_("deadline"), widget=DATE)

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = dispatch_units(user)  # type: ignore[attr-defined]
        self.fields["responsible_leader"].queryset = selectors.people_choices(user, leaders_only=True)  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
