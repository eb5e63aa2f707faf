from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.indicators.models import Indicator
from luoshi.indicators.services import CATALOGUE_FIELDS
from luoshi.org.models import Unit, UnitKind

MONTH_CHOICES = [(m, _("month %(m)d") % {"m": m}) for m in range(1, 13)]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
    year = forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100, required=False, help_text=_("If the file does not say it.")
    )
    month = forms.TypedChoiceField(
        label=_("Month"),
        choices=[("", "—"), *MONTH_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("If the file does not say it. Cumulative figures run from January to this month."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an .xlsx file (Excel 2007 or later)."))
        if upload.size > 50 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


class ParseForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    month = forms.TypedChoiceField(
        label=_("Month"),
        choices=[("", "—"), *MONTH_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Used for figures whose period the text does not name."),
    )
    text = forms.CharField(
        label=_("Scorecard text"),
        widget=forms.Textarea(attrs={"rows": 12, "data-testid": "parse-text"}),
        max_length=1_000_000,
        help_text=_("Simplified or traditional Chinese; pinyin after the characters is removed."),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class IndicatorForm(forms.ModelForm[Indicator]):
    """The catalogue entry of one indicator, edited by an administrator."""

    aliases_text = forms.CharField(
        label=_("Other names"),
        required=False,
        help_text=_("Separated by commas or 、, e.g. 规上服务业, 规上服务业营收."),
    )
    unit_kinds = forms.MultipleChoiceField(
        label=_("Reported by"),
        choices=UnitKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The kinds of unit that report this indicator."),
    )

    class Meta:
        model = Indicator
        # The catalogue's fields (services.CATALOGUE_FIELDS); other names are edited as one text.
        fields = [name for name in CATALOGUE_FIELDS if name != "aliases"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["aliases_text"].initial = "、".join(self.instance.aliases or [])
            # The code names the indicator in templates, imports and the API: fixed once created.
            self.fields["code"].disabled = True
        order = [*self.Meta.fields[:3], "aliases_text", *self.Meta.fields[3:]]
        self.order_fields(order)

    def clean_aliases_text(self) -> list[str]:
        raw = self.cleaned_data.get("aliases_text") or ""
        names: list[str] = []
        for part in re.split(r"[,，、;；\n]+", raw):
            name = part.strip()
            if name and name not in names:
                names.append(name)
        return names
