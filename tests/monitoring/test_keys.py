"""Account keys: stored by every import, added once to files written before them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from fangfei.monitoring.importer import import_files
from fangfei.monitoring.store import BankStore
from tests.monitoring.test_import import ACCOUNTS, HEADER, LINES, write


def md5_key(number: str) -> int:
    return int(hashlib.md5(number.encode()).hexdigest()[:15], 16)


def keyed_lines(store: BankStore) -> list[tuple[object, ...]]:
    files = [str(p) for p in store.transaction_files()]
    query = "txn_id, account_id, account_key, counterparty_account, counterparty_key"
    return duckdb.read_parquet(files).select(query).order("txn_id").fetchall()


def keyed_accounts(store: BankStore) -> list[tuple[object, ...]]:
    files = [str(p) for p in store.account_files()]
    return duckdb.read_parquet(files).select("account_id, account_key").order("1").fetchall()


def imported(tmp_path: Path) -> BankStore:
    store = BankStore(tmp_path / "bank")
    acc, txn = write(tmp_path / "a.csv", ACCOUNTS), write(tmp_path / "t.csv", HEADER + LINES)
    import_files(acc, txn, store=store)
    return store


EXPECTED_LINES = [
    ("T1", "A1", md5_key("A1"), "X9", md5_key("X9")),
    ("T2", "A2", md5_key("A2"), None, 0),
    ("T3", "A1", md5_key("A1"), "A2", md5_key("A2")),
]


def test_an_import_stores_the_md5_key_of_every_account_number(tmp_path: Path) -> None:
    store = imported(tmp_path)

    assert keyed_lines(store) == EXPECTED_LINES
    assert keyed_accounts(store) == [("A1", md5_key("A1")), ("A2", md5_key("A2"))]
    assert store.add_keys() == 0


def test_files_stored_without_keys_get_them_once_with_their_rows_unchanged(tmp_path: Path) -> None:
    store = imported(tmp_path)
    before = {}
    for path in [*store.account_files(), *store.transaction_files()]:
        table = pq.read_table(path)
        before[path] = table.drop_columns([c for c in table.column_names if c.endswith("_key")])
        pq.write_table(before[path], path)  # as an earlier version wrote it

    assert store.add_keys() == len(before)

    assert keyed_lines(store) == EXPECTED_LINES
    assert keyed_accounts(store) == [("A1", md5_key("A1")), ("A2", md5_key("A2"))]
    for path, old in before.items():
        now = pq.read_table(path).select(old.column_names)
        assert now.to_pylist() == old.to_pylist()
        assert [f.type for f in now.schema] == [f.type for f in old.schema]
    assert store.add_keys() == 0
    assert not list((store.root / ".journal").glob("*")) and not any(
        (store.root / ".staging").glob("*")
    )
