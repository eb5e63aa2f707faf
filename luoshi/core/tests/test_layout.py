"""The page frame: which sidebar entry is lit, and which language pages are in."""

from __future__ import annotations

import re

import pytest

from luoshi.org.models import Role
from luoshi.org.tests.factories import user_with_role

pytestmark = pytest.mark.django_db

ACTIVE = re.compile(r'class="active" data-nav="([a-z_]+)"')


def _active_entries(html: str) -> set[str]:
    return set(ACTIVE.findall(html))


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("/cases/", "cases"),
        ("/cases/map/", "case_map"),
        ("/cases/daily/", "case_daily"),
        ("/indicators/", "indicators"),
        ("/indicators/leaderboard/", "leaderboards"),
        ("/org/people/", "people"),
        ("/org/", "org"),
    ],
)
def test_one_sidebar_entry_is_lit_the_most_specific(client, tree, url, key):
    user = user_with_role(Role.SUPERVISOR, tree["a"])
    client.force_login(user)
    response = client.get(url, follow=True)  # /indicators/ opens the person's own scorecard
    assert response.status_code == 200
    assert _active_entries(response.content.decode()) == {key}


def test_home_lights_no_app_entry(client, tree):
    client.force_login(user_with_role(Role.SUPERVISOR, tree["a"]))
    assert _active_entries(client.get("/").content.decode()) == set()


def test_pages_are_chinese_whatever_the_browser_asks(client, tree):
    client.force_login(user_with_role(Role.SUPERVISOR, tree["a"]))
    response = client.get("/accounts/me/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert "我的账号" in html and "My account" not in html
    assert response["Content-Language"] == "zh-hans"
    api = client.get("/api/v1/tasks/999999", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 404 and re.search(r"[\u4e00-\u9fff]", api.json()["message"])


def test_a_person_can_choose_english_and_back(client, tree):
    client.force_login(user_with_role(Role.SUPERVISOR, tree["a"]))
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/me/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/me/"
    html = client.get("/accounts/me/").content.decode()
    assert "My account" in html and 'option value="en" selected' in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/me/"})
    assert "我的账号" in client.get("/accounts/me/").content.decode()


def test_an_unknown_language_cookie_falls_back_to_chinese(client, tree):
    client.force_login(user_with_role(Role.SUPERVISOR, tree["a"]))
    client.cookies["django_language"] = "xx"
    assert "我的账号" in client.get("/accounts/me/").content.decode()


HTMX_SCRIPT = re.compile(r'<script[^>]+src="[^"]*htmx[^"]*\.js"')


@pytest.mark.parametrize("url", ["/", "/cases/", "/tasks/overview/", "/org/units/", "/org/people/", "/accounts/me/"])
def test_a_page_without_hx_attributes_does_not_load_htmx(client, tree, url):
    client.force_login(user_with_role(Role.SUPERVISOR, tree["a"]))
    html = client.get(url, follow=True).content.decode()
    assert " hx-" not in html
    assert not HTMX_SCRIPT.search(html)
    assert "htmx-config" not in html


def test_the_unit_tree_loads_htmx_for_its_live_search(client, tree):
    client.force_login(user_with_role(Role.SUPERVISOR, tree["a"]))
    html = client.get("/org/").content.decode()
    assert 'hx-get="/org/units/"' in html
    assert len(HTMX_SCRIPT.findall(html)) == 1
    assert '"allowEval": false' in html
    # What the search box asks for: the rows alone.
    rows = client.get("/org/units/", {"q": "网格"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in rows and "甲一社区第1网格" in rows


def test_every_template_with_hx_attributes_loads_htmx() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    missing = []
    for template in root.glob("*/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"\shx-[a-z]", text) and '{% block htmx %}{% include "core/_htmx.html" %}' not in text:
            missing.append(str(template.relative_to(root)))
    assert not missing, missing
