"""``{% chart %}`` and ``{% chart_scripts %}``: every ECharts chart on a page goes through these.

A chart is a picture of figures that a table on the same page carries in full (WCAG 1.1.1): the tag
writes the chart's element with ``role="img"``, its name (``aria-label``) and ``aria-describedby`` naming
that table, and the option as a JSON data block (CSP: no inline script). ``static/luoshi/js/charts.js``
draws it with ECharts' ``aria`` option on, from the project's own small ECharts build, after the content.
See docs/frontend.md.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html, json_script
from django.utils.safestring import SafeString

register = template.Library()

#: The project's tree-shaken ECharts build (``npm run build``, made by ``make install``): the core part,
#: the extra part (charts only some pages use) and the chunk they share (its name carries a hash).
ECHARTS_CORE = "vendor/charts/echarts-core.js"
ECHARTS_EXTRA = "vendor/charts/echarts-extra.js"
ECHARTS_SHARED_GLOB = "echarts-shared-*.js"


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


@functools.cache
def shared_chunks() -> tuple[str, ...]:
    """The build's shared chunk(s), as the parts import them: by their own (hashed) name, under
    STATIC_URL without Django's manifest hash (a module's imports are not rewritten)."""
    folder = Path(settings.CHARTS_BUILD_DIR)
    return tuple(f"{settings.STATIC_URL}vendor/charts/{p.name}" for p in sorted(folder.glob(ECHARTS_SHARED_GLOB)))


@register.simple_tag
def chart_scripts(*, extra: Any = False) -> SafeString:
    """The chart helper; it loads the ECharts build itself, after the content: the core part, and with
    ``extra`` true (``extra=True``, or any value that is true when the page needs it) the extra part (the
    radar chart) on top of it."""
    return format_html(
        '<script src="{}" data-echarts-src="{}"{}{} defer></script>',
        static("luoshi/js/charts.js"),
        static(ECHARTS_CORE),
        format_html(' data-echarts-extra="{}"', static(ECHARTS_EXTRA)) if extra else "",
        format_html(' data-echarts-preload="{}"', " ".join(shared_chunks())) if shared_chunks() else "",
    )
