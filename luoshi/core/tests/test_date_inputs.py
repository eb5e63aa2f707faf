"""Date boxes show their value: ``<input type="date">`` gets ISO dates, whatever the language."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django import forms
from django.utils import translation

from luoshi.core.forms import DateInput, MonthInput

PACKAGE = Path(__file__).resolve().parents[2]


class Sample(forms.Form):
    day = forms.DateField(widget=DateInput())
    month = forms.DateField(widget=MonthInput(), input_formats=["%Y-%m"])


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_values_are_iso_in_every_language(language):
    with translation.override(language):
        form = Sample(initial={"day": dt.date(2026, 12, 5), "month": dt.date(2026, 3, 1)})
        html = str(form["day"]) + str(form["month"])
    assert '<input type="date" name="day" value="2026-12-05"' in html
    assert '<input type="month" name="month" value="2026-03"' in html


def test_a_refused_value_is_shown_back_as_typed():
    form = Sample(data={"day": "2026-02-30", "month": "2026-13"})
    assert not form.is_valid()
    assert 'value="2026-02-30"' in str(form["day"])
    assert 'value="2026-13"' in str(form["month"])


def test_no_app_builds_its_own_date_widget():
    """One widget for every date field (luoshi.core.forms.DateInput), so none can forget the format."""
    own = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.glob("*/**/*.py")
        if "tests" not in path.parts
        and path != PACKAGE / "core" / "forms.py"
        and re.search(r"forms\.DateInput\(|[\"']type[\"']: [\"'](date|month)[\"']", path.read_text(encoding="utf-8"))
    ]
    assert own == []


def test_date_boxes_written_in_templates_format_their_value():
    """A hand-written ``<input type="date" value="{{ x }}">`` must format ``x`` as Y-m-d."""
    loose = []
    for template in PACKAGE.glob("*/templates/**/*.html"):
        for tag in re.findall(r"<input[^>]*type=\"date\"[^>]*>", template.read_text(encoding="utf-8")):
            attribute = " ".join(re.findall(r'value="([^"]*)"', tag))
            for value in re.findall(r"\{\{\s*([^}]*?)\s*\}\}", attribute):
                if "date:'Y-m-d'" not in value and 'date:"Y-m-d"' not in value and not value.startswith("posted."):
                    loose.append(f"{template.relative_to(PACKAGE)}: {value}")
    assert loose == []


def test_labels_end_in_a_full_width_colon_in_chinese():
    with translation.override("zh-hans"):
        assert Sample()["day"].label_tag() == '<label for="id_day">Day：</label>'
    with translation.override("en"):
        assert Sample()["day"].label_tag() == '<label for="id_day">Day:</label>'
