"""S8 资金闭环 (cycles among linked accounts) and S9 illegal lending."""

from __future__ import annotations

from collections.abc import Mapping

from fangfei.monitoring.scenarios.base import LINES, Binder, Compiler, Figure, Scenario, Step
from fangfei.monitoring.scenarios.shared import ACCT_DIR, flows_sql


class Cycles(Scenario):
    """S8: the same money goes round three or four accounts of the data and comes back in days.

    Each hop must carry between ``min_hop_ratio`` and ``max_hop_ratio`` of the previous one, and
    the whole circle must close within ``max_span_hours``; related companies that settle invoices
    in a circle do not keep both the amounts and the timing.
    """

    id = "S8"
    typology = "cycle"
    figures = (
        Figure("cycles", "资金闭环次数", "min_cycles", ">=", "次"),
        Figure("members", "闭环涉及的账户数", None, "", "个"),
        Figure("cycle_yuan", "闭环起点金额合计", None, "", "元"),
    )

    def compile(self, c: Compiler) -> list[Step]:
        """Large transfers between accounts of the data, chained into closed circles."""
        c.table(
            "s8_edges",
            lambda b: (
                f"""
            SELECT t.line, t.account_id AS a, t.cp AS z, t.fen, t.es FROM {LINES} t
            JOIN (SELECT DISTINCT account_id FROM {ACCT_DIR}) k ON k.account_id = t.cp
            WHERE t.inb = 0 AND t.fen >= {b("min_cycle_fen")} AND t.cp <> t.account_id"""
            ),
        )
        c.table("s8_cycles", self._cycles_sql)
        return c.hits(self._hits_sql)

    @staticmethod
    def _hop(b: Binder, prev: str, nxt: str, first: str) -> str:
        return (
            f"{nxt}.a = {prev}.z AND {nxt}.es > {prev}.es"
            f" AND {nxt}.es <= {first}.es + {b('max_span_hours')} * 3600"
            f" AND {nxt}.fen >= {prev}.fen * {b('min_hop_ratio')}"
            f" AND {nxt}.fen <= {prev}.fen * {b('max_hop_ratio')}"
        )

    def _cycles_sql(self, b: Binder) -> str:
        return f"""
            SELECT e1.line AS cycle, e1.fen AS fen, e1.a AS n1, e2.a AS n2, e3.a AS n3,
                   CAST(NULL AS BIGINT) AS n4,
                   e1.line AS i1, e2.line AS i2, e3.line AS i3, CAST(NULL AS BIGINT) AS i4,
                   e1.es AS first_es, e3.es AS last_es
            FROM s8_edges e1 JOIN s8_edges e2 ON {self._hop(b, "e1", "e2", "e1")}
            JOIN s8_edges e3 ON {self._hop(b, "e2", "e3", "e1")}
            WHERE e3.z = e1.a AND e2.z <> e1.a
            UNION ALL
            SELECT e1.line, e1.fen, e1.a, e2.a, e3.a, e4.a,
                   e1.line, e2.line, e3.line, e4.line, e1.es, e4.es
            FROM s8_edges e1 JOIN s8_edges e2 ON {self._hop(b, "e1", "e2", "e1")}
            JOIN s8_edges e3 ON {self._hop(b, "e2", "e3", "e1")}
            JOIN s8_edges e4 ON {self._hop(b, "e3", "e4", "e1")}
            WHERE e4.z = e1.a AND e2.z <> e1.a AND e3.z <> e1.a AND e3.z <> e2.a"""

    @staticmethod
    def _hits_sql(b: Binder) -> str:
        d = b.dialect
        members = " UNION ALL ".join(
            f"SELECT n{i} AS account_id, cycle, fen, first_es, last_es FROM s8_cycles WHERE n{i} IS NOT NULL"
            for i in range(1, 5)
        )
        txns = " UNION ALL ".join(
            f"SELECT cycle, i{i} AS line, n{i} AS node FROM s8_cycles" for i in range(1, 5)
        )
        return f"""
            WITH m AS ({members}), x AS (SELECT * FROM ({txns}) s WHERE line IS NOT NULL),
            per AS (
                SELECT m.account_id, COUNT(DISTINCT m.cycle) AS cycles,
                       SUM(m.fen) AS fen, MIN(m.first_es) AS first_es, MAX(m.last_es) AS last_es
                FROM m GROUP BY m.account_id),
            ev AS (
                SELECT m.account_id, {d.top_list("x.line", 20)} AS txn_ids,
                       {d.top_list("CASE WHEN x.node <> m.account_id THEN x.node END", 20)} AS counterparties,
                       COUNT(DISTINCT x.node) AS members
                FROM m JOIN x ON x.cycle = m.cycle GROUP BY m.account_id)
            SELECT p.account_id, CAST(1 AS DOUBLE) AS strength, p.first_es, p.last_es,
                   ev.txn_ids, ev.counterparties, CAST(p.cycles AS DOUBLE) AS cycles,
                   CAST(ev.members AS DOUBLE) AS members, CAST(p.fen AS DOUBLE) / 100 AS cycle_yuan
            FROM per p JOIN ev ON ev.account_id = p.account_id
            WHERE p.cycles >= {b("min_cycles")}"""

    def explain(self, f: Mapping[str, float]) -> str:
        """One sentence about the hit."""
        return (
            f"与另外 {f['members'] - 1:.0f} 个账户之间发生 {f['cycles']:.0f} 次资金闭环"
            f"（合计起点金额 {f['cycle_yuan']:,.2f} 元，数日内转一圈回到原账户）。"
        )


class Lending(Scenario):
    """S9: loans to many individuals repaid in instalments at rates far above the legal cap.

    A loan is a borrower whose first flow with the account is money *out* (so investors paid
    back returns are not borrowers). Its implied annual rate is what came back above what was
    paid out, per amount-weighted year outstanding, counted once the cash paid out is recovered.
    """

    id = "S9"
    typology = "lending"
    figures = (
        Figure("borrowers", "放款对象人数", None, "", "人"),
        Figure("high_rate_loans", "年化利率超过阈值的借款笔数", "min_loans", ">=", "笔"),
        Figure("mean_rate", "这些借款的平均年化利率", "min_rate"),
        Figure("lent_yuan", "实际放款金额", None, "", "元"),
    )

    def compile(self, c: Compiler) -> list[Step]:
        """Candidates, their loans (pairs that start with money out), and each loan's rate."""
        c.table(
            "s9_cand",
            lambda b: (
                f"""
            SELECT account_id FROM ({flows_sql()}) f
            WHERE out_ind_cps >= {b("min_loans")} AND in_ind_cps >= {b("min_loans")}"""
            ),
        )
        c.table("s9_loans", self._loans_sql)
        c.table("s9_rated", self._rated_sql)
        return c.hits(self._hits_sql)

    @staticmethod
    def _loans_sql(b: Binder) -> str:
        return f"""
            WITH t AS (SELECT * FROM {LINES}),
            lines AS (
                SELECT t.account_id, t.cp, t.inb, t.fen, t.es, t.line FROM t
                JOIN s9_cand c ON c.account_id = t.account_id WHERE t.ind = 1),
            pairs AS (
                SELECT account_id, cp FROM lines GROUP BY account_id, cp
                HAVING MIN(CASE WHEN inb = 0 THEN es END) < COALESCE(MIN(CASE WHEN inb = 1 THEN es END), 9223372036854775807)),
            flows AS (
                SELECT l.*, MAX(CASE WHEN l.inb = 0 THEN l.es END) OVER (
                         PARTITION BY l.account_id, l.cp ORDER BY l.es, l.inb, l.line
                         ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS lent_es
                FROM lines l JOIN pairs p ON p.account_id = l.account_id AND p.cp = l.cp)
            SELECT account_id, cp,
                   SUM(CASE WHEN inb = 0 THEN fen ELSE 0 END) AS lent,
                   SUM(CASE WHEN inb = 1 THEN fen ELSE 0 END) AS repaid,
                   SUM(inb) AS repayments,
                   SUM(CASE WHEN inb = 1 THEN fen * (es - lent_es) ELSE 0 END) AS weighted
            FROM flows GROUP BY account_id, cp"""

    @staticmethod
    def _rated_sql(b: Binder) -> str:
        rate = "(CAST(repaid - lent AS DOUBLE) / lent) * 31536000 / NULLIF(CAST(weighted AS DOUBLE) / repaid, 0)"
        return f"""
            SELECT account_id, cp, lent,
                   CASE WHEN repaid >= lent AND repayments >= {b("min_repayments")} THEN {rate} END AS rate
            FROM s9_loans"""

    @staticmethod
    def _hits_sql(b: Binder) -> str:
        d = b.dialect
        return f"""
            WITH t AS (SELECT * FROM {LINES}),
            ev AS (
                SELECT t.account_id, {d.first_values("t.line", 20)} AS txn_ids,
                       {d.top_list("t.cp", 20)} AS counterparties, MIN(t.es) AS first_es, MAX(t.es) AS last_es
                FROM t JOIN s9_rated r ON r.account_id = t.account_id AND r.cp = t.cp
                WHERE r.rate >= {b("min_rate")} GROUP BY t.account_id),
            per AS (
                SELECT account_id, COUNT(*) AS borrowers, SUM(lent) AS lent,
                       SUM(CASE WHEN rate >= {b("min_rate")} THEN 1 ELSE 0 END) AS high,
                       AVG(CASE WHEN rate >= {b("min_rate")} THEN rate END) AS mean_rate
                FROM s9_rated GROUP BY account_id)
            SELECT p.account_id, CAST(1 AS DOUBLE) AS strength, ev.first_es, ev.last_es,
                   ev.txn_ids, ev.counterparties,
                   CAST(p.borrowers AS DOUBLE) AS borrowers, CAST(p.high AS DOUBLE) AS high_rate_loans,
                   p.mean_rate, CAST(p.lent AS DOUBLE) / 100 AS lent_yuan
            FROM per p JOIN ev ON ev.account_id = p.account_id
            WHERE p.high >= {b("min_loans")}"""

    def explain(self, f: Mapping[str, float]) -> str:
        """One sentence about the hit."""
        return (
            f"向 {f['borrowers']:.0f} 名个人放款共 {f['lent_yuan']:,.2f} 元，其中 {f['high_rate_loans']:.0f} 笔"
            f"按实际到手本金计算的年化利率平均 {f['mean_rate'] * 100:.0f}%，远超民间借贷利率保护上限。"
        )
