"""Account keys: the integers the scenarios group and join accounts by.

Every stored account number — the account's own (``account_key``) and the counterparty's
(``counterparty_key``, 0 when there is none, as for cash) — is stored next to its key: the first
15 hex digits of the MD5 of the number, read as an integer (60 bits). The same number gets the same
key in every import and on every engine, and anyone can recompute it
(``int(hashlib.md5(number.encode()).hexdigest()[:15], 16)``). Grouping and joining 100 million
lines by a BIGINT costs about half of doing it by the string.

Two different numbers share a key with odds of about n² / 2⁶¹ for n numbers — one in a hundred
thousand for five million numbers; such a pair would be counted as one account by the scenarios.
"""

from __future__ import annotations

NO_COUNTERPARTY = 0
KEY_COLUMNS = ("account_key", "counterparty_key")  # of a stored transaction; accounts: the first


def key_sql(number: str) -> str:
    """DuckDB SQL for the key of an account number expression (never 0)."""
    return f"CAST(('0x' || left(md5({number}), 15)) AS BIGINT)"


def counterparty_key_sql(number: str) -> str:
    """DuckDB SQL for a counterparty's key: ``NO_COUNTERPARTY`` when the number is empty."""
    return (
        f"CASE WHEN COALESCE({number}, '') = '' THEN {NO_COUNTERPARTY} ELSE {key_sql(number)} END"
    )
