"""Form pieces every app uses: a service's refusal shown on the form, ISO date inputs, several files."""

from __future__ import annotations

from typing import Any

from django import forms

from luoshi.core.errors import LuoshiError


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
