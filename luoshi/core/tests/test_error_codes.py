"""The platform's refusal codes keep their spelling (clients compare them as text; issue 15).

Each row is a real refusal raised through the helper that owns it, with the code and status a
client sees; the table is written out, not read back from ``ErrorCode``.
"""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from luoshi.accounts.models import User
from luoshi.api.pagination import paginate
from luoshi.core import params, uploads, versioning
from luoshi.core.bounds import date_in_range
from luoshi.core.errors import LuoshiError
from luoshi.core.links import LinkUnavailable, spawn_task
from luoshi.core.validators import check_text
from luoshi.org.models import Unit


def _refusal(call) -> tuple[str, int]:
    with pytest.raises(LuoshiError) as caught:
        call()
    return str(caught.value.code), caught.value.status


class _Upload(io.BytesIO):
    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name
        self.size = len(data)


def test_core_refusals_keep_their_codes() -> None:
    users: QuerySet[User] = User.objects.none()
    assert _refusal(lambda: check_text("a\x00b", "title")) == ("control_characters", 400)
    assert _refusal(lambda: params.get_id({"category": "abc"}, "category")) == ("bad_parameter", 400)
    assert _refusal(lambda: paginate(users, 0, 20)) == ("bad_parameter", 400)
    assert _refusal(lambda: paginate(users, 1, 501)) == ("bad_parameter", 400)
    assert _refusal(lambda: uploads.check_size(_Upload(b"", "a.pdf"), 100)) == ("file_empty", 400)
    assert _refusal(lambda: uploads.check_size(_Upload(b"x" * 101, "a.pdf"), 100)) == ("file_size", 400)
    assert _refusal(lambda: uploads.check_xlsx(b"not a workbook")) == ("file_type", 400)


def test_paging_names_the_parameter_it_refuses() -> None:
    with pytest.raises(LuoshiError) as caught:
        paginate(User.objects.none(), 1, 0)
    assert list(caught.value.details) == ["page_size"]


def test_a_date_out_of_range_is_date_range() -> None:
    import datetime as dt

    with pytest.raises(ValidationError) as caught:
        date_in_range(dt.date(1999, 12, 31))
    assert caught.value.code == "date_range"


@pytest.mark.django_db
def test_a_stale_version_is_stale(tree) -> None:
    unit = tree["a"]
    assert _refusal(lambda: versioning.lock_checked(Unit.objects.all(), unit.pk, unit.version + 1)) == ("stale", 409)


def test_a_link_to_a_missing_app_is_link_unavailable(monkeypatch) -> None:
    from luoshi.core import links

    monkeypatch.setattr(links, "_tasks", None)
    with pytest.raises(LinkUnavailable) as caught:
        spawn_task(actor=None, request=None)
    assert (caught.value.code, caught.value.status) == ("link_unavailable", 409)
