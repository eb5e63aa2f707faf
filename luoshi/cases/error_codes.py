"""The machine codes of the cases app's refusals (the ``code`` of a 4xx body).

One name per condition; the platform's own codes (``invalid``, ``forbidden``, ``not_found``,
``stale``, ``version_missing`` …) are :class:`luoshi.core.errors.ErrorCode`. Members are their
strings (StrEnum), so bodies and clients see the text. Issue 15 merged the synonyms:
``forbidden_action`` is ``transition_forbidden`` and ``no_extension`` is ``no_extension_pending``
(the spellings of tasks, assessment and relocation), ``handler_required`` and ``units_required``
are ``unit_required``, ``invalid_text`` is the platform's ``invalid``, ``case_not_found`` its
``not_found`` and ``admins_only`` its ``forbidden``. Open311 keeps its own error format.
"""

from __future__ import annotations

from enum import StrEnum


class CaseErrorCode(StrEnum):
    # --- the workflow (workflow.require, refusals.refusal, services.workflow) ---
    UNKNOWN_ACTION = "unknown_action"
    WRONG_STATE = "wrong_state"  # the action is not possible in the case's state (409)
    TRANSITION_FORBIDDEN = "transition_forbidden"  # the caller's roles do not take this step (403)
    COMMENT_REQUIRED = "comment_required"  # the step needs a reason or a reply
    VERIFY_SELF = "verify_self"  # whoever replied does not verify their own work
    RATE_OWN_WORK = "rate_own_work"  # nor record the resident's rating of it
    NOT_DISPUTE = "not_dispute"  # mediation on a category that is not a dispute
    NOT_ON_THE_SPOT = "not_on_the_spot"  # closing on the spot on a category that does not allow it
    NO_PARENT = "no_parent"  # referring up from a unit with no higher level
    EXTENSION_PENDING = "extension_pending"  # an extension request already waits
    NO_EXTENSION_PENDING = "no_extension_pending"  # deciding an extension nobody asked for
    BAD_DAYS = "bad_days"  # extension days out of range
    MERGE_SELF = "merge_self"  # a case named as a duplicate of itself
    MERGE_CHAIN = "merge_chain"  # the named original is itself a duplicate
    ORIGINAL_REQUIRED = "original_required"
    ORIGINAL_UNKNOWN = "original_unknown"  # no such case in the caller's scope
    UNIT_REQUIRED = "unit_required"  # a step that names a unit (handling unit, co-units) without one
    UNIT_OUTSIDE = "unit_outside"  # a handling or co-unit not under the command unit
    AFTER_PHOTO_REQUIRED = "after_photo_required"
    BEFORE_PHOTO_REQUIRED = "before_photo_required"
    FILES_REQUIRED = "files_required"  # an evidence upload without files
    UNKNOWN_ATTACHMENT = "unknown_attachment"  # an evidence token unknown or already used
    BAD_RATING = "bad_rating"
    BAD_LEVEL = "bad_level"  # supervision level other than normal, yellow, red
    BAD_OUTCOME = "bad_outcome"  # a mediation outcome not in the list
    AGREEMENT_REQUIRED = "agreement_required"  # a mediated agreement without its text
    FUTURE_DATE = "future_date"  # a mediation session or key-person visit dated in the future
    # --- intake ---
    READ_ONLY = "read_only"  # a read-only role (the district viewer) reports nothing
    BAD_PLACE = "bad_place"  # not a place cases are reported at
    FORBIDDEN_PLACE = "forbidden_place"  # (403) a place the caller sees but does not report at
    CATEGORY_INACTIVE = "category_inactive"
    CATEGORY_MAJOR = "category_major"  # a major category: cases are filed against its sub-categories
    CATEGORY_NOT_PUBLIC = "category_not_public"  # (404) the public form offers only public categories
    CATEGORY_UNKNOWN = "category_unknown"  # no category with that code (API)
    # --- patrols and household visits (走访巡查) ---
    PATROL_NOT_A_GRID = "patrol_not_a_grid"  # the grid chosen is not a grid the caller records in
    PATROL_DATE_FUTURE = "patrol_date_future"
    PATROL_DATE_TOO_OLD = "patrol_date_too_old"  # more than seven days back
    PATROL_TIME_FUTURE = "patrol_time_future"  # today's start time later than now
    PATROL_TIME_ORDER = "patrol_time_order"  # the end before the start
    OUTSIDE_GRID = "outside_grid"  # a location outside the grid's boundary
    PATROL_KEY_PERSON_UNKNOWN = "patrol_key_person_unknown"  # no such key person in the caller's sight
    PATROL_KEY_PERSON_ELSEWHERE = "patrol_key_person_elsewhere"  # registered in another grid or community
    PATROL_TOO_MANY_CASES = "patrol_too_many_cases"
    PATROL_CASE_UNKNOWN = "patrol_case_unknown"
    PATROL_CASE_ELSEWHERE = "patrol_case_elsewhere"  # a linked case that happened outside the grid
    BAD_LOCATION = "bad_location"  # latitude without longitude, or out of range
    BAD_CHANNEL = "bad_channel"
    BAD_KIND = "bad_kind"  # an unknown kind of case or daily report
    REQUIRED = "required"  # a field that must be filled in (the details name it)
    TOO_LONG = "too_long"  # a description over 4,000 characters
    # --- lists (API) ---
    INVALID_BOX = "invalid_box"
    INVALID_PERIOD = "invalid_period"  # a statistics period backwards or over a year
    # --- key persons ---
    INVALID_ID_NO = "invalid_id_no"  # not a valid resident identity card number
    UNKNOWN_FIELD = "unknown_field"  # an update naming a field that is not editable
    # --- daily reports ---
    BAD_DATE = "bad_date"  # outside today and the last seven days
    BAD_UNIT = "bad_unit"  # the unit does not file this kind of report
    NO_UNIT = "no_unit"  # (403) the caller has no unit to file for
    # --- grid boundaries ---
    GEOJSON = "geojson"  # not a FeatureCollection
    GEOJSON_ROWS = "geojson_rows"  # features with errors (every one listed)
    GEOMETRY_EMPTY = "geometry_empty"
    GEOMETRY_TYPE = "geometry_type"  # not a Polygon or MultiPolygon
    GEOMETRY_RING = "geometry_ring"  # a ring under four positions or not closed
    GEOMETRY_RANGE = "geometry_range"  # a position outside longitude/latitude bounds
    GEOMETRY_INVALID = "geometry_invalid"
