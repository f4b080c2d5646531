"""Case deadlines in Chinese working days: the disposal report, rectification orders, the
monthly national update; provisional in a year whose schedule is not yet published."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from fangfei.auth.roles import system_actor
from fangfei.cases import deadlines, measures, procedure, service
from fangfei.cases.models import Case
from fangfei.cases.schemas import CaseFilter, MeasureIn, StepIn
from fangfei.clock import local_today
from fangfei.security.crypto import FieldCipher
from fangfei.workdays import holidays
from fangfei.workdays import service as workdays
from tests.cases.helpers import open_case
from tests.county import County
from tests.leads.helpers import actor_of


def _end_disposal(db: Session, files: Path, county: County, case: Case, on: date) -> None:
    office = actor_of(county.users["office"])
    for name, data in (("accept", {"investigation_mode": "special"}), ("end_disposal", {})):
        procedure.take_step(db, actor=office, case_id=case.id, track="procedure", step=name,
                            data=StepIn.model_validate({"on_date": on, **data}), today=on,
                            files_root=files)  # fmt: skip


def _rectify(db: Session, county: County, case: Case, on: date, n: int) -> None:
    office = actor_of(county.users["office"])
    measures.record_measure(db, actor=office, case_id=case.id, data=MeasureIn(
        kind="rectification_order", taken_on=on, target="东城鑫盛", rectify_workdays=n))  # fmt: skip


def _due(db: Session, case: Case, today: date) -> list[tuple[str, date, bool]]:
    found = deadlines.for_cases(db, [case], today)[case.id]
    return [(d.kind, d.due, d.provisional) for d in found]


def test_report_and_rectification_across_national_day(
    db: Session, county: County, cipher: FieldCipher, files: Path
) -> None:
    case = open_case(db, county, cipher)
    # National Day 2025: 1-8 October off; Sunday 28 September and Saturday 11 October worked.
    _rectify(db, county, case, date(2025, 9, 26), 10)
    _end_disposal(db, files, county, case, date(2025, 9, 26))
    assert _due(db, case, date(2025, 10, 20)) == [
        ("rectification", date(2025, 10, 16), False),
        ("national_update", date(2025, 10, 28), False),
        ("report", date(2025, 11, 13), False),
    ]


def test_rectification_across_the_spring_festival(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    case = open_case(db, county, cipher)
    # Spring Festival 2026: 15-23 February off; Saturdays 14 and 28 February worked.
    _rectify(db, county, case, date(2026, 2, 13), 3)
    assert _due(db, case, date(2026, 2, 10))[0] == ("rectification", date(2026, 2, 25), False)


def test_unpublished_year_is_provisional_until_the_schedule_is_entered(
    db: Session, county: County, cipher: FieldCipher, files: Path
) -> None:
    case = open_case(db, county, cipher)
    _end_disposal(db, files, county, case, date(2026, 12, 21))
    before = _due(db, case, date(2026, 12, 22))
    # 2027 is provisional: New Year's Day off, no adjusted working days yet.
    assert ("report", date(2027, 2, 2), True) in before
    admin = system_actor("admin")
    workdays.set_override(db, actor=admin, day=date(2027, 1, 4), is_workday=False, note="元旦调休")
    for day, name in holidays.statutory_days(2027).items():
        if day.weekday() < 5:
            workdays.set_override(db, actor=admin, day=day, is_workday=False, note=name)
    workdays.mark_official(db, actor=admin, year=2027)
    assert ("report", date(2027, 2, 3), False) in _due(db, case, date(2026, 12, 22))


def test_monthly_update_and_the_overdue_list(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    case = open_case(db, county, cipher, amount_yuan=Decimal("1000"))
    office = actor_of(county.users["office"])
    today = local_today()
    assert [d.kind for d in deadlines.due_soon(db, actor=office, today=today, days=400)] == [
        "national_update"
    ]
    _rectify(db, county, case, date(2025, 9, 1), 5)
    assert deadlines.overdue_case_ids(db, actor=office, today=today) == {case.id}
    page = service.list_for(db, actor=office, filters=CaseFilter(overdue=True),
                            cutoff=date(2018, 12, 31),
                            overdue_ids=deadlines.overdue_case_ids(db, actor=office, today=today))  # fmt: skip
    assert [c.id for c in page.items] == [case.id]
    measures.record_national_update(db, actor=office, case_id=case.id, on_date=today)
    monthly = [d for d in deadlines.due_soon(db, actor=office, today=today, days=400)
               if d.kind == "national_update"]  # fmt: skip
    assert monthly[0].due > today.replace(day=28)
