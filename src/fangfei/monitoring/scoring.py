"""Scenario hits → account scores → alerts with their evidence and a Chinese explanation."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import pyarrow as pa

from fangfei.monitoring.alerts import Alert, Evidence, FigureValue, alert_key
from fangfei.monitoring.runner import Window
from fangfei.monitoring.scenarios import SCENARIOS
from fangfei.monitoring.scenarios.spec import Pack

COMMON = ("bank", "account_id", "strength", "first_es", "last_es", "txn_ids", "counterparties")
TYPOLOGY_LABELS = {
    "collection": "集资归集账户",
    "payout": "集资返利账户",
    "transit": "过渡（跑分）账户",
    "dormant": "休眠后被利用的账户",
    "cycle": "资金闭环账户",
    "lending": "非法放贷账户",
}


@dataclass(frozen=True)
class Hit:
    """One scenario's hit on one account."""

    bank: str
    account_id: str
    evidence: Evidence

    @property
    def contribution(self) -> float:
        """Weight × strength."""
        return self.evidence.weight * self.evidence.strength


def _number(value: object) -> float:
    number = float(value) if isinstance(value, int | float | Decimal) else 0.0
    return 0.0 if math.isnan(number) else round(number, 6)


def _moment(es: object) -> str | None:
    if not isinstance(es, int):
        return None
    return datetime.fromtimestamp(es, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _hit(sid: str, row: dict[str, object], pack: Pack) -> Hit:
    scenario, settings = SCENARIOS[sid], pack.scenarios[sid]
    figures = {f.column: _number(row.get(f.column)) for f in scenario.figures}
    strength = _number(row["strength"])
    values = [
        FigureValue(
            f.column, f.label, figures[f.column], _threshold(pack, sid, f.threshold), f.op, f.unit
        )
        for f in scenario.figures
    ]
    evidence = Evidence(
        scenario=sid,
        name=settings.name,
        version=settings.version,
        weight=settings.weight,
        strength=strength,
        explanation=scenario.explain({**figures, "strength": strength}),
        txn_ids=tuple(str(x) for x in row.get("txn_ids") or ()),  # type: ignore[attr-defined]
        counterparties=tuple(str(x) for x in row.get("counterparties") or ()),  # type: ignore[attr-defined]
        first_seen=_moment(row.get("first_es")),
        last_seen=_moment(row.get("last_es")),
        figures=tuple(values),
    )
    return Hit(str(row["bank"]), str(row["account_id"]), evidence)


def _threshold(pack: Pack, sid: str, name: str | None) -> float | None:
    if name is None:
        return None
    value = pack.scenarios[sid].thresholds[name].value
    return float(value) if isinstance(value, int | float) else None


def collect_hits(hits: dict[str, pa.Table], pack: Pack) -> dict[tuple[str, str], list[Hit]]:
    """Every hit, grouped by account (bank, account id)."""
    grouped: dict[tuple[str, str], list[Hit]] = defaultdict(list)
    for sid, table in hits.items():
        for row in table.to_pylist():
            hit = _hit(sid, row, pack)
            grouped[(hit.bank, hit.account_id)].append(hit)
    return grouped


def typologies_of(hits: list[Hit]) -> tuple[str, ...]:
    """What the account looks like: typologies of full-strength hits, else of any defining hit."""
    defining = [h for h in hits if SCENARIOS[h.evidence.scenario].typology]
    full = [h for h in defining if h.evidence.strength >= 1]
    chosen = full or defining
    return tuple(sorted({SCENARIOS[h.evidence.scenario].typology or "" for h in chosen}))


def _explanation(hits: list[Hit], typologies: tuple[str, ...], score: float) -> str:
    kinds = "、".join(TYPOLOGY_LABELS[t] for t in typologies) or "可疑资金往来"
    parts = [f"{h.evidence.scenario} {h.evidence.name}：{h.evidence.explanation}" for h in hits]
    return f"疑似{kinds}（得分 {score:.2f}）。" + " ".join(parts)


def score_hits(hits: dict[str, pa.Table], pack: Pack, window: Window, engine: str) -> list[Alert]:
    """Alerts for every account whose score reaches the pack's alert threshold."""
    threshold = pack.alert_score()
    alerts = []
    for (bank, account_id), found in sorted(collect_hits(hits, pack).items()):
        found.sort(key=lambda h: (-h.contribution, h.evidence.scenario))
        score = round(sum(h.contribution for h in found), 4)
        if score < threshold - 1e-9:
            continue
        typologies = typologies_of(found)
        alerts.append(
            Alert(
                alert_id=alert_key(bank, account_id, window.start, window.end),
                bank=bank,
                account_id=account_id,
                period_start=window.start,
                period_end=window.end,
                score=score,
                scenarios=tuple(sorted(h.evidence.scenario for h in found)),
                typologies=typologies,
                explanation=_explanation(found, typologies, score),
                evidence=tuple(h.evidence for h in found),
                pack_version=pack.version,
                engine=engine,
            )
        )
    return alerts
