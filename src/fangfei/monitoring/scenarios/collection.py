"""S1 分散转入、集中转出 and S2 定期批量小额转出 — the two ends of a fundraising network."""

from __future__ import annotations

from collections.abc import Mapping

from fangfei.monitoring.scenarios.base import LINES, Binder, Compiler, Figure, Scenario, Step
from fangfei.monitoring.scenarios.shared import (
    ACCT_PAIRS,
    evidence_sql,
    flows_sql,
    holding_sql,
    network_sql,
    top_share_sql,
)


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


class Collection(Scenario):
    """S1: many individuals pay in, and most of the money soon leaves to a few counterparties.

    Shops, utilities and schools do the same when they sweep takings to a head office, so the
    shape alone scores ``base_strength``. Full strength needs the fundraising signature: a share of
    the payers later receives repeated payments from the network the money went to.
    """

    id = "S1"
    typology = "collection"
    figures = (
        Figure("payers", "转入的个人付款人数", "min_payers", ">=", "人"),
        Figure("in_yuan", "转入金额", None, "", "元"),
        Figure("out_share", "转出占转入比例", "min_out_share"),
        Figure("top_share", "前几名对手方占转出比例", "min_top_share"),
        Figure("hold_days", "资金平均停留天数", "max_hold_days", "<=", "天"),
        Figure("reflux_share", "付款人随后从同一资金网络收到回款的比例", "min_reflux_share"),
    )

    def compile(self, c: Compiler) -> list[Step]:
        """Candidates by shape, then concentration, holding time, network and reflux."""
        c.table(
            "s1_cand",
            lambda b: (
                f"""
            SELECT account_id, in_fen, out_fen, in_ind_cps FROM ({flows_sql()}) f
            WHERE in_ind_cps >= {b("min_payers")} AND out_fen >= in_fen * {b("min_out_share")}"""
            ),
        )
        c.table("s1_top", lambda b: top_share_sql(b, "s1_cand"))
        c.table("s1_hold", lambda b: holding_sql(b, "s1_cand"))
        c.table("s1_net", lambda b: network_sql(b, "s1_cand", outward=True))
        c.table("s1_reflux", self._reflux_sql)
        return c.hits(self._hits_sql)

    @staticmethod
    def _reflux_sql(b: Binder) -> str:
        return f"""
            WITH t AS (SELECT * FROM {LINES}),
            payers AS (
                SELECT pr.account_id AS root, pr.cp AS p, pr.first_es FROM {ACCT_PAIRS} pr
                JOIN s1_cand c ON c.account_id = pr.account_id WHERE pr.inb = 1 AND pr.ind = 1),
            paid_back AS (
                SELECT t.account_id, t.cp, t.es FROM t
                WHERE t.inb = 0 AND t.account_id IN (SELECT node FROM s1_net)
                  AND t.cp IN (SELECT p FROM payers)),
            back AS (
                SELECT py.root, py.p, COUNT(*) AS n FROM paid_back o
                JOIN s1_net nw ON nw.node = o.account_id
                JOIN payers py ON py.root = nw.root AND py.p = o.cp
                WHERE o.es > py.first_es GROUP BY py.root, py.p)
            SELECT py.root AS account_id, COUNT(*) AS payers,
                   SUM(CASE WHEN bk.n >= {b("min_returns")} THEN 1 ELSE 0 END) AS reflux
            FROM payers py LEFT JOIN back bk ON bk.root = py.root AND bk.p = py.p
            GROUP BY py.root"""

    @staticmethod
    def _hits_sql(b: Binder) -> str:
        evidence = evidence_sql(b, "s1_cand", "(t.inb = 1 AND t.ind = 1) OR t.inb = 0")
        reflux = "CAST(COALESCE(r.reflux, 0) AS DOUBLE) / NULLIF(r.payers, 0)"
        return f"""
            WITH ev AS ({evidence})
            SELECT c.account_id,
                   CASE WHEN COALESCE({reflux}, 0) >= {b("min_reflux_share")}
                        THEN CAST(1 AS DOUBLE) ELSE {b("base_strength")} END AS strength,
                   ev.first_es, ev.last_es, ev.txn_ids, ev.counterparties,
                   CAST(c.in_ind_cps AS DOUBLE) AS payers, CAST(c.in_fen AS DOUBLE) / 100 AS in_yuan,
                   CAST(c.out_fen AS DOUBLE) / c.in_fen AS out_share, tp.top_share,
                   h.hold_days, COALESCE({reflux}, 0) AS reflux_share
            FROM s1_cand c
            JOIN s1_top tp ON tp.account_id = c.account_id
            JOIN s1_hold h ON h.account_id = c.account_id
            JOIN ev ON ev.account_id = c.account_id
            LEFT JOIN s1_reflux r ON r.account_id = c.account_id
            WHERE tp.top_share >= {b("min_top_share")} AND h.hold_days <= {b("max_hold_days")}"""

    def explain(self, f: Mapping[str, float]) -> str:
        """One sentence about the hit."""
        text = (
            f"{f['payers']:.0f} 名个人共转入 {f['in_yuan']:,.2f} 元，转出达转入的 {_pct(f['out_share'])}，"
            f"其中前几名对手方占 {_pct(f['top_share'])}，资金平均停留 {f['hold_days']:.1f} 天"
        )
        if f["strength"] >= 1:
            text += f"；{_pct(f['reflux_share'])} 的付款人随后从同一资金网络多次收到回款"
        return text + "。"


class Payout(Scenario):
    """S2: recurring batches of small payments to many individuals.

    Payroll does the same, so the batches alone score ``base_strength``. The Ponzi signature
    gives full strength: most payees paid into the same network before (the accounts whose money
    reaches this one in at most two hops), and each payment is a steady, interest-like percentage
    of what that payee had paid in.
    """

    id = "S2"
    typology = "payout"
    figures = (
        Figure("payees", "收款的个人人数", "min_payees", ">=", "人"),
        Figure("batches", "批量付款的天数", "min_batches", ">=", "天"),
        Figure("linked_share", "收款人此前向同一资金网络付过款的比例", "min_linked_share"),
        Figure("band_share", "付款额为其本金固定比例的笔数占比", "min_band_share"),
        Figure("mean_rate", "每笔付款占本金的平均比例"),
        Figure("rate_cv", "同一收款人付款比例的变异系数", "max_rate_cv", "<="),
    )

    def compile(self, c: Compiler) -> list[Step]:
        """Candidates, their payout lines and batches, the upstream network, as-of principals."""
        c.table(
            "s2_cand",
            lambda b: (
                f"""
            SELECT account_id, out_ind_cps FROM ({flows_sql()}) f
            WHERE out_ind_cps >= {b("min_payees")}
              AND out_fen <= out_n * {b("max_avg_payment_fen")}"""
            ),
        )
        c.table(
            "s2_pay",
            lambda b: (
                f"""
            SELECT t.account_id, t.line, t.cp, t.fen, t.es, t.day FROM {LINES} t
            JOIN s2_cand c ON c.account_id = t.account_id
            WHERE t.inb = 0 AND t.ind = 1"""
            ),
        )
        c.table(
            "s2_batch",
            lambda b: (
                f"""
            SELECT account_id, SUM(CASE WHEN payees >= {b("min_batch_payees")} THEN 1 ELSE 0 END) AS batches
            FROM (SELECT account_id, day, COUNT(DISTINCT cp) AS payees FROM s2_pay
                  GROUP BY account_id, day) d
            GROUP BY account_id"""
            ),
        )
        c.table("s2_net", lambda b: network_sql(b, "s2_cand", outward=False))
        c.table("s2_asof", self._asof_sql)
        c.table("s2_ratio", self._ratio_sql)
        return c.hits(self._hits_sql)

    @staticmethod
    def _asof_sql(b: Binder) -> str:
        return f"""
            WITH t AS (SELECT * FROM {LINES}),
            payees AS (SELECT DISTINCT account_id AS root, cp AS q FROM s2_pay),
            payins AS (
                SELECT nw.root, t.cp AS q, t.es, t.fen FROM t
                JOIN s2_net nw ON nw.node = t.account_id
                JOIN payees pe ON pe.root = nw.root AND pe.q = t.cp
                WHERE t.inb = 1)
            SELECT p.account_id, p.cp AS q, p.line, p.fen, SUM(pi.fen) AS principal
            FROM s2_pay p LEFT JOIN payins pi
              ON pi.root = p.account_id AND pi.q = p.cp AND pi.es < p.es
            GROUP BY p.account_id, p.cp, p.line, p.fen"""

    @staticmethod
    def _ratio_sql(b: Binder) -> str:
        return f"""
            WITH lines AS (
                SELECT account_id, q, CAST(fen AS DOUBLE) / principal AS r
                FROM s2_asof WHERE principal > 0),
            per_q AS (
                SELECT account_id, q, COUNT(*) AS n, AVG(r) AS mean_r, STDDEV_SAMP(r) AS sd_r,
                       SUM(CASE WHEN r >= {b("min_rate")} AND r <= {b("max_rate")} THEN 1 ELSE 0 END) AS in_band
                FROM lines GROUP BY account_id, q)
            SELECT account_id, COUNT(*) AS linked,
                   CAST(SUM(in_band) AS DOUBLE) / SUM(n) AS band_share, AVG(mean_r) AS mean_rate,
                   AVG(CASE WHEN n >= 2 THEN sd_r / NULLIF(mean_r, 0) END) AS rate_cv
            FROM per_q GROUP BY account_id"""

    @staticmethod
    def _hits_sql(b: Binder) -> str:
        linked = "CAST(COALESCE(r.linked, 0) AS DOUBLE) / c.out_ind_cps"
        ponzi = (
            f"{linked} >= {b('min_linked_share')} AND r.band_share >= {b('min_band_share')}"
            f" AND COALESCE(r.rate_cv, 0) <= {b('max_rate_cv')}"
        )
        return f"""
            WITH ev AS ({evidence_sql(b, "s2_cand", "t.inb = 0 AND t.ind = 1")})
            SELECT c.account_id,
                   CASE WHEN {ponzi} THEN CAST(1 AS DOUBLE) ELSE {b("base_strength")} END AS strength,
                   ev.first_es, ev.last_es, ev.txn_ids, ev.counterparties,
                   CAST(c.out_ind_cps AS DOUBLE) AS payees, CAST(bt.batches AS DOUBLE) AS batches,
                   {linked} AS linked_share, COALESCE(r.band_share, 0) AS band_share,
                   COALESCE(r.mean_rate, 0) AS mean_rate, COALESCE(r.rate_cv, 0) AS rate_cv
            FROM s2_cand c
            JOIN s2_batch bt ON bt.account_id = c.account_id
            JOIN ev ON ev.account_id = c.account_id
            LEFT JOIN s2_ratio r ON r.account_id = c.account_id
            WHERE bt.batches >= {b("min_batches")}"""

    def explain(self, f: Mapping[str, float]) -> str:
        """One sentence about the hit."""
        text = f"在 {f['batches']:.0f} 个付款日向 {f['payees']:.0f} 名个人批量付款"
        if f["strength"] >= 1:
            text += (
                f"；{_pct(f['linked_share'])} 的收款人此前向同一资金网络付过款，"
                f"{_pct(f['band_share'])} 的付款约为其本金的 {f['mean_rate'] * 100:.2f}%"
                f"（变异系数 {f['rate_cv']:.2f}），符合按本金比例返利的特征"
            )
        return text + "。"
