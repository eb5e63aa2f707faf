"""The outbound webhook adapter, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from luoshi.notifications import webhook
from luoshi.notifications.services import notify
from luoshi.org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class Recorder(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length).decode("utf-8"))
        Recorder.received.append({"path": self.path, "body": body, "type": self.headers.get("Content-Type")})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"errcode": 0}')

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(autouse=True)
def immediate_tasks(settings: Any) -> None:
    """Deliver at once, whatever queue the site is configured with."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def server() -> Iterator[str]:
    Recorder.received = []
    httpd = HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/robot/send?key=test"
    httpd.shutdown()
    httpd.server_close()


def test_off_by_default(settings, server, django_capture_on_commit_callbacks):
    settings.LUOSHI_WEBHOOK_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[UserFactory()], kind="task.reminder", title="催办")
    assert Recorder.received == []


def test_wecom_markdown_post_after_commit(settings, server, django_capture_on_commit_callbacks):
    settings.LUOSHI_WEBHOOK_URL = server
    settings.LUOSHI_SITE_URL = "https://luoshi.example.cn"
    a, b = UserFactory(full_name="张三"), UserFactory(full_name="李四")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[a, b], kind="task.reminder", title="催办：东星4号地块", body="请加快", url="/tasks/1/")
    assert Recorder.received == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    assert len(Recorder.received) == 1
    sent = Recorder.received[0]
    assert sent["path"].startswith("/robot/send") and sent["type"].startswith("application/json")
    content = sent["body"]["markdown"]["content"]
    assert "催办：东星4号地块" in content and "张三" in content and "李四" in content
    assert "https://luoshi.example.cn/tasks/1/" in content


def test_dingtalk_style_is_signed(settings, server, django_capture_on_commit_callbacks):
    settings.LUOSHI_WEBHOOK_URL = server
    settings.LUOSHI_WEBHOOK_STYLE = "dingtalk"
    settings.LUOSHI_WEBHOOK_SECRET = "SECabc"
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[UserFactory()], kind="task.overdue", title="逾期")
    sent = Recorder.received[0]
    assert "timestamp=" in sent["path"] and "sign=" in sent["path"]
    assert sent["body"]["msgtype"] == "markdown" and sent["body"]["markdown"]["title"] == "逾期"


def test_kind_filter_and_unreachable_server_never_raise(settings, django_capture_on_commit_callbacks):
    settings.LUOSHI_WEBHOOK_URL = "http://127.0.0.1:9/nothing-listens-here"
    settings.LUOSHI_WEBHOOK_KINDS = ["task."]
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[UserFactory()], kind="task.overdue", title="逾期")
        notify(recipients=[UserFactory()], kind="case.new", title="新案件")
    assert webhook.send_webhook.call("ftp://x", {}) == 0


def test_signature_matches_dingtalk_recipe():
    url = webhook.signed_url("https://oapi.example/robot/send?access_token=t", "SEC1", now_ms=1700000000000)
    assert url.startswith("https://oapi.example/robot/send?access_token=t&timestamp=1700000000000&sign=")
