"""Hand-made bank statements for tests: accounts and transfers written as canonical CSV."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from fangfei.monitoring.importer import import_files
from fangfei.monitoring.store import BankStore

BANK = "测试银行"
ACCOUNT_HEADER = ["account_id", "bank", "holder_name", "holder_type", "holder_id", "opened_at"]
TXN_HEADER = [
    "txn_id",
    "bank",
    "account_id",
    "direction",
    "amount",
    "timestamp",
    "counterparty_account",
    "counterparty_name",
    "channel",
    "remark",
]


def at(day: str, hours: float = 10) -> datetime:
    """A moment on a day, ``hours`` after midnight."""
    return datetime.fromisoformat(day) + timedelta(hours=hours)


@dataclass
class Book:
    """Accounts in the data, and statement lines (both sides of transfers between them)."""

    accounts: dict[str, list[str]] = field(default_factory=dict)
    lines: list[list[str]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    bank: str = BANK

    def account(
        self, account_id: str, name: str, kind: str = "individual", opened: str = "2020-01-01",
        holder_id: str = "",
    ) -> str:  # fmt: skip
        """Open an account in the data."""
        self.accounts[account_id] = [account_id, self.bank, name, kind, holder_id, opened]
        self.names[account_id] = name
        return account_id

    def external(self, account_id: str, name: str) -> str:
        """A counterparty outside the data."""
        self.names[account_id] = name
        return account_id

    def transfer(self, src: str, dst: str, yuan: float, when: datetime, remark: str = "") -> None:
        """A transfer; a line for each side that is in the data."""
        stamp = when.strftime("%Y-%m-%d %H:%M:%S")
        if src in self.accounts:
            self._line(src, "out", yuan, stamp, dst, remark)
        if dst in self.accounts:
            self._line(dst, "in", yuan, stamp, src, remark)

    def cash(self, account: str, direction: str, yuan: float, when: datetime) -> None:
        """A cash deposit (in) or withdrawal (out)."""
        self._line(account, direction, yuan, when.strftime("%Y-%m-%d %H:%M:%S"), "", "")

    def _line(
        self, account: str, direction: str, yuan: float, stamp: str, cp: str, remark: str
    ) -> None:
        txn = f"T{len(self.lines) + 1:07d}"
        self.lines.append(
            [
                txn,
                self.bank,
                account,
                direction,
                f"{yuan:.2f}",
                stamp,
                cp,
                self.names.get(cp, ""),
                "网银",
                remark,
            ]
        )

    def write(self, folder: Path) -> tuple[Path, Path]:
        """The two canonical CSV files."""
        folder.mkdir(parents=True, exist_ok=True)
        accounts, transactions = folder / "accounts.csv", folder / "transactions.csv"
        for path, header, rows in (
            (accounts, ACCOUNT_HEADER, list(self.accounts.values())),
            (transactions, TXN_HEADER, self.lines),
        ):
            with path.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(header)
                writer.writerows(rows)
        return accounts, transactions

    def store(self, folder: Path) -> BankStore:
        """Import the book into a fresh store under ``folder``."""
        store = BankStore(folder / "bank")
        accounts, transactions = self.write(folder / "files")
        import_files(accounts, transactions, store=store)
        return store
