"""Deadlines of cases, computed on read from the working-day calendar (never stored).

- 处置报告: within 30 Chinese working days after the end of disposal ([003]:1421).
- 责令整改: the working days the order gave, from the day it was issued, until it is complied with.
- 全国系统更新: every open case is updated in the national collaboration system by the 28th.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.auth import policy
from fangfei.auth.roles import Actor
from fangfei.cases.models import Case, CaseEvent, CaseMeasure
from fangfei.cases.workflow import FINAL_STAGES
from fangfei.workdays import service as workdays
from fangfei.workdays.service import WorkCalendar

REPORT_WORKDAYS = 30
NATIONAL_UPDATE_DAY = 28
KIND_LABELS = {
    "report": "报送处置报告",
    "rectification": "整改期满",
    "national_update": "全国系统月度更新",
}


@dataclass(frozen=True)
class CaseDeadline:
    """One deadline of a case; ``provisional`` when the calendar it was counted on is 暂定."""

    case: Case
    kind: str
    what: str
    due: date
    provisional: bool

    def overdue(self, today: date) -> bool:
        """Past its date and still open."""
        return self.due < today

    @property
    def label(self) -> str:
        """The kind in words."""
        return KIND_LABELS[self.kind]


def _national_update_due(case: Case, updated: set[tuple[int, int]], today: date) -> date:
    """The 28th of this month; of next month once this month's update is recorded, or when the
    case was opened after this month's 28th."""
    this_month = today.replace(day=NATIONAL_UPDATE_DAY)
    opened = case.created_at.date()
    opened_late = (opened.year, opened.month) == (today.year, today.month) and opened > this_month
    if (today.year, today.month) not in updated and not opened_late:
        return this_month
    return (this_month.replace(day=1) + timedelta(days=32)).replace(day=NATIONAL_UPDATE_DAY)


def of_case(
    calendar: WorkCalendar,
    case: Case,
    measures: Iterable[CaseMeasure],
    updated_months: set[tuple[int, int]],
    today: date,
) -> list[CaseDeadline]:
    """The open deadlines of one case, earliest first."""
    found: list[CaseDeadline] = []
    if case.stage in FINAL_STAGES:
        return found
    if case.stage == "reporting" and case.disposal_ended_on is not None:
        due = calendar.add_workdays(case.disposal_ended_on, REPORT_WORKDAYS)
        found.append(CaseDeadline(case, "report", "处置结束后 30 个工作日内报送处置报告", *due))
    for m in measures:
        if m.kind == "rectification_order" and m.rectify_workdays and m.rectified_on is None:
            due = calendar.add_workdays(m.taken_on, m.rectify_workdays)
            what = f"{m.target}：{m.rectify_workdays} 个工作日内整改"
            found.append(CaseDeadline(case, "rectification", what, *due))
    monthly = _national_update_due(case, updated_months, today)
    found.append(CaseDeadline(case, "national_update", "每月 28 日前更新全国系统", monthly, False))
    return sorted(found, key=lambda d: d.due)


def for_cases(db: Session, cases: list[Case], today: date) -> dict[int, list[CaseDeadline]]:
    """The deadlines of many cases on one read of the calendar, measures and update notes."""
    ids = [c.id for c in cases]
    calendar = workdays.load_calendar(db)
    measures: dict[int, list[CaseMeasure]] = {i: [] for i in ids}
    rows = db.scalars(
        select(CaseMeasure).where(CaseMeasure.case_id.in_(ids), CaseMeasure.voided_at.is_(None))
    )
    for m in rows:
        measures[m.case_id].append(m)
    updated: dict[int, set[tuple[int, int]]] = {i: set() for i in ids}
    notes = db.execute(
        select(CaseEvent.case_id, CaseEvent.on_date).where(
            CaseEvent.case_id.in_(ids), CaseEvent.action == "national_update"
        )
    )
    for case_id, on in notes:
        updated[case_id].add((on.year, on.month))
    return {c.id: of_case(calendar, c, measures[c.id], updated[c.id], today) for c in cases}


def due_soon(
    db: Session, *, actor: Actor, today: date, days: int = 7, mine: bool = False
) -> list[CaseDeadline]:
    """Deadlines overdue or due within ``days`` in the actor's cases (``mine``: as officer)."""
    stmt = policy.scoped(select(Case), actor, "case.view").where(Case.stage.not_in(FINAL_STAGES))
    if mine:
        stmt = stmt.where(Case.officer_user_id == actor.user_id)
    cases = list(db.scalars(stmt))
    horizon = today + timedelta(days=days)
    found = [d for ds in for_cases(db, cases, today).values() for d in ds if d.due <= horizon]
    return sorted(found, key=lambda d: (d.due, d.case.number))


def overdue_case_ids(db: Session, *, actor: Actor, today: date) -> set[int]:
    """The cases in scope with at least one overdue deadline."""
    return {d.case.id for d in due_soon(db, actor=actor, today=today, days=0) if d.overdue(today)}
