"""Writes for accounts: API tokens and administrator creation."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import threading
import time

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.accounts.error_codes import AccountErrorCode
from luoshi.accounts.models import ApiToken, User, hash_token
from luoshi.core import audit, prepared
from luoshi.core.errors import NotFound, ValidationFailed
from luoshi.org.models import RoleGrant
from luoshi.org.scope import reuse_scope, scope_for

MAX_ACTIVE_TOKENS = 20


@transaction.atomic
def api_token_create(*, user: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the row and the raw token (shown once)."""
    name = name.strip()
    if not name:
        raise ValidationFailed(
            _("Give the token a name so you can recognise it later."), code=AccountErrorCode.TOKEN_NAME_REQUIRED
        )
    if len(name) > 80:
        raise ValidationFailed(
            _("The token name is too long (80 characters at most)."), code=AccountErrorCode.TOKEN_NAME_TOO_LONG
        )
    if days is not None and not 1 <= days <= 3650:
        raise ValidationFailed(_("A token can be valid for 1 to 3650 days."), code=AccountErrorCode.TOKEN_DAYS_INVALID)
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()
    if active >= MAX_ACTIVE_TOKENS:
        raise ValidationFailed(
            _("You already have %(n)d active tokens; revoke one first.") % {"n": active},
            code=AccountErrorCode.TOKEN_LIMIT,
        )
    raw, prefix = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        key_hash=hash_token(raw),
        expires_at=timezone.now() + dt.timedelta(days=days) if days else None,
    )
    audit.record(actor=user, obj=token, verb="create", changes={"name": {"before": None, "after": name}})
    return token, raw


@transaction.atomic
def user_set_large_text(*, user: User, enabled: bool) -> User:
    """Turn 大字模式 (large-text mode) on or off for ``user``; the choice follows them to every device."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.large_text != enabled:
        audit.record(
            actor=user,
            obj=locked,
            verb="update",
            changes={"large_text": {"before": locked.large_text, "after": enabled}},
        )
        locked.large_text = enabled
        locked.save(update_fields=["large_text"])
    user.large_text = enabled
    return locked


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
    if token is None:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=user, obj=token, verb="revoke")
    return token


# Token requests come in bursts from the same program (intake from a hotline system, Open311
# bridges), so the user behind a token is kept per process for a short while. Whether the token
# is still valid and its user still active is checked on every request (one indexed query); the
# cached user and its scope are used only while the user's role grants are unchanged.
TOKEN_USER_SECONDS = 30.0
_token_users: dict[str, tuple[float, int, tuple[int, int], User]] = {}
_token_users_lock = threading.Lock()


@functools.cache
def _token_check_sql(vendor: str) -> str:
    qn = connection.ops.quote_name
    token, user = ApiToken._meta.db_table, User._meta.db_table
    grants = RoleGrant._meta.db_table
    # Only table and column names from the models go into the statement; values are parameters.
    return (
        f"SELECT t.{qn('id')}, t.{qn('user_id')}, "  # noqa: S608
        f"CASE WHEN t.{qn('last_used_at')} IS NULL OR t.{qn('last_used_at')} < %s THEN 1 ELSE 0 END, "
        f"(SELECT COUNT(*) FROM {qn(grants)} g WHERE g.{qn('user_id')} = t.{qn('user_id')}), "
        f"(SELECT COALESCE(MAX(g.{qn('id')}), 0) FROM {qn(grants)} g WHERE g.{qn('user_id')} = t.{qn('user_id')}) "
        f"FROM {qn(token)} t INNER JOIN {qn(user)} u ON u.{qn('id')} = t.{qn('user_id')} "
        f"WHERE t.{qn('key_hash')} = %s AND t.{qn('revoked_at')} IS NULL "
        f"AND (t.{qn('expires_at')} IS NULL OR t.{qn('expires_at')} > %s) AND u.{qn('is_active')}"
    )


def api_token_authenticate(raw: str) -> User | None:
    """The active user owning ``raw``, or ``None``. Updates ``last_used_at`` at most once a minute.

    Revocation, expiry and deactivation take effect on the next request; the user object (with
    its scope) is reused for up to ``TOKEN_USER_SECONDS`` while its role grants are unchanged.
    Each call returns its own copy, so nothing set on it during a request outlives the request.
    """
    if not raw or len(raw) > 200:
        return None
    key_hash = hash_token(raw)
    now = timezone.now()
    clock = time.monotonic()
    with _token_users_lock:
        hit = _token_users.get(key_hash)
    if hit is not None and clock - hit[0] < TOKEN_USER_SECONDS:
        # The cached user: one plain query checks the token, the user and the role grants.
        conn = connections[DEFAULT_DB_ALIAS]
        adapt = conn.ops.adapt_datetimefield_value
        # Prepared on PostgreSQL: it runs on every API request.
        params = [adapt(now - dt.timedelta(minutes=1)), key_hash, adapt(now)]
        row = prepared.fetchone(_token_check_sql(conn.vendor), params)
        if row is None:
            return None
        token_id, _user_id, touch, grant_count, grant_max = (int(v) for v in row)
        if token_id == hit[1] and (grant_count, grant_max) == hit[2]:
            if touch:
                ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
            user = copy.copy(hit[3])
            reuse_scope(user, scope_for(hit[3]))
            return user
    grants = RoleGrant.objects.filter(user_id=OuterRef("user_id")).order_by().values("user_id")
    token = (
        ApiToken.objects.select_related("user")
        .annotate(
            grant_count=Coalesce(Subquery(grants.annotate(n=Count("id")).values("n")[:1]), 0),
            grant_max=Coalesce(Subquery(grants.annotate(m=Max("id")).values("m")[:1]), 0),
        )
        .filter(key_hash=key_hash)
        .first()
    )
    if token is None or not token.is_active or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    template = token.user
    scope_for(template)  # computed once here; each copy gets its own Scope object with the same grants
    with _token_users_lock:
        if len(_token_users) > 1000:
            _token_users.clear()
        _token_users[key_hash] = (clock, token.pk, (token.grant_count, token.grant_max), template)
    user = copy.copy(template)
    reuse_scope(user, scope_for(template))
    return user


@transaction.atomic
def user_create_admin(*, username: str, password: str, full_name: str = "", email: str = "") -> User:
    """Create a superuser who also holds the administrator role at every root unit."""
    username = username.strip()
    if not username:
        raise ValidationFailed(_("A user name is required."), code=AccountErrorCode.USERNAME_REQUIRED)
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(
            _("The user name %(name)s is taken.") % {"name": username}, code=AccountErrorCode.USERNAME_TAKEN
        )
    user = User(username=username, full_name=full_name, email=email, is_staff=True, is_superuser=True)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), code=AccountErrorCode.WEAK_PASSWORD) from exc
    user.set_password(password)
    user.save()
    audit.record(actor=None, obj=user, verb="create", comment="createadmin")
    return user
