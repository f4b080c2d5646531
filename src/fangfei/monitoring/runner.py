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
    LINES,
    TEXT_FLAGS,
    Binder,
    Compiler,
    Step,
    lines_sql,
    text_flags_sql,
)
from fangfei.monitoring.scenarios.shared import ACCT_DIR, acct_dir_sql
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
    the per-account profile is built (from the number of lines, ``shape_for``)."""

    compressed: bool = False
    buckets: int = 1


# Measured on 100M lines (2026-12-07, 2 cores, memory limit 3 GB): a plain table of the lines
# (about 60 bytes a line) spilled and the pack took 366 s; compressed (5 bytes a line, 67 s to
# build) 245 s. The per-account profile of 100M lines took 55 s in one aggregation, 33 s in
# eight buckets. Up to 12M lines a plain table in one bucket is the fastest (10M: 10 s).
PLAIN_MAX_ROWS = 12_000_000
BUCKET_ROWS = 12_500_000


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
    """The texts' flags, the window's lines, the per-account profile (bucket by bucket)."""
    values = _values(pack, window)

    def step(name: str, build: Callable[[Binder], str], large: bool = False) -> Step:
        binder = Binder(engine.dialect, values)
        return Step(name, build(binder), binder.params, large)

    steps = [step(TEXT_FLAGS, text_flags_sql), step(LINES, lines_sql, shape.compressed)]
    if shape.buckets == 1 or not engine.dialect.aggregates_in_buckets:
        return [*steps, step(ACCT_DIR, acct_dir_sql)]
    parts = [f"{ACCT_DIR}_{n}" for n in range(shape.buckets)]
    for n, part in enumerate(parts):
        steps.append(step(part, partial(acct_dir_sql, bucket=n, buckets=shape.buckets)))
    union = " UNION ALL ".join(f"SELECT * FROM {part}" for part in parts)
    return [*steps, Step(ACCT_DIR, union, {})]


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
        create = engine.create_large_table if step.large else engine.create_table
        create(step.name or "", step.sql, step.params)
    hits: dict[str, pa.Table] = {}
    for sid, steps in compile_pack(pack, engine, window, only).items():
        if tick:
            tick(sid)
        for step in steps:
            if step.name:
                engine.create_table(step.name, step.sql, step.params)
            else:
                hits[sid] = engine.fetch_arrow(step.sql, step.params)
        for step in steps:
            if step.name:
                engine.drop(step.name)
    for step in shared:
        engine.drop(step.name or "")
    return decode_keys(engine, hits)


def decode_keys(engine: Engine, hits: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """Hits with account numbers and txn_ids in place of the keys and line numbers.

    The scenarios work with keys (``fangfei.monitoring.keys``); the numbers come from the stored
    accounts and lines, and the txn_ids from the lines, read once for all hits.
    """
    keys: set[int] = set()
    lines: set[int] = set()
    for table in hits.values():
        keys.update(table["account_id"].to_pylist())
        keys.update(pc.list_flatten(table["counterparties"]).to_pylist())
        lines.update(pc.list_flatten(table["txn_ids"]).to_pylist())
    engine.register_arrow("hit_keys", pa.table({"k": pa.array(sorted(keys), pa.int64())}))
    engine.register_arrow("hit_lines", pa.table({"k": pa.array(sorted(lines), pa.int64())}))
    found = engine.fetch_arrow(
        """
        SELECT 'key' AS kind, account_key AS k, MIN(account_id) AS text FROM accounts
        WHERE account_key IN (SELECT k FROM hit_keys) GROUP BY account_key
        UNION ALL
        SELECT 'key', counterparty_key, MIN(counterparty_account) FROM txn
        WHERE counterparty_key IN (SELECT k FROM hit_keys) GROUP BY counterparty_key
        UNION ALL
        SELECT 'line', line, MIN(txn_id) FROM txn WHERE line IN (SELECT k FROM hit_lines)
        GROUP BY line""",
        {},
    )
    engine.drop("hit_keys")
    engine.drop("hit_lines")
    texts: dict[str, dict[int, str]] = {"key": {}, "line": {}}
    for kind, key, text in zip(*(found[c].to_pylist() for c in ("kind", "k", "text")), strict=True):
        texts[kind].setdefault(key, text)
    return {sid: _decoded(table, texts["key"], texts["line"]) for sid, table in hits.items()}


def _decoded(table: pa.Table, numbers: dict[int, str], txn_ids: dict[int, str]) -> pa.Table:
    def lists(column: str, text: dict[int, str]) -> pa.Array:
        values = table[column].to_pylist()
        return pa.array(
            [None if v is None else [text[k] for k in v] for v in values], pa.list_(pa.string())
        )

    columns = {
        "account_id": pa.array([numbers[k] for k in table["account_id"].to_pylist()], pa.string()),
        "counterparties": lists("counterparties", numbers),
        "txn_ids": lists("txn_ids", txn_ids),
    }
    for name, values in columns.items():
        table = table.set_column(table.schema.get_field_index(name), name, values)
    return table


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
