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


def picture(fmt: str = "JPEG", size: tuple[int, int] = (8, 6), *, gps: tuple[float, float] | None = None) -> bytes:
    """A small real picture (JPEG, PNG, GIF or WEBP) for upload tests; with ``gps``, EXIF location data."""
    import io

    from PIL import Image

    out = io.BytesIO()
    options: dict[str, Any] = {}
    if gps is not None:
        exif = Image.Exif()

        def dms(value: float) -> tuple[float, float, float]:
            value = abs(value)
            degrees = int(value)
            minutes = int((value - degrees) * 60)
            return (float(degrees), float(minutes), round((value - degrees - minutes / 60) * 3600, 4))

        exif[0x8825] = {1: "N" if gps[0] >= 0 else "S", 2: dms(gps[0]), 3: "E" if gps[1] >= 0 else "W", 4: dms(gps[1])}
        exif[306] = "2026:03:01 09:30:00"
        options["exif"] = exif
    mode = "RGB" if fmt in ("JPEG", "WEBP") else "P" if fmt == "GIF" else "RGBA"
    Image.new(mode, size, color=(200, 80, 40) if mode != "P" else 3).save(out, format=fmt, **options)
    return out.getvalue()


def saved_name(response: Any) -> str:
    """The name a browser saves a download under: the UTF-8 ``filename*`` of Content-Disposition."""
    from urllib.parse import unquote

    header = str(response["Content-Disposition"])
    assert header.startswith("attachment; "), header
    assert "filename*=UTF-8''" in header, header
    return unquote(header.split("filename*=UTF-8''", 1)[1])
