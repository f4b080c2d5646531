"""S3 快进快出, S6 大额交易 and S7 休眠账户突然活跃 — how fast, how big, how sudden."""

from __future__ import annotations

from collections.abc import Mapping

from fangfei.monitoring.scenarios.base import (
    ACCOUNTS,
    LINES,
    Binder,
    Compiler,
    Figure,
    Scenario,
    Step,
    history_sql,
)
from fangfei.monitoring.scenarios.shared import (
    ACCT_DIR,
    evidence_sql,
    flows_sql,
    holding_sql,
    top_share_sql,
)


class Transit(Scenario):
    """S3: money passes through within a day or two, from and to many mostly unknown parties.

    Wholesalers also turn money over fast, but their customers and suppliers come back week after
    week; a transit account's payers are mostly new each time.
    """

    id = "S3"
    typology = "transit"
    figures = (
        Figure("in_cps", "转入对手方数", "min_in_cps", ">=", "个"),
        Figure("out_cps", "转出对手方数", "min_out_cps", ">=", "个"),
        Figure("in_yuan", "转入金额", "min_in_yuan", ">=", "元"),
        Figure("out_ratio", "转出÷转入", "min_out_ratio"),
        Figure("hold_days", "资金平均停留天数", "max_hold_days", "<=", "天"),
        Figure("new_share", "转入对手方中新面孔的比例（对手方数÷笔数）", "min_new_share"),
        Figure("top_share", "前几名对手方占转出的比例", "max_top_share", "<="),
    )

    def compile(self, c: Compiler) -> list[Step]:
        """Candidates by counterparties and balance of flows, then holding time."""
        c.table(
            "s3_cand",
            lambda b: (
                f"""
            SELECT account_id, in_fen, out_fen, in_cps, out_cps, in_cp_lines FROM ({flows_sql()}) f
            WHERE in_cps >= {b("min_in_cps")} AND out_cps >= {b("min_out_cps")}
              AND in_fen >= {b("min_in_fen")}
              AND out_fen >= in_fen * {b("min_out_ratio")} AND out_fen <= in_fen * {b("max_out_ratio")}
              AND in_cps >= in_cp_lines * {b("min_new_share")}"""
            ),
        )
        c.table("s3_hold", lambda b: holding_sql(b, "s3_cand"))
        c.table("s3_top", lambda b: top_share_sql(b, "s3_cand"))
        return c.hits(
            lambda b: (
                f"""
            WITH ev AS ({evidence_sql(b, "s3_cand", "TRUE")})
            SELECT c.account_id, CAST(1 AS DOUBLE) AS strength,
                   ev.first_es, ev.last_es, ev.txn_ids, ev.counterparties,
                   CAST(c.in_cps AS DOUBLE) AS in_cps, CAST(c.out_cps AS DOUBLE) AS out_cps,
                   CAST(c.in_fen AS DOUBLE) / 100 AS in_yuan,
                   CAST(c.out_fen AS DOUBLE) / c.in_fen AS out_ratio, h.hold_days,
                   CAST(c.in_cps AS DOUBLE) / c.in_cp_lines AS new_share, tp.top_share
            FROM s3_cand c
            JOIN s3_hold h ON h.account_id = c.account_id
            JOIN s3_top tp ON tp.account_id = c.account_id
            JOIN ev ON ev.account_id = c.account_id
            WHERE h.hold_days <= {b("max_hold_days")} AND tp.top_share <= {b("max_top_share")}"""
            )
        )

    def explain(self, f: Mapping[str, float]) -> str:
        """One sentence about the hit."""
        return (
            f"从 {f['in_cps']:.0f} 个对手方转入 {f['in_yuan']:,.2f} 元，{f['out_ratio'] * 100:.0f}% 转给 "
            f"{f['out_cps']:.0f} 个对手方，资金平均停留 {f['hold_days']:.1f} 天，"
            f"转入方 {f['new_share'] * 100:.0f}% 为一次性往来（快进快出）。"
        )


class LargeValue(Scenario):
    """S6: days over the large-value reporting lines (PBoC order 2016 No. 3)."""

    id = "S6"
    figures = (
        Figure("cash_days", "现金超过报告线的天数", None, "", "天"),
        Figure("transfer_days", "转账超过报告线的天数", None, "", "天"),
        Figure("max_cash_yuan", "单日最大现金收付", "cash_yuan", ">=", "元"),
        Figure("max_transfer_yuan", "单日最大转账收付", None, "", "元"),
    )

    def compile(self, c: Compiler) -> list[Step]:
        """Per account, day, direction and kind (cash or transfer): the total against its line."""
        c.table("s6_days", self._days_sql)
        return c.hits(
            lambda b: (
                f"""
            WITH t AS (SELECT * FROM {LINES}),
            ev AS (
                SELECT t.account_id, {b.dialect.first_values("t.line", 20)} AS txn_ids,
                       {b.dialect.top_list("CASE WHEN t.cp <> 0 THEN t.cp END", 20)} AS counterparties,
                       MIN(t.es) AS first_es, MAX(t.es) AS last_es
                FROM t JOIN s6_days d ON d.account_id = t.account_id
                  AND d.day = t.day AND d.inb = t.inb AND d.cash = CASE WHEN t.cp = 0 THEN 1 ELSE 0 END
                GROUP BY t.account_id)
            SELECT d.account_id, CAST(1 AS DOUBLE) AS strength,
                   ev.first_es, ev.last_es, ev.txn_ids, ev.counterparties,
                   CAST(COUNT(DISTINCT CASE WHEN d.cash = 1 THEN d.day END) AS DOUBLE) AS cash_days,
                   CAST(COUNT(DISTINCT CASE WHEN d.cash = 0 THEN d.day END) AS DOUBLE) AS transfer_days,
                   CAST(COALESCE(MAX(CASE WHEN d.cash = 1 THEN d.fen END), 0) AS DOUBLE) / 100 AS max_cash_yuan,
                   CAST(COALESCE(MAX(CASE WHEN d.cash = 0 THEN d.fen END), 0) AS DOUBLE) / 100 AS max_transfer_yuan
            FROM s6_days d JOIN ev ON ev.account_id = d.account_id
            GROUP BY d.account_id, ev.first_es, ev.last_es, ev.txn_ids, ev.counterparties"""
            )
        )

    @staticmethod
    def _days_sql(b: Binder) -> str:
        return f"""
            WITH t AS (SELECT * FROM {LINES}),
            big AS (
                SELECT DISTINCT account_id FROM {ACCT_DIR}
                WHERE cash_fen >= {b("cash_fen")} OR fen - cash_fen >= {b("individual_transfer_fen")}),
            days AS (
                SELECT t.account_id, t.day, t.inb, CASE WHEN t.cp = 0 THEN 1 ELSE 0 END AS cash,
                       SUM(t.fen) AS fen
                FROM t JOIN big ON big.account_id = t.account_id
                GROUP BY t.account_id, t.day, t.inb, CASE WHEN t.cp = 0 THEN 1 ELSE 0 END)
            SELECT d.account_id, d.day, d.inb, d.cash, d.fen FROM days d
            JOIN {ACCOUNTS} a ON a.account_id = d.account_id
            WHERE (d.cash = 1 AND d.fen >= {b("cash_fen")})
               OR (d.cash = 0 AND d.fen >= CASE WHEN a.holder_type = 'company'
                                               THEN {b("company_transfer_fen")}
                                               ELSE {b("individual_transfer_fen")} END)"""

    def explain(self, f: Mapping[str, float]) -> str:
        """One sentence about the hit."""
        parts = []
        if f["cash_days"]:
            parts.append(
                f"{f['cash_days']:.0f} 天现金收付超过报告线（单日最高 {f['max_cash_yuan']:,.2f} 元）"
            )
        if f["transfer_days"]:
            parts.append(
                f"{f['transfer_days']:.0f} 天转账超过报告线（单日最高 {f['max_transfer_yuan']:,.2f} 元）"
            )
        return "大额交易：" + "，".join(parts) + "。"


class Dormant(Scenario):
    """S7: an account silent for months wakes up and at once receives from many payers.

    A worker back from the cities also wakes an old account, but with wages from one employer and
    a few relatives; a bought or rented account (卡农) is used by many strangers.
    """

    id = "S7"
    typology = "dormant"
    figures = (
        Figure("dormant_days", "此前无交易的天数", "min_dormant_days", ">=", "天"),
        Figure("burst_in_cps", "唤醒后短期内的转入对手方数", "min_burst_in_cps", ">=", "个"),
        Figure("burst_yuan", "唤醒后短期内的转入金额", "min_burst_yuan", ">=", "元"),
    )

    def compile(self, c: Compiler) -> list[Step]:
        """Wake-up days from the whole history, then what followed within the burst window."""
        c.table("s7_wake", self._wake_sql)
        return c.hits(self._hits_sql)

    @staticmethod
    def _wake_sql(b: Binder) -> str:
        d = b.dialect
        opened = d.int_div(d.epoch_seconds("CAST(a.opened_at AS TIMESTAMP)"), "86400")
        return f"""
            WITH busy AS (
                SELECT DISTINCT account_id FROM {ACCT_DIR}
                WHERE inb = 1 AND cps >= {b("min_burst_in_cps")}),
            h AS ({history_sql(b)}),
            days AS (
                SELECT h.account_id, h.day FROM h
                JOIN busy ON busy.account_id = h.account_id
                GROUP BY h.account_id, h.day),
            everything AS (SELECT MIN(day) AS first_day FROM h),
            gaps AS (
                SELECT d.account_id, d.day,
                       d.day - COALESCE(
                           LAG(d.day) OVER (PARTITION BY d.account_id ORDER BY d.day),
                           GREATEST(COALESCE({opened}, o.first_day), o.first_day)) AS gap
                FROM days d CROSS JOIN everything o
                LEFT JOIN {ACCOUNTS} a ON a.account_id = d.account_id)
            SELECT account_id, MIN(day) AS wake_day, MAX(gap) AS gap FROM gaps
            WHERE gap >= {b("min_dormant_days")}
              AND day * 86400 >= {b("start_es")} AND day * 86400 < {b("end_es")}
            GROUP BY account_id"""

    @staticmethod
    def _hits_sql(b: Binder) -> str:
        d = b.dialect
        return f"""
            WITH t AS (SELECT * FROM {LINES}),
            burst AS (
                SELECT t.account_id, t.line, t.cp, t.inb, t.fen, t.es FROM t
                JOIN s7_wake w ON w.account_id = t.account_id
                WHERE t.day >= w.wake_day AND t.day < w.wake_day + {b("burst_days")}),
            summary AS (
                SELECT account_id,
                       COUNT(DISTINCT CASE WHEN inb = 1 AND cp <> 0 THEN cp END) AS in_cps,
                       SUM(CASE WHEN inb = 1 THEN fen ELSE 0 END) AS in_fen,
                       {d.first_values("line", 20)} AS txn_ids,
                       {d.top_list("CASE WHEN cp <> 0 THEN cp END", 20)} AS counterparties,
                       MIN(es) AS first_es, MAX(es) AS last_es
                FROM burst GROUP BY account_id)
            SELECT s.account_id, CAST(1 AS DOUBLE) AS strength, s.first_es, s.last_es,
                   s.txn_ids, s.counterparties, CAST(w.gap AS DOUBLE) AS dormant_days,
                   CAST(s.in_cps AS DOUBLE) AS burst_in_cps, CAST(s.in_fen AS DOUBLE) / 100 AS burst_yuan
            FROM summary s JOIN s7_wake w ON w.account_id = s.account_id
            WHERE s.in_cps >= {b("min_burst_in_cps")} AND s.in_fen >= {b("min_burst_fen")}"""

    def explain(self, f: Mapping[str, float]) -> str:
        """One sentence about the hit."""
        return (
            f"账户 {f['dormant_days']:.0f} 天无交易后突然活跃：随后短期内从 {f['burst_in_cps']:.0f} 个对手方"
            f"转入 {f['burst_yuan']:,.2f} 元。"
        )
