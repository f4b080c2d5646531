"""A fund-flow alert in real Chromium: the bank's analyst opens the collection account's alert,
sees its explanation, the triggering lines and the fund-flow graph, narrows the graph to large
flows, and refers the alert; the lead office then finds the new lead in the ledger."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from fangfei.auth.roles import system_actor
from fangfei.monitoring import triage
from fangfei.monitoring.engines import DuckDbEngine
from fangfei.monitoring.runner import Window, run_store
from fangfei.monitoring.scenarios.spec import SHIPPED, load_pack
from fangfei.monitoring.scoring import score_hits
from fangfei.security.crypto import FieldCipher
from tests.county import BANK
from tests.monitoring.book import Book
from tests.monitoring.fixtures import s1, s2
from tests.web.conftest import EAST_USCC, LiveServer
from tests.web.test_browser import SCREENSHOTS, log_in, log_out

pytestmark = pytest.mark.browser
YEAR = Window(date(2025, 1, 1), date(2025, 12, 31))


def _alerts_on(live_server: LiveServer, home: Path) -> None:
    """The collection account (held by 东城镇兴旺投资咨询有限公司) and the payout books, run."""
    book = Book(bank=BANK)
    s1(book)
    s2(book)
    book.accounts["S1C"][2], book.accounts["S1C"][4] = "东城镇兴旺投资咨询有限公司", EAST_USCC
    store = book.store(home)
    pack, engine = load_pack(SHIPPED), DuckDbEngine(memory_limit="1GB")
    try:
        alerts = score_hits(run_store(engine, pack, store, YEAR), pack, YEAR, "duckdb")
    finally:
        engine.close()
    with live_server.session() as db:
        triage.record_run(db, actor=system_actor("test"), cipher=FieldCipher(os.urandom(32)),
                          store=store, alerts=alerts)  # fmt: skip
        db.commit()


def test_an_analyst_opens_an_alert_and_its_graph_and_refers_it(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    _alerts_on(live_server, tmp_path)
    log_in(page, "bank")
    page.get_by_role("link", name="资金监测").click()
    page.get_by_test_id("alerts").get_by_role("link", name="S1C").click()
    expect(page.get_by_test_id("alert-explanation")).to_contain_text("疑似集资归集账户")
    expect(page.get_by_test_id("flow-graph").locator("canvas")).to_have_count(1)
    expect(page.get_by_test_id("graph-note")).to_have_text("账户 22 个，往来 41 条")
    expect(page.get_by_test_id("evidence-lines")).to_contain_text("S1P00")
    page.get_by_label("最小金额").fill("100000")
    page.get_by_test_id("graph-form").get_by_role("button", name="刷新").click()
    expect(page.get_by_test_id("graph-note")).to_have_text("账户 2 个，往来 1 条")
    if os.environ.get("FANGFEI_SCREENSHOTS") == "1":
        page.get_by_label("最小金额").fill("0")
        page.get_by_test_id("graph-form").get_by_role("button", name="刷新").click()
        expect(page.get_by_test_id("graph-note")).to_have_text("账户 22 个，往来 41 条")
        page.wait_for_timeout(1500)  # the force layout settles
        page.screenshot(path=str(SCREENSHOTS / "alert.png"), full_page=True)

    refer = page.get_by_test_id("refer-form")
    refer.get_by_label("所属行业领域").select_option("d2_private_finance")
    refer.get_by_label("补充说明").fill("多名老年客户转入后收到固定回款")
    refer.get_by_role("button", name="移交").click()
    expect(page.locator("h1")).to_contain_text("东城镇兴旺投资咨询有限公司")
    log_out(page)

    log_in(page, "office")
    page.goto("/ledger?layout=a6")
    expect(page.get_by_test_id("ledger")).to_contain_text("东城镇兴旺投资咨询有限公司")
    page.goto("/alerts?status=referred")
    expect(page.get_by_test_id("alerts")).to_contain_text("S1C")
