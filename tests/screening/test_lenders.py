"""Per-lender tallies of loans above 36% in any rolling two years, against the legal lines."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from fangfei.screening.lenders import tally_lenders
from fangfei.screening.loans import LoanResult, screen_loan_data


def one_loan(
    lender: str,
    borrower: str,
    day: date,
    *,
    amount: int = 10_000,
    back: int = 11_000,
    licensed: str = "none",
) -> LoanResult:
    """A one-month loan: 10% a month (120% a year) unless ``back`` says otherwise."""
    repaid = day + timedelta(days=30)
    return screen_loan_data(
        {
            "loan_id": f"{lender}-{borrower}-{day}",
            "lender": {"name": lender, "licensed": licensed},
            "borrower": {"name": borrower},
            "contract_date": day.isoformat(),
            "principal_stated": str(amount),
            "cash_flows": [
                {"date": day.isoformat(), "amount": str(-amount), "kind": "disbursement"},
                {"date": repaid.isoformat(), "amount": str(back), "kind": "repayment"},
            ],
        }
    )


def monthly(
    lender: str, count: int, *, amount: int = 10_000, back: int = 11_000, licensed: str = "none"
) -> list[LoanResult]:
    """``count`` loans 40 days apart from 2023-01-05, each to a different borrower."""
    return [
        one_loan(
            lender,
            f"借款人{n}",
            date(2023, 1, 5) + timedelta(days=40 * n),
            amount=amount,
            back=back,
            licensed=licensed,
        )
        for n in range(count)
    ]


def test_ten_loans_above_36_within_two_years_meet_the_threshold() -> None:
    (tally,) = tally_lenders(monthly("张三", 10))

    assert (tally.tier, tally.loans_above_36) == ("threshold", 10)
    assert tally.window is not None
    assert (tally.window.start, tally.window.end) == (date(2023, 1, 5), date(2025, 1, 5))
    assert (tally.window.loans, tally.window.borrowers) == (10, 10)
    assert (tally.window.amount, tally.window.income) == (Decimal(100_000), Decimal(10_000))
    assert tally.as_dict()["tier_label"] == "达到非法放贷认定标准（2 年内 10 次以上）"


def test_nine_loans_do_not() -> None:
    (tally,) = tally_lenders(monthly("张三", 9))

    assert tally.tier == "none"
    assert tally.reasons == ("2 年内超过 36% 的放贷 9 次，未达 10 次",)


def test_loans_spread_over_more_than_two_years_are_counted_per_window() -> None:
    spread = [
        one_loan("张三", f"借款人{n}", date(2020, 1, 1) + timedelta(days=90 * n)) for n in range(12)
    ]

    (tally,) = tally_lenders(spread)

    assert tally.loans_above_36 == 12
    assert tally.window is not None and tally.window.loans == 9  # at most 9 fall in any two years
    assert tally.tier == "none"


def test_loans_at_lawful_rates_are_not_counted() -> None:
    lawful = monthly("张三", 12, back=10_100)  # 1% a month, 12% a year

    (tally,) = tally_lenders(lawful)

    assert (tally.tier, tally.loans_above_36, tally.window) == ("none", 0, None)


def test_two_million_lent_by_a_person_is_serious() -> None:
    (tally,) = tally_lenders(monthly("张三", 10, amount=200_000, back=220_000))

    assert tally.tier == "serious"
    assert "出借金额 2,000,000.00 元达到 2,000,000 元" in tally.reasons


def test_the_same_amount_lent_by_a_company_is_not_serious() -> None:
    (tally,) = tally_lenders(monthly("某某信息咨询有限公司", 10, amount=200_000, back=220_000))

    assert (tally.lender_kind, tally.tier) == ("company", "threshold")


def test_eighty_percent_of_a_line_with_ten_loans_above_72_is_serious() -> None:
    (tally,) = tally_lenders(monthly("张三", 10, amount=160_000, back=176_000))  # 1.6 million, 120%

    assert tally.tier == "serious"
    assert tally.reasons[-1] == "接近情节严重标准（80%）且以超过 72% 的年利率放贷 10 次"


def test_no_loans_no_tallies() -> None:
    assert tally_lenders([]) == []


def test_a_licensed_lender_is_never_tallied_and_lenders_are_sorted_by_tier() -> None:
    licensed = monthly("某某小额贷款有限公司", 12, licensed="small_loan")

    tallies = tally_lenders(licensed + monthly("张三", 10) + monthly("李四", 3))

    assert [(t.lender_name, t.tier) for t in tallies] == [
        ("张三", "threshold"),
        ("李四", "none"),
        ("某某小额贷款有限公司", "licensed"),
    ]
