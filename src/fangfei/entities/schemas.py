"""API shapes of entities and bank accounts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class EnterpriseCreate(BaseModel):
    """A new enterprise; an invalid USCC is accepted and flagged."""

    name: str = Field(min_length=1, max_length=200)
    uscc: str | None = Field(default=None, max_length=32)
    jurisdiction_id: int
    legal_representative: str | None = Field(default=None, max_length=100)
    actual_controller: str | None = Field(default=None, max_length=100)
    address: str | None = Field(default=None, max_length=300)
    business_scope: str | None = None
    licence_type: str = "none"
    registration_date: date | None = None
    business_status: str | None = None


class PersonCreate(BaseModel):
    """A new person; an invalid ID number is accepted and flagged."""

    name: str = Field(min_length=1, max_length=200)
    id_number: str | None = Field(default=None, max_length=32)
    jurisdiction_id: int
    phone: str | None = Field(default=None, max_length=40)
    address: str | None = Field(default=None, max_length=300)


class EntityUpdate(BaseModel):
    """Fields that may change after registration (keys are corrected by re-registration)."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    address: str | None = Field(default=None, max_length=300)
    jurisdiction_id: int | None = None
    legal_representative: str | None = None
    actual_controller: str | None = None
    business_scope: str | None = None
    licence_type: str | None = None
    business_status: str | None = None
    phone: str | None = None


class EntityVoid(BaseModel):
    """Why an entity is withdrawn."""

    reason: str = Field(min_length=1, max_length=300)


class EntityFilter(BaseModel):
    """List filters."""

    q: str | None = None
    kind: Literal["enterprise", "person"] | None = None
    jurisdiction_id: int | None = None
    key_status: Literal["valid", "invalid", "missing"] | None = None
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=50, ge=1, le=500)

    @field_validator("q", "kind", "jurisdiction_id", "key_status", mode="before")
    @classmethod
    def _blank_means_any(cls, value: object) -> object:
        # Search forms and pager links send unselected filters as empty strings.
        return None if isinstance(value, str) and not value.strip() else value


class EntityRead(BaseModel):
    """An entity as the API shows it (person ID numbers masked)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    name: str
    jurisdiction_id: int
    address: str | None
    key_status: str
    key_problem: str | None
    created_at: datetime
    voided_at: datetime | None = None
    void_reason: str | None = None
    uscc: str | None = None
    legal_representative: str | None = None
    actual_controller: str | None = None
    business_scope: str | None = None
    licence_type: str | None = None
    registration_date: date | None = None
    business_status: str | None = None
    id_number_masked: str | None = None
    phone: str | None = None


class EntityPage(BaseModel):
    """One page of a list."""

    total: int
    capped: bool = False  # more than ``total`` matches: the count stopped at the cap
    page: int
    per_page: int
    items: list[EntityRead]


class BankAccountCreate(BaseModel):
    """A bank account; the holder entity is optional."""

    bank: str = Field(min_length=1, max_length=100)
    account_number: str = Field(min_length=4, max_length=64)
    holder_name: str = Field(min_length=1, max_length=200)
    holder_entity_id: int | None = None
    opened_at: date | None = None


class BankAccountRead(BaseModel):
    """A bank account as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    bank: str
    account_number: str
    holder_name: str
    holder_entity_id: int | None
    opened_at: date | None
