"""Administrators manage categories, their standards and Open311 keys in the admin, as a browser would."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from luoshi.accounts.models import User
from luoshi.cases import standards
from luoshi.cases.models import Category, Open311Key

pytestmark = pytest.mark.django_db


class FormFields(HTMLParser):
    """What a browser would submit for the first form with method=post: every named field's value."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._in_form = True
        if not self._in_form:
            return
        if tag == "option":
            if self._select and "selected" in a:
                self.data[self._select].append(a.get("value", ""))
            return
        name = a.get("name")
        if not name:
            return
        if tag == "input" and a.get("type") not in {"submit", "button", "file"}:
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                return
            self.data.setdefault(name, []).append(a.get("value", "on" if a.get("type") == "checkbox" else ""))
        elif tag == "select":
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "textarea":
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            value = self.data[self._textarea][0]
            self.data[self._textarea][0] = value[1:] if value.startswith("\n") else value  # as browsers do
            self._textarea = None


def form_fields(html: str) -> dict[str, list[str]]:
    parser = FormFields()
    parser.feed(html)
    return parser.data


@pytest.fixture
def admin_client(client, w):
    admin = User.objects.create(username="sysadmin", full_name="系统管理员", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_an_administrator_changes_a_category_limit_and_the_next_intake_uses_it(admin_client, w):
    garbage = Category.objects.get(code="01001")
    listing = admin_client.get("/admin/cases/category/", {"q": "垃圾"})
    assert listing.status_code == 200 and "暴露垃圾" in listing.content.decode()
    url = f"/admin/cases/category/{garbage.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    data = form_fields(page.content.decode())
    data["handle_days"] = ["9"]
    saved = admin_client.post(url, data)
    assert saved.status_code == 302, saved.context["errors"] if saved.context else saved
    garbage.refresh_from_db()
    assert garbage.handle_days == 9
    assert standards.limits_for(garbage.pk, "community").handle == 9  # the cache was cleared


def test_categories_are_deactivated_not_deleted(admin_client, w):
    garbage = Category.objects.get(code="01001")
    assert admin_client.get(f"/admin/cases/category/{garbage.pk}/delete/").status_code == 403


def test_an_administrator_creates_an_open311_key_shown_once_that_a_client_can_use(admin_client, w):
    page = admin_client.get("/admin/cases/open311key/add/")
    assert page.status_code == 200
    data = form_fields(page.content.decode())
    data.update({"name": ["市民热线转办"], "unit": [str(w.a.pk)], "note": ["12345 热线平台"]})
    created = admin_client.post("/admin/cases/open311key/add/", data, follow=True)
    assert created.status_code == 200
    shown = [str(m) for m in created.context["messages"]]
    raw = next(re.search(r"(o311_\S+)", m).group(1) for m in shown if "o311_" in m)
    key = Open311Key.objects.get(name="市民热线转办")
    assert raw not in key.key_hash and key.prefix and raw.startswith(key.prefix)
    # A standard client posts with it.
    posted = admin_client.post(
        "/open311/v2/requests.json",
        {"api_key": raw, "service_code": "01001", "description": "小区门口垃圾堆放", "address_string": "东星路1号"},
    )
    assert posted.status_code == 200, posted.content
    assert posted.json()[0]["service_request_id"]
    # Deactivated, it is refused.
    key.is_active = False
    key.save()
    refused = admin_client.post(
        "/open311/v2/requests.json", {"api_key": raw, "service_code": "01001", "description": "再次反映"}
    )
    assert refused.status_code == 403
