"""Audit rows and the chain head."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fangfei.db import Base, UtcDateTime

# BIGINT on PostgreSQL; SQLite's integer is already 64-bit.
AuditId = BigInteger().with_variant(Integer(), "sqlite")


class AuditEvent(Base):
    """One change or sensitive read, chained to the previous row by its hash."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(AuditId, primary_key=True, autoincrement=False)
    # The id is the row's position in the chain, assigned by the audit service.
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The last link of the chain, so that removing rows from the end is detected too."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_id: Mapped[int] = mapped_column(AuditId)
    last_hash: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(AuditId)
