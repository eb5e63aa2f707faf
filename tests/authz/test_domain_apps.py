"""The authorisation matrix of projects, relocation, assessment, awards, bulletins and the cockpit.

Columns (tests/authz/harness.py ROLES): anon, admin, leader, resp_leader, supervisor, staff (CDD03,
the relocation task force), community (CD01), grid (CD01G1), district (read-only district viewer),
tongtai (supervisor of another township). The targets lie in 城东 (CD) unless a row says
"sibling" (a unit beside the caller's, e.g. CD02 for the CD01 community) or "TT"/"LQ" (another
township). 401: no login (API); 302: the login page for anon on pages, or "done, back to the
page" for the others. 404: outside the caller's scope (not even told it exists); 403: seen but not
theirs to do. 200/201: done. 400/409/422: allowed to ask, refused for the content or the state.

Reads that list or embed objects carry a marker (the target's name or number): ``200+`` means
the answer shows it, ``200-`` that it answered without it. Nothing a refused caller sends may
write anything (the harness checks).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from luoshi.core import timeutil
from tests.authz.harness import Call, Demo, demo_loaded, row_fingerprint, run, uncovered_api_writes

pytestmark = pytest.mark.django_db

#: The API path prefixes whose every write operation must have a row below.
COVERED_PREFIXES = ("/api/v1/projects", "/api/v1/relocation", "/api/v1/assessment", "/api/v1/awards",
                    "/api/v1/bulletins", "/api/v1/cockpit")  # fmt: skip
NEXT_YEAR = timeutil.today().year + 1


def _id(key: str) -> Any:
    return lambda d: d.ids[key]


PROJECT_CALLS: dict[str, Call] = {
    # reads
    "GET /api/v1/projects": Call("GET", "/api/v1/projects?page_size=500", marker=_id("project_code")),
    "GET /api/v1/projects (sibling CD02)": Call("GET", "/api/v1/projects?page_size=500",
                                                marker=_id("sibling_project_code")),
    "GET /api/v1/projects/{project_id}": Call("GET", "/api/v1/projects/{project_id}"),
    "GET /api/v1/projects/{project_id} (sibling CD02)": Call("GET", "/api/v1/projects/{sibling_project_id}"),
    "GET /api/v1/projects/{project_id} (TT)": Call("GET", "/api/v1/projects/{tt_project_id}"),
    "GET /api/v1/projects/leads/{lead_id}": Call("GET", "/api/v1/projects/leads/{lead_id}"),
    "GET /api/v1/projects/enterprises/{enterprise_id}": Call("GET", "/api/v1/projects/enterprises/{enterprise_id}"),
    "GET /api/v1/projects/meetings/{meeting_id}": Call("GET", "/api/v1/projects/meetings/{meeting_id}"),
    # writes
    "POST /api/v1/projects": Call("POST", "/api/v1/projects", lambda d: {
        "name": "矩阵项目", "unit_id": d.ids["project_unit_id"], "total_investment": "100.00",
        "plan_year": NEXT_YEAR, "annual_plan": "50.00"}),
    "PUT /api/v1/projects/{project_id}": Call("PUT", "/api/v1/projects/{project_id}", lambda d: {
        **d.ids["project_body"], "description": "矩阵"}),
    "POST /api/v1/projects/{project_id}/steps": Call("POST", "/api/v1/projects/{project_id}/steps", {
        "action": "advance", "comment": "矩阵"}),
    "POST /api/v1/projects/{project_id}/investments": Call("POST", "/api/v1/projects/{project_id}/investments", {
        "month": f"{NEXT_YEAR - 1}-01", "amount": "1.00"}),
    "POST /api/v1/projects/{project_id}/milestones": Call("POST", "/api/v1/projects/{project_id}/milestones", {
        "title": "矩阵节点", "due_date": f"{NEXT_YEAR}-02-01"}),
    "POST /api/v1/projects/milestones/{milestone_id}/done": Call(
        "POST", "/api/v1/projects/milestones/{project_milestone_id}/done", {}),
    "POST /api/v1/projects/{project_id}/progress": Call("POST", "/api/v1/projects/{project_id}/progress", {
        "text": "矩阵进度"}),
    "POST /api/v1/projects/{project_id}/progress/photos": Call(
        "POST", "/api/v1/projects/{project_id}/progress/photos", lambda d: {
            "text": "矩阵进度", "photos": d.ids["photo"]()}, multipart=True),
    "POST /api/v1/projects/{project_id}/problems": Call("POST", "/api/v1/projects/{project_id}/problems", lambda d: {
        "kind": "land", "title": "矩阵问题", "unit_id": d.ids["project_unit_id"], "due_date": f"{NEXT_YEAR}-02-01"}),
    "POST /api/v1/projects/problems/{problem_id}/task": Call(
        "POST", "/api/v1/projects/problems/{problem_id}/task", lambda d: {
            "responsible_leader_id": d.ids["leader_person_id"], "deadline": f"{NEXT_YEAR}-03-31"}),
    "POST /api/v1/projects/leads": Call("POST", "/api/v1/projects/leads", lambda d: {
        "name": "矩阵线索", "unit_id": d.ids["lead_unit_id"], "cadre_id": d.ids["leader_person_id"],
        "amount": "100.00", "found_on": d.ids["yesterday"]}),
    "POST /api/v1/projects/leads/{lead_id}/steps": Call("POST", "/api/v1/projects/leads/{lead_id}/steps", {
        "action": "drop", "comment": "矩阵"}),
    "POST /api/v1/projects/leads/{lead_id}/project": Call("POST", "/api/v1/projects/leads/{landed_lead_id}/project"),
    "POST /api/v1/projects/enterprises": Call("POST", "/api/v1/projects/enterprises", lambda d: {
        "name": "矩阵企业有限公司", "credit_code": "91350500MA2XY0123R", "unit_id": d.ids["enterprise_unit_id"]}),
    "PUT /api/v1/projects/enterprises/{enterprise_id}": Call(
        "PUT", "/api/v1/projects/enterprises/{enterprise_id}", lambda d: d.ids["enterprise_body"]),
    "POST /api/v1/projects/meetings": Call("POST", "/api/v1/projects/meetings", lambda d: {
        "unit_id": d.ids["meeting_unit_id"], "date": d.ids["yesterday"], "title": "矩阵协调会",
        "project_ids": [d.ids["project_id"]]}),
    "POST /api/v1/projects/meetings/{meeting_id}/problems": Call(
        "POST", "/api/v1/projects/meetings/{meeting_id}/problems", lambda d: {
            "project_id": d.ids["project_id"], "kind": "land", "title": "矩阵问题",
            "unit_id": d.ids["project_unit_id"], "due_date": f"{NEXT_YEAR}-02-01"}),
    # pages
    "page GET /projects/": Call("GET", "/projects/", page=True, marker=_id("project_name")),
    "page GET /projects/{pk}/": Call("GET", "/projects/{project_id}/", page=True),
    "page GET /projects/{pk}/edit/": Call("GET", "/projects/{project_id}/edit/", page=True),
    "page GET /projects/{pk}/ (sibling CD02)": Call("GET", "/projects/{sibling_project_id}/", page=True),
    "page GET /projects/export.xlsx": Call("GET", "/projects/export.xlsx", page=True),
    "page POST /projects/{pk}/step/": Call("POST", "/projects/{project_id}/step/", lambda d: {
        "action": "advance", "comment": "矩阵", "version": d.ids["project_body"]["version"]}, page=True),
    "page POST /projects/{pk}/progress/": Call("POST", "/projects/{project_id}/progress/", {
        "text": "矩阵进度"}, page=True),
    "page GET /projects/leads/{pk}/": Call("GET", "/projects/leads/{lead_id}/", page=True),
    "page GET /projects/enterprises/{pk}/": Call("GET", "/projects/enterprises/{enterprise_id}/", page=True),
    "page GET /projects/meetings/{pk}/": Call("GET", "/projects/meetings/{meeting_id}/", page=True),
}  # fmt: skip

RELOCATION_CALLS: dict[str, Call] = {
    "GET /api/v1/relocation/campaigns": Call("GET", "/api/v1/relocation/campaigns?page_size=100",
                                             marker=_id("campaign_code")),
    "GET /api/v1/relocation/campaigns (LQ)": Call("GET", "/api/v1/relocation/campaigns?page_size=100",
                                                  marker=_id("lq_campaign_code")),
    "GET /api/v1/relocation/campaigns/{campaign_id}": Call("GET", "/api/v1/relocation/campaigns/{campaign_id}"),
    "GET /api/v1/relocation/campaigns/{campaign_id} (LQ)": Call("GET",
                                                               "/api/v1/relocation/campaigns/{lq_campaign_id}"),
    "GET /api/v1/relocation/campaigns/{campaign_id}/progress": Call(
        "GET", "/api/v1/relocation/campaigns/{campaign_id}/progress"),
    # The owner's ID number: shown to the ledger keepers only (masked for the others).
    "GET /api/v1/relocation/campaigns/{campaign_id}/households/{household_id}": Call(
        "GET", "/api/v1/relocation/campaigns/{campaign_id}/households/{household_id}", marker=_id("owner_id_no")),
    "GET /api/v1/relocation/campaigns/{campaign_id}/households": Call(
        "GET", "/api/v1/relocation/campaigns/{campaign_id}/households?page_size=200", marker=_id("owner_id_no")),
    "POST /api/v1/relocation/campaigns": Call("POST", "/api/v1/relocation/campaigns", lambda d: {
        "unit_id": d.ids["township_id"], "team_id": d.ids["dept_id"], "code": "MX-1", "name": "矩阵征迁",
        "launched_on": f"{NEXT_YEAR}-01-05", "signing_starts_on": f"{NEXT_YEAR}-02-01",
        "signing_deadline": f"{NEXT_YEAR}-06-30", "clearance_deadline": f"{NEXT_YEAR}-09-30"}),
    "PATCH /api/v1/relocation/campaigns/{campaign_id}": Call(
        "PATCH", "/api/v1/relocation/campaigns/{campaign_id}", lambda d: {
            "version": d.ids["campaign_version"], "description": "矩阵"}),
    "POST /api/v1/relocation/campaigns/{campaign_id}/transitions": Call(
        "POST", "/api/v1/relocation/campaigns/{campaign_id}/transitions", lambda d: {
            "action": "step_back", "comment": "矩阵", "version": d.ids["campaign_version"]}),
    "POST /api/v1/relocation/campaigns/{campaign_id}/parcels": Call(
        "POST", "/api/v1/relocation/campaigns/{campaign_id}/parcels", {"name": "矩阵地块"}),
    "PATCH /api/v1/relocation/campaigns/{campaign_id}/parcels/{parcel_id}": Call(
        "PATCH", "/api/v1/relocation/campaigns/{campaign_id}/parcels/{parcel_id}", lambda d: {
            "version": d.ids["parcel_version"], "name": "矩阵地块"}),
    "POST /api/v1/relocation/campaigns/{campaign_id}/households": Call(
        "POST", "/api/v1/relocation/campaigns/{campaign_id}/households", {
            "number": "MX-001", "owner_name": "矩阵户主", "house_area": "80.00"}),
    "PATCH /api/v1/relocation/campaigns/{campaign_id}/households/{household_id}": Call(
        "PATCH", "/api/v1/relocation/campaigns/{campaign_id}/households/{household_id}", lambda d: {
            "version": d.ids["household_version"], "address": "矩阵路1号"}),
    "DELETE /api/v1/relocation/campaigns/{campaign_id}/households/{household_id}": Call(
        "DELETE", "/api/v1/relocation/campaigns/{campaign_id}/households/{pending_household_id}"
                  "?version={pending_household_version}"),
    "page GET /relocation/": Call("GET", "/relocation/", page=True, marker=_id("campaign_name")),
    "page GET /relocation/{pk}/": Call("GET", "/relocation/{campaign_id}/", page=True),
    "page GET /relocation/{pk}/edit/": Call("GET", "/relocation/{campaign_id}/edit/", page=True),
    "page GET /relocation/{pk}/households/": Call("GET", "/relocation/{campaign_id}/households/", page=True,
                                                  marker=_id("owner_id_no")),
    "page GET /relocation/{pk}/households/export.xlsx": Call(
        "GET", "/relocation/{campaign_id}/households/export.xlsx", page=True),
    "page GET /relocation/{pk}/households/{household_id}/": Call(
        "GET", "/relocation/{campaign_id}/households/{household_id}/", page=True, marker=_id("owner_id_no")),
    "page POST /relocation/{pk}/transition/": Call("POST", "/relocation/{campaign_id}/transition/", lambda d: {
        "action": "step_back", "comment": "矩阵", "version": d.ids["campaign_version"]}, page=True),
    "page POST /relocation/{pk}/parcels/new/": Call("POST", "/relocation/{campaign_id}/parcels/new/", {
        "name": "矩阵地块"}, page=True),
    "page GET /relocation/{pk}/ (LQ)": Call("GET", "/relocation/{lq_campaign_id}/", page=True),
}  # fmt: skip

ASSESSMENT_CALLS: dict[str, Call] = {
    "GET /api/v1/assessment/schemes": Call("GET", "/api/v1/assessment/schemes", marker=_id("scheme_name")),
    "GET /api/v1/assessment/schemes/{scheme_id}": Call("GET", "/api/v1/assessment/schemes/{scheme_id}"),
    "GET /api/v1/assessment/runs": Call("GET", "/api/v1/assessment/runs?page_size=200", marker=_id("run_marker")),
    "GET /api/v1/assessment/runs/{run_id}": Call("GET", "/api/v1/assessment/runs/{run_id}"),
    "GET /api/v1/assessment/runs/{run_id}/results": Call("GET", "/api/v1/assessment/runs/{run_id}/results"),
    "GET /api/v1/assessment/runs/{run_id}/results/{subject_id}": Call(
        "GET", "/api/v1/assessment/runs/{run_id}/results/{subject_id}"),
    "GET /api/v1/assessment/runs/{run_id}/results/{subject_id}/items/{item_id}/records": Call(
        "GET", "/api/v1/assessment/runs/{run_id}/results/{subject_id}/items/{auto_item_id}/records"),
    "GET /api/v1/assessment/runs/{run_id}/appeals": Call("GET", "/api/v1/assessment/runs/{district_run_id}/appeals",
                                                         marker=_id("appeal_reason")),
    "POST /api/v1/assessment/schemes/{scheme_id}/runs": Call(
        "POST", "/api/v1/assessment/schemes/{scheme_id}/runs", lambda d: {"period": d.ids["run_period"]}),
    "POST /api/v1/assessment/runs/{run_id}/transitions": Call(
        "POST", "/api/v1/assessment/runs/{run_id}/transitions", lambda d: {
            "action": "freeze", "version": d.ids["run_version"]}),
    "POST /api/v1/assessment/runs/{run_id}/results/{subject_id}/manual-scores": Call(
        "POST", "/api/v1/assessment/runs/{run_id}/results/{subject_id}/manual-scores", lambda d: {
            "item_id": d.ids["manual_item_id"], "points": "1.00", "reason": "矩阵评分"}),
    "POST /api/v1/assessment/runs/{run_id}/results/{subject_id}/appeals": Call(
        "POST", "/api/v1/assessment/runs/{district_run_id}/results/{cd_subject_id}/appeals", lambda d: {
            "item_id": d.ids["appeal_item_id"], "reason": "矩阵申诉"}),
    "POST /api/v1/assessment/appeals/{appeal_id}/decision": Call(
        "POST", "/api/v1/assessment/appeals/{appeal_id}/decision", {"action": "reject", "reply": "矩阵答复"}),
    "POST /api/v1/assessment/runs/{run_id}/results/{subject_id}/manual-scores/{item_id}/evidence": Call(
        "POST", "/api/v1/assessment/runs/{run_id}/results/{scored_subject_id}/manual-scores/{manual_item_id}/evidence",
        lambda d: {"files": d.ids["evidence_file"]()}, multipart=True),
    "POST /api/v1/assessment/appeals/{appeal_id}/evidence": Call(
        "POST", "/api/v1/assessment/appeals/{appeal_id}/evidence", lambda d: {"files": d.ids["evidence_file"]()},
        multipart=True),
    "page GET /assessment/": Call("GET", "/assessment/", page=True, marker=_id("scheme_name")),
    "page GET /assessment/schemes/{pk}/": Call("GET", "/assessment/schemes/{scheme_id}/", page=True),
    "page GET /assessment/runs/{pk}/": Call("GET", "/assessment/runs/{run_id}/", page=True),
    "page GET /assessment/runs/{pk}/export.xlsx": Call("GET", "/assessment/runs/{run_id}/export.xlsx", page=True),
    "page GET /assessment/runs/{pk}/s/{subject_id}/": Call(
        "GET", "/assessment/runs/{run_id}/s/{subject_id}/", page=True),
    "page POST /assessment/runs/{pk}/transition/": Call("POST", "/assessment/runs/{run_id}/transition/", lambda d: {
        "action": "freeze", "version": d.ids["run_version"]}, page=True),
    "page POST /assessment/appeals/{pk}/decide/": Call("POST", "/assessment/appeals/{appeal_id}/decide/", {
        "action": "reject", "reply": "矩阵答复"}, page=True),
}  # fmt: skip

AWARDS_CALLS: dict[str, Call] = {
    "GET /api/v1/awards/types": Call("GET", "/api/v1/awards/types"),
    "GET /api/v1/awards/rounds": Call("GET", "/api/v1/awards/rounds?page_size=500", marker=_id("round_marker")),
    "GET /api/v1/awards/rounds/{round_id}": Call("GET", "/api/v1/awards/rounds/{round_id}"),
    "GET /api/v1/awards/rounds/{round_id} (TT)": Call("GET", "/api/v1/awards/rounds/{tt_round_id}"),
    "GET /api/v1/awards/lists": Call("GET", "/api/v1/awards/lists"),
    "GET /api/v1/awards/lists/{list_id}": Call("GET", "/api/v1/awards/lists/{list_id}"),
    "POST /api/v1/awards/rounds/{round_id}/votes": Call("POST", "/api/v1/awards/rounds/{round_id}/votes", lambda d: {
        "nomination_id": d.ids["nomination_id"]}),
    "POST /api/v1/awards/rounds/{round_id}/votes (TT)": Call(
        "POST", "/api/v1/awards/rounds/{tt_round_id}/votes", lambda d: {"nomination_id": d.ids["tt_nomination_id"]}),
    "page GET /awards/": Call("GET", "/awards/", page=True),
    "page GET /awards/rounds/{pk}/": Call("GET", "/awards/rounds/{round_id}/", page=True),
    "page GET /awards/rounds/{pk}/ (TT)": Call("GET", "/awards/rounds/{tt_round_id}/", page=True),
    "page POST /awards/rounds/{pk}/vote/": Call("POST", "/awards/rounds/{round_id}/vote/", lambda d: {
        "nomination": d.ids["nomination_id"]}, page=True),
    "page POST /awards/rounds/{pk}/transition/ (TT)": Call(
        "POST", "/awards/rounds/{tt_round_id}/transition/", lambda d: {
            "action": "decide", "version": d.ids["tt_round_version"], "winners": d.ids["tt_nomination_id"]}, page=True),
    "page POST /awards/rounds/{pk}/nominate/ (TT)": Call("POST", "/awards/rounds/{tt_round_id}/nominate/", lambda d: {
        "nominee": d.ids["tt_unit_id"], "reason": "矩阵推荐"}, page=True),
    "page GET /awards/lists/{pk}/": Call("GET", "/awards/lists/{list_id}/", page=True),
}  # fmt: skip

BULLETIN_CALLS: dict[str, Call] = {
    "GET /api/v1/bulletins": Call("GET", "/api/v1/bulletins?page_size=500", marker=_id("draft_title")),
    "GET /api/v1/bulletins/{bulletin_id} (draft)": Call("GET", "/api/v1/bulletins/{draft_bulletin_id}"),
    "GET /api/v1/bulletins/{bulletin_id} (issued)": Call("GET", "/api/v1/bulletins/{issued_bulletin_id}"),
    "GET /api/v1/bulletins/{bulletin_id}/file/{fmt}": Call("GET", "/api/v1/bulletins/{issued_bulletin_id}/file/docx"),
    "page GET /bulletins/": Call("GET", "/bulletins/", page=True, marker=_id("draft_title")),
    "page GET /bulletins/{pk}/ (draft)": Call("GET", "/bulletins/{draft_bulletin_id}/", page=True),
    "page POST /bulletins/{pk}/edit/ (draft)": Call("POST", "/bulletins/{draft_bulletin_id}/edit/", lambda d: {
        "title": d.ids["draft_title"], "cc": "矩阵", "version": d.ids["draft_version"]}, page=True),
    "page POST /bulletins/{pk}/act/submit/ (draft)": Call(
        "POST", "/bulletins/{draft_bulletin_id}/act/submit/", lambda d: {"version": d.ids["draft_version"]}, page=True),
    "page POST /bulletins/{pk}/rebuild/ (draft)": Call(
        "POST", "/bulletins/{draft_bulletin_id}/rebuild/", lambda d: {"version": d.ids["draft_version"]}, page=True),
}  # fmt: skip

COCKPIT_CALLS: dict[str, Call] = {
    # The marker: 城东's name, which those who see only another township's figures must not find there.
    "GET /api/v1/cockpit/": Call("GET", "/api/v1/cockpit/", marker=_id("cockpit_marker")),
    "page GET /cockpit/": Call("GET", "/cockpit/", page=True, marker=_id("cockpit_marker")),
    "page GET /cockpit/screen/": Call("GET", "/cockpit/screen/", page=True, marker=_id("cockpit_marker")),
}  # fmt: skip

CALLS: dict[str, Call] = {**PROJECT_CALLS, **RELOCATION_CALLS, **ASSESSMENT_CALLS, **AWARDS_CALLS, **BULLETIN_CALLS,
                          **COCKPIT_CALLS}  # fmt: skip

# fmt: off
TABLE: dict[str, str] = {
    #                                                              anon adm  lead resp sup  staf comm grid dist tong
    # projects: seen through the lead unit or task force (and by linked leaders); 404 outside.
    # Staff of CDD03 report (money, progress, milestones done); managers edit; district reads.
    "GET /api/v1/projects":                                        "401  200+ 200+ 200+ 200+ 200+ 200- 200- 200+ 200-",
    "GET /api/v1/projects (sibling CD02)":                         "401  200+ 200+ 200+ 200+ 200- 200- 200- 200+ 200-",
    "GET /api/v1/projects/{project_id}":                           "401  200  200  200  200  200  404  404  200  404",
    "GET /api/v1/projects/{project_id} (sibling CD02)":            "401  200  200  200  200  404  404  404  200  404",
    "GET /api/v1/projects/{project_id} (TT)":                      "401  200  404  404  404  404  404  404  200  200",
    "GET /api/v1/projects/leads/{lead_id}":                        "401  200  200  200  200  404  404  404  200  404",
    "GET /api/v1/projects/enterprises/{enterprise_id}":            "401  200  200  200  200  404  404  404  200  404",
    "GET /api/v1/projects/meetings/{meeting_id}":                  "401  200  200  200  200  404  404  404  200  404",
    "POST /api/v1/projects":                                       "401  201  201  403  201  201  404  404  403  404",
    "PUT /api/v1/projects/{project_id}":                           "401  200  200  200  200  403  404  404  403  404",
    "POST /api/v1/projects/{project_id}/steps":                    "401  200  200  200  200  403  404  404  403  404",
    "POST /api/v1/projects/{project_id}/investments":              "401  200  200  200  200  200  404  404  403  404",
    "POST /api/v1/projects/{project_id}/milestones":               "401  201  201  201  201  403  404  404  403  404",
    "POST /api/v1/projects/milestones/{milestone_id}/done":        "401  200  200  200  200  200  404  404  403  404",
    "POST /api/v1/projects/{project_id}/progress":                 "401  201  201  201  201  201  404  404  403  404",
    "POST /api/v1/projects/{project_id}/progress/photos":          "401  201  201  201  201  201  404  404  403  404",
    "POST /api/v1/projects/{project_id}/problems":                 "401  201  201  201  201  403  404  404  403  404",
    "POST /api/v1/projects/problems/{problem_id}/task":            "401  409  409  409  409  403  404  404  403  404",
    "POST /api/v1/projects/leads":                                 "401  201  201  201  201  404  404  404  403  404",
    "POST /api/v1/projects/leads/{lead_id}/steps":                 "401  200  200  200  200  404  404  404  403  404",
    "POST /api/v1/projects/leads/{lead_id}/project":               "401  201  201  403  201  404  404  404  403  404",
    "POST /api/v1/projects/enterprises":                           "401  201  201  403  201  404  404  404  403  404",
    "PUT /api/v1/projects/enterprises/{enterprise_id}":            "401  200  200  403  200  404  404  404  403  404",
    "POST /api/v1/projects/meetings":                              "401  201  201  201  201  404  404  404  403  404",
    "POST /api/v1/projects/meetings/{meeting_id}/problems":        "401  201  201  201  201  404  404  404  403  404",
    "page GET /projects/":                                         "302  200+ 200+ 200+ 200+ 200+ 200- 200- 200+ 200-",
    "page GET /projects/{pk}/":                                    "302  200  200  200  200  200  404  404  200  404",
    "page GET /projects/{pk}/edit/":                               "302  200  200  200  200  403  404  404  403  404",
    "page GET /projects/{pk}/ (sibling CD02)":                     "302  200  200  200  200  404  404  404  200  404",
    "page GET /projects/export.xlsx":                              "302  200  200  200  200  200  200  200  200  200",
    "page POST /projects/{pk}/step/":                              "302  302  302  302  302  302x 404  404  302x 404",
    "page POST /projects/{pk}/progress/":                          "302  302x 302x 302x 302x 302x 404  404  302x 404",
    "page GET /projects/leads/{pk}/":                              "302  200  200  200  200  404  404  404  200  404",
    "page GET /projects/enterprises/{pk}/":                        "302  200  200  200  200  404  404  404  200  404",
    "page GET /projects/meetings/{pk}/":                           "302  200  200  200  200  404  404  404  200  404",
    # relocation: seen over the task force (CDD03); commanders steer, the team keeps the ledger,
    # and only they see the owners' ID numbers (the district viewer reads a masked ledger).
    "GET /api/v1/relocation/campaigns":                            "401  200+ 200+ 200+ 200+ 200+ 200- 200- 200+ 200-",
    "GET /api/v1/relocation/campaigns (LQ)":                       "401  200+ 200- 200- 200- 200- 200- 200- 200+ 200-",
    "GET /api/v1/relocation/campaigns/{campaign_id}":              "401  200  200  200  200  200  404  404  200  404",
    "GET /api/v1/relocation/campaigns/{campaign_id} (LQ)":         "401  200  404  404  404  404  404  404  200  404",
    "GET /api/v1/relocation/campaigns/{campaign_id}/progress":     "401  200  200  200  200  200  404  404  200  404",
    "GET /api/v1/relocation/campaigns/{campaign_id}/households/{household_id}":
                                                                   "401  200+ 200+ 200+ 200+ 200+ 404  404  200- 404",
    "GET /api/v1/relocation/campaigns/{campaign_id}/households":   "401  200- 200- 200- 200- 200- 404  404  200- 404",
    "POST /api/v1/relocation/campaigns":                           "401  201  201  201  201  404  404  404  403  404",
    "PATCH /api/v1/relocation/campaigns/{campaign_id}":            "401  200  200  200  200  403  404  404  403  404",
    "POST /api/v1/relocation/campaigns/{campaign_id}/transitions": "401  200  200  200  200  403  404  404  403  404",
    "POST /api/v1/relocation/campaigns/{campaign_id}/parcels":     "401  201  201  201  201  201  404  404  403  404",
    "PATCH /api/v1/relocation/campaigns/{campaign_id}/parcels/{parcel_id}":
                                                                   "401  200  200  200  200  200  404  404  403  404",
    "POST /api/v1/relocation/campaigns/{campaign_id}/households":  "401  201  201  201  201  201  404  404  403  404",
    "PATCH /api/v1/relocation/campaigns/{campaign_id}/households/{household_id}":
                                                                   "401  200  200  200  200  200  404  404  403  404",
    "DELETE /api/v1/relocation/campaigns/{campaign_id}/households/{household_id}":
                                                                   "401  204  204  204  204  204  404  404  403  404",
    "page GET /relocation/":                                       "302  200+ 200+ 200+ 200+ 200+ 200- 200- 200+ 200-",
    "page GET /relocation/{pk}/":                                  "302  200  200  200  200  200  404  404  200  404",
    "page GET /relocation/{pk}/edit/":                             "302  200  200  200  200  403  404  404  403  404",
    "page GET /relocation/{pk}/households/":                       "302  200- 200- 200- 200- 200- 404  404  200- 404",
    "page GET /relocation/{pk}/households/export.xlsx":            "302  200  200  200  200  200  404  404  200  404",
    "page GET /relocation/{pk}/households/{household_id}/":        "302  200+ 200+ 200+ 200+ 200+ 404  404  200- 404",
    "page POST /relocation/{pk}/transition/":                      "302  302  302  302  302  302x 404  404  302x 404",
    "page POST /relocation/{pk}/parcels/new/":                     "302  302  302  302  302  302  404  404  403  404",
    "page GET /relocation/{pk}/ (LQ)":                             "302  200  404  404  404  404  404  404  200  404",
    # assessment: the CD 赛马 scheme (organised by CD) and the district's scheme (SFQ) with an
    # appeal filed by CD: organisers decide appeals, a scored unit files them, others get 404.
    "GET /api/v1/assessment/schemes":                              "401  200+ 200+ 200+ 200+ 200- 200- 200- 200+ 200-",
    "GET /api/v1/assessment/schemes/{scheme_id}":                  "401  200  200  200  200  404  404  404  200  404",
    "GET /api/v1/assessment/runs":                                 "401  200+ 200+ 200+ 200+ 200+ 200- 200- 200+ 200-",
    "GET /api/v1/assessment/runs/{run_id}":                        "401  200  200  200  200  404  404  404  200  404",
    "GET /api/v1/assessment/runs/{run_id}/results":                "401  200  200  200  200  404  404  404  200  404",
    "GET /api/v1/assessment/runs/{run_id}/results/{subject_id}":   "401  200  200  200  200  404  404  404  200  404",
    "GET /api/v1/assessment/runs/{run_id}/results/{subject_id}/items/{item_id}/records":
                                                                   "401  200  200  200  200  404  404  404  200  404",
    "GET /api/v1/assessment/runs/{run_id}/appeals":                "401  200+ 200+ 200+ 200+ 404  404  404  200+ 200-",
    "POST /api/v1/assessment/schemes/{scheme_id}/runs":            "401  201  403  403  201  404  404  404  403  404",
    "POST /api/v1/assessment/runs/{run_id}/transitions":           "401  409  403  403  409  404  404  404  403  404",
    "POST /api/v1/assessment/runs/{run_id}/results/{subject_id}/manual-scores":
                                                                   "401  200  403  403  200  404  404  404  403  404",
    "POST /api/v1/assessment/runs/{run_id}/results/{subject_id}/appeals":
                                                                   "401  403  201  201  201  404  404  404  403  404",
    "POST /api/v1/assessment/appeals/{appeal_id}/decision":        "401  200  403  403  403  404  404  404  403  404",
    # evidence: organisers add it to a manual score entered; the appellant's side to an appeal filed.
    "POST /api/v1/assessment/runs/{run_id}/results/{subject_id}/manual-scores/{item_id}/evidence":
                                                                   "401  201  403  403  201  404  404  404  403  404",
    "POST /api/v1/assessment/appeals/{appeal_id}/evidence":        "401  403  201  201  201  404  404  404  403  404",
    "page GET /assessment/":                                       "302  200+ 200+ 200+ 200+ 200+ 200- 404  200+ 200-",
    "page GET /assessment/schemes/{pk}/":                          "302  200  200  200  200  404  404  404  200  404",
    "page GET /assessment/runs/{pk}/":                             "302  200  200  200  200  404  404  404  200  404",
    "page GET /assessment/runs/{pk}/export.xlsx":                  "302  200  200  200  200  404  404  404  200  404",
    "page GET /assessment/runs/{pk}/s/{subject_id}/":              "302  200  200  200  200  404  404  404  200  404",
    "page POST /assessment/runs/{pk}/transition/":                 "302  302x 302x 302x 302x 404  404  404  302x 404",
    "page POST /assessment/appeals/{pk}/decide/":                  "302  302  302x 302x 302x 404  404  404  302x 404",
    # awards: district rounds are seen by all; a 通泰 round (voting, tongtai on its panel) only
    # in 通泰 and by the district; the draft red/black list by its organiser alone.
    "GET /api/v1/awards/types":                                    "401  200  200  200  200  200  200  200  200  200",
    "GET /api/v1/awards/rounds":                                   "401  200+ 200- 200- 200- 200- 200- 200- 200+ 200+",
    "GET /api/v1/awards/rounds/{round_id}":                        "401  200  200  200  200  200  200  200  200  200",
    "GET /api/v1/awards/rounds/{round_id} (TT)":                   "401  200  404  404  404  404  404  404  200  200",
    "GET /api/v1/awards/lists":                                    "401  200  200  200  200  200  200  200  200  200",
    "GET /api/v1/awards/lists/{list_id}":                          "401  200  404  404  404  404  404  404  404  404",
    "POST /api/v1/awards/rounds/{round_id}/votes":                 "401  409  403  403  403  403  403  403  409  403",
    "POST /api/v1/awards/rounds/{round_id}/votes (TT)":            "401  403  404  404  404  404  404  404  403  200",
    "page GET /awards/":                                           "302  200  200  200  200  200  200  200  200  200",
    "page GET /awards/rounds/{pk}/":                               "302  200  200  200  200  200  200  200  200  200",
    "page GET /awards/rounds/{pk}/ (TT)":                          "302  200  404  404  404  404  404  404  200  200",
    "page POST /awards/rounds/{pk}/vote/":                         "302  302x 302x 302x 302x 302x 302x 302x 302x 302x",
    "page POST /awards/rounds/{pk}/transition/ (TT)":              "302  302  404  404  404  404  404  404  302x 302",
    "page POST /awards/rounds/{pk}/nominate/ (TT)":                "302  302x 404  404  404  404  404  404  302x 302x",
    "page GET /awards/lists/{pk}/":                                "302  200  404  404  404  404  404  404  404  404",
    # bulletins: drafts by their editors (admin, supervisor), issued ones by their readers; a grid worker neither
    # issues nor receives them: 403 with the reason everywhere.
    "GET /api/v1/bulletins":                                       "401  200+ 200+ 200+ 200+ 200- 200- 403  200- 200-",
    "GET /api/v1/bulletins/{bulletin_id} (draft)":                 "401  200  200  200  200  404  404  403  404  404",
    "GET /api/v1/bulletins/{bulletin_id} (issued)":                "401  200  200  200  200  200  200  403  200  404",
    "GET /api/v1/bulletins/{bulletin_id}/file/{fmt}":              "401  200  200  200  200  200  200  403  200  404",
    "page GET /bulletins/":                                        "302  200+ 200+ 200+ 200+ 200- 200- 403  200- 200-",
    "page GET /bulletins/{pk}/ (draft)":                           "302  200  200  200  200  404  404  403  404  404",
    "page POST /bulletins/{pk}/edit/ (draft)":                     "302  302  403  403  302  404  404  403  404  404",
    "page POST /bulletins/{pk}/act/submit/ (draft)":               "302  302  403  403  302  404  404  403  404  404",
    "page POST /bulletins/{pk}/rebuild/ (draft)":                  "302  302x 403  403  302x 404  404  403  404  404",
    # cockpit: leaders, supervisors and the district viewer; 通泰's shows no 城东 figures.
    "GET /api/v1/cockpit/":                                        "401  200+ 200+ 200+ 200+ 403  403  403  200+ 200-",
    "page GET /cockpit/":                                          "302  200+ 200+ 200+ 200+ 403  403  403  200+ 200-",
    "page GET /cockpit/screen/":                                   "302  200+ 200+ 200+ 200+ 403  403  403  200+ 200-",
}
# fmt: on


def _photo() -> Any:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 80, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile("工地.jpg", buffer.getvalue(), content_type="image/jpeg")


def _project_body(p: Any) -> dict[str, Any]:
    return {
        "version": p.version, "name": p.name, "unit_id": p.unit_id, "kind": p.kind, "levels": p.levels,
        "stage": p.stage, "total_investment": str(p.total_investment), "plan_year": p.plan_year,
        "annual_plan": str(p.annual_plan), "task_force_id": p.task_force_id, "liaison_id": p.liaison_id,
        "leader_ids": [x.pk for x in p.leaders.all()], "enterprise_id": p.enterprise_id,
    }  # fmt: skip


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The demo (smaller) and a few objects it lacks (a voting round in 通泰, a filed appeal)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from luoshi.assessment import models as assessment
    from luoshi.assessment.demo import CADRE_SCHEME
    from luoshi.awards import models as awards
    from luoshi.bulletins.models import Bulletin, BulletinEvent
    from luoshi.core.models import ActivityLog
    from luoshi.org.models import Person, Unit
    from luoshi.projects import models as projects
    from luoshi.relocation.models import Campaign, Household, Parcel

    with demo_loaded(django_db_blocker) as (users, tokens):
        units = {u.code: u for u in Unit.objects.filter(code__in=["SFQ", "CD", "CD02", "CDD03", "CDD05", "TT", "TT01"])}
        project = projects.Project.objects.filter(unit=units["CDD03"]).order_by("pk").first()
        sibling_project = projects.Project.objects.filter(unit=units["CD02"]).order_by("pk").first()
        tt_project = projects.Project.objects.filter(unit__code="TT").order_by("pk").first()
        milestone = project.milestones.filter(done_on__isnull=True).order_by("pk").first() or project.milestones.create(
            title="矩阵节点", due_date=dt.date(NEXT_YEAR, 1, 31)
        )
        problem = projects.Problem.objects.filter(project=project, task_id__isnull=True).order_by("pk").first()
        lead = projects.Lead.objects.filter(unit=units["CDD05"]).exclude(stage="dropped").order_by("pk").first()
        landed = (
            projects.Lead.objects.filter(unit=units["CDD05"], stage="landed", project__isnull=True)
            .order_by("pk")
            .first()
        )
        enterprise = projects.Enterprise.objects.filter(unit=units["CD"]).order_by("pk").first()
        meeting = projects.Meeting.objects.filter(unit=units["CD"]).order_by("pk").first()
        campaign = Campaign.objects.get(code="CD-DH2")
        lq_campaign = Campaign.objects.get(code="LQ-CZC1")
        parcel = Parcel.objects.filter(campaign=campaign).order_by("pk").first()
        household = Household.objects.filter(campaign=campaign).exclude(owner_id_no="").order_by("pk").first()
        pending = Household.objects.filter(campaign=campaign, signed_on__isnull=True).order_by("pk").first()
        scheme = assessment.Scheme.objects.get(owner=units["CD"], name=CADRE_SCHEME)  # the 征迁岗 赛马
        run = assessment.Run.objects.get(scheme=scheme, state="review")
        result = assessment.Result.objects.filter(run=run, is_current=True).order_by("pk").first()
        items = assessment.Item.objects.filter(section__scheme_version=run.scheme_version).order_by("pk")
        district_run = (
            assessment.Run.objects.filter(scheme__owner__code="SFQ", state="published").order_by("-pk").first()
        )
        cd_result = assessment.Result.objects.get(run=district_run, unit=units["CD"], is_current=True)
        district_items = assessment.Item.objects.filter(section__scheme_version=district_run.scheme_version).order_by(
            "pk"
        )
        district_item, appeal_item = district_items[0], district_items[1]
        appeal = assessment.Appeal.objects.create(
            run=district_run,
            subject_id=cd_result.subject_id,
            unit=units["CD"],
            item=district_item,
            reason="矩阵：请复核此项",
            filed_by=users["leader"],
        )
        award_round = awards.AwardRound.objects.filter(unit__code="SFQ").order_by("pk").first()
        awards.AwardRound.objects.filter(pk=award_round.pk).update(status="voting")
        nomination = award_round.nominations.order_by("pk").first()
        tt_round = awards.AwardRound.objects.create(
            award_type=award_round.award_type,
            unit=units["TT"],
            period=award_round.period,
            status="voting",
            created_by=users["tongtai"],
        )
        tt_round.panel.create(user=users["tongtai"])
        tt_nomination = tt_round.nominations.create(
            unit=units["TT01"],
            nominee_name=units["TT01"].name,
            nominated_by=users["tongtai"],
            nominating_unit=units["TT"],
            reason="矩阵：通泰推荐",
        )
        # A district draft (seen by its organisers only): the demo's own list of the month is published.
        drafts = awards.ListIssue.objects.filter(status="draft").order_by("pk")
        issue = drafts.first() or awards.ListIssue.objects.create(
            unit=units["SFQ"], period=award_round.period, created_by=users["admin"]
        )
        draft = Bulletin.objects.filter(unit=units["CD"], status="draft").order_by("pk").first()
        issued = Bulletin.objects.filter(unit=units["CD"], status="issued").order_by("pk").first()
        found = {
            "project": project,
            "sibling_project": sibling_project,
            "tt_project": tt_project,
            "problem": problem,
            "lead": lead,
            "enterprise": enterprise,
            "meeting": meeting,
            "parcel": parcel,
            "household": household,
            "result": result,
            "pending": pending,
            "nomination": nomination,
            "issue": issue,
            "draft": draft,
            "issued": issued,
        }
        assert [name for name, obj in found.items() if obj is None] == []
        counted = (ActivityLog, projects.Project, projects.Milestone, projects.Problem, projects.Lead,
                   projects.Enterprise, projects.Meeting, projects.Investment, projects.ProgressEntry, Campaign, Parcel,
                   Household, assessment.Run, assessment.Result, assessment.ManualScore, assessment.Appeal,
                   awards.AwardRound, awards.Nomination, awards.Vote, Bulletin, BulletinEvent)  # fmt: skip
        versioned = (projects.Project, projects.Problem, projects.Lead, projects.Enterprise, Campaign, Parcel,
                     Household, assessment.Run, awards.AwardRound, Bulletin)  # fmt: skip

        # Row counts, and the sum of the version counters (an edit of an existing row moves it).
        fingerprint = row_fingerprint(counted, versioned)

        ids = {
            "township_id": units["CD"].pk, "dept_id": units["CDD03"].pk, "tt_unit_id": units["TT01"].pk,
            "yesterday": (timeutil.today() - dt.timedelta(days=1)).isoformat(),
            "leader_person_id": Person.objects.get(name="蒋一诺").pk, "photo": _photo,
            "project_id": project.pk, "project_code": project.code, "project_name": project.name,
            "project_unit_id": project.unit_id, "project_body": _project_body(project),
            "sibling_project_id": sibling_project.pk, "sibling_project_code": sibling_project.code,
            "tt_project_id": tt_project.pk, "project_milestone_id": milestone.pk, "problem_id": problem.pk,
            "lead_id": lead.pk, "lead_unit_id": lead.unit_id, "landed_lead_id": (landed or lead).pk,
            "enterprise_id": enterprise.pk, "enterprise_unit_id": enterprise.unit_id,
            "enterprise_body": {"version": enterprise.version, "name": enterprise.name,
                                "credit_code": enterprise.credit_code, "unit_id": enterprise.unit_id,
                                "address": "矩阵路2号"},
            "meeting_id": meeting.pk, "meeting_unit_id": meeting.unit_id,
            "campaign_id": campaign.pk, "campaign_code": campaign.code, "campaign_name": campaign.name,
            "campaign_version": campaign.version, "lq_campaign_id": lq_campaign.pk,
            "lq_campaign_code": lq_campaign.code, "parcel_id": parcel.pk, "parcel_version": parcel.version,
            "household_id": household.pk, "household_version": household.version,
            "pending_household_id": pending.pk, "pending_household_version": pending.version,
            "owner_id_no": household.owner_id_no,
            "scheme_id": scheme.pk, "scheme_name": scheme.name, "run_id": run.pk, "run_version": run.version,
            "run_marker": scheme.name, "run_period": "2026-01", "subject_id": result.subject_id,
            "auto_item_id": items.filter(kind="auto")[0].pk, "manual_item_id": items.filter(kind="manual")[0].pk,
            "district_run_id": district_run.pk, "cd_subject_id": cd_result.subject_id,
            "appeal_item_id": appeal_item.pk, "appeal_id": appeal.pk, "appeal_reason": appeal.reason,
            "scored_subject_id": assessment.ManualScore.objects.filter(run=run).order_by("pk")[0].subject_id,
            "evidence_file": lambda: SimpleUploadedFile("说明.txt", "矩阵材料".encode(), content_type="text/plain"),
            "round_id": award_round.pk, "nomination_id": nomination.pk, "tt_round_id": tt_round.pk,
            "tt_round_version": tt_round.version, "tt_nomination_id": tt_nomination.pk,
            "round_marker": units["TT"].name, "list_id": issue.pk,
            "draft_bulletin_id": draft.pk, "draft_title": draft.title, "draft_version": draft.version,
            "issued_bulletin_id": issued.pk, "cockpit_marker": units["CD"].name,
        }  # fmt: skip
        yield Demo(ids=ids, tokens=tokens, users=users, fingerprint=fingerprint)


def test_every_role_gets_the_tabled_answer_and_refusals_write_nothing(demo):
    import os

    if os.environ.get("LUOSHI_AUTHZ_PRINT") and not TABLE:
        run({name: " ".join(["0"] * 10) for name in CALLS}, CALLS, demo)
    assert set(TABLE) == set(CALLS)
    problems = run(TABLE, CALLS, demo)
    assert problems == []


def test_every_api_write_operation_of_these_apps_has_a_row():
    assert uncovered_api_writes(COVERED_PREFIXES, [TABLE]) == []
