"""Organisation pages: scope, forms, errors in Chinese, and constant query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from luoshi.core.errors import ValidationFailed
from luoshi.org import services
from luoshi.org.models import Position, Role, Unit, UnitKind
from luoshi.org.tests.factories import PositionFactory, UnitFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader_client(client, tree):
    client.force_login(user_with_role(Role.LEADER, tree["a"]))
    return client


@pytest.fixture
def admin_client(client, tree):
    client.force_login(user_with_role(Role.ADMIN, tree["a"]))
    return client


def test_pages_need_a_login(client, tree):
    response = client.get(reverse("org:tree"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_tree_shows_only_the_users_subtree(leader_client, tree):
    html = leader_client.get(reverse("org:tree")).content.decode()
    assert "甲一社区第1网格" in html
    assert "乙街道" not in html
    assert "组织机构" in html  # zh-Hans by default


def test_unit_out_of_scope_is_404(leader_client, tree):
    assert leader_client.get(reverse("org:unit", args=[tree["b"].pk])).status_code == 404
    assert leader_client.get(reverse("org:unit", args=[tree["district"].pk])).status_code == 404
    assert leader_client.get(reverse("org:unit", args=[999999])).status_code == 404
    assert leader_client.get(reverse("org:unit_edit", args=[tree["b"].pk])).status_code == 404


def test_unit_detail_shows_children_people_and_activity(leader_client, tree):
    PositionFactory(unit=tree["a"], person__name="测试书记", title="党工委书记", is_leader=True)
    html = leader_client.get(reverse("org:unit", args=[tree["a"].pk])).content.decode()
    assert "甲一社区" in html and "甲党政办" in html
    assert "测试书记" in html and "党工委书记" in html
    assert "操作记录" in html
    assert reverse("org:unit_edit", args=[tree["a"].pk]) not in html  # leaders do not edit


def test_parent_out_of_scope_is_named_but_not_linked(leader_client, tree):
    html = leader_client.get(reverse("org:unit", args=[tree["a"].pk])).content.decode()
    assert "测试区" in html
    assert reverse("org:unit", args=[tree["district"].pk]) not in html  # it would answer 404
    html = leader_client.get(reverse("org:unit", args=[tree["community"].pk])).content.decode()
    assert reverse("org:unit", args=[tree["a"].pk]) in html


def test_leader_may_not_open_the_edit_form(leader_client, tree):
    assert leader_client.get(reverse("org:unit_edit", args=[tree["a"].pk])).status_code == 403


def test_admin_creates_a_community_through_the_form(admin_client, tree):
    url = reverse("org:unit_create", args=[tree["a"].pk])
    response = admin_client.post(url, {"name": "甲二社区", "kind": UnitKind.COMMUNITY, "code": "TA02", "sort_order": 2})
    unit = Unit.objects.get(code="TA02")
    assert response.status_code == 302
    assert response["Location"] == reverse("org:unit", args=[unit.pk])
    assert unit.parent == tree["a"]
    html = admin_client.get(response["Location"]).content.decode()
    assert "已创建单位" in html
    assert "创建了" in html  # the activity log entry


def test_form_errors_are_in_chinese_and_keep_the_input(admin_client, tree):
    url = reverse("org:unit_create", args=[tree["a"].pk])
    response = admin_client.post(url, {"name": "坏社区", "kind": UnitKind.COMMUNITY, "code": "bad code!"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "简码为 2 至 12 位大写字母或数字" in html
    assert 'value="坏社区"' in html
    assert not Unit.objects.filter(name="坏社区").exists()


def test_edit_with_a_stale_version_says_so(admin_client, tree):
    url = reverse("org:unit_edit", args=[tree["community"].pk])
    data = {"name": "甲一社区", "kind": UnitKind.COMMUNITY, "code": "TA01", "sort_order": 0, "version": 1}
    assert admin_client.post(url, data).status_code == 302
    response = admin_client.post(url, {**data, "name": "又改了"})
    assert "此单位已被他人修改" in response.content.decode()


def test_admin_adds_a_person_and_grants_a_role(admin_client, tree):
    response = admin_client.post(
        reverse("org:person_create", args=[tree["grid"].pk]),
        {"name": "新网格员", "title": "网格员", "phone": "13900000000"},
    )
    assert response.status_code == 302
    from luoshi.org.tests.factories import UserFactory

    UserFactory(username="newgrid")
    response = admin_client.post(
        reverse("org:role_grant", args=[tree["grid"].pk]), {"username": "newgrid", "role": Role.GRID_WORKER}
    )
    assert response.status_code == 302
    html = admin_client.get(reverse("org:unit", args=[tree["grid"].pk])).content.decode()
    assert "新网格员" in html
    assert "网格员" in html and "newgrid" in html


def test_unit_list_query_count_does_not_grow_with_rows(admin_client, tree, django_assert_max_num_queries):
    url = reverse("org:units")
    admin_client.get(url)
    with django_assert_max_num_queries(12) as small:
        admin_client.get(url)
    for i in range(30):
        UnitFactory(name=f"网格{i}", kind=UnitKind.GRID, code=f"TAG{i:02d}", parent=tree["community"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = admin_client.get(url)
    assert "网格29" in response.content.decode()


def test_unit_search_and_kind_filter(leader_client, tree):
    html = leader_client.get(reverse("org:units"), {"q": "社区"}).content.decode()
    assert "甲一社区" in html and "甲党政办" not in html
    html = leader_client.get(reverse("org:units"), {"kind": "department"}).content.decode()
    assert "甲党政办" in html and "甲一社区</a>" not in html
    html = leader_client.get(reverse("org:units"), {"q": "乙"}).content.decode()
    assert "没有与“乙”匹配的单位" in html


def test_htmx_search_returns_only_the_rows(leader_client, tree):
    response = leader_client.get(reverse("org:units"), {"q": "网格"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "甲一社区第1网格" in html


def test_people_list_is_scoped_and_paginated(leader_client, tree, django_assert_max_num_queries):
    for i in range(5):
        PositionFactory(unit=tree["grid"], person__name=f"甲人员{i}")
    PositionFactory(unit=tree["b_community"], person__name="乙人员")
    with django_assert_max_num_queries(12):
        html = leader_client.get(reverse("org:people")).content.decode()
    assert "甲人员4" in html and "乙人员" not in html


def test_home_page_shows_posts_and_empty_states(client, tree):
    from luoshi.org.tests.factories import UserFactory

    lonely = UserFactory()
    client.force_login(lonely)
    html = client.get(reverse("core:home")).content.decode()
    assert "您还没有任何职务或角色" in html
    admin = user_with_role(Role.ADMIN, tree["a"])
    client.force_login(admin)
    html = client.get(reverse("core:home")).content.decode()
    assert "甲街道 及下属单位的管理员" in html
    assert "待完善的组织数据" in html


def test_admin_edits_a_person_and_the_change_is_logged(admin_client, tree):
    person = PositionFactory(unit=tree["grid"], person__name="旧名字").person
    response = admin_client.post(
        reverse("org:person_edit", args=[person.pk]), {"name": "新名字", "phone": "13812345678", "note": ""}
    )
    assert response.status_code == 302
    html = admin_client.get(reverse("org:person", args=[person.pk])).content.decode()
    assert "新名字" in html
    assert "旧名字" in html  # before-value in the activity log


def test_leader_cannot_edit_people(leader_client, tree):
    person = PositionFactory(unit=tree["grid"]).person
    assert leader_client.get(reverse("org:person_edit", args=[person.pk])).status_code == 403


def test_edit_without_a_version_is_refused_not_saved(admin_client, tree):
    """Issue 15, finding 7: an edit form posted without the version it was read at is refused
    with a clear message, never saved as last-write-wins."""
    url = reverse("org:unit_edit", args=[tree["community"].pk])
    data = {"name": "没版本号", "kind": UnitKind.COMMUNITY, "code": "TA01", "sort_order": 0}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "表单没有说明您修改的是记录的哪个版本" in html
    assert 'value="没版本号"' in html  # the typed input is kept
    assert Unit.objects.get(pk=tree["community"].pk).name != "没版本号"


def test_a_person_is_added_on_a_front_line_post_and_the_post_is_shown(admin_client, tree):
    url = reverse("org:person_create", args=[tree["grid"].pk])
    response = admin_client.post(url, {"name": "征迁专员甲", "title": "科员", "post": "relocation"})
    assert response.status_code == 302
    assert Position.objects.get(person__name="征迁专员甲").post == "relocation"
    html = admin_client.get(reverse("org:unit", args=[tree["grid"].pk])).content.decode()
    assert "征迁岗" in html
    response = admin_client.post(url, {"name": "某人乙", "title": "科员", "post": "mayor"})
    assert response.status_code == 200 and not Position.objects.filter(person__name="某人乙").exists()
    person = Position.objects.get(person__name="征迁专员甲").person
    admin = user_with_role(Role.ADMIN, tree["a"], username="adm2")
    with pytest.raises(ValidationFailed):
        services.position_create(actor=admin, person=person, unit=tree["grid"], title="组员", post="mayor")
