"""Scoring alerts: evidence and explanation (storing them: test_triage)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fangfei.monitoring.alerts import Alert, alert_key
from fangfei.monitoring.engines import Engine
from fangfei.monitoring.runner import Window, run_store
from fangfei.monitoring.scenarios.spec import SHIPPED, load_pack
from fangfei.monitoring.scoring import score_hits
from tests.monitoring.book import Book
from tests.monitoring.fixtures import s1, s2

YEAR = Window(date(2025, 1, 1), date(2025, 12, 31))


def _alerts(tmp_path: Path, engine: Engine) -> list[Alert]:
    book = Book()
    s1(book)
    s2(book)
    pack = load_pack(SHIPPED)
    return score_hits(run_store(engine, pack, book.store(tmp_path), YEAR), pack, YEAR, "duckdb")


def test_only_full_strength_shapes_alert_and_carry_their_evidence(
    tmp_path: Path, duckdb_engine: Engine
) -> None:
    alerts = {a.account_id: a for a in _alerts(tmp_path, duckdb_engine)}

    assert set(alerts) == {"S1C", "S2Q", "S2R"}  # the shop (S1 0.5) and the payroll (S2 0.4) do not
    payout = alerts["S2Q"]
    assert payout.typologies == ("payout",) and payout.scenarios == ("S2",)
    evidence = payout.evidence[0]
    assert evidence.txn_ids and evidence.counterparties[0].startswith("S2I")
    figures = {f.name: f for f in evidence.figures}
    assert figures["linked_share"].value == 1.0 and figures["linked_share"].threshold == 0.5
    assert figures["mean_rate"].value == 0.02
    assert "疑似集资返利账户" in payout.explanation and "2.00%" in payout.explanation
    assert payout.alert_id == alert_key("测试银行", "S2Q", YEAR.start, YEAR.end)
