"""预警 — what a run of the scenario pack says about an account in a period, with its evidence.

An alert's ``alert_id`` is hash(bank, account, period), stable across runs, so that storing a
rerun (:func:`fangfei.monitoring.triage.record_run`) updates the alert instead of adding one.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date
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


def alert_key(bank: str, account_id: str, start: date, end: date) -> str:
    """The stable id of an account's alert for a period."""
    raw = f"{bank}\x1f{account_id}\x1f{start.isoformat()}\x1f{end.isoformat()}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:20]
