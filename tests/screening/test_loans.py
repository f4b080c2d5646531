"""Loan rates against independent closed forms, caps, flags, and refused inputs.

Expected rates are computed here from first principles, not by the engine's solver:
- one repayment A after a payout P: the periodic IRR is (A / P)^(1/n) − 1 over n periods, and
  XIRR = (A / P)^(365 / days) − 1 — what a spreadsheet's XIRR returns for two flows;
- twelve equal instalments: the monthly IRR is the spreadsheet's RATE(12, 1000, −10000).
Results are compared to 0.01 percentage points.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from fangfei.errors import FangfeiError
from fangfei.screening.irr import add_months
from fangfei.screening.loans import LoanResult, screen_loan_data


def loan(
    flows: list[tuple[str, str, str]],
    *,
    principal: str = "10000",
    withheld: str = "0",
    contract: str | None = None,
    licensed: str = "none",
    student: bool = False,
) -> dict[str, Any]:
    return {
        "loan_id": "L-1",
        "lender": {"name": "张三", "licensed": licensed},
        "borrower": {"name": "李四", "is_student": student},
        "contract_date": contract or flows[0][0],
        "principal_stated": principal,
        "withheld": withheld,
        "cash_flows": [{"date": d, "amount": a, "kind": k} for d, a, k in flows],
    }


def pct(value: float) -> Decimal:
    return Decimal(str(round(value * 100, 6)))


def close(actual: Decimal, expected: Decimal) -> bool:
    return abs(actual - expected) <= Decimal("0.01")


def codes(result: LoanResult) -> list[str]:
    return [flag.code for flag in result.flags]


def test_a_one_year_loan_with_kantouxi_matches_the_closed_form() -> None:
    flows = [("2023-03-01", "-9000", "disbursement"), ("2024-03-01", "10000", "repayment")]

    result = screen_loan_data(loan(flows, withheld="1000"))

    assert result.schedule == "annual"
    assert close(result.annual_rate_nominal_pct, pct(10000 / 9000 - 1))  # 11.11
    assert close(result.annual_rate_effective_pct, pct((10000 / 9000) ** (365 / 366) - 1))
    assert (result.cash_out, result.cash_in) == (Decimal(9000), Decimal(10000))
    assert (result.lpr_pct, result.cap_pct) == (Decimal("3.65"), Decimal("14.60"))
    assert codes(result) == ["kantouxi"]


def test_a_six_month_bullet_from_a_month_end_is_monthly() -> None:
    flows = [("2024-01-31", "-9000", "disbursement"), ("2024-07-31", "10000", "repayment")]

    result = screen_loan_data(loan(flows, withheld="1000"))

    assert result.schedule == "monthly"
    assert close(result.annual_rate_nominal_pct, pct(12 * ((10000 / 9000) ** (1 / 6) - 1)))
    assert close(result.annual_rate_effective_pct, pct((10000 / 9000) ** (365 / 182) - 1))


def test_twelve_instalments_match_the_spreadsheet_rate() -> None:
    start = date(2024, 1, 31)
    flows = [(start.isoformat(), "-10000", "disbursement")]
    flows += [(add_months(start, k).isoformat(), "1000", "repayment") for k in range(1, 13)]

    result = screen_loan_data(loan(flows))

    # RATE(12, 1000, -10000) = 2.92285% a month; × 12 = 35.07% (28/29/30/31 Feb…Dec dates)
    assert result.schedule == "monthly"
    assert result.annual_rate_nominal_pct == Decimal("35.07")
    monthly = float(result.annual_rate_nominal_pct) / 1200
    present = sum(1000 / (1 + monthly) ** k for k in range(1, 13))
    assert abs(present - 10000) < 1


def test_a_weekly_loan_uses_52_periods() -> None:
    flows = [("2024-01-01", "-1000", "disbursement"), ("2024-01-08", "1300", "repayment")]

    result = screen_loan_data(loan(flows, principal="1000"))

    assert result.schedule == "weekly"
    assert result.annual_rate_nominal_pct == Decimal("1560.00")  # 30% a week × 52
    assert close(result.annual_rate_effective_pct, pct(1.3 ** (365 / 7) - 1))
    assert codes(result) == ["above_cap", "above_36", "above_72"]


def test_an_irregular_loan_uses_the_daily_rate_times_365() -> None:
    flows = [("2024-01-01", "-1000", "disbursement"), ("2024-01-11", "1100", "repayment")]

    result = screen_loan_data(loan(flows, principal="1000"))

    assert result.schedule == "irregular"
    assert close(result.annual_rate_nominal_pct, pct(365 * (1.1 ** (1 / 10) - 1)))
    assert close(result.annual_rate_effective_pct, pct(1.1 ** (365 / 10) - 1))


def test_daily_instalments_are_labelled_daily() -> None:
    flows = [("2024-01-01", "-1000", "disbursement")]
    flows += [(f"2024-01-{day:02d}", "110", "repayment") for day in range(2, 12)]

    result = screen_loan_data(loan(flows, principal="1000"))

    assert result.schedule == "daily"


def test_a_fee_taken_on_the_payout_day_is_netted_and_flagged() -> None:
    flows = [
        ("2024-02-01", "-3000", "disbursement"),
        ("2024-02-01", "300", "fee"),
        ("2024-03-01", "3300", "repayment"),
    ]

    result = screen_loan_data(loan(flows, principal="3000"))

    assert (result.cash_out, result.cash_in) == (Decimal(2700), Decimal(3300))
    assert close(result.annual_rate_nominal_pct, pct(12 * (3300 / 2700 - 1)))  # 266.67
    assert close(result.annual_rate_effective_pct, pct((3300 / 2700) ** (365 / 29) - 1))
    assert codes(result) == ["kantouxi", "disguised_fees", "above_cap", "above_36", "above_72"]
    assert "放款当日收回利息或费用 300.00 元" in result.flags[0].detail


def test_an_unexplained_gap_is_flagged_as_inflated_principal() -> None:
    flows = [("2024-05-01", "-8000", "disbursement"), ("2025-05-01", "9000", "repayment")]

    result = screen_loan_data(loan(flows, principal="10000"))

    assert codes(result) == ["kantouxi", "inflated_principal"]
    assert "多 2,000.00 元" in result.flags[1].detail


def test_a_new_payout_next_to_a_repayment_is_a_rollover() -> None:
    flows = [
        ("2024-01-01", "-5000", "disbursement"),
        ("2024-02-01", "6000", "repayment"),
        ("2024-02-02", "-6000", "disbursement"),
        ("2024-03-02", "7000", "repayment"),
    ]

    result = screen_loan_data(loan(flows, principal="5000"))

    assert "rollover" in codes(result)


def test_a_student_borrower_is_flagged() -> None:
    flows = [("2024-05-01", "-2000", "disbursement"), ("2024-06-01", "2020", "repayment")]

    result = screen_loan_data(loan(flows, principal="2000", student=True))

    assert codes(result) == ["student"]


def test_before_20_august_2019_the_old_24_36_rule_applies() -> None:
    flows = [("2019-01-10", "-10000", "disbursement"), ("2020-01-10", "13000", "repayment")]

    result = screen_loan_data(loan(flows))

    assert (result.lpr_pct, result.cap_pct) == (None, Decimal(24))
    assert result.cap_rule.startswith(
        "合同订立于 2019-08-20 之前，适用原规则：年利率 24% 以内受保护"
    )
    assert codes(result) == ["above_cap"]


@pytest.mark.parametrize("licensed", ["small_loan", "pawn", "leasing", "factoring", "bank"])
def test_licensed_lenders_are_outside_the_cap(licensed: str) -> None:
    flows = [("2024-01-10", "-10000", "disbursement"), ("2025-01-10", "13000", "repayment")]

    result = screen_loan_data(loan(flows, licensed=licensed))

    assert result.cap_pct is None
    assert codes(result) == []


def test_the_lpr_comes_from_the_lookup_it_is_given() -> None:
    flows = [("2024-01-10", "-10000", "disbursement"), ("2025-01-10", "11500", "repayment")]

    from_database = screen_loan_data(loan(flows), lpr_on=lambda day: Decimal("4.00"))
    unknown = screen_loan_data(loan(flows), lpr_on=lambda day: None)

    assert (from_database.cap_pct, codes(from_database)) == (Decimal("16.00"), [])
    assert (unknown.cap_pct, unknown.cap_rule) == (
        None,
        "查不到合同日 2024-01-10 的一年期 LPR，未比较利率上限",
    )


def test_the_json_output_has_the_documented_keys() -> None:
    flows = [("2023-03-01", "-9000", "disbursement"), ("2024-03-01", "10000", "repayment")]

    output = screen_loan_data(loan(flows, withheld="1000")).as_dict()

    assert output["annual_rate_nominal_pct"] == 11.11
    assert output["cap_pct"] == 14.6
    assert [flag["code"] for flag in output["flags"]] == ["kantouxi"]
    assert output["explanation"].startswith("按实际出借 9,000.00 元、此后收回 10,000.00 元计算")


def refusal(data: object) -> str:
    with pytest.raises(FangfeiError) as caught:
        screen_loan_data(data)
    assert caught.value.status == 422
    return caught.value.message


def test_payments_before_the_payout_are_refused() -> None:
    flows = [("2024-01-01", "500", "repayment"), ("2024-01-05", "-1000", "disbursement")]

    assert refusal(loan(flows, contract="2024-01-05")) == (
        "借款数据有误：字段“cash_flows[0].date”：第 1 笔现金流（还本，2024-01-01）早于首笔放款日 "
        "2024-01-05：还款不能发生在放款之前。"
    )


def test_a_loan_without_cash_flows_is_refused() -> None:
    data = loan([("2024-01-01", "-1", "disbursement")])
    data["cash_flows"] = []

    assert refusal(data) == (
        "借款数据有误：字段“cash_flows”：没有现金流：至少需要一笔放款（disbursement，负数）和一笔回款。"
    )


def test_a_negative_principal_is_refused() -> None:
    flows = [("2024-01-01", "-1000", "disbursement"), ("2024-02-01", "1100", "repayment")]

    assert refusal(loan(flows, principal="-1000")) == (
        "借款数据有误：字段“principal_stated”：合同本金不能为负数（收到 -1000）。"
    )


def test_every_problem_is_named_at_once() -> None:
    flows = [("2024-13-01", "1000", "disbursement"), ("2024-02-01", "abc", "gift")]
    data = loan(flows, contract="2024-01-01")

    message = refusal(data)

    assert message.startswith("借款数据有 4 处错误：")
    assert "须为日期 YYYY-MM-DD（收到“2024-13-01”）" in message
    assert "第 1 笔现金流是放款，金额须为负数（付出）（收到 1000）" in message
    assert "须为金额数字（收到“abc”）" in message
    assert "须为 disbursement | repayment | interest | fee | penalty（收到“gift”）" in message


def test_a_loan_never_repaid_has_no_rate() -> None:
    data = loan([("2024-01-01", "-1000", "disbursement")])

    assert refusal(data) == "放款之后没有任何回款（还款、利息、费用或罚息），无法计算利率。"


def test_a_loan_must_be_an_object() -> None:
    assert refusal([1, 2]) == "借款数据必须是一个 JSON 对象（{…}）。"


def test_a_licensed_lender_above_36_is_shown_but_not_counted() -> None:
    flows = [("2024-01-10", "-10000", "disbursement"), ("2025-01-10", "14000", "repayment")]

    result = screen_loan_data(loan(flows, licensed="small_loan"))

    assert codes(result) == ["above_36"]
    assert result.flags[0].detail == "名义年利率 40.00% 超过 36%（出借人持牌，不适用非法放贷认定）"
