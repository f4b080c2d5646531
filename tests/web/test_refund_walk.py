"""A refund in real Chromium: the lead office imports a claims register from Excel, verifies it,
records the auction proceeds and drafts a round; a second officer approves it; the bank payment
file downloads and reads back with the exact amounts, and the coverage chart is drawn."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook, load_workbook
from playwright.sync_api import Page, expect

from fangfei.auth import service as auth
from fangfei.auth.models import User
from fangfei.auth.roles import Role
from fangfei.cases import service as cases
from fangfei.cases.schemas import CaseOpen
from fangfei.config import Settings
from fangfei.reference.models import Jurisdiction
from fangfei.security.crypto import FieldCipher
from fangfei.security.keys import load_keys
from tests.county import PASSWORD
from tests.refunds.helpers import HEADER, scheme_rows
from tests.web.conftest import LiveServer, _Template
from tests.web.test_browser import SCREENSHOTS, log_in
from tests.web.test_case_walk import judged_lead_on


def _case_with_checker(live_server: LiveServer, cipher: FieldCipher) -> int:
    """A case of 100 万元 opened from a judged lead, and a second lead-office officer."""
    lead_id = judged_lead_on(live_server, cipher)
    with live_server.session() as db:
        office = auth.actor_for(db.query(User).filter_by(username="office").one())
        county = db.query(Jurisdiction).filter_by(level="county").one()
        case = cases.open_from_leads(db, actor=office, data=CaseOpen(lead_ids=[lead_id],
                                     name="兴旺投资非法吸收公众存款案"))  # fmt: skip
        case.amount_yuan = Decimal("1000000")
        admin = auth.actor_for(db.query(User).filter_by(username="admin").one())
        auth.create_user(db, actor=admin, username="office2", display_name="复核人",
                         password=PASSWORD, role=Role.LEAD_OFFICE, jurisdiction_id=county.id)  # fmt: skip
        db.commit()
        return case.id


def _register_xlsx(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in scheme_rows():
        sheet.append([row.get(column, "") for column in HEADER])
    book.save(path)
    return path


def test_a_register_is_imported_and_a_round_approved_by_a_second_officer(
    page: Page, live_server: LiveServer, tmp_path: Path, _county_database: _Template
) -> None:
    settings = Settings(env="test", home=tmp_path, secret_key=_county_database.secret_key,
                        encryption_key=_county_database.encryption_key)  # fmt: skip
    case_id = _case_with_checker(live_server, FieldCipher(load_keys(settings).encryption_key))
    log_in(page, "office")
    page.goto(f"/cases/{case_id}")
    page.get_by_test_id("refunds-link").click()
    page.get_by_test_id("import-form").locator("input[type=file]").set_input_files(
        str(_register_xlsx(tmp_path / "集资参与人登记表.xlsx"))
    )
    page.get_by_test_id("import-form").get_by_role("button", name="导入", exact=True).click()
    expect(page.get_by_test_id("import-result")).to_contain_text("已导入 8 行：新登记 5 人")
    status = page.get_by_test_id("status-form")
    status.get_by_label("操作").select_option(label="核实")
    status.get_by_role("button", name="确定").click()
    expect(page.get_by_test_id("participants")).to_contain_text("已核实")

    page.get_by_text("登记到账").click()
    receipt = page.get_by_test_id("receipt-form")
    receipt.get_by_label("资金来源").select_option(label="涉案资产拍卖、变卖所得")
    receipt.get_by_label("金额（元）").fill("50000")
    receipt.get_by_label("凭证或文书编号").fill("（2025）拍字第 8 号")
    receipt.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_test_id("balance")).to_have_text("50,000.00")

    page.get_by_test_id("round-form").get_by_label("本轮金额（元）").fill("30000")
    page.get_by_test_id("round-form").get_by_role("button", name="起草", exact=True).click()
    expect(page.get_by_test_id("rounds")).to_contain_text("待审批")
    page.get_by_test_id("rounds").get_by_role("link", name="第 1 轮").click()
    round_url = page.url
    page.get_by_test_id("approve-form").get_by_role("button", name="审批通过").click()
    expect(page.get_by_test_id("error")).to_contain_text("审批人不能是本轮的起草人（office）")

    page.context.clear_cookies()
    page.goto("/login")
    log_in(page, "office2")
    page.goto(round_url)
    page.get_by_test_id("approve-form").get_by_label("审批意见").fill("经处置工作组会议同意")
    page.get_by_test_id("approve-form").get_by_role("button", name="审批通过").click()
    expect(page.get_by_test_id("round-status")).to_have_text("已审批")
    with page.expect_download() as caught:
        page.get_by_test_id("payment-file").click()
    payment_file = tmp_path / caught.value.suggested_filename
    caught.value.save_as(payment_file)
    sheet = load_workbook(payment_file).active
    assert sheet is not None
    rows = [r for r in sheet.iter_rows(min_row=4, values_only=True) if r[0] is not None][:4]
    assert [(r[2], Decimal(str(r[6]))) for r in rows] == [
        ("张三", Decimal("9137.10")),
        ("李四", Decimal("8680.10")),
        ("赵六", Decimal("12182.80")),
        (None, Decimal("30000")),
    ]

    page.goto(f"/cases/{case_id}/refunds")
    expect(page.get_by_test_id("refund-rate")).to_contain_text("3.00%")
    expect(page.get_by_test_id("coverage-chart").locator("canvas")).to_have_count(1)
    if os.environ.get("FANGFEI_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "refunds.png"), full_page=True)
