"""The canonical bank data format: columns, direction words, holder types and Arrow schemas."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa


@dataclass(frozen=True)
class Column:
    """One canonical column: its name, Chinese label and whether a value is required."""

    name: str
    label: str
    required: bool = True


ACCOUNT_COLUMNS: tuple[Column, ...] = (
    Column("account_id", "账号"),
    Column("bank", "银行"),
    Column("holder_name", "户名"),
    Column("holder_type", "账户类型（个人/单位）"),
    Column("holder_id", "证件号码（统一社会信用代码或身份证号）", required=False),
    Column("opened_at", "开户日期", required=False),
)

TRANSACTION_COLUMNS: tuple[Column, ...] = (
    Column("txn_id", "交易流水号"),
    Column("bank", "银行"),
    Column("account_id", "账号"),
    Column("direction", "收付方向"),
    Column("amount", "金额（元）"),
    Column("timestamp", "交易时间"),
    Column("counterparty_account", "对方账号", required=False),
    Column("counterparty_name", "对方户名", required=False),
    Column("channel", "交易渠道", required=False),
    Column("remark", "摘要/附言", required=False),
)

# Statement lines are seen from the account holder: 收/贷 is money in, 付/借 money out.
DIRECTION_ALIASES: dict[str, str] = {
    "in": "in",
    "out": "out",
    "收": "in",
    "付": "out",
    "贷": "in",
    "借": "out",
    "收入": "in",
    "支出": "out",
    "转入": "in",
    "转出": "out",
    "c": "in",
    "d": "out",
    "cr": "in",
    "dr": "out",
    "credit": "in",
    "debit": "out",
}

HOLDER_TYPE_ALIASES: dict[str, str] = {
    "individual": "individual",
    "company": "company",
    "个人": "individual",
    "对私": "individual",
    "单位": "company",
    "企业": "company",
    "公司": "company",
    "对公": "company",
}

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"

# How the store keeps them: amounts exact (DECIMAL(18,2), never float), times as local TIMESTAMP.
AMOUNT_TYPE = pa.decimal128(18, 2)

ACCOUNT_SCHEMA = pa.schema(
    [
        ("account_id", pa.string()),
        ("bank", pa.string()),
        ("holder_name", pa.string()),
        ("holder_type", pa.string()),
        ("holder_id", pa.string()),
        ("opened_at", pa.date32()),
    ]
)

# ``timestamp`` is stored as ``ts``: the canonical name is a reserved word in SQL dialects.
TRANSACTION_SCHEMA = pa.schema(
    [
        ("txn_id", pa.string()),
        ("bank", pa.string()),
        ("account_id", pa.string()),
        ("direction", pa.string()),
        ("amount", AMOUNT_TYPE),
        ("ts", pa.timestamp("us")),
        ("counterparty_account", pa.string()),
        ("counterparty_name", pa.string()),
        ("channel", pa.string()),
        ("remark", pa.string()),
    ]
)


def column_names(columns: tuple[Column, ...]) -> list[str]:
    """The canonical names, in file order."""
    return [column.name for column in columns]
