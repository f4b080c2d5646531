"""Lead tables: the lead itself, its timeline, attachments, duplicate decisions and rewards."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fangfei.db import Base, UtcDateTime, utcnow
from fangfei.entities.models import Entity
from fangfei.reference.models import Department, Jurisdiction

MONEY = Numeric(18, 2)


class Lead(Base):
    """风险线索 — a reported or discovered risk lead, from intake to judgement."""

    __tablename__ = "leads"
    __table_args__ = (
        Index("ix_leads_status_due", "status", "due_on"),
        # Covers the scope and filters of the list, so that counting reads only this index.
        Index(
            "ix_leads_list",
            "jurisdiction_id",
            "merged_into_id",
            "status",
            "domain",
            "discovered_on",
            "due_on",
            "assignee_department_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # XS2026-000123
    # Given to a member of the public who reported through the portal; looks up a coarse status.
    receipt_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    channel: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(40))  # derived from the channel
    domain: Mapped[str] = mapped_column(String(40), index=True)
    focus_area: Mapped[str | None] = mapped_column(String(64))
    subject_entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"), index=True)
    subject_name: Mapped[str] = mapped_column(String(200))
    # Name reduced for duplicate matching (no legal form, no punctuation, simplified characters).
    subject_key: Mapped[str] = mapped_column(String(200), index=True)
    subject_uscc: Mapped[str | None] = mapped_column(String(32), index=True)
    subject_id_blind_index: Mapped[str | None] = mapped_column(String(64), index=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    description: Mapped[str] = mapped_column(Text)
    amount_yuan: Mapped[Decimal | None] = mapped_column(MONEY)
    people_count: Mapped[int | None] = mapped_column(Integer)
    discovered_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), index=True)

    assignee_department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id"), index=True
    )
    assignee_jurisdiction_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdictions.id"))
    assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    due_on: Mapped[date | None] = mapped_column(Date)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)

    # Informant (举报人): encrypted at rest; blind indexes only to spot the same informant again.
    informant_real_name: Mapped[bool] = mapped_column(Boolean, default=False)
    informant_name_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    informant_id_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    informant_phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    informant_address_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    informant_id_blind_index: Mapped[str | None] = mapped_column(String(64), index=True)
    informant_phone_blind_index: Mapped[str | None] = mapped_column(String(64), index=True)

    # Verification and judgement (核查、研判).
    findings: Mapped[str | None] = mapped_column(Text)  # 风险排查情况（存在的问题）
    verified_true: Mapped[bool | None] = mapped_column(Boolean)
    is_illegal_fundraising: Mapped[bool | None] = mapped_column(Boolean)
    meets_standard_conditions: Mapped[bool | None] = mapped_column(Boolean)
    regulator: Mapped[str | None] = mapped_column(String(40))
    regulator_state: Mapped[str | None] = mapped_column(String(16))  # submitted | planned
    disposal_path: Mapped[str | None] = mapped_column(String(40))
    no_risk_reason: Mapped[str | None] = mapped_column(String(500))
    disposal_summary: Mapped[str | None] = mapped_column(Text)  # 处置情况
    judged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Figures of the ledger that a case fills in later (or an imported ledger brings).
    filed_on: Mapped[date | None] = mapped_column(Date)  # 立案时间
    case_closed_on: Mapped[date | None] = mapped_column(Date)  # 结案时间
    unpaid_amount_yuan: Mapped[Decimal | None] = mapped_column(MONEY)
    unpaid_people: Mapped[int | None] = mapped_column(Integer)
    remarks: Mapped[str | None] = mapped_column(String(500))
    # The case this lead was transferred to.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"))

    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))

    jurisdiction: Mapped[Jurisdiction] = relationship(foreign_keys=[jurisdiction_id])
    assignee_department: Mapped[Department | None] = relationship()
    assignee_jurisdiction: Mapped[Jurisdiction | None] = relationship(
        foreign_keys=[assignee_jurisdiction_id]
    )
    subject_entity: Mapped[Entity | None] = relationship()

    @property
    def has_informant(self) -> bool:
        """Whether any informant identity is stored (never what it is)."""
        return self.informant_name_enc is not None or self.informant_phone_enc is not None


class LeadEvent(Base):
    """The timeline of a lead: every transition, assignment and decision with who and when."""

    __tablename__ = "lead_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    actor_name: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)


class LeadAttachment(Base):
    """An attachment of a lead: stored once by its sha256 under the installation's files."""

    __tablename__ = "lead_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class LeadLink(Base):
    """An officer's decision about a proposed duplicate: linked, merged or kept separate."""

    __tablename__ = "lead_links"
    __table_args__ = (UniqueConstraint("lead_id", "other_lead_id", name="uq_lead_links_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"), index=True)
    other_lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))  # linked | merged | separate
    reason: Mapped[str | None] = mapped_column(String(500))
    actor_name: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Reward(Base):
    """举报奖励 — a reward for a verified lead: proposed, approved by a second person, paid."""

    __tablename__ = "lead_rewards"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"), unique=True)
    amount_yuan: Mapped[Decimal] = mapped_column(MONEY)
    band: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16))  # proposed | approved | paid | refused
    proposed_by: Mapped[str] = mapped_column(String(100))
    proposed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    approved_by: Mapped[str | None] = mapped_column(String(100))
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    paid_on: Mapped[date | None] = mapped_column(Date)
    payment_reference: Mapped[str | None] = mapped_column(String(100))
