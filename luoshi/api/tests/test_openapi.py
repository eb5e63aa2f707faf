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
