"""Running the scenario pack on an engine over a window of the transaction store."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from fangfei.errors import FangfeiError, FieldProblem, invalid
from fangfei.monitoring.engines import Engine
from fangfei.monitoring.scenarios import SCENARIOS
from fangfei.monitoring.scenarios.base import (
    ACCOUNTS,
    LINES,
    TEXT_FLAGS,
    Binder,
    Compiler,
    Step,
    StepKind,
    accounts_sql,
    lines_sql,
    text_flags_sql,
)
from fangfei.monitoring.scenarios.shared import ACCT_DIR, ACCT_PAIRS, acct_dir_sql, acct_pairs_sql
from fangfei.monitoring.scenarios.spec import Pack
from fangfei.monitoring.store import BankStore

Tick = Callable[[str], None]


@dataclass(frozen=True)
class Window:
    """The analysis period, both ends included (local dates)."""

    start: date
    end: date

    def values(self) -> dict[str, object]:
        """The window as SQL parameters (epoch seconds, end exclusive; months as YYYY-MM)."""
        return {
            "start_es": calendar.timegm(self.start.timetuple()),
            "end_es": calendar.timegm((self.end + timedelta(days=1)).timetuple()),
            "start_month": self.start.strftime("%Y-%m"),
            "end_month": self.end.strftime("%Y-%m"),
        }


def default_window(store: BankStore, start: date | None, end: date | None) -> Window:
    """The given window, with open ends taken from the whole months that hold data."""
    months = store.months()
    if not months:
        raise FangfeiError("no_data", "尚未导入任何交易流水：请先运行 fangfei tx import。", 404)
    first = date.fromisoformat(months[0] + "-01")
    year, month = (int(x) for x in months[-1].split("-"))
    last = date(year, month, calendar.monthrange(year, month)[1])
    window = Window(start or first, end or last)
    if window.start > window.end:
        raise invalid(
            "开始日期晚于结束日期。", [FieldProblem("--from", f"{window.start} 晚于 {window.end}")]
        )
    return window


def register_store(engine: Engine, store: BankStore) -> None:
    """Expose the stored transactions (``txn``) and accounts (``accounts``) to the engine."""
    engine.register_parquet("txn", store.transaction_files(), root=store.transactions_dir)
    engine.register_parquet("accounts", store.account_files())
    engine.register_parquet("texts", store.text_files())


@dataclass(frozen=True)
class Shape:
    """How a run holds the window's lines: compressed or not, and in how many account buckets
    the account–counterparty pairs are built (from the number of lines, ``shape_for``)."""

    compressed: bool = False
    buckets: int = 1


# Measured on 100M lines (2026-12-07, 2 cores, memory limit 3 GB): a plain table of the lines
# (about 60 bytes a line) spilled and the pack took 366 s; compressed in a scratch database file
# (24 bytes a line, 25 s to build) 80 s. The account–counterparty pairs of 100M lines took 24 s
# in one pass, 19 s in nine buckets, 15 s in five. Up to 12M lines a plain table in one bucket
# is the fastest.
PLAIN_MAX_ROWS = 12_000_000
BUCKET_ROWS = 25_000_000


def shape_for(rows: int) -> Shape:
    """The shape of a run over ``rows`` statement lines."""
    return Shape(compressed=rows > PLAIN_MAX_ROWS, buckets=max(1, -(-rows // BUCKET_ROWS)))


def window_rows(store: BankStore, window: Window) -> int:
    """Statement lines stored for the window's months (from the Parquet footers)."""
    first, last = window.start.strftime("%Y-%m"), window.end.strftime("%Y-%m")
    return sum(
        pq.ParquetFile(path).metadata.num_rows
        for path in store.transaction_files()
        if first <= path.parent.name.removeprefix("month=") <= last
    )


def _values(pack: Pack, window: Window) -> dict[str, object]:
    return {**pack.values(), **window.values()}


def compile_pack(
    pack: Pack,
    dialect_engine: Engine,
    window: Window,
    only: set[str] | None = None,
) -> dict[str, list[Step]]:
    """Every enabled scenario's steps (or those in ``only``) for the engine's dialect."""
    values = _values(pack, window)
    compiled: dict[str, list[Step]] = {}
    for sid, scenario in SCENARIOS.items():
        settings = pack.scenarios.get(sid)
        if settings is None or not settings.enabled or (only is not None and sid not in only):
            continue
        compiler = Compiler(dialect_engine.dialect, values, f"{sid.lower()}_")
        compiled[sid] = scenario.compile(compiler)
    return compiled


def shared_steps(pack: Pack, engine: Engine, window: Window, shape: Shape) -> list[Step]:
    """The accounts' keys, the texts' flags, the window's lines, the account–counterparty pairs
    (bucket by bucket) and the per-account profile."""
    values = _values(pack, window)

    def step(name: str, build: Callable[[Binder], str], kind: StepKind = "table") -> Step:
        binder = Binder(engine.dialect, values)
        return Step(name, build(binder), binder.params, kind)

    steps = [
        step(ACCOUNTS, accounts_sql),
        step(TEXT_FLAGS, text_flags_sql),
        step(LINES, lines_sql, "compressed" if shape.compressed else "table"),
    ]
    if shape.buckets == 1 or not engine.dialect.aggregates_in_buckets:
        steps.append(step(ACCT_PAIRS, acct_pairs_sql))
    else:
        parts = [f"{ACCT_PAIRS}_{n}" for n in range(shape.buckets)]
        for n, part in enumerate(parts):
            steps.append(step(part, partial(acct_pairs_sql, bucket=n, buckets=shape.buckets)))
        union = " UNION ALL ".join(f"SELECT * FROM {part}" for part in parts)
        steps.append(Step(ACCT_PAIRS, union, {}, "view"))
    return [*steps, step(ACCT_DIR, acct_dir_sql)]


def run_pack(
    engine: Engine,
    pack: Pack,
    window: Window,
    tick: Tick | None = None,
    only: set[str] | None = None,
    shape: Shape = Shape(),
) -> dict[str, pa.Table]:
    """The hits of every enabled scenario (one row per account), by scenario id."""
    shared = shared_steps(pack, engine, window, shape)
    if tick:
        tick("账户画像")
    for step in shared:
        create(engine, step)
    hits: dict[str, pa.Table] = {}
    for sid, steps in compile_pack(pack, engine, window, only).items():
        if tick:
            tick(sid)
        for step in steps:
            if step.name:
                create(engine, step)
            else:
                hits[sid] = engine.fetch_arrow(step.sql, step.params)
        for step in steps:
            if step.name:
                engine.drop(step.name)
    decoded = decode_keys(engine, hits)
    for step in shared:
        engine.drop(step.name or "")
    return decoded


def create(engine: Engine, step: Step) -> None:
    """Materialise a named step as its kind says."""
    make = {
        "table": engine.create_table,
        "compressed": engine.create_large_table,
        "view": engine.create_view,
    }[step.kind]
    make(step.name or "", step.sql, step.params)


def decode_keys(engine: Engine, hits: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """Hits with banks, account numbers and txn_ids in place of the keys and line numbers.

    The scenarios work with keys (``fangfei.monitoring.keys``, ``ACCOUNTS``): accounts and the
    counterparties that are accounts of the data are decoded from the accounts; other
    counterparties and the lines from the stored lines, read once for all hits.
    """
    accounts: set[int] = set()
    keys: set[int] = set()
    lines: set[int] = set()
    for table in hits.values():
        accounts.update(table["account_id"].to_pylist())
        keys.update(pc.list_flatten(table["counterparties"]).to_pylist())
        lines.update(pc.list_flatten(table["txn_ids"]).to_pylist())
    holders = _lookup(
        engine,
        f"""SELECT account_id AS k, bank, number FROM {ACCOUNTS}
            WHERE account_id IN (SELECT k FROM wanted)""",
        accounts,
    )
    banks = {k: bank for k, bank, _ in holders}
    numbers = {k: number for k, _, number in holders}
    cps = _lookup(
        engine,
        f"""SELECT account_key AS k, MIN(number), '' FROM {ACCOUNTS}
            WHERE account_key IN (SELECT k FROM wanted) GROUP BY account_key""",
        keys,
    )
    cp_numbers = {k: number for k, number, _ in cps}
    strangers = keys - cp_numbers.keys()
    stored = _lookup(
        engine,
        """SELECT counterparty_key AS k, MIN(counterparty_account), 'key' FROM txn
           WHERE counterparty_key IN (SELECT k FROM wanted WHERE kind = 'key')
           GROUP BY counterparty_key
           UNION ALL
           SELECT line, MIN(txn_id), 'line' FROM txn
           WHERE line IN (SELECT k FROM wanted WHERE kind = 'line') GROUP BY line""",
        strangers,
        lines,
    )
    txn_ids = {k: text for k, text, kind in stored if kind == "line"}
    cp_numbers.update((k, text) for k, text, kind in stored if kind == "key")
    return {
        sid: _decoded(table, banks, numbers, cp_numbers, txn_ids) for sid, table in hits.items()
    }


def _lookup(
    engine: Engine, sql: str, keys: set[int], lines: set[int] | None = None
) -> list[tuple[int, str, str]]:
    """Rows of ``sql`` for the keys (and lines) registered as ``wanted (k, kind)``."""
    if not keys and not lines:
        return []
    ks, kinds = (
        sorted(keys) + sorted(lines or ()),
        ["key"] * len(keys) + ["line"] * len(lines or ()),
    )
    engine.register_arrow("wanted", pa.table({"k": pa.array(ks, pa.int64()), "kind": kinds}))
    found = engine.fetch_arrow(sql, {})
    engine.drop("wanted")
    return list(zip(*(column.to_pylist() for column in found.columns), strict=True))


def _decoded(
    table: pa.Table,
    banks: dict[int, str],
    numbers: dict[int, str],
    cp_numbers: dict[int, str],
    txn_ids: dict[int, str],
) -> pa.Table:
    def lists(column: str, text: dict[int, str]) -> pa.Array:
        values = table[column].to_pylist()
        return pa.array(
            [None if v is None else [text[k] for k in v] for v in values], pa.list_(pa.string())
        )

    accounts = table["account_id"].to_pylist()
    columns = {
        "account_id": pa.array([numbers[k] for k in accounts], pa.string()),
        "counterparties": lists("counterparties", cp_numbers),
        "txn_ids": lists("txn_ids", txn_ids),
    }
    for name, values in columns.items():
        table = table.set_column(table.schema.get_field_index(name), name, values)
    return table.add_column(0, "bank", pa.array([banks[k] for k in accounts], pa.string()))


def run_store(
    engine: Engine,
    pack: Pack,
    store: BankStore,
    window: Window,
    tick: Tick | None = None,
    only: set[str] | None = None,
) -> dict[str, pa.Table]:
    """Register the store on the engine and run the pack, shaped by the window's size."""
    register_store(engine, store)
    return run_pack(engine, pack, window, tick, only, shape_for(window_rows(store, window)))
