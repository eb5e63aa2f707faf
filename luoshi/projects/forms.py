"""Forms parse and bound page input; the services validate and decide."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luoshi.accounts.types import Actor
from luoshi.core.forms import DateInput, MonthInput, MultipleFileField, MultipleFileInput
from luoshi.org.models import Person, Unit, UnitKind
from luoshi.org.scope import scope_for
from luoshi.projects.models import Enterprise, Kind, LeadSource, Level, ProblemKind, Project
from luoshi.projects.permissions import CREATORS, MANAGERS, enterprises_visible_to, projects_visible_to

DATE = DateInput()


class UnitField(forms.ModelChoiceField[Unit]):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} ({obj.code})"


class PersonField(forms.ModelChoiceField[Person]):
    def label_from_instance(self, obj: Person) -> str:
        return obj.name


class PeopleField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Person) -> str:
        return obj.name


def scoped_units(user: Actor, roles: frozenset[str] | None = None) -> QuerySet[Unit]:
    scope = scope_for(user)
    qs = Unit.objects.filter(is_active=True).exclude(kind=UnitKind.GRID)
    return qs if scope.is_all else qs.filter(scope.unit_q(roles=roles))


def scoped_people(user: Actor, *, leaders_only: bool = False) -> QuerySet[Person]:
    units = scoped_units(user)
    qs = Person.objects.filter(is_active=True, positions__unit__in=units.exclude(kind=UnitKind.GRID))
    if leaders_only:
        qs = qs.filter(positions__is_leader=True, positions__unit__kind__in=[
            UnitKind.DISTRICT, UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT,
        ])  # fmt: skip
    return qs.distinct().order_by("name", "id")


def money_field(label: Any, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, min_value=0, max_value=999999999, max_digits=14, decimal_places=2
    )


#: Most points an outline may have (the service's GeoJSON check allows 2,000 per ring).
MAX_OUTLINE_POINTS = 2000


def outline_text(polygon: Any) -> str:
    """A stored GeoJSON polygon as the form shows it: its outer ring, one "lng, lat" a line."""
    try:
        ring = polygon["coordinates"][0]
        return "\n".join(f"{pt[0]}, {pt[1]}" for pt in ring)
    except (TypeError, KeyError, IndexError):
        return ""


class OutlineField(forms.CharField):
    """An optional outline (polygon): pasted GeoJSON, or points one a line as "lng, lat" (a
    comma, a space or a tab between), drawn on the map of the form or pasted from a survey
    sheet. The ring is closed if it is not; every bad line is named."""

    widget = forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "data-outline": "1"})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 100_000)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        text = str(super().to_python(value) or "").strip()
        if not text:
            return None
        if text.startswith("{"):
            try:
                return json.loads(text)
            except ValueError:
                raise forms.ValidationError(_("The outline is not valid GeoJSON.")) from None
        points: list[list[float]] = []
        errors: list[str] = []
        for number, line in enumerate(re.split(r"[\n;]", text), start=1):
            line = line.strip().strip(",，").strip("[]()")
            if not line:
                continue
            parts = [p for p in re.split(r"[,，\s]+", line) if p]
            try:
                lng, lat = (float(p) for p in parts)
            except ValueError:
                errors.append(
                    _("Point %(n)d (“%(text)s”) is not a longitude and a latitude.") % {"n": number, "text": line[:40]}
                )
                continue
            if not (-180 <= lng <= 180 and -90 <= lat <= 90) or not (math.isfinite(lng) and math.isfinite(lat)):
                errors.append(
                    _("Point %(n)d (“%(text)s”) is out of range (longitude first).") % {"n": number, "text": line[:40]}
                )
                continue
            points.append([lng, lat])
        if errors:
            raise forms.ValidationError(errors[:20])
        if points and points[0] != points[-1]:
            points.append(list(points[0]))
        if len({tuple(p) for p in points}) < 3:
            raise forms.ValidationError(_("An outline needs at least three different points."))
        if len(points) > MAX_OUTLINE_POINTS:
            raise forms.ValidationError(_("An outline may have at most %(n)d points.") % {"n": MAX_OUTLINE_POINTS})
        return {"type": "Polygon", "coordinates": [points]}


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=120)
    kind = forms.ChoiceField(label=_("type"), choices=Kind.choices)
    levels = forms.MultipleChoiceField(
        label=_("levels"), choices=Level.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    unit = UnitField(label=_("lead unit"), queryset=Unit.objects.none())
    task_force = UnitField(label=_("task force"), queryset=Unit.objects.none(), required=False)
    liaison = PersonField(label=_("liaison"), queryset=Person.objects.none(), required=False)
    leaders = PeopleField(label=_("linked leaders"), queryset=Person.objects.none(), required=False)
    enterprise: forms.ModelChoiceField[Enterprise] = forms.ModelChoiceField(
        label=_("owner enterprise"), queryset=Enterprise.objects.none(), required=False
    )
    total_investment = money_field(_("total investment (万元)"))
    plan_year = forms.IntegerField(label=_("plan year"), min_value=2000, max_value=2100)
    annual_plan = money_field(_("annual planned investment (万元)"))
    output_value = money_field(_("output value after completion (万元)"), required=False)
    planned_start = forms.DateField(label=_("planned start"), required=False, widget=DATE)
    planned_finish = forms.DateField(label=_("planned finish"), required=False, widget=DATE)
    actual_start = forms.DateField(label=_("actual start"), required=False, widget=DATE)
    actual_finish = forms.DateField(label=_("actual finish"), required=False, widget=DATE)
    lat = forms.DecimalField(label=_("latitude"), required=False, min_value=-90, max_value=90, decimal_places=6)
    lng = forms.DecimalField(label=_("longitude"), required=False, min_value=-180, max_value=180, decimal_places=6)
    description = forms.CharField(label=_("description"), required=False, max_length=4000, widget=forms.Textarea)
    polygon = OutlineField(
        label=_("outline (optional)"),
        required=False,
        help_text=_("Click the corners on the map below, or paste them: one “longitude, latitude” a line, or GeoJSON."),
    )

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = scoped_units(user, CREATORS)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["task_force"].queryset = scoped_units(user).filter(kind=UnitKind.TASK_FORCE)  # type: ignore[attr-defined]
        self.fields["liaison"].queryset = scoped_people(user)  # type: ignore[attr-defined]
        self.fields["leaders"].queryset = scoped_people(user, leaders_only=True)  # type: ignore[attr-defined]
        self.fields["enterprise"].queryset = enterprises_visible_to(user).only("id", "name")  # type: ignore[attr-defined]


class StepForm(forms.Form):
    action = forms.CharField(max_length=20)
    comment = forms.CharField(label=_("reason"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1)


class InvestmentForm(forms.Form):
    month = forms.DateField(label=_("month"), widget=MonthInput(), input_formats=["%Y-%m", "%Y-%m-%d"])
    period = forms.TypedChoiceField(
        label=_("ten-day period"),
        coerce=int,
        initial=0,
        choices=[(0, _("whole month")), (1, _("first ten days")), (2, _("middle ten days")), (3, _("last ten days"))],
    )
    amount = money_field(_("amount (万元)"))
    note = forms.CharField(label=_("note"), required=False, max_length=200)


class ProgressForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=DATE, initial=dt.date.today)
    text = forms.CharField(
        label=_("what the site looks like now"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = MultipleFileField(
        label=_("photos (up to 9)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("milestone"), max_length=120)
    due_date = forms.DateField(label=_("due date"), widget=DATE)


class ProblemForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=ProblemKind.choices)
    title = forms.CharField(label=_("problem"), max_length=200)
    unit = UnitField(label=_("responsible unit"), queryset=Unit.objects.none())
    due_date = forms.DateField(label=_("time limit"), widget=DATE)
    description = forms.CharField(
        label=_("description"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scoped_units(user)  # type: ignore[attr-defined]


class ProblemTaskForm(forms.Form):
    responsible_leader = PersonField(label=_("responsible leader"), queryset=Person.objects.none())
    deadline = forms.DateField(label=_("deadline"), widget=DATE, required=False)
    target = forms.CharField(
        label=_("target"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    acceptance = forms.CharField(
        label=_("acceptance standard"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_leader"].queryset = scoped_people(user, leaders_only=True)  # type: ignore[attr-defined]


class SettleForm(forms.Form):
    comment = forms.CharField(label=_("how it was settled"), max_length=500)


class MeetingForm(forms.Form):
    unit = UnitField(label=_("unit"), queryset=Unit.objects.none())
    date = forms.DateField(label=_("date"), widget=DATE)
    title = forms.CharField(label=_("title"), max_length=120)
    chair = PersonField(label=_("chair"), queryset=Person.objects.none(), required=False)
    attendees = forms.CharField(
        label=_("attendees"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("projects discussed"), queryset=Project.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(
        label=pgettext_lazy("meeting", "notes"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, user: Actor, within: Unit | None = None, **kwargs: Any) -> None:
        """``within``: offer only the projects led in this unit's subtree (a district has thousands)."""
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scoped_units(user, MANAGERS)  # type: ignore[attr-defined]
        self.fields["chair"].queryset = scoped_people(user, leaders_only=True)  # type: ignore[attr-defined]
        projects = projects_visible_to(user)
        if within is not None:
            projects = projects.filter(unit__path__startswith=within.path)
        self.fields["projects"].queryset = projects.order_by("code").only("id", "code", "name")  # type: ignore[attr-defined]


class MeetingProblemForm(ProblemForm):
    project = forms.ModelChoiceField(label=_("project"), queryset=Project.objects.none())

    def __init__(self, *args: Any, user: Actor, meeting: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["project"].queryset = meeting.projects.all()  # type: ignore[attr-defined]
        self.order_fields(["project"])


class LeadForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=120)
    investor = forms.CharField(label=_("investor"), max_length=120, required=False)
    sector = forms.CharField(label=_("sector"), max_length=50, required=False)
    amount = money_field(_("intended investment (万元)"))
    source = forms.ChoiceField(label=_("source"), choices=LeadSource.choices)
    referrer = forms.ModelChoiceField(label=_("referred by"), queryset=Enterprise.objects.none(), required=False)
    unit = UnitField(label=_("unit"), queryset=Unit.objects.none())
    cadre = PersonField(label=_("cadre responsible"), queryset=Person.objects.none())
    found_on = forms.DateField(label=_("found on"), widget=DATE)
    note = forms.CharField(label=_("note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scoped_units(user)  # type: ignore[attr-defined]
        self.fields["cadre"].queryset = scoped_people(user)  # type: ignore[attr-defined]
        self.fields["referrer"].queryset = enterprises_visible_to(user).only("id", "name")  # type: ignore[attr-defined]


class LeadStepForm(forms.Form):
    action = forms.CharField(max_length=20)
    on = forms.DateField(label=_("on"), widget=DATE, required=False)
    comment = forms.CharField(label=_("reason"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1)


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    credit_code = forms.CharField(label=_("unified social credit code"), max_length=18, min_length=18)
    sector = forms.CharField(label=_("sector"), max_length=50, required=False)
    above_scale = forms.BooleanField(label=_("above designated size (规上)"), required=False)
    above_quota = forms.BooleanField(label=_("above quota (限上)"), required=False)
    unit = UnitField(label=_("unit"), queryset=Unit.objects.none())
    contact = PersonField(label=_("linked leader or cadre"), queryset=Person.objects.none(), required=False)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    lat = forms.DecimalField(label=_("latitude"), required=False, min_value=-90, max_value=90, decimal_places=6)
    lng = forms.DecimalField(label=_("longitude"), required=False, min_value=-180, max_value=180, decimal_places=6)

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scoped_units(user, CREATORS)  # type: ignore[attr-defined]
        self.fields["contact"].queryset = scoped_people(user)  # type: ignore[attr-defined]


class EnterpriseRequestForm(forms.Form):
    title = forms.CharField(label=_("request"), max_length=200)
    description = forms.CharField(
        label=_("description"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    contact_name = forms.CharField(label=_("contact person"), required=False, max_length=64)
    contact_phone = forms.CharField(label=_("contact phone"), required=False, max_length=32)
