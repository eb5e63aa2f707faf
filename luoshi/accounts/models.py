from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A login. The person behind it (name, positions) lives in ``org.Person``."""

    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    # 大字模式 (GB/T 37668-2019, 适老化): pages for this person use larger text (about 18 px).
    large_text = models.BooleanField(_("large text"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name()

    def get_short_name(self) -> str:
        return self.full_name or self.username

    def __str__(self) -> str:
        return self.full_name or self.username


def hash_token(raw: str) -> str:
    """API tokens are long random strings, so a plain SHA-256 is enough to store them."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. Only its hash is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=16, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate() -> tuple[str, str]:
        """Return ``(raw_token, prefix)``; the raw token is never stored."""
        prefix = secrets.token_hex(4)
        raw = f"{settings.LUOSHI_API_TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
        return raw, prefix

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()
