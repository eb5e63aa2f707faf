"""The default awards (六比六争先 and 冲刺单项冠军) and 红黑榜 rules, seeded by migration 0002.

Plain data, so the migration can use it with historical models. Administrators change
them afterwards in the administration pages.
"""

from __future__ import annotations

from typing import Any

TOWNSHIPS = ["township", "subdistrict"]

#: 六比六争先: each star with the 比 it stands for and the metric that suggests candidates.
AWARD_TYPES: list[dict[str, Any]] = [
    {"code": "gongjian", "contest": "比格局", "name": "攻坚之星", "metric": "tasks.on_time_rate",
     "description": "重点任务攻坚：按时办结率领先，难事急事不拖不等。"},
    {"code": "xiangmu", "contest": "比作为", "name": "项目之星", "metric": "projects.investment_completed",
     "description": "项目建设和招商引资：重点项目完成投资领先。"},
    {"code": "chuangxin", "contest": "比特色", "name": "创新之星", "metric": "",
     "description": "改革创新、特色亮点：由各单位提名，评审组投票。"},
    {"code": "jianshe", "contest": "比品质", "name": "建设之星", "metric": "relocation.households_signed",
     "description": "城市建设和征迁攻坚：征迁签约户数领先。"},
    {"code": "huimin", "contest": "比情怀", "name": "惠民之星", "metric": "cases.satisfaction_rate",
     "description": "民生服务：群众诉求满意率领先。"},
    {"code": "fuwu", "contest": "比本领", "name": "服务之星", "metric": "cases.on_time_rate", "metric_param": "handle",
     "subject_kind": "person", "unit_kinds": [],
     "description": "服务群众、服务企业的干部：案件按时处置率领先。"},
    {"code": "guanjun", "contest": "", "name": "冲刺单项冠军", "kind": "champion", "metric": "indicators.rank",
     "metric_param": "", "period_kind": "month", "streak": 3, "suggest": 1,
     "description": "在一项指标上连续三个月排名第一。"},
]  # fmt: skip

LIST_RULES: list[dict[str, Any]] = [
    {"name": "群众满意率前三", "color": "red", "metric": "cases.satisfaction_rate", "mode": "best", "count": 3},
    {"name": "任务按时办结率前三", "color": "red", "metric": "tasks.on_time_rate", "mode": "best", "count": 3},
    {"name": "任务按时办结率后三", "color": "black", "metric": "tasks.on_time_rate", "mode": "worst", "count": 3},
    {"name": "被红牌督办", "color": "black", "metric": "cases.red_cards", "mode": "at_least", "threshold": 1},
]  # fmt: skip


def seed(award_type: Any, list_rule: Any) -> None:
    """Create the defaults that are missing (``award_type`` and ``list_rule`` are model classes)."""
    for order, row in enumerate(AWARD_TYPES, start=1):
        data = {"unit_kinds": TOWNSHIPS, "sort_order": order * 10, **row}
        award_type.objects.get_or_create(code=data.pop("code"), defaults=data)
    if not list_rule.objects.exists():
        for order, row in enumerate(LIST_RULES, start=1):
            list_rule.objects.create(unit_kinds=TOWNSHIPS, sort_order=order * 10, **row)
