"""按比例清偿 — pro-rata allocation of a recovered pool over claims, exact to the fen.

Every amount here is an integer number of fen (分); floats never appear. A round is allocated by
the largest-remainder (Hamilton) method:

1. each participant's share is ``floor(pool × claim ÷ total)``, computed with Python integers so
   that ``pool × claim`` cannot overflow however large the amounts are;
2. the fen left over (always fewer than the number of participants with a fractional share) go
   one each to the participants with the largest remainders ``pool × claim mod total``;
3. **tie-break**: among equal remainders, the participant whose id sorts first as a Python string
   (Unicode code-point order, so ``"P10"`` comes before ``"P9"``) gets the fen first. Ids are the
   keys of a mapping, hence unique, so the order is total and does not depend on input order.

Consequences relied on by callers: a round's total is exactly ``min(pool, total claims)``; each
share lies within one fen of its exact proportional value; nobody gets more than their claim; a
zero claim gets 0. When the pool covers every claim, each participant gets exactly their claim and
the surplus stays unallocated; with no claims at all the allocation is empty, whatever the pool.
Negative or non-integer claims and pools are refused with ``invalid`` naming each participant.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import Decimal, localcontext

from fangfei.errors import FieldProblem, invalid

# Amounts above 10^15 yuan (千万亿元) are typing errors, not fundraising schemes.
MAX_YUAN_DIGITS = 15
# Digits with correctly placed thousands separators, then up to any number of decimals.
_YUAN = re.compile(r"(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<fraction>[0-9]+))?")


# --- claims -----------------------------------------------------------------------------------


def claim_fen(contributions_fen: Sequence[int], returns_fen: Sequence[int]) -> int:
    """债权 — what a participant is still owed: contributions less returns received, never below 0."""
    problems = [
        problem
        for label, amounts in (("出资金额", contributions_fen), ("已收回报", returns_fen))
        for index, amount in enumerate(amounts, start=1)
        if (problem := _amount_problem(label, f"第 {index} 笔", amount))
    ]
    if problems:
        raise invalid("出资金额和已收回报都必须是不小于 0 的整数分。", problems)
    return max(0, sum(contributions_fen) - sum(returns_fen))


def _amount_problem(label: str, which: str, amount: object) -> FieldProblem | None:
    """Why ``amount`` is not a non-negative whole number of fen, or None when it is."""
    # bool is an int subclass and float is a classic slip: both are refused, never coerced.
    if type(amount) is not int:
        return FieldProblem(label, f"{which}必须是整数分（收到 {amount!r}）")
    if amount < 0:
        return FieldProblem(label, f"{which}不能为负数（{fen_to_yuan(amount)} 元）")
    return None


def _check_pool(pool_fen: int, label: str) -> None:
    if problem := _amount_problem(label, "", pool_fen):
        raise invalid(f"{label}{problem.reason}。", [problem])


def _check_claims(ids: Sequence[str], amounts: Sequence[int]) -> None:
    if all(type(amount) is int for amount in amounts) and min(amounts, default=0) >= 0:
        return  # the usual case, checked in one fast pass; the slow one names each culprit
    problems = [
        problem
        for participant, amount in zip(ids, amounts, strict=True)
        if (problem := _amount_problem("债权", f"参与人“{participant}”的债权", amount))
    ]
    if problems:
        raise invalid(f"有 {len(problems)} 笔债权不是不小于 0 的整数分，未作分配。", problems)


# --- one round --------------------------------------------------------------------------------


def allocate(claims: Mapping[str, int], pool_fen: int) -> dict[str, int]:
    """Share ``pool_fen`` pro rata over ``claims`` (id → fen) by largest remainder; see the module."""
    _check_pool(pool_fen, "本轮可分配金额")
    ids = list(claims)
    amounts = list(claims.values())
    _check_claims(ids, amounts)
    total = sum(amounts)
    if pool_fen >= total:
        return dict(zip(ids, amounts, strict=True))
    remainders = [pool_fen * amount % total for amount in amounts]
    shares = [
        (pool_fen * amount - remainder) // total
        for amount, remainder in zip(amounts, remainders, strict=True)
    ]
    leftover = pool_fen - sum(shares)
    for index in _largest_remainders(ids, remainders, leftover):
        shares[index] += 1
    return dict(zip(ids, shares, strict=True))


def _largest_remainders(ids: Sequence[str], remainders: Sequence[int], count: int) -> list[int]:
    """The positions of the ``count`` largest remainders, equal ones taken by ascending id."""
    if count == 0:
        return []
    # Selecting by threshold sorts plain ints once and compares ids only among the ties.
    threshold = sorted(remainders, reverse=True)[count - 1]
    above = [i for i, remainder in enumerate(remainders) if remainder > threshold]
    tied = [i for i, remainder in enumerate(remainders) if remainder == threshold]
    tied.sort(key=ids.__getitem__)
    return above + tied[: count - len(above)]


def allocate_rounds(claims: Mapping[str, int], pools: Sequence[int]) -> list[dict[str, int]]:
    """Successive rounds, each shared over what is still owed, so no claim is ever exceeded."""
    for number, pool_fen in enumerate(pools, start=1):
        _check_pool(pool_fen, f"第 {number} 轮可分配金额")
    remaining = dict(claims)
    rounds = []
    for pool_fen in pools:
        paid = allocate(remaining, pool_fen)
        for participant, amount in paid.items():
            remaining[participant] -= amount
        rounds.append(paid)
    return rounds


# --- yuan as text -----------------------------------------------------------------------------


def fen_to_yuan(fen: int, *, grouped: bool = False) -> str:
    """Fen as yuan with two decimals ("1234.56"), with thousands separators when ``grouped``."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    whole = f"{yuan:,}" if grouped else str(yuan)
    return f"{sign}{whole}.{cents:02d}"


def yuan_to_fen(text: str, *, field: str = "金额") -> int:
    """Parse "1234.56" or "1,234.5" (full-width digits too) into fen; refuse anything else."""
    value = unicodedata.normalize("NFKC", text).strip()
    match = _YUAN.fullmatch(value)
    whole = match["whole"].replace(",", "").lstrip("0") if match else ""
    # Trailing zeros are exact ("1.230" is 123 fen); any other third decimal would need rounding.
    fraction = (match["fraction"] or "").rstrip("0") if match else ""
    if match is None:
        reason = _format_problem(value)
    elif len(fraction) > 2:
        reason = f"最多两位小数（精确到分）：“{value}”"
    elif len(whole) > MAX_YUAN_DIGITS:
        reason = f"金额过大：“{value}”"
    else:
        # At most 15 + 2 significant digits: exact whatever context the caller has set.
        with localcontext(prec=MAX_YUAN_DIGITS + 3):
            return int(Decimal(f"0{whole}.{fraction}0") * 100)
    raise invalid(f"{field}填写有误：{reason}", [FieldProblem(field, reason)])


def _format_problem(value: str) -> str:
    """Why ``value``, which is not plain digits with an optional fraction, was refused."""
    if not value:
        return "不能为空"
    if value.startswith("-"):
        return f"不能为负数：“{value}”"
    return f"不是金额：“{value}”，请填写如 1234.56 或 1,234.56 的数字（单位：元）"
