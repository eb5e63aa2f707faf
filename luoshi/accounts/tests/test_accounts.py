"""Login, lockout, tokens, admin creation and the security settings."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from luoshi.accounts.models import ApiToken, User, hash_token
from luoshi.accounts.services import api_token_authenticate, api_token_create, api_token_revoke
from luoshi.core.errors import NotFound, ValidationFailed
from luoshi.org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_and_logs_in(client):
    UserFactory(username="zhang")
    html = client.get(reverse("accounts:login")).content.decode()
    assert "登录落实平台" in html
    response = client.post(reverse("accounts:login"), {"username": "zhang", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_wrong_password_shows_a_chinese_error(client):
    UserFactory(username="li")
    response = client.post(reverse("accounts:login"), {"username": "li", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_lockout_after_repeated_failures(client):
    UserFactory(username="wang")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "wang", "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": "wang", "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_logout_is_a_post(client):
    client.force_login(UserFactory())
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("core:home")).status_code == 302


def test_tokens_are_stored_hashed_and_shown_once(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:tokens"), {"name": "报表脚本", "days": 30})
    html = response.content.decode()
    token = ApiToken.objects.get(user=user)
    raw = html.split('data-testid="new-token">')[1].split("<")[0].strip()
    assert raw.startswith("lsk_")
    assert token.key_hash == hash_token(raw)
    assert raw not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert api_token_authenticate(raw) == user
    assert raw not in client.get(reverse("accounts:tokens")).content.decode()


def test_revoked_and_expired_tokens_stop_working():
    user = UserFactory()
    token, raw = api_token_create(user=user, name="临时")
    api_token_revoke(user=user, token_id=token.pk)
    assert api_token_authenticate(raw) is None
    with pytest.raises(NotFound):
        api_token_revoke(user=UserFactory(), token_id=token.pk)
    with pytest.raises(ValidationFailed):
        api_token_create(user=user, name="  ")
    with pytest.raises(ValidationFailed):
        api_token_create(user=user, name="x", days=0)


def test_token_of_an_inactive_user_is_refused():
    user = UserFactory()
    _, raw = api_token_create(user=user, name="x")
    user.is_active = False
    user.save()
    assert api_token_authenticate(raw) is None


def test_a_token_user_is_reused_briefly_but_revocation_and_role_changes_apply_at_once():
    from luoshi.org.models import Role, RoleGrant
    from luoshi.org.scope import scope_for
    from luoshi.org.tests.factories import UnitFactory

    user = UserFactory()
    token, raw = api_token_create(user=user, name="对接")
    first = api_token_authenticate(raw)
    assert first == user and scope_for(first).is_empty
    first.marker = "this request only"
    second = api_token_authenticate(raw)
    assert second == user and second is not first and not hasattr(second, "marker")
    assert scope_for(second) is not scope_for(first)  # per-request memory on a scope stays in its request
    # A new role is seen by the next request, not after the cache expires.
    unit = UnitFactory()
    RoleGrant.objects.create(user=user, role=Role.GRID_WORKER, unit=unit)
    assert scope_for(api_token_authenticate(raw)).roles_at(unit) == {Role.GRID_WORKER}
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=None)
    api_token_authenticate(raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    api_token_revoke(user=user, token_id=token.pk)
    assert api_token_authenticate(raw) is None
    assert api_token_authenticate("lsk_unknown") is None


def test_createadmin_command(monkeypatch):
    monkeypatch.setenv("ADMIN_PW", "a-long-enough-passw0rd")
    call_command("createadmin", "root2", "--password-env", "ADMIN_PW", "--full-name", "管理员")
    admin = User.objects.get(username="root2")
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password("a-long-enough-passw0rd")


def test_createadmin_refuses_a_weak_password(monkeypatch):
    from django.core.management.base import CommandError

    monkeypatch.setenv("ADMIN_PW", "123")
    with pytest.raises(CommandError):
        call_command("createadmin", "root3", "--password-env", "ADMIN_PW")


def test_django_admin_is_for_administrators(client):
    client.force_login(UserFactory())
    assert client.get("/admin/").status_code == 302
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/org/unit/").status_code == 200
    assert client.get("/admin/core/activitylog/").status_code == 200


def _settings_in_subprocess(code: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LUOSHI_", "DJANGO_"))}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "luoshi.config.settings"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); from django.conf import settings as s; print({code})"],
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_production_settings_are_secure():
    out = _settings_in_subprocess(
        "s.PASSWORD_HASHERS[0], s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, s.DEBUG",
        LUOSHI_PRODUCTION="1",
        LUOSHI_SECRET_KEY="x" * 60,
    )
    assert out == "django.contrib.auth.hashers.Argon2PasswordHasher True True True False"


def test_every_response_carries_a_content_security_policy(client):
    response = client.get(reverse("accounts:login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert response["X-Frame-Options"] == "DENY"


def test_json_responses_get_a_policy_that_allows_nothing(client):
    """The API answers with data, never a page: its fixed policy lets it load, run and be framed by nothing."""
    response = client.get("/api/v1/cases")  # not logged in: a JSON 401
    assert response.status_code == 401 and response["Content-Type"].startswith("application/json")
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    page = client.get(reverse("accounts:login"))
    assert "script-src 'self'" in page["Content-Security-Policy"]


def test_sessions_expire():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST


# --- Lockout behind a proxy: per user name, and a separate per-address limit -------------------------------------


def _login(client, username, password, address):
    # nginx appends the client's address to whatever X-Forwarded-For the client sent.
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=f"198.51.100.66, {address}",
    )


def test_behind_the_proxy_one_persons_failures_do_not_lock_out_everybody(client, settings):
    settings.LUOSHI_TRUSTED_PROXIES = 1
    UserFactory(username="zhao")
    UserFactory(username="qian")
    for _ in range(4):
        assert _login(client, "zhao", "wrong", "203.0.113.1").status_code == 200
    assert _login(client, "zhao", "wrong", "203.0.113.1").status_code == 429  # the 5th failure locks the name
    assert _login(client, "zhao", "correct-horse-battery", "203.0.113.1").status_code == 429
    # Every request came from 127.0.0.1 (nginx), yet another person at another address still logs in.
    assert _login(client, "qian", "correct-horse-battery", "203.0.113.2").status_code == 302


def test_a_user_name_is_locked_from_every_address_and_spoofing_the_header_does_not_help(client, settings):
    settings.LUOSHI_TRUSTED_PROXIES = 1
    UserFactory(username="sun")
    for n in range(5):
        client.post(
            reverse("accounts:login"),
            {"username": "sun", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 203.0.113.{n}",
        )
    assert _login(client, "sun", "correct-horse-battery", "203.0.113.200").status_code == 429


def test_an_address_is_locked_after_its_own_limit_over_all_user_names(client, settings):
    settings.LUOSHI_TRUSTED_PROXIES = 1
    settings.LUOSHI_LOGIN_ADDRESS_LIMIT = 8
    UserFactory(username="zhou")
    for n in range(7):  # seven names, one failure each: no name reaches 5, the address is at 7 of 8
        _login(client, f"nobody{n}", "wrong", "203.0.113.50")
    assert _login(client, "zhou", "correct-horse-battery", "203.0.113.50").status_code == 302
    client.logout()
    _login(client, "nobody7", "wrong", "203.0.113.50")  # the 8th failure from this address
    assert _login(client, "zhou", "correct-horse-battery", "203.0.113.50").status_code == 429
    # The same person from another address is not affected.
    assert _login(client, "zhou", "correct-horse-battery", "203.0.113.51").status_code == 302


def test_logging_in_clears_the_user_names_failures_but_not_the_addresss(client, settings):
    settings.LUOSHI_TRUSTED_PROXIES = 1
    settings.LUOSHI_LOGIN_ADDRESS_LIMIT = 6
    UserFactory(username="wu")
    UserFactory(username="zheng")
    for n in range(5):
        _login(client, f"guess{n}", "wrong", "203.0.113.60")
    assert _login(client, "wu", "correct-horse-battery", "203.0.113.60").status_code == 302
    client.logout()
    _login(client, "guess5", "wrong", "203.0.113.60")  # the 6th failure from the address
    assert _login(client, "zheng", "correct-horse-battery", "203.0.113.60").status_code == 429
