"""本单位填报: each township and member department fills its part of Attachment 1 prefilled from
its records, reports figures otherwise only with a reason, submits; the lead office sees who is
missing, returns parts, and the county table carries the differences, cell by cell."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fangfei.activities import service as activities
from fangfei.activities.service import ActivityIn
from fangfei.audit.models import AuditEvent
from fangfei.cli import app as fangfei_app
from fangfei.db import unit_of_work
from fangfei.errors import FangfeiError
from fangfei.leads import handling
from fangfei.leads.schemas import AssignIn
from fangfei.reference import service as reference
from fangfei.reports import attachment1, parts, runs
from fangfei.reports.parts import ChangeIn
from fangfei.runtime import open_runtime
from fangfei.security.crypto import FieldCipher
from tests.api.test_api import bearer
from tests.county import County, build_county
from tests.leads.helpers import actor_of, make_lead
from tests.web.test_pages import log_in

PERIOD = "2026H2"
FOUND = attachment1.LEAVES.index(("风险线索", "发现数量（件）", None))
OFFLINE = attachment1.LEAVES.index(("宣传教育", "线下宣传活动（场次）", None))
FINE = attachment1.LEAVES.index(("行政处置", "罚款（万元）", None))


@pytest.fixture
def records(db: Session, county: County, cipher: FieldCipher) -> None:
    """Two leads in 东城镇 (one assigned to 市场监管局), one in 西城镇, and publicity by 东城镇
    and by 市场监管局 in the county seat."""
    office = actor_of(county.users["office"])
    market = reference.department_by_code(db, "market_regulation")
    given = make_lead(db, county, cipher, discovered_on=date(2026, 8, 3))
    handling.assign(db, actor=office, lead_id=given.id, data=AssignIn(department_id=market.id),
                    workdays_allowed=15)  # fmt: skip
    make_lead(db, county, cipher, discovered_on=date(2026, 9, 1), subject_name="东城某某养老中心")
    make_lead(db, county, cipher, discovered_on=date(2026, 9, 2), jurisdiction_id=county.west.id)
    make_lead(db, county, cipher, discovered_on=date(2026, 3, 2))  # the first half: not counted
    activities.record(db, actor=actor_of(county.users["east"]), data=ActivityIn(
        kind="publicity", on_date=date(2026, 7, 10), title="东城镇进村宣传", offline_events=3),
        today=date(2026, 12, 1))  # fmt: skip
    activities.record(db, actor=actor_of(county.users["market"]), data=ActivityIn(
        kind="publicity", on_date=date(2026, 7, 20), title="市场监管局宣传", offline_events=1),
        today=date(2026, 12, 1))  # fmt: skip


def test_every_place_below_and_every_member_department_owes_its_part(
    db: Session, county: County, records: None
) -> None:
    found = parts.overview(db, actor=actor_of(county.users["office"]), period=PERIOD)
    names = [view.unit.name for view in found]
    assert names[:2] == ["东城镇", "西城镇"]
    departments = [d.name for d in reference.departments(db) if not d.is_lead_office]
    assert names[2:] == departments
    assert {view.status for view in found} == {"missing"}
    assert parts.missing(db, county.county, PERIOD) == names


def test_a_part_is_prefilled_with_the_records_of_its_unit(
    db: Session, county: County, records: None
) -> None:
    east = parts.mine(db, actor=actor_of(county.users["east"]), period=PERIOD)
    assert (east.unit.name, east.unit.kind_label) == ("东城镇", "乡镇（街道）")
    assert (east.counted[FOUND], east.counted[OFFLINE]) == (2, 3)
    market = parts.mine(db, actor=actor_of(county.users["market"]), period=PERIOD)
    assert (market.unit.name, market.unit.kind_label) == ("县市场监管局", "成员单位")
    # its assigned lead (in 东城镇) and its own publicity, not the other leads of the county
    assert (market.counted[FOUND], market.counted[OFFLINE]) == (1, 1)
    assert market.status == "missing" and market.editable


def test_a_figure_reported_otherwise_needs_a_reason_and_a_valid_value(
    db: Session, county: County, records: None
) -> None:
    east = actor_of(county.users["east"])
    with pytest.raises(FangfeiError) as caught:
        parts.save(db, actor=east, period=PERIOD, changes=[
            ChangeIn(column=OFFLINE, reported="5"),
            ChangeIn(column=FOUND, reported="2.5", reason="x"),
            ChangeIn(column=FINE, reported="1.234", reason="x"),
            ChangeIn(column=99, reported="1", reason="x"),
            ChangeIn(column=FOUND, reported="-1", reason="x"),
            ChangeIn(column=OFFLINE + 1, reported="-1", reason="x"),
            ChangeIn(column=OFFLINE + 2, reported="很多", reason="x"),
        ])  # fmt: skip
    assert [(p.field, p.reason) for p in caught.value.problems] == [
        (f"r{OFFLINE}", "宣传教育 / 线下宣传活动（场次）：填报 5 与记录统计 3 不同，须写明原因"),
        (f"c{FOUND}", "风险线索 / 发现数量（件）：“2.5”须为整数"),
        (f"c{FINE}", "行政处置 / 罚款（万元）：“1.234”万元，最多两位小数"),
        ("c99", "附件 1 没有这一栏"),
        (f"c{FOUND}", "风险线索 / 发现数量（件）：重复填写"),
        (f"c{OFFLINE + 1}", "宣传教育 / 线上宣传点击量（次）：“-1”须为不小于 0 的数"),
        (f"c{OFFLINE + 2}", "宣传教育 / 宣传覆盖人数（人次）：“很多”须为数字"),
    ]
    assert db.scalar(select(parts.ReportPart)) is None


def test_submitted_changes_reach_the_county_table_and_the_cell_lists_them(
    db: Session, county: County, records: None
) -> None:
    east = actor_of(county.users["east"])
    office = actor_of(county.users["office"])
    before = attachment1.build(db, actor=office, period=PERIOD)
    saved = parts.save(db, actor=east, period=PERIOD, changes=[
        ChangeIn(column=OFFLINE, reported="5", reason="两场村级宣传未录入系统"),
        ChangeIn(column=FOUND, reported="2", reason="与统计相同，不算调整"),
    ])  # fmt: skip
    assert saved.part is not None and saved.part.changes == {
        str(OFFLINE): {"reported": "5", "reason": "两场村级宣传未录入系统"}
    }
    assert saved.reported[OFFLINE] == 5 and saved.status == "draft"
    draft_table = attachment1.build(db, actor=office, period=PERIOD)
    assert draft_table.rows == before.rows  # a draft does not count
    submitted = parts.submit(db, actor=east, period=PERIOD)
    assert submitted.status == "submitted" and not submitted.editable
    table = attachment1.build(db, actor=office, period=PERIOD)
    rows = dict(table.rows)
    assert rows["东城镇"][OFFLINE] == 5 and table.total[OFFLINE] == 6
    cell = attachment1.cell_records(db, table, 1, OFFLINE)
    assert [(c["kind"], c["label"], c["value"]) for c in cell] == [
        ("activity", "2026-07-10 东城镇进村宣传", 3),
        ("part", "东城镇填报调整", Decimal(2)),
    ]
    assert parts.missing(db, county.county, PERIOD)[0] == "西城镇"
    actions = db.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.object_type == "report_part")
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["report.part_save", "report.part_submit"]


def test_a_money_change_is_added_in_yuan(db: Session, county: County, records: None) -> None:
    market = actor_of(county.users["market"])
    parts.save(db, actor=market, period=PERIOD, changes=[
        ChangeIn(column=FINE, reported="1.50", reason="罚款决定书未录入")])  # fmt: skip
    parts.submit(db, actor=market, period=PERIOD)
    table = attachment1.build(db, actor=actor_of(county.users["office"]), period=PERIOD)
    assert dict(table.rows)["测试县（本级）"][FINE] == Decimal("1.50")
    cell = attachment1.cell_records(db, table, 0, FINE)
    assert [(c["label"], c["value"]) for c in cell] == [("县市场监管局填报调整", "15,000.00 元")]


def test_records_changed_after_submission_show_and_the_part_can_be_returned(
    db: Session, county: County, cipher: FieldCipher, records: None
) -> None:
    east, office = actor_of(county.users["east"]), actor_of(county.users["office"])
    parts.submit(db, actor=east, period=PERIOD)
    with pytest.raises(FangfeiError, match="已提交"):
        parts.save(db, actor=east, period=PERIOD, changes=[])
    make_lead(db, county, cipher, discovered_on=date(2026, 10, 1), subject_name="东城后来的线索")
    view = next(
        v for v in parts.overview(db, actor=office, period=PERIOD) if v.unit.name == "东城镇"
    )
    assert view.changed_since == [FOUND] and view.part is not None
    with pytest.raises(FangfeiError, match="写明原因"):
        parts.return_part(db, actor=office, part_id=view.part.id, reason=" ")
    with pytest.raises(FangfeiError, match="审核、退回各单位填报"):
        parts.return_part(db, actor=east, part_id=view.part.id, reason="请核对")
    returned = parts.return_part(
        db, actor=office, part_id=view.part.id, reason="发现数有变化，请核对"
    )
    assert returned.status == "returned" and returned.editable
    again = parts.submit(db, actor=east, period=PERIOD)
    assert again.status == "submitted" and again.changed_since == []


def test_a_unit_sees_only_its_own_part(db: Session, county: County, records: None) -> None:
    east = parts.submit(db, actor=actor_of(county.users["east"]), period=PERIOD)
    assert east.part is not None
    with pytest.raises(FangfeiError, match="其他单位"):
        parts.detail(db, actor=actor_of(county.users["west"]), part_id=east.part.id)
    seen = parts.detail(db, actor=actor_of(county.users["office"]), part_id=east.part.id)
    assert seen.unit.name == "东城镇"
    with pytest.raises(FangfeiError, match="最上级"):
        parts.mine(db, actor=actor_of(county.users["office"]), period=PERIOD)
    with pytest.raises(FangfeiError, match="填报本单位报表"):
        parts.mine(db, actor=actor_of(county.users["bank"]), period=PERIOD)


def test_a_signed_county_table_freezes_the_parts(
    db: Session, county: County, records: None, files: Path
) -> None:
    office, east = actor_of(county.users["office"]), actor_of(county.users["east"])
    run = runs.save(db, actor=office, files_root=files, table="a1", period=PERIOD,
                    cutoff=date(2026, 12, 31), today=date(2026, 12, 7))  # fmt: skip
    runs.sign(db, actor=actor_of(county.users["leader"]), run_id=run.id)
    with pytest.raises(FangfeiError, match="已签发"):
        parts.submit(db, actor=east, period=PERIOD)
    assert not parts.mine(db, actor=east, period=PERIOD).editable


def test_the_pages_fill_submit_review_and_return_a_part(
    client: TestClient, db: Session, county: County, records: None
) -> None:
    db.commit()
    token = log_in(client, "east")
    page = BeautifulSoup(client.get(f"/reports/parts?period={PERIOD}").text, "html.parser")
    assert page.select_one("[data-testid=part-status]").get_text() == "未填报"
    assert page.select_one(f"input[name=c{OFFLINE}]")["value"] == "3"
    form = {"csrf_token": token, "period": PERIOD, f"c{OFFLINE}": "5", "action": "submit"}
    refused = client.post("/reports/parts/mine", data=form)
    assert refused.status_code == 422 and "须写明原因" in refused.text
    assert 'value="5"' in refused.text  # what was typed stays in the form
    form[f"r{OFFLINE}"] = "两场村级宣传未录入系统"
    done = client.post("/reports/parts/mine", data=form, follow_redirects=False)
    assert done.status_code == 303
    shown = BeautifulSoup(client.get(done.headers["location"]).text, "html.parser")
    assert shown.select_one("[data-testid=part-status]").get_text() == "已提交"
    assert shown.select_one("[data-testid=part-form]") is None  # read-only now

    token = log_in(client, "office")
    listing = BeautifulSoup(client.get(f"/reports/parts?period={PERIOD}").text, "html.parser")
    east_row = listing.select_one("[data-testid=parts] tr[data-unit=东城镇]")
    assert east_row is not None and "已提交" in east_row.get_text()
    assert listing.select_one("[data-testid=parts-summary]").get_text().startswith("已提交 1 / ")
    part_id = int(east_row.select_one("a")["href"].rsplit("/", 1)[1])
    returned = client.post(f"/reports/parts/{part_id}/return", follow_redirects=False,
                           data={"csrf_token": token, "reason": "请附活动照片"})  # fmt: skip
    assert returned.status_code == 303
    token = log_in(client, "east")
    again = BeautifulSoup(client.get("/reports/parts/mine?period=2026H2").text, "html.parser")
    assert again.select_one("[data-testid=return-reason]").get_text().endswith("请附活动照片")
    assert again.select_one(f"input[name=r{OFFLINE}]")["value"] == "两场村级宣传未录入系统"
    log_in(client, "west")
    assert client.get(f"/reports/parts/{part_id}").status_code == 403


def test_the_api_saves_submits_and_lists_the_parts(
    client: TestClient, db: Session, county: County, records: None
) -> None:
    headers = bearer(db, county, "market")
    mine = client.get(f"/api/v1/reports/a1/parts/mine?period={PERIOD}", headers=headers).json()
    assert (mine["unit"], mine["status"], mine["columns"][FOUND]["counted"]) == (
        "县市场监管局", "missing", 1,
    )  # fmt: skip
    body = {"changes": [{"column": FINE, "reported": "1.5", "reason": "罚款决定书未录入"}]}
    saved = client.put(f"/api/v1/reports/a1/parts/mine?period={PERIOD}", json=body,
                       headers=headers)  # fmt: skip
    assert saved.status_code == 200, saved.text
    assert saved.json()["columns"][FINE] == {
        "column": FINE, "name": "行政处置 / 罚款（万元）", "counted": "0.00",
        "reported": "1.50", "reason": "罚款决定书未录入",
    }  # fmt: skip
    bad = client.put(f"/api/v1/reports/a1/parts/mine?period={PERIOD}", headers=headers,
                     json={"changes": [{"column": FINE, "reported": "x", "reason": "r"}]})  # fmt: skip
    assert bad.status_code == 422
    assert bad.json()["problems"] == [
        {"field": f"c{FINE}", "reason": "行政处置 / 罚款（万元）：“x”须为数字", "row": None}
    ]
    submitted = client.post(f"/api/v1/reports/a1/parts/mine/submit?period={PERIOD}",
                            headers=headers)  # fmt: skip
    assert submitted.json()["status"] == "submitted"
    listing = f"/api/v1/reports/a1/parts?period={PERIOD}"
    assert client.get(listing, headers=headers).status_code == 403
    office = bearer(db, county, "office")
    listed = client.get(listing, headers=office).json()
    market = next(p for p in listed if p["unit"] == "县市场监管局")
    assert market["status_label"] == "已提交" and market["submitted_by"] == "market"
    a1 = client.get(f"/api/v1/reports/a1?period={PERIOD}", headers=office).json()
    assert a1["rows"][0]["values"][FINE] == "1.50"


def test_the_command_line_lists_the_parts_and_builds_a_table_as_one_unit(installed: Path) -> None:
    with unit_of_work(open_runtime().sessions) as db:
        county = build_county(db)
        cipher = FieldCipher(os.urandom(32))
        make_lead(db, county, cipher, discovered_on=date(2026, 8, 3))
        make_lead(
            db, county, cipher, discovered_on=date(2026, 8, 4), jurisdiction_id=county.west.id
        )
        market = actor_of(county.users["market"])
        parts.save(db, actor=market, period=PERIOD, changes=[
            ChangeIn(column=OFFLINE, reported="2", reason="两场宣传未录入")])  # fmt: skip
        parts.submit(db, actor=market, period=PERIOD)

    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(fangfei_app, ["report", *args])
        return result.exit_code, result.output

    code, listed = run("parts", "--period", PERIOD)
    assert code == 0, listed
    lines = listed.strip().splitlines()
    assert lines[0] == "东城镇  乡镇（街道）  未填报"
    assert any(line.startswith("县市场监管局  成员单位  已提交  2026-") and
               line.endswith("调整 1 项") for line in lines)  # fmt: skip
    assert lines[-1] == f"{PERIOD}：已提交 1 / {len(lines) - 1} 个单位"

    out = installed / "west.xlsx"
    code, built = run("build", "--table", "a1", "--period", PERIOD, "--unit", "西城镇",
                      "--out", str(out))  # fmt: skip
    assert code == 0, built
    sheet = load_workbook(out).active
    assert sheet is not None
    assert [sheet.cell(r, 1).value for r in (6, 7)] == ["西城镇（本级）", "合计"]
    assert sheet.cell(6, 2 + FOUND).value == 1
    code, built = run("build", "--table", "a1", "--period", PERIOD, "--unit", "县市场监管局",
                      "--out", str(out))  # fmt: skip
    assert code == 0 and "县市场监管局本单位填报" in built
    sheet = load_workbook(out).active
    assert sheet is not None
    assert (sheet.cell(6, 1).value, sheet.cell(6, 2 + OFFLINE).value) == ("县市场监管局", 2)
    code, refused = run("build", "--table", "a3", "--unit", "县市场监管局", "--out", str(out))
    assert code == 2 and "成员单位只填报附件 1" in refused
    code, refused = run("build", "--table", "a1", "--period", PERIOD, "--unit", "北城镇",
                        "--out", str(out))  # fmt: skip
    assert code == 2 and "没有名为“北城镇”的辖区或成员单位" in refused
