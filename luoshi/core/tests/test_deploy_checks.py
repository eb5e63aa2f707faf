"""``luoshi check --deploy`` warns about demo leftovers; every ``luoshi serve`` has its own control socket."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command

from luoshi.core.checks import demo_password_in_production
from luoshi.org.checks import demo_accounts
from luoshi.org.tests.factories import UserFactory


def ids(messages) -> list[str]:
    return [m.id for m in messages]


@pytest.mark.django_db
def test_no_warnings_on_an_installation_without_demo_leftovers(settings):
    UserFactory(username="zhangsan")  # a password of its own
    assert demo_accounts(None) == []
    assert demo_password_in_production(None) == []


@pytest.mark.django_db
def test_a_demo_login_is_reported_until_it_is_deactivated(settings):
    leader = UserFactory(username="leader")
    [warning] = demo_accounts(None)
    assert (warning.id, warning.msg) == ("luoshi.W010", "The demo logins are active: leader")
    leader.is_active = False
    leader.save()
    assert demo_accounts(None) == []


@pytest.mark.django_db
def test_any_account_opened_by_the_demo_password_is_reported(settings):
    settings.LUOSHI_DEMO_PASSWORD = "luoshi-demo-2026"
    user = UserFactory(username="wangwu")
    user.set_password("luoshi-demo-2026")
    user.save()
    [warning] = demo_password_in_production(None)
    assert warning.id == "luoshi.W011"
    assert warning.msg.endswith(": wangwu")
    user.set_password("a-password-of-her-own-42")
    user.save()
    assert demo_password_in_production(None) == []


@pytest.mark.django_db
def test_the_demo_open311_key_is_reported_until_it_is_deactivated():
    from luoshi.cases import open311
    from luoshi.cases.checks import demo_open311_key
    from luoshi.cases.demo import DEMO_OPEN311_KEY
    from luoshi.cases.models import Open311Key
    from luoshi.org.tests.factories import UnitFactory

    assert demo_open311_key(None) == []
    key = Open311Key.objects.create(
        name="演示客户端", prefix=DEMO_OPEN311_KEY[:12], key_hash=open311.hash_key(DEMO_OPEN311_KEY), unit=UnitFactory()
    )
    assert ids(demo_open311_key(None)) == ["luoshi.W013"]
    key.is_active = False
    key.save()
    assert demo_open311_key(None) == []


@pytest.mark.django_db
def test_check_deploy_runs_the_checks():
    from django.core.management.base import SystemCheckError

    UserFactory(username="admin")
    with pytest.raises(SystemCheckError, match=r"luoshi\.W010\) The demo logins are active: admin"):
        call_command("check", "--deploy", "--fail-level", "WARNING")


@pytest.fixture
def short_dir():
    # pytest's tmp_path can be too deep for a Unix socket's path (about 100 bytes).
    with tempfile.TemporaryDirectory(prefix="ls") as name:
        yield Path(name)


def test_each_serve_gets_its_own_control_socket(monkeypatch, settings, short_dir):
    from luoshi.core.management.commands import serve

    tmp_path = short_dir
    settings.VAR_DIR = tmp_path / "var"
    started: list[list[str]] = []
    monkeypatch.setattr(serve, "static_files_current", lambda: True)
    monkeypatch.setattr(serve.os, "execv", lambda _path, argv: started.append(argv))
    call_command("serve", "--port", "8441")
    call_command("serve", "--port", "8442")
    first, second = (argv[argv.index("--control-socket") + 1] for argv in started)
    assert first == str(tmp_path / "var" / "run" / "gunicorn-127.0.0.1-8441.ctl")
    assert second == str(tmp_path / "var" / "run" / "gunicorn-127.0.0.1-8442.ctl")
    # Another checkout (another var directory) on the same port does not share it either.
    settings.VAR_DIR = tmp_path / "other"
    call_command("serve", "--port", "8441")
    assert started[-1][started[-1].index("--control-socket") + 1] != first


def test_a_data_directory_too_deep_for_a_socket_path_uses_the_temporary_directory(settings, tmp_path):
    from luoshi.core.management.commands.serve import control_socket_path

    settings.VAR_DIR = tmp_path / ("deep" * 30)
    path = control_socket_path("127.0.0.1", "8441")
    assert len(str(path)) <= 100
    assert path.name == "gunicorn-127.0.0.1-8441.ctl"
    settings.VAR_DIR = tmp_path / ("deeper" * 30)
    assert control_socket_path("127.0.0.1", "8441") != path
