"""`fangfei refund …` commands: a case's register, pool and rounds, and the standalone simulation.

Changes are audited under ``cli:<operating-system user>``; a round drafted under one name must
be approved under another (maker-checker), from another account or from the web app.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from fangfei.cases import service as cases
from fangfei.cases.models import Case
from fangfei.cli_support import console, fail
from fangfei.clock import local_today
from fangfei.db import unit_of_work
from fangfei.errors import FangfeiError, form_invalid
from fangfei.refunds import figures, outputs, pool, register, rounds, simulate
from fangfei.refunds.allocation import fen_to_yuan
from fangfei.refunds.models import RefundRound
from fangfei.refunds.pool import SOURCE_LABELS, ReceiptIn
from fangfei.refunds.register_import import import_register
from fangfei.refunds.rounds import AdjustmentLine
from fangfei.runtime import Runtime, open_runtime

app = typer.Typer(help="清偿兑付（资金清退）", no_args_is_help=True)
app.command("simulate", short_help=simulate.SHORT_HELP, help=simulate.HELP)(simulate.simulate)

CaseArgument = Annotated[
    str, typer.Argument(metavar="CASE", help="案件编号，例如 AJ2026-000001", show_default=False)
]
RoundArgument = Annotated[
    int, typer.Argument(metavar="ROUND", help="批次 ID（起草时显示）", show_default=False)
]


def _say(text: str) -> None:
    console.print(text, highlight=False, soft_wrap=True)


def _case(db: Session, rt: Runtime, number: str) -> Case:
    return cases.by_number(db, actor=rt.actor, number=number.strip())


def _yuan(fen: int) -> str:
    return fen_to_yuan(fen, grouped=True)


def _print_round(round_: RefundRound) -> None:
    _say(
        f"第 {round_.number} 轮（批次 ID {round_.id}，{rounds.KIND_LABELS[round_.kind]}，"
        f"{rounds.STATUS_LABELS[round_.status]}）：本轮金额 {_yuan(round_.requested_fen)} 元，"
        f"实际分配 {_yuan(round_.total_fen)} 元，{round_.payees} 人次；"
        f"起草 {escape(round_.drafted_by_name)}"
        + (f"，审批 {escape(round_.decided_by_name)}" if round_.decided_by_name else "")
    )


@app.command(
    "import", help="导入参与人登记表（xlsx 或 CSV，每行一笔出资或回报）：有任何问题则整表不导入。"
)
def import_file(
    case: CaseArgument,
    file: Annotated[Path, typer.Argument(help="登记表文件", show_default=False)],
) -> None:
    """Import a register file into the case."""
    rt = open_runtime()
    try:
        with unit_of_work(rt.sessions) as db:
            found = _case(db, rt, case)
            result = import_register(
                db, actor=rt.actor, cipher=rt.cipher, case_id=found.id, path=file
            )
    except FangfeiError as error:
        raise fail(error) from None
    _say(f"已导入 {result.rows} 行：新登记 {result.new_participants} 人，"
         f"已登记的 {result.existing_participants} 人补充了明细。")  # fmt: skip
    for problem in result.flagged:
        _say(f"待更正：第 {problem.row} 行 {escape(problem.reason)}")
    for note in result.notes:
        _say(f"提示：{escape(note)}")


@app.command(
    "verify",
    help="核实参与人的债权：指定登记号，或不指定以核实全部已登记且身份证号码有效的参与人。",
)
def verify(
    case: CaseArgument,
    number: Annotated[
        list[int] | None, typer.Option("--number", "-n", help="登记号，可重复")
    ] = None,
) -> None:
    """Verify participants."""
    rt = open_runtime()
    try:
        with unit_of_work(rt.sessions) as db:
            found = _case(db, rt, case)
            changed = register.change_status(db, actor=rt.actor, case_id=found.id, action="verify",
                                             numbers=number or None)  # fmt: skip
    except FangfeiError as error:
        raise fail(error) from None
    _say(f"已核实 {changed} 人。")


@app.command("receipt", help="登记涉案资金专户到账。")
def receipt(
    case: CaseArgument,
    amount: Annotated[str, typer.Option("--amount", help="到账金额（元）")],
    document_no: Annotated[str, typer.Option("--document-no", help="到账凭证或裁定文书编号")],
    source: Annotated[
        str, typer.Option("--source", help="资金来源：" + "、".join(SOURCE_LABELS.values()))
    ] = "frozen",
    on: Annotated[str | None, typer.Option("--on", help="到账日期 YYYY-MM-DD，默认今天")] = None,
) -> None:
    """Record a receipt into the case's dedicated account."""
    rt = open_runtime()
    try:
        data = ReceiptIn.model_validate({"received_on": on or local_today(), "source": source,
                                         "amount_yuan": amount, "document_no": document_no})  # fmt: skip
        with unit_of_work(rt.sessions) as db:
            found = _case(db, rt, case)
            pool.add_receipt(db, actor=rt.actor, case_id=found.id, data=data)
            balance = pool.balance_fen(db, found.id)
    except FangfeiError as error:
        raise fail(error) from None
    except ValidationError as error:
        raise fail(form_invalid(error)) from None
    _say(f"已登记到账 {escape(amount)} 元；专户可分配余额 {_yuan(balance)} 元。")


@app.command("round", help="起草一轮按比例清退（待另一人审批）。")
def draft_round(
    case: CaseArgument,
    amount: Annotated[str, typer.Option("--amount", help="本轮金额（元）")],
    note: Annotated[str | None, typer.Option("--note", help="说明")] = None,
) -> None:
    """Draft a pro-rata round."""
    rt = open_runtime()
    try:
        with unit_of_work(rt.sessions) as db:
            found = _case(db, rt, case)
            _print_round(
                rounds.draft(db, actor=rt.actor, case_id=found.id, amount_yuan=amount, note=note)
            )
    except FangfeiError as error:
        raise fail(error) from None
    _say("须由起草人以外的人审批：fangfei refund approve <批次 ID>，或在网页上审批。")


@app.command("adjust", help="起草调整批次：给一位参与人补付（正数）或收回（负数，如退票）。")
def adjust(
    case: CaseArgument,
    number: Annotated[int, typer.Option("--number", "-n", help="登记号")],
    amount: Annotated[str, typer.Option("--amount", help="金额（元），负数为收回")],
    reason: Annotated[str, typer.Option("--reason", help="原因")],
) -> None:
    """Draft an adjusting round of one line."""
    rt = open_runtime()
    try:
        line = AdjustmentLine(number=number, amount_yuan=amount, reason=reason)
        with unit_of_work(rt.sessions) as db:
            found = _case(db, rt, case)
            _print_round(
                rounds.draft_adjustment(db, actor=rt.actor, case_id=found.id, lines=[line])
            )
    except FangfeiError as error:
        raise fail(error) from None


@app.command("approve", help="审批一个待审批的批次（审批人不能是起草人）：审批后不可更改。")
def approve(
    round_id: RoundArgument,
    note: Annotated[str | None, typer.Option("--note", help="审批意见")] = None,
) -> None:
    """Approve a draft round."""
    rt = open_runtime()
    try:
        with unit_of_work(rt.sessions) as db:
            _print_round(rounds.approve(db, actor=rt.actor, round_id=round_id, note=note))
    except FangfeiError as error:
        raise fail(error) from None


@app.command("discard", help="放弃一个待审批的批次（须写明原因）。")
def discard(
    round_id: RoundArgument,
    reason: Annotated[str, typer.Option("--reason", help="原因")],
) -> None:
    """Discard a draft round."""
    rt = open_runtime()
    try:
        with unit_of_work(rt.sessions) as db:
            _print_round(rounds.discard(db, actor=rt.actor, round_id=round_id, reason=reason))
    except FangfeiError as error:
        raise fail(error) from None


@app.command(
    "payments", help="导出已审批批次的付款文件（xlsx：姓名、脱敏身份证号码、账号、金额）。"
)
def payments(
    round_id: RoundArgument,
    out: Annotated[Path, typer.Option("--out", help="输出的 xlsx 文件")],
) -> None:
    """Write an approved round's bank payment file."""
    rt = open_runtime()
    try:
        with unit_of_work(rt.sessions) as db:
            found = rounds.get(db, actor=rt.actor, round_id=round_id)
            case = register.case_for(
                db, actor=rt.actor, case_id=found.case_id, action="refund.view"
            )
            out.write_bytes(outputs.payment_file(db, case, found))
    except FangfeiError as error:
        raise fail(error) from None
    _say(f"已写入付款文件：{escape(str(out))}")


@app.command(
    "summary", help="显示案件的清退情况：专户、已清退、资金清退率、未兑付金额和人数、各批次。"
)
def summary(case: CaseArgument) -> None:
    """Print the case's refund figures and rounds."""
    rt = open_runtime()
    try:
        with unit_of_work(rt.sessions) as db:
            found = _case(db, rt, case)
            register.case_for(db, actor=rt.actor, case_id=found.id, action="refund.view")
            totals = figures.of_case(db, found)
            table = Table("项目", "数值")
            for label, value in _summary_rows(totals):
                table.add_row(label, value)
            console.print(table)
            for round_ in rounds.rounds_of(db, found.id):
                _print_round(round_)
    except FangfeiError as error:
        raise fail(error) from None


def _summary_rows(totals: figures.RefundFigures) -> list[tuple[str, str]]:
    rate = (
        f"{totals.refund_rate * 100:.2f}%"
        if totals.refund_rate is not None
        else "—（未填写涉及金额）"
    )
    return [
        ("专户到账", f"{_yuan(totals.received_fen)} 元"),
        ("已清退（向参与人发放）", f"{_yuan(totals.paid_fen)} 元"),
        ("提存", f"{_yuan(totals.held_back_fen)} 元"),
        ("专户可分配余额", f"{_yuan(totals.balance_fen)} 元"),
        ("登记参与人", f"{totals.participants} 人（其中不予清退 {totals.excluded} 人）"),
        ("债权总额", f"{_yuan(totals.claims_fen)} 元"),
        ("未兑付金额", f"{_yuan(totals.owed_fen)} 元"),
        ("未兑付人数", f"{totals.owed_people} 人"),
        ("资金清退率", f"{rate}（已清退 ÷ 涉及金额）"),
    ]
