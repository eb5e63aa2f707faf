"""Schemathesis hooks for scripts/api-fuzz: which refusals of schema-valid requests are mismatches.

Schemathesis' own ``positive_data_acceptance`` check (ST202) fails any 400 or 422 answer to a
request the OpenAPI document allows. Luoshi's API refuses such requests for two different reasons:

1. the *shape* of the input: a control character, a number or date out of range, a page beyond
   the last, a malformed decimal (codes in :data:`SHAPE_CODES`, and every 422 from the schema
   validation). These are bounds the document must state, so they stay failures here;
2. a *rule* no JSON schema can state: "this action needs a comment", "the code is already
   taken", "the project is not in this meeting", "choose a sub-category", a check digit. These
   answer 400 with their own stable code and a Chinese message, and are the expected answer.

``scripts/api-fuzz`` runs schemathesis with ``--exclude-checks positive_data_acceptance`` and this
module (``SCHEMATHESIS_HOOKS``), whose :func:`luoshi_positive_data_acceptance` keeps (1) and allows (2).
Open311's errors (a list of ``{code, description}``) carry no machine code: its rule refusals are
allowed the same way, its shape bounds are stated in docs/open311.openapi.yaml.
"""

from __future__ import annotations

import json
from typing import Any

import schemathesis

#: Codes for input the document could and should have described (see docs/limits.md).
SHAPE_CODES = frozenset(
    {
        "control_characters",
        "number_too_large",
        "not_a_number",
        "too_deep",
        "bad_parameter",
        "null_not_allowed",
        "unreadable_body",
    }
)


_DECLARED: dict[int, frozenset[str]] = {}


def _declared(case: Any) -> frozenset[str]:
    """Every parameter and property name the document declares anywhere."""
    raw = case.operation.schema.raw_schema
    names = _DECLARED.get(id(raw))
    if names is None:
        found: set[str] = set()

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                if isinstance(node.get("properties"), dict):
                    found.update(node["properties"])
                if node.get("in") in ("query", "path") and isinstance(node.get("name"), str):
                    found.add(node["name"])
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(raw)
        names = _DECLARED[id(raw)] = frozenset(found)
    return names


def _undeclared_only(response: Any, case: Any) -> bool:
    """The refusal names only fields the document does not declare (extra properties or query
    parameters schemathesis adds with arbitrary values): the platform-wide rule (no control
    characters anywhere) applies to them, and the document cannot describe what it does not list."""
    try:
        details = json.loads(response.content or b"null").get("details")
    except (ValueError, AttributeError):
        return False
    if not isinstance(details, dict) or not details:
        return False
    declared = _declared(case)
    body = case.body if isinstance(case.body, dict) else {}
    sent = set(body) | set(case.query or {})
    extra = any(key not in declared for key in sent)

    def undeclared(name: str) -> bool:
        if name == "body" or name not in declared:
            return True
        # A declared name met only inside an undeclared property's value (the guard names the key,
        # not its path): still input the document does not describe.
        return name not in sent and extra

    return all(undeclared(name) for name in details)


def _missing_file(response: Any) -> bool:
    try:
        details = json.loads(response.content or b"null").get("details")
    except (ValueError, AttributeError):
        return False
    return isinstance(details, list) and any(
        isinstance(d, dict) and d.get("loc", [None])[0] == "file" and d.get("type") == "missing" for d in details
    )


def _code(response: Any) -> str | None:
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return None
    return body.get("code") if isinstance(body, dict) else None


@schemathesis.check
def luoshi_positive_data_acceptance(ctx: Any, response: Any, case: Any) -> bool | None:
    """A schema-valid request may be refused only for a rule (400 with a rule code), never for its shape."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    status = response.status_code
    if status == 400 and _code(response) in SHAPE_CODES and _undeclared_only(response, case):
        return None
    if status == 422 and _missing_file(response):
        # schemathesis sends an array of binary parts as plain form fields, not as files: the
        # upload is missing from request.FILES. Uploads have their own tests (core/uploads).
        return None
    if status == 422 or (status == 400 and _code(response) in SHAPE_CODES):
        raise AssertionError(
            f"Schema-valid request refused for its shape ({status} {_code(response)}): the OpenAPI document "
            "should state this bound"
        )
    return None
