"""The OpenAPI document of /api/v1/: valid, and no two apps' schemas under one component name.

django-ninja files each schema under its class name; two apps that both define, say,
``TransitionIn`` silently share one component, and one endpoint is then documented
with the other's fields.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from ninja.openapi.schema import OpenAPISchema
from openapi_spec_validator import validate


@pytest.fixture
def document_and_clashes(monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, Any], list[str]]:
    from luoshi.api.site import build_api

    clashes: list[str] = []
    original = OpenAPISchema.add_schema_definitions

    def recording(self: OpenAPISchema, definitions: dict[str, Any]) -> None:
        for name, definition in definitions.items():
            if name in self.schemas and self.schemas[name] != definition:
                clashes.append(name)
        original(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", recording)
    api = build_api()
    return dict(api.get_openapi_schema(path_prefix="/api/v1/")), clashes


def test_the_document_is_valid_openapi(document_and_clashes):
    document, _clashes = document_and_clashes
    # As served: through JSON, where the status codes become strings.
    validate(json.loads(json.dumps(document, cls=DjangoJSONEncoder)))


def test_no_two_schemas_share_a_component_name(document_and_clashes):
    document, clashes = document_and_clashes
    assert clashes == []
    # Within one schema pydantic tells same-named classes apart by module path instead.
    assert [name for name in document["components"]["schemas"] if "__" in name] == []


def test_task_transitions_are_documented_with_the_task_actions_and_new_deadline(document_and_clashes):
    document, _clashes = document_and_clashes
    schemas = document["components"]["schemas"]
    body = document["paths"]["/api/v1/tasks/{task_id}/transitions"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    fields = schemas[ref]["properties"]
    assert {"action", "comment", "version", "new_deadline"} <= set(fields)
    assert "sign_off" in fields["action"]["description"] and "verify" not in fields["action"]["description"]


def _request_schemas(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                found.append((f"{method} {path} ?{parameter['name']}", parameter["schema"]))
    return found


def _leaves(schema: dict[str, Any]) -> list[dict[str, Any]]:
    options = schema.get("anyOf")
    return [leaf for option in options for leaf in _leaves(option)] if options else [schema]


def test_every_parameter_states_the_guards_bounds(document_and_clashes):
    """Issue 15: the document says what the input guard refuses (schemathesis reads it), so a
    schema-valid request is never refused for its shape (luoshi.api.openapi)."""
    document, _clashes = document_and_clashes
    unbounded = []
    for where, schema in _request_schemas(document):
        for leaf in _leaves(schema):
            if leaf.get("type") == "string" and not ({"pattern", "enum"} & leaf.keys()):
                unbounded.append(where)
            if leaf.get("type") == "integer" and not {"minimum", "maximum"} <= leaf.keys():
                unbounded.append(where)
    assert unbounded == []


def test_dates_decimals_and_pages_are_bounded_as_the_validators_are(document_and_clashes):
    import re

    from luoshi.api.openapi import DATE_PATTERN

    document, _clashes = document_and_clashes
    params = {p["name"]: p["schema"] for p in document["paths"]["/api/v1/cases/stats"]["get"]["parameters"]}
    assert params["start"]["pattern"] == DATE_PATTERN
    assert re.match(DATE_PATTERN, "2099-12-31") and not re.match(DATE_PATTERN, "2100-01-01")
    assert not re.match(DATE_PATTERN, "1999-12-31")
    weight = {o["type"]: o for o in document["components"]["schemas"]["GoalIn"]["properties"]["weight"]["anyOf"]}
    assert weight["number"]["multipleOf"] == 0.01 and weight["number"]["maximum"] == 9999.99
    assert re.match(weight["string"]["pattern"], "9999.99") and not re.match(weight["string"]["pattern"], "")
    assert not re.match(weight["string"]["pattern"], "1.234")
    goals = {p["name"]: p["schema"] for p in document["paths"]["/api/v1/goals"]["get"]["parameters"]}
    assert (goals["page"]["minimum"], goals["page_size"]["minimum"], goals["page_size"]["maximum"]) == (1, 1, 500)


def test_every_text_field_of_a_request_body_has_a_maximum(document_and_clashes):
    """Issue 15, finding 3: no unbounded text in what the org, tasks, cases and indicators APIs take."""
    from luoshi.api.openapi import _refs

    document, _clashes = document_and_clashes
    prefixes = ("/api/v1/units", "/api/v1/tasks", "/api/v1/goals", "/api/v1/inspections", "/api/v1/cases",
                "/api/v1/indicators")  # fmt: skip
    names: set[str] = set()
    for path, operations in document["paths"].items():
        if path.startswith(prefixes):
            for operation in operations.values():
                _refs(operation.get("requestBody", {}), names)
    components = document["components"]["schemas"]
    seen: set[str] = set()
    while names - seen:
        name = sorted(names - seen)[0]
        seen.add(name)
        _refs(components.get(name, {}), names)
    unbounded = []
    for name in sorted(seen):
        for field, schema in components.get(name, {}).get("properties", {}).items():
            for leaf in _leaves(schema):
                text = leaf.get("type") == "string" and leaf.get("format") not in ("date", "binary")
                numeral = leaf.get("pattern", "").startswith(("^[0-9]", "^-?[0-9]"))
                if text and not numeral and "maxLength" not in leaf and "enum" not in leaf:
                    unbounded.append(f"{name}.{field}")
    assert unbounded == []


def test_optional_form_fields_are_documented_without_null(document_and_clashes):
    """A multipart form cannot carry JSON null: an optional field is left out, and the text "null"
    is no date (schemathesis sent it when the document said ``anyOf: [date, null]``)."""
    from luoshi.api.openapi import DATE_PATTERN

    document, _clashes = document_and_clashes
    photos = document["paths"]["/api/v1/projects/{project_id}/progress/photos"]["post"]["requestBody"]
    date = photos["content"]["multipart/form-data"]["schema"]["properties"]["date"]
    assert date == {"format": "date", "type": "string", "pattern": DATE_PATTERN, "title": "Date"}
    attachments = document["paths"]["/api/v1/tasks/{task_id}/attachments"]["post"]["requestBody"]
    report = attachments["content"]["multipart/form-data"]["schema"]["properties"]["report_id"]
    assert report["type"] == "integer" and "anyOf" not in report
    # JSON bodies keep their nulls: there null is a value a client can send.
    assert any(
        option == {"type": "null"}
        for option in document["components"]["schemas"]["ProjectProblemTaskIn"]["properties"]["deadline"]["anyOf"]
    )


def test_a_decimal_with_a_whole_maximum_takes_its_places_from_the_stated_step(document_and_clashes):
    """A manual score (0–1000, two places): the number branch is a multiple of 0.01 and the text
    branch a numeral with at most two places, so no schema-valid value is refused for its shape."""
    import re

    document, _clashes = document_and_clashes
    points = {
        o["type"]: o
        for o in document["components"]["schemas"]["AssessmentManualScoreIn"]["properties"]["points"]["anyOf"]
    }
    assert (points["number"]["multipleOf"], points["number"]["maximum"]) == (0.01, 1000)
    assert re.match(points["string"]["pattern"], "999.99") and not re.match(points["string"]["pattern"], "1.234")
