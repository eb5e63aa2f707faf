"""The intake statement's helpers (luoshi.cases.rows) that do not need a database."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.cases.rows import inline_constants

values = st.one_of(
    st.sampled_from([None, False, True, "", 0]),
    st.integers(min_value=1),
    st.integers(max_value=-1),
    st.floats(allow_nan=False),
    st.text(min_size=1),
    st.dictionaries(st.text(), st.integers(), max_size=2),
)


def _literal(value: Any) -> str | None:
    """What the statement should say for ``value``: its literal when it is an exact empty value."""
    table: dict[tuple[type, Any], str] = {
        (type(None), None): "NULL",
        (bool, False): "false",
        (bool, True): "true",
        (str, ""): "''",
        (int, 0): "0",
    }
    try:
        return table.get((type(value), value))
    except TypeError:  # unhashable (a dict): never a constant
        return None


@given(st.lists(values, max_size=30))
def test_empty_values_become_literals_and_the_rest_stay_parameters_in_order(params):
    sql = "INSERT INTO t SELECT " + ", ".join(["%s"] * len(params)) + " FROM seq"  # noqa: S608
    text, kept = inline_constants(sql, params)
    expected_kept = [v for v in params if _literal(v) is None]
    assert kept == expected_kept
    # Rebuild the select list: each %s takes the next kept value, each literal stands for itself.
    items = text.removeprefix("INSERT INTO t SELECT ").removesuffix(" FROM seq").split(", ") if params else []
    assert len(items) == len(params)
    remaining = iter(kept)
    for item, value in zip(items, params, strict=True):
        if item == "%s":
            assert next(remaining) is value
        else:
            assert item == _literal(value)
    # 0.0 and "0" are not the integer 0: only exact empty values are written in.
    assert all(type(v) is not float for v in params if _literal(v) is not None)


def test_the_same_shape_gives_the_same_text():
    sql = "SELECT %s, %s, %s"
    first, _ = inline_constants(sql, [None, "a", 0])
    second, kept = inline_constants(sql, [None, "b", 0])
    assert first is second and kept == ["b"]
    assert first == "SELECT NULL, %s, 0"


def test_a_mismatch_between_statement_and_parameters_is_an_error():
    with pytest.raises(ValueError, match="do not match"):
        inline_constants("SELECT %s", [1, 2])
