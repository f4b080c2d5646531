"""The allocation core: exact to the fen, never beyond a claim, independent of input order."""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangfei.errors import FangfeiError, FieldProblem
from fangfei.refunds.allocation import (
    allocate,
    allocate_rounds,
    claim_fen,
    fen_to_yuan,
    yuan_to_fen,
)

# Ids from a small alphabet collide in prefixes and sort in non-obvious ways ("P10" < "P9").
participant_ids = st.text(alphabet="P019张三", min_size=1, max_size=4)
# Up to 10^14 yuan in fen: pool × claim reaches 10^32, far beyond 64-bit integers.
amounts = st.integers(min_value=0, max_value=10**16)
claim_maps = st.dictionaries(participant_ids, amounts, max_size=25)
small_claim_maps = st.dictionaries(participant_ids, st.integers(0, 50), max_size=12)


def refused(call: Any, *args: Any) -> FangfeiError:
    with pytest.raises(FangfeiError) as caught:
        call(*args)
    assert caught.value.code == "invalid"
    return caught.value


# --- properties -------------------------------------------------------------------------------


@given(claim_maps, amounts)
def test_a_round_pays_exactly_the_pool_or_every_claim(claims: dict[str, int], pool: int) -> None:
    shares = allocate(claims, pool)

    assert shares.keys() == claims.keys()
    assert sum(shares.values()) == min(pool, sum(claims.values()))
    assert all(0 <= shares[p] <= claims[p] for p in claims)


@given(claim_maps, amounts)
def test_each_share_is_within_one_fen_of_its_exact_proportion(
    claims: dict[str, int], pool: int
) -> None:
    total = sum(claims.values())
    shares = allocate(claims, pool)

    for participant, claim in claims.items():
        exact = Fraction(pool * claim, total) if pool < total else Fraction(claim)
        assert abs(shares[participant] - exact) < 1
        assert exact.__floor__() <= shares[participant] <= exact.__ceil__()


@given(claim_maps, amounts, st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_input_order(
    claims: dict[str, int], pool: int, rng: random.Random
) -> None:
    items = list(claims.items())
    rng.shuffle(items)

    assert allocate(dict(items), pool) == allocate(claims, pool)


@given(claim_maps, amounts)
def test_rerunning_a_round_changes_nothing(claims: dict[str, int], pool: int) -> None:
    before = dict(claims)

    assert allocate(claims, pool) == allocate(claims, pool)
    assert claims == before


@given(small_claim_maps, st.lists(st.integers(0, 80), max_size=6))
def test_no_claim_is_exceeded_over_any_sequence_of_rounds(
    claims: dict[str, int], pools: list[int]
) -> None:
    rounds = allocate_rounds(claims, pools)

    paid = dict.fromkeys(claims, 0)
    for pool, shares in zip(pools, rounds, strict=True):
        owed = sum(claims.values()) - sum(paid.values())
        assert sum(shares.values()) == min(pool, owed)
        for participant, amount in shares.items():
            paid[participant] += amount
    assert all(paid[p] <= claims[p] for p in claims)
    if sum(pools) >= sum(claims.values()):
        assert paid == claims


@given(claim_maps, st.lists(amounts, max_size=4))
def test_each_round_is_the_allocation_of_what_is_still_owed(
    claims: dict[str, int], pools: list[int]
) -> None:
    remaining = dict(claims)
    for pool, shares in zip(pools, allocate_rounds(claims, pools), strict=True):
        assert shares == allocate(remaining, pool)
        remaining = {p: remaining[p] - shares[p] for p in remaining}


# --- hand-made cases --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claims", "pool", "expected"),
    [
        # 3.5, 2.1, 1.4 → 3, 2, 1 and the spare fen to the largest remainder (0.5).
        ({"a": 500, "b": 300, "c": 200}, 7, {"a": 4, "b": 2, "c": 1}),
        # A three-way tie on the remainder: the spare fen goes to the smallest id.
        ({"C": 100, "A": 100, "B": 100}, 100, {"A": 34, "B": 33, "C": 33}),
        # Ids compare as strings: "P10" sorts before "P9".
        ({"P9": 1, "P10": 1}, 1, {"P9": 0, "P10": 1}),
        # Two spare fen, remainders 2/3, 2/3, 1/3 (in thirds of a fen): the two larger win.
        ({"x": 2, "y": 2, "z": 1}, 3, {"x": 1, "y": 1, "z": 1}),
        ({"x": 2, "y": 2, "z": 1}, 4, {"x": 2, "y": 1, "z": 1}),
        # A pool larger than the claims pays each claim in full, never beyond.
        ({"a": 500, "b": 0, "c": 1}, 10_000, {"a": 500, "b": 0, "c": 1}),
        ({"a": 500, "b": 300}, 800, {"a": 500, "b": 300}),
        # Nothing to share.
        ({"a": 500, "b": 300}, 0, {"a": 0, "b": 0}),
        # Zero claims get nothing, also when the pool is positive.
        ({"a": 0, "b": 0}, 100, {"a": 0, "b": 0}),
        ({"a": 0, "b": 3}, 2, {"a": 0, "b": 2}),
        # No claims at all: an empty allocation, whatever the pool.
        ({}, 100, {}),
    ],
)
def test_hand_made_rounds(claims: dict[str, int], pool: int, expected: dict[str, int]) -> None:
    assert allocate(claims, pool) == expected


def test_amounts_far_beyond_64_bits_stay_exact() -> None:
    claims = {"a": 10**14 + 1, "b": 10**14 - 1, "c": 3 * 10**14}
    shares = allocate(claims, 10**14 + 7)

    assert shares == {"a": 20000000000002, "b": 20000000000001, "c": 60000000000004}


def test_remainders_too_close_for_floats_are_ranked_exactly() -> None:
    # Exact shares …337.111, …337.444 and …338.444: one spare fen, and the remainders of "b" and
    # "c" differ by 55 ÷ 2,999,999,999,984 — too little for floats, which give it to "b".
    claims = {"a": 999_999_999_993, "b": 999_999_999_994, "c": 999_999_999_997}

    assert allocate(claims, 1_000_000_000_013) == {
        "a": 333_333_333_337,
        "b": 333_333_333_337,
        "c": 333_333_333_339,
    }


def test_rounds_pay_what_is_still_owed() -> None:
    rounds = allocate_rounds({"a": 5, "b": 3}, [3, 3, 10])

    assert rounds == [{"a": 2, "b": 1}, {"a": 2, "b": 1}, {"a": 1, "b": 1}]


def test_rounds_without_pools_pay_nothing() -> None:
    assert allocate_rounds({"a": 5}, []) == []


# --- refused input ----------------------------------------------------------------------------


def test_negative_and_non_integer_claims_are_refused_by_participant() -> None:
    error = refused(allocate, {"张三": -1, "李四": 5, "王五": 1.5, "赵六": True}, 10)

    assert error.message == "有 3 笔债权不是不小于 0 的整数分，未作分配。"
    assert error.problems == [
        FieldProblem("债权", "参与人“张三”的债权不能为负数（-0.01 元）"),
        FieldProblem("债权", "参与人“王五”的债权必须是整数分（收到 1.5）"),
        FieldProblem("债权", "参与人“赵六”的债权必须是整数分（收到 True）"),
    ]


def test_a_negative_or_fractional_pool_is_refused() -> None:
    error = refused(allocate, {"a": 1}, -250)
    assert error.message == "本轮可分配金额不能为负数（-2.50 元）。"

    error = refused(allocate, {"a": 1}, 2.5)
    assert error.message == "本轮可分配金额必须是整数分（收到 2.5）。"


def test_a_bad_pool_in_any_round_refuses_all_rounds() -> None:
    error = refused(allocate_rounds, {"a": 1}, [5, -1])

    assert error.problems == [FieldProblem("第 2 轮可分配金额", "不能为负数（-0.01 元）")]


# --- claims -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("contributions", "returns", "expected"),
    [
        ([100_000, 50_000], [12_000, 3_000], 135_000),
        ([100_000], [], 100_000),
        ([], [], 0),
        # Returns larger than contributions: nothing is owed, never a negative claim.
        ([100_000], [80_000, 30_000], 0),
    ],
)
def test_a_claim_is_contributions_less_returns(
    contributions: list[int], returns: list[int], expected: int
) -> None:
    assert claim_fen(contributions, returns) == expected


def test_negative_contributions_or_returns_are_refused() -> None:
    error = refused(claim_fen, [100, -5], [-1])

    assert error.problems == [
        FieldProblem("出资金额", "第 2 笔不能为负数（-0.05 元）"),
        FieldProblem("已收回报", "第 1 笔不能为负数（-0.01 元）"),
    ]


# --- yuan as text -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("1234.56", 123456),
        ("1,234.5", 123450),
        ("1,234,567", 123456700),
        (" 12 ", 1200),
        ("0", 0),
        ("0.01", 1),
        ("007.10", 710),
        ("１２３４．５６", 123456),  # full-width, as typed with a Chinese input method
        ("1.230", 123),  # trailing zeros are exact: nothing is rounded
        ("999999999999999.99", 99999999999999999),
    ],
)
def test_yuan_text_is_read_exactly(text: str, fen: int) -> None:
    assert yuan_to_fen(text) == fen


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "不能为空"),
        ("-1", "不能为负数：“-1”"),
        ("1.234", "最多两位小数（精确到分）：“1.234”"),
        ("0.001", "最多两位小数（精确到分）：“0.001”"),
        ("abc", "不是金额：“abc”，请填写如 1234.56 或 1,234.56 的数字（单位：元）"),
        ("12,34", "不是金额：“12,34”，请填写如 1234.56 或 1,234.56 的数字（单位：元）"),
        ("1e3", "不是金额：“1e3”，请填写如 1234.56 或 1,234.56 的数字（单位：元）"),
        ("NaN", "不是金额：“NaN”，请填写如 1234.56 或 1,234.56 的数字（单位：元）"),
        ("1.", "不是金额：“1.”，请填写如 1234.56 或 1,234.56 的数字（单位：元）"),
        ("¥5", "不是金额：“¥5”，请填写如 1234.56 或 1,234.56 的数字（单位：元）"),
        ("1" + "0" * 15, "金额过大：“1000000000000000”"),
    ],
)
def test_bad_yuan_text_is_refused_with_the_reason(text: str, reason: str) -> None:
    error = refused(lambda: yuan_to_fen(text, field="claim_yuan"))

    assert error.message == f"claim_yuan填写有误：{reason}"
    assert error.problems == [FieldProblem("claim_yuan", reason)]


@pytest.mark.parametrize(
    ("fen", "plain", "grouped"),
    [
        (0, "0.00", "0.00"),
        (5, "0.05", "0.05"),
        (123456789, "1234567.89", "1,234,567.89"),
        (-150, "-1.50", "-1.50"),
        (10**30, "1" + "0" * 28 + ".00", "10" + ",000" * 9 + ".00"),
    ],
)
def test_fen_are_shown_as_yuan_with_two_decimals(fen: int, plain: str, grouped: str) -> None:
    assert fen_to_yuan(fen) == plain
    assert fen_to_yuan(fen, grouped=True) == grouped


@given(st.integers(min_value=0, max_value=10**17 - 1), st.booleans())
def test_yuan_text_round_trips(fen: int, grouped: bool) -> None:
    assert yuan_to_fen(fen_to_yuan(fen, grouped=grouped)) == fen
