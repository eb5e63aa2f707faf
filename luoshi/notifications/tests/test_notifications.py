from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from luoshi.notifications import services
from luoshi.notifications.models import Notification
from luoshi.notifications.selectors import unread_count
from luoshi.org.tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_notify_writes_one_row_per_active_recipient():
    a, b = UserFactory(), UserFactory(is_active=False)
    unit = UnitFactory()
    rows = services.notify(recipients=[a, b, a, None], kind="reminder", title="请尽快办理", url="/org/", obj=unit)
    assert len(rows) == 1
    assert rows[0].object_id == str(unit.pk)
    assert unread_count(a) == 1


def test_rolled_back_action_sends_nothing():
    user = UserFactory()

    def send_then_fail():
        with transaction.atomic():
            services.notify(recipients=[user], kind="x", title="t")
            raise RuntimeError("rollback")

    with pytest.raises(RuntimeError):
        send_then_fail()
    assert not Notification.objects.exists()


def test_deliverers_run_after_commit(django_capture_on_commit_callbacks):
    seen: list[int] = []

    def deliver(rows):
        seen.extend(r.pk for r in rows)

    services.register_deliverer(deliver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            rows = services.notify(recipients=[UserFactory()], kind="x", title="t")
        assert seen == [rows[0].pk]
    finally:
        services._deliverers.remove(deliver)


def test_centre_lists_opens_and_marks_read(client):
    user, other = UserFactory(), UserFactory()
    mine = services.notify(recipients=[user], kind="x", title="我的消息", url="/org/")[0]
    theirs = services.notify(recipients=[other], kind="x", title="别人的消息")[0]
    client.force_login(user)
    html = client.get(reverse("notifications:list")).content.decode()
    assert "我的消息" in html and "别人的消息" not in html
    assert 'data-testid="unread-count">1<' in html
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    response = client.get(reverse("notifications:open", args=[mine.pk]))
    assert response["Location"] == "/org/"
    assert unread_count(user) == 0
    services.notify(recipients=[user], kind="x", title="再来一条")
    client.post(reverse("notifications:read_all"))
    assert unread_count(user) == 0


def test_open_does_not_redirect_off_site(client):
    user = UserFactory()
    note = services.notify(recipients=[user], kind="x", title="t", url="https://evil.example/")[0]
    client.force_login(user)
    assert client.get(reverse("notifications:open", args=[note.pk]))["Location"] == reverse("notifications:list")
