"""The ledgers of Attachments 2 and 6: which leads a period holds, and the Excel files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from fangfei.leads import handling, ledger
from fangfei.leads.schemas import AssignIn, JudgeIn
from fangfei.reference import service as reference
from fangfei.reports import sheets
from fangfei.security.crypto import FieldCipher
from tests.county import County
from tests.leads.helpers import INFORMANT, actor_of, make_lead
from tests.web.test_pages import log_in


def _judged(db: Session, county: County, cipher: FieldCipher) -> int:
    office = actor_of(county.users["office"])
    lead = make_lead(db, county, cipher, informant=INFORMANT, discovered_on=date(2026, 5, 18))
    market = reference.department_by_code(db, "market_regulation")
    handling.assign(db, actor=office, lead_id=lead.id, data=AssignIn(department_id=market.id),
                    workdays_allowed=15)  # fmt: skip
    handling.claim(db, actor=office, lead_id=lead.id)
    handling.judge(db, actor=office, lead_id=lead.id, data=JudgeIn(
        findings="以保本理财名义吸收资金", verified_true=True, is_illegal_fundraising=True,
        meets_standard_conditions=False, regulator="local_finance", regulator_state="planned",
        disposal_path="administrative"))  # fmt: skip
    return lead.id


def test_a_period_holds_its_own_leads_and_earlier_ones_not_yet_filed(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    office = actor_of(county.users["office"])
    inside = make_lead(db, county, cipher, subject_name="期内", discovered_on=date(2026, 5, 2))
    open_before = make_lead(
        db, county, cipher, subject_name="期前未立案", discovered_on=date(2025, 12, 1)
    )
    filed_before = make_lead(
        db, county, cipher, subject_name="期前已立案", discovered_on=date(2025, 11, 1)
    )
    filed_before.filed_on = date(2026, 1, 10)
    make_lead(db, county, cipher, subject_name="期后", discovered_on=date(2026, 7, 1))
    db.flush()
    names = {
        lead.subject_name
        for lead in ledger.ledger_leads(db, actor=office, layout="a2", period="2026Q2")
    }
    assert names == {inside.subject_name, open_before.subject_name}
    a6 = {
        lead.subject_name
        for lead in ledger.ledger_leads(db, actor=office, layout="a6", period="2026Q2")
    }
    assert a6 == {"期内", "期前未立案", "期前已立案"}  # all three still open in the quarter


def test_the_attachment_2_file_has_the_official_layout_and_no_informant(
    client: TestClient, county: County, db: Session, cipher: FieldCipher
) -> None:
    _judged(db, county, cipher)
    db.commit()
    log_in(client, "office")
    response = client.get("/ledger/export.xlsx?layout=a2&period=2026Q2")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "风险线索排查处置情况统计表"
    assert rows[1][0] == sheets.HEADER_BLOCK
    assert rows[2] == ledger.A2_COLUMNS
    assert rows[3][0] == "（1）虚拟货币、区块链、互联网金融、支付、征信等领域涉非风险"
    assert (
        rows[5][0]
        == "（3）私募基金、证券期货、股权众筹、“伪私募”、“金交所”、“产登公司”“拍卖公司”等领域涉非风险"
    )
    assert rows[6] == (
        1, "东城鑫盛财富管理有限公司",
        "私募基金、证券期货、股权众筹、“伪私募”、“金交所”、“产登公司”“拍卖公司”等领域",
        "群众举报", "2026年5月", "否", "地方金融管理部门（拟提交）", "是", "行政", None, None,
        250, 60, None, None, None,
    )  # fmt: skip
    assert [r[0] for r in rows[7:11]] == [
        "（4）小额贷款、融资性担保、典当、融资租赁、商业保理等领域涉非风险",
        "（5）教育、养老、涉农、商贸服务等其他领域涉非风险",
        "（6）其他",
        None,
    ]
    assert rows[11][0] == ledger.A2_NOTES[0]
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.page_setup.orientation == "landscape"
    text = " ".join(str(v) for row in rows for v in row if v is not None)
    for secret in ("王秀英", "11010519491231002X", "13812345678"):
        assert secret not in text


def test_amounts_are_in_ten_thousands_of_yuan_with_two_decimals() -> None:
    assert ledger._wan(Decimal("2500000.00")) == Decimal("250.00")
    assert ledger._wan(Decimal("12345")) == Decimal("1.23")
    assert ledger._wan(None) is None


def test_the_ledger_page_and_file_are_for_the_office_and_leaders(
    client: TestClient, county: County, db: Session, cipher: FieldCipher
) -> None:
    lead_id = _judged(db, county, cipher)
    db.commit()
    log_in(client, "leader")
    page = client.get("/ledger?layout=a6")
    assert page.status_code == 200
    assert "以保本理财名义吸收资金" in page.text and "王秀英" not in page.text
    assert f'<a href="/leads/{lead_id}" title="打开这条线索">1</a>' in page.text  # each row's lead
    a6 = load_workbook(BytesIO(client.get("/ledger/export.xlsx?layout=a6").content)).active
    assert a6 is not None
    assert list(a6.iter_rows(min_row=3, values_only=True)) == [
        ledger.A6_COLUMNS,
        (1, "东城鑫盛财富管理有限公司",
         "私募基金、证券期货、股权众筹、“伪私募”、“金交所”、“产登公司”“拍卖公司”等领域",
         "以保本理财名义吸收资金", "已研判，行政处置", None),
    ]  # fmt: skip
    log_in(client, "market")
    assert client.get("/ledger").status_code == 403
    assert client.get("/ledger/export.xlsx").status_code == 403


def test_the_ledger_page_goes_page_by_page_and_keeps_numbering(
    client: TestClient,
    county: County,
    db: Session,
    cipher: FieldCipher,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fangfei.leads import ledger_pages

    monkeypatch.setattr(ledger_pages, "PER_PAGE", 1)
    make_lead(db, county, cipher, subject_name="第一家", discovered_on=date(2026, 5, 1))
    make_lead(db, county, cipher, subject_name="第二家", discovered_on=date(2026, 5, 2))
    db.commit()
    log_in(client, "office")
    first = client.get("/ledger?layout=a6").text
    assert "第一家" in first and "第二家" not in first and 'data-testid="ledger-next"' in first
    second = client.get("/ledger?layout=a6&page=2").text
    assert (
        'title="打开这条线索">2</a></td><td>第二家</td>' in second
        and 'data-testid="ledger-next"' not in second
    )
