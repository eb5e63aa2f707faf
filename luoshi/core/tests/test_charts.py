"""The chart tag: every chart is an image with a name that names the table carrying its figures."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from django.template import Context, Template, TemplateSyntaxError


def render(source: str, **context: object) -> str:
    return Template("{% load charts %}" + source).render(Context(context))


def test_a_chart_is_an_image_named_and_described_by_its_table_with_its_option_as_data() -> None:
    option = {"series": [{"type": "bar", "name": "完成率", "data": [1, 2]}], "title": "</script><b>"}
    html = render('{% chart option id="c1" name="完成情况" table="t1" testid="c1-chart" rows=3 %}', option=option)
    assert html.startswith(
        '<div class="chart" data-echarts="c1" role="img" aria-label="完成情况" aria-describedby="t1"'
        ' data-chart-table="t1" data-testid="c1-chart" data-rows="3"></div>'
    )
    data = html.split('<script id="c1" type="application/json">')[1].split("</script>")[0]
    assert "</script><b>" not in data  # escaped: no way out of the data block
    assert json.loads(data) == option
    # An option already serialised by the view is the same option, not a JSON string.
    again = render('{% chart option id="c2" name="n" table="t" %}', option=json.dumps(option))
    assert json.loads(again.split('type="application/json">')[1].split("</script>")[0]) == option


def test_a_chart_without_a_table_is_refused() -> None:
    with pytest.raises(TemplateSyntaxError):
        render('{% chart option id="c1" name="n" table="" %}', option={})


def test_the_scripts_load_the_helper_which_loads_the_core_part_and_the_extra_part_on_request(
    tmp_path: Path, settings: Any
) -> None:
    from luoshi.core.templatetags import charts

    (tmp_path / "echarts-core.js").write_text("")
    (tmp_path / "echarts-shared-AB12CD34.js").write_text("")
    settings.CHARTS_BUILD_DIR = tmp_path
    charts.shared_chunks.cache_clear()
    try:
        core = render("{% chart_scripts %}")
        extra = render("{% chart_scripts extra=radar %}", radar={"indicator": []})
        no_extra = render("{% chart_scripts extra=radar %}", radar=None)
    finally:
        charts.shared_chunks.cache_clear()
    assert core == (
        '<script src="/static/luoshi/js/charts.js" data-echarts-src="/static/vendor/charts/echarts-core.js"'
        ' data-echarts-preload="/static/vendor/charts/echarts-shared-AB12CD34.js" defer></script>'
    )
    assert extra == (
        '<script src="/static/luoshi/js/charts.js" data-echarts-src="/static/vendor/charts/echarts-core.js"'
        ' data-echarts-extra="/static/vendor/charts/echarts-extra.js"'
        ' data-echarts-preload="/static/vendor/charts/echarts-shared-AB12CD34.js" defer></script>'
    )
    assert no_extra == core


BUILD = Path(__file__).resolve().parents[3] / "build" / "charts"


@pytest.mark.skipif(not (BUILD / "echarts-core.js").exists(), reason="the chart build is made by `make install`")
def test_the_build_keeps_the_radar_out_of_what_every_chart_page_loads() -> None:
    """The core part and the chunk it imports (what every chart page loads) hold the bar and line charts
    but not the radar; the extra part holds the radar and imports the same chunk (one ECharts)."""
    outputs = json.loads((BUILD.parent / "charts-meta.json").read_text())["outputs"]
    (shared,) = [name for name in outputs if name.startswith("build/charts/echarts-shared-")]
    core, extra = outputs["build/charts/echarts-core.js"], outputs["build/charts/echarts-extra.js"]
    assert [i["path"] for i in core["imports"]] == [shared] == [i["path"] for i in extra["imports"]]

    def modules(*names: str) -> set[str]:
        return {m.split("node_modules/echarts/lib/")[-1] for n in names for m in outputs[n]["inputs"]}

    everywhere = modules("build/charts/echarts-core.js", shared)
    assert {"chart/bar/install.js", "chart/line/install.js", "component/aria/install.js"} <= everywhere
    assert "chart/radar/install.js" not in everywhere and "component/radar/install.js" not in everywhere
    assert {"chart/radar/install.js", "component/radar/install.js"} <= modules("build/charts/echarts-extra.js")
    # What every chart page loads is half of the old full bundle at most (368 KB gzip for 1.1 MB before).
    text = (BUILD / "echarts-core.js").read_bytes() + (BUILD.parent.parent / shared).read_bytes()
    assert len(gzip.compress(text, 9)) < 200_000
