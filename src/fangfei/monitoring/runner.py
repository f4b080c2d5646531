"""Running the scenario pack on an engine over a window of the transaction store."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from fangfei.errors import FangfeiError, FieldProblem, invalid
from fangfei.monitoring.engines import Engine
from fangfei.monitoring.scenarios import SCENARIOS
from fangfei.monitoring.scenarios.base import (
    LINES,
    MATERIALISED,
    Binder,
    Compiler,
    Step,
    lines_sql,
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


# Above this many lines in the window, the scenarios read the Parquet store again instead of a
# materialised table of the lines. The table takes about 150 bytes a line: at 10M lines the pack
# ran in 9.3 s instead of 16.0 s (peak 2.7 GiB); at 100M it spilled past the 3 GB memory limit
# and took 313 s instead of 251 s (benchmarks/monitoring.py, 2026-12-07).
MATERIALISE_MAX_ROWS = 12_000_000


def window_rows(store: BankStore, window: Window) -> int:
    """Statement lines stored for the window's months (from the Parquet footers)."""
    first, last = window.start.strftime("%Y-%m"), window.end.strftime("%Y-%m")
    return sum(
        pq.ParquetFile(path).metadata.num_rows
        for path in store.transaction_files()
        if first <= path.parent.name.removeprefix("month=") <= last
    )


def _values(pack: Pack, window: Window, materialise: bool) -> dict[str, object]:
    return {**pack.values(), **window.values(), MATERIALISED: materialise}


def compile_pack(
    pack: Pack,
    dialect_engine: Engine,
    window: Window,
    only: set[str] | None = None,
    materialise: bool = True,
) -> dict[str, list[Step]]:
    """Every enabled scenario's steps (or those in ``only``) for the engine's dialect."""
    values = _values(pack, window, materialise)
    compiled: dict[str, list[Step]] = {}
    for sid, scenario in SCENARIOS.items():
        settings = pack.scenarios.get(sid)
        if settings is None or not settings.enabled or (only is not None and sid not in only):
            continue
        compiler = Compiler(dialect_engine.dialect, values, f"{sid.lower()}_")
        compiled[sid] = scenario.compile(compiler)
    return compiled


def shared_steps(
    pack: Pack, engine: Engine, window: Window, materialise: bool = True
) -> list[Step]:
    """The window's lines (when materialised) and the per-account profile every scenario uses."""
    values = _values(pack, window, materialise)
    lines, profile = Binder(engine.dialect, values), Binder(engine.dialect, values)
    steps = [Step(LINES, lines_sql(lines), lines.params)] if materialise else []
    return [*steps, Step(ACCT_DIR, acct_dir_sql(profile), profile.params)]


def run_pack(
    engine: Engine,
    pack: Pack,
    window: Window,
    tick: Tick | None = None,
    only: set[str] | None = None,
    materialise: bool = True,
) -> dict[str, pa.Table]:
    """The hits of every enabled scenario (one row per account), by scenario id."""
    shared = shared_steps(pack, engine, window, materialise)
    if tick:
        tick("账户画像")
    for step in shared:
        engine.create_table(step.name or "", step.sql, step.params)
    hits: dict[str, pa.Table] = {}
    for sid, steps in compile_pack(pack, engine, window, only, materialise).items():
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
    """Hits with account numbers in place of the keys the scenarios work with.

    ``account_id`` and ``counterparties`` hold keys (``fangfei.monitoring.keys``); the numbers
    come from the stored accounts and lines, read once for all the keys of all hits.
    """
    keys = {
        key
        for table in hits.values()
        for key in (
            *table["account_id"].to_pylist(),
            *pc.list_flatten(table["counterparties"]).to_pylist(),
        )
        if key is not None
    }
    engine.register_arrow("hit_keys", pa.table({"k": pa.array(sorted(keys), pa.int64())}))
    numbers = engine.fetch_arrow(
        """
        SELECT account_key AS k, MIN(account_id) AS number FROM accounts
        WHERE account_key IN (SELECT k FROM hit_keys) GROUP BY account_key
        UNION ALL
        SELECT counterparty_key, MIN(counterparty_account) FROM txn
        WHERE counterparty_key IN (SELECT k FROM hit_keys) GROUP BY counterparty_key""",
        {},
    )
    engine.drop("hit_keys")
    number = dict(zip(numbers["k"].to_pylist(), numbers["number"].to_pylist(), strict=True))
    decoded: dict[str, pa.Table] = {}
    for sid, table in hits.items():
        accounts = pa.array([number[k] for k in table["account_id"].to_pylist()], pa.string())
        counterparties = pa.array(
            [
                None if ks is None else [number[k] for k in ks]
                for ks in table["counterparties"].to_pylist()
            ],
            pa.list_(pa.string()),
        )
        table = table.set_column(table.schema.get_field_index("account_id"), "account_id", accounts)
        at = table.schema.get_field_index("counterparties")
        decoded[sid] = table.set_column(at, "counterparties", counterparties)
    return decoded


def run_store(
    engine: Engine,
    pack: Pack,
    store: BankStore,
    window: Window,
    tick: Tick | None = None,
    only: set[str] | None = None,
) -> dict[str, pa.Table]:
    """Register the store on the engine and run the pack (lines materialised when they fit)."""
    register_store(engine, store)
    materialise = window_rows(store, window) <= MATERIALISE_MAX_ROWS
    return run_pack(engine, pack, window, tick, only, materialise)
