"""The demo organisation: what the seeds name, invented people, idempotent loading."""

from __future__ import annotations

import pytest

from luoshi.accounts.models import User
from luoshi.org import demo
from luoshi.org.models import Person, Position, Role, RoleGrant, Unit, UnitKind

pytestmark = pytest.mark.django_db

SEED_UNITS = {
    "通泰街道",
    "滨海街道",
    "东城街道",
    "城东街道",
    "北白象镇",
    "昆阳镇",
    "星海街道",
    "永兴街道",
    "娄桥街道",
    "雅阳镇",
    "五马街道",
    "钱库镇",
    "陶山镇",
    "景山街道",
}


def test_demo_has_the_seed_townships_with_their_structure(demo_org):
    names = set(Unit.objects.filter(kind__in=[UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT]).values_list("name", flat=True))
    assert names >= SEED_UNITS
    chengdong = Unit.objects.get(name="城东街道")
    assert chengdong.children.filter(kind=UnitKind.COMMUNITY).count() == 13
    assert chengdong.children.filter(kind=UnitKind.DEPARTMENT).count() == 18
    assert chengdong.children.filter(name="东星社区").exists()
    for township in Unit.objects.filter(name__in=SEED_UNITS):
        kinds = set(township.children.values_list("kind", flat=True))
        assert {UnitKind.DEPARTMENT, UnitKind.TASK_FORCE} <= kinds
        assert kinds & {UnitKind.COMMUNITY, UnitKind.VILLAGE}
        assert Unit.objects.subtree_of(township).filter(kind=UnitKind.GRID).exists()
        assert township.division_code.startswith("990101")


def test_demo_paths_are_consistent(demo_org):
    for unit in Unit.objects.select_related("parent"):
        expected = f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"
        assert unit.path == expected


def test_demo_front_line_groups_put_their_people_on_the_post(demo_org):
    posts = dict(
        Position.objects.filter(unit__code__in=["CDD03", "CDD05", "CDD04", "CDD01", "CDZ1", "CDZ2", "CDZ3"])
        .values_list("unit__name", "post")
        .distinct()
    )
    assert posts == {
        "征迁工作组": "relocation", "招商引资组": "investment", "项目服务组": "project", "综合协调组": "",
        "城东征迁专班": "relocation", "城东招商专班": "investment", "城东重点项目专班": "project",
    }  # fmt: skip
    staff = Position.objects.get(person__user__username="staff")
    assert (staff.unit.name, staff.post) == ("征迁工作组", "relocation")


def test_demo_people_are_invented(demo_org):
    names = set(Person.objects.values_list("name", flat=True))
    assert not names & demo.SEED_OFFICIALS
    assert len(names) == Person.objects.count()  # no two people share a name


def test_one_demo_login_per_role(demo_org):
    roles = set(
        RoleGrant.objects.filter(user__username__in=[d.username for d in demo.DEMO_LOGINS]).values_list(
            "role", flat=True
        )
    )
    assert roles == set(Role.values)
    for login in demo.DEMO_LOGINS:
        user = User.objects.get(username=login.username)
        assert user.check_password("luoshi-demo-2026")
        assert Position.objects.filter(person__user=user).exists()


def test_loading_twice_changes_nothing(db):
    def counts():
        return (Unit.objects.count(), Person.objects.count(), Position.objects.count(), RoleGrant.objects.count())

    # Each app checks its own loader the same way; this one covers the organisation.
    demo.load()
    first = counts()
    demo.load()
    assert counts() == first


@pytest.mark.parametrize("username", [d.username for d in demo.DEMO_LOGINS])
def test_every_demo_login_can_use_the_organisation_pages(client, demo_org, username):
    client.force_login(User.objects.get(username=username))
    for url in ("/", "/org/", "/org/units/", "/org/people/", "/accounts/me/", "/notifications/", "/api/v1/me"):
        response = client.get(url)
        assert response.status_code == 200, (username, url)
    html = client.get("/").content.decode()
    assert "您好" in html
    assert "我的职务与角色" in html
