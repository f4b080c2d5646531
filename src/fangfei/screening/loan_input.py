"""Reading one loan from decoded JSON: every field checked, every problem named in Chinese.

Amounts may be JSON numbers (read them with ``parse_float=Decimal``), strings (``"10,000.00"``)
or Decimals; floats are accepted through their shortest decimal form. Dates are ``YYYY-MM-DD``
(also ``YYYY/MM/DD`` and ``YYYY年M月D日``), or date objects from a spreadsheet.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from fangfei.errors import FangfeiError, FieldProblem, invalid
from fangfei.screening.loan_rules import lending_rules
from fangfei.screening.names import licence_names

KIND_LABELS = {
    "disbursement": "放款",
    "repayment": "还本",
    "interest": "利息",
    "fee": "费用",
    "penalty": "罚息/违约金",
}
LENDER_KINDS = ("person", "company")
COMPANY_MARKERS = (
    "公司",
    "企业",
    "中心",
    "合作社",
    "商行",
    "集团",
    "工作室",
    "事务所",
    "银行",
    "典当行",
)
_DATE = re.compile(r"(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?")
_TRUE = {"true", "1", "yes", "y", "是", "学生", "在校"}
_FALSE = {"false", "0", "no", "n", "否", "", "none"}


@dataclass(frozen=True)
class CashFlow:
    """One payment: lender's view, negative paid out, positive received."""

    day: date
    amount: Decimal
    kind: str


@dataclass(frozen=True)
class Loan:
    """A checked loan contract with its cash flows."""

    loan_id: str
    lender_name: str
    licence: str
    lender_kind: str
    borrower_name: str
    is_student: bool
    contract_date: date
    principal_stated: Decimal
    withheld: Decimal
    flows: tuple[CashFlow, ...]


def _licence_codes() -> dict[str, str]:
    codes = {code: code for code in licence_names()}
    codes |= {unicodedata.normalize("NFKC", name): code for code, name in licence_names().items()}
    codes |= dict(lending_rules().data["licence_aliases"])
    codes |= {"": "none", "无": "none", "false": "none"}
    return codes


class _Reader:
    """Reads fields, collecting a problem for each bad one instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[FieldProblem] = []

    def problem(self, field: str, reason: str) -> None:
        """Note a problem with one field."""
        self.problems.append(FieldProblem(field, reason))

    def text(self, value: object, field: str, *, required: bool = False) -> str:
        """A trimmed NFKC text."""
        text = "" if value is None else unicodedata.normalize("NFKC", str(value)).strip()
        if required and not text:
            self.problem(field, "不能为空")
        return text

    def day(self, value: object, field: str) -> date | None:
        """A date from a date cell or YYYY-MM-DD, YYYY/MM/DD, YYYY年M月D日."""
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = self.text(value, field)
        match = _DATE.fullmatch(text)
        try:
            if match:
                return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
        self.problem(field, f"须为日期 YYYY-MM-DD（收到“{text}”）" if text else "不能为空")
        return None

    def money(self, value: object, field: str, *, required: bool = True) -> Decimal | None:
        """An amount in yuan, exact; thousands separators allowed."""
        if value is None or value == "":
            if required:
                self.problem(field, "不能为空")
            return None if required else Decimal(0)
        if isinstance(value, bool):
            self.problem(field, f"须为金额数字（收到 {value!r}）")
            return None
        text = value if isinstance(value, str) else str(value)
        try:
            amount = Decimal(unicodedata.normalize("NFKC", text).replace(",", "").strip())
        except InvalidOperation:
            self.problem(field, f"须为金额数字（收到“{text}”）")
            return None
        if not amount.is_finite():
            self.problem(field, f"须为有限的金额（收到“{text}”）")
            return None
        return amount

    def flag(self, value: object, field: str) -> bool:
        """A yes/no value: true/false, 是/否, 1/0."""
        if isinstance(value, bool):
            return value
        text = self.text(value, field).lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        self.problem(field, f"须为 true 或 false（收到“{text}”）")
        return False


def _mapping(value: object, field: str, reader: _Reader) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        reader.problem(field, "须为 JSON 对象")
        return {}
    return value


def _flow(reader: _Reader, index: int, raw: object) -> CashFlow | None:
    where = f"cash_flows[{index}]"
    if not isinstance(raw, Mapping):
        reader.problem(where, f"第 {index + 1} 笔现金流须为 JSON 对象")
        return None
    before = len(reader.problems)
    day = reader.day(raw.get("date"), f"{where}.date")
    amount = reader.money(raw.get("amount"), f"{where}.amount")
    kind = reader.text(raw.get("kind"), f"{where}.kind").lower()
    if kind not in KIND_LABELS:
        reader.problem(f"{where}.kind", f"须为 {' | '.join(KIND_LABELS)}（收到“{kind}”）")
    elif amount is not None and amount == 0:
        reader.problem(f"{where}.amount", f"第 {index + 1} 笔现金流金额为 0")
    elif amount is not None and (amount < 0) != (kind == "disbursement"):
        sign = "负数（付出）" if kind == "disbursement" else "正数（收回）"
        reader.problem(
            f"{where}.amount",
            f"第 {index + 1} 笔现金流是{KIND_LABELS[kind]}，金额须为{sign}（收到 {amount}）",
        )
    if len(reader.problems) > before or day is None or amount is None:
        return None
    return CashFlow(day, amount, kind)


def _flows(reader: _Reader, raw: object) -> list[CashFlow]:
    if not isinstance(raw, list) or not raw:
        reader.problem("cash_flows", "没有现金流：至少需要一笔放款（disbursement，负数）和一笔回款")
        return []
    flows = [_flow(reader, index, item) for index, item in enumerate(raw)]
    checked = [flow for flow in flows if flow is not None]
    if len(checked) != len(flows):
        return checked
    payouts = [flow.day for flow in checked if flow.kind == "disbursement"]
    if not payouts:
        reader.problem("cash_flows", "没有放款（disbursement）：无法确定实际出借的金额")
        return checked
    first = min(payouts)
    for index, flow in enumerate(checked):
        if flow.day < first:
            reader.problem(
                f"cash_flows[{index}].date",
                f"第 {index + 1} 笔现金流（{KIND_LABELS[flow.kind]}，{flow.day}）早于首笔放款日 {first}：还款不能发生在放款之前",
            )
    return checked


def _lender(reader: _Reader, data: Mapping[str, Any]) -> tuple[str, str, str]:
    lender = _mapping(data.get("lender"), "lender", reader)
    name = reader.text(lender.get("name"), "lender.name", required=True)
    raw_licence = reader.text(lender.get("licensed"), "lender.licensed")
    codes = _licence_codes()
    licence = codes.get(raw_licence.lower(), codes.get(raw_licence, ""))
    if not licence:
        allowed = " | ".join(sorted({c for c in codes.values()}))
        reader.problem("lender.licensed", f"未知的持牌类型“{raw_licence}”：可用 {allowed}")
    kind = reader.text(lender.get("kind"), "lender.kind").lower()
    if kind and kind not in LENDER_KINDS:
        reader.problem("lender.kind", f"须为 person 或 company（收到“{kind}”）")
    if not kind:
        kind = "company" if any(m in name for m in COMPANY_MARKERS) else "person"
    return name, licence or "none", kind


def _refusal(problems: list[FieldProblem]) -> FangfeiError:
    listed = "；".join(str(problem) for problem in problems)
    if len(problems) == 1:
        return invalid(f"借款数据有误：{listed}。", problems)
    return invalid(f"借款数据有 {len(problems)} 处错误：{listed}。", problems)


def parse_loan(data: object) -> Loan:
    """A checked :class:`Loan` from decoded JSON, or ``invalid`` naming every problem."""
    if not isinstance(data, Mapping):
        raise invalid("借款数据必须是一个 JSON 对象（{…}）。", [FieldProblem("loan", "不是对象")])
    reader = _Reader()
    lender_name, licence, lender_kind = _lender(reader, data)
    borrower = _mapping(data.get("borrower"), "borrower", reader)
    principal = reader.money(data.get("principal_stated"), "principal_stated")
    if principal is not None and principal < 0:
        reader.problem("principal_stated", f"合同本金不能为负数（收到 {principal}）")
    withheld = reader.money(data.get("withheld"), "withheld", required=False)
    if withheld is not None and withheld < 0:
        reader.problem("withheld", f"预扣金额不能为负数（收到 {withheld}）")
    contract_date = reader.day(data.get("contract_date"), "contract_date")
    is_student = reader.flag(borrower.get("is_student", False), "borrower.is_student")
    flows = _flows(reader, data.get("cash_flows"))
    if reader.problems:
        raise _refusal(reader.problems)
    assert principal is not None and withheld is not None and contract_date is not None
    return Loan(
        loan_id=reader.text(data.get("loan_id"), "loan_id"),
        lender_name=lender_name,
        licence=licence,
        lender_kind=lender_kind,
        borrower_name=reader.text(borrower.get("name"), "borrower.name"),
        is_student=is_student,
        contract_date=contract_date,
        principal_stated=principal,
        withheld=withheld,
        flows=tuple(flows),
    )
