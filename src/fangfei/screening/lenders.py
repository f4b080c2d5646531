"""非法放贷认定 — a lender's loans above 36% in any rolling two years, against the legal lines.

两高两部《关于办理非法放贷刑事案件若干问题的意见》(2019): unlicensed lending to unspecified people
at least 10 times within 2 years, counting only loans whose actual annual rate exceeds 36%, is
illegal lending; 情节严重 and 情节特别严重 add lines on the amount lent, the illegal income and the
number of borrowers (individual and company lines differ); reaching 80% of a 情节严重 line together
with an aggravating factor — here, lending above 72% at least 10 times — also counts as 情节严重.

Conventions (each is an assumption the officer should know, repeated in the explanation):

- a loan's rate is its IRR-method nominal rate (``loans``), and its date its first payout;
- windows are ``[d, d + 2 years)`` starting at each counted loan, and the most serious window is
  reported (ties: more loans, then more money);
- the amount lent is the cash actually paid out; the illegal income is approximated as the cash
  received less the cash paid out on the counted loans;
- loans of lenders licensed to lend (``cap_exempt_licences``) are listed but never tallied;
  lenders are told apart by their name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from fangfei.screening.irr import add_months
from fangfei.screening.loan_rules import LendingRules, lending_rules
from fangfei.screening.loans import LoanResult

TIER_LABELS = {
    "none": "未达到非法放贷认定标准",
    "threshold": "达到非法放贷认定标准（2 年内 10 次以上）",
    "serious": "情节严重",
    "particularly_serious": "情节特别严重",
    "licensed": "持牌机构，不适用非法放贷认定",
}
_TIER_ORDER = ("none", "threshold", "serious", "particularly_serious")


@dataclass(frozen=True)
class Window:
    """The counted loans of one lender within one two-year window."""

    start: date
    end: date  # exclusive
    loans: int
    borrowers: int
    amount: Decimal
    income: Decimal
    above_72: int


@dataclass(frozen=True)
class LenderTally:
    """One lender's loans against the illegal-lending lines."""

    lender_name: str
    lender_kind: str
    licence: str
    loans: int
    loans_above_36: int
    window: Window | None
    tier: str
    reasons: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        window = self.window
        return {
            "lender": self.lender_name,
            "kind": self.lender_kind,
            "licensed": self.licence,
            "loans": self.loans,
            "loans_above_36": self.loans_above_36,
            "window": None
            if window is None
            else {
                "start": window.start.isoformat(),
                "end": window.end.isoformat(),
                "loans": window.loans,
                "borrowers": window.borrowers,
                "amount": f"{window.amount:.2f}",
                "income": f"{window.income:.2f}",
                "loans_above_72": window.above_72,
            },
            "tier": self.tier,
            "tier_label": TIER_LABELS[self.tier],
            "reasons": list(self.reasons),
        }


def _day(result: LoanResult) -> date:
    return min(flow.day for flow in result.loan.flows if flow.kind == "disbursement")


def _window(start: date, counted: list[LoanResult], rules: LendingRules) -> Window:
    end = add_months(start, 12 * int(rules.data["illegal_lending"]["window_years"]))
    inside = [r for r in counted if start <= _day(r) < end]
    return Window(
        start=start,
        end=end,
        loans=len(inside),
        borrowers=len({r.loan.borrower_name or r.loan.loan_id for r in inside}),
        amount=sum((r.cash_out for r in inside), Decimal(0)),
        income=max(Decimal(0), sum((r.cash_in - r.cash_out for r in inside), Decimal(0))),
        above_72=sum(1 for r in inside if r.annual_rate_nominal_pct > rules.aggravated_pct),
    )


def _met(window: Window, lines: dict[str, Any], ratio: Decimal = Decimal(1)) -> list[str]:
    met = []
    if window.amount >= Decimal(str(lines["amount"])) * ratio:
        met.append(
            f"出借金额 {window.amount:,.2f} 元达到 {Decimal(str(lines['amount'])) * ratio:,.0f} 元"
        )
    if window.income >= Decimal(str(lines["income"])) * ratio:
        met.append(
            f"违法所得约 {window.income:,.2f} 元达到 {Decimal(str(lines['income'])) * ratio:,.0f} 元"
        )
    if window.borrowers >= int(lines["borrowers"]) * ratio:
        met.append(f"借款人 {window.borrowers} 人达到 {int(lines['borrowers']) * ratio:.0f} 人")
    return met


def _judge(window: Window, kind: str, rules: LendingRules) -> tuple[str, list[str]]:
    spec = rules.data["illegal_lending"]
    if window.loans < int(spec["min_loans"]):
        return "none", [f"2 年内超过 36% 的放贷 {window.loans} 次，未达 {spec['min_loans']} 次"]
    reasons = [f"{window.start} 至 {window.end} 间超过 36% 的放贷 {window.loans} 次"]
    for tier in ("particularly_serious", "serious"):
        met = _met(window, spec["tiers"][tier][kind])
        if met:
            return tier, reasons + met
    near = _met(window, spec["tiers"]["serious"][kind], Decimal(str(spec["near_ratio"])))
    if near and window.above_72 >= int(spec["aggravating_loans_above_72"]):
        note = f"接近情节严重标准（80%）且以超过 72% 的年利率放贷 {window.above_72} 次"
        return "serious", [*reasons, *near, note]
    return "threshold", reasons


def _tally(name: str, results: list[LoanResult], rules: LendingRules) -> LenderTally:
    first = results[0].loan
    counted = sorted(
        (r for r in results if r.annual_rate_nominal_pct > rules.illegal_pct), key=_day
    )
    base = (name, first.lender_kind, first.licence, len(results), len(counted))
    if first.licence in rules.exempt_licences:
        return LenderTally(*base, None, "licensed", (TIER_LABELS["licensed"],))
    if not counted:
        return LenderTally(*base, None, "none", ("没有年利率超过 36% 的放贷",))
    best: tuple[tuple[int, int, Decimal], Window, list[str], str] | None = None
    for start in dict.fromkeys(_day(r) for r in counted):
        window = _window(start, counted, rules)
        tier, reasons = _judge(window, first.lender_kind, rules)
        key = (_TIER_ORDER.index(tier), window.loans, window.amount)
        if best is None or key > best[0]:
            best = (key, window, reasons, tier)
    assert best is not None
    return LenderTally(*base, best[1], best[3], tuple(best[2]))


def tally_lenders(
    results: Iterable[LoanResult], *, rules: LendingRules | None = None
) -> list[LenderTally]:
    """Every lender's tally, the most serious first."""
    rules = rules or lending_rules()
    by_lender: dict[str, list[LoanResult]] = {}
    for result in results:
        by_lender.setdefault(result.loan.lender_name, []).append(result)
    tallies = [_tally(name, found, rules) for name, found in by_lender.items()]
    order = {tier: index for index, tier in enumerate(("licensed", *_TIER_ORDER))}
    tallies.sort(key=lambda t: (-order[t.tier], -t.loans_above_36, t.lender_name))
    return tallies
