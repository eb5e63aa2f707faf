"""The input guard refuses, before any view, what nothing in the platform can take."""

from __future__ import annotations

import json

import pytest

from luoshi.core import inputguard
from luoshi.core.errors import ValidationFailed


@pytest.mark.parametrize(
    ("pairs", "code"),
    [
        ([("category", "99999999999999999999")], "number_too_large"),
        ([("page", "-9223372036854775809")], "number_too_large"),
        ([("start_date", "2026-02-30")], "bad_parameter"),
        ([("day", "0001-01-01")], "bad_parameter"),
        ([("day", "9999-12-31")], "bad_parameter"),
        ([("q", "井盖\x00")], "control_characters"),
        ([("q\x1b", "x")], "control_characters"),
    ],
)
def test_bad_query_values(pairs, code):
    with pytest.raises(ValidationFailed) as caught:
        inputguard.check_query(pairs)
    assert caught.value.code == code and caught.value.status == 400


def test_good_query_values_pass():
    inputguard.check_query([("id_no", "110101199001011234"), ("day", "2099-12-31"), ("q", "东星路 18 号\t")])


def test_form_values_may_hold_line_breaks_but_no_control_characters():
    inputguard.check_form([("description", "第一行\r\n第二行\t完")])
    with pytest.raises(ValidationFailed):
        inputguard.check_form([("description", "a\x0cb")])


@pytest.mark.parametrize(
    "body",
    ['{"a": "\\ud800"}', '{"a": 9223372036854775808}', '{"a": NaN}', '{"a": Infinity}', '{"a": ["2026-02-30"]}',
     '{"\\u0000": 1}', "[" * 40 + "]" * 40],
)  # fmt: skip
def test_bad_json_values(body):
    with pytest.raises(ValidationFailed):
        inputguard.check_json(inputguard.parse_json(body.encode()))


def test_json_nesting_python_cannot_follow_is_refused():
    with pytest.raises(ValidationFailed) as caught:
        inputguard.parse_json(b"[" * 100_000 + b"]" * 100_000)
    assert caught.value.code == "too_deep"


def test_good_json_passes_and_no_json_is_left_to_the_view():
    inputguard.check_json(json.loads('{"a": [1, -9223372036854775808, 1.5, "2026-03-01", null, true, "x\\ny"]}'))
    assert inputguard.parse_json(b"not json") is None


@pytest.mark.django_db
def test_the_middleware_answers_json_under_the_api_and_a_page_elsewhere(client):
    api = client.get("/api/v1/me", {"x": "2026-02-30"})
    assert api.status_code == 400 and api.json()["code"] == "bad_parameter"
    page = client.get("/accounts/login/", {"next": "\x1b"})
    assert page.status_code == 400 and "控制字符" in page.content.decode()


def test_ids_up_to_the_64_bit_limit_pass_the_guard():
    """The guard and params.get_id agree: an id up to 2**63 - 1 is an id, one beyond is refused."""
    inputguard.check_query([("unit", "9223372036854775807")])
    with pytest.raises(ValidationFailed):
        inputguard.check_query([("unit", "9223372036854775808")])


@pytest.mark.django_db
def test_open311_refusals_are_in_open311s_error_format(client):
    response = client.get("/open311/v2/services.json?jurisdiction_id=%01")
    assert response.status_code == 400
    body = response.json()
    assert isinstance(body, list) and body[0]["code"] == 400 and "控制字符" in body[0]["description"]
    xml = client.get("/open311/v2/services.xml?jurisdiction_id=%01")
    assert xml.status_code == 400 and b"<errors><error><code>400</code>" in xml.content


@pytest.mark.django_db
def test_a_body_that_cannot_be_parsed_is_refused_not_a_traceback(client):
    """A multipart body without a boundary once raised in the idempotency middleware (a logged
    traceback); now the body counts as empty and the view refuses it (here: no api_key)."""
    response = client.generic("POST", "/open311/v2/requests.json", b"x=1", content_type="multipart/form-data")
    assert response.status_code == 403
