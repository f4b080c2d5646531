"""Alerts in the application database: stored from a run with their holders linked, rerun without
duplicates, read through the fund-flow graph, disposed of as false positives or referred as
leads, and seen by a bank's analyst only for that bank."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.auth.roles import system_actor
from fangfei.config import Settings
from fangfei.entities import service as entities
from fangfei.entities.models import BankAccount
from fangfei.entities.schemas import EnterpriseCreate
from fangfei.errors import FangfeiError
from fangfei.leads import ledger
from fangfei.monitoring import flows, triage
from fangfei.monitoring.alerts import Alert, alert_key
from fangfei.monitoring.engines import DuckDbEngine
from fangfei.monitoring.models import MonitorAlert
from fangfei.monitoring.runner import Window, run_store
from fangfei.monitoring.scenarios.spec import SHIPPED, load_pack
from fangfei.monitoring.scoring import score_hits
from fangfei.monitoring.store import BankStore
from fangfei.security.crypto import FieldCipher
from tests.api.test_api import bearer
from tests.county import BANK, County
from tests.leads.helpers import actor_of
from tests.monitoring.book import Book
from tests.monitoring.fixtures import s1, s2
from tests.web.conftest import valid_uscc
from tests.web.test_pages import log_in

YEAR = Window(date(2025, 1, 1), date(2025, 12, 31))
RUNNER = system_actor("monitor-test")
COLLECTOR_USCC = valid_uscc("91330122MA2B3C4D5")


@pytest.fixture
def run(settings: Settings) -> tuple[BankStore, list[Alert]]:
    """The collection, payout and payroll books at the county's bank, stored in the app's home,
    and the alerts of a run; the collection account's holder gives its USCC."""
    book = Book(bank=BANK)
    s1(book)
    s2(book)
    book.accounts["S1C"][4] = COLLECTOR_USCC
    store = book.store(settings.resolved_home)
    pack = load_pack(SHIPPED)
    engine = DuckDbEngine(memory_limit="1GB")
    try:
        return store, score_hits(run_store(engine, pack, store, YEAR), pack, YEAR, "duckdb")
    finally:
        engine.close()


@pytest.fixture
def stored(
    db: Session, county: County, cipher: FieldCipher, run: tuple[BankStore, list[Alert]]
) -> dict[str, int]:
    """The run stored, the collector registered as an enterprise first; alert ids by account."""
    entities.create_enterprise(db, actor=actor_of(county.users["office"]), data=EnterpriseCreate(
        name="某县鑫源投资咨询有限公司", uscc=COLLECTOR_USCC, jurisdiction_id=county.east.id))  # fmt: skip
    store, alerts = run
    triage.record_run(db, actor=RUNNER, cipher=cipher, store=store, alerts=alerts)
    return {a.account_id: a.id for a in db.scalars(select(MonitorAlert))}


def test_a_run_is_stored_with_the_holders_linked_and_reruns_update(
    db: Session, county: County, cipher: FieldCipher, run: tuple[BankStore, list[Alert]],
    stored: dict[str, int],
) -> None:  # fmt: skip
    assert sorted(stored) == ["S1C", "S2Q", "S2R"]
    collector = db.get(MonitorAlert, stored["S1C"])
    assert collector is not None
    assert (collector.holder_match, collector.status) == ("uscc", "open")
    account = db.scalar(select(BankAccount).where(BankAccount.account_number == "S1C"))
    assert account is not None and account.holder_entity_id == collector.holder_entity_id
    payout = db.get(MonitorAlert, stored["S2Q"])
    assert payout is not None and (payout.holder_match, payout.holder_entity_id) == ("none", None)

    store, alerts = run
    again = triage.record_run(db, actor=RUNNER, cipher=cipher, store=store, alerts=alerts)
    assert (again.written, again.updated, again.superseded, again.linked) == (0, 3, 0, 1)
    triage.mark_false_positive(db, actor=actor_of(county.users["office"]),
                               alert_id=stored["S2R"], reason="农业公司统一收购款，已核实")  # fmt: skip
    later = [replace(a, period_start=date(2025, 2, 1),
                     alert_id=alert_key(a.bank, a.account_id, date(2025, 2, 1), a.period_end))
             for a in alerts]  # fmt: skip
    third = triage.record_run(db, actor=RUNNER, cipher=cipher, store=store, alerts=later)
    assert (third.written, third.superseded) == (3, 2)  # the false positive stays as decided
    statuses = sorted((a.account_id, a.status) for a in db.scalars(select(MonitorAlert)))
    assert statuses == [
        ("S1C", "open"), ("S1C", "superseded"), ("S2Q", "open"), ("S2Q", "superseded"),
        ("S2R", "false_positive"), ("S2R", "open"),
    ]  # fmt: skip


def test_the_graph_shows_the_money_between_the_account_and_its_counterparties(
    run: tuple[BankStore, list[Alert]],
) -> None:
    store, _ = run
    found = flows.flows(store, bank=BANK, account_id="S1C", start=YEAR.start, end=YEAR.end)
    assert found[0].counterparty == "S1X-BOSS" and found[0].amount == Decimal("196000.00")
    assert sum(f.direction == "in" for f in found) == 20
    large = flows.flows(store, bank=BANK, account_id="S1C", start=YEAR.start, end=YEAR.end,
                        min_amount=Decimal("10000"))  # fmt: skip
    assert [(f.counterparty, f.direction) for f in large][:2] == [("S1X-BOSS", "out"),
                                                                   ("S1P00", "in")]  # fmt: skip
    assert all(f.amount >= 10000 for f in large) and len(large) == 21
    graph = flows.graph("S1C", large)
    assert graph["nodes"][0] == {"id": "S1C", "name": "S1C", "centre": True}
    assert {"source": "S1C", "target": "S1X-BOSS", "amount": "196000.00", "count": 1,
            "direction": "out"} in graph["edges"]  # fmt: skip
    totals = flows.totals(store, bank=BANK, account_id="S1C", start=YEAR.start, end=YEAR.end)
    assert (totals.inflow, totals.outflow, totals.payers, totals.payees) == (
        Decimal("200000.00"), Decimal("202000.00"), 20, 21,
    )  # fmt: skip
    assert flows.flows(store, bank="别的银行", account_id="S1C", start=YEAR.start,
                       end=YEAR.end) == []  # fmt: skip


def test_a_false_positive_needs_its_reason_and_is_decided_once(
    db: Session, county: County, stored: dict[str, int]
) -> None:
    office = actor_of(county.users["office"])
    with pytest.raises(FangfeiError, match="排除预警须写明理由"):
        triage.mark_false_positive(db, actor=office, alert_id=stored["S2Q"], reason="否")
    done = triage.mark_false_positive(db, actor=office, alert_id=stored["S2Q"],
                                      reason="文化公司发放演出劳务费")  # fmt: skip
    assert (done.status, done.disposed_by_name) == ("false_positive", "office")
    with pytest.raises(FangfeiError, match="排除（误报），不能再处理"):
        triage.mark_false_positive(db, actor=office, alert_id=stored["S2Q"], reason="再来一次")
    with pytest.raises(FangfeiError, match="研判、排除或移交预警"):
        triage.mark_false_positive(db, actor=actor_of(county.users["leader"]),
                                   alert_id=stored["S1C"], reason="领导不能处理")  # fmt: skip


def test_a_referral_registers_a_lead_about_the_holder(
    db: Session, county: County, cipher: FieldCipher, run: tuple[BankStore, list[Alert]],
    stored: dict[str, int],
) -> None:  # fmt: skip
    store, _ = run
    analyst = actor_of(county.users["bank"])
    lead = triage.refer(db, actor=analyst, cipher=cipher, store=store, alert_id=stored["S1C"],
                        data=triage.ReferIn(domain="d2_private_finance", note="多名老人转入"),
                        today=date(2026, 1, 5))  # fmt: skip
    assert (lead.channel, lead.source) == ("bank_referral", "self_discovered")
    alert = db.get(MonitorAlert, stored["S1C"])
    assert alert is not None and (alert.status, alert.lead_id) == ("referred", lead.id)
    assert lead.subject_entity_id == alert.holder_entity_id
    assert (lead.amount_yuan, lead.people_count, lead.jurisdiction_id) == (
        Decimal("200000.00"), 20, county.east.id,
    )  # fmt: skip
    assert "转入 200,000.00 元（20 个付款方）" in lead.description
    assert lead.description.endswith("分析员说明：多名老人转入")
    office = actor_of(county.users["office"])
    shown = ledger.ledger_leads(db, actor=office, layout="a2", period="2026")
    assert [found.id for found in shown] == [lead.id]
    unlinked = triage.refer(db, actor=office, cipher=cipher, store=store, alert_id=stored["S2Q"],
                            data=triage.ReferIn(domain="d5_other_sectors"), today=date(2026, 1, 5))  # fmt: skip
    assert (unlinked.channel, unlinked.subject_name) == (
        "online_monitoring",
        "某县文化传媒有限公司",
    )


def test_a_banks_analyst_sees_only_that_banks_alerts(
    db: Session, county: County, cipher: FieldCipher, run: tuple[BankStore, list[Alert]],
    stored: dict[str, int],
) -> None:  # fmt: skip
    store, alerts = run
    other = [replace(a, bank="别的银行",
                     alert_id=alert_key("别的银行", a.account_id, a.period_start, a.period_end))
             for a in alerts[:1]]  # fmt: skip
    triage.record_run(db, actor=RUNNER, cipher=cipher, store=store, alerts=other)
    analyst = actor_of(county.users["bank"])
    mine, total = triage.list_for(db, actor=analyst, filters=triage.AlertFilter())
    assert total == 3 and {a.bank for a in mine} == {BANK}
    hidden = db.scalar(select(MonitorAlert.id).where(MonitorAlert.bank == "别的银行"))
    with pytest.raises(FangfeiError, match="未找到预警"):
        triage.get(db, actor=analyst, alert_id=hidden or 0)
    _, everything = triage.list_for(db, actor=actor_of(county.users["office"]),
                                    filters=triage.AlertFilter())  # fmt: skip
    assert everything == 4
    assert triage.reading_bank(analyst) == BANK
    assert triage.reading_bank(actor_of(county.users["office"])) is None


def test_the_pages_show_an_alert_and_refer_it(
    client: TestClient, db: Session, county: County, stored: dict[str, int]
) -> None:
    db.commit()
    token = log_in(client, "bank")
    listing = BeautifulSoup(client.get("/alerts").text, "html.parser")
    rows = listing.select("[data-testid=alerts] tbody tr")
    assert [r.select("td")[2].get_text() for r in rows] == ["S1C", "S2R", "S2Q"]  # by score
    page = BeautifulSoup(client.get(f"/alerts/{stored['S1C']}").text, "html.parser")
    assert "疑似集资归集账户" in page.select_one("[data-testid=alert-explanation]").get_text()
    assert len(page.select("[data-testid=evidence-lines] tbody tr")) > 20
    refused = client.post(f"/alerts/{stored['S1C']}/dispose",
                          data={"csrf_token": token, "action": "false_positive", "reason": ""})  # fmt: skip
    assert refused.status_code == 422 and "排除预警须写明理由" in refused.text
    referred = client.post(f"/alerts/{stored['S1C']}/dispose", follow_redirects=False, data={
        "csrf_token": token, "action": "refer", "domain": "d2_private_finance", "note": ""})  # fmt: skip
    assert referred.status_code == 303 and referred.headers["location"].startswith("/leads/")
    shown = BeautifulSoup(client.get(f"/alerts/{stored['S1C']}").text, "html.parser")
    assert shown.select_one("[data-testid=alert-status]").get_text() == "已移交线索"
    assert shown.select_one("[data-testid=alert-lead]")["href"] == referred.headers["location"]


def test_the_api_lists_reads_graphs_and_disposes(
    client: TestClient, db: Session, county: County, stored: dict[str, int]
) -> None:
    headers = bearer(db, county, "bank")
    listed = client.get("/api/v1/alerts", params={"typology": "payout"}, headers=headers).json()
    assert listed["total"] == 1 and listed["items"][0]["account_id"] == "S2Q"
    one = client.get(f"/api/v1/alerts/{stored['S2Q']}", headers=headers).json()
    assert one["status"] == "open" and one["lines"][0]["amount"] == "200.00"
    graph = client.get(f"/api/v1/alerts/{stored['S1C']}/graph",
                       params={"min_yuan": "100000"}, headers=headers).json()  # fmt: skip
    assert graph["edges"] == [{"source": "S1C", "target": "S1X-BOSS", "amount": "196000.00",
                               "count": 1, "direction": "out"}]  # fmt: skip
    bad = client.post(f"/api/v1/alerts/{stored['S2Q']}/false-positive", json={"reason": "否"},
                      headers=headers)  # fmt: skip
    assert bad.status_code == 422
    done = client.post(f"/api/v1/alerts/{stored['S2Q']}/false-positive",
                       json={"reason": "文化公司发放演出劳务费"}, headers=headers)  # fmt: skip
    assert done.json()["status_label"] == "排除（误报）"
    referred = client.post(f"/api/v1/alerts/{stored['S2R']}/refer",
                           json={"domain": "d5_other_sectors"}, headers=headers)  # fmt: skip
    assert referred.status_code == 200 and referred.json()["lead"]["number"]
    assert client.get("/api/v1/alerts", headers=bearer(db, county, "east")).status_code == 403


def test_figures_are_shown_in_their_units() -> None:
    assert triage.figure_text(200000.0, "元") == "200,000.00 元"
    assert (triage.figure_text(20.0, "人"), triage.figure_text(0.973267)) == ("20 人", "0.97")
    assert triage.figure_text(None) == ""
