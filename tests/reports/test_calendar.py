"""The reporting calendar: due dates from the reference data, submitted when a run is signed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fangfei.auth.roles import Actor
from fangfei.cli import app as fangfei_app
from fangfei.reports import calendar, parts, runs
from tests.county import County
from tests.leads.helpers import actor_of
from tests.web.test_pages import log_in

TODAY = date(2026, 12, 7)


def _state(d: calendar.Due) -> str:
    return "submitted" if d.submitted else "overdue" if d.overdue(TODAY) else "due"


def test_what_is_due_and_what_is_late(db: Session, county: County, files: Path) -> None:
    office = actor_of(county.users["office"])
    run = runs.save(db, actor=office, files_root=files, table="a1", period="2026H1",
                    cutoff=date(2018, 12, 31), today=TODAY)  # fmt: skip
    runs.save(db, actor=office, files_root=files, table="a2", period="2026H1",
              cutoff=date(2018, 12, 31), today=TODAY)  # kept but never signed  # fmt: skip
    runs.sign(db, actor=office, run_id=run.id)
    found = calendar.due_items(db, actor=office, today=TODAY)
    tracked = [(d.code, d.due.isoformat(), d.period, _state(d)) for d in found if d.table]
    assert tracked == [
        ("a1", "2025-12-27", "2025H2", "overdue"),
        ("a2", "2025-12-27", "2025H2", "overdue"),
        ("a6", "2025-12-31", "2025Q4", "overdue"),
        ("a6", "2026-03-31", "2026Q1", "overdue"),
        ("a2", "2026-06-30", "2026H1", "overdue"),
        ("a6", "2026-06-30", "2026Q2", "overdue"),
        ("a6", "2026-09-30", "2026Q3", "overdue"),
        ("a1", "2026-12-27", "2026H2", "due"),
        ("a2", "2026-12-27", "2026H2", "due"),
        ("a6", "2026-12-31", "2026Q4", "due"),
    ]
    reminders = [(d.code, d.due.isoformat()) for d in found if not d.table]
    assert reminders == [
        ("monthly_risk_report", "2026-12-08"),
        ("national_update", "2026-12-28"),
        ("joint_meeting", "2026-12-31"),
    ]  # fmt: skip  — 2027-01-08 is past the 31 days looked ahead
    a2 = next(d for d in found if d.code == "a2")
    assert a2.alternative == "06-30、12-15"


def test_the_command_line_prints_the_calendar(installed: Path) -> None:
    result = CliRunner().invoke(fangfei_app, ["report", "calendar", "--days", "40"])
    assert result.exit_code == 0, result.output
    assert "附件1 打击非法集资专项行动工作情况统计表" in result.output
    assert result.output.strip().splitlines()[-1].startswith("共 ")


def test_the_dashboard_shows_the_calendar_to_those_who_report(
    client: TestClient, db: Session, county: County
) -> None:
    db.commit()
    log_in(client, "office")
    shown = BeautifulSoup(client.get("/").text, "html.parser").find(
        attrs={"data-testid": "reporting-calendar"}
    )
    assert shown is not None and "附件1 打击非法集资专项行动工作情况统计表" in shown.get_text()
    assert shown.find(attrs={"data-testid": "missing-parts"}) is not None
    log_in(client, "market")
    own = BeautifulSoup(client.get("/").text, "html.parser").find(
        attrs={"data-testid": "reporting-calendar"}
    )
    assert (
        own is not None
        and "附件1 打击非法集资专项行动工作情况统计表（本单位填报）" in own.get_text()
    )
    assert "附件2" not in own.get_text()
    log_in(client, "bank")
    assert 'data-testid="reporting-calendar"' not in client.get("/").text


def test_the_lead_office_sees_who_has_not_submitted_and_units_see_their_own_part(
    db: Session, county: County
) -> None:
    office, east = actor_of(county.users["office"]), actor_of(county.users["east"])
    parts.submit(db, actor=east, period="2026H2")

    def a1(actor: Actor) -> calendar.Due:
        found = calendar.due_items(db, actor=actor, today=TODAY)
        return next(d for d in found if d.code == "a1" and d.period == "2026H2")

    county_due = a1(office)
    assert county_due.missing[0] == "西城镇" and "东城镇" not in county_due.missing
    assert county_due.missing_text.startswith("西城镇、县政府办、")
    assert county_due.missing_text.endswith(f"等 {len(county_due.missing)} 个单位未提交本单位填报")
    assert a1(east).submitted and a1(east).name.endswith("（本单位填报）")
    west = calendar.due_items(db, actor=actor_of(county.users["west"]), today=TODAY)
    assert [(d.code, d.period, _state(d)) for d in west] == [
        ("a1", "2025H2", "overdue"), ("a1", "2026H1", "overdue"), ("a1", "2026H2", "due")
    ]  # fmt: skip
