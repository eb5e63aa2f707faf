"""API authentication: a refused token is a 401, a session write without its CSRF token a 403, both in Chinese."""

from __future__ import annotations

import pytest
from django.test import Client

from luoshi.accounts.services import api_token_create, api_token_revoke
from luoshi.org.models import Role
from luoshi.org.tests.factories import user_with_role

pytestmark = pytest.mark.django_db

NOT_AUTHENTICATED = {"code": "not_authenticated", "message": "请先登录，或提供有效的 API 令牌。"}


@pytest.mark.parametrize("method", ["get", "post", "patch"])
def test_a_wrong_token_is_not_authenticated_whatever_the_method(client, tree, method):
    path = "/api/v1/units" if method in {"get", "post"} else f"/api/v1/units/{tree['a'].pk}"
    response = getattr(client, method)(
        path, {}, content_type="application/json", HTTP_AUTHORIZATION="Bearer not-a-token"
    )
    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED


def test_a_revoked_token_can_no_longer_write(client, tree):
    admin = user_with_role(Role.ADMIN, tree["a"])
    token, raw = api_token_create(user=admin, name="脚本")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/me", **headers).status_code == 200
    api_token_revoke(user=admin, token_id=token.pk)
    response = client.post("/api/v1/units", {}, content_type="application/json", **headers)
    assert (response.status_code, response.json()) == (401, NOT_AUTHENTICATED)


def test_a_session_write_without_the_csrf_token_is_refused_in_chinese(tree):
    admin = user_with_role(Role.ADMIN, tree["a"])
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin)
    payload = {"parent_id": tree["a"].pk, "name": "新社区", "kind": "community", "code": "TA08"}
    response = browser.post("/api/v1/units", payload, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["message"] == "页面的安全令牌缺失或已过期，请刷新页面后重试。"
    # With the cookie's token in the header, the same write goes through.
    secret = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
    browser.cookies["csrftoken"] = secret
    response = browser.post("/api/v1/units", payload, content_type="application/json", HTTP_X_CSRFTOKEN=secret)
    assert response.status_code == 201, response.json()
