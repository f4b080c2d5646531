"""Keys: the integers the scenarios group, join and look up stored text by.

Every stored statement line carries, next to its text columns:

- ``account_key`` and ``counterparty_key``: keys of the account number and of the counterparty's
  (0 when there is none, as for cash); the stored accounts carry ``account_key`` too;
- ``name_key`` and ``remark_key``: keys of the counterparty's name and of the remark (0 when
  empty), whose texts are kept once each in the store's text dictionary (``texts``), so that a
  run matches the editable word lists against each distinct text once, not against every line;
- ``line``: the line's number in the store, unique, in the order the lines were imported.

A key is the first 15 hex digits of the MD5 of the text, read as an integer (60 bits): the same
text gets the same key in every import and on every engine, and anyone can recompute it
(``int(hashlib.md5(text.encode()).hexdigest()[:15], 16)``). Grouping and joining 100 million
lines by a BIGINT costs about half of doing it by the string. Two different texts share a key with
odds of about n² / 2⁶¹ for n texts — one in a hundred thousand for five million account numbers;
such a pair would be counted as one account by the scenarios.
"""

from __future__ import annotations

NONE = 0  # the key of an empty text


def key_sql(text: str) -> str:
    """DuckDB SQL for the key of a text expression that is never empty."""
    return f"CAST(('0x' || left(md5({text}), 15)) AS BIGINT)"


def optional_key_sql(text: str) -> str:
    """DuckDB SQL for the key of a text expression, ``NONE`` when it is NULL or empty."""
    return f"CASE WHEN COALESCE({text}, '') = '' THEN {NONE} ELSE {key_sql(text)} END"


def line_keys_sql(line: str) -> str:
    """The key columns of a stored statement line (``line`` is its number in the store)."""
    return (
        f"{key_sql('account_id')} AS account_key, "
        f"{optional_key_sql('counterparty_account')} AS counterparty_key, "
        f"{optional_key_sql('counterparty_name')} AS name_key, "
        f"{optional_key_sql('remark')} AS remark_key, {line} AS line"
    )


def new_texts_sql(lines: str, stored: str) -> str:
    """The names and remarks of ``lines`` that the text dictionary ``stored`` lacks."""
    return f"""
        SELECT DISTINCT key, text FROM (
            SELECT name_key AS key, counterparty_name AS text FROM {lines}
            UNION ALL SELECT remark_key, remark FROM {lines}) t
        WHERE key <> {NONE} AND key NOT IN (SELECT key FROM {stored})"""
