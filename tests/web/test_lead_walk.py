"""The whole life of a public tip in real Chromium: the portal, triage with a proposed duplicate,
assignment by domain to 市场监管局, verification and judgement by the department."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from sqlalchemy import select

from fangfei.leads import ledger
from fangfei.leads.models import Lead
from tests.web.conftest import LiveServer
from tests.web.test_browser import log_in, log_out

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 128
SUBJECT = "西城镇富民理财服务有限公司"


def _fill_subject(page: Page, name: str, description: str) -> None:
    page.locator("input[name=subject_name]").fill(name)
    page.locator("select[name=jurisdiction_id]").select_option(label="西城镇")
    page.locator("select[name=domain]").select_option(value="d2_private_finance")
    page.locator("textarea[name=description]").fill(description)


def _office_registers_the_first_report(page: Page) -> None:
    log_in(page, "office")
    page.goto("/leads/new")
    page.locator("select[name=channel]").select_option(value="grid_worker")
    _fill_subject(page, SUBJECT, "网格员发现门店张贴“月息 2 分、保本保息”海报。")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_test_id("lead-number")).to_contain_text(SUBJECT)
    log_out(page)


def _public_reports(page: Page, tmp_path: Path) -> str:
    leaflet = tmp_path / "宣传单.png"
    leaflet.write_bytes(PNG)
    page.goto("/report")
    _fill_subject(
        page, "西城镇富民理财服务公司", "业务员上门推销理财，承诺年化 18%，我母亲投了 5 万元。"
    )
    page.locator("input[name=informant_name]").fill("李秀兰")
    page.locator("input[name=informant_phone]").fill("13700001234")
    page.locator("input[name=attachments]").set_input_files(str(leaflet))
    page.get_by_role("button", name="提交举报").click()
    code = page.get_by_test_id("receipt-code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{10}", code)
    page.goto(f"/report/status?code={code}")
    expect(page.get_by_test_id("public-status")).to_have_text("已受理，等待分派")
    return code


def _office_exports_the_ledger(page: Page) -> None:
    log_in(page, "office")
    page.goto("/ledger?layout=a2")
    expect(page.get_by_test_id("ledger")).to_contain_text("西城镇富民理财服务公司")
    with page.expect_download() as download:
        page.get_by_test_id("ledger-export").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(BytesIO(Path(download.value.path()).read_bytes())).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2] == ledger.A2_COLUMNS
    [row] = [r for r in rows if r[1] == "西城镇富民理财服务公司"]
    assert row[2:9] == (
        "民间投融资、P2P网贷、第三方财富管理公司、非法银行、非法保险等领域",
        "群众举报", row[4], None, None, "是", "行政",
    )  # fmt: skip
    cells = " ".join(str(v) for r in rows for v in r if v is not None)
    assert "李秀兰" not in cells and "13700001234" not in cells


def test_a_public_tip_is_triaged_assigned_verified_and_judged(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    _office_registers_the_first_report(page)
    code = _public_reports(page, tmp_path)

    log_in(page, "office")
    page.goto("/leads")
    page.locator("#results tbody a").first.click()
    expect(page.get_by_test_id("duplicates")).to_contain_text("主体名称相近")
    expect(page.locator("#informant")).to_contain_text("身份保密")
    expect(page.locator("main")).not_to_contain_text("李秀兰")
    expect(page.locator("main")).to_contain_text("宣传单.png")
    page.get_by_test_id("duplicates").get_by_role("button", name="关联").click()
    expect(page.get_by_test_id("timeline")).to_contain_text("关联：XS")
    expect(page.get_by_test_id("route-reason")).to_have_text(
        "按“民间投融资、P2P网贷、第三方财富管理公司、非法银行、非法保险等领域”的分工由县市场监管局牵头"
    )
    page.get_by_test_id("assign").get_by_role("button", name="交办").click()
    expect(page.get_by_test_id("assignee")).to_contain_text("县市场监管局，期限")
    log_out(page)

    log_in(page, "market")
    page.goto("/leads/inbox")
    page.get_by_test_id("inbox-group").first.locator("tbody a").first.click()
    page.get_by_role("button", name="认领并开始核查").click()
    expect(page.get_by_test_id("status")).to_have_text("核查中")
    form = page.get_by_test_id("judge-form")
    form.locator("textarea[name=findings]").fill(
        "门店以年化 18% 保本理财向 40 余名老人吸收资金约 200 万元。"
    )
    form.locator("select[name=verified_true]").select_option(value="true")
    form.locator("select[name=is_illegal_fundraising]").select_option(value="true")
    form.locator("select[name=disposal_path]").select_option(label="行政")
    form.get_by_role("button", name="保存研判意见").click()
    expect(page.get_by_test_id("status")).to_have_text("已研判")
    expect(page.get_by_test_id("judgement")).to_contain_text("行政")
    expect(page.locator("#informant")).not_to_contain_text("查看")  # no reveal for a department
    log_out(page)

    page.goto(f"/report/status?code={code}")
    expect(page.get_by_test_id("public-status")).to_have_text("已核查完毕")
    _office_exports_the_ledger(page)
    with live_server.session() as db:
        lead = db.scalar(select(Lead).where(Lead.receipt_code == code))
        assert lead is not None
        assert (lead.status, lead.disposal_path, lead.source) == (
            "judged",
            "administrative",
            "public_report",
        )
