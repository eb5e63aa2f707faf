"""Demo organisation: a district with the townships and subdistricts named in the
source documents, their departments, task forces, communities, villages and grids,
invented people, and one login per role.

Everything is generated from this file with a fixed random seed, so every fresh
database gets the same data. Loading twice changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from luoshi.accounts.models import User
from luoshi.core import audit
from luoshi.org.models import Person, Position, Post, Role, RoleGrant, Unit, UnitKind

DISTRICT_CODE = "SFQ"
DISTRICT_NAME = "落实示范区"
DISTRICT_DIVISION = "990101000000"  # a fictitious county code (99 is no real province)

# (name, kind, short code, township part of the division code, communities, villages)
TOWNSHIPS: list[tuple[str, str, str, str, list[str], list[str]]] = [
    ("通泰街道", UnitKind.SUBDISTRICT, "TT", "001", ["北门社区", "熙春社区", "严羽社区", "五四社区", "西门社区"], []),
    ("滨海街道", UnitKind.SUBDISTRICT, "BH", "002", ["滨海社区", "古镇口社区", "海港社区"], ["东山村", "西岭村"]),
    ("东城街道", UnitKind.SUBDISTRICT, "DC", "003", ["解放社区", "青年社区", "沿河社区", "文峰社区", "明珠社区"], []),
    (
        "城东街道",
        UnitKind.SUBDISTRICT,
        "CD",
        "004",
        [
            "东星社区",
            "东海社区",
            "东湖社区",
            "东美社区",
            "浔美社区",
            "坪山社区",
            "云山社区",
            "金山社区",
            "凤山社区",
            "宝山社区",
            "霞美社区",
            "新城社区",
            "海滨社区",
        ],
        [],
    ),
    ("星海街道", UnitKind.SUBDISTRICT, "XH", "005", ["星海社区", "海城社区", "蓝湾社区"], []),
    ("永兴街道", UnitKind.SUBDISTRICT, "YX", "006", ["永兴社区", "园区社区"], ["下垟村", "沙塘村"]),
    ("娄桥街道", UnitKind.SUBDISTRICT, "LQ", "007", ["娄桥社区", "龙舟社区"], ["娄桥村", "古岸村"]),
    ("五马街道", UnitKind.SUBDISTRICT, "WM", "008", ["五马社区", "墨池社区", "府前社区", "仓桥社区"], []),
    ("景山街道", UnitKind.SUBDISTRICT, "JS", "009", ["景山社区", "东小区社区", "南站社区"], []),
    ("北白象镇", UnitKind.TOWNSHIP, "BBX", "101", ["白象社区"], ["南洋村", "北洋村", "塘头村"]),
    ("昆阳镇", UnitKind.TOWNSHIP, "KY", "102", ["城南社区", "城北社区"], ["鳌江口村", "万全村"]),
    ("雅阳镇", UnitKind.TOWNSHIP, "YY", "103", ["雅阳社区"], ["氡泉村", "云岚村", "承天村", "松垟村", "埠下村"]),
    ("钱库镇", UnitKind.TOWNSHIP, "QK", "104", ["钱库社区"], ["项东村", "括山村", "望里村"]),
    ("陶山镇", UnitKind.TOWNSHIP, "TS", "105", ["陶山社区"], ["荆谷村", "湖屿村", "沙洲村"]),
]

STANDARD_DEPARTMENTS = [
    "党政办公室",
    "经济发展办公室",
    "社会事务办公室",
    "平安建设办公室",
    "城市建设管理办公室",
    "便民服务中心",
]
# 城东街道 works through 18 functional groups (seed 004).
CHENGDONG_GROUPS = [
    "综合协调组",
    "疫情防控组",
    "征迁工作组",
    "项目服务组",
    "招商引资组",
    "安全生产组",
    "信访维稳组",
    "城市管理组",
    "社会事务组",
    "党建工作组",
    "纪检监察组",
    "财政审计组",
    "经济发展组",
    "宣传文化组",
    "人大工作组",
    "武装工作组",
    "统计工作组",
    "退役军人服务组",
]
TASK_FORCES = ["征迁专班", "招商专班", "重点项目专班"]
DISTRICT_DEPARTMENTS = ["区委督查室", "区统计局", "区信访局"]
GRIDS_PER_COMMUNITY = 3

# Invented names only. The officials named in the seeds never appear here;
# tests check that none of these names is theirs.
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋"
    "蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万"
    "段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文辉鹏飞宇浩然"
    "晨曦雨欣悦佳琪思远博文俊凯瑞雪梅海燕春晓冬秋雁嘉怡子涵一诺若溪安宁向阳振华立新卫东红梅"
)
SEED_OFFICIALS = {
    "黄庆平",
    "曲艳阳",
    "黄泽鹏",
    "陈金镇",
    "林松姿",
    "叶小剑",
    "洪志亮",
    "邵建乐",
    "陈海伦",
    "陈跃龙",
    "庄庆杜",
    "叶展",
    "陶闽桄",
    "陈阿朋",
    "林滢峰",
    "吕勇进",
    "崔启昌",
    "尹凯丽",
    "涂小丽",
    "陈刚",
    "林明",
    "姜蕾蕾",
    "董晶亮",
}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    unit_code: str
    full_name: str
    title: str
    is_leader: bool
    description: str
    post: str = ""


DEMO_LOGINS: list[DemoLogin] = [
    DemoLogin("admin", Role.ADMIN, DISTRICT_CODE, "孟立新", "系统管理员", False, "系统管理员, 全区"),
    DemoLogin("leader", Role.LEADER, "CD", "蒋一诺", "党工委书记", True, "城东街道党工委书记"),
    DemoLogin("resp_leader", Role.RESPONSIBLE_LEADER, "CD", "汪振华", "办事处副主任", True, "城东街道班子成员"),
    DemoLogin("supervisor", Role.SUPERVISOR, "CD", "乔雨欣", "督查专员", False, "城东街道督查办"),
    DemoLogin("staff", Role.UNIT_STAFF, "CDD03", "彭晨曦", "科员", False, "城东街道征迁工作组", Post.RELOCATION),
    DemoLogin("community", Role.COMMUNITY_STAFF, "CD01", "龚海燕", "社区专职工作者", False, "城东街道东星社区"),
    DemoLogin("grid", Role.GRID_WORKER, "CD01G1", "常俊凯", "网格员", False, "东星社区第1网格"),
    DemoLogin("district", Role.DISTRICT_VIEWER, DISTRICT_CODE, "毛思远", "区委督查室主任", False, "区级查看"),
    # A second subdistrict's supervisor, so 通泰街道's demo tasks have a reviewer who is not the doer.
    DemoLogin("tongtai", Role.SUPERVISOR, "TT", "邹晓岚", "督查专员", False, "通泰街道督查办"),
]


class _Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used = {login.full_name for login in DEMO_LOGINS} | SEED_OFFICIALS

    def next(self) -> str:
        for _attempt in range(1000):
            given = self.rng.choice(GIVEN) + (self.rng.choice(GIVEN) if self.rng.random() < 0.7 else "")
            name = self.rng.choice(SURNAMES) + given
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("ran out of demo names")


def person_without_login(username: str, name: str, title: str, unit: Unit, role: str) -> User:
    """A demo person who acts through the services but cannot log in (no password): an officer the
    other apps' demo data needs, e.g. the district's supervisor or a 小微管家 officer. Idempotent."""
    user, created = User.objects.get_or_create(username=username, defaults={"full_name": name})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    person, _created = Person.objects.get_or_create(user=user, defaults={"name": name})
    Position.objects.get_or_create(person=person, unit=unit, title=title)
    RoleGrant.objects.get_or_create(user=user, role=role, unit=unit)
    return user


def is_loaded() -> bool:
    return Unit.objects.filter(code=DISTRICT_CODE).exists()


def _place_code(township: str, index: int) -> str:
    return f"{DISTRICT_DIVISION[:6]}{township}{index:03d}"


@transaction.atomic
def load(*, stdout: Any = None) -> dict[str, int]:
    """Create the demo organisation unless it is already there; always reset demo logins."""
    created = 0
    if not is_loaded():
        created = _create_units_and_people()
    logins = _ensure_logins()
    return {"units": Unit.objects.count(), "created_units": created, "logins": logins}


def _create_units_and_people() -> int:
    rng = random.Random(20260401)
    names = _Names(rng)
    # Level 0: the district.
    district = Unit.objects.create(
        name=DISTRICT_NAME, kind=UnitKind.DISTRICT, code=DISTRICT_CODE, division_code=DISTRICT_DIVISION
    )
    pending: list[tuple[Unit, Unit | None]] = [(district, None)]
    level1: list[Unit] = []
    for order, name in enumerate(DISTRICT_DEPARTMENTS):
        level1.append(Unit(name=name, kind=UnitKind.DEPARTMENT, code=f"SFQD{order + 1:02d}", sort_order=100 + order))
    for order, (name, kind, code, part, _c, _v) in enumerate(TOWNSHIPS):
        level1.append(Unit(name=name, kind=kind, code=code, division_code=_place_code(part, 0), sort_order=order))
    for unit in level1:
        unit.parent = district
    Unit.objects.bulk_create(level1)
    pending += [(u, district) for u in level1]

    level2: list[Unit] = []
    by_code = {u.code: u for u in level1}
    for name, _kind, code, part, communities, villages in TOWNSHIPS:
        township = by_code[code]
        departments = CHENGDONG_GROUPS if code == "CD" else STANDARD_DEPARTMENTS
        for i, dept in enumerate(departments):
            level2.append(
                Unit(
                    parent=township, name=dept, kind=UnitKind.DEPARTMENT, code=f"{code}D{i + 1:02d}", sort_order=100 + i
                )
            )
        for i, force in enumerate(TASK_FORCES):
            level2.append(
                Unit(
                    parent=township,
                    name=f"{name.removesuffix('街道').removesuffix('镇')}{force}",
                    kind=UnitKind.TASK_FORCE,
                    code=f"{code}Z{i + 1}",
                    sort_order=200 + i,
                )
            )
        for i, place in enumerate(communities + villages):
            is_village = place in villages
            level2.append(
                Unit(
                    parent=township,
                    name=place,
                    kind=UnitKind.VILLAGE if is_village else UnitKind.COMMUNITY,
                    code=f"{code}{i + 1:02d}",
                    division_code=_place_code(part, (200 if is_village else 1) + i),
                    sort_order=i,
                )
            )
    Unit.objects.bulk_create(level2)

    level3: list[Unit] = []
    for settlement in level2:
        if settlement.kind in (UnitKind.COMMUNITY, UnitKind.VILLAGE):
            for g in range(1, GRIDS_PER_COMMUNITY + 1):
                level3.append(
                    Unit(
                        parent=settlement,
                        name=f"{settlement.name}第{g}网格",
                        kind=UnitKind.GRID,
                        code=f"{settlement.code}G{g}",
                        sort_order=g,
                    )
                )
    Unit.objects.bulk_create(level3)

    all_units = [district, *level1, *level2, *level3]
    for unit in all_units:
        parent = unit.parent
        unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
        unit.depth = parent.depth + 1 if parent else 0
    Unit.objects.bulk_update(all_units, ["path", "depth"], batch_size=500)

    _create_people(names, rng, district, level1, level2, level3)
    audit.record(actor=None, obj=district, verb="create", comment="demo data")
    return len(all_units)


def _create_people(
    names: _Names, rng: random.Random, district: Unit, level1: list[Unit], level2: list[Unit], level3: list[Unit]
) -> None:
    posts: list[tuple[Unit, str, bool]] = []
    for dept in level1:
        if dept.kind == UnitKind.DEPARTMENT:
            posts += [(dept, "主任", True), (dept, "科员", False)]
    for township in (u for u in level1 if u.kind != UnitKind.DEPARTMENT):
        is_town = township.kind == UnitKind.TOWNSHIP
        posts += [
            (township, "党委书记" if is_town else "党工委书记", True),
            (township, "镇长" if is_town else "办事处主任", True),
            (township, "党委副书记" if is_town else "党工委副书记", True),
            (township, "副镇长" if is_town else "办事处副主任", True),
            (township, "人大主席" if is_town else "人大工委主任", True),
        ]
    for unit in level2:
        if unit.kind == UnitKind.DEPARTMENT:
            posts += [(unit, "负责人", True)] + [(unit, "科员", False)] * rng.randint(1, 2)
        elif unit.kind == UnitKind.TASK_FORCE:
            posts += [(unit, "专班组长", True), (unit, "专班成员", False), (unit, "专班成员", False)]
        else:
            head = "党委书记、居委会主任" if unit.kind == UnitKind.COMMUNITY else "党支部书记、村委会主任"
            posts += [(unit, head, True), (unit, "专职工作者", False), (unit, "专职工作者", False)]
    for grid in level3:
        posts.append((grid, "网格员", False))

    people = [Person(name=names.next(), phone=f"139{rng.randint(0, 99999999):08d}") for _ in posts]
    Person.objects.bulk_create(people, batch_size=500)
    positions = [
        Position(person=person, unit=unit, title=title, is_leader=leader, sort_order=i, post=_post_of(unit))
        for i, (person, (unit, title, leader)) in enumerate(zip(people, posts, strict=True))
    ]
    Position.objects.bulk_create(positions, batch_size=500)


#: The front-line post of everyone in a group or task force whose name says it (征迁工作组, 招商专班 …).
POST_OF_UNIT = (("征迁", Post.RELOCATION), ("招商", Post.INVESTMENT), ("项目", Post.PROJECT))


def _post_of(unit: Unit) -> str:
    if unit.kind not in (UnitKind.DEPARTMENT, UnitKind.TASK_FORCE):
        return ""
    return next((post for word, post in POST_OF_UNIT if word in unit.name), "")


def _ensure_logins() -> int:
    """Create or reset the demo logins, their people, positions and roles."""
    password = settings.LUOSHI_DEMO_PASSWORD
    units = {u.code: u for u in Unit.objects.filter(code__in={d.unit_code for d in DEMO_LOGINS})}
    for login in DEMO_LOGINS:
        unit = units[login.unit_code]
        user, _created = User.objects.get_or_create(username=login.username)
        user.full_name = login.full_name
        user.is_active = True
        user.is_staff = login.role == Role.ADMIN
        user.is_superuser = login.role == Role.ADMIN
        user.set_password(password)
        user.save()
        person, _ = Person.objects.get_or_create(user=user, defaults={"name": login.full_name})
        Position.objects.get_or_create(
            person=person, unit=unit, title=login.title, defaults={"is_leader": login.is_leader, "post": login.post}
        )
        RoleGrant.objects.get_or_create(user=user, role=login.role, unit=unit)
    return len(DEMO_LOGINS)
