from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.core import bounds
from luoshi.core.params import MAX_INT
from luoshi.org.models import Post, Role, UnitKind


class UnitForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    kind = forms.ChoiceField(label=_("kind"), choices=UnitKind.choices)
    code = forms.CharField(
        label=_("short code"), max_length=12, help_text=_("2 to 12 capital letters or digits, e.g. CD01.")
    )
    division_code = forms.CharField(
        label=_("division code"),
        max_length=12,
        required=False,
        help_text=_("Optional. 12 digits: county (6) + township (3) + community or village (3)."),
    )
    sort_order = forms.IntegerField(
        label=_("order"), initial=0, required=False, min_value=-bounds.SORT_ORDER_MAX, max_value=bounds.SORT_ORDER_MAX
    )
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea, required=False, max_length=bounds.TEXT_MAX
    )
    version = forms.IntegerField(min_value=0, max_value=MAX_INT, widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, kinds: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [(k, label) for k, label in UnitKind.choices if k in kinds]  # type: ignore[attr-defined]


class PersonForm(forms.Form):
    name = forms.CharField(label=_("full name"), max_length=64)
    title = forms.CharField(label=_("job title"), max_length=64, help_text=_("e.g. 网格员, 专职工作者, 党工委书记"))
    is_leader = forms.BooleanField(label=_("leader post"), required=False)
    post = forms.ChoiceField(
        label=_("front-line post"),
        choices=[("", "—"), *Post.choices],
        required=False,
        help_text=_("招商岗, 征迁岗 or 项目岗: cadre assessment schemes score the people on these posts."),
    )
    phone = forms.CharField(label=_("phone"), max_length=32, required=False)


class RoleGrantForm(forms.Form):
    username = forms.CharField(label=_("user name"), max_length=150)
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)


class PersonEditForm(forms.Form):
    name = forms.CharField(label=_("full name"), max_length=64)
    phone = forms.CharField(label=_("phone"), max_length=32, required=False)
    note = forms.CharField(label=_("note"), widget=forms.Textarea, required=False, max_length=bounds.TEXT_MAX)
