from __future__ import annotations

from typing import Any

import pytest

from luoshi.indicators.models import Indicator
from luoshi.indicators.tests.factories import IndicatorFactory
from luoshi.org.models import Role
from luoshi.org.tests.factories import UnitFactory, user_with_role


@pytest.fixture
def ind(db: Any) -> Any:
    """A small catalogue of its own (the seeded one is removed so that scorecards stay short)."""
    Indicator.objects.all().delete()
    return {
        "gdp": IndicatorFactory(code="t_output", name="规上工业产值", aliases=["规上工业总产值"], decimals=0),
        "tax": IndicatorFactory(code="t_tax", name="税收收入", unit="亿元", decimals=2),
        "firms": IndicatorFactory(
            code="t_firms",
            name="新增市场主体",
            unit="户",
            unit_kinds=["community", "village"],
            aggregation="sum",
        ),
        "accidents": IndicatorFactory(code="t_accidents", name="安全生产事故", unit="起", direction="lower"),
    }


@pytest.fixture
def people(tree: dict[str, Any]) -> dict[str, Any]:
    return {
        "admin": user_with_role(Role.ADMIN, tree["district"], username="t_admin"),
        "district": user_with_role(Role.DISTRICT_VIEWER, tree["district"], username="t_district"),
        "dsup": user_with_role(Role.SUPERVISOR, tree["district"], username="t_dsup"),
        "sup_a": user_with_role(Role.SUPERVISOR, tree["a"], username="t_sup_a"),
        "leader_a": user_with_role(Role.LEADER, tree["a"], username="t_leader_a"),
        "staff_a": user_with_role(Role.UNIT_STAFF, tree["a"], username="t_staff_a"),
        "sup_b": user_with_role(Role.SUPERVISOR, tree["b"], username="t_sup_b"),
    }


@pytest.fixture
def c_town(tree: dict[str, Any]) -> Any:
    """A third peer under the district: a township (ranked with the subdistricts)."""
    return UnitFactory(name="丙镇", kind="township", code="TC", parent=tree["district"])
