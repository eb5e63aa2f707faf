"""Units API: auth, scope (404), validation, conflicts (409), pagination and query counts."""

from __future__ import annotations

import pytest

from luoshi.accounts.services import api_token_create
from luoshi.org.models import Role, UnitKind
from luoshi.org.tests.factories import UnitFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(tree):
    return user_with_role(Role.LEADER, tree["a"])


@pytest.fixture
def token_headers(leader):
    _, raw = api_token_create(user=leader, name="测试")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_anonymous_gets_401_json_in_chinese(client, tree):
    response = client.get("/api/v1/units")
    assert response.status_code == 401
    assert response.json() == {"code": "not_authenticated", "message": "请先登录，或提供有效的 API 令牌。"}


def test_bad_token_is_401(client, tree):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer lsk_nope_nope")
    assert response.status_code == 401


def test_me_with_a_token(client, leader, token_headers):
    body = client.get("/api/v1/me", **token_headers).json()
    assert body["username"] == leader.username
    assert body["roles"] == [
        {"role": "leader", "role_label": "主要领导", "unit_id": leader.role_grants.get().unit_id, "unit_name": "甲街道"}
    ]


def test_units_list_is_scoped_and_paginated(client, token_headers, tree):
    body = client.get("/api/v1/units?page_size=2", **token_headers).json()
    assert body["count"] == 4
    assert body["pages"] == 2
    assert [u["code"] for u in body["results"]] == ["TA", "TA01"]  # top-down, then by order and name
    body = client.get("/api/v1/units?page=2&page_size=2", **token_headers).json()
    assert [u["code"] for u in body["results"]] == ["TAD1", "TA01G1"]
    assert body["results"][1]["parent_name"] == "甲一社区"


def test_units_list_filters(client, token_headers, tree):
    assert [u["code"] for u in client.get("/api/v1/units?kind=grid", **token_headers).json()["results"]] == ["TA01G1"]
    assert client.get(f"/api/v1/units?parent={tree['a'].pk}", **token_headers).json()["count"] == 2
    assert client.get("/api/v1/units?q=TA01", **token_headers).json()["count"] == 1
    assert client.get(f"/api/v1/units?within={tree['b'].pk}", **token_headers).status_code == 404


def test_units_list_query_count_is_fixed(client, token_headers, tree, django_assert_max_num_queries):
    for i in range(40):
        UnitFactory(name=f"网格{i}", kind=UnitKind.GRID, code=f"TAG{i:02d}", parent=tree["community"])
    with django_assert_max_num_queries(5) as small:
        client.get("/api/v1/units?page_size=5", **token_headers)
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = client.get("/api/v1/units?page_size=44", **token_headers).json()
    assert len(body["results"]) == 44


def test_bad_page_size_is_refused_by_the_schema(client, token_headers):
    # page_size is declared 1 - 500 in the OpenAPI document (core.bounds.PageSize): breaking it is a 422.
    response = client.get("/api/v1/units?page_size=100000", **token_headers)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    response = client.get("/api/v1/units?kind=planet", **token_headers)
    assert response.status_code == 422
    assert response.json()["message"] == "部分数据不正确。"


def test_tree(client, token_headers, tree):
    body = client.get("/api/v1/units/tree", **token_headers).json()
    assert [n["code"] for n in body] == ["TA"]
    assert sorted(c["code"] for c in body[0]["children"]) == ["TA01", "TAD1"]


def test_detail_and_out_of_scope(client, token_headers, tree):
    body = client.get(f"/api/v1/units/{tree['a'].pk}", **token_headers).json()
    assert body["kind_label"] == "街道"
    assert {c["code"] for c in body["children"]} == {"TA01", "TAD1"}
    response = client.get(f"/api/v1/units/{tree['b'].pk}", **token_headers)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_leader_cannot_create_units(client, token_headers, tree):
    payload = {"parent_id": tree["a"].pk, "name": "新社区", "kind": "community", "code": "TA09"}
    response = client.post("/api/v1/units", payload, content_type="application/json", **token_headers)
    assert response.status_code == 403
    assert response.json()["message"] == "您无权执行此操作。"


def test_admin_creates_and_patches_with_versions(client, tree):
    admin = user_with_role(Role.ADMIN, tree["a"])
    _, raw = api_token_create(user=admin, name="admin")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    payload = {"parent_id": tree["a"].pk, "name": "新社区", "kind": "community", "code": "TA09"}
    response = client.post("/api/v1/units", payload, content_type="application/json", **headers)
    assert response.status_code == 201
    unit = response.json()
    response = client.patch(
        f"/api/v1/units/{unit['id']}",
        {"version": 1, "name": "新社区（改）"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200
    assert response.json()["version"] == 2
    response = client.patch(
        f"/api/v1/units/{unit['id']}", {"version": 1, "name": "冲突"}, content_type="application/json", **headers
    )
    assert response.status_code == 409
    assert response.json()["code"] == "stale"
    response = client.post("/api/v1/units", {**payload, "code": "x"}, content_type="application/json", **headers)
    assert response.status_code == 422


def test_session_auth_works_and_needs_csrf_for_writes(tree):
    from django.test import Client

    admin = user_with_role(Role.ADMIN, tree["a"])
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin)
    assert browser.get("/api/v1/me").status_code == 200
    payload = {"parent_id": tree["a"].pk, "name": "新社区", "kind": "community", "code": "TA08"}
    assert browser.post("/api/v1/units", payload, content_type="application/json").status_code in {401, 403}


def test_openapi_document_and_docs(client, leader):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "Luoshi API"
    assert "/api/v1/units" in spec["paths"]
    assert "/api/v1/me" in spec["paths"]
    client.force_login(leader)
    assert client.get("/api/v1/docs").status_code == 200
