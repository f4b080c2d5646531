"""Activity records the official tables count and nothing else holds: publicity and guidance."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fangfei.db import Base, UtcDateTime, utcnow


class Activity(Base):
    """宣传教育 or 调研指导 — one publicity effort or one guidance visit, with its counts.

    A publicity record counts 线下宣传活动 (场次), 线上宣传点击量 (次) and 宣传覆盖人数 (人次); a
    guidance record counts 省级赴地市或县区 and 地市赴县区或乡镇 (人次) and 现场研判问题 (个).
    """

    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_period", "jurisdiction_id", "on_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # publicity | guidance
    on_date: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    offline_events: Mapped[int] = mapped_column(Integer, default=0)
    online_clicks: Mapped[int] = mapped_column(Integer, default=0)
    reach_people: Mapped[int] = mapped_column(Integer, default=0)
    provincial_visits: Mapped[int] = mapped_column(Integer, default=0)
    city_visits: Mapped[int] = mapped_column(Integer, default=0)
    issues_found: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    void_reason: Mapped[str | None] = mapped_column(String(500))
