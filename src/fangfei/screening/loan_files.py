"""Reading loans for ``fangfei screen loan``: one JSON file, a folder of them, or a flow table.

- ``.json``: one loan object, or a list of them;
- a folder: every ``*.json`` in it, in name order;
- ``.xlsx`` or ``.csv``: one cash flow per row (layout in :data:`TABLE_COLUMNS`); the loan's own
  fields are read from the first row of each ``loan_id`` that fills them, later rows may leave them
  empty, and two different values for one loan are refused.

Each loan comes back as decoded JSON (:class:`LoanSource`), so that every input form is checked by
the same ``parse_loan``; a file that cannot be read at all raises ``invalid``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from fangfei.errors import FieldProblem, invalid
from fangfei.tables import Cells, cell_text, detect_format, is_blank, open_rows

# field → accepted headers (English first). Loan-level fields, then flow fields.
TABLE_COLUMNS = {
    "loan_id": ("loan_id", "借款编号"),
    "lender_name": ("lender_name", "出借人"),
    "lender_licensed": ("lender_licensed", "出借人持牌类型"),
    "lender_kind": ("lender_kind", "出借人类型"),
    "borrower_name": ("borrower_name", "借款人"),
    "borrower_is_student": ("borrower_is_student", "借款人是否学生"),
    "contract_date": ("contract_date", "合同日期"),
    "principal_stated": ("principal_stated", "合同本金"),
    "withheld": ("withheld", "预扣金额"),
    "date": ("date", "日期"),
    "amount": ("amount", "金额"),
    "kind": ("kind", "类型"),
}
REQUIRED_COLUMNS = ("loan_id", "date", "amount", "kind")
LOAN_FIELDS = tuple(TABLE_COLUMNS)[1:9]
KIND_NAMES = {"放款": "disbursement", "还本": "repayment", "还款": "repayment", "利息": "interest"}
KIND_NAMES |= {"费用": "fee", "服务费": "fee", "罚息": "penalty", "违约金": "penalty"}
TABLE_HELP = (
    "xlsx/csv 每行一笔现金流，表头：loan_id(借款编号)、lender_name(出借人)、"
    "lender_licensed(出借人持牌类型)、lender_kind(出借人类型)、borrower_name(借款人)、"
    "borrower_is_student(借款人是否学生)、contract_date(合同日期)、principal_stated(合同本金)、"
    "withheld(预扣金额)、date(日期)、amount(金额，出借人视角：放出为负、收回为正)、"
    "kind(类型：disbursement/repayment/interest/fee/penalty 或 放款/还本/利息/费用/罚息)；"
    "同一借款的合同信息填在任一行即可。"
)


@dataclass
class LoanSource:
    """One loan as decoded JSON, with where it came from (or why it could not be read)."""

    source: str
    data: object
    error: str = ""
    problems: list[FieldProblem] = field(default_factory=list)


def _json_file(path: Path) -> Iterator[LoanSource]:
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"), parse_float=Decimal)
    except UnicodeDecodeError:
        yield LoanSource(path.name, None, f"{path.name} 不是 UTF-8 编码的 JSON 文件。")
        return
    except json.JSONDecodeError as exc:
        message = f"{path.name} 不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列附近有误（{exc.msg}）。"
        yield LoanSource(path.name, None, message)
        return
    if isinstance(data, list):
        for index, item in enumerate(data, start=1):
            yield LoanSource(f"{path.name}[{index}]", item)
    else:
        yield LoanSource(path.name, data)


def _header(cells: Cells) -> dict[str, int]:
    by_label = {label: name for name, labels in TABLE_COLUMNS.items() for label in labels}
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = by_label.get(cell_text(cell).lstrip("\ufeff").strip().lower()) or by_label.get(
            cell_text(cell).lstrip("\ufeff").strip()
        )
        if name and name not in positions:
            positions[name] = index
    missing = [TABLE_COLUMNS[name][0] for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        raise invalid(
            f"借款现金流表第 1 行缺少必填列：{'、'.join(missing)}。{TABLE_HELP}",
            [FieldProblem(name, "缺少必填列", 1) for name in missing],
        )
    return positions


@dataclass
class _TableLoan:
    first_row: int
    fields: dict[str, tuple[str, int]] = field(default_factory=dict)  # value, row
    flows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[FieldProblem] = field(default_factory=list)

    def take(self, name: str, value: str, row: int) -> None:
        """Keep a loan-level value, or note that it differs from an earlier row."""
        if not value:
            return
        known = self.fields.setdefault(name, (value, row))
        if known[0] != value:
            reason = f"与第 {known[1]} 行的“{known[0]}”不一致（此行为“{value}”）"
            self.problems.append(FieldProblem(TABLE_COLUMNS[name][0], reason, row))

    def as_json(self) -> dict[str, Any]:
        """The loan in the JSON form ``parse_loan`` reads."""
        value = {name: text for name, (text, _) in self.fields.items()}
        return {
            "loan_id": value.get("loan_id", ""),
            "lender": {
                "name": value.get("lender_name"),
                "licensed": value.get("lender_licensed", ""),
                "kind": value.get("lender_kind", ""),
            },
            "borrower": {
                "name": value.get("borrower_name", ""),
                "is_student": value.get("borrower_is_student", ""),
            },
            "contract_date": value.get("contract_date"),
            "principal_stated": value.get("principal_stated"),
            "withheld": value.get("withheld", ""),
            "cash_flows": self.flows,
        }


def _table(path: Path) -> Iterator[LoanSource]:
    loans: dict[str, _TableLoan] = {}
    with open_rows(path, detect_format(path)) as rows:
        first = next(rows, None)
        if first is None:
            raise invalid(f"借款现金流表 {path.name} 是空的。{TABLE_HELP}")
        positions = _header(first)
        for number, cells in enumerate(rows, start=2):
            if is_blank(cells):
                continue
            raw = {n: cells[i] if i < len(cells) else None for n, i in positions.items()}
            loan_id = cell_text(raw["loan_id"])
            loan = loans.setdefault(loan_id, _TableLoan(number))
            for name in ("loan_id", *LOAN_FIELDS):
                loan.take(name, cell_text(raw.get(name)), number)
            kind = cell_text(raw["kind"])
            loan.flows.append(
                {
                    "date": raw["date"],
                    "amount": cell_text(raw["amount"]),
                    "kind": KIND_NAMES.get(kind, kind),
                }
            )
    for loan_id, loan in loans.items():
        where = f"{path.name} 借款 {loan_id or '（无编号）'}（自第 {loan.first_row} 行）"
        if loan.problems:
            listed = "；".join(str(p) for p in loan.problems)
            yield LoanSource(where, None, f"{where}：{listed}。", loan.problems)
        else:
            yield LoanSource(where, loan.as_json())


def read_loans(path: Path) -> Iterator[LoanSource]:
    """Every loan in a JSON file, a folder of JSON files, or an xlsx/csv flow table."""
    if path.is_dir():
        for item in sorted(path.glob("*.json")):
            yield from _json_file(item)
        return
    if not path.is_file():
        raise invalid(f"找不到借款文件：{path}", [FieldProblem("文件", "不存在或不是文件")])
    if path.suffix.lower() == ".json":
        yield from _json_file(path)
    elif path.suffix.lower() in (".xlsx", ".csv"):
        yield from _table(path)
    else:
        raise invalid(
            f"不支持的借款文件：{path.name}。请提供 .json、含 .json 的文件夹，或 .xlsx/.csv 现金流表。",
            [FieldProblem("文件", "扩展名不对")],
        )
