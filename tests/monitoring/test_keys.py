"""Keys: stored by every import with the text dictionary, added once to files written before."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from fangfei.monitoring.importer import import_files
from fangfei.monitoring.store import BankStore
from tests.monitoring.test_import import ACCOUNTS, HEADER, LINES, write

KEYS = ("account_key", "counterparty_key", "name_key", "remark_key", "line")


def md5_key(text: str) -> int:
    return int(hashlib.md5(text.encode()).hexdigest()[:15], 16)


def keyed_lines(store: BankStore) -> list[tuple[object, ...]]:
    files = [str(p) for p in store.transaction_files()]
    query = "txn_id, account_key, counterparty_key, name_key, remark_key"
    return duckdb.read_parquet(files).select(query).order("txn_id").fetchall()


def line_numbers(store: BankStore) -> dict[str, int]:
    files = [str(p) for p in store.transaction_files()]
    return dict(duckdb.read_parquet(files).select("txn_id, line").fetchall())


def keyed_accounts(store: BankStore) -> list[tuple[object, ...]]:
    files = [str(p) for p in store.account_files()]
    return duckdb.read_parquet(files).select("account_id, account_key").order("1").fetchall()


def texts(store: BankStore) -> list[tuple[object, ...]]:
    files = [str(p) for p in store.text_files()]
    return sorted(duckdb.read_parquet(files).fetchall())


def imported(tmp_path: Path, lines: str = LINES, name: str = "t.csv") -> BankStore:
    store = BankStore(tmp_path / "bank")
    acc, txn = write(tmp_path / "a.csv", ACCOUNTS), write(tmp_path / name, HEADER + lines)
    import_files(acc, txn, store=store)
    return store


EXPECTED_LINES = [
    ("T1", md5_key("A1"), md5_key("X9"), md5_key("李四"), md5_key("投资")),
    ("T2", md5_key("A2"), 0, 0, 0),
    ("T3", md5_key("A1"), md5_key("A2"), md5_key("某县某某有限公司"), 0),
]
EXPECTED_TEXTS = sorted((md5_key(text), text) for text in ("李四", "投资", "某县某某有限公司"))


def test_an_import_stores_keys_numbers_lines_and_adds_new_texts_once(tmp_path: Path) -> None:
    store = imported(tmp_path)
    more = "T4,测试银行,A2,收,5,2025-03-01 09:00:00,X9,李四,网银,分红\n"
    imported(tmp_path, more, "more.csv")

    assert keyed_lines(store)[:3] == EXPECTED_LINES
    assert keyed_accounts(store) == [("A1", md5_key("A1")), ("A2", md5_key("A2"))]
    # numbered by record (the header is record 1); the next import carries on after the last
    assert line_numbers(store) == {"T1": 2, "T2": 3, "T3": 4, "T4": 6}
    assert texts(store) == sorted([*EXPECTED_TEXTS, (md5_key("分红"), "分红")])
    assert store.add_keys() == 0


def test_files_stored_without_keys_get_them_once_with_their_rows_unchanged(tmp_path: Path) -> None:
    store = imported(tmp_path)
    before = {}
    for path in [*store.account_files(), *store.transaction_files()]:
        table = pq.read_table(path)
        before[path] = table.drop_columns([c for c in KEYS if c in table.column_names])
        pq.write_table(before[path], path)  # as an earlier version wrote it
    shutil.rmtree(store.texts_dir)

    assert store.add_keys() == len(before)

    assert keyed_lines(store) == EXPECTED_LINES
    assert keyed_accounts(store) == [("A1", md5_key("A1")), ("A2", md5_key("A2"))]
    assert texts(store) == EXPECTED_TEXTS
    in_file_order = [
        txn
        for path in store.transaction_files()
        for txn in pq.read_table(path)["txn_id"].to_pylist()
    ]
    assert line_numbers(store) == {txn: n for n, txn in enumerate(in_file_order, start=1)}
    for path, old in before.items():
        now = pq.read_table(path).select(old.column_names)
        assert now.to_pylist() == old.to_pylist()
        assert [f.type for f in now.schema] == [f.type for f in old.schema]
    assert store.add_keys() == 0
    assert not list((store.root / ".journal").glob("*"))
    assert not any((store.root / ".staging").glob("*"))
