"""借贷合同筛查 — the real rate of a loan, the legal lines it crosses, and the signs of 套路贷.

Input (``parse_loan``): ``{"loan_id", "lender": {"name", "licensed", "kind"?}, "borrower": {"name",
"is_student"}, "contract_date", "principal_stated", "withheld"?, "cash_flows": [{"date", "amount",
"kind"}]}``; amounts in yuan from the lender's view (paid out negative, received positive), kinds
``disbursement | repayment | interest | fee | penalty``. ``lender.kind`` (``person | company``) is
optional: without it a name with 公司/企业/中心/合作社/商行 is a company.

Rates are computed on the cash actually paid out and received (``irr``): flows on the same date are
netted, so an interest or fee taken on the payout day lowers the principal, as the SPC requires.
The nominal rate is compared with the cap in force on the contract date — 4 × the one-year LPR
(from any :data:`~fangfei.screening.lpr.LprLookup`), or 24%/36% before 2019-08-20 — unless the
lender holds a licence outside the cap, and with the 36% and 72% lines of illegal lending.

Flags: 砍头息 (money withheld, a payout below the contract principal, or interest/fees taken on the
payout day), 虚增借贷金额 (a gap between contract principal and payout not explained by declared
withholding), fees (``fee`` flows: 服务费, 咨询费 … counted as interest), 以贷还贷 (a later payout
within a few days of a repayment) and 校园贷 (a student borrower).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from fangfei.errors import FieldProblem, invalid
from fangfei.screening.irr import SCHEDULE_LABELS, NoRate, loan_rates
from fangfei.screening.loan_input import CashFlow, Loan, parse_loan
from fangfei.screening.loan_rules import LendingRules, lending_rules
from fangfei.screening.lpr import LprLookup, shipped_lpr_on

__all__ = ["CashFlow", "Flag", "Loan", "LoanResult", "parse_loan", "screen_loan"]

INCOME_KINDS = ("repayment", "interest", "fee", "penalty")


@dataclass(frozen=True)
class Flag:
    """A finding about a loan: a stable code, a Chinese label and the facts behind it."""

    code: str
    label: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        """A JSON-ready form."""
        return {"code": self.code, "label": self.label, "detail": self.detail}


@dataclass(frozen=True)
class LoanResult:
    """The screening of one loan."""

    loan: Loan
    cash_out: Decimal  # actually paid out, net of interest and fees taken on the payout day
    cash_in: Decimal  # received after that
    schedule: str
    annual_rate_nominal_pct: Decimal
    annual_rate_effective_pct: Decimal
    lpr_pct: Decimal | None
    cap_pct: Decimal | None
    cap_rule: str
    flags: tuple[Flag, ...]
    explanation: str

    def has(self, code: str) -> bool:
        """Whether the loan carries a flag."""
        return any(flag.code == code for flag in self.flags)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form: rates as numbers, amounts as strings of yuan."""
        loan = self.loan
        return {
            "loan_id": loan.loan_id,
            "lender": {
                "name": loan.lender_name,
                "licensed": loan.licence,
                "kind": loan.lender_kind,
            },
            "borrower": {"name": loan.borrower_name, "is_student": loan.is_student},
            "contract_date": loan.contract_date.isoformat(),
            "principal_stated": f"{loan.principal_stated:.2f}",
            "withheld": f"{loan.withheld:.2f}",
            "cash_out": f"{self.cash_out:.2f}",
            "cash_in": f"{self.cash_in:.2f}",
            "schedule": self.schedule,
            "annual_rate_nominal_pct": float(self.annual_rate_nominal_pct),
            "annual_rate_effective_pct": float(self.annual_rate_effective_pct),
            "lpr_pct": None if self.lpr_pct is None else float(self.lpr_pct),
            "cap_pct": None if self.cap_pct is None else float(self.cap_pct),
            "cap_rule": self.cap_rule,
            "flags": [flag.as_dict() for flag in self.flags],
            "explanation": self.explanation,
        }


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def net_flows(loan: Loan) -> list[tuple[date, Decimal]]:
    """The flows netted per date, in date order."""
    netted: dict[date, Decimal] = {}
    for flow in loan.flows:
        netted[flow.day] = netted.get(flow.day, Decimal(0)) + flow.amount
    return sorted((day, amount) for day, amount in netted.items() if amount != 0)


def _checked_netting(loan: Loan, netted: list[tuple[date, Decimal]]) -> None:
    first_payout = min(f.day for f in loan.flows if f.kind == "disbursement")
    if not netted or netted[0][0] != first_payout or netted[0][1] >= 0:
        raise invalid(
            f"首笔放款日 {first_payout} 当天收取的利息和费用不少于放款金额，实际没有出借资金：请检查现金流。",
            [FieldProblem("cash_flows", "放款当日净额不是付出")],
        )
    if not any(amount > 0 for _, amount in netted[1:]):
        raise invalid(
            "放款之后没有任何回款（还款、利息、费用或罚息），无法计算利率。",
            [FieldProblem("cash_flows", "缺少回款")],
        )


def _cap(
    loan: Loan, lpr_on: LprLookup, rules: LendingRules
) -> tuple[Decimal | None, Decimal | None, str]:
    """(LPR, cap, the rule applied, in Chinese) on the contract date."""
    if loan.licence in rules.exempt_licences:
        return None, None, "出借人为持牌金融机构或地方金融组织，不适用民间借贷利率上限"
    if loan.contract_date < rules.lpr_rule_from:
        rule = (
            f"合同订立于 {rules.lpr_rule_from} 之前，适用原规则：年利率 {rules.old_protected_pct}% "
            f"以内受保护，超过 {rules.old_void_pct}% 的部分无效"
        )
        return None, rules.old_protected_pct, rule
    lpr = lpr_on(loan.contract_date)
    if lpr is None:
        return None, None, f"查不到合同日 {loan.contract_date} 的一年期 LPR，未比较利率上限"
    cap = lpr * rules.cap_multiple
    rule = f"合同日 {loan.contract_date} 的一年期 LPR 为 {lpr}%，受保护上限为 {rules.cap_multiple:f} 倍即 {cap}%"
    return lpr, cap, rule


@dataclass(frozen=True)
class _Cash:
    """The money of a loan: paid out gross, taken back on the payout day, and received later."""

    gross_out: Decimal  # every disbursement
    taken_at_payout: Decimal  # interest and fees received on the first payout day
    received: Decimal  # every receipt

    @property
    def net_out(self) -> Decimal:
        """What the borrower actually got: the principal of the SPC rules."""
        return self.gross_out - self.taken_at_payout

    @property
    def net_in(self) -> Decimal:
        """What came back after the payout day."""
        return self.received - self.taken_at_payout


def _cash(loan: Loan) -> _Cash:
    first_day = min(f.day for f in loan.flows if f.kind == "disbursement")
    return _Cash(
        gross_out=-sum((f.amount for f in loan.flows if f.kind == "disbursement"), Decimal(0)),
        taken_at_payout=sum(
            (f.amount for f in loan.flows if f.kind in INCOME_KINDS and f.day == first_day),
            Decimal(0),
        ),
        received=sum((f.amount for f in loan.flows if f.kind in INCOME_KINDS), Decimal(0)),
    )


def _principal_flags(loan: Loan, cash: _Cash) -> list[Flag]:
    reasons = []
    if loan.withheld > 0:
        reasons.append(f"放款时预扣 {_yuan(loan.withheld)} 元")
    if cash.gross_out < loan.principal_stated:
        reasons.append(
            f"放款 {_yuan(cash.gross_out)} 元，少于合同本金 {_yuan(loan.principal_stated)} 元"
        )
    if cash.taken_at_payout > 0:
        reasons.append(f"放款当日收回利息或费用 {_yuan(cash.taken_at_payout)} 元")
    flags = []
    if reasons:
        detail = (
            "；".join(reasons)
            + f"。借款人实际得到 {_yuan(cash.net_out)} 元，预先扣除的利息按实际出借金额认定本金"
            "（民间借贷司法解释第二十六条）"
        )
        flags.append(Flag("kantouxi", "砍头息", detail))
    gap = loan.principal_stated - cash.gross_out - loan.withheld
    if gap > 0:
        detail = (
            f"合同本金比放款与申报预扣之和多 {_yuan(gap)} 元，差额来源不明："
            "可能是未申报的砍头息，也可能是虚增借贷金额（套路贷特征）"
        )
        flags.append(Flag("inflated_principal", "虚增借贷金额", detail))
    return flags


def _other_flags(loan: Loan, rules: LendingRules) -> list[Flag]:
    flags = []
    fees = sum((f.amount for f in loan.flows if f.kind == "fee"), Decimal(0))
    if fees > 0:
        detail = f"以服务费、咨询费等名义收取 {_yuan(fees)} 元，已计入实际利率（民间借贷司法解释第二十九条）"
        flags.append(Flag("disguised_fees", "以费用名义变相收息", detail))
    payouts = sorted(f.day for f in loan.flows if f.kind == "disbursement")
    receipts = [f.day for f in loan.flows if f.kind in INCOME_KINDS]
    for later in payouts[1:]:
        near = [d for d in receipts if abs((d - later).days) <= rules.rollover_days]
        if near:
            detail = f"{later} 的再次放款与 {min(near)} 的还款相隔不超过 {rules.rollover_days} 天，疑似以新贷偿还旧贷、转单平账"
            flags.append(Flag("rollover", "以贷还贷", detail))
            break
    if loan.is_student:
        detail = "借款人为在校学生：小额贷款公司不得向大学生发放互联网消费贷款（银保监发〔2021〕28号），无资质放贷属校园贷"
        flags.append(Flag("student", "校园贷", detail))
    return flags


def _line_flags(
    nominal: Decimal, cap: Decimal | None, rules: LendingRules, *, old_rule: bool, licensed: bool
) -> list[Flag]:
    flags = []
    if cap is not None and nominal > cap:
        detail = f"名义年利率 {nominal}% 超过受保护上限 {cap}%，超过部分不受法律保护"
        flags.append(Flag("above_cap", "超过利率保护上限", detail))
    if nominal > rules.illegal_pct:
        void = "；按原规则超过 36% 的部分无效" if old_rule else ""
        counted = "（出借人持牌，不适用非法放贷认定）" if licensed else "，计入非法放贷的认定次数"
        detail = f"名义年利率 {nominal}% 超过 {rules.illegal_pct}%{counted}{void}"
        flags.append(Flag("above_36", "超过36%", detail))
    if nominal > rules.aggravated_pct:
        detail = f"名义年利率 {nominal}% 超过 {rules.aggravated_pct}%，属非法放贷的从重情节"
        flags.append(Flag("above_72", "超过72%", detail))
    return flags


def screen_loan(
    loan: Loan, *, lpr_on: LprLookup = shipped_lpr_on, rules: LendingRules | None = None
) -> LoanResult:
    """Screen one parsed loan; ``lpr_on`` gives the one-year LPR in force on a date."""
    rules = rules or lending_rules()
    netted = net_flows(loan)
    _checked_netting(loan, netted)
    try:
        rates = loan_rates(netted)
    except NoRate as exc:
        raise invalid(f"无法计算利率：{exc}。", [FieldProblem("cash_flows", str(exc))]) from None
    cash = _cash(loan)
    lpr, cap, cap_rule = _cap(loan, lpr_on, rules)
    licensed = loan.licence in rules.exempt_licences
    old_rule = loan.contract_date < rules.lpr_rule_from and not licensed
    flags = _principal_flags(loan, cash) + _other_flags(loan, rules)
    flags += _line_flags(rates.nominal_pct, cap, rules, old_rule=old_rule, licensed=licensed)
    explanation = (
        f"按实际出借 {_yuan(cash.net_out)} 元、此后收回 {_yuan(cash.net_in)} 元计算（合同本金 "
        f"{_yuan(loan.principal_stated)} 元）；还款计划{SCHEDULE_LABELS[rates.schedule]}，"
        f"IRR 法名义年利率 {rates.nominal_pct}%，实际年化利率（XIRR）{rates.effective_pct}%。"
        f"{cap_rule}。" + "".join(f"{flag.label}：{flag.detail}。" for flag in flags)
    )
    return LoanResult(
        loan=loan,
        cash_out=cash.net_out,
        cash_in=cash.net_in,
        schedule=rates.schedule,
        annual_rate_nominal_pct=rates.nominal_pct,
        annual_rate_effective_pct=rates.effective_pct,
        lpr_pct=lpr,
        cap_pct=cap,
        cap_rule=cap_rule,
        flags=tuple(flags),
        explanation=explanation,
    )


def screen_loan_data(data: object, *, lpr_on: LprLookup = shipped_lpr_on) -> LoanResult:
    """Parse and screen one loan given as decoded JSON; refused with ``invalid`` when wrong."""
    return screen_loan(parse_loan(data), lpr_on=lpr_on)
