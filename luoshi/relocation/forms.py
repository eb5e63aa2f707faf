"""Forms for the campaign pages: parse and bound the input; the services decide the rest."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from luoshi.accounts.types import Actor
from luoshi.core import links
from luoshi.core.forms import DateInput
from luoshi.org.models import Person, Unit, UnitKind
from luoshi.org.scope import scope_for
from luoshi.relocation.models import (
    MAX_AREA,
    MAX_MONEY,
    CampaignKind,
    HouseholdKind,
    Parcel,
    RelocationChoice,
)
from luoshi.relocation.permissions import COMMANDERS
from luoshi.relocation.selectors import MAX_CADRE_CHOICES, cadre_choices

DATE = DateInput()


def _area(label: Any, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, min_value=Decimal("0"), max_value=MAX_AREA, max_digits=10, decimal_places=2
    )


def _money(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=Decimal("0"), max_value=MAX_MONEY, max_digits=14, decimal_places=2
    )


class UnitChoiceField(forms.ModelChoiceField[Unit]):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{'　' * max(0, obj.depth - 1)}{obj.name}"


def command_townships(user: Actor) -> QuerySet[Unit]:
    """Townships and subdistricts where ``user`` may start a campaign."""
    scope = scope_for(user)
    qs = Unit.objects.filter(is_active=True, kind__in=[UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT])
    if not scope.is_all:
        qs = qs.filter(scope.unit_q(roles=COMMANDERS))
    return qs.order_by("path")


def team_units(user: Actor) -> QuerySet[Unit]:
    """Units that can keep a ledger: townships themselves, their departments and task forces."""
    scope = scope_for(user)
    qs = Unit.objects.filter(
        is_active=True,
        kind__in=[UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT, UnitKind.DEPARTMENT, UnitKind.TASK_FORCE],
    )
    if not scope.is_all:
        qs = qs.filter(scope.unit_q(roles=COMMANDERS))
    return qs.order_by("path")


class CampaignForm(forms.Form):
    code = forms.CharField(
        label=_("code"),
        max_length=24,
        help_text=_("Letters, digits and hyphens, e.g. CD-DX4; used in the public page's address."),
    )
    name = forms.CharField(label=_("name"), max_length=100)
    kind = forms.ChoiceField(label=_("kind"), choices=CampaignKind.choices)
    unit = UnitChoiceField(label=_("township or subdistrict"), queryset=Unit.objects.none())
    team = UnitChoiceField(
        label=_("task force"),
        queryset=Unit.objects.none(),
        help_text=_("The unit whose staff keep the household ledger (e.g. 征迁工作组); it lies in the township."),
    )
    launched_on = forms.DateField(label=_("launched on"), widget=DATE)
    signing_starts_on = forms.DateField(label=_("signing starts on"), widget=DATE)
    signing_deadline = forms.DateField(label=_("signing deadline"), widget=DATE)
    clearance_deadline = forms.DateField(label=_("cleared land due by"), widget=DATE)
    description = forms.CharField(
        label=_("description"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    compensation_standard = forms.CharField(
        label=_("published compensation standard"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The standard as published to residents; shown on the public page."),
    )
    is_public = forms.BooleanField(
        label=_("Publish the public page (阳光征迁): totals and the standard, no personal data"), required=False
    )
    project_id = forms.TypedChoiceField(
        label=_("key project"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("The key project this campaign clears land for; its problems to coordinate are kept there."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Actor, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = command_townships(user)  # type: ignore[attr-defined]
        self.fields["team"].queryset = team_units(user)  # type: ignore[attr-defined]
        projects = links.project_choices(user, limit=500)
        current = self.initial.get("project_id")
        if current and all(p.id != current for p in projects):
            projects += list(links.project_refs([current]).values())
        if projects:
            self.fields["project_id"].choices = [("", "—"), *((p.id, f"{p.code} {p.name}") for p in projects)]  # type: ignore[attr-defined]
        else:  # no key projects to link (or the projects app is not installed)
            del self.fields["project_id"]
        if editing:
            for name in ("code", "unit"):
                self.fields[name].disabled = True
                self.fields[name].required = False


class ParcelForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    land_area = forms.DecimalField(
        label=_("parcel area (m²)"),
        required=False,
        min_value=Decimal("0"),
        max_value=MAX_AREA,
        max_digits=12,
        decimal_places=2,
    )
    lat = forms.DecimalField(label=_("latitude"), required=False, min_value=-90, max_value=90, decimal_places=6)
    lng = forms.DecimalField(label=_("longitude"), required=False, min_value=-180, max_value=180, decimal_places=6)
    transferred_on = forms.DateField(
        label=_("land transferred on"),
        required=False,
        widget=DATE,
        help_text=_("The date the cleared land was sold (出让)."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class HouseholdForm(forms.Form):
    number = forms.CharField(
        label=_("number"), max_length=32, help_text=_("The ledger number (宗号), unique in a campaign.")
    )
    parcel = forms.ModelChoiceField(label=_("parcel"), queryset=Parcel.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("kind"), choices=HouseholdKind.choices)
    owner_name = forms.CharField(label=_("owner"), max_length=64)
    owner_id_no = forms.CharField(label=_("owner's ID number"), max_length=18, required=False)
    phone = forms.CharField(label=_("phone"), max_length=32, required=False)
    address = forms.CharField(label=_("house location"), max_length=200, required=False)
    house_area = _area(_("house area (m²)"), required=True)
    land_area = _area(_("land area (m²)"))
    signed_on = forms.DateField(label=_("signed on"), required=False, widget=DATE)
    compensation_agreed = _money(_("compensation agreed (yuan)"))
    compensation_paid = _money(_("compensation paid (yuan)"))
    relocation_choice = forms.ChoiceField(
        label=_("relocation choice"), choices=RelocationChoice.choices, required=False
    )
    vacated_on = forms.DateField(label=_("vacated on"), required=False, widget=DATE)
    demolished_on = forms.DateField(label=_("demolished on"), required=False, widget=DATE)
    note = forms.CharField(label=_("note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    cadre = forms.ModelChoiceField(
        label=_("responsible cadre (包户干部)"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("The people of the township, those on the land acquisition post (征迁岗) first."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, campaign: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parcel"].queryset = Parcel.objects.filter(campaign=campaign)  # type: ignore[attr-defined]
        offered = list(cadre_choices(campaign).values_list("pk", flat=True)[:MAX_CADRE_CHOICES])
        self.fields["cadre"].queryset = cadre_choices(campaign).filter(pk__in=offered)  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        data["land_area"] = data.get("land_area") or Decimal("0")
        data["compensation_paid"] = data.get("compensation_paid") or Decimal("0")
        data["relocation_choice"] = data.get("relocation_choice") or ""
        return data


class StepForm(forms.Form):
    """One step recorded on site (phone layout): signing with its terms, vacating, demolition, a payment."""

    STEPS = ("sign", "vacate", "demolish", "pay")

    step = forms.ChoiceField(choices=[(s, s) for s in STEPS], widget=forms.HiddenInput)
    on = forms.DateField(label=_("date"), required=False, widget=DATE)
    compensation_agreed = _money(_("compensation agreed (yuan)"))
    relocation_choice = forms.ChoiceField(
        label=_("relocation choice"), choices=RelocationChoice.choices, required=False
    )
    compensation_paid = _money(_("compensation paid in all (yuan)"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def values(self) -> dict[str, Any]:
        """The ledger fields this step sets."""
        d = self.cleaned_data
        step = d["step"]
        if step == "sign":
            out: dict[str, Any] = {"signed_on": d.get("on")}
            if d.get("compensation_agreed") is not None:
                out["compensation_agreed"] = d["compensation_agreed"]
            if d.get("relocation_choice"):
                out["relocation_choice"] = d["relocation_choice"]
            return out
        if step == "vacate":
            return {"vacated_on": d.get("on")}
        if step == "demolish":
            return {"demolished_on": d.get("on")}
        return {"compensation_paid": d.get("compensation_paid") or Decimal("0")}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("step") in ("sign", "vacate", "demolish") and not data.get("on"):
            self.add_error("on", _("Enter the date."))
        if data.get("step") == "pay" and data.get("compensation_paid") is None:
            self.add_error("compensation_paid", _("Enter the amount paid so far."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("The ledger's columns, as in the template or an export; at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
