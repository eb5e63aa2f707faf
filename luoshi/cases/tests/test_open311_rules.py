"""Open311 rules of issue 15 (finding 6): a key files only in its jurisdiction, keys are rate-limited, a key is
never taken from the address of a POST, and requests.json publishes only public channels, redacted."""

from __future__ import annotations

import pytest

from luoshi.cases import open311
from luoshi.cases.models import Case, GridBoundary
from luoshi.cases.tests.factories import report

pytestmark = pytest.mark.django_db

V2 = "/open311/v2"


@pytest.fixture
def api_key(w):
    _key, raw = open311.key_create(name="测试客户端", unit=w.a)
    return raw


def _square(unit, lat, lng):
    ring = [[lng - 0.01, lat - 0.01], [lng + 0.01, lat - 0.01], [lng + 0.01, lat + 0.01], [lng - 0.01, lat + 0.01]]
    return GridBoundary.objects.create(
        unit=unit, geometry={"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
        min_lat=lat - 0.01, max_lat=lat + 0.01, min_lng=lng - 0.01, max_lng=lng + 0.01,
    )  # fmt: skip


def _post(client, body, **extra):
    return client.post(f"{V2}/requests.json", {"service_code": "01001", **body}, **extra)


def test_a_key_cannot_file_a_case_at_a_point_in_another_township(client, w, api_key):
    other_grid = w.units["b_community"]  # a community of the other subdistrict, with a boundary of its own
    _square(other_grid, 30.0, 121.0)
    _square(w.grid_unit, 28.0, 120.7)
    before = Case.objects.count()
    refused = _post(client, {"api_key": api_key, "lat": "30.0", "long": "121.0", "description": "越界"})
    assert refused.status_code == 400
    [error] = refused.json()
    assert error["description"] == f"该位置属于{other_grid.name}，不在此 api_key 的管辖范围内。"
    assert Case.objects.count() == before
    # Inside its own township the same key files at the grid.
    accepted = _post(client, {"api_key": api_key, "lat": "28.0", "long": "120.7", "description": "本镇"})
    assert accepted.status_code == 200
    assert Case.objects.get(tracking_no=accepted.json()[0]["service_request_id"]).unit == w.grid_unit


@pytest.mark.parametrize(
    ("lat", "lng"), [("91", "120"), ("-90.5", "120"), ("28", "180.01"), ("nan", "120"), ("28", "inf"), ("1e308", "1")]
)
def test_coordinates_off_the_globe_are_refused(client, w, api_key, lat, lng):
    response = _post(client, {"api_key": api_key, "lat": lat, "long": lng})
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400


def test_an_api_key_in_the_address_of_a_post_is_refused(client, w, api_key):
    before = Case.objects.count()
    body = {"service_code": "01001", "lat": "28", "long": "120.7"}
    response = client.post(f"{V2}/requests.json?api_key={api_key}", body)
    assert response.status_code == 400
    assert response.json()[0]["description"] == "请在请求正文中发送 api_key，不要放在地址里。"
    assert Case.objects.count() == before


def test_a_key_is_rate_limited_and_told_when_to_retry(client, w, api_key, settings):
    settings.LUOSHI_OPEN311_KEY_RATE_LIMIT = (2, 600)
    body = {"api_key": api_key, "address_string": "解放路 1 号"}
    assert _post(client, body).status_code == 200
    assert _post(client, body).status_code == 200
    limited = _post(client, body)
    assert limited.status_code == 429
    assert limited["Retry-After"] == "600"
    assert limited.json()[0]["description"] == "此 api_key 提交的请求过多，请 10 分钟后再试。"
    # Another key is not affected.
    _other, raw = open311.key_create(name="另一个客户端", unit=w.a)
    assert _post(client, {**body, "api_key": raw}).status_code == 200


def test_only_cases_from_public_channels_are_published(client, w):
    published = {channel: report(w, channel=channel) for channel in ("web", "open311", "grid")}
    private = {channel: report(w, channel=channel) for channel in ("hotline", "visit", "letter", "staff", "api")}
    listed = {item["service_request_id"] for item in client.get(f"{V2}/requests.json").json()}
    assert {c.tracking_no for c in published.values()} <= listed
    assert not {c.tracking_no for c in private.values()} & listed
    for case in private.values():
        assert client.get(f"{V2}/requests/{case.tracking_no}.json").status_code == 404
        assert client.get(f"{V2}/tokens/{case.public_token}.json").status_code == 404


def test_published_text_is_redacted_and_an_anonymous_reporters_words_are_never_published(client, w):
    named = report(
        w,
        channel="web",
        description="请联系我 13912345678 或 0577-88123456，身份证 330302199001011234，邮箱 zhang@example.cn",
        address="解放路 12 号（电话 13800001111）",
    )
    anonymous = report(w, channel="web", description="隔壁王大妈家天天吵架，我是 3 楼的李明", is_anonymous=True)
    item = client.get(f"{V2}/requests/{named.tracking_no}.json").json()[0]
    assert item["description"] == (
        "请联系我 139****5678 或 057*****3456，身份证 3303************34，邮箱 z***@example.cn"
    )
    assert item["address"] == "解放路 12 号（电话 138****1111）"
    item = client.get(f"{V2}/requests/{anonymous.tracking_no}.json").json()[0]
    assert item["description"] == anonymous.category.name
    listed = client.get(f"{V2}/requests.json").content.decode()
    for secret in ("13912345678", "330302199001011234", "zhang@example.cn", "李明", "王大妈"):
        assert secret not in listed


@pytest.mark.parametrize(
    ("field", "longest"),
    [("address_string", 200), ("email", 254), ("phone", 32), ("first_name", 30), ("device_id", 45), ("media_url", 500)],
)
def test_overlong_fields_are_refused_not_cut(client, w, api_key, field, longest):
    body = {"api_key": api_key, "address_string": "解放路 1 号"}
    assert _post(client, {**body, field: "a" * longest}).status_code == 200
    before = Case.objects.count()
    response = _post(client, {**body, field: "a" * (longest + 1)})
    assert response.status_code == 400
    assert response.json()[0]["description"] == f"{field} 不能超过 {longest} 个字符。"
    assert Case.objects.count() == before


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_read_only_resources_answer_405_with_allow(client, w, method):
    for path in ("discovery.json", "services.json", "services/01001.json", "tokens/abc.json"):
        response = getattr(client, method)(f"{V2}/{path}")
        assert response.status_code == 405, path
        assert response["Allow"] == "GET, HEAD"
