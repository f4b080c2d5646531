"""What leaves the register on paper: a round's bank payment file and a participant's statement."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from sqlalchemy.orm import Session

from fangfei.cases.doc_templates import OFFICE_SUFFIX, set_east_asian_font
from fangfei.cases.models import Case
from fangfei.clock import local_time
from fangfei.errors import conflict
from fangfei.reference import service as reference
from fangfei.refunds import register, rounds
from fangfei.refunds.allocation import fen_to_yuan
from fangfei.refunds.models import Participant, RefundRound
from fangfei.reports import sheets

PAYMENT_COLUMNS = ("序号", "登记号", "姓名", "身份证号码", "开户银行", "银行账号", "发放金额（元）")


def _yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def payment_filename(case: Case, round_: RefundRound) -> str:
    """The payment file's name: case number and round."""
    return f"{case.number}-第{round_.number}轮清退发放明细.xlsx"


def payment_file(db: Session, case: Case, round_: RefundRound) -> bytes:
    """付款文件: the approved round's transfers to participants, one row each, with the total."""
    if round_.status != "approved":
        raise conflict(
            f"第 {round_.number} 轮{rounds.STATUS_LABELS[round_.status]}：只有已审批的批次才能生成付款文件。"
        )
    book, sheet = sheets.new_sheet("发放明细")
    title = f"{case.name}集资参与人第 {round_.number} 轮清退资金发放明细表"
    block = (
        f"案件编号：{case.number}    批次：第 {round_.number} 轮（{rounds.KIND_LABELS[round_.kind]}）    "
        f"起草：{round_.drafted_by_name}    审批：{round_.decided_by_name}（{local_time(round_.decided_at)}）"
    )
    row = sheets.frame(sheet, title, PAYMENT_COLUMNS, block) + 1
    paid, taken_back, held = 0, 0, 0
    for index, (person, payment) in enumerate(
        (pair for pair in rounds.payments_of(db, round_.id) if pair[0] and pair[1].amount_fen > 0),
        start=1,
    ):
        assert person is not None
        sheets.put_row(sheet, row, [
            index, person.number, person.name, person.id_number_masked, person.bank or "",
            person.bank_account or "", _yuan(payment.amount_fen),
        ])  # fmt: skip
        paid += payment.amount_fen
        row += 1
    for person, payment in rounds.payments_of(db, round_.id):
        if person is None:
            held += payment.amount_fen
        elif payment.amount_fen < 0:
            taken_back -= payment.amount_fen
    sheets.put_row(sheet, row, ["合计", "", "", "", "", "", _yuan(paid)])
    notes = ["说明：金额单位为元，精确到分；身份证号码已脱敏，完整号码以登记册为准。"]
    if held:
        notes.append(
            f"另有提存 {fen_to_yuan(held, grouped=True)} 元留存涉案资金专户，待未登记参与人登记核实后发放。"
        )
    if taken_back:
        notes.append(
            f"本批次收回 {fen_to_yuan(taken_back, grouped=True)} 元退回涉案资金专户，不在发放之列。"
        )
    sheets.put_lines(sheet, row + 2, tuple(notes))
    sheet.column_dimensions["D"].width = 22
    sheet.column_dimensions["F"].width = 24
    return sheets.to_bytes(book)


# --- the participant's statement --------------------------------------------------------------


def statement_filename(case: Case, person: Participant) -> str:
    """The statement's name: case number and 登记号."""
    return f"{case.number}-{person.number:05d}-清退对账单.docx"


def _paragraph(document: docx.document.Document, text: str, *, size: int = 12, bold: bool = False,
               align: WD_ALIGN_PARAGRAPH | None = None) -> None:  # fmt: skip
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    set_east_asian_font(run, "仿宋")
    run.font.size, run.bold = Pt(size), bold
    if align is not None:
        paragraph.alignment = align


def _table(
    document: docx.document.Document, header: tuple[str, ...], rows: list[list[str]]
) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text


def statement(db: Session, case: Case, person: Participant, today: date) -> bytes:
    """对账单: who the participant is, each line, how the claim was computed, what was paid."""
    lines = register.lines_of(db, person.id)
    refunded = person.role in register.refundable_roles(db)
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    _paragraph(
        document, "集资参与人清退对账单", size=18, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    role = reference.names(db, "participant_role").get(person.role, person.role)
    for text in (
        f"案件：{case.name}（案件编号 {case.number}）",
        f"登记号：{person.number}    姓名：{person.name}    身份证号码：{person.id_number_masked}",
        f"人员类别：{role}    登记状态：{register.STATUS_LABELS[person.status]}",
    ):
        _paragraph(document, text)
    _paragraph(document, "一、出资和已收回报", bold=True)
    _table(document, ("日期", "类型", "产品或合同编号", "金额（元）"), [
        [line.on_date.isoformat(), register.LINE_KINDS[line.kind], line.reference or "",
         fen_to_yuan(line.amount_fen, grouped=True)] for line in lines
    ])  # fmt: skip
    _paragraph(document, "二、债权计算", bold=True)
    for text in register.explain_claim(person, lines, refunded):
        _paragraph(document, text)
    _paragraph(document, "三、清退发放", bold=True)
    paid = rounds.paid_rounds_of(db, person.id)
    _table(document, ("批次", "审批日期", "金额（元）"), [
        [f"第 {round_.number} 轮（{rounds.KIND_LABELS[round_.kind]}）", local_time(round_.decided_at)[:10],
         fen_to_yuan(amount, grouped=True)] for round_, amount in paid
    ] or [["尚未发放", "", "0.00"]])  # fmt: skip
    owed = max(0, person.claim_fen - person.paid_fen) if refunded else 0
    _paragraph(
        document,
        f"累计已兑付 {fen_to_yuan(person.paid_fen, grouped=True)} 元，尚未兑付 {fen_to_yuan(owed, grouped=True)} 元。",
    )
    _paragraph(document, "如对上述内容有异议，请携带身份证和出资凭证到处置工作组办公地点申请核对。")
    _paragraph(document, f"{case.jurisdiction.name}{OFFICE_SUFFIX}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(
        document, f"{today.year}年{today.month}月{today.day}日", align=WD_ALIGN_PARAGRAPH.RIGHT
    )
    out = BytesIO()
    document.save(out)
    return out.getvalue()
