"""`tx import`: canonical files land whole, once; every kind of bad input is refused precisely."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from fangfei.errors import FangfeiError
from fangfei.monitoring.importer import import_files
from fangfei.monitoring.mapping import BankMapping, FileMapping, parse_mapping
from fangfei.monitoring.store import BankStore

ACCOUNTS = (
    "account_id,bank,holder_name,holder_type,holder_id,opened_at\n"
    "A1,测试银行,张三,individual,,2020-01-01\n"
    "A2,测试银行,某县某某有限公司,单位,,\n"
)
HEADER = "txn_id,bank,account_id,direction,amount,timestamp,counterparty_account,counterparty_name,channel,remark\n"
LINES = (
    "T1,测试银行,A1,收,100.5,2025-01-02 10:00:00,X9,李四,网银,投资\n"
    'T2,测试银行,A2,借,"1,000",2025-02-02 10:00:00,,,柜面,\n'
    "T3,测试银行,A1,贷,20,2025-02-03 11:00:00,A2,某县某某有限公司,网银,\n"
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def stored(store: BankStore) -> list[tuple[object, ...]]:
    files = [str(p) for p in store.transaction_files()]
    if not files:
        return []
    con = duckdb.connect()
    try:
        rel = con.read_parquet(files, hive_partitioning=True)
        return rel.select("txn_id, direction, amount, ts, month").order("txn_id").fetchall()
    finally:
        con.close()


def refused(
    tmp_path: Path, lines: str, accounts: str = ACCOUNTS, encoding: str = "utf-8"
) -> FangfeiError:
    store = BankStore(tmp_path / "bank")
    acc = write(tmp_path / "acc.csv", accounts, encoding)
    txn = write(tmp_path / "txn.csv", lines, encoding)
    with pytest.raises(FangfeiError) as caught:
        import_files(acc, txn, store=store)
    assert store.transaction_files() == [] and store.account_files() == []
    assert not any((store.root / ".staging").glob("*"))
    return caught.value


def problems(error: FangfeiError) -> list[str]:
    return [str(p) for p in error.problems]


def test_canonical_files_land_partitioned_by_month_and_twice_adds_nothing(tmp_path: Path) -> None:
    store = BankStore(tmp_path / "bank")
    acc, txn = write(tmp_path / "a.csv", ACCOUNTS), write(tmp_path / "t.csv", HEADER + LINES)

    first = import_files(acc, txn, store=store)
    again = import_files(acc, txn, store=store)

    assert (first.accounts_added, first.transactions_added, first.months) == (
        2,
        3,
        ["2025-01", "2025-02"],
    )
    assert (
        again.accounts_added,
        again.accounts_known,
        again.transactions_added,
        again.transactions_known,
    ) == (0, 2, 0, 3)
    rows = stored(store)
    assert [(r[0], r[1], str(r[2]), r[4]) for r in rows] == [
        ("T1", "in", "100.50", "2025-01"),
        ("T2", "out", "1000.00", "2025-02"),
        ("T3", "in", "20.00", "2025-02"),
    ]
    schema = pq.read_schema(store.transaction_files()[0])
    assert schema.field("amount").type == pa.decimal128(18, 2)


def test_gbk_file_is_detected_and_accepted(tmp_path: Path) -> None:
    store = BankStore(tmp_path / "bank")
    acc = write(tmp_path / "a.csv", ACCOUNTS, "gbk")
    txn = write(tmp_path / "t.csv", HEADER + LINES, "gbk")

    result = import_files(acc, txn, store=store)

    assert result.transactions_added == 3
    assert "交易流水文件按 GBK（GB18030）编码读取" in result.notes
    con = duckdb.connect()
    names = (
        con.read_parquet([str(p) for p in store.account_files()]).select("holder_name").fetchall()
    )
    con.close()
    assert sorted(n[0] for n in names) == ["张三", "某县某某有限公司"]


def test_missing_columns_are_named(tmp_path: Path) -> None:
    error = refused(tmp_path, "txn_id,bank,account_id,amount\nT1,测试银行,A1,5\n")
    assert "缺少必填列：direction、timestamp" in error.message
    assert problems(error) == [
        "第 1 行，字段“direction”：缺少必填列（收付方向）",
        "第 1 行，字段“timestamp”：缺少必填列（交易时间）",
    ]


def test_bad_amounts_dates_duplicates_and_unknown_accounts_are_each_reported(
    tmp_path: Path,
) -> None:
    lines = HEADER + (
        "T1,测试银行,A1,收,-100.5,2025-01-02 10:00:00,,,,\n"
        "T2,测试银行,A1,付,abc,2025-02-30 10:00:00,,,,\n"
        "T1,测试银行,A9,in,1.234,2025-01-02 25:00:00,,,,\n"
        "T4,测试银行,A2,出,0,2025-01-02,,,,\n"
    )
    error = refused(tmp_path, lines)

    assert error.message.startswith("导入文件中有 10 处问题") and "未导入任何数据" in error.message
    assert problems(error) == [
        "第 2 行，字段“交易流水文件·amount”：金额必须大于 0（收付方向填在 direction 列）：-100.5",
        "第 3 行，字段“交易流水文件·amount”：不是有效的金额数字：abc",
        "第 3 行，字段“交易流水文件·timestamp”：不是有效的日期时间（应为 YYYY-MM-DD HH:MM:SS）：2025-02-30 10:00:00",
        "第 4 行，字段“交易流水文件·account_id”：账户不在账户文件中，也未曾导入：测试银行 A9",
        "第 4 行，字段“交易流水文件·amount”：金额最多两位小数：1.234",
        "第 4 行，字段“交易流水文件·timestamp”：不是有效的日期时间（应为 YYYY-MM-DD HH:MM:SS）：2025-01-02 25:00:00",
        "第 4 行，字段“交易流水文件·txn_id”：交易流水号与第 2 行重复：T1",
        "第 5 行，字段“交易流水文件·amount”：金额必须大于 0：0",
        "第 5 行，字段“交易流水文件·direction”：应为 in/out（或 收/付、贷/借）：出",
        "第 5 行，字段“交易流水文件·timestamp”：不是有效的日期时间（应为 YYYY-MM-DD HH:MM:SS）：2025-01-02",
    ]


def test_transactions_whose_accounts_are_missing_are_refused_until_the_accounts_exist(
    tmp_path: Path,
) -> None:
    lines = HEADER + "T1,测试银行,B7,收,5,2025-01-02 10:00:00,,,,\n"
    only_b7 = (
        "account_id,bank,holder_name,holder_type,holder_id,opened_at\nB7,测试银行,王五,个人,,\n"
    )
    error = refused(tmp_path, lines)
    assert problems(error) == [
        "第 2 行，字段“交易流水文件·account_id”：账户不在账户文件中，也未曾导入：测试银行 B7"
    ]

    store = BankStore(tmp_path / "bank")
    import_files(write(tmp_path / "b.csv", only_b7), write(tmp_path / "e.csv", HEADER), store=store)
    result = import_files(
        write(tmp_path / "a.csv", ACCOUNTS), write(tmp_path / "t.csv", lines), store=store
    )
    assert result.transactions_added == 1


def test_a_broken_row_is_reported_with_its_line(tmp_path: Path) -> None:
    lines = HEADER + LINES + "T9,测试银行,A1,in,1,2025-01-02 10:00:00,,,,,extra\n"
    error = refused(tmp_path, lines)
    assert problems(error) == [
        "第 5 行，字段“交易流水文件·整行”：应有 10 列，实际 11 列（检查分隔符和引号）"
    ]


def test_xlsx_and_parquet_exports_import_like_csv(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    for line in (HEADER + LINES).splitlines():
        sheet.append(next(csv.reader([line])))
    book.save(tmp_path / "t.xlsx")
    accounts = pa.table(
        {
            "account_id": ["A1", "A2"],
            "bank": ["测试银行"] * 2,
            "holder_name": ["张三", "某公司"],
            "holder_type": ["individual", "company"],
            "holder_id": [None, None],
            "opened_at": [None, None],
        }
    )
    pq.write_table(accounts, tmp_path / "a.parquet")

    result = import_files(
        tmp_path / "a.parquet", tmp_path / "t.xlsx", store=BankStore(tmp_path / "bank")
    )

    assert (result.accounts_added, result.transactions_added) == (2, 3)


def test_a_saved_mapping_reads_another_layout(tmp_path: Path) -> None:
    mapping = parse_mapping(
        "bank: 县农商行\n"
        "transactions:\n"
        "  columns: {txn_id: 流水号, account_id: 账号, direction: 方向, amount: 金额, timestamp: 时间}\n"
        "  timestamp_format: '%Y/%m/%d %H:%M'\n"
        "  direction: {入账: in, 出账: out}\n"
        "accounts:\n"
        "  columns: {account_id: 账号, holder_name: 户名, holder_type: 类型}\n",
        "test",
    )
    acc = write(tmp_path / "a.csv", "账号,户名,类型\nA1,张三,个人\n")
    txn = write(
        tmp_path / "t.csv", "流水号,账号,方向,金额,时间\nT1,A1,入账,12.5,2025/03/04 08:30\n"
    )

    result = import_files(acc, txn, store=BankStore(tmp_path / "bank"), mapping=mapping)

    assert result.transactions_added == 1 and result.months == ["2025-03"]
    assert isinstance(mapping, BankMapping) and isinstance(mapping.transactions, FileMapping)


def test_unknown_mapping_columns_are_refused() -> None:
    with pytest.raises(FangfeiError) as caught:
        parse_mapping("bank: x\ntransactions:\n  columns: {amout: 金额}\n", "m.yaml")
    assert "未知的标准列：amout" in str(caught.value.problems[0])
