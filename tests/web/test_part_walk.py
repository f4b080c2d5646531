"""A township's part of Attachment 1 in real Chromium: 东城镇 reports two publicity events the
system does not hold, with the reason, and submits; the lead office sees the part among the
units, the county table carries the two events, and its cell names the township's change."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect

from fangfei.reports import attachment1
from tests.web.conftest import LiveServer
from tests.web.test_browser import SCREENSHOTS, log_in, log_out

pytestmark = pytest.mark.browser
OFFLINE = attachment1.LEAVES.index(("宣传教育", "线下宣传活动（场次）", None))


def test_a_township_submits_its_part_and_the_county_table_carries_it(
    page: Page, live_server: LiveServer
) -> None:
    log_in(page, "east")
    page.get_by_role("link", name="单位填报").click()
    page.goto("/reports/parts/mine?period=2026H2")
    form = page.get_by_test_id("part-form")
    form.get_by_label("宣传教育 / 线下宣传活动（场次） 填报").fill("2")
    form.get_by_role("button", name="保存并提交").click()
    expect(page.locator(".alert")).to_contain_text("与记录统计 0 不同，须写明原因")
    page.get_by_label("宣传教育 / 线下宣传活动（场次） 原因").fill("村级宣传两场，记录未录入")
    page.get_by_role("button", name="保存并提交").click()
    expect(page.get_by_test_id("part-status")).to_have_text("已提交")
    log_out(page)

    log_in(page, "office")
    page.goto("/reports/parts?period=2026H2")
    row = page.get_by_test_id("parts").locator("tr[data-unit=东城镇]")
    expect(row).to_contain_text("已提交")
    expect(row.locator("td").nth(5)).to_have_text("1")  # one figure reported otherwise
    page.goto("/reports?period=2026H2")
    east = page.get_by_test_id("a1-table").locator("tbody tr").nth(1)
    cell = east.locator("td").nth(1 + OFFLINE)
    expect(cell).to_have_text("2")
    cell.get_by_role("link").click()
    expect(page.get_by_test_id("cell-records")).to_contain_text("东城镇填报调整")
    page.get_by_test_id("cell-records").get_by_role("link", name="东城镇填报调整").click()
    expect(page.get_by_test_id("part-lines")).to_contain_text("村级宣传两场，记录未录入")
    if os.environ.get("FANGFEI_SCREENSHOTS") == "1":
        page.screenshot(path=str(SCREENSHOTS / "report-part.png"), full_page=True)
    page.get_by_test_id("return-form").get_by_label("退回原因").fill("请附活动照片")
    page.get_by_role("button", name="退回该单位修改").click()
    expect(page.get_by_test_id("parts").locator("tr[data-unit=东城镇]")).to_contain_text("已退回")
