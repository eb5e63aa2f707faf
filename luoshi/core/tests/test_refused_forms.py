"""keep_refused / take_refused: a refused form survives the redirect back to its page, once."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from luoshi.core.forms import MAX_KEPT_CHARS, keep_refused, take_refused


class Note(forms.Form):
    title = forms.CharField(max_length=10)
    count = forms.IntegerField(min_value=1)


@pytest.fixture
def request_():
    request = RequestFactory().get("/")
    request.session = SessionStore()
    return request


def test_the_form_comes_back_as_typed_with_its_own_and_the_services_errors(request_):
    posted = Note(data={"title": "巷道清理", "count": "0", "csrfmiddlewaretoken": "secret"})
    assert not posted.is_valid()
    posted.add_error("title", "标题已被使用。")  # what a service refused after the form's own checks
    keep_refused(request_, "note", posted)
    back = take_refused(request_, "note", Note)
    assert back is not None
    assert back["title"].value() == "巷道清理"
    assert back["count"].value() == "0"
    assert back.errors["title"] == ["标题已被使用。"]
    assert back.errors["count"] == ["确保该值大于或等于1。"]
    assert "csrfmiddlewaretoken" not in back.data
    assert take_refused(request_, "note", Note) is None  # once


def test_a_message_for_the_whole_form_stays_at_the_top(request_):
    posted = Note(data={"title": "甲", "count": "3"})
    assert posted.is_valid()
    posted.add_error(None, "任务已办结，不能再报进度。")
    keep_refused(request_, "note", posted)
    back = take_refused(request_, "note", Note)
    assert back is not None
    assert back.non_field_errors() == ["任务已办结，不能再报进度。"]


def test_nothing_kept_means_the_page_shows_its_usual_form(request_):
    assert take_refused(request_, "other", Note) is None


def test_an_oversized_form_keeps_only_its_errors(request_):
    posted = Note(data={"title": "长" * MAX_KEPT_CHARS, "count": "2"})
    assert not posted.is_valid()
    keep_refused(request_, "note", posted)
    back = take_refused(request_, "note", Note)
    assert back is not None
    assert back["title"].value() is None
    assert back.errors["title"]
