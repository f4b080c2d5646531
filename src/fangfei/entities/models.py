"""Entity tables: one ``entities`` row per subject, with enterprise or person details joined."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fangfei.db import Base, UtcDateTime, utcnow
from fangfei.reference.models import Jurisdiction


class ImportBatch(Base):
    """One imported file: what it was, its checksum, who imported it and how many rows landed."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int]
    actor_name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Entity(Base):
    """主体 — an enterprise or a person that leads, alerts, measures and cases attach to."""

    __tablename__ = "entities"
    # Covers the scope and filters of the entity list, so that counting reads only this index.
    __table_args__ = (
        Index("ix_entities_list", "jurisdiction_id", "voided_at", "kind", "key_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # enterprise | person
    name: Mapped[str] = mapped_column(String(200), index=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    address: Mapped[str | None] = mapped_column(String(300))
    # valid | invalid | missing: records without a valid key are kept and flagged.
    key_status: Mapped[str] = mapped_column(String(16), index=True)
    key_problem: Mapped[str | None] = mapped_column(String(200))
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    void_reason: Mapped[str | None] = mapped_column(String(300))

    jurisdiction: Mapped[Jurisdiction] = relationship(lazy="joined")

    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_abstract": True}


class Enterprise(Entity):
    """企业 — keyed by its unified social credit code (USCC)."""

    __tablename__ = "enterprises"

    id: Mapped[int] = mapped_column(ForeignKey("entities.id"), primary_key=True)
    uscc: Mapped[str | None] = mapped_column(String(32), unique=True)
    legal_representative: Mapped[str | None] = mapped_column(String(100))
    actual_controller: Mapped[str | None] = mapped_column(String(100))
    business_scope: Mapped[str | None] = mapped_column(Text)
    licence_type: Mapped[str] = mapped_column(String(40), default="none")
    registration_date: Mapped[date | None] = mapped_column(Date)
    business_status: Mapped[str | None] = mapped_column(String(40))

    __mapper_args__ = {"polymorphic_identity": "enterprise"}


class Person(Entity):
    """个人 — the ID number is stored encrypted, found through its blind index, shown masked."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(ForeignKey("entities.id"), primary_key=True)
    id_number_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    id_blind_index: Mapped[str | None] = mapped_column(String(64), unique=True)
    id_number_masked: Mapped[str | None] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(40))

    __mapper_args__ = {"polymorphic_identity": "person"}


class BankAccount(Base):
    """银行账户 — an account at a bank, linked to its holder's entity when known."""

    __tablename__ = "bank_accounts"
    __table_args__ = (UniqueConstraint("bank", "account_number", name="uq_bank_accounts_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank: Mapped[str] = mapped_column(String(100), index=True)
    account_number: Mapped[str] = mapped_column(String(64))
    holder_name: Mapped[str] = mapped_column(String(200))
    holder_entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"), index=True)
    opened_at: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
