"""Each scenario on its hand-made case: exactly the expected accounts, at the expected strength."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fangfei.monitoring.engines import Engine
from fangfei.monitoring.runner import Window, run_store
from fangfei.monitoring.scenarios import SCENARIOS
from fangfei.monitoring.scenarios.spec import SHIPPED, load_pack
from tests.monitoring.book import Book
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
