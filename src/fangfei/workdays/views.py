"""JSON API: the working-day calendar."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from fangfei.auth import policy
from fangfei.deps import ActorDep, SessionDep
from fangfei.workdays import service
from fangfei.workdays.models import WorkdayOverride

router = APIRouter(prefix="/calendar", tags=["工作日历"])


class DeadlineRead(BaseModel):
    """A computed deadline."""

    date: date
    provisional: bool


class OverrideRead(BaseModel):
    """An administrator's override."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    day: date
    is_workday: bool
    note: str
    created_by: str
    created_at: datetime
    voided_at: datetime | None
    voided_by: str | None
    void_reason: str | None


class OverrideCreate(BaseModel):
    """A ruling that one date is, or is not, a working day."""

    day: date
    is_workday: bool
    note: str = Field(min_length=1, max_length=200)


class OverrideVoid(BaseModel):
    """Why an override is withdrawn."""

    reason: str = Field(min_length=1, max_length=300)


class YearStatusRead(BaseModel):
    """One year of the calendar."""

    year: int
    source: str
    source_label: str
    provisional: bool
    entered_by: str | None
    entered_at: datetime | None
    working_days: int
    weekdays_off: list[date]
    weekend_workdays: list[date]
    overrides: list[OverrideRead]


def _status_read(status: service.YearStatus) -> YearStatusRead:
    return YearStatusRead(
        year=status.year,
        source=status.source.value,
        source_label=status.source.label,
        provisional=status.provisional,
        entered_by=status.entered_by,
        entered_at=status.entered_at,
        working_days=status.working_days,
        weekdays_off=list(status.weekdays_off),
        weekend_workdays=list(status.weekend_workdays),
        overrides=[OverrideRead.model_validate(row) for row in status.overrides],
    )


# Declared before /{year} so that the literal path wins.
@router.get("/add-workdays", response_model=DeadlineRead, summary="第 N 个工作日")
def add_workdays(
    start: Annotated[date, Query(description="起算日期（不计入）")],
    n: Annotated[int, Query(description="工作日数；负数表示向前倒数")],
    db: SessionDep,
    actor: ActorDep,
) -> DeadlineRead:
    """The n-th working day after ``start``, marked provisional when it rests on a provisional year."""
    policy.ensure(db, actor, "reference.view")
    deadline = service.add_workdays(db, start, n)
    return DeadlineRead(date=deadline.date, provisional=deadline.provisional)


@router.get("/{year}", response_model=YearStatusRead, summary="年度工作日历状态")
def year_status(year: int, db: SessionDep, actor: ActorDep) -> YearStatusRead:
    """Where a year's schedule comes from, its working days, holidays and overrides."""
    policy.ensure(db, actor, "reference.view")
    return _status_read(service.calendar_status(db, year))


@router.post("/{year}/official", response_model=YearStatusRead, summary="标记官方安排已录入")
def mark_official(year: int, db: SessionDep, actor: ActorDep) -> YearStatusRead:
    """Record that the year's official schedule has been entered (administrators)."""
    policy.ensure(db, actor, "reference.manage")
    service.mark_official(db, actor=actor, year=year)
    return _status_read(service.calendar_status(db, year))


@router.post("/overrides", response_model=OverrideRead, status_code=201, summary="设置工作日调整")
def set_override(body: OverrideCreate, db: SessionDep, actor: ActorDep) -> WorkdayOverride:
    """Rule that a date is, or is not, a working day (administrators)."""
    policy.ensure(db, actor, "reference.manage")
    return service.set_override(
        db, actor=actor, day=body.day, is_workday=body.is_workday, note=body.note
    )


@router.post("/overrides/{override_id}/void", response_model=OverrideRead, summary="作废调整")
def void_override(
    override_id: int, body: OverrideVoid, db: SessionDep, actor: ActorDep
) -> WorkdayOverride:
    """Withdraw an override, keeping it as history (administrators)."""
    policy.ensure(db, actor, "reference.manage")
    return service.void_override(db, actor=actor, override_id=override_id, reason=body.reason)
