"""The whole scenario pack on generated bank data: rows per minute per core and peak memory.

Run: ``.venv/bin/python benchmarks/monitoring.py [rows]`` (default 10,000,000 statement lines).
For the 100M-row figure: ``benchmarks/monitoring.py 100000000 --engines duckdb`` (about 12 GB
of disk under ``--workdir``; generation and import take most of the time). Goal (issue 3):
≥ 50 million rows per minute per core for the whole pack on DuckDB, peak memory ≤ 4 GB at 100M.

Steps, each timed: generate a ``hard`` county of the size asked (365 days, Parquet), import it
into a fresh store (validation, dedupe, monthly partitions), then run the pack once per engine,
each in its own process so that its peak resident memory is its own:

- ``duckdb``: the pack as shipped (memory limit 3 GB, spilling to disk beyond it);
- ``pandas``: the baseline, written plainly in pandas (single-threaded, the whole window in
  memory). It covers only the passes over every line — the per-account direction profiles
  (lines, money, distinct and individual counterparties, remarks, round amounts) behind S1–S5
  and S9, the daily sums of S6 and the activity gaps of S7 — and none of the candidate stages
  (holding time, networks, cycles, loans). It is therefore a lower bound on what a plain
  implementation costs;
- ``spark``: the same pack on Spark in local mode with all cores.

Figures are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

from fangfei.monitoring.engines import DuckDbEngine, Engine, SparkEngine, spark_session
from fangfei.monitoring.generator import GeneratorConfig, generate
from fangfei.monitoring.importer import import_files
from fangfei.monitoring.runner import default_window, run_store
from fangfei.monitoring.scenarios.spec import SHIPPED, load_pack
from fangfei.monitoring.scoring import score_hits
from fangfei.monitoring.store import BankStore

LINES_PER_ACCOUNT = 165  # a hard county over 365 days averages about this many lines per account
CORES = os.cpu_count() or 1
GIB = 1024**3


def _high_water(pid: int | str = "self") -> int:
    """Peak resident memory of one process (VmHWM; unlike ru_maxrss it is not inherited by exec)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


# --- one engine, in a child process ---------------------------------------------------------


def _pack(engine: Engine, store: BankStore) -> dict[str, int]:
    pack = load_pack(SHIPPED)
    window = default_window(store, None, None)
    hits = run_store(engine, pack, store, window)
    alerts = score_hits(hits, pack, window, engine.name)
    return {"hits": sum(t.num_rows for t in hits.values()), "alerts": len(alerts)}


def _pandas_baseline(store: BankStore) -> dict[str, int]:
    """The passes over every line, written plainly in pandas: profiles, daily sums, activity gaps."""
    import pandas as pd  # the benchmark's baseline only; not a dependency of fangfei itself

    columns = ["account_id", "direction", "amount", "ts", "counterparty_account",
               "counterparty_name", "remark"]  # fmt: skip
    frames = []
    for path in store.transaction_files():
        table = pq.read_table(path, columns=columns)
        fen = pc.cast(pc.multiply(table.column("amount"), 100), "int64")  # exact: no float money
        frames.append(table.drop_columns(["amount"]).append_column("fen", fen).to_pandas())
    t = pd.concat(frames, ignore_index=True)
    del frames
    t["inb"] = (t["direction"] == "in").astype("int8")
    t["day"] = t["ts"].astype("int64") // 86_400_000_000
    cp = t["counterparty_account"].fillna("")
    name = t["counterparty_name"].fillna("")
    t["cp"] = cp.where(cp != "")
    individual = (cp != "") & (name.str.len() <= 4) & ~name.str.contains("公司", regex=False)
    t["ind_cp"] = t["cp"].where(individual)
    words = "投资|理财|认购|分红|利息|收益|复投|返利|本金|养老"
    t["kw"] = t["remark"].fillna("").str.contains(words).astype("int8")
    t["rnd"] = ((t["fen"] >= 500_000) & (t["fen"] % 50_000 == 0)).astype("int8")
    profile = t.groupby(["account_id", "inb"]).agg(
        n=("fen", "size"), fen=("fen", "sum"), cps=("cp", "nunique"),
        ind_cps=("ind_cp", "nunique"), kw=("kw", "sum"), rnd=("rnd", "sum"),
    )  # fmt: skip
    t["cash"] = cp == ""
    daily = t.groupby(["account_id", "day", "inb", "cash"])["fen"].sum()
    days = t[["account_id", "day"]].drop_duplicates().sort_values(["account_id", "day"])
    accounts = pd.concat(
        pq.read_table(p, columns=["account_id", "opened_at"]).to_pandas()
        for p in store.account_files()
    ).drop_duplicates("account_id")
    opened = pd.to_datetime(accounts["opened_at"]).astype("int64") // 86_400_000_000_000
    since = opened.clip(lower=int(days["day"].min())).set_axis(accounts["account_id"])
    gaps = days.groupby("account_id")["day"].diff()
    first = ~days["account_id"].duplicated()
    gaps[first] = days.loc[first, "day"] - days.loc[first, "account_id"].map(since)
    dormant = days.loc[gaps >= 180, "account_id"].nunique()
    return {
        "profiles": len(profile),
        "large_days": int((daily >= 5_000_000).sum()),
        "dormant": int(dormant),
    }


def child(engine_name: str, store_root: Path) -> None:
    """Run one engine and print its figures as JSON."""
    store = BankStore(store_root)
    started = time.perf_counter()
    if engine_name == "duckdb":
        engine: Engine = DuckDbEngine(memory_limit="3GB", temp_dir=store_root.parent / "spill")
        result = _pack(engine, store)
        engine.close()
    elif engine_name == "spark":
        session = spark_session(f"local[{CORES}]", shuffle_partitions=CORES * 4)
        engine = SparkEngine(session)
        result = _pack(engine, store)
        jvm = session.sparkContext._gateway.proc.pid  # the JVM that does the work
        result["jvm_peak_gib"] = round(_high_water(jvm) / GIB, 2)  # type: ignore[assignment]
        engine.close()
        session.stop()
    else:
        result = _pandas_baseline(store)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak": _high_water(), **result}))


# --- the parent -------------------------------------------------------------------------------


def _measure(engine: str, store_root: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", engine, "--store", str(store_root)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _line(label: str, rows: int, figures: dict[str, float], cores: int) -> str:
    per_min_core = rows / (figures["seconds"] / 60) / cores
    extra = ", ".join(f"{k} {v}" for k, v in figures.items() if k not in ("seconds", "peak"))
    return (
        f"{label:<8} {figures['seconds']:8.1f} s  {per_min_core / 1e6:8.2f} M rows/min/core "
        f"(on {cores} cores)  peak {figures['peak'] / GIB:5.2f} GiB  [{extra}]"
    )


def main() -> None:
    """Generate, import, run each engine, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="?", type=int, default=10_000_000)
    parser.add_argument("--engines", default="duckdb,pandas,spark")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--child", default=None)
    parser.add_argument("--store", type=Path, default=None)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.store)
        return
    work = Path(tempfile.mkdtemp(prefix="fangfei-bench-", dir=args.workdir))
    try:
        _run(args.rows, args.engines.split(","), work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(rows: int, engines: list[str], work: Path) -> None:
    print(
        f"machine: {platform.processor() or platform.machine()}, {CORES} cores, Python {platform.python_version()}"
    )
    accounts = max(2000, rows // LINES_PER_ACCOUNT)
    started = time.perf_counter()
    made = generate(GeneratorConfig(accounts, 365, 1, "hard"), work / "data", "parquet")
    took = time.perf_counter() - started
    print(
        f"generate {took:8.1f} s  {made.rows:,} rows, {made.accounts:,} accounts ({made.rows / took:,.0f} rows/s)"
    )
    store = BankStore(work / "bank")
    started = time.perf_counter()
    import_files(made.accounts_path, made.transactions_path, store=store)
    took = time.perf_counter() - started
    print(
        f"import   {took:8.1f} s  ({made.rows / took:,.0f} rows/s, peak {_high_water() / GIB:.2f} GiB)"
    )
    (work / "data" / "transactions.parquet").unlink()
    for engine in engines:
        cores = 1 if engine == "pandas" else CORES  # pandas runs on one core
        print(_line(engine, made.rows, _measure(engine, store.root), cores), flush=True)


if __name__ == "__main__":
    main()
