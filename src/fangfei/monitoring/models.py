"""Alerts in the application database: what the analysts see, dispose of and refer."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fangfei.db import Base, UtcDateTime, utcnow


class MonitorAlert(Base):
    """预警 — one account's alert for one period, with its evidence and what was done about it.

    ``alert_key`` is stable for a bank, account and period, so a rerun updates the alert instead
    of adding one; an open alert that a later run covers with an overlapping period is kept as
    ``superseded``. Status: open → false_positive (with the reason) | referred (a lead is made).
    """

    __tablename__ = "monitor_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_key: Mapped[str] = mapped_column(String(20), unique=True)
    bank: Mapped[str] = mapped_column(String(100), index=True)
    account_id: Mapped[str] = mapped_column(String(64), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    score: Mapped[float] = mapped_column(Float)  # a weight sum, not money
    scenarios: Mapped[list[str]] = mapped_column(JSON)
    typologies: Mapped[list[str]] = mapped_column(JSON)
    explanation: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    pack_version: Mapped[str] = mapped_column(String(40))
    engine: Mapped[str] = mapped_column(String(16))
    holder_name: Mapped[str] = mapped_column(String(200))
    holder_type: Mapped[str] = mapped_column(String(16))
    holder_entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"), index=True)
    holder_match: Mapped[str] = mapped_column(String(16))  # uscc | id_number | name | none
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    disposition_reason: Mapped[str | None] = mapped_column(Text)
    disposed_by_name: Mapped[str | None] = mapped_column(String(100))
    disposed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
