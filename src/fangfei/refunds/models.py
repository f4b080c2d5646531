"""Refund tables: a case's claims register, its recovered pool and its distribution rounds.

Every amount here is an integer number of fen (``BigInteger``), because rounds are allocated in
fen and must add up exactly; the pages and files show yuan with two decimals.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from fangfei.db import Base, UtcDateTime, utcnow

Fen = BigInteger


class RefundRegister(Base):
    """The settings of a case's claims register: its dedicated account and the held-back share (提存)."""

    __tablename__ = "refund_registers"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    pool_bank: Mapped[str | None] = mapped_column(String(100))  # 涉案资金专户 开户行
    pool_account: Mapped[str | None] = mapped_column(String(64))
    # 提存: the case may decide that participants who have not registered yet share in the
    # rounds as one claim of this size; what it receives is held back for them.
    held_back_claim_fen: Mapped[int] = mapped_column(Fen, default=0)
    held_back_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class Participant(Base):
    """集资参与人 — one person on a case's register, keyed by the blind index of the ID number.

    ``contributed_fen``, ``returned_fen`` and ``paid_fen`` are the sums of the person's lines and
    approved payments, kept here so that a round over a million claims reads one table.
    """

    __tablename__ = "refund_participants"
    __table_args__ = (
        UniqueConstraint("case_id", "number", name="uq_refund_participants_number"),
        UniqueConstraint("case_id", "id_blind_index", name="uq_refund_participants_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 登记号, 1, 2, … within the case
    name: Mapped[str] = mapped_column(String(100))
    id_number_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    id_blind_index: Mapped[str] = mapped_column(String(64))
    id_number_masked: Mapped[str] = mapped_column(String(32))
    id_status: Mapped[str] = mapped_column(String(16))  # valid | invalid
    id_problem: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    bank: Mapped[str | None] = mapped_column(String(100))
    bank_account: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(24))  # reference kind participant_role
    status: Mapped[str] = mapped_column(String(16))  # see refunds.register.STATUS_LABELS
    status_reason: Mapped[str | None] = mapped_column(String(500))
    contributed_fen: Mapped[int] = mapped_column(Fen, default=0)
    returned_fen: Mapped[int] = mapped_column(Fen, default=0)
    paid_fen: Mapped[int] = mapped_column(Fen, default=0)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    @property
    def claim_fen(self) -> int:
        """债权: contributions less returns received, never below zero."""
        return max(0, self.contributed_fen - self.returned_fen)


class ParticipantLine(Base):
    """One contribution (出资) or return received (利息, 分红, 返利, 礼品折价 …) of a participant."""

    __tablename__ = "refund_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("refund_participants.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # see refunds.register.LINE_KINDS
    on_date: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(Fen)
    reference: Mapped[str | None] = mapped_column(String(100))  # 产品或合同编号
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    source_row: Mapped[int | None] = mapped_column(Integer)


class PoolReceipt(Base):
    """涉案资金专户到账 — money recovered into the case's dedicated account, with its document."""

    __tablename__ = "refund_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(24))  # see refunds.pool.SOURCE_LABELS
    amount_fen: Mapped[int] = mapped_column(Fen)
    document_no: Mapped[str] = mapped_column(String(100))
    # The source document itself (到账凭证、裁定书 …), stored by its sha256, when uploaded.
    document_filename: Mapped[str | None] = mapped_column(String(255))
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    actor_name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    void_reason: Mapped[str | None] = mapped_column(String(500))


class RefundRound(Base):
    """清退批次 — one distribution round: drafted by one person, approved by another, then fixed."""

    __tablename__ = "refund_rounds"
    __table_args__ = (UniqueConstraint("case_id", "number", name="uq_refund_rounds_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # pro_rata | adjusting
    status: Mapped[str] = mapped_column(String(16))  # draft | approved | discarded
    requested_fen: Mapped[int] = mapped_column(Fen)
    total_fen: Mapped[int] = mapped_column(Fen)
    claims_fen: Mapped[int] = mapped_column(Fen)  # what was still owed to those it covers
    payees: Mapped[int] = mapped_column(Integer)
    # sha256 of what the round was computed from and of what it pays: approval recomputes both.
    inputs_sha256: Mapped[str] = mapped_column(String(64))
    result_sha256: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    drafted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    drafted_by_name: Mapped[str] = mapped_column(String(100))
    drafted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_name: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decision_note: Mapped[str | None] = mapped_column(String(500))


class RefundPayment(Base):
    """What one round pays one participant; no participant means the held-back share (提存)."""

    __tablename__ = "refund_payments"
    # One payment per participant and round; also the index a round's payments are read by.
    __table_args__ = (UniqueConstraint("round_id", "participant_id", name="uq_refund_payments"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("refund_rounds.id"))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("refund_participants.id"), index=True
    )
    amount_fen: Mapped[int] = mapped_column(Fen)  # negative only in an adjusting round
    reason: Mapped[str | None] = mapped_column(String(300))
