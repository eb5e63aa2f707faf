"""The OpenAPI document states the bounds the input guard enforces on every parameter and field.

The input guard (luoshi.core.inputguard) refuses, for every API request and whatever the
operation: control characters in any text (also in object keys), whole numbers outside the
64-bit range and date-shaped text that is no real date from 2000-01-01 to 2099-12-31. The
schemas the apps declare say what each field means; :func:`tighten` adds these platform-wide
bounds to every schema in the document, so that a client (and schemathesis) reading the
document knows in advance what will be refused:

- text (``type: string`` without an enum, a pattern or a binary/date format) gets a
  ``pattern`` that excludes control characters, object keys a ``propertyNames`` pattern;
- dates (``format: date``) a pattern for 2000-01-01 – 2099-12-31;
- integers a ``minimum``/``maximum`` within 64 bits when they have none;
- decimals (pydantic's ``anyOf: [number, string]``) a numeral pattern for the string form and,
  when the declared maximum shows the decimal places (``9999.99``), a ``multipleOf``.
"""

from __future__ import annotations

from typing import Any

#: Text without the characters the guard refuses (tab, line feed and carriage return are fine).
TEXT_PATTERN = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"
#: A date from 2000-01-01 to 2099-12-31 (that it exists is the ``format``'s business).
DATE_PATTERN = "^20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
_SKIP_FORMATS = {"binary", "byte", "date-time", "time", "uri", "email", "uuid", "duration"}


def _decimal_places(number: dict[str, Any]) -> int | None:
    """2 for a maximum like 9999.99, None when the maximum does not show it."""
    top = number.get("maximum")
    if not isinstance(top, float):
        return None
    text = repr(top)
    if "." not in text or "e" in text:
        return None
    fraction = text.split(".", 1)[1]
    return len(fraction) if fraction and set(fraction) == {"9"} else None


def _step_places(step: Any) -> int | None:
    """2 for a step of 0.01 (a field's ``multipleOf``, for maxima such as 1000 that do not show it)."""
    if not isinstance(step, float) or not 0 < step < 1:
        return None
    text = repr(step)
    return len(text.split(".", 1)[1]) if "." in text and "e" not in text else None


def _decimal(options: list[dict[str, Any]], step: Any = None) -> None:
    """pydantic's Decimal: ``[number, string]`` (maybe with null). Bound the string to a numeral.

    The decimal places come from the maximum (9999.99) or, when the maximum is a whole number,
    from a ``multipleOf`` the field states beside its ``anyOf`` (``json_schema_extra``)."""
    number = next(o for o in options if o.get("type") == "number")
    places = _decimal_places(number) or _step_places(step)
    if places:
        number.setdefault("multipleOf", float(f"1e-{places}"))
    top = number.get("maximum", number.get("exclusiveMaximum"))
    bottom = number.get("minimum", number.get("exclusiveMinimum"))
    # As many whole-number digits as keep any numeral the pattern allows within the number's bounds.
    whole = str(int(abs(top))) if top else "9" * 16
    digits = len(whole) if set(whole) == {"9"} and "exclusiveMaximum" not in number else len(whole) - 1
    sign = "" if bottom is not None and bottom >= 0 else "-?"
    fraction = f"(\\.[0-9]{{1,{places}}})?" if places else "(\\.[0-9]{1,6})?"
    for option in options:
        if option.get("type") == "string" and "pattern" not in option:
            option["pattern"] = f"^{sign}[0-9]{{1,{max(1, digits)}}}{fraction}$"


def tighten(node: Any) -> None:
    """Add the guard's bounds to every schema under ``node`` (in place)."""
    if isinstance(node, list):
        for item in node:
            tighten(item)
        return
    if not isinstance(node, dict):
        return
    options = node.get("anyOf")
    if isinstance(options, list):
        types = {o.get("type") for o in options if isinstance(o, dict)}
        if {"number", "string"} <= types:
            _decimal(options, node.get("multipleOf"))
    kind = node.get("type")
    if kind == "string" and "enum" not in node and "const" not in node and "pattern" not in node:
        fmt = node.get("format")
        if fmt == "date":
            node["pattern"] = DATE_PATTERN
        elif fmt not in _SKIP_FORMATS:
            node["pattern"] = TEXT_PATTERN
    elif kind == "integer":
        node["minimum"] = max(node.get("minimum", INT_MIN), INT_MIN)
        node["maximum"] = min(node.get("maximum", INT_MAX), INT_MAX)
    elif kind == "object" and "propertyNames" not in node:
        node["propertyNames"] = {"pattern": TEXT_PATTERN}
    for key, value in node.items():
        if key in ("example", "examples", "default", "enum", "const", "propertyNames"):
            continue
        tighten(value)


def _refs(node: Any, found: set[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _refs(item, found)
    elif isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            _refs(value, found)


#: Request bodies of named form fields: a field there is text or a file, never JSON ``null``.
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def drop_form_nulls(body: dict[str, Any]) -> None:
    """An optional form field (``Form[date | None] = None``) is documented by pydantic as
    ``anyOf: [date, null]``, but a form cannot carry ``null``: the field is left out instead, and
    the text ``"null"`` is no date. State the field as what it is when present (in place)."""
    for content_type, media in body.get("content", {}).items():
        if content_type not in FORM_TYPES or not isinstance(media, dict):
            continue
        properties = media.get("schema", {}).get("properties", {})
        for name, field in list(properties.items()):
            options = field.get("anyOf") if isinstance(field, dict) else None
            if not isinstance(options, list):
                continue
            kept = [o for o in options if not (isinstance(o, dict) and o.get("type") == "null")]
            if len(kept) == len(options):
                continue
            rest = {k: v for k, v in field.items() if k != "anyOf"}
            properties[name] = {**kept[0], **rest} if len(kept) == 1 else {**rest, "anyOf": kept}


def tighten_requests(document: dict[str, Any]) -> None:
    """:func:`tighten` every operation's parameters and request body, and the components they use
    (answers are left as declared: they describe what was stored, not what may be sent)."""
    components = document.get("components", {}).get("schemas", {})
    names: set[str] = set()
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            tighten(operation.get("parameters", []))
            body = operation.get("requestBody")
            if body:
                drop_form_nulls(body)
                tighten(body)
                _refs(body, names)
    done: set[str] = set()
    while names - done:
        name = sorted(names - done)[0]
        done.add(name)
        schema = components.get(name)
        if schema is not None:
            _refs(schema, names)
            tighten(schema)
