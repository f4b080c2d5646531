"""Numbers as promotional texts write them: ``12``, ``1.5``, ``十二``, ``三点五``, ``1万``, ``五千元``.

Everything is exact (``Decimal``). Chinese numerals follow the written standard
(``一百二十`` = 120, ``十五`` = 15, ``两万`` = 20000, ``三点五`` = 3.5), and a lone digit after 万 or 千
is the next place down, as people say it (``一万二`` = 12000, ``三千五`` = 3500).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

ARABIC = r"\d+(?:\.\d+)?"
CHINESE = r"[零〇一二两三四五六七八九十百千万亿点半]+"
NUMBER = rf"(?:{ARABIC}|{CHINESE})"
# An amount of money: a number and an optional unit (元 implied).
AMOUNT = rf"(?:{ARABIC}|{CHINESE})(?:万元|万块|万|千元|千块|千|百元|元|块|w|k)?"

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
_UNIT_VALUES = {"万": 10_000, "w": 10_000, "千": 1000, "k": 1000, "百": 100}
_AMOUNT = re.compile(rf"(?P<number>{ARABIC}|{CHINESE}?)(?P<unit>万|千|百|w|k)?(?:元|块)?")


def _integer(text: str) -> int:
    total = section = number = 0
    last_unit = 1
    for char in text:
        if char in _DIGITS:
            number = _DIGITS[char]
        elif char in _SMALL_UNITS:
            last_unit = _SMALL_UNITS[char]
            section += (number or 1) * last_unit
            number = 0
        elif char in _BIG_UNITS:
            last_unit = _BIG_UNITS[char]
            total += (section + number) * last_unit
            section = number = 0
        else:
            raise ValueError(char)
    if number and last_unit in (1000, 10_000) and len(text) >= 3 and text[-2] in "千万":
        number *= last_unit // 10  # 一万二 = 12000, 三千五 = 3500
    return total + section + number


def chinese_number(text: str) -> Decimal:
    """The value of a Chinese numeral (``十二``, ``三点五``, ``半``)."""
    if text == "半":
        return Decimal("0.5")
    whole, _, fraction = text.partition("点")
    if not any(c in _DIGITS for c in text) and not text.startswith("十"):
        raise ValueError(text)  # 万, 百 alone are units, not numbers
    value = Decimal(_integer(whole)) if whole else Decimal(0)
    if fraction:
        digits = "".join(str(_DIGITS[c]) for c in fraction if c in _DIGITS)
        if len(digits) != len(fraction):
            raise ValueError(text)
        value += Decimal(f"0.{digits}")
    return value


def number_value(text: str) -> Decimal | None:
    """An Arabic or Chinese number, or None when it is not one."""
    try:
        if re.fullmatch(ARABIC, text):
            return Decimal(text)
        return chinese_number(text)
    except (ValueError, KeyError, InvalidOperation):
        return None


def amount_value(text: str) -> Decimal | None:
    """An amount of money in yuan (``1万`` = 10000, ``175元``, ``五千``), or None."""
    match = _AMOUNT.fullmatch(text)
    if not match or not match.group("number"):
        return None
    unit = match.group("unit")
    value = number_value(match.group("number"))
    if value is None:
        return None
    return value * _UNIT_VALUES[unit] if unit else value
