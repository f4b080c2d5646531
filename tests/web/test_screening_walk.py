"""Screening in real Chromium: an officer pastes a promotion written in words the lexicon lacks,
sees it flagged by its likeness with the similar wording named, and registers it as a lead; a
loan with 砍头息 from the calculator becomes a lead about its lender."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import LiveServer
from tests.web.test_browser import SCREENSHOTS, log_in

pytestmark = pytest.mark.browser

PROMOTION = "表哥带我做的，钱放进去每周到账一次，几个月就回来一半了，想了解的私聊。"


def test_an_officer_screens_a_text_and_registers_it_as_a_lead(
    page: Page, live_server: LiveServer
) -> None:
    log_in(page, "office")
    page.get_by_role("link", name="筛查工具").click()
    page.get_by_test_id("screen-text").fill(PROMOTION)
    page.get_by_role("button", name="筛查").click()

    result = page.locator("#text-result")
    expect(result).to_contain_text("与语料库中的违规宣传高度相似")
    expect(result).to_contain_text("请人工核实")
    if os.environ.get("FANGFEI_SCREENSHOTS") == "1":
        page.screenshot(path=str(SCREENSHOTS / "screening.png"), full_page=True)
    page.get_by_test_id("text-lead").locator("summary").click()
    page.get_by_label("风险主体名称").fill("某理财微信群群主")
    page.get_by_test_id("text-lead-form").get_by_role("button", name="登记线索").click()

    expect(page.locator("h1")).to_contain_text("某理财微信群群主")
    expect(page.locator("body")).to_contain_text("宣传文本筛查：疑似非法集资或非法放贷宣传")


def test_a_loan_with_kantouxi_becomes_a_lead_about_its_lender(
    page: Page, live_server: LiveServer
) -> None:
    log_in(page, "office")
    page.goto("/screening")
    page.locator("input[name=contract_date]").fill("2026-03-01")
    page.locator("input[name=principal_stated]").fill("10000")
    page.locator("input[name=withheld]").fill("2000")
    page.locator("input[name=lender_name]").fill("东城速借工作室")
    page.locator("textarea[name=flows]").fill("2026-03-01, -8000, 放款\n2026-09-01, 10000, 还本")
    page.get_by_role("button", name="计算").click()

    expect(page.get_by_test_id("loan-result")).to_contain_text("砍头息")
    page.get_by_test_id("loan-lead").locator("summary").click()
    page.get_by_test_id("loan-lead-form").get_by_role("button", name="登记线索").click()

    expect(page.locator("h1")).to_contain_text("东城速借工作室")
    expect(page.locator("body")).to_contain_text("借款利率筛查（出借人 东城速借工作室")
