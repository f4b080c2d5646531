"""Validation of the two entity keys: 统一社会信用代码 (USCC) and 居民身份证号码."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength


@dataclass(frozen=True)
class KeyCheck:
    """A normalised key and whether it is valid; ``problem`` says why not."""

    value: str | None
    status: str  # valid | invalid | missing
    problem: str | None = None


def _normalise(raw: str | None) -> str:
    # Full-width letters and digits (ＡＢ１２) are common in hand-typed registries.
    return unicodedata.normalize("NFKC", raw or "").strip().replace(" ", "").upper()


def _reason(exc: Exception, what: str) -> str:
    if isinstance(exc, InvalidLength):
        return f"{what}长度不对"
    if isinstance(exc, InvalidChecksum):
        return f"{what}校验位错误"
    if isinstance(exc, InvalidComponent):
        return f"{what}中的组成部分（如登记机关、地区码或出生日期）无效"
    if isinstance(exc, InvalidFormat):
        return f"{what}含有不允许的字符"
    return f"{what}无效"


def check_uscc(raw: str | None) -> KeyCheck:
    """Validate a unified social credit code (18 characters with a check character)."""
    value = _normalise(raw)
    if not value:
        return KeyCheck(None, "missing", "未填写统一社会信用代码")
    try:
        return KeyCheck(uscc.validate(value), "valid")
    except (InvalidLength, InvalidChecksum, InvalidComponent, InvalidFormat) as exc:
        return KeyCheck(value, "invalid", _reason(exc, "统一社会信用代码"))


def check_id_number(raw: str | None) -> KeyCheck:
    """Validate a resident ID number (18 characters: region, birth date, sequence, check)."""
    value = _normalise(raw)
    if not value:
        return KeyCheck(None, "missing", "未填写身份证号码")
    try:
        return KeyCheck(ric.validate(value), "valid")
    except (InvalidLength, InvalidChecksum, InvalidComponent, InvalidFormat) as exc:
        return KeyCheck(value, "invalid", _reason(exc, "身份证号码"))
    except KeyError:
        # stdnum's region table lacks the county part of some codes (e.g. 220424).
        return KeyCheck(value, "invalid", "身份证号码中的地区码无效")


def mask_id_number(value: str) -> str:
    """Show the first 6 and last 4 characters only: 110101********1234."""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]
