"""Working-day calendar tables: administrators' overrides and the years whose schedule is entered."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from fangfei.db import Base, UtcDateTime, utcnow


class WorkdayOverride(Base):
    """工作日历调整 — an administrator's ruling that one date is, or is not, a working day."""

    __tablename__ = "workday_overrides"
    __table_args__ = (
        # At most one ruling in force per date; voided rows stay as history.
        Index(
            "uq_workday_overrides_day_active",
            "day",
            unique=True,
            sqlite_where=text("voided_at IS NULL"),
            postgresql_where=text("voided_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    voided_by: Mapped[str | None] = mapped_column(String(100))
    void_reason: Mapped[str | None] = mapped_column(String(300))


class WorkdayYear(Base):
    """工作日历年度 — a year whose official holiday schedule an administrator has entered."""

    __tablename__ = "workday_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    official: Mapped[bool] = mapped_column(Boolean, default=True)
    entered_by: Mapped[str] = mapped_column(String(100))
    entered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
