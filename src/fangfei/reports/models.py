"""Stored report runs: what was generated and submitted, by whom, and its signed, stamped copy."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
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


class ReportPart(Base):
    """本单位填报 — one member department's or township's part of a periodic table.

    The part reports to ``parent_jurisdiction_id`` (the lead office that consolidates it). A
    township's part is its own place (``jurisdiction_id``); a department's is its share of the
    parent's records (``department_id``, ``jurisdiction_id`` the parent). The figures are counted
    from the records; a unit reports a figure otherwise only with a reason (``changes``), and
    ``prefill`` keeps the counted figures as they were when the part was submitted, so that a
    later change of the records shows.
    """

    __tablename__ = "report_parts"
    __table_args__ = (UniqueConstraint("table", "period", "unit_key", name="uq_report_parts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    table: Mapped[str] = mapped_column(String(8))  # a1
    period: Mapped[str] = mapped_column(String(16))
    unit_key: Mapped[str] = mapped_column(String(40))  # "j:<id>" or "d:<id>@<parent id>"
    parent_jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"), index=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft|submitted|returned
    # column position → {"reported": "12", "reason": "…"}: the figures reported otherwise
    changes: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict)
    prefill: Mapped[list[str] | None] = mapped_column(JSON)
    submitted_by_name: Mapped[str | None] = mapped_column(String(100))
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    returned_by_name: Mapped[str | None] = mapped_column(String(100))
    returned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    return_reason: Mapped[str | None] = mapped_column(String(500))
    created_by_name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
