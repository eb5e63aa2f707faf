"""Helpers for tests (imported by test modules; not used by the application)."""

from __future__ import annotations

import os
import shutil
from typing import Any

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

DEMO_PASSWORD = "luoshi-demo-2026"  # noqa: S105 - the documented demo default


def chromium_path() -> str | None:
    for candidate in (os.environ.get("LUOSHI_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def login(page: Any, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the real login form and wait for the home page."""
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(page.base_url + "/")
