"""Number formatting and server-side sparklines for scorecards (no JavaScript needed to print)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

register = template.Library()


def _quantize(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@register.filter
def num(value: Any, places: Any = 0) -> str:
    """Thousands separators and a fixed number of decimals: 149976 → "149,976"."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
        digits = int(places)
    except (ArithmeticError, ValueError, TypeError):
        return str(value)
    return f"{_quantize(number, digits):,.{digits}f}"


@register.filter
def pct(value: Any) -> str:
    if value is None:
        return "—"
    return f"{_quantize(Decimal(str(value)), 1):,.1f}%"


@register.filter
def signed(value: Any, suffix: str = "%") -> str:
    """+12.3% / −4.5% (or points with ``suffix``)."""
    if value is None:
        return "—"
    number = _quantize(Decimal(str(value)), 1)
    sign = "+" if number > 0 else "−" if number < 0 else "±"
    return f"{sign}{abs(number):,.1f}{suffix}"


@register.filter
def as_written(value: Any) -> str:
    """A parsed figure as the text wrote it: 14.9 (not 14.9000), 16915 (not 16915.0)."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return "" if value is None else str(value)
    text = format(Decimal(repr(value)) if isinstance(value, float) else Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def abs_value(value: Any) -> Any:
    """The number without its sign (the sign is written as a word or a mark beside it)."""
    return abs(value) if isinstance(value, (int, float, Decimal)) else value


@register.filter
def gap_text(value: Any, higher_is_better: bool = True) -> str:
    """The gap to time progress in words, judged by the indicator's direction.

    Higher is better: 快于序时进度 3.3 个百分点 / 慢于序时进度 6.7 个百分点. Lower is
    better (信访总量): a completion under time progress is good, so 低于序时进度 … is
    the good side and 高于序时进度 … the bad one.
    """
    if value is None:
        return ""
    number = _quantize(Decimal(str(value)), 1)
    n = f"{abs(number):.1f}"
    if higher_is_better:
        if number >= 0:
            return _("%(n)s points ahead of time progress") % {"n": n}
        return _("%(n)s points behind time progress") % {"n": n}
    if number <= 0:
        return _("%(n)s points under time progress (less is better)") % {"n": n}
    return _("%(n)s points over time progress (less is better)") % {"n": n}


@register.filter
def gap_words(figures: Any) -> str:
    """:func:`gap_text` for a :class:`~luoshi.indicators.selectors.Figures` (its gap and direction)."""
    return gap_text(figures.gap, figures.higher_is_better)


@register.filter
def light_label(value: str) -> str:
    return {"green": _("on track"), "yellow": _("at risk"), "red": _("behind"), "": _("no judgement")}.get(value, "")


@register.simple_tag
def sparkline(
    series: list[Decimal | None], month: int, name: str = "", places: int = 0, width: int = 96, height: int = 24
) -> SafeString:
    """An inline SVG line of the year's monthly values; the chosen month is marked.

    Its accessible name is its own: the indicator's ``name`` and every month's value (``places``
    decimals), e.g. "一般公共预算收入，今年各月：1月 12.0，2月 25.3，…" (WCAG 1.1.1)."""
    points = [(i, v) for i, v in enumerate(series) if v is not None]
    if len(points) < 2:
        return mark_safe('<span class="muted small">—</span>')
    spoken = pgettext("list separator", ", ").join(
        _("month %(m)s: %(value)s") % {"m": i + 1, "value": num(v, places)} for i, v in points
    )
    label = _("%(name)s, monthly values this year: %(values)s") % {"name": name, "values": spoken} if name else spoken
    low = min(v for _i, v in points)
    high = max(v for _i, v in points)
    span = (high - low) or Decimal(1)
    step = (width - 4) / 11

    def xy(i: int, v: Decimal) -> tuple[float, float]:
        return 2 + i * step, height - 2 - float((v - low) / span) * (height - 4)

    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in points))
    marker = ""
    current = series[month - 1] if 1 <= month <= len(series) else None
    if current is not None:
        mx, my = xy(month - 1, current)
        marker = format_html('<circle cx="{}" cy="{}" r="2.5" class="spark-dot"/>', f"{mx:.1f}", f"{my:.1f}")
    return format_html(
        '<svg class="sparkline" width="{}" height="{}" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        '<polyline points="{}" class="spark-line"/>{}</svg>',
        width,
        height,
        width,
        height,
        label,
        coords,
        marker,
    )


@register.filter
def movement(value: Any) -> SafeString:
    if value is None:
        return mark_safe('<span class="move move-none">—</span>')
    n = int(value)
    if n > 0:
        return format_html('<span class="move move-up" title="{}">▲{}</span>', _("up"), n)
    if n < 0:
        return format_html('<span class="move move-down" title="{}">▼{}</span>', _("down"), -n)
    return mark_safe('<span class="move move-same">＝</span>')


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None
