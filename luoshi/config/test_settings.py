"""Settings for the test suite: the normal settings with LUOSHI_TESTING on."""

import os

os.environ["LUOSHI_TESTING"] = "1"
# Playwright's sync API runs an event loop in the test thread; Django's ORM
# refuses to run under one unless told it is safe, which it is in tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from luoshi.config.settings import *  # noqa: F403

AXES_ENABLED = True
LUOSHI_DEMO_PASSWORD = "luoshi-demo-2026"  # noqa: S105
