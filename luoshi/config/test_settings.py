"""Settings for the test suite: the normal settings with LUOSHI_TESTING on."""

import os

os.environ["LUOSHI_TESTING"] = "1"
# Playwright's sync API runs an event loop in the test thread; Django's ORM
# refuses to run under one unless told it is safe, which it is in tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from luoshi.config.settings import *  # noqa: F403

AXES_ENABLED = True
LUOSHI_DEMO_PASSWORD = "luoshi-demo-2026"  # noqa: S105

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # The tests' PostgreSQL: Django's backend emptying tables with DELETE rather than TRUNCATE after
    # each test that commits (luoshi/core/testdb/base.py says why), and commits that do not wait for
    # the write-ahead log to reach the disk (a crash loses a throw-away test database, nothing else).
    DATABASES["default"]["ENGINE"] = "luoshi.core.testdb"  # noqa: F405
    _options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _options["options"] = (_options.get("options", "") + " -c synchronous_commit=off").strip()
