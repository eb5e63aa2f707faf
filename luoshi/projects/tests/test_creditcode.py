"""The unified social credit code check (GB 32100-2015)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from luoshi.projects.creditcode import ALPHABET, check_character, is_valid, validate_credit_code


@pytest.mark.parametrize(
    "code",
    [
        "9144030071526726XG",  # published codes of well-known companies
        "914403001922038216",
        "91330100716105852F",
        "91110000600037341L",
        " 91110000600037341l ",  # spaces and lower case are normalised
    ],
)
def test_published_codes_are_valid(code: str) -> None:
    assert is_valid(code)
    validate_credit_code(code)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("91110000600037341M", "credit_code_check"),  # wrong check character
        ("91110000600037342L", "credit_code_check"),  # one digit changed
        ("9111000060003734L", "credit_code_shape"),  # 17 characters
        ("91110000600037341LL", "credit_code_shape"),  # 19
        ("9111000060003734IL", "credit_code_shape"),  # I is not in the alphabet
        ("91110000600037341O", "credit_code_shape"),  # nor O
        ("911100006000373S1L", "credit_code_shape"),  # nor S
        ("91A10000600037341L", "credit_code_shape"),  # the division code is six digits
        ("", "credit_code_shape"),
    ],
)
def test_bad_codes_are_refused_with_the_reason(code: str, error: str) -> None:
    assert not is_valid(code)
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.code == error


body = st.tuples(
    st.text(alphabet=ALPHABET, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=ALPHABET, min_size=9, max_size=9),
).map("".join)


@given(body)
def test_the_check_character_makes_any_body_valid(first17: str) -> None:
    assert is_valid(first17 + check_character(first17))


@given(body, st.integers(min_value=0, max_value=16), st.sampled_from(ALPHABET))
def test_changing_one_character_is_caught(first17: str, position: int, other: str) -> None:
    code = first17 + check_character(first17)
    changed = code[:position] + other + code[position + 1 :]
    if changed != code and changed[2:8].isdigit():
        assert not is_valid(changed)
