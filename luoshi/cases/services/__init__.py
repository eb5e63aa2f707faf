"""Writes for cases. Each public function is one use case in one transaction:
it checks permission (via the workflow table), validates, writes, records the
case timeline and the activity log, and sends notifications with the commit.

Naming follows ``case_<action>``. ``actor`` is a user, or ``None`` for a resident
using the public form or tracking link, or an Open311 client.
"""

from __future__ import annotations

from luoshi.cases.permissions import actor_roles
from luoshi.cases.selectors.intake import similar_window
from luoshi.cases.services._common import AUDIT_FIELDS, INTAKE_ROLES, card_points, case_url, choice_label
from luoshi.cases.services.daily import cadre_person, daily_report_file, daily_report_reminders
from luoshi.cases.services.evidence import evidence_upload
from luoshi.cases.services.grids import grid_boundaries_import
from luoshi.cases.services.intake import attachment_store, case_report, next_tracking_no
from luoshi.cases.services.keypersons import (
    KEYPERSON_FIELDS,
    keyperson_create,
    keyperson_link_case,
    keyperson_open,
    keyperson_update,
    keyperson_visit,
)
from luoshi.cases.services.workflow import (
    case_accept,
    case_act,
    case_add_co_units,
    case_close_unresolved,
    case_co_reply,
    case_decide_extension,
    case_decline,
    case_dispatch,
    case_handle_on_spot,
    case_mediate,
    case_merge,
    case_note,
    case_rate,
    case_reassign,
    case_refer_up,
    case_reopen,
    case_reply,
    case_request_extension,
    case_return,
    case_return_visit,
    case_send_back,
    case_start,
    case_supervise,
    case_verify,
    sla_sweep,
)

__all__ = [
    "AUDIT_FIELDS",
    "INTAKE_ROLES",
    "KEYPERSON_FIELDS",
    "actor_roles",
    "attachment_store",
    "cadre_person",
    "card_points",
    "case_accept",
    "case_act",
    "case_add_co_units",
    "case_close_unresolved",
    "case_co_reply",
    "case_decide_extension",
    "case_decline",
    "case_dispatch",
    "case_handle_on_spot",
    "case_mediate",
    "case_merge",
    "case_note",
    "case_rate",
    "case_reassign",
    "case_refer_up",
    "case_reopen",
    "case_reply",
    "case_report",
    "case_request_extension",
    "case_return",
    "case_return_visit",
    "case_send_back",
    "case_start",
    "case_supervise",
    "case_url",
    "case_verify",
    "choice_label",
    "daily_report_file",
    "daily_report_reminders",
    "evidence_upload",
    "grid_boundaries_import",
    "keyperson_create",
    "keyperson_link_case",
    "keyperson_open",
    "keyperson_update",
    "keyperson_visit",
    "next_tracking_no",
    "similar_window",
    "sla_sweep",
]
