"""SQL shared by several scenarios: per-account direction profiles, holding time, fund networks."""

from __future__ import annotations

from fangfei.monitoring.scenarios.base import EVIDENCE_ITEMS, LINES, Binder

ACCT_PAIRS = "acct_pairs"
ACCT_DIR = "acct_dir"


def acct_pairs_sql(b: Binder, bucket: int = 0, buckets: int = 1) -> str:
    """Per account, direction and counterparty (0 for cash): lines, money, lines with remarks and
    round amounts, first and last time; ``ind`` when any line names the counterparty as an
    individual.

    About one pair for every ten lines: the networks, concentrations and payers read these
    instead of the lines. For the accounts of one ``bucket`` of ``buckets`` (by key), so that the
    aggregation of a large window is done a part at a time without spilling.
    """
    n = int(buckets)
    return f"""
        SELECT account_id, inb, cp, MAX(ind) AS ind, COUNT(*) AS n, SUM(fen) AS fen,
               SUM(kw) AS kw_n, SUM(kw * fen) AS kw_fen, SUM(rnd) AS rnd_n,
               MIN(es) AS first_es, MAX(es) AS last_es
        FROM {LINES} t WHERE (account_id % {n} + {n}) % {n} = {int(bucket)}
        GROUP BY account_id, inb, cp"""


def acct_dir_sql(b: Binder) -> str:
    """Per account and direction: lines, money, counterparties (all, individual, with remarks, round)."""
    return f"""
        SELECT account_id, inb,
               CAST(SUM(n) AS BIGINT) AS n, CAST(SUM(fen) AS BIGINT) AS fen,
               CAST(SUM(CASE WHEN cp = 0 THEN fen ELSE 0 END) AS BIGINT) AS cash_fen,
               SUM(CASE WHEN cp <> 0 THEN 1 ELSE 0 END) AS cps,
               CAST(SUM(CASE WHEN cp <> 0 THEN n ELSE 0 END) AS BIGINT) AS cp_lines,
               SUM(CASE WHEN cp <> 0 AND ind = 1 THEN 1 ELSE 0 END) AS ind_cps,
               CAST(SUM(CASE WHEN ind = 1 THEN fen ELSE 0 END) AS BIGINT) AS ind_fen,
               SUM(CASE WHEN ind = 1 AND kw_n > 0 THEN 1 ELSE 0 END) AS kw_payers,
               CAST(SUM(kw_fen) AS BIGINT) AS kw_fen,
               SUM(CASE WHEN cp <> 0 AND rnd_n > 0 THEN 1 ELSE 0 END) AS rnd_payers,
               CAST(SUM(CASE WHEN cp <> 0 THEN rnd_n ELSE 0 END) AS BIGINT) AS rnd_lines,
               MIN(first_es) AS first_es, MAX(last_es) AS last_es
        FROM {ACCT_PAIRS} GROUP BY account_id, inb"""


def flows_sql() -> str:
    """In and out profile side by side for every account that has lines."""
    return f"""
        SELECT COALESCE(i.account_id, o.account_id) AS account_id,
               COALESCE(i.fen, 0) AS in_fen, COALESCE(o.fen, 0) AS out_fen,
               COALESCE(i.cps, 0) AS in_cps, COALESCE(o.cps, 0) AS out_cps,
               COALESCE(i.ind_cps, 0) AS in_ind_cps, COALESCE(o.ind_cps, 0) AS out_ind_cps,
               COALESCE(i.cp_lines, 0) AS in_cp_lines, COALESCE(o.n, 0) AS out_n, i.n AS in_n,
               i.kw_payers, i.kw_fen, i.rnd_payers, i.rnd_lines, o.ind_fen AS out_ind_fen,
               LEAST(COALESCE(i.first_es, o.first_es), COALESCE(o.first_es, i.first_es)) AS first_es,
               GREATEST(COALESCE(i.last_es, o.last_es), COALESCE(o.last_es, i.last_es)) AS last_es
        FROM (SELECT * FROM {ACCT_DIR} WHERE inb = 1) i
        FULL OUTER JOIN (SELECT * FROM {ACCT_DIR} WHERE inb = 0) o
          ON o.account_id = i.account_id"""


def holding_sql(b: Binder, candidates: str) -> str:
    """Holding days of candidate accounts: average money held ÷ average outflow per active day.

    Opening balances are unknown and an account may keep a small share of everything it receives,
    so the balance held is measured against the account's own long-run ratio ``r`` of out to in:
    ``r × cumulative in − cumulative out``, shifted to start at its lowest point. It is near zero
    for money that leaves within a day, whatever share is left behind, and grows with every day
    money waits.
    """
    return f"""
        WITH t AS (SELECT * FROM {LINES}),
        daily AS (
            SELECT t.account_id, t.day,
                   SUM(CASE WHEN t.inb = 1 THEN t.fen ELSE 0 END) AS in_fen,
                   SUM(CASE WHEN t.inb = 0 THEN t.fen ELSE 0 END) AS out_fen
            FROM t JOIN {candidates} c ON c.account_id = t.account_id
            GROUP BY t.account_id, t.day),
        running AS (
            SELECT account_id, day, out_fen,
                   SUM(in_fen) OVER (PARTITION BY account_id ORDER BY day
                                     ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum_in,
                   SUM(out_fen) OVER (PARTITION BY account_id ORDER BY day
                                      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum_out,
                   CAST(SUM(out_fen) OVER (PARTITION BY account_id) AS DOUBLE)
                     / NULLIF(SUM(in_fen) OVER (PARTITION BY account_id), 0) AS ratio
            FROM daily),
        held AS (
            SELECT account_id, day, out_fen, ratio * cum_in - cum_out AS held FROM running)
        SELECT account_id,
               (AVG(held) - MIN(held))
                 / NULLIF(CAST(SUM(out_fen) AS DOUBLE) / COUNT(*), 0) AS hold_days
        FROM held GROUP BY account_id"""


def network_sql(b: Binder, candidates: str, outward: bool) -> str:
    """Each candidate with the accounts in the data its money reaches (or comes from) in ≤ 2 hops.

    Only links carrying at least ``min_link_fen`` in the window count, so that a shopper's
    purchases do not make a supermarket's customers part of its "network".
    """
    inb = 0 if outward else 1
    link = f"p.inb = {inb} AND p.cp <> p.account_id AND p.fen >= {b('min_link_fen')}"
    return f"""
        WITH known AS (SELECT DISTINCT account_id FROM {ACCT_DIR}),
        hop1 AS (
            SELECT p.account_id AS root, p.cp AS node FROM {ACCT_PAIRS} p
            JOIN {candidates} c ON c.account_id = p.account_id
            JOIN known k ON k.account_id = p.cp WHERE {link}),
        links2 AS (
            SELECT p.account_id AS a, p.cp AS z FROM {ACCT_PAIRS} p
            JOIN (SELECT DISTINCT node FROM hop1) h ON h.node = p.account_id
            JOIN known k ON k.account_id = p.cp WHERE {link}),
        hop2 AS (SELECT h.root, l.z AS node FROM hop1 h JOIN links2 l ON l.a = h.node)
        SELECT DISTINCT root, node FROM (
            SELECT account_id AS root, account_id AS node FROM {candidates}
            UNION ALL SELECT root, node FROM hop1
            UNION ALL SELECT root, node FROM hop2) n"""


def evidence_sql(b: Binder, candidates: str, condition: str) -> str:
    """Per candidate: its first transactions and counterparties (sorted) among lines meeting ``condition``."""
    d = b.dialect
    cps = "CASE WHEN t.cp <> 0 THEN t.cp END"
    return f"""
        SELECT t.account_id, {d.first_values("t.line", EVIDENCE_ITEMS)} AS txn_ids,
               {d.top_list(cps, EVIDENCE_ITEMS)} AS counterparties,
               MIN(t.es) AS first_es, MAX(t.es) AS last_es
        FROM {LINES} t
        JOIN {candidates} c ON c.account_id = t.account_id
        WHERE {condition}
        GROUP BY t.account_id"""


def top_share_sql(b: Binder, candidates: str) -> str:
    """Share of each candidate's outflow that goes to its ``top_cps`` largest counterparties."""
    return f"""
        WITH per_cp AS (
            SELECT p.account_id, p.cp, p.fen FROM {ACCT_PAIRS} p
            JOIN {candidates} c ON c.account_id = p.account_id WHERE p.inb = 0),
        ranked AS (
            SELECT account_id, cp, fen,
                   ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY fen DESC, cp) AS rn
            FROM per_cp)
        SELECT account_id,
               CAST(SUM(CASE WHEN rn <= {b("top_cps")} THEN fen ELSE 0 END) AS DOUBLE)
                 / NULLIF(SUM(fen), 0) AS top_share
        FROM ranked GROUP BY account_id"""
