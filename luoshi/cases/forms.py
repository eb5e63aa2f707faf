"""Forms for the case pages. They only parse and check shapes; rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.cases.models import (
    CaseKind,
    Channel,
    DailyKind,
    KeyPersonClass,
    RiskLevel,
    VisitMethod,
)
from luoshi.cases.selectors import categories_for_intake
from luoshi.cases.standards import TOWNSHIP_KINDS
from luoshi.core import bounds, uploads
from luoshi.core.forms import DateInput, MultipleFileField, MultipleFileInput
from luoshi.core.params import MAX_INT
from luoshi.org.models import Unit

STAFF_CHANNELS = [Channel.HOTLINE, Channel.VISIT, Channel.LETTER, Channel.STAFF, Channel.GRID]


#: Photos and PDFs: what the phone's picker offers first (the server checks the content anyway).
PHOTO_ACCEPT = {"accept": "image/*,application/pdf"}


def photo_field(label: Any, help_text: Any = "") -> MultipleFileField:
    """Several photos or PDFs in one field (core's multiple-file field), none required."""
    return MultipleFileField(
        label=label, required=False, help_text=help_text, widget=MultipleFileInput(attrs=PHOTO_ACCEPT)
    )


def category_choices(*, public: bool = False) -> list[tuple[str, Any]]:
    choices: list[tuple[str, Any]] = [("", _("Choose a category"))]
    for major in categories_for_intake(public=public):
        choices.append((major.name, [(str(c.pk), c.name) for c in major.active_children]))  # type: ignore[attr-defined]
    return choices


def unit_choices(units: list[Unit]) -> list[tuple[str, Any]]:
    return [("", _("Choose the place"))] + [(str(u.pk), "　" * max(0, u.depth - 1) + u.name) for u in units]


def grouped_place_choices(units: list[Unit]) -> list[tuple[str, Any]]:
    """Places grouped by township (``<optgroup>``): each township's group starts with the
    township itself (for a resident who does not know the community), then its communities
    and villages. ``units`` come in tree (path) order."""
    choices: list[tuple[str, Any]] = [("", _("Choose the place"))]
    groups: dict[int, list[tuple[str, str]]] = {}
    for unit in units:
        if unit.kind in TOWNSHIP_KINDS:
            options = [(str(unit.pk), _("%(name)s (not sure which community)") % {"name": unit.name})]
            groups[unit.pk] = options
            choices.append((unit.name, options))
            continue
        township_id = next((pk for pk in reversed(unit.ancestor_ids) if pk in groups), None)
        if township_id is None:
            choices.append((str(unit.pk), unit.name))
        else:
            groups[township_id].append((str(unit.pk), unit.name))
    return choices


class _PlaceForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"))
    unit = forms.ChoiceField(label=_("Where it happened"))
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    address = forms.CharField(label=_("Address or landmark"), max_length=255, required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180, widget=forms.HiddenInput
    )
    photos = photo_field(_("Photos"))
    kept = forms.CharField(required=False, widget=forms.HiddenInput)  # photos kept from a failed submit

    def __init__(self, *args: Any, units: list[Unit], public: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices(public=public)  # type: ignore[attr-defined]
        self.fields["unit"].choices = unit_choices(units)  # type: ignore[attr-defined]
        self.units = {str(u.pk): u for u in units}

    def clean_unit(self) -> Unit:
        unit = self.units.get(self.cleaned_data["unit"])
        if unit is None:
            raise forms.ValidationError(_("Choose the place."))
        return unit

    def kept_tokens(self) -> list[str]:
        raw = self.data.get("kept", "") if hasattr(self.data, "get") else ""
        return [t for t in str(raw).split(",") if t.strip()][:10]


# A phone number field: phones show the number pad; the input stays text for Django's length checks.
TEL = {"type": "tel", "inputmode": "tel"}


class StaffIntakeForm(_PlaceForm):
    """A hotline call, a visit, a letter or a petition entered by staff."""

    kind = forms.ChoiceField(label=_("Kind"), choices=CaseKind.choices, initial=CaseKind.REQUEST)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[(c.value, c.label) for c in STAFF_CHANNELS], initial=Channel.HOTLINE
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False, help_text=_("Optional; a short summary."))
    reporter_name = forms.CharField(label=_("Reporter"), max_length=64, required=False)
    reporter_phone = forms.CharField(label=_("Phone"), max_length=32, required=False, widget=forms.TextInput(TEL))
    reporter_id_no = forms.CharField(label=_("ID number"), max_length=18, required=False)
    is_anonymous = forms.BooleanField(label=_("The reporter asks to stay anonymous"), required=False)
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    field_order = [
        "kind", "channel", "category", "unit", "title", "description", "address",
        "reporter_name", "reporter_phone", "reporter_id_no", "is_anonymous", "urgent", "photos",
    ]  # fmt: skip


class GridReportForm(_PlaceForm):
    """The grid worker's phone form: what, where (with the phone's location), a photo."""

    reporter_name = forms.CharField(label=_("Resident's name (if a resident told you)"), max_length=64, required=False)
    reporter_phone = forms.CharField(
        label=_("Resident's phone"), max_length=32, required=False, widget=forms.TextInput(TEL)
    )
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    field_order = ["category", "unit", "description", "address", "photos", "reporter_name", "reporter_phone", "urgent"]


class PublicReportForm(_PlaceForm):
    """The resident's form: no account; contact data goes to the office only. The places are
    grouped by township, so a resident finds their community without scrolling a district."""

    reporter_name = forms.CharField(
        label=_("Your name"), max_length=64, required=False, widget=forms.TextInput({"autocomplete": "name"})
    )
    reporter_phone = forms.CharField(
        label=_("Your phone"),
        max_length=32,
        help_text=_("So that the office can call you back. Never shown publicly."),
        widget=forms.TextInput({**TEL, "autocomplete": "tel"}),
    )
    is_anonymous = forms.BooleanField(label=_("Keep my name from the handling unit"), required=False)
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))
    field_order = ["category", "unit", "description", "address", "photos", "reporter_name", "reporter_phone"]

    def __init__(self, *args: Any, units: list[Unit], public: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, units=units, public=public, **kwargs)
        self.fields["unit"].choices = grouped_place_choices(units)  # type: ignore[attr-defined]

    def clean_reporter_phone(self) -> str:
        phone = "".join(ch for ch in self.cleaned_data["reporter_phone"] if ch.isdigit() or ch == "-")
        if len(phone.replace("-", "")) < 7:
            raise forms.ValidationError(_("Please enter a phone number we can call."))
        return phone


class TrackForm(forms.Form):
    tracking_no = forms.CharField(label=_("Tracking number"), max_length=32)


class PublicRateForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("How satisfied are you with the result?"),
        choices=[("satisfied", _("Satisfied")), ("basic", _("Basically satisfied")), ("unsatisfied", _("Unsatisfied"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=bounds.TEXT_MAX
    )


class KeyPersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=64)
    id_no = forms.CharField(label=_("ID number"), max_length=18, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    unit = forms.ChoiceField(label=_("Community or grid"))
    classification = forms.ChoiceField(label=_("Classification"), choices=KeyPersonClass.choices)
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices, initial=RiskLevel.MEDIUM)
    cadre = forms.ChoiceField(label=_("Responsible cadre (包保责任人)"), required=False)
    background = forms.CharField(
        label=_("Background"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=bounds.TEXT_MAX
    )
    version = forms.IntegerField(min_value=0, max_value=MAX_INT, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, units: list[Unit], cadres: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = unit_choices(units)  # type: ignore[attr-defined]
        self.fields["cadre"].choices = [("", "—"), *cadres]  # type: ignore[attr-defined]
        self.units = {str(u.pk): u for u in units}

    def clean_unit(self) -> Unit:
        unit = self.units.get(self.cleaned_data["unit"])
        if unit is None:
            raise forms.ValidationError(_("Choose the place."))
        return unit


class KeyPersonVisitForm(forms.Form):
    visited_on = forms.DateField(
        validators=[bounds.date_in_range],
        label=_("Date"),
        widget=DateInput(),
    )
    method = forms.ChoiceField(label=_("Method"), choices=VisitMethod.choices, initial=VisitMethod.VISIT)
    content = forms.CharField(
        label=_("What was found"), widget=forms.Textarea(attrs={"rows": 3}), max_length=bounds.TEXT_MAX
    )
    risk_level = forms.ChoiceField(label=_("Risk level after"), choices=[("", "—"), *RiskLevel.choices], required=False)
    next_step = forms.CharField(label=_("Next step"), max_length=300, required=False)


class DailyReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=DailyKind.choices, widget=forms.HiddenInput)
    unit = forms.ChoiceField(label=_("Unit"))
    nothing_to_report = forms.BooleanField(label=_("Nothing unusual today"), required=False)
    issues_found = forms.IntegerField(label=_("Issues found"), min_value=0, max_value=999, initial=0, required=False)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=bounds.TEXT_MAX
    )

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(str(u.pk), u.name) for u in units]  # type: ignore[attr-defined]
        self.units = {str(u.pk): u for u in units}

    def clean_unit(self) -> Unit:
        unit = self.units.get(self.cleaned_data["unit"])
        if unit is None:
            raise forms.ValidationError(_("Choose the unit."))
        return unit

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("nothing_to_report") and not (data.get("summary") or "").strip():
            raise forms.ValidationError(_("Write a summary, or tick “nothing unusual today”."))
        return data


class EvidenceForm(forms.Form):
    """Photos or files sent with a workflow step, shown on the timeline beside it (issue 14).

    ``prefix`` is the action, so each action's form on the case page has its own field names.
    Closing on the spot asks for photos before (optional when the report had some) and after.
    """

    photos = photo_field(_("Photos or files"))

    LABELS: dict[str, Any] = {
        "reply": _("Photos of the result"),
        "verify": _("Photos of the check on site"),
        "send_back": _("Photos of what is still wrong"),
        "handle_on_spot": _("Photos after handling (处置后)"),
    }

    def __init__(self, *args: Any, action: str, **kwargs: Any) -> None:
        kwargs["prefix"] = action
        super().__init__(*args, **kwargs)
        self.fields["photos"].label = self.LABELS.get(action, _("Photos or files"))
        self.fields["photos"].help_text = _("Up to %(n)d photos or PDFs, %(mb)d MB each.") % {
            "n": uploads.MAX_FILES_PER_STEP,
            "mb": uploads.max_attachment_bytes() // uploads.MB,
        }
        if action == "handle_on_spot":
            self.fields["before"] = photo_field(
                _("Photos before handling (处置前)"), _("Not needed when the report already has photos of the scene.")
            )
