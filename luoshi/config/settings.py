"""Luoshi settings: one module, driven by environment variables.

Environment variables (all optional in development):

- ``DATABASE_URL``: database to use; default SQLite in ``var/luoshi.sqlite3``.
- ``LUOSHI_CONN_MAX_AGE``: seconds a database connection is kept between requests (default 60).
- ``LUOSHI_SECRET_KEY``: secret key; in development one is generated in ``var/``.
- ``LUOSHI_DEBUG``: ``1`` to turn on Django's debug mode.
- ``LUOSHI_PRODUCTION``: ``1`` for secure cookies, HSTS and HTTPS redirects.
- ``LUOSHI_ALLOWED_HOSTS``: comma-separated host names.
- ``LUOSHI_VAR_DIR``: where the SQLite database, uploads and the dev key live.
- ``LUOSHI_TRUSTED_PROXIES``: how many reverse proxies in front of Luoshi append to
  ``X-Forwarded-For`` (default 0: the header is ignored); see docs/deployment.md.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

django_stubs_ext.monkeypatch()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PACKAGE_DIR.parent
VAR_DIR = Path(os.environ.get("LUOSHI_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

PRODUCTION = env_bool("LUOSHI_PRODUCTION")
DEBUG = env_bool("LUOSHI_DEBUG")
TESTING = env_bool("LUOSHI_TESTING")


def _secret_key() -> str:
    key = os.environ.get("LUOSHI_SECRET_KEY") or os.environ.get("DJANGO_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise RuntimeError("LUOSHI_SECRET_KEY must be set in production")
    key_file = VAR_DIR / "secret.key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("LUOSHI_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("LUOSHI_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Luoshi's apps come first so that their templates and zh-Hans translations
    # take precedence over those shipped with Django's own apps.
    "luoshi.core",
    "luoshi.accounts",
    "luoshi.org",
    "luoshi.notifications",
    "luoshi.bulletins",  # reads the domain apps only through core.bulletin_sections
    "luoshi.tasks",
    "luoshi.cases",
    "luoshi.indicators",
    "luoshi.awards",
    "luoshi.assessment",
    "luoshi.relocation",
    "luoshi.projects",
    "luoshi.cockpit",
    "luoshi.api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "luoshi.core.thirdparty.LockoutConfig",  # django-axes, with a Chinese name in the admin
    "csp",
    "ninja",
    "django_tasks",
    "luoshi.core.thirdparty.BackgroundJobsConfig",  # django_tasks_db, with a Chinese name in the admin
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages compressed for browsers that accept gzip (static files come compressed from whitenoise;
    # Django's GZip pads each response against BREACH). docs/frontend.md, "Weight".
    "django.middleware.gzip.GZipMiddleware",
    # Under /api/: oversize bodies refused before they are read, and every error answered in JSON.
    "luoshi.api.middleware.ApiJsonErrorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # zh-Hans for everyone unless the person chose another language (not the browser's Accept-Language).
    "luoshi.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A POST repeated with the same Idempotency-Key (API) or form token (pages) gets the first answer.
    "luoshi.core.idempotency.IdempotencyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp, with a fixed strict policy for JSON responses (luoshi.core.middleware).
    "luoshi.core.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "luoshi.core.middleware.LuoshiErrorMiddleware",
    # Control characters, lone surrogates, numbers past 64 bits and impossible dates: refused here.
    "luoshi.core.middleware.InputGuardMiddleware",
    # Axes must be last: it turns lockouts into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "luoshi.config.urls"
WSGI_APPLICATION = "luoshi.config.wsgi.application"
ASGI_APPLICATION = "luoshi.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "luoshi.core.context_processors.layout",
                "luoshi.notifications.context_processors.unread",
            ],
            "builtins": ["django.templatetags.i18n"],
        },
    }
]

# --- Database ---------------------------------------------------------------
DEFAULT_SQLITE_URL = f"sqlite:///{VAR_DIR / 'luoshi.sqlite3'}"
DATABASES: dict[str, Any] = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or DEFAULT_SQLITE_URL,
        # Keep connections between requests (a new PostgreSQL connection costs more than most
        # pages); checked before reuse so a restarted database server is noticed.
        conn_max_age=int(os.environ.get("LUOSHI_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer writes; IMMEDIATE avoids
        # "database is locked" upgrades inside transactions.
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=5000;PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"].setdefault("TEST", {})
    DATABASES["default"]["TEST"]["NAME"] = os.environ.get("LUOSHI_TEST_SQLITE") or None
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("LUOSHI_PG_PREPARE", True):
    # Statements that ask for it (case intake, luoshi.cases.rows) are prepared on the server once per
    # connection; Django's own cursors bind on the client and are never prepared. Set
    # LUOSHI_PG_PREPARE=0 behind a pooler in transaction mode without prepared-statement support.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2**31 - 1
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool("LUOSHI_PG_JIT", False):
    # PostgreSQL's JIT compiles the plan of any query it estimates costly: 100+ ms of compiling for
    # counts over a township's year of cases that run in as much (bench/RESULTS-bulletins.md). Off per
    # connection; LUOSHI_PG_JIT=1 leaves the server's setting.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and security ---------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests that do not check hashing use MD5.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after repeated failures (django-axes).
AXES_FAILURE_LIMIT = int(os.environ.get("LUOSHI_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("LUOSHI_LOGIN_COOLOFF_HOURS", "0.5"))
# A user name is locked after AXES_FAILURE_LIMIT failures from anywhere, an address after
# LUOSHI_LOGIN_ADDRESS_LIMIT failures over all user names (luoshi.accounts.lockout).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "luoshi.accounts.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "luoshi.core.clientip.client_address"
LUOSHI_LOGIN_ADDRESS_LIMIT = int(os.environ.get("LUOSHI_LOGIN_ADDRESS_LIMIT", "50"))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Sessions: expire after 4 idle hours, and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("LUOSHI_SESSION_SECONDS", str(4 * 3600)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("LUOSHI_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("LUOSHI_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False

# Content Security Policy: scripts only from our own origin, never inline.
# ECharts and Leaflet set element styles, hence 'unsafe-inline' for styles only.
# The maps' background (luoshi.core.maptiles, docs/deployment.md): an office's tile server or 天地图.
LUOSHI_MAP_TILE_URL = os.environ.get("LUOSHI_MAP_TILE_URL", "")
LUOSHI_MAP_TILE_SUBDOMAINS = os.environ.get("LUOSHI_MAP_TILE_SUBDOMAINS", "")
LUOSHI_MAP_TILE_ATTRIBUTION = os.environ.get("LUOSHI_MAP_TILE_ATTRIBUTION", "")
LUOSHI_MAP_TIANDITU_KEY = os.environ.get("LUOSHI_MAP_TIANDITU_KEY", "")
_tile_hosts = env_list("LUOSHI_MAP_TILE_HOSTS", [])
if LUOSHI_MAP_TIANDITU_KEY:
    _tile_hosts.append("https://*.tianditu.gov.cn")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *_tile_hosts],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Internationalisation ----------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "config" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static files and uploads --------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
_NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS: list[Any] = [PACKAGE_DIR / "static"]
# Leaflet as shipped; ECharts only as the project's own build below (its 51 MB dist/ folder is not
# served: no page loads the full bundle, and collectstatic would compress it all).
for _prefix, _dist in (("vendor/leaflet", "leaflet/dist"),):
    if (_NODE_MODULES / _dist).is_dir():
        STATICFILES_DIRS.append((_prefix, _NODE_MODULES / _dist))
# The project's own small ECharts build (`npm run build`, run by `make install`; docs/frontend.md).
CHARTS_BUILD_DIR = BASE_DIR / "build" / "charts"
if CHARTS_BUILD_DIR.is_dir():
    STATICFILES_DIRS.append(("vendor/charts", CHARTS_BUILD_DIR))
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES: dict[str, Any] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not (DEBUG or TESTING)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Logging ---------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LUOSHI_LOG_LEVEL", "WARNING")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Background work (django-tasks) ----------------------------------------------
# Queued work (e.g. webhook deliveries) is stored in the database and run by
# `luoshi worker`; the test suite runs it immediately.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend"
        )
    }
}

# --- Luoshi -------------------------------------------------------------------
LUOSHI_DEMO_PASSWORD = os.environ.get("LUOSHI_DEMO_PASSWORD", "luoshi-demo-2026")
LUOSHI_PAGE_SIZE = int(os.environ.get("LUOSHI_PAGE_SIZE", "50"))
# Render an issued bulletin's PDF with headless LibreOffice at issue time (off in tests: slow;
# the tests that check the PDF turn it on). See docs/bulletins.md.
LUOSHI_BULLETIN_PDF = env_bool("LUOSHI_BULLETIN_PDF", not TESTING)
LUOSHI_API_TOKEN_PREFIX = "lsk"
LUOSHI_SITE_URL = os.environ.get("LUOSHI_SITE_URL", "")
# PostgreSQL: the role the application serves as, when it is not the tables' owner (docs/operations.md).
LUOSHI_DB_APP_ROLE = os.environ.get("LUOSHI_DB_APP_ROLE", "")
# Reverse proxies whose X-Forwarded-For entries are believed, counted from the server (luoshi.core.clientip).
LUOSHI_TRUSTED_PROXIES = int(os.environ.get("LUOSHI_TRUSTED_PROXIES", "0"))

# Outbound webhook (WeCom / DingTalk style JSON POST); off while the URL is empty.
LUOSHI_WEBHOOK_URL = os.environ.get("LUOSHI_WEBHOOK_URL", "")
LUOSHI_WEBHOOK_STYLE = os.environ.get("LUOSHI_WEBHOOK_STYLE", "wecom")  # wecom | dingtalk | json
LUOSHI_WEBHOOK_SECRET = os.environ.get("LUOSHI_WEBHOOK_SECRET", "")
LUOSHI_WEBHOOK_TIMEOUT = float(os.environ.get("LUOSHI_WEBHOOK_TIMEOUT", "5"))
LUOSHI_WEBHOOK_KINDS = env_list("LUOSHI_WEBHOOK_KINDS", [])  # notification kinds to forward, by prefix
NINJA_PAGINATION_PER_PAGE = LUOSHI_PAGE_SIZE

# The hotline the public pages give residents (a refused public report names it): per township or
# subdistrict short code in LUOSHI_PUBLIC_HOTLINES (JSON), else LUOSHI_PUBLIC_HOTLINE (12345, the
# government service hotline every city runs). The default names the demo's 城东街道 (code CD).
LUOSHI_PUBLIC_HOTLINE = os.environ.get("LUOSHI_PUBLIC_HOTLINE", "12345")
LUOSHI_PUBLIC_HOTLINES: dict[str, str] = json.loads(os.environ.get("LUOSHI_PUBLIC_HOTLINES", '{"CD": "0599-6301234"}'))

# Forms rendered with {{ form }} put each field's errors under its box (luoshi.core.forms).
FORM_RENDERER = "luoshi.core.forms.FormRenderer"
