"""预警 — alerts per account and period, with their evidence, kept under FANGFEI_HOME.

Alerts are stored in ``<FANGFEI_HOME>/monitoring/alerts.jsonl``, one JSON object per line, keyed
by ``alert_id`` = hash(bank, account, period). Saving a run replaces the alert with the same key
and any alert of the same account whose period overlaps the new one (the newer run has seen the
same money), so reruns never duplicate. A later step moves alerts into the application database.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class FigureValue:
    """A figure of the evidence held against its threshold."""

    name: str
    label: str
    value: float
    threshold: float | None = None
    op: str = ""
    unit: str = ""


@dataclass(frozen=True)
class Evidence:
    """What one scenario saw on the account."""

    scenario: str
    name: str
    version: int
    weight: float
    strength: float
    explanation: str
    txn_ids: tuple[str, ...] = ()
    counterparties: tuple[str, ...] = ()
    first_seen: str | None = None
    last_seen: str | None = None
    figures: tuple[FigureValue, ...] = ()


@dataclass(frozen=True)
class Alert:
    """An alert on one account for one period."""

    alert_id: str
    bank: str
    account_id: str
    period_start: date
    period_end: date
    score: float
    scenarios: tuple[str, ...]
    typologies: tuple[str, ...]
    explanation: str
    evidence: tuple[Evidence, ...] = field(default=())
    pack_version: str = ""
    engine: str = ""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        body = asdict(self)
        body["period_start"] = self.period_start.isoformat()
        body["period_end"] = self.period_end.isoformat()
        return body

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Alert:
        """The alert a ``to_json`` dictionary describes."""
        evidence = tuple(
            Evidence(
                **{
                    **e,
                    "txn_ids": tuple(e["txn_ids"]),
                    "counterparties": tuple(e["counterparties"]),
                    "figures": tuple(FigureValue(**f) for f in e["figures"]),
                }
            )
            for e in body["evidence"]
        )
        return cls(
            **{
                **body,
                "period_start": date.fromisoformat(body["period_start"]),
                "period_end": date.fromisoformat(body["period_end"]),
                "scenarios": tuple(body["scenarios"]),
                "typologies": tuple(body["typologies"]),
                "evidence": evidence,
            }
        )


def alert_key(bank: str, account_id: str, start: date, end: date) -> str:
    """The stable id of an account's alert for a period."""
    raw = f"{bank}\x1f{account_id}\x1f{start.isoformat()}\x1f{end.isoformat()}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True)
class SaveResult:
    """What saving a run changed."""

    written: int
    replaced: int
    kept: int


class AlertStore:
    """The alerts file of one installation."""

    def __init__(self, home: Path) -> None:
        self.path = home / "monitoring" / "alerts.jsonl"

    def load(self) -> list[Alert]:
        """Every stored alert."""
        if not self.path.is_file():
            return []
        with self.path.open(encoding="utf-8") as fh:
            return [Alert.from_json(json.loads(line)) for line in fh if line.strip()]

    def save(self, alerts: Iterable[Alert]) -> SaveResult:
        """Add a run's alerts, replacing same-key and overlapping ones of the same account."""
        new = {a.alert_id: a for a in alerts}
        by_account: dict[tuple[str, str], list[Alert]] = {}
        for alert in new.values():
            by_account.setdefault((alert.bank, alert.account_id), []).append(alert)
        kept, replaced = [], 0
        for old in self.load():
            if old.alert_id in new or any(
                _overlap(old, a) for a in by_account.get((old.bank, old.account_id), [])
            ):
                replaced += 1
            else:
                kept.append(old)
        self._write([*kept, *sorted(new.values(), key=lambda a: (a.bank, a.account_id))])
        return SaveResult(written=len(new), replaced=replaced, kept=len(kept))

    def _write(self, alerts: list[Alert]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".part")
        with partial.open("w", encoding="utf-8") as fh:
            for alert in alerts:
                fh.write(json.dumps(alert.to_json(), ensure_ascii=False) + "\n")
        os.replace(partial, self.path)


def _overlap(a: Alert, b: Alert) -> bool:
    return a.period_start <= b.period_end and b.period_start <= a.period_end
