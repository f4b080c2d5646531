"""The seam to the entity register: which keys identify each account's holder.

``holder_keys`` reads the stored accounts and returns, per account, the holder's name and its
validated key — a unified social credit code for a company, a resident ID number for a person —
or why there is none. Linking these to entities (USCC exact match; ID number through the HMAC
blind index of ``fangfei.security.crypto.FieldCipher``; name as the fallback, flagged for review)
needs the application database and is done by the step that moves alerts into it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

from fangfei.entities.identifiers import KeyCheck, check_id_number, check_uscc
from fangfei.monitoring.store import BankStore


@dataclass(frozen=True)
class HolderKeys:
    """An account's holder as far as the bank data tells."""

    bank: str
    account_id: str
    holder_name: str
    holder_type: str  # individual | company
    uscc: str | None
    id_number: str | None
    status: str  # valid | invalid | missing
    problem: str | None = None


def _keys(bank: str, account: str, name: str, kind: str, raw: str | None) -> HolderKeys:
    check: KeyCheck = check_uscc(raw) if kind == "company" else check_id_number(raw)
    valid = check.value if check.status == "valid" else None
    return HolderKeys(
        bank=bank,
        account_id=account,
        holder_name=name,
        holder_type=kind,
        uscc=valid if kind == "company" else None,
        id_number=valid if kind != "company" else None,
        status=check.status,
        problem=check.problem,
    )


def holder_keys(
    store: BankStore, accounts: Iterable[tuple[str, str]] | None = None
) -> list[HolderKeys]:
    """Keys of the stored accounts (all, or the given (bank, account id) pairs)."""
    files = [str(p) for p in store.account_files()]
    if not files:
        return []
    wanted = set(accounts) if accounts is not None else None
    con = duckdb.connect()
    try:
        rows = (
            con.read_parquet(files)
            .select("bank, account_id, holder_name, holder_type, holder_id")
            .fetchall()
        )
    finally:
        con.close()
    return [
        _keys(bank, account, name, kind, raw)
        for bank, account, name, kind, raw in rows
        if wanted is None or (bank, account) in wanted
    ]
