"""The monthly risk monitoring report: the month's facts filled in, the prose left as prompts."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path

import docx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fangfei.cli import app as fangfei_app
from fangfei.errors import FangfeiError
from fangfei.reports import monthly
from fangfei.security.crypto import FieldCipher
from tests.county import County
from tests.leads.helpers import actor_of, make_lead
from tests.web.test_pages import log_in


def test_the_report_holds_the_months_facts(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    make_lead(db, county, cipher)  # 2026-05-18, 证券期货 domain, 12345 hotline, 250 万元, 60 人
    make_lead(db, county, cipher, subject_name="西城某某养老服务中心", domain="d5_other_sectors",
              amount_yuan="100000", people_count=5)  # fmt: skip
    make_lead(db, county, cipher, subject_name="去年的线索", discovered_on=date(2026, 4, 30))
    office = actor_of(county.users["office"])
    content = monthly.document(db, actor=office, month="2026-05", today=date(2026, 6, 3))
    text = [p.text for p in docx.Document(BytesIO(content)).paragraphs]
    assert text[0] == "测试县2026年5月非法集资风险监测情况报告"
    assert [t for t in text if t in monthly.SECTIONS] == list(monthly.SECTIONS)
    assert "本月新发现风险线索 2 条，涉及金额 260.00 万元、涉及人数 65 人。" in text
    assert any(t.startswith("按线索来源：群众举报 2 条") for t in text)
    assert "本月未登记处置措施和宣传、调研活动。" in text
    assert "（提示）在办线索 3 条，其中超过核查期限 0 条；" in text
    assert text[-1] == "2026年6月3日"
    table = docx.Document(BytesIO(content)).tables[0]
    assert [c.text for c in table.rows[1].cells] == ["风险线索 / 发现数量（件）", "2"]
    with pytest.raises(FangfeiError, match="月份格式有误"):
        monthly.document(db, actor=office, month="2026", today=date(2026, 6, 3))


def test_the_page_and_the_command_line(
    client: TestClient, db: Session, county: County, installed: Path
) -> None:
    db.commit()
    log_in(client, "office")
    got = client.get("/reports/monthly.docx", params={"month": "2026-11"})
    assert got.status_code == 200 and got.content[:2] == b"PK"
    out = installed / "monthly.docx"
    result = CliRunner().invoke(
        fangfei_app, ["report", "monthly", "--month", "2026-11", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert docx.Document(str(out)).paragraphs[1].text == "一、金融风险监测情况"
