"""API shapes of leads: intake, filters, workflow steps, and what is shown back."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

PERIOD = re.compile(
    r"^(?P<year>\d{4})(?:(?:Q(?P<quarter>[1-4]))|(?:H(?P<half>[12]))|(?:-(?P<month>0[1-9]|1[0-2])))?$"
)


def _blank_is_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


class InformantIn(BaseModel):
    """举报人 — who reported; every field is optional (anonymous reports are welcome)."""

    name: str | None = Field(default=None, max_length=100)
    id_number: str | None = Field(default=None, max_length=32)
    phone: str | None = Field(default=None, max_length=40)
    address: str | None = Field(default=None, max_length=300)

    @field_validator("*", mode="before")
    @classmethod
    def _blank(cls, value: object) -> object:
        return _blank_is_none(value)


class LeadCreate(BaseModel):
    """A new lead. The subject is an existing entity, or a name (with its USCC/ID when known)."""

    channel: str
    domain: str
    focus_area: str | None = None
    subject_entity_id: int | None = None
    subject_name: str | None = Field(default=None, max_length=200)
    subject_uscc: str | None = Field(default=None, max_length=32)
    subject_id_number: str | None = Field(default=None, max_length=32)
    jurisdiction_id: int | None = None
    description: str = Field(min_length=1, max_length=20000)
    amount_yuan: Decimal | None = Field(default=None, ge=0, max_digits=18, decimal_places=2)
    people_count: int | None = Field(default=None, ge=0)
    discovered_on: date
    informant: InformantIn | None = None

    @field_validator(
        "focus_area",
        "subject_entity_id",
        "subject_name",
        "subject_uscc",
        "subject_id_number",
        "jurisdiction_id",
        "amount_yuan",
        "people_count",
        mode="before",
    )
    @classmethod
    def _blank(cls, value: object) -> object:
        return _blank_is_none(value)


class LeadFilter(BaseModel):
    """List and ledger filters; ``period`` is 2025, 2025Q2 or 2025-06 (by discovery date)."""

    q: str | None = None
    status: str | None = None
    domain: str | None = None
    channel: str | None = None
    jurisdiction_id: int | None = None
    department_id: int | None = None
    overdue: bool = False
    period: str | None = Field(default=None, pattern=PERIOD.pattern)
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=50, ge=1, le=500)

    @field_validator(
        "q", "status", "domain", "channel", "jurisdiction_id", "department_id", "period",
        mode="before",
    )  # fmt: skip
    @classmethod
    def _blank(cls, value: object) -> object:
        return _blank_is_none(value)


class AssignIn(BaseModel):
    """交办: to a member department or to a township (one of the two)."""

    department_id: int | None = None
    jurisdiction_id: int | None = None
    comment: str | None = Field(default=None, max_length=2000)


class ReasonIn(BaseModel):
    """A step that needs a reason (return, merge, keep separate)."""

    reason: str = Field(min_length=1, max_length=2000)


class JudgeIn(BaseModel):
    """研判: the findings of verification and the judgement on them."""

    findings: str = Field(min_length=1, max_length=20000)
    verified_true: bool
    is_illegal_fundraising: bool
    meets_standard_conditions: bool | None = None
    regulator: str | None = None
    regulator_state: Literal["submitted", "planned"] | None = None
    disposal_path: str | None = None
    no_risk_reason: str | None = Field(default=None, max_length=500)
    disposal_summary: str | None = Field(default=None, max_length=20000)

    @field_validator(
        "meets_standard_conditions", "regulator", "regulator_state", "disposal_path",
        "no_risk_reason", "disposal_summary", mode="before",
    )  # fmt: skip
    @classmethod
    def _blank(cls, value: object) -> object:
        return _blank_is_none(value)


class DuplicateDecisionIn(BaseModel):
    """The officer's decision about a proposed duplicate."""

    other_lead_id: int
    decision: Literal["linked", "merged", "separate"]
    reason: str | None = Field(default=None, max_length=500)


class LeadRead(BaseModel):
    """A lead as the API shows it: the informant is never included, only whether one exists."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str
    channel: str
    source: str
    domain: str
    focus_area: str | None
    subject_entity_id: int | None
    subject_name: str
    jurisdiction_id: int
    description: str
    amount_yuan: Decimal | None
    people_count: int | None
    discovered_on: date
    status: str
    assignee_department_id: int | None
    assignee_jurisdiction_id: int | None
    due_on: date | None
    due_provisional: bool
    has_informant: bool
    informant_real_name: bool
    findings: str | None
    verified_true: bool | None
    is_illegal_fundraising: bool | None
    meets_standard_conditions: bool | None
    regulator: str | None
    disposal_path: str | None
    no_risk_reason: str | None
    case_id: int | None
    merged_into_id: int | None
    created_at: datetime
