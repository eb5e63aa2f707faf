"""大字模式 (large-text mode): a per-person preference kept on the server, offered in the header and on 我的账号."""

from __future__ import annotations

import pytest
from django.urls import reverse

from luoshi.accounts.models import User
from luoshi.core.models import ActivityLog
from luoshi.org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_large_text_is_off_for_a_new_person_and_the_page_has_no_large_text_class(client):
    user = UserFactory(username="zhao")
    client.force_login(user)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'aria-pressed="false"' in html
    assert "开启大字模式" in html


def test_turning_large_text_on_is_remembered_and_returns_to_the_page(client):
    user = UserFactory(username="qian")
    client.force_login(user)
    response = client.post(reverse("accounts:text_size"), {"large_text": "1", "next": "/tasks/?page=2"})
    assert response.status_code == 302
    assert response["Location"] == "/tasks/?page=2"
    assert User.objects.get(pk=user.pk).large_text is True
    assert ActivityLog.objects.filter(verb="update", changes__large_text__after=True).count() == 1
    # Another session of the same person (another device) gets the large text too.
    other = client.__class__()
    other.force_login(user)
    html = other.get(reverse("accounts:profile")).content.decode()
    assert '<html lang="zh-hans" class="large-text">' in html
    assert 'aria-pressed="true"' in html
    assert "大字模式已开启。" in html


def test_turning_large_text_off_and_an_outside_next_goes_to_my_account(client):
    user = UserFactory(username="sun")
    User.objects.filter(pk=user.pk).update(large_text=True)
    client.force_login(user)
    response = client.post(reverse("accounts:text_size"), {"large_text": "0", "next": "https://evil.example/"})
    assert response["Location"] == reverse("accounts:profile")
    assert User.objects.get(pk=user.pk).large_text is False


def test_the_switch_takes_post_only_and_a_login(client):
    assert client.post(reverse("accounts:text_size"), {"large_text": "1"}).status_code == 302  # to the login page
    user = UserFactory(username="li4")
    client.force_login(user)
    assert client.get(reverse("accounts:text_size")).status_code == 405
    assert User.objects.get(pk=user.pk).large_text is False
