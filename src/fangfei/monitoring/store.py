"""The transaction store: Parquet files under ``<FANGFEI_HOME>/bank/``, changed only by commits.

Layout::

    bank/accounts/part-<import>.parquet
    bank/transactions/month=YYYY-MM/part-<import>-<n>.parquet
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

import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from fangfei.config import get_settings
from fangfei.monitoring.keys import counterparty_key_sql, key_sql


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
    def mappings_dir(self) -> Path:
        """Saved per-bank column mappings."""
        return self.root / "mappings"

    def account_files(self) -> list[Path]:
        """Every stored account file."""
        return sorted(self.accounts_dir.glob("*.parquet"))

    def transaction_files(self) -> list[Path]:
        """Every stored transaction file."""
        return sorted(self.transactions_dir.glob("month=*/*.parquet"))

    def months(self) -> list[str]:
        """The months that hold transactions (YYYY-MM)."""
        return sorted({p.parent.name.removeprefix("month=") for p in self.transaction_files()})

    def new_staging(self) -> Staging:
        """A fresh staging folder for one import."""
        ident = uuid.uuid4().hex[:12]
        path = self.root / ".staging" / ident
        path.mkdir(parents=True)
        return Staging(self, ident, path)

    def add_keys(self) -> int:
        """Rewrite the files stored without account keys (in one journalled commit); how many."""
        account = f"{key_sql('account_id')} AS account_key"
        line = f"{account}, {counterparty_key_sql('counterparty_account')} AS counterparty_key"
        old = [(p, account) for p in self.account_files() if _lacks_keys(p)]
        old += [(p, line) for p in self.transaction_files() if _lacks_keys(p)]
        if not old:
            return 0
        staging = self.new_staging()
        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")
        try:
            moves: list[list[str]] = []
            for n, (path, added) in enumerate(old):
                staged = staging.path / f"{n}.parquet"
                con.sql(
                    f"SELECT *, {added} FROM read_parquet($path, hive_partitioning = false)",
                    params={"path": str(path)},
                ).write_parquet(str(staged), compression="zstd", row_group_size=1_000_000)
                moves.append([str(staged), str(path)])
            staging.move(moves)
        finally:
            con.close()
            staging.discard()
        return len(old)

    def recover(self) -> None:
        """Finish every commit that was interrupted while moving files."""
        for journal in sorted((self.root / ".journal").glob("*.json")):
            moves = json.loads(journal.read_text("utf-8"))
            _finish(moves)
            shutil.rmtree(self.root / ".staging" / journal.stem, ignore_errors=True)
            journal.unlink()


def _lacks_keys(path: Path) -> bool:
    return "account_key" not in pq.read_schema(path).names


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
