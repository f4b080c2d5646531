"""Case tables: the case, its subjects and places, timeline, administrative measures, documents."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fangfei.auth.models import User
from fangfei.db import Base, UtcDateTime, utcnow
from fangfei.reference.models import Jurisdiction

MONEY = Numeric(18, 2)
# 亿元以上 (Attachment 4): an amount involved of at least 10,000 万元.
KEY_CASE_AMOUNT_YUAN = Decimal("100000000")


class Case(Base):
    """案件 / 风险 — a disposal matter opened from judged leads or assigned from above."""

    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_list", "jurisdiction_id", "stage", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # AJ2026-000012
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(8))  # case | risk
    origin: Mapped[str] = mapped_column(String(16))  # leads | assigned (上级交办)
    # 主办地: the jurisdiction of this installation that leads the case.
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    stage: Mapped[str] = mapped_column(String(24))  # the ten-step procedure, see workflow
    acceptance_outcome: Mapped[str | None] = mapped_column(String(24))
    investigation_mode: Mapped[str | None] = mapped_column(String(24))  # industry | special
    characterisation: Mapped[str | None] = mapped_column(Text)  # 认定意见书 (summary, number)
    facts: Mapped[str | None] = mapped_column(Text)  # 主要违法违规事实
    path: Mapped[str] = mapped_column(String(16))  # administrative | criminal
    administrative_first: Mapped[bool] = mapped_column(Boolean, default=False)
    criminal_stage: Mapped[str | None] = mapped_column(String(16))

    amount_yuan: Mapped[Decimal | None] = mapped_column(MONEY)  # 涉及金额
    people_count: Mapped[int | None] = mapped_column(Integer)  # 涉及人数 (参与群众)
    unpaid_amount_yuan: Mapped[Decimal | None] = mapped_column(MONEY)
    unpaid_people: Mapped[int | None] = mapped_column(Integer)
    arrests: Mapped[int] = mapped_column(Integer, default=0)  # 抓捕 (人次)
    enforced_yuan: Mapped[Decimal | None] = mapped_column(MONEY)  # 执行到位资金
    refunded_yuan: Mapped[Decimal | None] = mapped_column(MONEY)  # 资金清退金额

    discovered_on: Mapped[date] = mapped_column(Date)
    accepted_on: Mapped[date | None] = mapped_column(Date)
    filed_on: Mapped[date | None] = mapped_column(Date)  # 立案时间 (criminal filing)
    judgement_on: Mapped[date | None] = mapped_column(Date)  # 判决
    disposal_ended_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)

    supervised_nationally: Mapped[bool] = mapped_column(Boolean, default=False)
    stage_before_campaign: Mapped[str | None] = mapped_column(String(24))  # Attachment 4
    judicial_opinion: Mapped[str | None] = mapped_column(Text)  # Attachment 3
    stability_summary: Mapped[str | None] = mapped_column(Text)  # 涉稳简要情况
    officer_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    leader_name: Mapped[str | None] = mapped_column(String(100))  # 包案领导

    created_by_name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    jurisdiction: Mapped[Jurisdiction] = relationship()
    officer: Mapped[User | None] = relationship()

    @property
    def over_100m(self) -> bool:
        """亿元以上: the amount involved reaches 10,000 万元."""
        return self.amount_yuan is not None and self.amount_yuan >= KEY_CASE_AMOUNT_YUAN


class CaseSubject(Base):
    """A subject of a case (enterprise or person) with its role: 组织者, 掮客, 员工 …"""

    __tablename__ = "case_subjects"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str | None] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(24))  # reference kind participant_role
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    void_reason: Mapped[str | None] = mapped_column(String(500))


class CasePlace(Base):
    """A place of a case other than the lead one: 协办地 or 注册地, and how far it lies."""

    __tablename__ = "case_places"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # assisting | registration
    # Set when the place is a jurisdiction of this installation (its users then share the case).
    jurisdiction_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdictions.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    reach: Mapped[str] = mapped_column(String(16))  # township | county | province
    voided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CaseEvent(Base):
    """The timeline of a case: procedure and criminal steps, notes, asset decisions."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    on_date: Mapped[date] = mapped_column(Date)  # when it happened (may be before it was entered)
    actor_name: Mapped[str] = mapped_column(String(100))
    # The unit that wrote it: the lead place or an assisting one.
    jurisdiction_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdictions.id"))
    track: Mapped[str] = mapped_column(String(16))  # procedure | criminal | measure | note | asset
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str | None] = mapped_column(String(24))
    document_no: Mapped[str | None] = mapped_column(String(100))
    amount_yuan: Mapped[Decimal | None] = mapped_column(MONEY)
    comment: Mapped[str | None] = mapped_column(Text)


class CaseMeasure(Base):
    """处置措施 — an administrative measure taken in a case, with its document and figures."""

    __tablename__ = "case_measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # reference kind admin_measure
    taken_on: Mapped[date] = mapped_column(Date)
    document_no: Mapped[str | None] = mapped_column(String(100))
    target: Mapped[str] = mapped_column(String(200))
    fine_yuan: Mapped[Decimal | None] = mapped_column(MONEY)  # 罚款
    people_reduced: Mapped[int | None] = mapped_column(Integer)  # 压降人数
    # 责令整改: the deadline is kept as working days after taken_on and computed on read.
    rectify_workdays: Mapped[int | None] = mapped_column(Integer)
    rectified_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    jurisdiction_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdictions.id"))
    actor_name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    void_reason: Mapped[str | None] = mapped_column(String(500))


class CaseDocument(Base):
    """A document of a case — generated from a template or uploaded as evidence — by version.

    Files are stored by their sha256 and never overwritten: a new file of the same kind is a new
    version, and every version stays readable (chain of custody: who, when, which hash).
    """

    __tablename__ = "case_documents"
    __table_args__ = (UniqueConstraint("case_id", "kind", "version", name="uq_case_documents"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    generated: Mapped[bool] = mapped_column(Boolean)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(String(500))
    jurisdiction_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdictions.id"))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class DocumentTemplate(Base):
    """An administrator's replacement for a shipped document template (latest active wins)."""

    __tablename__ = "case_document_templates"
    __table_args__ = (UniqueConstraint("kind", "version", name="uq_case_document_templates"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
