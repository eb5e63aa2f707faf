"""Forms of the bulletin pages (bounded; the services check again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.bulletins.models import Kind
from luoshi.core import bulletin_sections as bs
from luoshi.core.forms import DateInput
from luoshi.core.params import MAX_DATE, MIN_DATE
from luoshi.org.models import Unit


class NewBulletinForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("Issuing unit"), queryset=Unit.objects.none(), empty_label=None
    )
    as_of = forms.DateField(
        label=_("As of (the record at the end of this day)"),
        widget=DateInput(),
    )
    period_start = forms.DateField(
        label=_("Period from"), required=False, widget=DateInput(),
        help_text=_("Leave empty: the day after the last bulletin of this kind, or the usual span of the kind."),
    )  # fmt: skip
    subject = forms.CharField(label=_("Matter (special bulletins)"), max_length=120, required=False)
    text = forms.CharField(
        label=_("Text (special bulletins)"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    sections = forms.MultipleChoiceField(
        label=_("Sections of a special bulletin"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["sections"].choices = [(p.key, p.title) for p in bs.providers_for(bs.SPECIAL)]  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("as_of", timezone.localdate())

    def clean_as_of(self) -> Any:
        value = self.cleaned_data["as_of"]
        if not MIN_DATE <= value <= MAX_DATE:
            raise forms.ValidationError(_("Enter a date between 2000 and 2100."))
        return value


WEEKDAYS = [
    (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
    (5, _("Saturday")), (6, _("Sunday")),
]  # fmt: skip


class ScheduleForm(forms.Form):
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("Issuing unit"), queryset=Unit.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[(Kind.WEEKLY, Kind.WEEKLY.label), (Kind.MONTHLY, Kind.MONTHLY.label)]
    )
    weekday = forms.TypedChoiceField(
        label=_("Day of the week"), choices=WEEKDAYS, coerce=int, initial=0,
        help_text=_("Weekly bulletins: the draft covers the week up to the Sunday before. Monthly ones are made on "
                    "the 1st, for the month before."),
    )  # fmt: skip
    hour = forms.IntegerField(label=_("Hour"), min_value=0, max_value=23, initial=9, help_text=_("0 to 23"))
    is_active = forms.BooleanField(label=_("Active (untick to pause)"), required=False, initial=True)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
