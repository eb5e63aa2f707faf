"""``{% form_token %}``: the hidden field that makes a form's second submission harmless (luoshi.core.idempotency)."""

from __future__ import annotations

import uuid

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from luoshi.core.idempotency import FIELD

register = template.Library()


@register.simple_tag
def form_token() -> SafeString:
    """A fresh random key each time the form is shown."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4().hex)
