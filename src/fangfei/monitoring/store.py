"""The transaction store: Parquet files under ``<FANGFEI_HOME>/bank/``, changed only by commits.

Layout::

    bank/accounts/part-<import>.parquet
    bank/transactions/month=YYYY-MM/part-<import>-<n>.parquet
    bank/texts/part-<import>-0.parquet     counterparty names and remarks by key
    bank/mappings/<bank>.yaml          per-bank column mappings
    bank/.staging/<import>/            an import being written
    bank/.journal/<import>.json        a commit being moved into place

An import writes everything into its staging folder first. Its commit writes a journal naming
every move, then renames the files into place; a commit interrupted half-way is finished the next
time the store is opened, so a file lands whole or not at all.

Files written before account keys were stored (``fangfei.monitoring.keys``) are rewritten with
them, by the same kind of journalled commit, the first time the store is opened for work.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from fangfei.config import get_settings
from fangfei.monitoring.canonical import ACCOUNT_SCHEMA, TRANSACTION_SCHEMA
from fangfei.monitoring.keys import key_sql, line_keys_sql, new_texts_sql


@dataclass(frozen=True)
class BankStore:
    """The bank data of one installation."""

    root: Path

    @classmethod
    def default(cls) -> BankStore:
        """The store under the configured FANGFEI_HOME: interrupted commits finished, keys added."""
        store = cls.of(get_settings().resolved_home)
        store.recover()
        store.add_keys()
        return store

    @classmethod
    def of(cls, home: Path) -> BankStore:
        """The store of the installation at ``home``, as it is (for reading)."""
        return cls(home / "bank")

    @property
    def accounts_dir(self) -> Path:
        """Account files."""
        return self.root / "accounts"

    @property
    def transactions_dir(self) -> Path:
        """Transaction files, one folder per month."""
        return self.root / "transactions"

    @property
    def texts_dir(self) -> Path:
        """The text dictionary: each counterparty name and remark once, by key."""
        return self.root / "texts"

    @property
    def mappings_dir(self) -> Path:
        """Saved per-bank column mappings."""
        return self.root / "mappings"

    def account_files(self) -> list[Path]:
        """Every stored account file."""
        return sorted(self.accounts_dir.glob("*.parquet"))

    def transaction_files(self) -> list[Path]:
        """Every stored transaction file."""
        return sorted(self.transactions_dir.glob("month=*/*.parquet"))

    def text_files(self) -> list[Path]:
        """Every stored part of the text dictionary."""
        return sorted(self.texts_dir.glob("*.parquet"))

    def months(self) -> list[str]:
        """The months that hold transactions (YYYY-MM)."""
        return sorted({p.parent.name.removeprefix("month=") for p in self.transaction_files()})

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the store for one writer at a time (an import or adding keys); others wait."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def new_staging(self) -> Staging:
        """A fresh staging folder for one import."""
        ident = uuid.uuid4().hex[:12]
        path = self.root / ".staging" / ident
        path.mkdir(parents=True)
        return Staging(self, ident, path)

    def add_keys(self) -> int:
        """Rewrite the files stored without keys (in one journalled commit); how many."""
        with self.lock():
            return self._add_keys()

    def _add_keys(self) -> int:
        accounts = [p for p in self.account_files() if _lacks(p, "account_key")]
        lines = [p for p in self.transaction_files() if _lacks(p, "line")]
        if not accounts and not lines:
            return 0
        staging = self.new_staging()
        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")
        try:
            moves = _keyed_accounts(con, accounts, staging.path)
            line_moves = _keyed_lines(con, lines, self.transaction_files(), staging.path)
            if line_moves:
                register_texts(con, self.text_files())
                texts = staging.path / "texts.parquet"
                staged = [source for source, _ in line_moves]
                query = new_texts_sql("read_parquet($staged)", "texts_stored")
                _write(con, query, {"staged": staged}, texts)
                target = self.texts_dir / f"part-{staging.ident}-0.parquet"
                line_moves.append([str(texts), str(target)])
            staging.move(moves + line_moves)
        finally:
            con.close()
            staging.discard()
        return len(accounts) + len(lines)

    def recover(self) -> None:
        """Finish every commit that was interrupted while moving files."""
        for journal in sorted((self.root / ".journal").glob("*.json")):
            moves = json.loads(journal.read_text("utf-8"))
            _finish(moves)
            shutil.rmtree(self.root / ".staging" / journal.stem, ignore_errors=True)
            journal.unlink()


def _lacks(path: Path, column: str) -> bool:
    return column not in pq.read_schema(path).names


def _write(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object], out: Path) -> None:
    con.sql(sql, params=params).write_parquet(
        str(out), compression="zstd", row_group_size=1_000_000
    )


def _keyed_accounts(
    con: duckdb.DuckDBPyConnection, paths: list[Path], staging: Path
) -> list[list[str]]:
    moves = []
    columns = ", ".join(ACCOUNT_SCHEMA.names)
    for n, path in enumerate(paths):
        staged = staging / f"account-{n}.parquet"
        query = f"SELECT {columns}, {key_sql('account_id')} AS account_key FROM read_parquet($path)"
        _write(con, query, {"path": str(path)}, staged)
        moves.append([str(staged), str(path)])
    return moves


def _keyed_lines(
    con: duckdb.DuckDBPyConnection, paths: list[Path], every: list[Path], staging: Path
) -> list[list[str]]:
    """Lines of ``paths`` with their keys, numbered after the lines already numbered."""
    base = last_line(con, [p for p in every if p not in paths])
    columns = ", ".join(TRANSACTION_SCHEMA.names)
    moves = []
    for n, path in enumerate(paths):
        staged = staging / f"line-{n}.parquet"
        query = f"""
            SELECT {columns}, {line_keys_sql(f"{base + 1} + file_row_number")}
            FROM read_parquet($path, hive_partitioning = false, file_row_number = true)"""
        _write(con, query, {"path": str(path)}, staged)
        base += pq.ParquetFile(path).metadata.num_rows
        moves.append([str(staged), str(path)])
    return moves


def last_line(con: duckdb.DuckDBPyConnection, files: list[Path]) -> int:
    """The highest line number in ``files`` (0 for none)."""
    if not files:
        return 0
    query = "SELECT MAX(line) FROM read_parquet($f, hive_partitioning = false)"
    ((found,),) = con.execute(query, {"f": [str(p) for p in files]}).fetchall()
    return int(found or 0)


def register_texts(con: duckdb.DuckDBPyConnection, files: list[Path]) -> None:
    """The stored text dictionary as ``texts_stored`` (empty when there is none yet)."""
    if files:
        con.read_parquet([str(p) for p in files]).create_view("texts_stored")
    else:
        con.execute("CREATE VIEW texts_stored AS SELECT 0::BIGINT AS key, '' AS text WHERE FALSE")


def _finish(moves: list[list[str]]) -> None:
    for source, target in moves:
        if Path(source).exists():
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)


@dataclass(frozen=True)
class Staging:
    """Where one import is written before it is committed."""

    store: BankStore
    ident: str
    path: Path

    def commit(self) -> list[Path]:
        """Move every staged file into the store (journalled); the stored paths."""
        moves: list[list[str]] = []
        staged_accounts = self.path / "accounts"
        for n, source in enumerate(sorted(staged_accounts.glob("*.parquet"))):
            target = self.store.accounts_dir / f"part-{self.ident}-{n}.parquet"
            moves.append([str(source), str(target)])
        for n, source in enumerate(sorted((self.path / "transactions").glob("month=*/*.parquet"))):
            folder = self.store.transactions_dir / source.parent.name
            moves.append([str(source), str(folder / f"part-{self.ident}-{n}.parquet")])
        for n, source in enumerate(sorted((self.path / "texts").glob("*.parquet"))):
            moves.append(
                [str(source), str(self.store.texts_dir / f"part-{self.ident}-{n}.parquet")]
            )
        self.move(moves)
        return [Path(target) for _, target in moves]

    def move(self, moves: list[list[str]]) -> None:
        """Move staged files (source, target) into the store, all or — after a crash — later."""
        journal = self.store.root / ".journal" / f"{self.ident}.json"
        journal.parent.mkdir(parents=True, exist_ok=True)
        partial = journal.with_suffix(".part")
        partial.write_text(json.dumps(moves), "utf-8")
        os.replace(partial, journal)  # from here on the commit will complete
        self.store.recover()

    def discard(self) -> None:
        """Remove everything staged."""
        shutil.rmtree(self.path, ignore_errors=True)
