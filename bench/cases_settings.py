"""Settings for bench/cases_bench.py: the normal settings plus a bare JSON endpoint (see cases_urls)."""

from luoshi.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.cases_urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
# Serve static files from the finders, as in development: the bench times pages, not assets.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
if os.environ.get("BENCH_SQLITE_CACHE") == "1" and DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["OPTIONS"]["init_command"] += "PRAGMA cache_size=-65536;PRAGMA mmap_size=268435456;"  # noqa: F405
