"""Reads for cases, always starting from what the user may see.

A case is visible to a user whose scope covers the place where it happened, its
command unit, its handling unit or one of its co-units. Everything else is
"not found" (404), never "forbidden", so existence is not revealed.
"""

from __future__ import annotations

from luoshi.cases.selectors.daily import BoardRow, daily_board, missing_daily_reports
from luoshi.cases.selectors.grids import grid_at, map_data
from luoshi.cases.selectors.intake import categories_for_intake, similar_open_cases, similar_window
from luoshi.cases.selectors.keypersons import (
    access_key_person,
    key_person_list,
    key_person_risk_by_unit,
    key_persons_visible_to,
    may_open_registry,
)
from luoshi.cases.selectors.stats import GROUPS, StatRow, card_points_by_unit, case_stats
from luoshi.cases.selectors.visibility import (
    CO_UNIT_IDS_CAP,
    INBOX_HANDLER_ROLES,
    LIST_RELATED,
    TOWNSHIP_LEVEL,
    LinkedCase,
    access_case,
    case_openable_by,
    cases_visible_to,
    linked_cases,
)
from luoshi.cases.selectors.workflow import (
    BOXES,
    COUNT_CAP,
    DUE_ORDER_BOXES,
    LIGHT_LABELS,
    SELF_SCOPED,
    STATUS_LABELS,
    CaseFilters,
    CaseView,
    Row,
    box_filter,
    box_queryset,
    case_list,
    case_view,
    dispatch_units,
    effective,
    inbox_counts,
    list_order,
    public_case,
    public_events,
    rows,
    seek,
)

__all__ = [
    "BOXES",
    "COUNT_CAP",
    "CO_UNIT_IDS_CAP",
    "DUE_ORDER_BOXES",
    "GROUPS",
    "INBOX_HANDLER_ROLES",
    "LIGHT_LABELS",
    "LIST_RELATED",
    "SELF_SCOPED",
    "STATUS_LABELS",
    "TOWNSHIP_LEVEL",
    "BoardRow",
    "CaseFilters",
    "CaseView",
    "LinkedCase",
    "Row",
    "StatRow",
    "access_case",
    "access_key_person",
    "box_filter",
    "box_queryset",
    "card_points_by_unit",
    "case_list",
    "case_openable_by",
    "case_stats",
    "case_view",
    "cases_visible_to",
    "categories_for_intake",
    "daily_board",
    "dispatch_units",
    "effective",
    "grid_at",
    "inbox_counts",
    "key_person_list",
    "key_person_risk_by_unit",
    "key_persons_visible_to",
    "linked_cases",
    "list_order",
    "map_data",
    "may_open_registry",
    "missing_daily_reports",
    "public_case",
    "public_events",
    "rows",
    "seek",
    "similar_open_cases",
    "similar_window",
]
