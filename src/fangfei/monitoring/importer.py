"""`fangfei tx import`: bank exports into the transaction store, whole or not at all.

The two files are staged as text (see ``reading``), checked with SQL that returns each offending
row (see ``validation``), then typed, de-duplicated against the store on bank + txn_id, written
as Parquet partitioned by month into the staging folder, and committed in one move.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from fangfei.errors import FieldProblem, invalid
from fangfei.monitoring import validation
from fangfei.monitoring.canonical import (
    ACCOUNT_COLUMNS,
    DIRECTION_ALIASES,
    HOLDER_TYPE_ALIASES,
    TRANSACTION_COLUMNS,
)
from fangfei.monitoring.keys import new_texts_sql
from fangfei.monitoring.mapping import CANONICAL, BankMapping, FileMapping
from fangfei.monitoring.reading import Progress, RawFile, stage_file
from fangfei.monitoring.store import BankStore, Staging, last_line, register_texts

Step = Callable[[str, int, int | None], None]
SHOWN_PROBLEMS = 200
_FILES = {"accounts": "账户文件", "transactions": "交易流水文件"}


@dataclass
class ImportResult:
    """What an import added, and what it noticed."""

    accounts_added: int = 0
    accounts_known: int = 0
    transactions_added: int = 0
    transactions_known: int = 0
    months: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _format_label(fmt: str) -> str:
    for code, label in (("%Y", "YYYY"), ("%m", "MM"), ("%d", "DD"), ("%H", "HH"), ("%M", "MM")):
        fmt = fmt.replace(code, label)
    return fmt.replace("%S", "SS")


def _connect(staging: Staging) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET memory_limit = '2GB'")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")
    con.execute("SET temp_directory = $dir", {"dir": str(staging.path / "tmp")})
    return con


def _register_aliases(con: duckdb.DuckDBPyConnection, fmap: FileMapping) -> None:
    directions = {**DIRECTION_ALIASES, **{k.lower(): v for k, v in fmap.direction.items()}}
    con.register(
        "dir_alias", pa.table({"word": list(directions), "dir": list(directions.values())})
    )
    con.register(
        "holder_alias",
        pa.table({"word": list(HOLDER_TYPE_ALIASES), "kind": list(HOLDER_TYPE_ALIASES.values())}),
    )


def _register_stored(con: duckdb.DuckDBPyConnection, store: BankStore) -> bool:
    files = [str(p) for p in store.account_files()]
    if files:
        con.read_parquet(files).create_view("acc_stored")
    else:
        con.execute("CREATE VIEW acc_stored AS SELECT '' AS bank, '' AS account_id WHERE FALSE")
    txn_files = [str(p) for p in store.transaction_files()]
    if txn_files:
        con.read_parquet(txn_files).select("bank, txn_id").create_view("txn_stored")
    register_texts(con, store.text_files())
    return bool(txn_files)


def _row_in_file(row: int, broken_lines: list[int]) -> int:
    """A record number corrected for the unparseable lines skipped before it."""
    shift = 0
    while shift < len(broken_lines) and broken_lines[shift] <= row + shift:
        shift += 1
    return row + shift


def _problems(
    con: duckdb.DuckDBPyConnection, params: dict[str, object], raws: dict[str, RawFile]
) -> tuple[int, list[FieldProblem], str]:
    checks = f"{validation.account_checks_sql()}\nUNION ALL\n{validation.transaction_checks_sql()}"
    total = con.execute(f"SELECT COUNT(*) FROM ({checks})", params).fetchone()
    count = int(total[0]) if total else 0
    rows = con.execute(
        f"SELECT * FROM ({checks}) ORDER BY file, _row, field LIMIT {SHOWN_PROBLEMS}", params
    ).fetchall()
    problems = [*raws["accounts"].broken, *raws["transactions"].broken]
    for row, name, reason, file in rows:
        line = _row_in_file(int(row), raws[file].broken_lines)
        problems.append(FieldProblem(f"{_FILES[file]}·{name}", reason, line))
    return count + len(problems) - len(rows), problems[: SHOWN_PROBLEMS * 2], checks


def _write_all_problems(
    con: duckdb.DuckDBPyConnection, checks: str, params: dict[str, object], out: Path
) -> None:
    query = f"SELECT file, _row AS row, field, reason FROM ({checks}) ORDER BY file, _row, field"
    con.sql(query, params=params).write_csv(str(out))


def _refuse(count: int, problems: list[FieldProblem], report: Path | None) -> None:
    rows = len({(p.field.split("·")[0], p.row) for p in problems})
    more = f"此处列出前 {len(problems)} 处。" if count > len(problems) else ""
    saved = f"全部问题已写入 {report}。" if report else ""
    hint = "" if report or count <= len(problems) else "用 --problems 文件名.csv 可导出全部问题。"
    raise invalid(
        f"导入文件中有 {count} 处问题（列出的涉及 {rows} 行），未导入任何数据。{more}{saved}{hint}"
        "请逐条修改后重新导入。",
        problems,
    )


def _stage_inputs(
    staging: Staging,
    accounts: Path,
    transactions: Path,
    mapping: BankMapping,
    step: Step | None,
) -> dict[str, RawFile]:
    constants = {"bank": mapping.bank} if mapping.bank else {}
    raws: dict[str, RawFile] = {}
    sources = (
        ("accounts", accounts, ACCOUNT_COLUMNS, mapping.accounts),
        ("transactions", transactions, TRANSACTION_COLUMNS, mapping.transactions),
    )
    for name, path, columns, fmap in sources:
        label = _FILES[name]
        progress: Progress | None = (
            (lambda done, total, label=label: step(f"读取{label}", done, total)) if step else None
        )
        raws[name] = stage_file(
            path, label, columns, fmap, constants, staging.path / f"{name}_raw.parquet", progress
        )
    return raws


def _write(
    con: duckdb.DuckDBPyConnection,
    staging: Staging,
    params: dict[str, object],
    with_stored: bool,
    line_base: int,
) -> None:
    """Write the new accounts, lines (numbered after ``line_base``) and texts into staging."""
    accounts_out = staging.path / "accounts"
    accounts_out.mkdir()
    accounts_file = accounts_out / "part-0.parquet"
    con.sql(
        validation.new_accounts_sql(), params={"date_format": params["date_format"]}
    ).write_parquet(str(accounts_file), compression="zstd")
    if pq.ParquetFile(accounts_file).metadata.num_rows == 0:
        accounts_file.unlink()
    query = validation.new_transactions_sql(with_stored)
    lines = staging.path / "transactions"
    con.sql(query, params={"ts_format": params["ts_format"], "line_base": line_base}).write_parquet(
        str(lines),
        compression="zstd",
        partition_by=["month"],
        write_partition_columns=False,
        row_group_size=1_000_000,
    )
    staged = [str(p) for p in lines.glob("month=*/*.parquet")]
    if staged:
        (staging.path / "texts").mkdir()
        texts = new_texts_sql("read_parquet($staged, hive_partitioning = false)", "texts_stored")
        con.sql(texts, params={"staged": staged}).write_parquet(
            str(staging.path / "texts" / "part-0.parquet"), compression="zstd"
        )


def _count(files: list[Path]) -> int:
    return sum(pq.ParquetFile(path).metadata.num_rows for path in files)


def _summary(staging: Staging, raws: dict[str, RawFile]) -> ImportResult:
    accounts = _count(sorted((staging.path / "accounts").glob("*.parquet")))
    txn_files = sorted((staging.path / "transactions").glob("month=*/*.parquet"))
    result = ImportResult(accounts_added=accounts, transactions_added=_count(txn_files))
    acc_raw, txn_raw = raws["accounts"], raws["transactions"]
    result.accounts_known = acc_raw.records - acc_raw.blank - accounts
    result.transactions_known = txn_raw.records - txn_raw.blank - result.transactions_added
    result.months = sorted({p.parent.name.removeprefix("month=") for p in txn_files})
    for name, raw in raws.items():
        if raw.kind == "gb18030":
            result.notes.append(f"{_FILES[name]}按 GBK（GB18030）编码读取")
        if raw.blank:
            result.notes.append(f"{_FILES[name]}跳过 {raw.blank} 个空行")
    return result


def _params(mapping: BankMapping) -> dict[str, object]:
    ts_format = mapping.transactions.timestamp_format
    return {
        "holder_types": list(HOLDER_TYPE_ALIASES),
        "date_format": mapping.accounts.date_format,
        "ts_format": ts_format,
        "ts_label": _format_label(ts_format),
    }


def import_files(
    accounts: Path,
    transactions: Path,
    *,
    store: BankStore,
    mapping: BankMapping = CANONICAL,
    step: Step | None = None,
    problems_csv: Path | None = None,
) -> ImportResult:
    """Check both files completely, then add their new rows to the store in one commit."""
    with store.lock():
        return _import(accounts, transactions, store, mapping, step, problems_csv)


def _import(
    accounts: Path,
    transactions: Path,
    store: BankStore,
    mapping: BankMapping,
    step: Step | None,
    problems_csv: Path | None,
) -> ImportResult:
    staging = store.new_staging()
    try:
        raws = _stage_inputs(staging, accounts, transactions, mapping, step)
        con = _connect(staging)
        try:
            con.read_parquet(str(staging.path / "accounts_raw.parquet")).create_view("acc_raw")
            con.read_parquet(str(staging.path / "transactions_raw.parquet")).create_view("txn_raw")
            _register_aliases(con, mapping.transactions)
            with_stored = _register_stored(con, store)
            params = _params(mapping)
            if step:
                step("校验", 0, None)
            count, problems, checks = _problems(con, params, raws)
            if count:
                if problems_csv:
                    _write_all_problems(con, checks, params, problems_csv)
                _refuse(count, problems, problems_csv)
            if step:
                step("写入", 0, None)
            _write(con, staging, params, with_stored, last_line(con, store.transaction_files()))
        finally:
            con.close()
        result = _summary(staging, raws)
        staging.commit()
        return result
    finally:
        staging.discard()
