"""Stored report runs: what was generated and submitted, by whom, and its signed, stamped copy."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fangfei.db import Base, UtcDateTime, utcnow


class ReportRun(Base):
    """报送版本 — one generated official table kept as submitted: its parameters, file and checksums.

    ``sha256`` is the file's; ``content_sha256`` covers the cell values only, so that regenerating
    with the same parameters tells whether the data behind the table has changed since. Once
    signed off the run is frozen; the stamped scan (盖章扫描件) is then uploaded beside it.
    """

    __tablename__ = "report_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    table: Mapped[str] = mapped_column(String(8))  # a1 | a2 | a3 | a4 | a6
    period: Mapped[str | None] = mapped_column(String(16))
    jurisdiction_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdictions.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content_sha256: Mapped[str] = mapped_column(String(64))
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    signed_by_name: Mapped[str | None] = mapped_column(String(100))
    signed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    scan_filename: Mapped[str | None] = mapped_column(String(255))
    scan_content_type: Mapped[str | None] = mapped_column(String(100))
    scan_sha256: Mapped[str | None] = mapped_column(String(64))
    scan_uploaded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
