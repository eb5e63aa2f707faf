"""API authentication: personal bearer tokens, or the browser session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from luoshi.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    openapi_description = (
        "Personal API token (create one at /accounts/me/tokens/). Header: Authorization: Bearer <token>"
    )

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is None:
            return None
        request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    """The logged-in browser session (CSRF is checked on unsafe methods)."""

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a session cookie there is no session to protect: a program whose token was
        # refused gets "not authenticated" (401), not a CSRF failure.
        if self.param_name not in request.COOKIES:
            return None
        try:
            return super()._get_key(request)
        except HttpError as exc:
            message = _("The page's security token is missing or out of date: reload it and try again.")
            raise HttpError(403, message) from exc

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and not user.is_active:
            return None
        return user


AUTH = [TokenAuth(), ActiveSessionAuth()]
