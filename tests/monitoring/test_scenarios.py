"""Each scenario on its hand-made case: exactly the expected accounts, at the expected strength."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fangfei.monitoring.engines import Engine
from fangfei.monitoring.importer import import_files
from fangfei.monitoring.runner import Shape, Window, run_pack, run_store
from fangfei.monitoring.scenarios import SCENARIOS
from fangfei.monitoring.scenarios.spec import SHIPPED, load_pack
from fangfei.monitoring.store import BankStore
from tests.monitoring.book import Book, at
from tests.monitoring.fixtures import CASES

YEAR = Window(date(2025, 1, 1), date(2025, 12, 31))


@pytest.mark.parametrize("sid", sorted(CASES))
def test_scenario_hits_exactly_its_case(sid: str, tmp_path: Path, duckdb_engine: Engine) -> None:
    book = Book()
    expected = CASES[sid](book)
    store = book.store(tmp_path)

    hits = run_store(duckdb_engine, load_pack(SHIPPED), store, YEAR, only={sid})[sid]

    found = {row["account_id"]: row["strength"] for row in hits.to_pylist()}
    assert found == pytest.approx(expected)
    for row in hits.to_pylist():
        assert row["txn_ids"], "every hit names its transactions"
        figures = {f.column: row[f.column] for f in SCENARIOS[sid].figures}
        assert SCENARIOS[sid].explain({**figures, "strength": row["strength"]})


def test_a_number_held_in_two_banks_is_two_accounts(tmp_path: Path, duckdb_engine: Engine) -> None:
    store = BankStore(tmp_path / "bank")
    for n, (bank, yuan) in enumerate((("甲银行", 60_000), ("乙银行", 80_000))):
        book = Book(bank=bank)
        book.cash(book.account("6222000011112222", "孙大"), "in", yuan, at("2025-07-01"))
        accounts, transactions = book.write(tmp_path / f"files{n}")
        import_files(accounts, transactions, store=store)

    hits = run_store(duckdb_engine, load_pack(SHIPPED), store, YEAR, only={"S6"})["S6"]
    bucketed = run_pack(
        duckdb_engine, load_pack(SHIPPED), YEAR, only={"S6"}, shape=Shape(buckets=3)
    )["S6"]  # the accounts' negative keys land in buckets too

    for table in (hits, bucketed):
        found = {
            (row["bank"], row["account_id"], row["max_cash_yuan"], tuple(row["txn_ids"]))
            for row in table.to_pylist()
        }
        assert found == {
            ("甲银行", "6222000011112222", 60_000.0, ("T0000001",)),
            ("乙银行", "6222000011112222", 80_000.0, ("T0000001",)),
        }
