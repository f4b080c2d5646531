"""Working-day arithmetic across the 2025 holidays, provisional years, overrides and the API."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import chinese_calendar
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fangfei.audit import service as audit
from fangfei.auth import service as auth
from fangfei.auth.roles import system_actor
from fangfei.errors import FangfeiError
from fangfei.workdays import holidays, service
from fangfei.workdays.models import WorkdayOverride
from fangfei.workdays.service import Deadline, YearSource
from tests.api.test_api import bearer
from tests.county import County

ACTOR = system_actor("test")
# chinese-calendar 1.11 carries the State Council schedules of 2004-2026; 2027 is the first
# unpublished year (its notice comes out in November or December 2026).
UNPUBLISHED = 2027

# A made-up 2027 schedule in the usual shape, for the tests only: (date, is_workday, note).
SCHEDULE_2027: list[tuple[date, bool, str]] = [
    (date(2027, 1, 1), False, "元旦"),
    *[(date(2027, 2, d), False, "春节") for d in (5, 8, 9, 10, 11)],
    (date(2027, 2, 13), True, "春节调休上班"),
    (date(2027, 4, 5), False, "清明节"),
    *[(date(2027, 5, d), False, "劳动节") for d in (3, 4, 5)],
    (date(2027, 4, 25), True, "劳动节调休上班"),
    (date(2027, 6, 9), False, "端午节"),
    (date(2027, 9, 15), False, "中秋节"),
    *[(date(2027, 10, d), False, "国庆节") for d in (1, 4, 5, 6, 7)],
    (date(2027, 9, 26), True, "国庆节调休上班"),
    (date(2027, 10, 9), True, "国庆节调休上班"),
]


def enter_schedule(db: Session, schedule: list[tuple[date, bool, str]]) -> None:
    for day, is_workday, note in schedule:
        service.set_override(db, actor=ACTOR, day=day, is_workday=is_workday, note=note)


def d(text: str) -> date:
    return date.fromisoformat(text)


# (start, n, expected): all non-provisional, checked against the State Council notices of 2025
# (国庆 10-1..10-8 off, 9-28 Sun and 10-11 Sat worked; 春节 1-28..2-4 off, 1-26 Sun and 2-8 Sat worked).
PINNED_2025 = [
    ("2025-09-26", 1, "2025-09-28"),  # Friday → the adjusted working Sunday
    ("2025-09-27", 1, "2025-09-28"),
    ("2025-09-28", 1, "2025-09-29"),
    ("2025-09-30", 1, "2025-10-09"),  # over the whole National Day holiday
    ("2025-10-01", 1, "2025-10-09"),  # the start is never counted, even on a holiday
    ("2025-10-09", 2, "2025-10-11"),  # the adjusted working Saturday
    ("2025-10-10", 2, "2025-10-13"),
    ("2025-01-24", 1, "2025-01-26"),  # the adjusted working Sunday before Spring Festival
    ("2025-01-27", 1, "2025-02-05"),  # over 除夕 to 初七
    ("2025-02-07", 1, "2025-02-08"),  # the adjusted working Saturday after it
    # By hand: 9-16..19 (4), 22..26 (9), 28 Sun (10), 29, 30 (12), 10-9, 10 (14), 11 Sat (15),
    # 13..17 (20), 20..24 (25), 27..31 (30).
    ("2025-09-15", 30, "2025-10-31"),
    # By hand: 1-13..17 (5), 20..24 (10), 26 Sun (11), 27 (12), 2-5..7 (15), 8 Sat (16),
    # 10..14 (21), 17..21 (26), 24..27 (30).
    ("2025-01-10", 30, "2025-02-27"),
    ("2025-09-30", 0, "2025-09-30"),
    ("2025-10-09", -1, "2025-09-30"),  # negative n counts backwards
    ("2025-10-31", -30, "2025-09-15"),
    ("2025-02-05", -1, "2025-01-27"),
]


@pytest.mark.parametrize(("start", "n", "expected"), PINNED_2025)
def test_pinned_2025_arithmetic(db: Session, start: str, n: int, expected: str) -> None:
    assert service.add_workdays(db, d(start), n) == Deadline(d(expected), False)


def test_published_years_follow_chinese_calendar(db: Session) -> None:
    calendar = service.load_calendar(db)
    day = date(2025, 1, 1)
    while day.year < 2027:
        assert calendar.is_workday(day) is chinese_calendar.is_workday(day), day
        day += timedelta(days=1)
    assert service.is_workday(db, d("2025-09-28")) and not service.is_workday(db, d("2025-10-08"))
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(UNPUBLISHED, 1, 4))
    assert min(holidays.PUBLISHED_YEARS) == 2004 and max(holidays.PUBLISHED_YEARS) == 2026


@pytest.mark.parametrize("year", [2025, 2026])
def test_statutory_rule_matches_published_holidays(year: int) -> None:
    """The computed lunar and Qingming days fall inside the official holidays of those years."""
    statutory = holidays.statutory_days(year)
    assert len(statutory) == 13
    assert all(day in chinese_calendar.holidays for day in statutory)


def test_statutory_days_of_2027() -> None:
    assert holidays.statutory_days(UNPUBLISHED) == {
        d("2027-01-01"): "元旦",
        **{d(f"2027-02-0{i}"): "春节" for i in (5, 6, 7, 8)},  # 除夕 2-5, 初一 2-6
        d("2027-04-05"): "清明节",
        d("2027-05-01"): "劳动节",
        d("2027-05-02"): "劳动节",
        d("2027-06-09"): "端午节",
        d("2027-09-15"): "中秋节",
        **{d(f"2027-10-0{i}"): "国庆节" for i in (1, 2, 3)},
    }


PROVISIONAL_2027 = [
    ("2026-12-30", 1, "2026-12-31", False),
    ("2026-12-31", 1, "2027-01-04", True),  # 元旦 (Friday) and the weekend
    ("2027-02-04", 1, "2027-02-09", True),  # 除夕 Fri, 初一/初二 weekend, 初三 Monday
    ("2027-09-30", 1, "2027-10-04", True),  # 国庆 Oct 1 Friday, 2-3 the weekend
    ("2027-06-08", 1, "2027-06-10", True),  # 端午 Wednesday
    ("2027-09-14", 1, "2027-09-16", True),  # 中秋 Wednesday
    ("2027-04-02", 1, "2027-04-06", True),  # 清明 Monday
    ("2027-04-30", 1, "2027-05-03", True),  # 劳动节 falls on the weekend: nothing more off
    # 12-16..18 (3), 21..25 (8), 28..31 (12), 2027: 1-4..8 (17), 11..15 (22), 18..22 (27), 25..27
    ("2026-12-15", 30, "2027-01-27", True),
    ("2027-01-05", -2, "2026-12-31", True),  # 1-4, then over 元旦 to 12-31
]


@pytest.mark.parametrize(("start", "n", "expected", "provisional"), PROVISIONAL_2027)
def test_unpublished_year_is_provisional(
    db: Session, start: str, n: int, expected: str, provisional: bool
) -> None:
    assert service.add_workdays(db, d(start), n) == Deadline(d(expected), provisional)
    assert service.calendar_status(db, UNPUBLISHED).source is YearSource.PROVISIONAL


def test_entering_the_official_schedule_changes_the_deadline(db: Session) -> None:
    assert service.add_workdays(db, d("2027-09-30"), 1) == Deadline(d("2027-10-04"), True)
    enter_schedule(db, SCHEDULE_2027)
    # Overrides apply at once, but the year stays provisional until it is marked official.
    assert service.add_workdays(db, d("2027-09-30"), 1) == Deadline(d("2027-10-08"), True)
    service.mark_official(db, actor=ACTOR, year=UNPUBLISHED)
    assert service.add_workdays(db, d("2027-09-30"), 1) == Deadline(d("2027-10-08"), False)
    assert service.add_workdays(db, d("2027-02-04"), 1) == Deadline(d("2027-02-12"), False)
    assert service.add_workdays(db, d("2027-02-12"), 1) == Deadline(d("2027-02-13"), False)
    # Provisional-only rest days no longer apply: 10-2 and 10-3 are plain weekend days now.
    assert service.add_workdays(db, d("2027-09-24"), 1) == Deadline(d("2027-09-26"), False)
    status = service.calendar_status(db, UNPUBLISHED)
    assert (status.source, status.provisional, status.entered_by) == (
        YearSource.OFFICIAL,
        False,
        "test",
    )
    assert status.weekend_workdays == (
        d("2027-02-13"),
        d("2027-04-25"),
        d("2027-09-26"),
        d("2027-10-09"),
    )
    assert len(status.weekdays_off) == 17 and len(status.overrides) == len(SCHEDULE_2027)
    assert status.working_days == 261 - 17 + 4
    # Later years are still provisional.
    assert service.add_workdays(db, d("2027-12-31"), 1).provisional


def test_mark_official_requires_every_statutory_weekday_day(db: Session) -> None:
    enter_schedule(db, [row for row in SCHEDULE_2027 if row[2] != "国庆节"])
    with pytest.raises(FangfeiError, match="法定节假日未录入") as refused:
        service.mark_official(db, actor=ACTOR, year=UNPUBLISHED)
    assert [p.field for p in refused.value.problems] == ["2027-10-01"]
    with pytest.raises(FangfeiError, match="已随系统发布"):
        service.mark_official(db, actor=ACTOR, year=2025)
    enter_schedule(db, SCHEDULE_2027)
    service.mark_official(db, actor=ACTOR, year=UNPUBLISHED)
    with pytest.raises(FangfeiError, match=r"已于 .* 标记为官方安排"):
        service.mark_official(db, actor=ACTOR, year=UNPUBLISHED)
    assert audit.history(db, object_type="workday_year", object_id=UNPUBLISHED)[0].detail == {
        "days_off": 17,
        "working_days": 4,
    }


def test_override_beats_the_published_calendar_and_voiding_restores(db: Session) -> None:
    row = service.set_override(
        db, actor=ACTOR, day=d("2025-10-09"), is_workday=False, note="本地调整"
    )
    assert service.add_workdays(db, d("2025-09-30"), 1) == Deadline(d("2025-10-10"), False)
    on_holiday = service.set_override(
        db, actor=ACTOR, day=d("2025-10-08"), is_workday=True, note="值班"
    )
    assert service.add_workdays(db, d("2025-09-30"), 1) == Deadline(d("2025-10-08"), False)
    service.void_override(db, actor=ACTOR, override_id=on_holiday.id, reason="录入错误")
    service.void_override(db, actor=ACTOR, override_id=row.id, reason="录入错误")
    assert service.add_workdays(db, d("2025-09-30"), 1) == Deadline(d("2025-10-09"), False)
    db.refresh(row)
    assert (row.voided_by, row.void_reason) == ("test", "录入错误") and row.voided_at
    with pytest.raises(FangfeiError, match="已经作废"):
        service.void_override(db, actor=ACTOR, override_id=row.id, reason="again")
    with pytest.raises(FangfeiError, match="未找到工作日历调整"):
        service.void_override(db, actor=ACTOR, override_id=999_999, reason="x")
    actions = [
        e.action for e in audit.history(db, object_type="workday_override", object_id=row.id)
    ]
    assert actions == ["calendar.override_void", "calendar.override_set"]


def test_a_new_ruling_replaces_the_one_in_force(db: Session) -> None:
    first = service.set_override(db, actor=ACTOR, day=d("2027-10-08"), is_workday=False, note="a")
    same = service.set_override(db, actor=ACTOR, day=d("2027-10-08"), is_workday=False, note="a")
    assert same.id == first.id
    second = service.set_override(db, actor=ACTOR, day=d("2027-10-08"), is_workday=True, note="b")
    db.refresh(first)
    assert first.void_reason == "由新的调整替代" and second.voided_at is None
    assert [r.id for r in service.overrides(db, year=2027)] == [second.id]
    assert len(service.overrides(db, year=2027, include_voided=True)) == 2
    event_ = audit.history(db, object_type="workday_override", object_id=second.id)[0]
    assert event_.detail["replaces"] == first.id
    with pytest.raises(IntegrityError), db.begin_nested():
        db.add(WorkdayOverride(day=d("2027-10-08"), is_workday=False, note="c", created_by="x"))
        db.flush()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("admin", True),
        ("office", False),
        ("market", False),
        ("east", False),
        ("bank", False),
        ("leader", False),
    ],
)
def test_only_administrators_change_the_calendar(
    db: Session, county: County, who: str, allowed: bool
) -> None:
    actor = auth.actor_for(county.users[who])
    change = {"actor": actor, "day": d("2027-10-08"), "is_workday": False, "note": "x"}
    if allowed:
        row = service.set_override(db, **change)
        service.void_override(db, actor=actor, override_id=row.id, reason="y")
        return
    with pytest.raises(FangfeiError, match="维护基础数据") as refused:
        service.set_override(db, **change)
    assert refused.value.status == 403
    for attempt in (
        lambda: service.void_override(db, actor=actor, override_id=1, reason="y"),
        lambda: service.mark_official(db, actor=actor, year=UNPUBLISHED),
    ):
        with pytest.raises(FangfeiError, match="维护基础数据"):
            attempt()


def test_bad_input_is_refused(db: Session) -> None:
    with pytest.raises(FangfeiError, match="说明不能为空"):
        service.set_override(db, actor=ACTOR, day=d("2027-01-04"), is_workday=False, note=" ")
    with pytest.raises(FangfeiError, match="不能超过 5000"):
        service.add_workdays(db, d("2025-01-01"), 5001)
    with pytest.raises(FangfeiError, match="2099 年"):
        service.add_workdays(db, d("2099-12-30"), 5)


def test_thousands_of_deadlines_on_one_read(db: Session) -> None:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    connection = db.connection()
    event.listen(connection, "before_cursor_execute", count)
    try:
        calendar = service.load_calendar(db)
        deadlines = [calendar.add_workdays(date(2025, 1, 1) + timedelta(i), 30) for i in range(730)]
        service.add_workdays(db, d("2025-01-01"), 500)
    finally:
        event.remove(connection, "before_cursor_execute", count)
    assert len(statements) == 4
    assert sum(dl.provisional for dl in deadlines) > 0 and not deadlines[0].provisional


def test_api(client: TestClient, db: Session, county: County) -> None:
    office, admin = bearer(db, county, "office"), bearer(db, county, "admin")
    r = client.get(
        "/api/v1/calendar/add-workdays", params={"start": "2025-09-30", "n": 1}, headers=office
    )
    assert r.json() == {"date": "2025-10-09", "provisional": False}
    r = client.get(
        "/api/v1/calendar/add-workdays", params={"start": "2027-09-30", "n": 1}, headers=office
    )
    assert r.json() == {"date": "2027-10-04", "provisional": True}
    body = {"day": "2027-10-04", "is_workday": False, "note": "国庆节"}
    assert client.post("/api/v1/calendar/overrides", json=body, headers=office).status_code == 403
    r = client.post("/api/v1/calendar/overrides", json=body, headers=admin)
    assert r.status_code == 201 and r.json()["created_by"] == "admin"
    override_id = r.json()["id"]
    r = client.get("/api/v1/calendar/2027", headers=office).json()
    assert (r["source"], r["provisional"], r["overrides"][0]["id"]) == (
        "provisional",
        True,
        override_id,
    )
    r = client.post("/api/v1/calendar/2027/official", headers=admin)
    assert r.status_code == 422 and r.json()["code"] == "invalid"
    r = client.post(
        f"/api/v1/calendar/overrides/{override_id}/void", json={"reason": "测试"}, headers=admin
    )
    assert r.json()["void_reason"] == "测试"
    r = client.get(
        "/api/v1/calendar/add-workdays", params={"start": "2025-01-01", "n": 9999}, headers=office
    )
    assert r.status_code == 422
