"""Open311 GeoReport v2 conformance: JSON and XML, errors, and what standard clients expect."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree as ET

import pytest

from luoshi.cases import open311, services
from luoshi.cases.models import Case, GridBoundary
from luoshi.cases.tests.factories import report, to_state

pytestmark = pytest.mark.django_db

V2 = "/open311/v2"
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def xml(response):
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)  # noqa: S314 - our own response in a test


@pytest.fixture
def api_key(w):
    _key, raw = open311.key_create(name="测试客户端", unit=w.a)
    return raw


@pytest.fixture
def square(w):
    """A grid boundary: a small square around (28.0, 120.7)."""
    ring = [[120.69, 27.99], [120.71, 27.99], [120.71, 28.01], [120.69, 28.01], [120.69, 27.99]]
    return GridBoundary.objects.create(
        unit=w.grid_unit, geometry={"type": "Polygon", "coordinates": [ring]},
        min_lat=27.99, max_lat=28.01, min_lng=120.69, max_lng=120.71,
    )  # fmt: skip


def test_discovery_in_both_formats(client, w):
    data = client.get(f"{V2}/discovery.json").json()
    assert data["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert data["endpoints"][0]["url"].endswith("/open311/v2/")
    assert set(data["endpoints"][0]["formats"]) == {"text/xml", "application/json"}
    root = xml(client.get("/open311/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == ["text/xml", "application/json"]


def test_services_list_only_public_sub_categories_with_string_codes(client, w):
    data = client.get(f"{V2}/services.json").json()
    codes = {s["service_code"] for s in data}
    assert "01001" in codes
    assert "07002" not in codes  # disputes are not public
    assert "01" not in codes  # majors are groups, not services
    first = next(s for s in data if s["service_code"] == "01001")
    assert first == {
        "service_code": "01001",
        "service_name": "暴露垃圾",
        "description": first["description"],
        "metadata": True,
        "type": "realtime",
        "keywords": "",
        "group": "市容环境",
    }
    assert all(isinstance(s["service_code"], str) for s in data)
    root = xml(client.get(f"{V2}/services.xml"))
    assert root.tag == "services"
    assert root.find("service/service_code").text
    assert {e.tag for e in root.find("service")} >= {"service_code", "service_name", "metadata", "type", "group"}


def test_service_definition_and_unknown_codes(client, w):
    data = client.get(f"{V2}/services/04005.json").json()
    attribute = data["attributes"][0]
    assert data["service_code"] == "04005"
    assert attribute["variable"] is True
    assert attribute["datatype"] == "singlevaluelist"
    assert attribute["required"] is True
    assert {"key": "knee", "name": "没过膝盖"} in attribute["values"]
    root = xml(client.get(f"{V2}/services/04005.xml"))
    assert root.tag == "service_definition"
    assert root.find("attributes/attribute/values/value/key").text == "ankle"
    missing = client.get(f"{V2}/services/07002.json")
    assert missing.status_code == 404
    assert missing.json()[0]["code"] == 404
    assert missing.json()[0]["description"]
    root = xml(client.get(f"{V2}/services/nope.xml"))
    assert root.tag == "errors"
    assert root.find("error/code").text == "404"


def test_posting_needs_a_valid_api_key(client, w):
    body = {"service_code": "01001", "lat": "28.0", "long": "120.7"}
    response = client.post(f"{V2}/requests.json", body)
    assert response.status_code == 403
    assert response.json()[0]["code"] == 403
    response = client.post(f"{V2}/requests.xml", {**body, "api_key": "o311_wrong"})
    assert response.status_code == 403
    assert xml(response).find("error/description").text


def test_post_a_request_placed_by_its_grid_boundary(client, w, api_key, square):
    response = client.post(
        f"{V2}/requests.json",
        {
            "api_key": api_key,
            "service_code": "01001",
            "lat": "28.0",
            "long": "120.7",
            "description": "垃圾桶满了",
            "first_name": "小明",
            "last_name": "张",
            "phone": "13900001111",
            "attribute[amount]": "large",
            "device_id": "abc",
        },
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert isinstance(data, list) and len(data) == 1
    assert isinstance(data[0]["service_request_id"], str)
    assert "token" not in data[0]
    case = Case.objects.get(tracking_no=data[0]["service_request_id"])
    assert case.unit == w.grid_unit
    assert case.channel == "open311"
    assert case.reporter_name == "张 小明"
    assert case.attributes == {"amount": "large"}


def test_post_without_a_grid_goes_to_the_key_township(client, w, api_key):
    response = client.post(
        f"{V2}/requests.xml", {"api_key": api_key, "service_code": "02001", "address_string": "解放路 12 号"}
    )
    root = xml(response)
    assert root.tag == "service_requests"
    number = root.find("request/service_request_id").text
    assert Case.objects.get(tracking_no=number).unit == w.a


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"service_code": "01001"}, 400),  # no location
        ({"lat": "28", "long": "120"}, 400),  # no service_code
        ({"service_code": "07002", "lat": "28", "long": "120"}, 404),  # not public
        ({"service_code": "04005", "lat": "28", "long": "120"}, 400),  # required attribute missing
        ({"service_code": "04005", "lat": "28", "long": "120", "attribute[depth]": "sea"}, 400),  # bad choice
        ({"service_code": "01001", "lat": "north", "long": "120"}, 400),
        ({"service_code": "01001", "lat": "28"}, 400),
        ({"service_code": "01001", "lat": "28", "long": "120", "description": "x" * 4001}, 400),
        ({"service_code": "01001", "lat": "28", "long": "120", "jurisdiction_id": "mars"}, 404),
    ],
)
def test_post_errors(client, w, api_key, body, status):
    response = client.post(f"{V2}/requests.json", {"api_key": api_key, **body})
    assert response.status_code == status
    error = response.json()[0]
    assert set(error) == {"code", "description"}
    assert error["description"]


def test_get_one_request_is_an_array_of_one_with_w3c_dates(client, w):
    case = to_state(w, "dispatched")
    data = client.get(f"{V2}/requests/{case.tracking_no}.json").json()
    assert isinstance(data, list) and len(data) == 1
    item = data[0]
    assert item["service_request_id"] == case.tracking_no
    assert item["status"] == "open"
    assert item["status_notes"] == "已派遣"
    assert item["agency_responsible"] == w.dept.name
    assert item["service_code"] == "01001"
    for field in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert W3C.match(item[field]), item[field]
    assert item["requested_datetime"].endswith("+08:00")
    root = xml(client.get(f"{V2}/requests/{case.tracking_no}.xml"))
    assert root.tag == "service_requests"
    assert len(root.findall("request")) == 1
    assert root.find("request/status").text == "open"
    assert W3C.match(root.find("request/requested_datetime").text)


def test_closed_requests_and_their_notes(client, w):
    case = to_state(w, "rated")
    item = client.get(f"{V2}/requests/{case.tracking_no}.json").json()[0]
    assert item["status"] == "closed"
    assert item["expected_datetime"] is None
    unresolved = services.case_close_unresolved(actor=w.leader, case=to_state(w, "handling"), comment="需立项改造")
    item = client.get(f"{V2}/requests/{unresolved.tracking_no}.json").json()[0]
    assert item["status"] == "closed"
    assert "需立项改造" in item["status_notes"]


def test_a_merged_duplicate_follows_its_original(client, w):
    original, duplicate = report(w), report(w)
    services.case_merge(actor=w.supervisor, case=duplicate, original=original)
    item = client.get(f"{V2}/requests/{duplicate.tracking_no}.json").json()[0]
    assert item["status"] == "open"
    assert original.tracking_no in item["status_notes"]


def test_non_public_cases_never_appear(client, w):
    dispute = report(w, code="07002")
    assert client.get(f"{V2}/requests/{dispute.tracking_no}.json").status_code == 404
    listed = client.get(f"{V2}/requests.json").json()
    assert dispute.tracking_no not in {r["service_request_id"] for r in listed}
    assert client.get(f"{V2}/tokens/{dispute.public_token}.json").status_code == 404


def test_request_list_filters(client, w):
    open_case = report(w)
    closed = to_state(w, "closed", code="02001")
    listed = client.get(f"{V2}/requests.json").json()
    assert {r["service_request_id"] for r in listed} == {open_case.tracking_no, closed.tracking_no}
    assert [r["service_request_id"] for r in client.get(f"{V2}/requests.json", {"status": "closed"}).json()] == [
        closed.tracking_no
    ]
    assert [r["service_request_id"] for r in client.get(f"{V2}/requests.json", {"service_code": "01001"}).json()] == [
        open_case.tracking_no
    ]
    both = client.get(f"{V2}/requests.json", {"service_request_id": f"{open_case.tracking_no},{closed.tracking_no}"})
    assert len(both.json()) == 2
    page = client.get(f"{V2}/requests.json", {"page": 2, "page_size": 1}).json()
    assert len(page) == 1
    future = client.get(f"{V2}/requests.json", {"start_date": "2099-01-01T00:00:00+08:00"}).json()
    assert future == []
    updated = client.get(f"{V2}/requests.json", {"updated_after": "2000-01-01T00:00:00Z"}).json()
    assert len(updated) == 2
    assert client.get(f"{V2}/requests.json", {"status": "pending"}).status_code == 400
    assert client.get(f"{V2}/requests.json", {"start_date": "yesterday"}).status_code == 400
    assert client.get(f"{V2}/requests.json", {"page_size": "5000"}).status_code == 400
    empty = client.get(f"{V2}/requests.json", {"status": "", "service_code": ""}).json()
    assert len(empty) == 2  # empty parameters count as absent


def test_jurisdiction_id(client, w, settings):
    settings.LUOSHI_OPEN311_JURISDICTION = "luoshi.example.cn"
    assert client.get(f"{V2}/services.json", {"jurisdiction_id": "luoshi.example.cn"}).status_code == 200
    assert client.get(f"{V2}/services.json", {"jurisdiction_id": "TA"}).status_code == 200
    assert client.get(f"{V2}/services.json", {"jurisdiction_id": "elsewhere"}).status_code == 404


def test_tokens_and_unknown_formats(client, w):
    case = report(w)
    data = client.get(f"{V2}/tokens/{case.public_token}.json").json()
    assert data == [{"service_request_id": case.tracking_no, "token": case.public_token}]
    assert client.get(f"{V2}/requests/{case.tracking_no}.yaml").status_code == 404
    assert client.get(f"{V2}/requests/2000-XX-00001.json").status_code == 404


def test_json_is_utf8_not_escaped(client, w):
    response = client.get(f"{V2}/services.json")
    assert "暴露垃圾".encode() in response.content
    json.loads(response.content)
