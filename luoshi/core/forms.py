"""Showing a service's refusal on the form that caused it."""

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
