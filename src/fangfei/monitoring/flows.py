"""资金流向 — an account's money to and from its counterparties, read from the stored bank data.

For the alert pages: the fund-flow graph (accounts as nodes, money on the edges, one edge per
counterparty and direction, filtered by period and minimum amount), the account's totals in a
period, and the triggering transactions an alert's evidence names. Amounts stay exact
(DECIMAL in the store, Decimal here, strings in JSON). A bank's analyst reads only the rows of
that bank: every function takes the bank to confine the read to, or None for the lead office.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import duckdb

from fangfei.monitoring.store import BankStore

CASH = "现金"  # the node of lines without a counterparty account
MAX_EDGES = 60  # the largest flows of an account shown at once


@dataclass(frozen=True)
class Flow:
    """The money between an account and one counterparty in one direction."""

    account_id: str
    counterparty: str  # account id, or CASH
    counterparty_name: str
    direction: str  # in | out
    amount: Decimal
    count: int
    first: datetime
    last: datetime


@dataclass(frozen=True)
class Totals:
    """What went through an account in a period."""

    inflow: Decimal
    outflow: Decimal
    payers: int
    payees: int
    lines: int


def _files(store: BankStore, start: date, end: date) -> list[str]:
    """The month files of the period (the store is partitioned by month)."""
    first, last = f"{start:%Y-%m}", f"{end:%Y-%m}"
    return [
        str(path)
        for path in store.transaction_files()
        if first <= path.parent.name.removeprefix("month=") <= last
    ]


def _query(
    store: BankStore, start: date, end: date, sql: str, params: dict[str, Any]
) -> list[tuple[Any, ...]]:
    files = _files(store, start, end)
    if not files:
        return []
    con = duckdb.connect()
    try:
        con.read_parquet(files).create_view("txn")
        window = {"start": datetime.combine(start, time()),
                  "end": datetime.combine(end + timedelta(days=1), time())}  # fmt: skip
        return con.execute(sql, {**params, **window}).fetchall()
    finally:
        con.close()


def _bank_clause(bank: str | None) -> str:
    return "" if bank is None else " AND bank = $bank"


def flows(
    store: BankStore, *, bank: str | None, account_id: str, start: date, end: date,
    min_amount: Decimal = Decimal(0), limit: int = MAX_EDGES,
) -> list[Flow]:  # fmt: skip
    """The account's flows in the period of at least ``min_amount``, largest first."""
    sql = f"""
        SELECT coalesce(nullif(counterparty_account, ''), '{CASH}') AS party,
               max(coalesce(counterparty_name, '')), direction, sum(amount), count(*), min(ts), max(ts)
        FROM txn
        WHERE account_id = $account AND ts >= $start AND ts < $end{_bank_clause(bank)}
        GROUP BY party, direction
        HAVING sum(amount) >= $minimum
        ORDER BY sum(amount) DESC, party, direction
        LIMIT {int(limit)}
    """
    params: dict[str, Any] = {"account": account_id, "minimum": min_amount}
    if bank is not None:
        params["bank"] = bank
    return [
        Flow(account_id, party, name or "", direction, Decimal(amount), int(n), first, last)
        for party, name, direction, amount, n, first, last in _query(store, start, end, sql, params)
    ]


def totals(
    store: BankStore, *, bank: str | None, account_id: str, start: date, end: date
) -> Totals:
    """Money in and out of the account in the period, and how many distinct parties."""
    sql = f"""
        SELECT coalesce(sum(amount) FILTER (WHERE direction = 'in'), 0),
               coalesce(sum(amount) FILTER (WHERE direction = 'out'), 0),
               count(DISTINCT counterparty_account) FILTER (WHERE direction = 'in'),
               count(DISTINCT counterparty_account) FILTER (WHERE direction = 'out'),
               count(*)
        FROM txn WHERE account_id = $account AND ts >= $start AND ts < $end{_bank_clause(bank)}
    """
    params: dict[str, Any] = {"account": account_id} | ({"bank": bank} if bank else {})
    found = _query(store, start, end, sql, params)
    if not found:
        return Totals(Decimal(0), Decimal(0), 0, 0, 0)
    inflow, outflow, payers, payees, lines = found[0]
    return Totals(Decimal(inflow), Decimal(outflow), int(payers), int(payees), int(lines))


def lines(
    store: BankStore, *, bank: str, account_id: str, txn_ids: Sequence[str], start: date,
    end: date,
) -> list[dict[str, Any]]:  # fmt: skip
    """The named statement lines of the account, in time order."""
    if not txn_ids:
        return []
    sql = """
        SELECT txn_id, ts, direction, amount, coalesce(counterparty_account, ''),
               coalesce(counterparty_name, ''), coalesce(channel, ''), coalesce(remark, '')
        FROM txn
        WHERE bank = $bank AND account_id = $account AND list_contains($ids, txn_id)
          AND ts >= $start AND ts < $end
        ORDER BY ts, txn_id
    """
    params = {"bank": bank, "account": account_id, "ids": list(txn_ids)}
    keys = ("txn_id", "ts", "direction", "amount", "counterparty_account", "counterparty_name",
            "channel", "remark")  # fmt: skip
    return [dict(zip(keys, row, strict=True)) for row in _query(store, start, end, sql, params)]


def graph(centre: str, found: Sequence[Flow]) -> dict[str, Any]:
    """The flows as an ECharts graph: the account and its counterparties as nodes, one edge per
    counterparty and direction carrying the amount (yuan, as a string) and the line count."""
    nodes: dict[str, dict[str, Any]] = {centre: {"id": centre, "name": centre, "centre": True}}
    edges = []
    for flow in found:
        nodes.setdefault(flow.counterparty, {
            "id": flow.counterparty, "name": flow.counterparty_name or flow.counterparty,
            "account": flow.counterparty if flow.counterparty != CASH else None,
        })  # fmt: skip
        source, target = (
            (flow.counterparty, centre) if flow.direction == "in" else (centre, flow.counterparty)
        )
        edges.append({"source": source, "target": target, "amount": str(flow.amount),
                      "count": flow.count, "direction": flow.direction})  # fmt: skip
    return {"nodes": list(nodes.values()), "edges": edges}
