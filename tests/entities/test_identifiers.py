"""USCC and ID number checks."""

from __future__ import annotations

import pytest
from stdnum.cn import ric, uscc

from fangfei.entities.identifiers import check_id_number, check_uscc, mask_id_number

VALID_USCC = "91110000600037341L"
# ric.calc_check_digit expects the whole 18 characters, the last one being a placeholder.
VALID_ID = "11010519491231002" + ric.calc_check_digit("11010519491231002" + "0")


def test_valid_uscc_normalised_from_full_width_and_spaces() -> None:
    assert uscc.is_valid(VALID_USCC)
    check = check_uscc(" ９１１１００００６０００３７３４１ｌ ")
    assert (check.value, check.status, check.problem) == (VALID_USCC, "valid", None)


@pytest.mark.parametrize(
    ("raw", "status", "problem"),
    [
        ("", "missing", "未填写统一社会信用代码"),
        (None, "missing", "未填写统一社会信用代码"),
        ("91110000600037341A", "invalid", "统一社会信用代码校验位错误"),
        ("9111000060003734", "invalid", "统一社会信用代码长度不对"),
    ],
)
def test_bad_uscc_is_flagged_with_reason(raw: str | None, status: str, problem: str) -> None:
    check = check_uscc(raw)
    assert (check.status, check.problem) == (status, problem)


def test_id_number_checks() -> None:
    assert check_id_number(VALID_ID.lower()).status == "valid"
    bad_check = VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1")
    assert check_id_number(bad_check).problem == "身份证号码校验位错误"
    assert check_id_number("110105194913310021").status == "invalid"  # month 13


def test_mask_keeps_region_and_last_four() -> None:
    assert mask_id_number(VALID_ID) == VALID_ID[:6] + "********" + VALID_ID[-4:]


def test_region_code_without_county_is_flagged_not_crashing() -> None:
    body = "22042419900101001"
    check = check_id_number(body + ric.calc_check_digit(body + "0"))
    assert (check.status, check.problem) == ("invalid", "身份证号码中的地区码无效")
