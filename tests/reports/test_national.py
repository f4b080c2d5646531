"""The monthly national-system update: the month's measures and the criminal progress, read back."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fangfei.cases import measures, procedure
from fangfei.cases.schemas import MeasureIn, StepIn
from fangfei.cli import app as fangfei_app
from fangfei.errors import FangfeiError
from fangfei.reports import national
from fangfei.security.crypto import FieldCipher
from tests.cases.helpers import open_case
from tests.county import County
from tests.leads.helpers import actor_of
from tests.web.test_pages import log_in


def _case(db: Session, county: County, cipher: FieldCipher, files: Path) -> str:
    office = actor_of(county.users["office"])
    case = open_case(db, county, cipher)  # discovered 2026-05-18
    for kind, on in (("warning_interview", date(2026, 8, 20)), ("risk_notice", date(2026, 9, 3))):
        measures.record_measure(db, actor=office, case_id=case.id, data=MeasureIn(
            kind=kind, target="东城鑫盛", taken_on=on, document_no="示处非〔2026〕9号"))  # fmt: skip
    for track, step, on in (("procedure", "accept", date(2026, 6, 1)), ("criminal", "refer", date(2026, 9, 10)),
                            ("criminal", "file", date(2026, 9, 20))):  # fmt: skip
        procedure.take_step(db, actor=office, case_id=case.id, track=track, step=step,
                            data=StepIn(on_date=on, investigation_mode="special" if step == "accept" else None),
                            files_root=files)  # fmt: skip
    return case.number


def test_the_month_lists_its_measures_and_the_criminal_progress(
    db: Session, county: County, cipher: FieldCipher, files: Path
) -> None:
    number = _case(db, county, cipher, files)
    office = actor_of(county.users["office"])
    content, measure_count, criminal = national.workbook(db, actor=office, month="2026-09")
    assert (measure_count, criminal) == (1, 1)
    book = load_workbook(BytesIO(content))
    admin, crime = book["行政处置"], book["刑事打击"]
    assert admin["A1"].value == "全国处置非法集资协同联动系统月度更新表（2026-09）· 行政处置"
    assert [c.value for c in admin[4]][:8] == [1, number, "东城鑫盛财富管理有限公司涉嫌非法集资案", "存量", "风险提示",
                                              "2026-09-03", "示处非〔2026〕9号", "东城鑫盛"]  # fmt: skip
    assert admin["A5"].value is None
    assert [c.value for c in crime[4]][4:7] == [
        "立案",
        "2026-09-20",
        "09-10 移送公安；09-20 公安立案",
    ]
    _, measure_count, _ = national.workbook(db, actor=office, month="2026-05")
    assert measure_count == 0
    assert (
        load_workbook(BytesIO(national.workbook(db, actor=office, month="2026-05")[0]))["刑事打击"][
            "D4"
        ].value
        == "新发"
    )
    assert national.cases_of(db, actor=office, first=date(2026, 4, 1), last=date(2026, 4, 30)) == []
    with pytest.raises(FangfeiError, match="月份格式有误"):
        national.workbook(db, actor=office, month="2026-13")
    with pytest.raises(FangfeiError):
        national.workbook(db, actor=actor_of(county.users["market"]), month="2026-09")


def test_the_page_and_the_command_line(
    client: TestClient, db: Session, county: County, installed: Path
) -> None:
    db.commit()
    log_in(client, "office")
    assert 'data-testid="report-national"' in client.get("/reports").text
    download = client.get("/reports/national.xlsx", params={"month": "2026-09"})
    assert download.status_code == 200 and download.content[:2] == b"PK"
    assert (
        client.get("/api/v1/reports/national/xlsx", params={"month": "2026-9"}).status_code == 422
    )
    out = installed / "national.xlsx"
    result = CliRunner().invoke(
        fangfei_app, ["report", "national", "--month", "2026-09", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "行政处置措施 0 项，刑事案件 0 件" in result.output
    assert load_workbook(out).sheetnames == ["行政处置", "刑事打击"]
