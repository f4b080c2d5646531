"""报送日历 — what falls due when, from the reference data ``report_deadline``, and what is late.

A due date linked to a table (Attachments 1, 2 and 6) counts as submitted when a signed run of
that table exists for the period the date falls in (2026H1, 2026Q3 …) in the actor's
jurisdiction; such a date that has passed without one is overdue. Dates not linked to a table
(the national-system update, the monthly risk report, the joint meeting) are shown when they
come up, since nothing here records them yet. Beside Attachment 1's dates the lead office sees
which townships and member departments have not yet submitted their part; those units see the
dates of their own part, met when it is submitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.auth import policy
from fangfei.auth.roles import Actor
from fangfei.reference import service as reference
from fangfei.reports import attachment1, parts
from fangfei.reports.models import ReportPart, ReportRun

LOOK_BACK = timedelta(days=366)
SHOWN_UNITS = 5


@dataclass(frozen=True)
class Due:
    """One due date of one reporting duty, and whether it has been met."""

    code: str
    name: str
    due: date
    table: str | None
    period: str | None
    submitted: bool
    alternative: str | None  # the source's other due dates, when it gives two
    missing: tuple[str, ...] = ()  # the units whose part of the table is not yet submitted

    @property
    def missing_text(self) -> str:
        """The units still missing, in words (the first few named)."""
        if not self.missing:
            return ""
        named = "、".join(self.missing[:SHOWN_UNITS])
        more = f"等 {len(self.missing)} 个单位" if len(self.missing) > SHOWN_UNITS else ""
        return f"{named}{more}未提交本单位填报"

    def overdue(self, today: date) -> bool:
        """A tracked duty whose date has passed without a signed run."""
        return self.table is not None and not self.submitted and self.due < today


def _period(every: str, day: date) -> str | None:
    if every == "half_year":
        return f"{day.year}H{1 if day.month <= 6 else 2}"
    if every == "quarter":
        return f"{day.year}Q{(day.month - 1) // 3 + 1}"
    return None


def _dates(extra: dict[str, Any], first: date, last: date) -> list[date]:
    found = []
    for year in range(first.year, last.year + 1):
        if "day" in extra:
            found += [date(year, month, int(extra["day"])) for month in range(1, 13)]
        for text in extra.get("dates", []):
            month, day = (int(part) for part in str(text).split("-"))
            found.append(date(year, month, day))
    return sorted(d for d in found if first <= d <= last)


def _signed(db: Session, actor: Actor) -> set[tuple[str, str | None]]:
    stmt = select(ReportRun.table, ReportRun.period).where(
        ReportRun.signed_at.is_not(None),
        policy.within_jurisdiction(actor, ReportRun.jurisdiction_id),
    )
    return {(table, period) for table, period in db.execute(stmt)}


def _own_parts(db: Session, actor: Actor) -> set[tuple[str, str | None]]:
    unit = parts.own_unit(db, actor)
    stmt = select(ReportPart.table, ReportPart.period).where(
        ReportPart.unit_key == unit.key, ReportPart.status == "submitted"
    )
    return {(table, period) for table, period in db.execute(stmt)}


def due_items(db: Session, *, actor: Actor, today: date, days: int = 31) -> list[Due]:
    """Overdue tracked duties of the last year and every duty due in the next ``days`` days.

    For the lead office, with the units that have not submitted their part of Attachment 1;
    for a township or member department, the due dates of its own part alone."""
    unit_only = not policy.can(actor, "ledger.view")
    if unit_only:
        done, parent = _own_parts(db, actor), None
    else:
        done = _signed(db, actor)
        top = attachment1.units(db, actor)
        parent = top[0].jurisdiction if top else None
    found = []
    for item in reference.items(db, "report_deadline", active_only=True):
        extra, table = item.extra, item.extra.get("table")
        if unit_only and table != parts.TABLE:
            continue
        name = f"{item.name}（本单位填报）" if unit_only else item.name
        alternative = "、".join(extra.get("alternative", [])) or None
        for day in _dates(extra, today - LOOK_BACK, today + timedelta(days=days)):
            period = _period(str(extra.get("every", "")), day)
            submitted = (table, period) in done
            waiting: tuple[str, ...] = ()
            if parent is not None and table == parts.TABLE and period and not submitted:
                waiting = tuple(parts.missing(db, parent, period))
            due = Due(item.code, name, day, table, period, submitted, alternative, waiting)
            if day >= today or due.overdue(today):
                found.append(due)
    return sorted(found, key=lambda d: (d.due, d.code))
