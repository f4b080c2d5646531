"""The same scenarios on DuckDB and Spark give the same hits and the same alerts."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

from fangfei.monitoring.engines import Engine
from fangfei.monitoring.runner import (
    Shape,
    Window,
    register_store,
    run_pack,
    run_store,
    shape_for,
    window_rows,
)
from fangfei.monitoring.scenarios import SCENARIOS
from fangfei.monitoring.scenarios.spec import SHIPPED, load_pack
from fangfei.monitoring.scoring import score_hits
from tests.monitoring.book import Book
from tests.monitoring.fixtures import CASES

YEAR = Window(date(2025, 1, 1), date(2025, 12, 31))


def _normal(value: object) -> object:
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 6)
    if isinstance(value, list):
        return sorted(str(v) for v in value)
    return value if value is None or isinstance(value, str) else int(value)  # type: ignore[call-overload]


def _rows(hits: dict[str, object]) -> dict[str, list[dict[str, object]]]:
    out = {}
    for sid, table in hits.items():
        rows = [{k: _normal(v) for k, v in row.items()} for row in table.to_pylist()]  # type: ignore[attr-defined]
        out[sid] = sorted(rows, key=lambda r: (r["bank"], r["account_id"]))  # type: ignore[arg-type, return-value]
    return out


def test_every_scenario_gives_identical_hits_and_alerts(
    tmp_path: Path, duckdb_engine: Engine, spark: Engine
) -> None:
    book = Book()
    expected = {sid: case(book) for sid, case in CASES.items()}
    store = book.store(tmp_path)
    pack = load_pack(SHIPPED)

    on_duckdb = run_store(duckdb_engine, pack, store, YEAR)  # a small window: one plain table
    register_store(spark, store)
    on_spark = run_pack(spark, pack, YEAR, shape=shape_for(100_000_000))  # as on a province's

    assert set(on_duckdb) == set(on_spark) == set(SCENARIOS)
    assert _rows(on_spark) == _rows(on_duckdb)  # type: ignore[arg-type]
    for sid, wanted in expected.items():
        assert set(wanted) <= {r["account_id"] for r in on_spark[sid].to_pylist()}
    alerts_duckdb = [a.to_json() for a in score_hits(on_duckdb, pack, YEAR, "engine")]
    alerts_spark = [a.to_json() for a in score_hits(on_spark, pack, YEAR, "engine")]
    assert alerts_spark == alerts_duckdb
    assert {a["account_id"] for a in alerts_spark} >= {"S1C", "S2Q", "S3T", "S7D", "S8A", "S9L"}


def test_compressed_lines_and_bucketed_pairs_give_what_one_plain_table_gives(
    tmp_path: Path, duckdb_engine: Engine
) -> None:
    book = Book()
    for case in CASES.values():
        case(book)
    store = book.store(tmp_path)
    pack = load_pack(SHIPPED)
    register_store(duckdb_engine, store)

    plain = run_pack(duckdb_engine, pack, YEAR)
    large = run_pack(duckdb_engine, pack, YEAR, shape=Shape(compressed=True, buckets=4))

    assert shape_for(window_rows(store, YEAR)) == Shape(compressed=False, buckets=1)
    assert shape_for(100_000_000) == Shape(compressed=True, buckets=4)
    assert _rows(large) == _rows(plain)  # type: ignore[arg-type]
    assert sum(t.num_rows for t in large.values()) > 0
