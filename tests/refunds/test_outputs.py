"""The bank payment file of a round and a participant's statement, read back from the files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from fangfei.errors import FangfeiError
from fangfei.refunds import outputs, pool, register, rounds
from fangfei.refunds.pool import ReceiptIn, RegisterSettings
from fangfei.security.crypto import FieldCipher
from tests.county import County
from tests.leads.helpers import actor_of
from tests.refunds.helpers import id_number, imported, refund_case, second_officer


def test_the_payment_file_lists_each_transfer_with_masked_ids_and_the_exact_total(
    db: Session, county: County, cipher: FieldCipher, tmp_path: Path
) -> None:
    case = refund_case(db, county, cipher)
    imported(db, county, cipher, case, tmp_path)
    office, checker = actor_of(county.users["office"]), second_officer(db, county)
    register.change_status(db, actor=office, case_id=case.id, action="verify", numbers=None)
    pool.add_receipt(db, actor=office, case_id=case.id, data=ReceiptIn(
        received_on=date(2025, 6, 1), source="frozen", amount_yuan="50000", document_no="冻结划转 1 号"
    ))  # fmt: skip
    pool.update_register(db, actor=office, case_id=case.id, data=RegisterSettings(
        held_back_claim_yuan="10000", held_back_reason="处置方案第五条"
    ))  # fmt: skip
    draft = rounds.draft(db, actor=office, case_id=case.id, amount_yuan="30000")
    with pytest.raises(FangfeiError, match="第 1 轮待审批：只有已审批的批次才能生成付款文件"):
        outputs.payment_file(db, case, draft)
    rounds.approve(db, actor=checker, round_id=draft.id)
    sheet = load_workbook(BytesIO(outputs.payment_file(db, case, draft))).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == f"{case.name}集资参与人第 1 轮清退资金发放明细表"
    assert values[1][0].startswith(f"案件编号：{case.number}    批次：第 1 轮（按比例清退）")
    assert values[2] == outputs.PAYMENT_COLUMNS
    masked = id_number(1)[:6] + "********" + id_number(1)[-4:]
    assert values[3] == (1, 1, "张三", masked, "县农商银行", "6230" + id_number(1)[-8:], 8294.97)
    assert [r[2] for r in values[3:6]] == ["张三", "李四", "赵六"]
    assert values[6][0] == "合计" and Decimal(str(values[6][6])) == Decimal("27235.01")
    assert values[8][0] == "说明：金额单位为元，精确到分；身份证号码已脱敏，完整号码以登记册为准。"
    assert values[9][0] == "另有提存 2,764.99 元留存涉案资金专户，待未登记参与人登记核实后发放。"
    assert sheet["G4"].number_format == "0.00"


def test_a_statement_shows_the_lines_the_claim_and_the_payments(
    db: Session, county: County, cipher: FieldCipher, tmp_path: Path
) -> None:
    case = refund_case(db, county, cipher)
    imported(db, county, cipher, case, tmp_path)
    person = register.participant(db, actor=actor_of(county.users["office"]), case_id=case.id,
                                  number=2)  # fmt: skip
    content = outputs.statement(db, case, person, date(2026, 12, 7))
    document = docx.Document(BytesIO(content))
    text = [p.text for p in document.paragraphs]
    assert text[0] == "集资参与人清退对账单"
    assert f"登记号：2    姓名：李四    身份证号码：{person.id_number_masked}" in text
    assert "债权 = 出资 − 已收回报 = 28,499.50 元" in text
    assert "累计已兑付 0.00 元，尚未兑付 28,499.50 元。" in text
    assert text[-2:] == [f"{case.jurisdiction.name}防范和处置非法集资工作领导小组办公室",
                         "2026年12月7日"]  # fmt: skip
    lines = [[c.text for c in r.cells] for r in document.tables[0].rows]
    assert lines == [["日期", "类型", "产品或合同编号", "金额（元）"],
                     ["2024-03-01", "出资", "", "30,000.00"],
                     ["2024-03-01", "利息", "", "1,500.50"]]  # fmt: skip
    assert [[c.text for c in r.cells] for r in document.tables[1].rows][1] == [
        "尚未发放",
        "",
        "0.00",
    ]
    assert outputs.statement_filename(case, person) == f"{case.number}-00002-清退对账单.docx"
