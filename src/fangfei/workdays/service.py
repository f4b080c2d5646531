"""工作日历 — which days are working days, and the N-th working day after a date.

A day's status comes from, in order of precedence: (a) an administrator's override in force for
that date; (b) the published State Council schedule in ``chinese-calendar``; (c) for a year the
administrator has marked official, plain weekdays (its holidays and adjusted working days are the
overrides entered for it); (d) otherwise the provisional rule of :mod:`fangfei.workdays.holidays`:
weekends and the statutory holiday days off, no adjusted working days. A deadline that counts over
any day of a provisional year is marked provisional (暂定).

Deadlines are computed on read, never stored: a feature keeps the start date and the number of
working days and asks :func:`add_workdays` each time it shows the deadline. Entering a year's
official schedule (overrides, then :func:`mark_official`) therefore recomputes every deadline that
depends on it automatically, and a provisional deadline becomes firm without touching stored data.

Counting: ``add_workdays(db, start, n)`` is the n-th working day after ``start``; ``start`` itself
is never counted, whether or not it is a working day. ``n = 0`` returns ``start`` (not provisional,
since no day was counted). A negative ``n`` counts backwards: the |n|-th working day before
``start``. For many deadlines at once, load the calendar once with :func:`load_calendar`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.audit import service as audit
from fangfei.auth import policy
from fangfei.auth.roles import Actor
from fangfei.db import utcnow
from fangfei.errors import FieldProblem, conflict, invalid, not_found
from fangfei.workdays import holidays
from fangfei.workdays.models import WorkdayOverride, WorkdayYear

# About twenty years of working days: more is a typing error, and would only burn CPU.
MAX_WORKDAYS = 5000
MANAGE = "reference.manage"


class YearSource(StrEnum):
    """Where a year's holidays and adjusted working days come from."""

    PUBLISHED = "published"
    OFFICIAL = "official"
    PROVISIONAL = "provisional"

    @property
    def label(self) -> str:
        """The Chinese description shown to users."""
        return SOURCE_LABELS[self]


SOURCE_LABELS = {
    YearSource.PUBLISHED: "官方安排（随系统发布的国务院办公厅通知）",
    YearSource.OFFICIAL: "官方安排（管理员已录入）",
    YearSource.PROVISIONAL: "暂定（按法定节假日推算，未含调休；官方安排公布后请录入）",
}


class Deadline(NamedTuple):
    """A computed deadline; ``provisional`` when any day counted lies in a provisional year."""

    date: dt.date
    provisional: bool


@dataclass(frozen=True)
class WorkCalendar:
    """The calendar as of one read: the overrides in force and the years marked official."""

    overrides: Mapping[date, bool]
    official_years: frozenset[int]

    def source(self, year: int) -> YearSource:
        """Where the year's schedule comes from."""
        holidays.check_year(year)
        if year in holidays.PUBLISHED_YEARS:
            return YearSource.PUBLISHED
        if year in self.official_years:
            return YearSource.OFFICIAL
        return YearSource.PROVISIONAL

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is a working day."""
        ruling = self.overrides.get(day)
        if ruling is not None:
            return ruling
        source = self.source(day.year)
        if source is YearSource.PUBLISHED:
            return holidays.published_is_workday(day)
        if source is YearSource.OFFICIAL:
            return holidays.is_weekday(day)
        return holidays.provisional_is_workday(day)

    def add_workdays(self, start: date, n: int) -> Deadline:
        """The n-th working day after ``start`` (before it when n < 0); see the module docstring."""
        check_count(n)
        step = timedelta(days=1 if n > 0 else -1)
        day, remaining, provisional = start, abs(n), False
        while remaining:
            day += step
            provisional = provisional or self.source(day.year) is YearSource.PROVISIONAL
            if self.is_workday(day):
                remaining -= 1
        return Deadline(day, provisional)


def check_count(n: int) -> None:
    """Refuse a number of working days too large to be meant."""
    if abs(n) > MAX_WORKDAYS:
        raise invalid(
            f"工作日数不能超过 {MAX_WORKDAYS} 个（约二十年）。",
            [FieldProblem("n", f"须在 -{MAX_WORKDAYS} 到 {MAX_WORKDAYS} 之间")],
        )


def load_calendar(db: Session) -> WorkCalendar:
    """Read the overrides in force and the official years once, for any number of lookups."""
    rows = db.execute(
        select(WorkdayOverride.day, WorkdayOverride.is_workday).where(
            WorkdayOverride.voided_at.is_(None)
        )
    )
    official = db.scalars(select(WorkdayYear.year).where(WorkdayYear.official.is_(True)))
    return WorkCalendar(
        overrides={day: ruling for day, ruling in rows}, official_years=frozenset(official)
    )


def is_workday(db: Session, day: date) -> bool:
    """Whether ``day`` is a working day."""
    return load_calendar(db).is_workday(day)


def add_workdays(db: Session, start: date, n: int) -> Deadline:
    """The n-th working day after ``start`` and whether it is provisional (暂定)."""
    return load_calendar(db).add_workdays(start, n)


def overrides(db: Session, *, year: int, include_voided: bool = False) -> list[WorkdayOverride]:
    """The overrides of one year, by date."""
    stmt = (
        select(WorkdayOverride)
        .where(WorkdayOverride.day.between(date(year, 1, 1), date(year, 12, 31)))
        .order_by(WorkdayOverride.day, WorkdayOverride.id)
    )
    if not include_voided:
        stmt = stmt.where(WorkdayOverride.voided_at.is_(None))
    return list(db.scalars(stmt))


def _text(value: str, field: str, label: str, limit: int) -> str:
    value = value.strip()
    if not value:
        raise invalid(f"{label}不能为空。", [FieldProblem(field, "不能为空")])
    if len(value) > limit:
        raise invalid(f"{label}不能超过 {limit} 个字。", [FieldProblem(field, "过长")])
    return value


def _active_override(db: Session, day: date) -> WorkdayOverride | None:
    return db.scalar(
        select(WorkdayOverride).where(
            WorkdayOverride.day == day, WorkdayOverride.voided_at.is_(None)
        )
    )


def _void(row: WorkdayOverride, *, actor: Actor, reason: str) -> None:
    row.voided_at, row.voided_by, row.void_reason = utcnow(), actor.label, reason


def set_override(
    db: Session, *, actor: Actor, day: date, is_workday: bool, note: str
) -> WorkdayOverride:
    """Rule that ``day`` is (or is not) a working day; an earlier ruling for it is voided."""
    policy.ensure(db, actor, MANAGE)
    holidays.check_year(day.year)
    note = _text(note, "note", "说明", 200)
    current = _active_override(db, day)
    if current is not None and (current.is_workday, current.note) == (is_workday, note):
        return current
    if current is not None:
        _void(current, actor=actor, reason="由新的调整替代")
        db.flush()  # the partial unique index allows one ruling in force per date
    row = WorkdayOverride(day=day, is_workday=is_workday, note=note, created_by=actor.label)
    db.add(row)
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="calendar.override_set",
        object_type="workday_override",
        object_id=row.id,
        detail={
            "day": day,
            "is_workday": is_workday,
            "note": note,
            "replaces": current.id if current else None,
        },
    )
    return row


def void_override(db: Session, *, actor: Actor, override_id: int, reason: str) -> WorkdayOverride:
    """Withdraw an override (kept as history); the date falls back to the calendar beneath."""
    policy.ensure(db, actor, MANAGE)
    reason = _text(reason, "reason", "作废原因", 300)
    row = db.get(WorkdayOverride, override_id)
    if row is None:
        raise not_found("工作日历调整", override_id)
    if row.voided_at is not None:
        raise conflict(f"该调整（{row.day.isoformat()}）已经作废，无需重复操作。")
    _void(row, actor=actor, reason=reason)
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="calendar.override_void",
        object_type="workday_override",
        object_id=row.id,
        detail={"day": row.day, "is_workday": row.is_workday, "reason": reason},
    )
    return row


def _uncovered_statutory_days(db: Session, year: int) -> list[tuple[date, str]]:
    """Statutory holiday days on weekdays that no override in force makes a day off."""
    days_off = {row.day for row in overrides(db, year=year) if not row.is_workday}
    return [
        (day, name)
        for day, name in sorted(holidays.statutory_days(year).items())
        if holidays.is_weekday(day) and day not in days_off
    ]


def _check_can_mark(db: Session, year: int) -> WorkdayYear | None:
    holidays.check_year(year)
    if year in holidays.PUBLISHED_YEARS:
        raise conflict(f"{year} 年的官方安排已随系统发布，无需标记。")
    existing = db.get(WorkdayYear, year)
    if existing is not None and existing.official:
        raise conflict(
            f"{year} 年已于 {existing.entered_at:%Y-%m-%d} 由 {existing.entered_by} 标记为官方安排。"
        )
    missing = _uncovered_statutory_days(db, year)
    if missing:
        raise invalid(
            f"{year} 年还有法定节假日未录入为休息日，请先按国务院办公厅通知录入全部放假和调休安排。",
            [FieldProblem(day.isoformat(), f"{name}：未录入为休息日") for day, name in missing],
        )
    return existing


def mark_official(db: Session, *, actor: Actor, year: int) -> WorkdayYear:
    """Record that a year's official schedule has been entered: it is no longer provisional."""
    policy.ensure(db, actor, MANAGE)
    row = _check_can_mark(db, year)
    if row is None:
        row = WorkdayYear(year=year)
        db.add(row)
    row.official, row.entered_by, row.entered_at = True, actor.label, utcnow()
    db.flush()
    entered = overrides(db, year=year)
    audit.record(
        db,
        actor=actor,
        action="calendar.year_official",
        object_type="workday_year",
        object_id=year,
        detail={
            "days_off": sum(not r.is_workday for r in entered),
            "working_days": sum(r.is_workday for r in entered),
        },
    )
    return row


@dataclass(frozen=True)
class YearStatus:
    """One year of the calendar: its source, working-day count and departures from weekdays."""

    year: int
    source: YearSource
    entered_by: str | None
    entered_at: dt.datetime | None
    working_days: int
    weekdays_off: tuple[date, ...]
    weekend_workdays: tuple[date, ...]
    overrides: tuple[WorkdayOverride, ...]

    @property
    def provisional(self) -> bool:
        """Whether deadlines counted over this year are provisional."""
        return self.source is YearSource.PROVISIONAL


def calendar_status(db: Session, year: int) -> YearStatus:
    """The state of one year: where it comes from, who entered it, which days depart from weekdays."""
    calendar = load_calendar(db)
    source = calendar.source(year)
    days = [date(year, 1, 1) + timedelta(days=i) for i in range(366)]
    days = [day for day in days if day.year == year]
    working = {day for day in days if calendar.is_workday(day)}
    marked = db.get(WorkdayYear, year)
    return YearStatus(
        year=year,
        source=source,
        entered_by=marked.entered_by if marked else None,
        entered_at=marked.entered_at if marked else None,
        working_days=len(working),
        weekdays_off=tuple(d for d in days if holidays.is_weekday(d) and d not in working),
        weekend_workdays=tuple(d for d in days if not holidays.is_weekday(d) and d in working),
        overrides=tuple(overrides(db, year=year)),
    )
