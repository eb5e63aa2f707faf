"""Outbound webhook adapter: notifications as a WeCom or DingTalk group-robot JSON POST.

Off unless ``LUOSHI_WEBHOOK_URL`` is set. Settings (read at call time, safe defaults):

- ``LUOSHI_WEBHOOK_URL``: the robot's webhook address; empty turns the adapter off.
- ``LUOSHI_WEBHOOK_STYLE``: ``wecom`` (default), ``dingtalk`` or ``json`` (a plain list).
- ``LUOSHI_WEBHOOK_SECRET``: DingTalk signing secret (adds ``timestamp`` and ``sign``).
- ``LUOSHI_WEBHOOK_KINDS``: notification kinds to forward, by prefix (default: all).
- ``LUOSHI_WEBHOOK_TIMEOUT``: seconds (default 5).
- ``LUOSHI_SITE_URL``: e.g. ``https://luoshi.example.gov.cn``, to turn links absolute.

Delivery runs as a django-tasks task, enqueued after the transaction commits:
immediately with the default backend, or by ``luoshi worker`` with the database
backend. A failed POST is logged and never breaks the action that caused it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.parse
import urllib.request
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django_tasks import task

from luoshi.notifications.models import Notification

logger = logging.getLogger(__name__)
MAX_LINES = 20


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default) or default


def is_enabled() -> bool:
    return bool(_setting("LUOSHI_WEBHOOK_URL", ""))


def _wanted(kind: str) -> bool:
    kinds: Sequence[str] = _setting("LUOSHI_WEBHOOK_KINDS", ())
    return not kinds or any(kind.startswith(k) for k in kinds)


def build_payload(notes: Sequence[dict[str, Any]], style: str) -> dict[str, Any] | list[dict[str, Any]]:
    """The request body for one batch of notifications (already plain dicts)."""
    if style == "json":
        return list(notes)
    site = str(_setting("LUOSHI_SITE_URL", "")).rstrip("/")
    by_message: dict[tuple[str, str, str], list[str]] = {}
    for note in notes:
        by_message.setdefault((note["title"], note["body"], note["url"]), []).append(note["recipient"])
    lines: list[str] = []
    for (title, body, url), names in list(by_message.items())[:MAX_LINES]:
        link = f"{site}{url}" if url and site and url.startswith("/") else url
        head = f"[{title}]({link})" if link else title
        lines.append(f"- **{head}**  \n  → {'、'.join(names)}" + (f"  \n  > {body}" if body else ""))
    text = "\n".join(lines)
    if style == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": notes[0]["title"][:60] if notes else "", "text": text}}
    return {"msgtype": "markdown", "markdown": {"content": text}}


def signed_url(url: str, secret: str, now_ms: int | None = None) -> str:
    """DingTalk signing: ``timestamp`` and ``sign`` = base64(HMAC-SHA256(timestamp + "\\n" + secret))."""
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest).decode())
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp}&sign={sign}"


@task()
def send_webhook(url: str, body: Any, timeout: float = 5.0) -> int:
    """POST ``body`` as JSON to ``url``; return the HTTP status (0 on a network error)."""
    if not url.startswith(("http://", "https://")):
        logger.warning("webhook url must be http(s): %s", url)
        return 0
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return int(response.status)
    except Exception as exc:  # noqa: BLE001 - delivery must never break the caller
        logger.warning("webhook delivery failed: %s", exc)
        return 0


def deliver(notes: list[Notification]) -> None:
    """Deliverer registered with the notifications service (called after commit)."""
    url = str(_setting("LUOSHI_WEBHOOK_URL", ""))
    if not url:
        return
    rows = [
        {
            "kind": n.kind,
            "title": n.title,
            "body": n.body,
            "url": n.url,
            "recipient": str(n.recipient) if n.recipient_id else "",
            "created_at": n.created_at.isoformat(),
        }
        for n in notes
        if _wanted(n.kind)
    ]
    if not rows:
        return
    style = str(_setting("LUOSHI_WEBHOOK_STYLE", "wecom"))
    secret = str(_setting("LUOSHI_WEBHOOK_SECRET", ""))
    if style == "dingtalk" and secret:
        url = signed_url(url, secret)
    try:
        send_webhook.enqueue(url, build_payload(rows, style), float(_setting("LUOSHI_WEBHOOK_TIMEOUT", 5)))
    except Exception as exc:  # noqa: BLE001 - e.g. the queue is unavailable
        logger.warning("webhook could not be queued: %s", exc)
