"""Attachment 1 counted from the records: leads, measures, the criminal path, refunds, activities,
unit by unit with the total, bounded by the period; and its Excel file read back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fangfei.activities import service as activities
from fangfei.activities.service import ActivityIn
from fangfei.cases import measures, procedure
from fangfei.cases.schemas import MeasureIn, StepIn
from fangfei.cli import app as fangfei_app
from fangfei.errors import FangfeiError
from fangfei.refunds import pool, register, rounds
from fangfei.refunds.pool import ReceiptIn
from fangfei.reports import attachment1
from fangfei.security.crypto import FieldCipher
from tests.county import County
from tests.leads.helpers import actor_of, make_lead
from tests.refunds.helpers import imported, refund_case, second_officer
from tests.web.test_pages import log_in


def _column(name: str, sub: str | None = None) -> int:
    return next(
        i for i, (_, column, s) in enumerate(attachment1.LEAVES) if column == name and s == sub
    )


@pytest.fixture
def counted(
    db: Session, county: County, cipher: FieldCipher, tmp_path: Path, files: Path
) -> attachment1.Table:
    """A county year: leads in both towns, a criminal case with measures and a refund round,
    activities in 东城镇 and at county level, and records outside 2026 that must not count."""
    office = actor_of(county.users["office"])
    make_lead(db, county, cipher, discovered_on=date(2025, 12, 31))  # the year before
    make_lead(
        db, county, cipher, jurisdiction_id=county.west.id, subject_name="西城某某养老服务中心"
    )
    case = refund_case(db, county, cipher)  # its lead: 东城镇, 2026-05-18
    case.unpaid_amount_yuan = None
    for kind, extra in (("warning_interview", {"people_reduced": 12}),
                        ("fine", {"fine_yuan": Decimal("200000")}),
                        ("warning", {})):  # fmt: skip
        measures.record_measure(db, actor=office, case_id=case.id, data=MeasureIn(
            kind=kind, target="东城鑫盛", taken_on=date(2026, 9, 1), **extra))  # fmt: skip
    wrong = measures.record_measure(db, actor=office, case_id=case.id, data=MeasureIn(
        kind="fine", target="东城鑫盛", taken_on=date(2026, 9, 2), fine_yuan=Decimal("999")))  # fmt: skip
    measures.void_measure(db, actor=office, case_id=case.id, measure_id=wrong.id, reason="录错")
    steps = (("procedure", "accept", StepIn(on_date=date(2026, 6, 1), investigation_mode="special")),
             ("criminal", "refer", StepIn(on_date=date(2026, 9, 10))),
             ("criminal", "file", StepIn(on_date=date(2026, 9, 20))),
             ("criminal", "investigate", StepIn(on_date=date(2026, 10, 8), arrests=3)))  # fmt: skip
    for track, step, data in steps:
        procedure.take_step(db, actor=office, case_id=case.id, track=track, step=step, data=data,
                            files_root=files)  # fmt: skip
    imported(db, county, cipher, case, tmp_path)
    register.change_status(db, actor=office, case_id=case.id, action="verify", numbers=None)
    pool.add_receipt(db, actor=office, case_id=case.id, data=ReceiptIn(
        received_on=date(2026, 11, 1), source="frozen", amount_yuan="50000", document_no="冻结"))  # fmt: skip
    draft = rounds.draft(db, actor=office, case_id=case.id, amount_yuan="30000")
    rounds.approve(db, actor=second_officer(db, county), round_id=draft.id)
    township = actor_of(county.users["east"])
    activities.record(db, actor=township, data=ActivityIn(
        kind="publicity", on_date=date(2026, 6, 15), title="防非宣传进社区", offline_events=2,
        online_clicks=1500, reach_people=300))  # fmt: skip
    activities.record(db, actor=office, data=ActivityIn(
        kind="guidance", on_date=date(2026, 7, 1), title="省处非办调研", provincial_visits=2,
        issues_found=3))  # fmt: skip
    activities.record(db, actor=office, data=ActivityIn(
        kind="publicity", on_date=date(2025, 6, 1), title="去年的宣传", offline_events=9))  # fmt: skip
    return attachment1.build(db, actor=office, period="2026")


def test_each_unit_counts_its_own_records_in_the_period(counted: attachment1.Table) -> None:
    rows = dict(counted.rows)
    assert list(rows) == ["测试县（本级）", "东城镇", "西城镇"]
    county, east, west = rows["测试县（本级）"], rows["东城镇"], rows["西城镇"]
    assert (east[_column("发现数量（件）")], west[_column("发现数量（件）")]) == (1, 1)
    assert county[_column("发现数量（件）")] == 0
    assert county[_column("警示约谈（人次）")] == 1
    assert county[_column("处罚（件）")] == 2  # the fine and the warning; the voided fine is not
    assert county[_column("罚款（万元）")] == Decimal("20.00")
    assert county[_column("压降人数（人）")] == 12
    assert county[_column("立案（件）")] == 1  # accepted for administrative disposal first
    assert county[_column("移送公安（件）")] == 1
    assert county[_column("立案数量", "合计（件）")] == 1
    assert county[_column("立案数量", "其中：跨省案件立案数量（件）")] == 0
    assert county[_column("抓捕（人次）")] == 3
    assert county[_column("未兑付金额（万元）")] == Decimal("6.85")  # 68,499.50 yuan still owed
    assert county[_column("未兑付人数（人）")] == 3
    assert county[_column("资金清退金额（万元）")] == Decimal("3.00")
    assert county[_column("省级赴地市或县区（人次）")] == 2
    assert county[_column("现场研判问题（个）")] == 3
    assert (
        east[_column("线下宣传活动（场次）")] == 2 and county[_column("线下宣传活动（场次）")] == 0
    )
    assert east[_column("线上宣传点击量（次）")] == 1500
    assert counted.total[_column("发现数量（件）")] == 2
    assert counted.total[_column("罚款（万元）")] == Decimal("20.00")


def test_the_workbook_has_three_header_rows_the_units_the_total_and_the_notes(
    counted: attachment1.Table,
) -> None:
    sheet = load_workbook(BytesIO(attachment1.workbook(counted))).active
    assert sheet is not None
    assert sheet["A1"].value == "打击非法集资专项行动工作情况统计表（2026-01-01 至 2026-12-31）"
    assert sheet["A2"].value.startswith("填报单位：（加盖单位公章）")
    assert [sheet.cell(3, c).value for c in (1, 2, 4, 13, 23, 26, 29)] == [
        "填报单位", "风险线索", "行政处置", "刑事打击", "调研指导", "宣传教育", "备注"]  # fmt: skip
    assert (sheet.cell(4, 13).value, sheet.cell(5, 13).value, sheet.cell(5, 14).value) == (
        "立案数量", "合计（件）", "其中：跨省案件立案数量（件）")  # fmt: skip
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"B3:C3", "D3:L3", "M3:V3", "M4:N4", "B4:B5", "A3:A5", "AC3:AC5"} <= merged
    assert [sheet.cell(r, 1).value for r in (6, 7, 8, 9)] == [
        "测试县（本级）",
        "东城镇",
        "西城镇",
        "合计",
    ]
    assert sheet.cell(9, 2).value == 2 and sheet.cell(6, 8).value == 20
    assert sheet.cell(11, 1).value == attachment1.NOTES[0]
    assert sheet.print_title_rows == "$3:$5"


def test_a_period_in_a_wrong_form_is_refused(db: Session, county: County) -> None:
    with pytest.raises(FangfeiError, match="期间格式有误"):
        attachment1.build(db, actor=actor_of(county.users["office"]), period="2026年")
    with pytest.raises(FangfeiError):
        attachment1.build(db, actor=actor_of(county.users["market"]), period="2026")


def test_the_page_the_api_and_the_command_line(
    client: TestClient, db: Session, county: County, cipher: FieldCipher, installed: Path
) -> None:
    make_lead(db, county, cipher, discovered_on=date(2026, 3, 1))
    db.commit()
    log_in(client, "office")
    page = client.get("/reports", params={"period": "2026H1"}).text
    table = BeautifulSoup(page, "html.parser").find(attrs={"data-testid": "a1-table"})
    assert table is not None
    cells = [td.get_text() for td in table.find_all("tr")[2].find_all("td")]
    assert cells[:2] == ["东城镇", "1"]
    assert "期间格式有误" in client.get("/reports", params={"period": "上半年"}).text
    download = client.get("/reports/a1.xlsx", params={"period": "2026H1"})
    assert download.headers["content-disposition"].endswith(
        "filename*=UTF-8''" + quote("打击非法集资专项行动工作情况统计表-2026H1.xlsx")
    )
    link = table.find_all("tr")[2].find("a")
    assert link is not None and str(link["href"]).startswith(
        "/reports/a1/cell?period=2026H1&unit=1&column=0"
    )
    cell = client.get(str(link["href"])).text
    assert (
        "东城鑫盛财富管理有限公司" in cell and "附件 1 · 东城镇 · 风险线索 / 发现数量（件）" in cell
    )
    api_cell = client.get(
        "/api/v1/reports/a1/cell", params={"period": "2026H1", "unit": 1, "column": 0}
    )
    assert [r["kind"] for r in api_cell.json()["records"]] == ["lead"]
    api = client.get("/api/v1/reports/a1", params={"period": "2026H1"}).json()
    assert api["rows"][1] == {
        "unit": "东城镇",
        "values": [1] + [0] * 5 + ["0.00"] + [0] * 7 + ["0.00", 0, 0, 0, "0.00", "0.00"] + [0] * 7,
    }
    assert api["columns"][11] == "刑事打击 / 立案数量 / 合计（件）"

    refused = CliRunner().invoke(
        fangfei_app, ["report", "build", "--table", "a1", "--out", "x.xlsx"]
    )
    assert refused.exit_code == 2 and "请用 --period 指定，如 2026H1" in refused.output
    out = installed / "a1.xlsx"
    built = CliRunner().invoke(
        fangfei_app, ["report", "build", "--table", "a1", "--period", "2026", "--out", str(out)]
    )
    assert built.exit_code == 0, built.output
    assert "打击非法集资专项行动工作情况统计表" in built.output
    assert load_workbook(out).active["A6"].value is not None  # type: ignore[index]


def test_every_cell_lists_the_records_counted_in_it(
    db: Session, counted: attachment1.Table
) -> None:
    total = len(counted.rows)
    leads = attachment1.cell_records(db, counted, total, _column("发现数量（件）"))
    assert [(r["kind"], r["value"]) for r in leads] == [("lead", 1), ("lead", 1)]
    assert all(r["href"] == f"/leads/{r['id']}" for r in leads)
    fines = attachment1.cell_records(db, counted, 0, _column("罚款（万元）"))
    assert [(r["kind"], r["value"]) for r in fines] == [("case", "200,000.00 元")]
    assert fines[0]["label"].startswith("AJ")
    clicks = attachment1.cell_records(db, counted, 1, _column("线上宣传点击量（次）"))
    assert [(r["label"], r["value"]) for r in clicks] == [("2026-06-15 防非宣传进社区", 1500)]
    assert attachment1.cell_records(db, counted, 2, _column("罚款（万元）")) == []
    assert attachment1.cell_title(counted, total, _column("立案数量", "合计（件）")) == (
        "合计 · 刑事打击 / 立案数量 / 合计（件）"
    )
    with pytest.raises(FangfeiError):
        attachment1.cell_records(db, counted, total + 1, 0)
