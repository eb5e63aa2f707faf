"""The awards demo claims only what its figures show."""

from __future__ import annotations

import pytest

from luoshi.awards import demo
from luoshi.awards.models import Nomination

pytestmark = pytest.mark.django_db


def test_a_star_won_without_a_figure_claims_no_lead_on_its_metric(demo_org: None) -> None:
    """With only the org loaded no metric has a figure for 2026 Q3: the walk of 2026-12-05 found 攻坚之星
    cited for "按时办结率在全区领先" when no township had a task due in the quarter."""
    demo.load()
    winners = {n.round.award_type.name: n for n in Nomination.objects.filter(is_winner=True).select_related(
        "round__award_type")}  # fmt: skip
    assert {"攻坚之星", "惠民之星", "建设之星", "创新之星"} <= set(winners)
    gongjian = winners["攻坚之星"]
    assert gongjian.figure == ""
    assert "领先" not in gongjian.citation and "领先" not in gongjian.reason
    assert "本期没有可比数据，由组织单位提名" in gongjian.reason
    assert "领先" not in winners["惠民之星"].citation
    # 创新之星 takes nominations only: its own citation stands.
    assert "探索出一条可复制、可推广的特色做法" in winners["创新之星"].citation
