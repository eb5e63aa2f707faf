"""The organisation app's refusal codes keep their spelling (clients compare them as text; issue 15).

Each row is a real refusal through the service with the code and status a client sees; the table
is written out, not read back from ``OrgErrorCode``.
"""

from __future__ import annotations

import pytest

from luoshi.core.errors import LuoshiError
from luoshi.org import services
from luoshi.org.models import Role, UnitKind
from luoshi.org.tests.factories import UnitFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def _refusal(call) -> tuple[str, int]:
    with pytest.raises(LuoshiError) as caught:
        call()
    return str(caught.value.code), caught.value.status


def test_org_refusals_keep_their_codes(tree):
    admin = user_with_role("admin", tree["district"])
    a, dept = tree["a"], tree["dept"]
    create = services.unit_create
    assert _refusal(lambda: create(actor=admin, parent=a, name="街道下的区", kind=UnitKind.DISTRICT, code="BAD2")) == (
        "unit_placement",
        400,
    )
    assert _refusal(lambda: services.unit_update(actor=admin, unit=a, is_active=False)) == ("unit_has_children", 400)
    sub_dept = UnitFactory(name="下级科室", kind=UnitKind.DEPARTMENT, code="TAD2", parent=dept)
    assert _refusal(lambda: services.unit_update(actor=admin, unit=dept, parent=sub_dept)) == ("unit_cycle", 400)
    assert _refusal(lambda: services.unit_update(actor=admin, unit=a, version=a.version + 1, name="改名")) == (
        "stale",
        409,
    )
    user = UserFactory()
    grant = services.role_grant
    assert _refusal(lambda: grant(actor=admin, user=user, role="mayor", unit=a)) == ("unknown_role", 400)
    assert _refusal(lambda: grant(actor=admin, user=user, role=Role.DISTRICT_VIEWER, unit=a)) == ("role_placement", 400)
    services.unit_update(actor=admin, unit=tree["district"], division_code="990101000000")
    services.unit_update(actor=admin, unit=a, division_code="990101001000")
    wrong = "990102001001"
    assert _refusal(lambda: services.unit_update(actor=admin, unit=tree["community"], division_code=wrong)) == (
        "division_code_prefix",
        400,
    )
