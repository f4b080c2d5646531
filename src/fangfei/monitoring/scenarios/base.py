"""The pieces every scenario is built from: bound parameters, steps, figures, shared SQL.

A scenario compiles to a list of ``Step``: named intermediate tables, then one query whose rows
are its hits, one per account: ``account_id, strength, first_es, last_es, txn_ids,
counterparties`` and the scenario's figure columns. Accounts and counterparties are keys and
transactions line numbers until ``runner.decode_keys`` turns them back into banks, account
numbers and txn_ids.
Money is summed in integer fen, so both engines get exactly the same totals; a ratio is computed
once from exact integers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from fangfei.monitoring.engines import Dialect, checked_name

EVIDENCE_ITEMS = 20  # triggering transactions and counterparties kept per hit


class Binder:
    """Turns threshold and window names into placeholders, remembering the values used."""

    def __init__(self, dialect: Dialect, values: Mapping[str, object], prefix: str = "") -> None:
        self.dialect, self.values, self.prefix = dialect, values, prefix
        self.params: dict[str, object] = {}

    def __call__(self, name: str) -> str:
        """The placeholder of a scenario threshold (or of a shared value such as ``start``)."""
        key = f"{self.prefix}{name}" if f"{self.prefix}{name}" in self.values else name
        if key not in self.values:
            raise KeyError(f"no value for parameter {key!r}")
        self.params[key] = self.values[key]
        return self.dialect.param(key)

    def words(self, name: str, column: str) -> str:
        """``column`` contains any of the words listed under ``name`` (one bound pattern)."""
        words = self.values[name]
        assert isinstance(words, list | tuple)
        key = f"{name}_pattern"
        self.params[key] = "|".join(re.escape(str(w)) for w in words) or "(?!)"
        return self.dialect.matches(column, self.dialect.param(key))


StepKind = Literal["table", "compressed", "view"]


@dataclass(frozen=True)
class Step:
    """One statement: materialised as ``name``, or (name None) the scenario's hits.

    ``kind`` says how a named step is kept: ``table``, ``compressed`` (a table too large to
    keep in memory as it is) or ``view`` (a query over other steps, run where it is read).
    """

    name: str | None
    sql: str
    params: dict[str, object]
    kind: StepKind = "table"


@dataclass
class Compiler:
    """Builds the steps of one scenario for one dialect."""

    dialect: Dialect
    values: Mapping[str, object]
    prefix: str
    steps: list[Step] = field(default_factory=list)

    def table(self, name: str, build: Callable[[Binder], str]) -> None:
        """An intermediate table."""
        binder = Binder(self.dialect, self.values, self.prefix)
        self.steps.append(Step(checked_name(name), build(binder), binder.params))

    def hits(self, build: Callable[[Binder], str]) -> list[Step]:
        """The final query; returns every step."""
        binder = Binder(self.dialect, self.values, self.prefix)
        self.steps.append(Step(None, build(binder), binder.params))
        return self.steps


@dataclass(frozen=True)
class Figure:
    """A number shown as evidence, with the threshold it is held against."""

    column: str
    label: str
    threshold: str | None = None
    op: str = ">="
    unit: str = ""


class Scenario:
    """A monitoring scenario: identity, figures, and its SQL for a dialect."""

    id: ClassVar[str]
    typology: ClassVar[str | None] = None  # what a full-strength hit says the account is
    figures: ClassVar[tuple[Figure, ...]] = ()

    def compile(self, c: Compiler) -> list[Step]:
        """The steps of this scenario."""
        raise NotImplementedError

    def explain(self, figures: Mapping[str, float]) -> str:
        """A plain-Chinese sentence about one hit."""
        raise NotImplementedError

    def tables(self) -> list[str]:
        """Names of the intermediate tables (prefixed with the scenario id)."""
        return []


LINES = "win_lines"
TEXT_FLAGS = "text_flags"
ACCOUNTS = "win_accounts"


def text_flags_sql(b: Binder) -> str:
    """Per text of the store's dictionary: whether, as a name, it reads as an individual's, and
    whether, as a remark, it carries an investment word (each distinct text matched once)."""
    individual = f"length(text) BETWEEN 2 AND 4 AND NOT {b.words('org_words', 'text')}"
    return f"""
        SELECT key, CASE WHEN {individual} THEN 1 ELSE 0 END AS individual,
               CASE WHEN {b.words("s4_keywords", "text")} THEN 1 ELSE 0 END AS keyword
        FROM (SELECT key, MIN(text) AS text FROM texts GROUP BY key) t"""


def accounts_sql(b: Binder) -> str:
    """The stored accounts, each with the key the scenarios know it by (``account_id``).

    That is the key of its number, so that a counterparty's number finds the account; an
    account number held in more than one bank gets a negative key of its own per bank instead
    (never equal to a number's key), so the banks' accounts are not counted as one — and money
    sent to that number is not linked to either. The scenarios group and join by this one
    integer, not by bank and number: half the cost on 100M lines.
    """
    return """
        SELECT CASE WHEN banks = 1 THEN account_key
                    ELSE -ROW_NUMBER() OVER (ORDER BY banks = 1, account_key, bank) END AS account_id,
               bank, number, holder_type, opened_at, account_key
        FROM (SELECT bank, account_key, account_id AS number, holder_type, opened_at,
                     COUNT(*) OVER (PARTITION BY account_key) AS banks FROM accounts) a"""


def _account_sql(lines: str) -> tuple[str, str]:
    """The join and the expression giving a stored line's account key (``accounts_sql``)."""
    join = (
        f"LEFT JOIN (SELECT bank, account_key, account_id FROM {ACCOUNTS} WHERE account_id < 0) s"
        f" ON s.account_key = {lines}.account_key AND s.bank = {lines}.bank"
    )
    return join, f"COALESCE(s.account_id, {lines}.account_key)"


def lines_sql(b: Binder) -> str:
    """Statement lines of the analysis window with the derived columns every scenario uses.

    ``line`` is the line's number in the store, ``account_id`` and ``cp`` are keys
    (``accounts_sql``, ``fangfei.monitoring.keys``; ``cp`` 0 for none), ``ind`` marks a
    counterparty that reads as an individual, ``kw`` a remark with an investment word, ``rnd`` a
    round amount. Materialised once per run as ``LINES`` (``runner.run_pack``): about twenty
    queries read them.
    """
    d = b.dialect
    es = d.epoch_seconds("t.ts")
    unit = b("s5_unit_fen")
    join, account = _account_sql("t")
    return f"""
        SELECT line, account_id, inb, fen, es, {d.int_div("es", "86400")} AS day, cp, ind, kw,
               CASE WHEN fen >= {b("s5_min_fen")} AND fen % {unit} = 0 THEN 1 ELSE 0 END AS rnd
        FROM (
            SELECT t.line, {account} AS account_id,
                   CASE WHEN t.direction = 'in' THEN 1 ELSE 0 END AS inb,
                   CAST(t.amount * 100 AS BIGINT) AS fen, {es} AS es, t.counterparty_key AS cp,
                   CASE WHEN t.counterparty_key <> 0 THEN COALESCE(n.individual, 0) ELSE 0 END AS ind,
                   COALESCE(r.keyword, 0) AS kw
            FROM txn t {join}
            LEFT JOIN {TEXT_FLAGS} n ON n.key = t.name_key
            LEFT JOIN {TEXT_FLAGS} r ON r.key = t.remark_key
            WHERE t.month >= {b("start_month")} AND t.month <= {b("end_month")}
        ) lines
        WHERE es >= {b("start_es")} AND es < {b("end_es")}"""


def history_sql(b: Binder) -> str:
    """Account and day of every line up to the window's end (for dormancy): the window's lines
    and the stored lines before it (none to read when the window starts with the store)."""
    d = b.dialect
    es = d.epoch_seconds("t.ts")
    join, account = _account_sql("t")
    return f"""
        SELECT account_id, day FROM {LINES}
        UNION ALL
        SELECT {account} AS account_id, {d.int_div(es, "86400")} AS day
        FROM txn t {join} WHERE t.month <= {b("start_month")} AND {es} < {b("start_es")}"""
