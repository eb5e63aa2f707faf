"""The machine codes of the indicators app's refusals (the ``code`` of a 4xx body).

The platform's own codes (``invalid``, ``forbidden``, ``stale`` …) are
:class:`luoshi.core.errors.ErrorCode`. Members are their strings (StrEnum), so bodies and
clients see the same text as before (except ``value_out_of_range`` and ``import_invalid``, see docs/indicators.md).
"""

from __future__ import annotations

from enum import StrEnum


class IndicatorErrorCode(StrEnum):
    VALUE_OUT_OF_RANGE = "value_out_of_range"  # a value or growth rate beyond what the columns keep
    # (it was "too_large" before issue 15, which the platform keeps for an oversize request body)
    TEXT_TOO_LONG = "too_long"  # a pasted scorecard over one million characters
    EMPTY = "empty"  # nothing to save (values, targets) or to parse
    NO_DATA = "no_data"  # no values yet: the period must be given
    NOT_REPORTED = "not_reported"  # a unit that does not report this indicator
    DUPLICATE = "duplicate"  # the same unit, indicator and month twice in one batch
    DUPLICATE_NAME = "duplicate_name"
    DUPLICATE_CODE = "duplicate_code"
    INVALID_PERIOD = "invalid_period"
    INVALID_YEAR = "invalid_year"
    INVALID_NAME = "invalid_name"  # a saved leaderboard's name
    INVALID_WEIGHT = "invalid_weight"
    NO_WEIGHTS = "no_weights"
    NO_INDICATORS = "no_indicators"  # a composite leaderboard without indicators
    BAD_FILE = "bad_file"  # a scorecard file that cannot be read
    NOT_OPEN = "not_open"  # an import already saved or discarded
    IMPORT_INVALID = "import_invalid"  # an import with rows still in error (was "has_errors")
