"""API shapes of reference data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class RefItemRead(BaseModel):
    """One enumeration entry."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    code: str
    name: str
    position: int
    active: bool
    extra: dict[str, Any]
    edited: bool


class RefItemCreate(BaseModel):
    """A new enumeration entry."""

    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    extra: dict[str, Any] = Field(default_factory=dict)


class RefItemUpdate(BaseModel):
    """An edit of an enumeration entry."""

    name: str = Field(min_length=1, max_length=200)
    active: bool = True
    position: int | None = None


class LprRead(BaseModel):
    """One LPR entry."""

    model_config = ConfigDict(from_attributes=True)

    effective_date: date
    one_year_pct: Decimal


class LprCreate(BaseModel):
    """A newly published LPR."""

    effective_date: date
    one_year_pct: Decimal = Field(gt=0, lt=100, decimal_places=2)


class JurisdictionRead(BaseModel):
    """A jurisdiction."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    level: str
    parent_id: int | None


class DepartmentRead(BaseModel):
    """A member department or the lead office."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    is_lead_office: bool
