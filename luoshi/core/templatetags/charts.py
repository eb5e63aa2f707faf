"""``{% chart %}`` and ``{% chart_scripts %}``: every ECharts chart on a page goes through these.

A chart is a picture of figures that a table on the same page carries in full (WCAG 1.1.1): the tag
writes the chart's element with ``role="img"``, its name (``aria-label``) and ``aria-describedby`` naming
that table, and the option as a JSON data block (CSP: no inline script). ``static/luoshi/js/charts.js``
draws it with ECharts' ``aria`` option on, from the project's own small ECharts build, after the content.
See docs/frontend.md.
"""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.templatetags.static import static
from django.utils.html import format_html, json_script
from django.utils.safestring import SafeString

register = template.Library()

#: The project's tree-shaken ECharts build (``npm run build``, made by ``make install``).
ECHARTS_BUNDLE = "vendor/charts/echarts.min.js"


@register.simple_tag
def chart(
    option: Any,
    *,
    id: str,
    name: str,
    table: str,
    testid: str = "",
    rows: int = 0,
    css: str = "chart",
    theme: str = "",
) -> SafeString:
    """A chart of ``option`` called ``name``, whose figures are in the table(s) with id(s) ``table``.

    ``id`` names the option's JSON block (the element's ``data-echarts`` points at it).

    ``table`` is required: a chart without a table that carries its data is not accessible. ``rows``
    makes a bar chart grow with its rows; ``theme="dark"`` draws it for a dark page."""
    if not table:
        raise template.TemplateSyntaxError("{% chart %} needs table=: the id of the table that carries its data")
    data_id = id
    if isinstance(option, str):  # already JSON (json.dumps in the view)
        option = json.loads(option)
    return format_html(
        '<div class="{}" data-echarts="{}" role="img" aria-label="{}" aria-describedby="{}"'
        ' data-chart-table="{}"{}{}{}></div>{}',
        css,
        data_id,
        name,
        table,
        table,
        format_html(' data-testid="{}"', testid) if testid else "",
        format_html(' data-rows="{}"', rows) if rows else "",
        format_html(' data-chart-theme="{}"', theme) if theme else "",
        json_script(option, data_id),
    )


@register.simple_tag
def chart_scripts() -> SafeString:
    """The chart helper; it loads the ECharts build itself, after the content."""
    return format_html(
        '<script src="{}" data-echarts-src="{}" defer></script>',
        static("luoshi/js/charts.js"),
        static(ECHARTS_BUNDLE),
    )
