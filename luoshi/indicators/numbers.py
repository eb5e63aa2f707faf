"""Numbers and units as Chinese statistics write them. Pure functions, no Django.

``parse_quantity("16,915万元")`` → ``Quantity(Decimal("16915"), "万元")``: the number
as written and the unit as written (with its 万/亿 multiplier). ``convert`` moves a
quantity between units of the same kind (亿元 → 万元, 万平方米 → 平方米).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = [
    "MULTIPLIERS",
    "Quantity",
    "convert",
    "parse_number",
    "parse_quantity",
    "split_unit",
]

#: Multiplier words and their factors, longest first.
MULTIPLIERS: dict[str, Decimal] = {
    "万亿": Decimal("1000000000000"),
    "千亿": Decimal("100000000000"),
    "百亿": Decimal("10000000000"),
    "亿": Decimal("100000000"),
    "千万": Decimal("10000000"),
    "百万": Decimal("1000000"),
    "十万": Decimal("100000"),
    "万": Decimal("10000"),
    "千": Decimal("1000"),
}
_MULT_ALT = "|".join(MULTIPLIERS)

# Units that are themselves a multiple of another (千米 = 1000 米 is handled by 千).
_UNIT_ALIASES: dict[str, tuple[str, Decimal]] = {
    "公里": ("米", Decimal(1000)),
    "平米": ("平方米", Decimal(1)),
    "方": ("立方米", Decimal(1)),
    "公斤": ("克", Decimal(1000)),
    "千克": ("克", Decimal(1000)),
    "公顷": ("平方米", Decimal(10000)),
    "亩": ("亩", Decimal(1)),
}

_NUMBER_RE = re.compile(
    r"^(?P<sign>[-+]|负)?\s*(?P<digits>(?:\d{1,3}(?:[,，\u2009\u202f' ]\d{3})+|\d+)(?:\.\d+)?|\.\d+)"
    r"\s*(?P<rest>.*)$"
)


@dataclass(frozen=True)
class Quantity:
    number: Decimal
    unit: str  # as written: "万元", "%", "平方米", "" for a bare number

    @property
    def is_percent(self) -> bool:
        return self.unit in {"%", "％"}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return text.replace("−", "-").replace("﹣", "-").replace("–", "-").strip()


def parse_quantity(text: str) -> Quantity:
    """A number with an optional unit: "1,234.5", "６.１９亿元", "-3.2%", "54000多平方米", "负12%".

    Approximation words after the number (多, 余, 来, 约 before it) are dropped; the
    unit keeps its multiplier ("30多万元" → 30, "万元"). Raises ``ValueError``.
    """
    folded = _fold(text)
    folded = re.sub(r"^(?:约|近|超过|超|逾|达到|达|共|计)\s*", "", folded)
    match = _NUMBER_RE.match(folded)
    if not match:
        raise ValueError(f"not a number: {text!r}")
    digits = re.sub(r"[,，\u2009\u202f' ]", "", match.group("digits"))
    try:
        number = Decimal(digits)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only decimals
        raise ValueError(f"not a number: {text!r}") from exc
    if match.group("sign") in {"-", "负"}:
        number = -number
    rest = match.group("rest").strip()
    rest = re.sub(r"^(?:多|余|来)", "", rest)
    mult = re.match(f"^({_MULT_ALT})(?:多|余|来)?", rest)
    unit = rest
    if mult:
        unit = mult.group(1) + rest[mult.end() :]
    unit = re.sub(r"(?:以上|左右|多|余)$", "", unit).strip()
    if unit and not re.fullmatch(r"[^\d]{1,12}", unit):
        raise ValueError(f"not a number with a unit: {text!r}")
    return Quantity(number=number, unit=unit)


def parse_number(text: str) -> Decimal:
    """Only the number of :func:`parse_quantity`, any unit ignored."""
    return parse_quantity(text).number


def split_unit(unit: str) -> tuple[Decimal, str]:
    """``"亿元"`` → ``(10⁸, "元")``; ``"万平方米"`` → ``(10⁴, "平方米")``; ``"万"`` → ``(10⁴, "")``."""
    unit = _fold(unit)
    factor = Decimal(1)
    # 千克, 千米, 千瓦 and 千瓦时 need no exception: 千 read as a multiplier gives the same
    # 1000 × 克, 米, 瓦, 瓦时 (pinned in tests/test_spec_numbers.py).
    for word, value in MULTIPLIERS.items():
        if unit.startswith(word):
            factor, unit = value, unit[len(word) :]
            break
    if unit in _UNIT_ALIASES:
        base, extra = _UNIT_ALIASES[unit]
        return factor * extra, base
    if unit.startswith("千") and unit[1:] in {"米", "瓦", "瓦时", "克"}:
        return factor * 1000, unit[1:]
    return factor, unit


def convert(number: Decimal, from_unit: str, to_unit: str) -> Decimal | None:
    """``number`` in ``from_unit`` expressed in ``to_unit``, or ``None`` if they do not match.

    A bare multiplier ("1.2亿" with no unit) takes the target's base unit.
    """
    if not from_unit.strip() or _fold(from_unit) == _fold(to_unit):
        return number
    f_factor, f_base = split_unit(from_unit)
    t_factor, t_base = split_unit(to_unit)
    if f_base and f_base != t_base:
        return None
    if not f_base and f_factor == 1 and from_unit:
        return None
    return number * f_factor / t_factor
