"""The monthly risk monitoring report: the month's facts filled in, the prose left as prompts."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path
from zipfile import ZipFile

import docx
import pytest
from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fangfei.cli import app as fangfei_app
from fangfei.errors import FangfeiError
from fangfei.reports import docx_charts, monthly
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
    domains, trend = _charts(content)
    assert domains == (
        "本月新发现风险线索（按行业领域）",
        ["虚拟货币、区块链等", "民间投融资、P2P网贷等", "私募基金、证券期货等",
         "小额贷款、融资性担保等", "教育、养老等", "其他"],
        ["0", "0", "1", "0", "1", "0"],
    )  # fmt: skip
    assert trend == (
        "近 6 个月新发现风险线索",
        ["12月", "1月", "2月", "3月", "4月", "5月"],
        ["0", "0", "0", "0", "1", "2"],
    )


def _charts(content: bytes) -> list[tuple[str, list[str], list[str]]]:
    """Each chart of the document: its title, categories and cached values, in order."""
    ns = {"c": docx_charts.C, "a": docx_charts.A}
    found = []
    with ZipFile(BytesIO(content)) as package:
        charts = sorted(n for n in package.namelist() if n.startswith("word/charts/chart"))
        assert all(f"word/embeddings/Microsoft_Excel_Worksheet{i}.xlsx" in package.namelist()
                   for i in range(1, len(charts) + 1))  # fmt: skip
        for name in charts:
            root = etree.fromstring(package.read(name))
            title = "".join(root.xpath("//c:title//a:t/text()", namespaces=ns))
            categories = root.xpath("//c:cat//c:pt/c:v/text()", namespaces=ns)
            values = root.xpath("//c:val//c:pt/c:v/text()", namespaces=ns)
            found.append((title, categories, values))
    return found


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
