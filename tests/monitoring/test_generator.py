"""The synthetic county: deterministic, canonical, both sides of in-data transfers, ground truth."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from fangfei.monitoring.generator import GeneratorConfig, generate
from fangfei.monitoring.importer import import_files
from fangfei.monitoring.store import BankStore


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_seed_same_files_and_csv_imports_cleanly(tmp_path: Path) -> None:
    config = GeneratorConfig(accounts=600, days=120, seed=7, difficulty="medium")
    one = generate(config, tmp_path / "one")
    two = generate(config, tmp_path / "two")

    for a, b in (
        (one.accounts_path, two.accounts_path),
        (one.transactions_path, two.transactions_path),
        (one.labels_path, two.labels_path),
    ):
        assert digest(a) == digest(b)
    result = import_files(
        one.accounts_path, one.transactions_path, store=BankStore(tmp_path / "bank")
    )
    assert (result.accounts_added, result.transactions_added) == (600, one.rows)


def test_parquet_output_is_typed_mirrored_and_labelled(tmp_path: Path) -> None:
    made = generate(
        GeneratorConfig(accounts=800, days=300, seed=3, difficulty="hard"), tmp_path, "parquet"
    )

    schema = pq.read_schema(made.transactions_path)
    assert schema.field("amount").type == pa.decimal128(18, 2)
    con = duckdb.connect()
    try:
        txn = con.read_parquet(str(made.transactions_path))
        con.register("t", txn.to_arrow_table())
        unique, total = con.sql("SELECT COUNT(DISTINCT txn_id), COUNT(*) FROM t").fetchall()[0]
        (mirrored,) = con.sql(
            "SELECT COUNT(*) FROM t a JOIN t b ON a.account_id = b.counterparty_account "
            "AND b.account_id = a.counterparty_account AND a.amount = b.amount AND a.timestamp = b.timestamp "
            "AND a.direction = 'out' AND b.direction = 'in'"
        ).fetchall()[0]
        labels = con.read_csv(str(made.labels_path), all_varchar=True)
        roles = dict(labels.aggregate("role, COUNT(*)").fetchall())
        kinds = {
            r[0] for r in labels.filter("typologies IS NOT NULL").select("typologies").fetchall()
        }
    finally:
        con.close()
    assert unique == total == made.rows
    assert mirrored > 1000
    assert {"payroll", "merchant", "collection", "payout", "mule", "cycle", "lender"} <= set(roles)
    assert {"collection", "payout", "cycle", "lending", "transit", "dormant;transit"} <= kinds
