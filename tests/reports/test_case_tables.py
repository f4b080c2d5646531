"""Attachments 3 and 4 from the cases: which cases they hold, every cell of a row, the file read
back, the page, the API and the command line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session
from stdnum.cn import uscc as uscc_check
from typer.testing import CliRunner

from fangfei.auth.roles import system_actor
from fangfei.cases import procedure, service
from fangfei.cases.models import Case
from fangfei.cases.schemas import CaseUpdate, PlaceIn, StepIn
from fangfei.cli import app as fangfei_app
from fangfei.db import unit_of_work
from fangfei.reference import service as reference
from fangfei.reports import case_tables, runs
from fangfei.runtime import open_runtime
from fangfei.security.crypto import FieldCipher
from tests.cases.helpers import open_case
from tests.cases.test_access import neighbour_office
from tests.county import County, build_county
from tests.leads.helpers import actor_of
from tests.web.test_pages import log_in

CUTOFF = date(2018, 12, 31)
USCC = "91110105MA01ABCD0" + uscc_check.calc_check_digit("91110105MA01ABCD0")


def cross_province_case(db: Session, county: County, cipher: FieldCipher) -> Case:
    """A case with a 协办地 and a 注册地 in another province, 20% refunded."""
    office = actor_of(county.users["office"])
    case = open_case(db, county, cipher, subject_uscc=USCC)
    for role, name in (("assisting", "外省甲市"), ("registration", "外省乙区")):
        service.add_place(db, actor=office, case_id=case.id,
                          data=PlaceIn(role=role, name=name, reach="province"))  # fmt: skip
    service.update(db, actor=office, case_id=case.id, data=CaseUpdate(
        refunded_yuan=Decimal("500000"), judicial_opinion="资金归集地在本县，建议本县管辖。"))  # fmt: skip
    return case


def _five_years(db: Session, county: County, cipher: FieldCipher, files: Path) -> Case:
    """A small case the police filed on 2018-06-01, before the campaign cut-off."""
    office = actor_of(county.users["office"])
    case = open_case(db, county, cipher, subject_name="西城某某养老服务中心",
                     amount_yuan=Decimal("800000"))  # fmt: skip
    for track, name, on, extra in (
        ("procedure", "accept", date(2018, 5, 2), {"investigation_mode": "special"}),
        ("criminal", "refer", date(2018, 5, 10), {}),
        ("criminal", "file", date(2018, 6, 1), {}),
    ):
        procedure.take_step(db, actor=office, case_id=case.id, track=track, step=name,
                            data=StepIn.model_validate({"on_date": on, **extra}), files_root=files)  # fmt: skip
    return case


def test_attachment_3_holds_the_cross_province_cases_with_every_cell(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    case = cross_province_case(db, county, cipher)
    open_case(db, county, cipher, subject_name="东城某某投资咨询有限公司")  # not cross-province
    office = actor_of(county.users["office"])
    cases = case_tables.a3_cases(db, actor=office, cutoff=CUTOFF)
    assert [c.number for c in cases] == [case.number]
    assert case_tables.rows(db, "a3", cases, CUTOFF) == [[
        1, "案件", "东城鑫盛财富管理有限公司涉嫌非法集资案", "2026年5月18日发现",
        "东城鑫盛财富管理有限公司", USCC, Decimal("250.00"), Decimal("0.0060"), "待受理",
        "20.00%", "测试县", "外省甲市", "外省乙区", "资金归集地在本县，建议本县管辖。", "无",
    ]]  # fmt: skip


def test_rates_and_units() -> None:
    case = Case(amount_yuan=Decimal("3000000"), refunded_yuan=Decimal("1000000"))
    assert case_tables.refund_rate(case) == "33.33%"
    assert case_tables.refund_rate(Case(amount_yuan=None)) == "不详"
    assert case_tables.refund_rate(Case(amount_yuan=Decimal("10"), refunded_yuan=None)) == "0.00%"
    assert case_tables.wan_people(12345) == Decimal("1.2345")
    assert case_tables.wan_yuan(Decimal("12345")) == Decimal("1.23")
    assert case_tables.wan_yuan(Decimal("12355")) == Decimal("1.24")


def test_attachment_4_holds_the_key_cases_of_the_lead_place_only(
    db: Session, county: County, cipher: FieldCipher, files: Path
) -> None:
    office = actor_of(county.users["office"])
    big = open_case(db, county, cipher, amount_yuan=Decimal("150000000"), people_count=2300)
    old = _five_years(db, county, cipher, files)
    open_case(db, county, cipher, subject_name="东城某某投资咨询有限公司")  # neither
    supervised = open_case(db, county, cipher, subject_name="南城某某商贸有限公司")
    service.update(db, actor=office, case_id=supervised.id,
                   data=CaseUpdate(supervised_nationally=True, stage_before_campaign="在侦"))  # fmt: skip
    neighbour = neighbour_office(db)
    service.add_place(db, actor=office, case_id=big.id,
                      data=PlaceIn(role="assisting", jurisdiction_id=neighbour.jurisdiction_id))  # fmt: skip

    cases = case_tables.a4_cases(db, actor=office, cutoff=CUTOFF)
    assert [c.id for c in cases] == [big.id, old.id, supervised.id]
    assert case_tables.rows(db, "a4", cases, CUTOFF) == [
        ["测试县", big.name, "未立案", Decimal("15000.00"), 2300, "", "待受理", "否", "是", "否", "否"],
        ["测试县", old.name, "2018年6月1日", Decimal("80.00"), 60, "", "立案侦查；刑事：立案",
         "否", "否", "是", "否"],
        ["测试县", supervised.name, "未立案", Decimal("250.00"), 60, "在侦", "待受理",
         "否", "否", "否", "是"],
    ]  # fmt: skip
    # The neighbour assists on the 亿元 case but does not lead it: Attachment 4 is the 主办地's.
    assert case_tables.a4_cases(db, actor=neighbour, cutoff=CUTOFF) == []


def test_the_city_of_the_lead_place(db: Session) -> None:
    actor = system_actor("test")
    city = reference.add_jurisdiction(db, actor=actor, code="C1", name="甲市", level="city")
    county = reference.add_jurisdiction(db, actor=actor, code="C11", name="乙县", level="county",
                                        parent_code="C1")  # fmt: skip
    town = reference.add_jurisdiction(db, actor=actor, code="C111", name="丙镇",
                                      level="township", parent_code="C11")  # fmt: skip
    assert [case_tables.city_of(db, j) for j in (town, county, city)] == ["甲市"] * 3


def test_the_files_read_back_in_the_official_layout(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    case = cross_province_case(db, county, cipher)
    office = actor_of(county.users["office"])
    content, name, _ = runs.generate(db, table="a3", period=None, actor=office, cutoff=CUTOFF,
                                       today=date(2026, 12, 7))  # fmt: skip
    assert name == "跨省（自治区、直辖市）非法集资案件（风险）办理情况登记统计表-2026-12-07.xlsx"
    sheet = load_workbook(BytesIO(content)).active
    assert sheet is not None
    assert sheet.title == "附件3"
    assert {str(r) for r in sheet.merged_cells.ranges} == {"A1:O1", "A2:O2"}
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.page_setup.orientation == "landscape"
    assert [c.value for c in sheet[3]] == list(case_tables.A3_COLUMNS)
    assert sheet["C4"].value == case.name
    assert (sheet["G4"].value, sheet["G4"].number_format) == (250, "0.00")
    assert (sheet["H4"].value, sheet["H4"].number_format) == (0.006, "0.0000")
    assert [sheet.cell(row, 1).value for row in range(6, 10)] == list(case_tables.A3_NOTES)

    service.update(db, actor=office, case_id=case.id,
                   data=CaseUpdate(amount_yuan=Decimal("120000000")))  # fmt: skip
    content, _, _ = runs.generate(
        db, table="a4", period=None, actor=office, cutoff=CUTOFF, today=date(2026, 12, 7)
    )
    sheet = load_workbook(BytesIO(content)).active
    assert sheet is not None
    assert {str(r) for r in sheet.merged_cells.ranges} == {"A1:K1"}
    assert sheet["A1"].value == case_tables.A4_TITLE
    assert [c.value for c in sheet[2]] == list(case_tables.A4_COLUMNS)
    assert [c.value for c in sheet[3]][:3] == ["测试县", case.name, "未立案"]
    assert sheet["A5"].value == case_tables.A4_SIGNATURE
    assert [sheet.cell(row, 1).value for row in range(6, 12)] == list(case_tables.a4_notes(CUTOFF))
    assert sheet["A10"].value == "5. 立案五年以上是指2018年12月31日前立案的案件。"


def test_the_page_the_api_and_who_may_see_them(
    client: TestClient, db: Session, county: County, cipher: FieldCipher
) -> None:
    case = cross_province_case(db, county, cipher)
    db.commit()
    token = log_in(client, "office")
    saved = client.post(f"/cases/{case.id}/update", follow_redirects=False, data={
        "csrf_token": token, "stage_before_campaign": "在侦", "stability_summary": "有群体上访苗头",
        "judicial_opinion": "资金归集地在本县，建议本县管辖。"})  # fmt: skip
    assert saved.status_code == 303
    db.refresh(case)
    assert (case.stage_before_campaign, case.stability_summary) == ("在侦", "有群体上访苗头")
    page = client.get("/reports")
    assert page.status_code == 200
    assert case.number in page.text and "外省甲市" in page.text and "20.00%" in page.text
    assert "有群体上访苗头" in page.text
    download = client.get("/reports/a3.xlsx")
    assert download.status_code == 200
    assert load_workbook(BytesIO(download.content)).active["C4"].value == case.name  # type: ignore[index]
    assert client.get("/reports/a5.xlsx").status_code == 422

    rows = client.get("/api/v1/reports/a3").json()
    assert rows["title"] == case_tables.A3_TITLE
    assert rows["rows"][0]["case_number"] == case.number
    assert rows["rows"][0]["values"][6:8] == ["250.00", "0.0060"]
    assert client.get("/api/v1/reports/a4/xlsx").status_code == 200

    log_in(client, "market")
    assert client.get("/reports").status_code == 403


def test_the_command_line(installed: Path) -> None:
    with unit_of_work(open_runtime().sessions) as db:
        county = build_county(db)
        office = actor_of(county.users["office"])
        case = open_case(db, county, FieldCipher(bytes(32)), amount_yuan=Decimal("200000000"))
        service.update(db, actor=office, case_id=case.id, data=CaseUpdate(leader_name="王某"))
    out = installed / "a4.xlsx"
    result = CliRunner().invoke(
        fangfei_app, ["report", "build", "--table", "a4", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "重点督办案件（亿元以上，五年以上）分布表" in result.output
    assert load_workbook(out).active["B3"].value == case.name  # type: ignore[index]

    refused = CliRunner().invoke(
        fangfei_app, ["report", "build", "--table", "a3", "--period", "2025", "--out", str(out)]
    )
    assert refused.exit_code != 0
    assert "附件 3、附件 4 填报案件的当前情况，不按期间统计" in refused.output
