"""S4 investment remarks and S5 round or fixed-unit amounts — supporting signals on inflows."""

from __future__ import annotations

from collections.abc import Mapping

from fangfei.monitoring.scenarios.base import Compiler, Figure, Scenario, Step
from fangfei.monitoring.scenarios.shared import evidence_sql, flows_sql


class Remarks(Scenario):
    """S4: many individuals pay in with remarks such as 投资, 理财, 分红, 本金."""

    id = "S4"
    figures = (
        Figure("kw_payers", "附言含投资理财字样的个人付款人数", "min_payers", ">=", "人"),
        Figure("kw_share", "此类转入占转入金额的比例", "min_share"),
    )

    def compile(self, c: Compiler) -> list[Step]:
        """Straight from the per-account profile."""
        c.table(
            "s4_cand",
            lambda b: (
                f"""
            SELECT account_id, kw_payers, CAST(kw_fen AS DOUBLE) / in_fen AS kw_share
            FROM ({flows_sql()}) f
            WHERE kw_payers >= {b("min_payers")} AND kw_fen >= in_fen * {b("min_share")}"""
            ),
        )
        return c.hits(
            lambda b: (
                f"""
            WITH ev AS ({evidence_sql(b, "s4_cand", "t.inb = 1 AND t.kw = 1")})
            SELECT c.account_id, CAST(1 AS DOUBLE) AS strength, ev.first_es, ev.last_es,
                   ev.txn_ids, ev.counterparties, CAST(c.kw_payers AS DOUBLE) AS kw_payers, c.kw_share
            FROM s4_cand c JOIN ev ON ev.account_id = c.account_id"""
            )
        )

    def explain(self, f: Mapping[str, float]) -> str:
        """One sentence about the hit."""
        return (
            f"{f['kw_payers']:.0f} 名个人转入时附言含“投资、理财、分红、本金”等字样，"
            f"占转入金额的 {f['kw_share'] * 100:.0f}%。"
        )


class RoundAmounts(Scenario):
    """S5: many payers paying round or fixed-unit amounts (e.g. multiples of 1,000 yuan)."""

    id = "S5"
    figures = (
        Figure("round_payers", "整数额付款人数", "min_payers", ">=", "人"),
        Figure("round_share", "整数额转入笔数占比", "min_share"),
    )

    def compile(self, c: Compiler) -> list[Step]:
        """Straight from the per-account profile."""
        c.table(
            "s5_cand",
            lambda b: (
                f"""
            SELECT account_id, rnd_payers, CAST(rnd_lines AS DOUBLE) / in_cp_lines AS round_share
            FROM ({flows_sql()}) f
            WHERE rnd_payers >= {b("min_payers")} AND rnd_lines >= in_cp_lines * {b("min_share")}"""
            ),
        )
        return c.hits(
            lambda b: (
                f"""
            WITH ev AS ({evidence_sql(b, "s5_cand", "t.inb = 1 AND t.rnd = 1")})
            SELECT c.account_id, CAST(1 AS DOUBLE) AS strength, ev.first_es, ev.last_es,
                   ev.txn_ids, ev.counterparties, CAST(c.rnd_payers AS DOUBLE) AS round_payers,
                   c.round_share
            FROM s5_cand c JOIN ev ON ev.account_id = c.account_id"""
            )
        )

    def explain(self, f: Mapping[str, float]) -> str:
        """One sentence about the hit."""
        return (
            f"{f['round_payers']:.0f} 个付款人转入整数额或固定份额的款项，"
            f"占转入笔数的 {f['round_share'] * 100:.0f}%。"
        )
