"""API shapes of users and tokens."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class UserCreate(BaseModel):
    """A new login."""

    username: str = Field(min_length=2, max_length=64)
    display_name: str = Field(default="", max_length=100)
    password: str = Field(min_length=8, max_length=200)
    role: str
    jurisdiction_id: int
    department_id: int | None = None
    bank: str | None = None


class UserRead(BaseModel):
    """A login as the API shows it (never the password hash)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: str
    jurisdiction_id: int
    department_id: int | None
    bank: str | None
    active: bool
    last_login_at: datetime | None


class TokenCreate(BaseModel):
    """A request for a new API token."""

    name: str = Field(min_length=1, max_length=100)


class TokenCreated(BaseModel):
    """The new token: shown once, store it safely."""

    id: int
    name: str
    token: str
