"""Account-level quality on a small synthetic county (fixed seeds, so the figures are exact)."""

from __future__ import annotations

import pytest

from fangfei.monitoring.generator import Difficulty
from fangfei.monitoring.quality import TYPOLOGIES, measure
from fangfei.monitoring.scenarios.spec import SHIPPED, load_pack

# labelled accounts per typology at 3,000 accounts, seed 1, on hard
HARD_LABELLED = {
    "collection": 8,
    "payout": 3,
    "transit": 6,
    "dormant": 1,
    "cycle": 10,
    "lending": 3,
}


@pytest.mark.parametrize("difficulty", ["easy", "medium", "hard"])
def test_each_typology_reaches_the_goal_and_payroll_and_merchants_stay_quiet(
    difficulty: Difficulty,
) -> None:
    result = measure(difficulty, accounts=3000, days=365, seed=1, pack=load_pack(SHIPPED))

    by_name = {m.name: m for m in result.metrics}
    for typology in TYPOLOGIES:
        metrics = by_name[typology]
        assert metrics.labelled > 0, typology
        assert metrics.recall >= 0.95 and metrics.precision >= 0.90, metrics
    assert by_name["overall"].precision == 1.0 and by_name["overall"].recall == 1.0
    assert sum(result.watched_alerted.values()) == 0 and sum(result.watched_total.values()) > 10
    if difficulty == "hard":
        assert {t: by_name[t].labelled for t in TYPOLOGIES} == HARD_LABELLED
        assert {t: by_name[t].correct for t in TYPOLOGIES} == HARD_LABELLED
        shape = {m.name: m for m in result.shape_only}
        assert (
            shape["collection"].precision < 0.5 and shape["payout"].precision < 0.5
        )  # look-alikes
