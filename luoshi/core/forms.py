"""Form pieces every app uses: a service's refusal shown on the form, ISO date inputs, several files."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from django import forms
from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy

from luoshi.core.errors import LuoshiError


class FormRenderer(DjangoTemplates):
    """Every ``{{ form }}`` / ``form.as_div``: each field's errors right under its box (Django puts
    them between the label and the box). Set as ``FORM_RENDERER``."""

    field_template_name = "core/form_field.html"


#: Django writes ``_(":")`` after every form label, and its own zh-Hans catalogue leaves it half-width
#: ("日期:"). This string puts it in core's catalogue, which comes first, as the full-width "：".
LABEL_SUFFIX = gettext_lazy(":")


def apply_error(form: forms.BaseForm, exc: LuoshiError, *, fields: dict[str, str] | None = None) -> None:
    """Put ``exc`` on ``form``: each entry of ``exc.details`` ({field: [messages]}) under its field,
    the message at the top of the form when no detail names one of the form's fields.

    ``fields`` maps a service's field name to the form's where they differ
    (e.g. ``{"handling_unit": "unit"}``).
    """
    details: Any = exc.details if isinstance(exc.details, dict) else {}
    rename = fields or {}
    placed = False
    for name, errors in details.items():
        target = rename.get(name, name)
        if target in form.fields:
            for error in errors if isinstance(errors, list | tuple) else [errors]:
                form.add_error(target, str(error))
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file input that takes several files; ``cleaned_data`` is a list (empty when none)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class DateInput(forms.DateInput):
    """``<input type="date">`` whose value is always an ISO date (2026-06-30).

    Browsers take only that format in ``value``: a localised date (2026年6月30日, or Django's
    ``DATE_INPUT_FORMATS[0]`` for the language) leaves Chromium's box empty, so a default
    such as today's date silently disappears. Every app's date fields use this widget.
    """

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MonthInput(forms.DateInput):
    """``<input type="month">`` whose value is always ``YYYY-MM`` (the only format browsers take)."""

    input_type = "month"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m")


# --- A refused form on a page that posts elsewhere ------------------------------------------------
#
# A page such as a task shows small forms (report progress, add a milestone) that post to their own
# address and send the user back to the page. When one is refused, the user must find the form as
# they left it: what they typed in its fields and each error under its field, not a message at the
# top and an empty form. :func:`keep_refused` puts the form's data and errors in the session before
# the redirect; the page asks :func:`take_refused` for the form it is about to show.

REFUSED_SESSION_KEY = "luoshi.refused_forms"
#: Forms bigger than this (JSON characters) are not kept: the session is no place for essays.
MAX_KEPT_CHARS = 64_000
F = TypeVar("F", bound=forms.BaseForm)


def keep_refused(request: HttpRequest, name: str, form: forms.BaseForm) -> None:
    """Remember refused ``form`` (its fields as posted, files excepted, and its errors) under ``name``."""
    raw = form.data
    data = {
        key: [str(v) for v in (raw.getlist(key) if hasattr(raw, "getlist") else [raw[key]])]
        for key in raw
        if key != "csrfmiddlewaretoken"
    }
    errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
    entry = {"data": data, "errors": errors}
    if len(json.dumps(entry, ensure_ascii=False)) > MAX_KEPT_CHARS:
        entry = {"data": {}, "errors": errors}
    kept = dict(request.session.get(REFUSED_SESSION_KEY) or {})
    kept[name] = entry
    request.session[REFUSED_SESSION_KEY] = kept


def take_refused(request: HttpRequest, name: str, form_class: type[F], **kwargs: Any) -> F | None:
    """The form kept under ``name``, bound to what was typed and showing its errors (once); else ``None``."""
    kept = dict(request.session.get(REFUSED_SESSION_KEY) or {})
    entry = kept.pop(name, None)
    if entry is None:
        return None
    request.session[REFUSED_SESSION_KEY] = kept
    form = form_class(data=MultiValueDict(entry.get("data") or {}), **kwargs)
    form.is_valid()  # the checks of the form itself come back by themselves
    for field, messages in (entry.get("errors") or {}).items():
        target = field if field in form.fields else None
        shown = {str(e) for e in form.errors.get(target or "__all__", [])}
        for message in messages:
            if message not in shown:  # what a service refused after the form was valid
                form.add_error(target, message)
    return form
