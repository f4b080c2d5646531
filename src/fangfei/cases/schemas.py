"""API and form shapes of cases: opening, facts, subjects, places, steps, measures, filters."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


def _blank_is_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


class _Form(BaseModel):
    """Blank form fields mean “not given”."""

    @field_validator("*", mode="before")
    @classmethod
    def _blank(cls, value: object) -> object:
        return _blank_is_none(value)


class CaseOpen(_Form):
    """A case opened from one or more judged leads (their subjects become its organisers)."""

    lead_ids: list[int] = Field(min_length=1)
    name: str | None = Field(default=None, max_length=200)
    kind: Literal["case", "risk"] = "case"
    leader_name: str | None = Field(default=None, max_length=100)


class CaseAssigned(_Form):
    """A case assigned from above (上级交办), opened without a lead of this installation."""

    name: str = Field(min_length=1, max_length=200)
    kind: Literal["case", "risk"] = "case"
    jurisdiction_id: int
    discovered_on: date
    subject_name: str = Field(min_length=1, max_length=200)
    subject_uscc: str | None = Field(default=None, max_length=32)
    amount_yuan: Decimal | None = Field(default=None, ge=0, max_digits=18, decimal_places=2)
    people_count: int | None = Field(default=None, ge=0)
    facts: str | None = Field(default=None, max_length=20000)
    leader_name: str | None = Field(default=None, max_length=100)


class CaseUpdate(_Form):
    """The facts of a case an officer keeps up to date; fields left out are not changed."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    facts: str | None = Field(default=None, max_length=20000)
    amount_yuan: Decimal | None = Field(default=None, ge=0, max_digits=18, decimal_places=2)
    people_count: int | None = Field(default=None, ge=0)
    unpaid_amount_yuan: Decimal | None = Field(default=None, ge=0, max_digits=18, decimal_places=2)
    unpaid_people: int | None = Field(default=None, ge=0)
    refunded_yuan: Decimal | None = Field(default=None, ge=0, max_digits=18, decimal_places=2)
    supervised_nationally: bool | None = None
    leader_name: str | None = Field(default=None, max_length=100)
    officer_user_id: int | None = None
    stage_before_campaign: str | None = Field(default=None, max_length=24)
    judicial_opinion: str | None = Field(default=None, max_length=5000)
    stability_summary: str | None = Field(default=None, max_length=5000)


class SubjectIn(_Form):
    """A subject of the case: an entity on file, or a name (with its USCC when known)."""

    entity_id: int | None = None
    name: str | None = Field(default=None, max_length=200)
    uscc: str | None = Field(default=None, max_length=32)
    role: str


class PlaceIn(_Form):
    """协办地 or 注册地: a jurisdiction of this installation, or a place elsewhere by name."""

    role: Literal["assisting", "registration"]
    jurisdiction_id: int | None = None
    name: str | None = Field(default=None, max_length=100)
    reach: Literal["township", "county", "province"] | None = None


class StepIn(_Form):
    """One step of the procedure or the criminal path, with what that step records."""

    on_date: date | None = None
    document_no: str | None = Field(default=None, max_length=100)
    comment: str | None = Field(default=None, max_length=5000)
    investigation_mode: Literal["industry", "special"] | None = None
    characterisation: str | None = Field(default=None, max_length=5000)
    arrests: int | None = Field(default=None, ge=0, le=100000)
    amount_yuan: Decimal | None = Field(default=None, ge=0, max_digits=18, decimal_places=2)


class MeasureIn(_Form):
    """An administrative measure: what, when, on whom, under which document, with its figures."""

    kind: str
    taken_on: date
    target: str = Field(min_length=1, max_length=200)
    document_no: str | None = Field(default=None, max_length=100)
    fine_yuan: Decimal | None = Field(default=None, gt=0, max_digits=18, decimal_places=2)
    people_reduced: int | None = Field(default=None, ge=0)
    rectify_workdays: int | None = Field(default=None, ge=1, le=250)
    note: str | None = Field(default=None, max_length=5000)


class NoteIn(_Form):
    """A progress note shared between the lead and assisting places."""

    text: str = Field(min_length=1, max_length=5000)
    on_date: date | None = None


class AssetDecisionIn(_Form):
    """A decision on seized or frozen assets (主办地 only: no unilateral disposal)."""

    description: str = Field(min_length=1, max_length=5000)
    amount_yuan: Decimal | None = Field(default=None, ge=0, max_digits=18, decimal_places=2)
    on_date: date | None = None
    document_no: str | None = Field(default=None, max_length=100)


CaseFlag = Literal[
    "over_100m", "long_running", "supervised", "cross_township", "cross_county", "cross_province"
]


class CaseFilter(_Form):
    """Filters of the case list."""

    q: str | None = Field(default=None, max_length=100)
    stage: str | None = None
    path: Literal["administrative", "criminal"] | None = None
    place_role: Literal["lead", "assisting"] | None = None
    flag: CaseFlag | None = None
    overdue: bool = False
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=50, ge=1, le=200)


class CaseRead(BaseModel):
    """A case as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str
    name: str
    kind: str
    origin: str
    jurisdiction_id: int
    stage: str
    path: str
    administrative_first: bool
    criminal_stage: str | None
    acceptance_outcome: str | None
    investigation_mode: str | None
    amount_yuan: Decimal | None
    people_count: int | None
    unpaid_amount_yuan: Decimal | None
    unpaid_people: int | None
    arrests: int
    enforced_yuan: Decimal | None
    refunded_yuan: Decimal | None
    discovered_on: date
    accepted_on: date | None
    filed_on: date | None
    judgement_on: date | None
    disposal_ended_on: date | None
    closed_on: date | None
    over_100m: bool
    supervised_nationally: bool
    leader_name: str | None
    created_at: datetime
