"""The `tx` and `monitor` command groups, end to end on a private FANGFEI_HOME."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from fangfei.cli_support import console
from fangfei.monitoring.cli import ALERT_COLUMNS, monitor_app, tx_app
from tests.monitoring.book import Book
from tests.monitoring.fixtures import s1, s2, s9

app = typer.Typer()
app.add_typer(tx_app, name="tx")
app.add_typer(monitor_app, name="monitor")


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "width", 200)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_import_run_and_list_alerts(installed: Path, tmp_path: Path) -> None:
    book = Book()
    for case in (s1, s2, s9):
        case(book)
    accounts, transactions = book.write(tmp_path / "files")

    code, output = run("tx", "import", str(accounts), str(transactions))
    assert code == 0, output
    assert "新增 8 个" in output and "2025-01" in output
    code, output = run("tx", "import", str(accounts), str(transactions))
    assert "新增 0 笔" in output

    for _ in range(2):  # a rerun replaces, never duplicates
        code, output = run(
            "monitor", "run", "--engine", "duckdb", "--from", "2025-01-01", "--to", "2025-12-31"
        )
        assert code == 0, output
    assert "预警 4 条：新增 0 条，更新同期间的 4 条" in output

    code, output = run("monitor", "alerts", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(output)))
    assert tuple(rows[0]) == ALERT_COLUMNS
    assert {r["account_id"]: r["scenario"] for r in rows} == {
        "S1C": "S1,S5",  # 20 payers of 10,000 each: round amounts too
        "S2Q": "S2",
        "S2R": "S1,S5",
        "S9L": "S9",
    }
    assert all(r["period_start"] == "2025-01-01" and r["period_end"] == "2025-12-31" for r in rows)
    code, output = run("monitor", "alerts", "--format", "json")
    lender = next(a for a in json.loads(output) if a["account_id"] == "S9L")
    assert lender["typologies"] == ["lending"] and lender["evidence"][0]["txn_ids"]


def test_bad_input_is_refused_with_the_row_and_nothing_is_stored(
    home: Path, tmp_path: Path
) -> None:
    accounts = tmp_path / "a.csv"
    accounts.write_text(
        "account_id,bank,holder_name,holder_type\nA1,某行,张三,个人\n", encoding="utf-8"
    )
    transactions = tmp_path / "t.csv"
    transactions.write_text(
        "txn_id,bank,account_id,direction,amount,timestamp\nT1,某行,A1,收,-5,2025-01-01 10:00:00\n",
        encoding="gbk",
    )

    code, output = run("tx", "import", str(accounts), str(transactions))

    assert code == 2
    assert "第 2 行，字段“交易流水文件·amount”：金额必须大于 0" in output
    assert not (home / "bank" / "transactions").exists()
    code, output = run("monitor", "run")
    assert code == 2 and "尚未导入任何交易流水" in output


def test_generate_and_show_the_scenarios(home: Path, tmp_path: Path) -> None:
    code, output = run(
        "tx",
        "generate",
        "--accounts",
        "300",
        "--days",
        "60",
        "--seed",
        "5",
        "--difficulty",
        "easy",
        "--out",
        str(tmp_path / "g"),
        "--format",
        "parquet",
    )
    assert code == 0, output
    assert (tmp_path / "g" / "transactions.parquet").is_file() and (
        tmp_path / "g" / "labels.csv"
    ).is_file()
    code, output = run("tx", "generate", "--difficulty", "extreme", "--out", str(tmp_path / "x"))
    assert code == 2 and "easy、medium 或 hard" in output

    code, output = run("monitor", "scenarios")
    assert code == 0 and "S9 非法放贷" in output and "中国人民银行令〔2016〕第3号" in output
