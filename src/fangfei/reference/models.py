"""Reference tables, loaded from the versioned files in ``reference/data`` and editable by admins."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fangfei.db import Base


class Jurisdiction(Base):
    """辖区 — a county (or city) and its townships, as a tree with a materialised path."""

    __tablename__ = "jurisdictions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16))  # province | city | county | township
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdictions.id"))
    # "/1/", "/1/7/": every descendant's path starts with its ancestor's path.
    path: Mapped[str] = mapped_column(String(255), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Department(Base):
    """成员单位 — a member department of the joint meeting, or the lead office itself."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    is_lead_office: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class RefItem(Base):
    """One entry of an official enumeration (industry domain, lead source, channel, …)."""

    __tablename__ = "ref_items"
    __table_args__ = (UniqueConstraint("kind", "code", name="uq_ref_items_kind_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Version of the shipped file this row came from; None when an administrator created it.
    source_version: Mapped[int | None] = mapped_column(Integer)
    # Set once an administrator edits the row: later file versions no longer overwrite it.
    edited: Mapped[bool] = mapped_column(Boolean, default=False)


class LprRate(Base):
    """贷款市场报价利率 — the one-year LPR in force from a date on."""

    __tablename__ = "lpr_rates"

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_date: Mapped[date] = mapped_column(Date, unique=True)
    one_year_pct: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    source_version: Mapped[int | None] = mapped_column(Integer)
