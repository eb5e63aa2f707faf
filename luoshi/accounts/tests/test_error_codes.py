"""The accounts app's refusal codes keep their spelling (clients compare them as text; issue 15).

Each row is a real refusal through the service with the code and status a client sees; the table
is written out, not read back from ``AccountErrorCode``.
"""

from __future__ import annotations

import pytest

from luoshi.accounts import services
from luoshi.core.errors import LuoshiError
from luoshi.org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _refusal(call) -> tuple[str, int]:
    with pytest.raises(LuoshiError) as caught:
        call()
    return str(caught.value.code), caught.value.status


def test_account_refusals_keep_their_codes():
    user = UserFactory(username="wangfang")
    token = services.api_token_create
    assert _refusal(lambda: token(user=user, name="  ")) == ("token_name_required", 400)
    assert _refusal(lambda: token(user=user, name="x" * 81)) == ("token_name_too_long", 400)
    assert _refusal(lambda: token(user=user, name="报表", days=0)) == ("token_days_invalid", 400)
    admin = services.user_create_admin
    assert _refusal(lambda: admin(username=" ", password="Lq-7f2c9xK!")) == ("username_required", 400)
    assert _refusal(lambda: admin(username="wangfang", password="Lq-7f2c9xK!")) == ("username_taken", 400)
    assert _refusal(lambda: admin(username="zhouli", password="123")) == ("weak_password", 400)
