"""The checks of a staged import, written as SQL that returns every offending row.

Each ``*_sql`` function returns one query over the staged text tables ``acc_raw`` and
``txn_raw`` (and the stored accounts ``acc_stored``); the checks are united into rows of
``(_row, field, reason, file)``. Values come in as bound parameters.
"""

from __future__ import annotations

from fangfei.monitoring.keys import key_sql, line_keys_sql

# Digits with correctly placed thousands separators or none, then optional decimals.
AMOUNT_PATTERN = r"([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]+)?"
MAX_INTEGER_DIGITS = 16  # DECIMAL(18,2)


def _required_sql(table: str, fields: list[str], file: str) -> list[str]:
    return [
        f"SELECT _row, '{name}' AS field, '不能为空' AS reason, '{file}' AS file "
        f"FROM {table} WHERE {name} = ''"
        for name in fields
    ]


def _duplicates_sql(table: str, key: str, label: str, file: str) -> str:
    return f"""
        SELECT r._row, '{key}' AS field,
               '{label}与第 ' || CAST(d.first_row AS VARCHAR) || ' 行重复：' || r.{key} AS reason,
               '{file}' AS file
        FROM {table} r
        JOIN (SELECT bank, {key}, MIN(_row) AS first_row FROM {table}
              WHERE {key} <> '' GROUP BY bank, {key} HAVING COUNT(*) > 1) d
          ON d.bank = r.bank AND d.{key} = r.{key}
        WHERE r._row > d.first_row"""


def account_checks_sql() -> str:
    """Every problem of the staged accounts file."""
    parts = _required_sql(
        "acc_raw", ["account_id", "bank", "holder_name", "holder_type"], "accounts"
    )
    parts.append("""
        SELECT _row, 'holder_type', '应为 individual 或 company（个人/单位）：' || holder_type, 'accounts'
        FROM acc_raw WHERE holder_type <> '' AND NOT list_contains($holder_types, lower(holder_type))""")
    parts.append("""
        SELECT _row, 'opened_at', '不是有效日期（应为 YYYY-MM-DD）：' || opened_at, 'accounts'
        FROM acc_raw WHERE opened_at <> '' AND try_strptime(opened_at, $date_format) IS NULL""")
    parts.append(_duplicates_sql("acc_raw", "account_id", "账号", "accounts"))
    return "\nUNION ALL\n".join(parts)


def _amount_reason_sql() -> str:
    return f"""CASE
        WHEN starts_with(amount, '-') THEN '金额必须大于 0（收付方向填在 direction 列）：' || amount
        WHEN NOT regexp_full_match(amount, '{AMOUNT_PATTERN}') THEN '不是有效的金额数字：' || amount
        WHEN length(split_part(amount, '.', 2)) > 2 THEN '金额最多两位小数：' || amount
        WHEN length(replace(split_part(amount, '.', 1), ',', '')) > {MAX_INTEGER_DIGITS}
            THEN '金额过大：' || amount
        WHEN TRY_CAST(replace(amount, ',', '') AS DECIMAL(38, 10)) = 0 THEN '金额必须大于 0：' || amount
    END"""


def transaction_checks_sql() -> str:
    """Every problem of the staged transactions file."""
    required = ["txn_id", "bank", "account_id", "direction", "amount", "timestamp"]
    parts = _required_sql("txn_raw", required, "transactions")
    parts.append("""
        SELECT _row, 'direction', '应为 in/out（或 收/付、贷/借）：' || direction, 'transactions'
        FROM txn_raw WHERE direction <> '' AND lower(direction) NOT IN (SELECT word FROM dir_alias)""")
    parts.append(f"""
        SELECT _row, 'amount', reason, 'transactions' FROM (
            SELECT _row, {_amount_reason_sql()} AS reason FROM txn_raw WHERE amount <> '')
        WHERE reason IS NOT NULL""")
    parts.append("""
        SELECT _row, 'timestamp', '不是有效的日期时间（应为 ' || $ts_label || '）：' || "timestamp",
               'transactions'
        FROM txn_raw WHERE "timestamp" <> '' AND try_strptime("timestamp", $ts_format) IS NULL""")
    parts.append(_duplicates_sql("txn_raw", "txn_id", "交易流水号", "transactions"))
    parts.append("""
        SELECT t._row, 'account_id',
               '账户不在账户文件中，也未曾导入：' || t.bank || ' ' || t.account_id, 'transactions'
        FROM txn_raw t
        WHERE t.account_id <> '' AND NOT EXISTS (
                SELECT 1 FROM acc_raw a WHERE a.bank = t.bank AND a.account_id = t.account_id)
          AND NOT EXISTS (
                SELECT 1 FROM acc_stored s WHERE s.bank = t.bank AND s.account_id = t.account_id)""")
    return "\nUNION ALL\n".join(parts)


def new_accounts_sql() -> str:
    """The staged accounts not stored yet, in the stored schema."""
    return f"""
        SELECT a.account_id, a.bank, a.holder_name, h.kind AS holder_type,
               NULLIF(a.holder_id, '') AS holder_id,
               CAST(try_strptime(NULLIF(a.opened_at, ''), $date_format) AS DATE) AS opened_at,
               {key_sql("a.account_id")} AS account_key
        FROM acc_raw a JOIN holder_alias h ON h.word = lower(a.holder_type)
        WHERE NOT EXISTS (
            SELECT 1 FROM acc_stored s WHERE s.bank = a.bank AND s.account_id = a.account_id)"""


def new_transactions_sql(with_stored: bool) -> str:
    """The staged transactions not stored yet (bank + txn_id), typed, with their month."""
    dedupe = """
        AND NOT EXISTS (
            SELECT 1 FROM txn_stored s WHERE s.bank = r.bank AND s.txn_id = r.txn_id)"""
    return f"""
        SELECT r.txn_id, r.bank, r.account_id, d.dir AS direction,
               CAST(replace(r.amount, ',', '') AS DECIMAL(18, 2)) AS amount,
               CAST(strptime(r."timestamp", $ts_format) AS TIMESTAMP) AS ts,
               NULLIF(r.counterparty_account, '') AS counterparty_account,
               NULLIF(r.counterparty_name, '') AS counterparty_name,
               NULLIF(r.channel, '') AS channel, NULLIF(r.remark, '') AS remark,
               strftime(strptime(r."timestamp", $ts_format), '%Y-%m') AS month,
               {line_keys_sql("$line_base + r._row")}
        FROM txn_raw r JOIN dir_alias d ON d.word = lower(r.direction)
        WHERE TRUE {dedupe if with_stored else ""}"""
