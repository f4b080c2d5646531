"""涉案资金专户 — the recovered pool of a case: dated receipts, what rounds paid out, the balance.

The pool serves refunds only: fines and confiscations never rank before the participants
(Regulation art. 26), so no receipt is a fine and nothing but a distribution round draws on it.
A receipt is never deleted; a wrong one is voided with its reason, while the balance still covers
what approved rounds have paid.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangfei.audit import service as audit
from fangfei.auth.roles import Actor
from fangfei.clock import local_today
from fangfei.db import utcnow
from fangfei.errors import FieldProblem, invalid, not_found
from fangfei.leads import attachments
from fangfei.refunds import register
from fangfei.refunds.allocation import fen_to_yuan, yuan_to_fen
from fangfei.refunds.models import PoolReceipt, RefundPayment, RefundRegister, RefundRound
from fangfei.refunds.register import case_for

SOURCE_LABELS = {
    "frozen": "冻结资金划转",
    "auction": "涉案资产拍卖、变卖所得",
    "commission": "追缴的佣金、提成",
    "advertising": "追缴的广告费、代言费",
    "clawback": "追回的高额回报",
    "voluntary": "涉案人员主动退赃退赔",
    "other": "其他追缴资金",
}


class ReceiptIn(BaseModel):
    """One receipt into the dedicated account."""

    received_on: date
    source: str
    amount_yuan: str = Field(description="元，最多两位小数")
    document_no: str = Field(min_length=1, max_length=100, description="到账凭证或裁定文书编号")
    note: str | None = Field(default=None, max_length=2000)

    @field_validator("source")
    @classmethod
    def _known_source(cls, value: str) -> str:
        by_label = {label: code for code, label in SOURCE_LABELS.items()}
        code = by_label.get(value, value)
        if code not in SOURCE_LABELS:
            raise ValueError(f"资金来源可选：{'、'.join(SOURCE_LABELS.values())}")
        return code


def receipts(db: Session, case_id: int) -> list[PoolReceipt]:
    """Every receipt of the case, voided ones included, by date."""
    stmt = (
        select(PoolReceipt)
        .where(PoolReceipt.case_id == case_id)
        .order_by(PoolReceipt.received_on, PoolReceipt.id)
    )
    return list(db.scalars(stmt))


def received_fen(db: Session, case_id: int) -> int:
    """What has come into the pool (receipts not voided)."""
    stmt = select(func.coalesce(func.sum(PoolReceipt.amount_fen), 0)).where(
        PoolReceipt.case_id == case_id, PoolReceipt.voided_at.is_(None)
    )
    return int(db.scalar(stmt) or 0)


def paid_out_fen(db: Session, case_id: int, *, held_back: bool | None = None) -> int:
    """What approved rounds have drawn: all, only the held-back share, or only participants."""
    stmt = (
        select(func.coalesce(func.sum(RefundPayment.amount_fen), 0))
        .join(RefundRound, RefundRound.id == RefundPayment.round_id)
        .where(RefundRound.case_id == case_id, RefundRound.status == "approved")
    )
    if held_back is not None:
        column = RefundPayment.participant_id
        stmt = stmt.where(column.is_(None) if held_back else column.is_not(None))
    return int(db.scalar(stmt) or 0)


def balance_fen(db: Session, case_id: int) -> int:
    """What is left in the pool for the next round."""
    return received_fen(db, case_id) - paid_out_fen(db, case_id)


def add_receipt(
    db: Session, *, actor: Actor, case_id: int, data: ReceiptIn,
    document: tuple[Path, attachments.Upload] | None = None,
) -> PoolReceipt:  # fmt: skip
    """Record money received into the case's dedicated account, with its document when given
    (``document`` is the files root and the upload)."""
    case = case_for(db, actor=actor, case_id=case_id, action="refund.pool")
    amount = yuan_to_fen(data.amount_yuan, field="amount_yuan")
    if amount == 0:
        raise invalid("到账金额必须大于 0。", [FieldProblem("amount_yuan", "必须大于 0")])
    if data.received_on > local_today():
        raise invalid(
            "到账日期不能晚于今天。", [FieldProblem("received_on", data.received_on.isoformat())]
        )
    receipt = PoolReceipt(
        case_id=case.id, received_on=data.received_on, source=data.source, amount_fen=amount,
        document_no=data.document_no.strip(), note=(data.note or "").strip() or None,
        actor_name=actor.label,
    )  # fmt: skip
    if document is not None:
        stored = attachments.store(*document)
        receipt.document_filename, receipt.document_sha256 = stored.filename, stored.sha256
    db.add(receipt)
    db.flush()
    audit.record(
        db, actor=actor, action="refund.receipt", object_type="case", object_id=case.number,
        detail={"receipt": receipt.id, "on": receipt.received_on, "source": receipt.source,
                "amount_fen": amount, "document_no": receipt.document_no,
                "document_sha256": receipt.document_sha256},
    )  # fmt: skip
    return receipt


def void_receipt(
    db: Session, *, actor: Actor, case_id: int, receipt_id: int, reason: str
) -> PoolReceipt:
    """Void a wrong receipt, unless the rounds already approved have spent it."""
    case = case_for(db, actor=actor, case_id=case_id, action="refund.pool")
    receipt = db.get(PoolReceipt, receipt_id)
    if receipt is None or receipt.case_id != case.id or receipt.voided_at is not None:
        raise not_found("有效的到账记录", receipt_id)
    if not reason.strip():
        raise invalid("作废到账记录须写明原因。", [FieldProblem("reason", "不能为空")])
    left = received_fen(db, case.id) - receipt.amount_fen
    spent = paid_out_fen(db, case.id)
    if left < spent:
        raise invalid(
            f"作废后专户到账合计 {fen_to_yuan(left, grouped=True)} 元，少于已审批清退的 "
            f"{fen_to_yuan(spent, grouped=True)} 元：请先以调整批次处理。"
        )
    receipt.voided_at, receipt.void_reason = utcnow(), reason.strip()
    audit.record(
        db, actor=actor, action="refund.receipt_void", object_type="case", object_id=case.number,
        detail={"receipt": receipt.id, "amount_fen": receipt.amount_fen, "reason": receipt.void_reason},
    )  # fmt: skip
    return receipt


class RegisterSettings(BaseModel):
    """The case's dedicated account and its decision on a held-back share (提存)."""

    pool_bank: str | None = Field(default=None, max_length=100)
    pool_account: str | None = Field(default=None, max_length=64)
    held_back_claim_yuan: str = Field(default="0", description="未登记参与人的提存债权（元）")
    held_back_reason: str | None = Field(default=None, max_length=500)


def update_register(
    db: Session, *, actor: Actor, case_id: int, data: RegisterSettings
) -> RefundRegister:
    """Set the dedicated account and the held-back claim; it never drops below what it received."""
    case = case_for(db, actor=actor, case_id=case_id, action="refund.register")
    held = yuan_to_fen(data.held_back_claim_yuan, field="held_back_claim_yuan")
    reason = (data.held_back_reason or "").strip() or None
    held_back_paid_fen = paid_out_fen(db, case.id, held_back=True)
    if held and reason is None:
        raise invalid(
            "提存须写明依据（如处置方案或会议纪要）。",
            [FieldProblem("held_back_reason", "不能为空")],
        )
    if held < held_back_paid_fen:
        raise invalid(
            f"已审批的批次为提存份额留出了 {fen_to_yuan(held_back_paid_fen, grouped=True)} 元，"
            "提存债权不能少于此数：请先以调整批次处理。",
            [FieldProblem("held_back_claim_yuan", f"不少于 {fen_to_yuan(held_back_paid_fen)} 元")],
        )
    found = register.settings_of(db, case.id)
    if found is None:
        found = RefundRegister(case_id=case.id)
        db.add(found)
    found.pool_bank = (data.pool_bank or "").strip() or None
    found.pool_account = (data.pool_account or "").strip() or None
    found.held_back_claim_fen, found.held_back_reason = held, reason
    audit.record(
        db, actor=actor, action="refund.register_update", object_type="case", object_id=case.number,
        detail={"pool_bank": found.pool_bank, "pool_account": found.pool_account,
                "held_back_claim_fen": held, "held_back_reason": reason},
    )  # fmt: skip
    return found
