"""The chart tag: every chart is an image with a name that names the table carrying its figures."""

from __future__ import annotations

import json

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


def test_the_scripts_load_the_helper_which_loads_the_small_build() -> None:
    html = render("{% chart_scripts %}")
    assert html == (
        '<script src="/static/luoshi/js/charts.js" data-echarts-src="/static/vendor/charts/echarts.min.js" defer>'
        "</script>"
    )
