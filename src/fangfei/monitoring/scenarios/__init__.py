"""The scenario library S1–S9: declarative specs (``thresholds.yaml``) compiled to SQL per engine."""

from __future__ import annotations

from fangfei.monitoring.scenarios.base import Scenario
from fangfei.monitoring.scenarios.collection import Collection, Payout
from fangfei.monitoring.scenarios.network import Cycles, Lending
from fangfei.monitoring.scenarios.signals import Remarks, RoundAmounts
from fangfei.monitoring.scenarios.transit import Dormant, LargeValue, Transit

SCENARIOS: dict[str, Scenario] = {
    s.id: s
    for s in (
        Collection(),
        Payout(),
        Transit(),
        Remarks(),
        RoundAmounts(),
        LargeValue(),
        Dormant(),
        Cycles(),
        Lending(),
    )
}

__all__ = ["SCENARIOS", "Scenario"]
