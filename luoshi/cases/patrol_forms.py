"""Forms of the patrol pages (走访巡查). They only parse and check shapes; the bounds live in
:mod:`luoshi.cases.services.patrols`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luoshi.cases.forms import photo_field
from luoshi.cases.models import KeyPerson, PatrolKind, PatrolOutcome
from luoshi.cases.services.patrols import BACKFILL_DAYS, FINDINGS_MAX, PLACES_MAX
from luoshi.core import bounds, uploads
from luoshi.core.forms import DateInput
from luoshi.org.models import Unit


class TimeInput(forms.TimeInput):
    """``<input type="time">`` with an ``HH:MM`` value (the only format browsers take)."""

    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


class PatrolForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=PatrolKind.choices, initial=PatrolKind.PATROL, widget=forms.RadioSelect
    )
    grid = forms.ChoiceField(label=_("Grid"))
    patrol_date = forms.DateField(label=_("Date"), validators=[bounds.date_in_range], widget=DateInput())
    started_at = forms.TimeField(label=_("Start time"), widget=TimeInput())
    ended_at = forms.TimeField(label=_("End time"), required=False, widget=TimeInput())
    places = forms.CharField(
        label=_("Places or households"),
        max_length=PLACES_MAX,
        help_text=_("Streets, buildings, shops or households, e.g. 3号楼 2单元 201."),
    )
    key_person = forms.ChoiceField(label=_("Key person visited"), required=False)
    findings = forms.CharField(
        label=pgettext_lazy("patrol", "Findings"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=FINDINGS_MAX,
        required=False,
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=PatrolOutcome.choices, initial=PatrolOutcome.NOTHING, widget=forms.RadioSelect
    )
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180, widget=forms.HiddenInput
    )
    photos = photo_field(_("Photos"))
    kept = forms.CharField(required=False, widget=forms.HiddenInput)  # photos kept from a refused attempt

    def __init__(
        self, *args: Any, grids: list[Unit], key_persons: list[KeyPerson], today: dt.date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.grids = {str(g.pk): g for g in grids}
        self.key_persons = {str(k.pk): k for k in key_persons}
        self.fields["grid"].choices = [(str(g.pk), g.name) for g in grids]  # type: ignore[attr-defined]
        if key_persons:
            self.fields["key_person"].choices = [("", "—"), *((str(k.pk), k.name) for k in key_persons)]  # type: ignore[attr-defined]
        else:
            del self.fields["key_person"]  # only for those who may open the restricted registry
        earliest = today - dt.timedelta(days=BACKFILL_DAYS)
        self.fields["patrol_date"].widget.attrs.update({"min": earliest.isoformat(), "max": today.isoformat()})
        self.fields["patrol_date"].help_text = _("Today or up to %(days)d days back.") % {"days": BACKFILL_DAYS}
        self.fields["findings"].help_text = _("Required when something was handled or reported.")
        self.fields["photos"].help_text = _("Up to %(n)d photos or PDFs, %(mb)d MB each.") % {
            "n": uploads.MAX_FILES_PER_STEP,
            "mb": uploads.max_attachment_bytes() // uploads.MB,
        }

    def clean_grid(self) -> Unit:
        grid = self.grids.get(self.cleaned_data["grid"])
        if grid is None:
            raise forms.ValidationError(_("Choose a grid."))
        return grid

    def clean_key_person(self) -> KeyPerson | None:
        value = self.cleaned_data.get("key_person") or ""
        if not value:
            return None
        kp = self.key_persons.get(value)
        if kp is None:
            raise forms.ValidationError(_("Choose a key person from the list."))
        return kp

    def kept_tokens(self) -> list[str]:
        raw = self.data.get("kept", "") if hasattr(self.data, "get") else ""
        return [t for t in str(raw).split(",") if t.strip()][: uploads.MAX_FILES_PER_STEP]


class PatrolFilterForm(forms.Form):
    """The overseers' filters: grid, recorder, dates (GET)."""

    grid = forms.ChoiceField(label=_("Grid"), required=False)
    recorder = forms.ChoiceField(label=_("Recorded by"), required=False)
    date_from = forms.DateField(
        label=_("Date from"), required=False, validators=[bounds.date_in_range], widget=DateInput()
    )
    date_to = forms.DateField(label=_("Date to"), required=False, validators=[bounds.date_in_range], widget=DateInput())

    def __init__(self, *args: Any, grids: list[Unit], recorders: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.grids = {str(g.pk): g for g in grids}
        self.fields["grid"].choices = [("", _("All grids")), *((str(g.pk), g.name) for g in grids)]  # type: ignore[attr-defined]
        self.fields["recorder"].choices = [("", _("Everyone")), *((str(pk), name) for pk, name in recorders)]  # type: ignore[attr-defined]
