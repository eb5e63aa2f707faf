"""Writes for accounts: API tokens and administrator creation."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.accounts.models import ApiToken, User, hash_token
from luoshi.core import audit
from luoshi.core.errors import NotFound, ValidationFailed

MAX_ACTIVE_TOKENS = 20


@transaction.atomic
def api_token_create(*, user: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the row and the raw token (shown once)."""
    name = name.strip()
    if not name:
        raise ValidationFailed(_("Give the token a name so you can recognise it later."), code="token_name_required")
    if len(name) > 80:
        raise ValidationFailed(_("The token name is too long (80 characters at most)."), code="token_name_too_long")
    if days is not None and not 1 <= days <= 3650:
        raise ValidationFailed(_("A token can be valid for 1 to 3650 days."), code="token_days_invalid")
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()
    if active >= MAX_ACTIVE_TOKENS:
        raise ValidationFailed(
            _("You already have %(n)d active tokens; revoke one first.") % {"n": active}, code="token_limit"
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
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
    if token is None:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=user, obj=token, verb="revoke")
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The active user owning ``raw``, or ``None``. Updates ``last_used_at`` at most once a minute."""
    if not raw or len(raw) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def user_create_admin(*, username: str, password: str, full_name: str = "", email: str = "") -> User:
    """Create a superuser who also holds the administrator role at every root unit."""
    username = username.strip()
    if not username:
        raise ValidationFailed(_("A user name is required."), code="username_required")
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(_("The user name %(name)s is taken.") % {"name": username}, code="username_taken")
    user = User(username=username, full_name=full_name, email=email, is_staff=True, is_superuser=True)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), code="weak_password") from exc
    user.set_password(password)
    user.save()
    audit.record(actor=None, obj=user, verb="create", comment="createadmin")
    return user
