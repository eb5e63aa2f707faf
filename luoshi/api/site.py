"""The assembled API at /api/v1/: auth, error format and every app's router."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema

from luoshi.api.auth import AUTH
from luoshi.api.openapi import tighten_requests
from luoshi.api.registry import routers
from luoshi.core.errors import ErrorCode, LuoshiError

#: Statuses every operation may answer, whatever its handler declares: authentication (401), scope
#: and permission (403/404), validation (400/422) and state (409). Operations with a body can also
#: be too large (413); rate-limited and idempotent writes can be refused with 429 / 409.
COMMON_ERRORS: dict[int, str] = {
    400: "The request is not valid (the message says why).",
    401: "Not logged in, or the API token is missing, wrong or revoked.",
    403: "The caller may not do this.",
    404: "The object does not exist or is outside the caller's scope.",
    409: "The object changed meanwhile, or is in a state that does not allow this.",
    422: "The parameters or the body do not match the schema.",
}
BODY_ERRORS: dict[int, str] = {
    413: "The request body is larger than the server accepts.",
    429: "Too many requests from this caller; retry later.",
}
ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


class LuoshiAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document lists every status an operation can answer (see COMMON_ERRORS)."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error_schema = {
            "title": "ErrorOut",
            "type": "object",
            "properties": {
                "code": {"title": "Code", "type": "string", "description": "Stable machine-readable error code"},
                "message": {"title": "Message", "type": "string", "description": "Message for people (Chinese)"},
                "details": {"title": "Details"},
            },
            "required": ["code", "message"],
        }
        schema.setdefault("components", {}).setdefault("schemas", {}).setdefault("ErrorOut", error_schema)
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                extra = dict(COMMON_ERRORS)
                if method in {"post", "put", "patch"}:
                    extra.update(BODY_ERRORS)
                for status, description in extra.items():
                    if status not in responses and str(status) not in responses:
                        content = {"application/json": {"schema": ERROR_REF}}
                        responses[status] = {"description": description, "content": content}
        tighten_requests(schema)
        return schema


def build_api() -> NinjaAPI:
    api = LuoshiAPI(
        title="Luoshi API",
        version="1",
        description=(
            "落实 Luoshi: organisation, tasks, cases and indicators. Every list is scoped to the caller's units "
            "and paginated. Errors are JSON objects with a stable `code` and a `message` in Chinese."
        ),
        auth=AUTH,
        urls_namespace="api",
        docs_url="/docs",
        openapi_url="/openapi.json",
    )

    def error(request: HttpRequest, status: int, code: str, message: str, details: Any = None) -> HttpResponse:
        body: dict[str, Any] = {"code": str(code), "message": message}
        if details is not None:
            body["details"] = details
        return api.create_response(request, body, status=status)

    @api.exception_handler(LuoshiError)
    def luoshi_error(request: HttpRequest, exc: LuoshiError) -> HttpResponse:
        return error(request, exc.status, exc.code, str(exc.message), exc.details)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        details = [
            {"loc": list(e.get("loc", [])), "msg": str(e.get("msg", "")), "type": e.get("type", "")} for e in exc.errors
        ]
        return error(request, 422, ErrorCode.INVALID, _("Some of the data is not valid."), details)

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error(request, 401, ErrorCode.NOT_AUTHENTICATED, _("Please log in or send a valid API token."))

    @api.exception_handler(AuthorizationError)
    def authz_error(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return error(request, 403, ErrorCode.FORBIDDEN, _("You are not allowed to do this."))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error(request, 404, ErrorCode.NOT_FOUND, _("The object does not exist or is outside your scope."))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and str(exc.message) == "Cannot parse request body":
            # django-ninja's words for a body that is not JSON (or not the declared form encoding).
            message = _("The request body could not be read: send JSON (Content-Type: application/json).")
            return error(request, 400, ErrorCode.UNREADABLE_BODY, message)
        codes = {401: ErrorCode.NOT_AUTHENTICATED, 403: ErrorCode.FORBIDDEN, 404: ErrorCode.NOT_FOUND}
        return error(request, exc.status_code, codes.get(exc.status_code, ErrorCode.BAD_REQUEST), str(exc.message))

    for prefix, router in routers():
        api.add_router(prefix, router)
    return api


api = build_api()
