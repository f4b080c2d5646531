"""Screening in the application database: the runs (what was screened, with which lexicon) and
the key-supervision list (重点监管对象) the hits put enterprises on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fangfei.db import Base, UtcDateTime, utcnow


class ScreeningRun(Base):
    """筛查记录 — one screening of many inputs: their checksum, the lexicon's, and the outcome."""

    __tablename__ = "screening_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # enterprises | registry_import | registry_file
    input_name: Mapped[str] = mapped_column(String(255))
    input_sha256: Mapped[str] = mapped_column(String(64))
    lexicon_version: Mapped[int] = mapped_column(Integer)
    lexicon_sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    flagged: Mapped[int] = mapped_column(Integer)
    actor_name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SupervisionListing(Base):
    """重点监管对象 — an enterprise put on the key-supervision list by its name or scope words.

    One listing per enterprise is ``listed`` at a time; a listing ends ``removed`` (by an
    officer with the reason, or when the words are gone after a change) and stays on file.
    """

    __tablename__ = "supervision_listings"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="listed", index=True)
    tier: Mapped[str] = mapped_column(String(32))
    words: Mapped[list[str]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("screening_runs.id"))
    listed_by_name: Mapped[str] = mapped_column(String(100))
    listed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    removed_by_name: Mapped[str | None] = mapped_column(String(100))
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    removal_reason: Mapped[str | None] = mapped_column(String(500))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"))
