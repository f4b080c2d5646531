"""The lines of loan screening, from ``data/lending.yaml``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from fangfei.screening.lexicon import load_yaml


@dataclass(frozen=True)
class LendingRules:
    """The lines of ``data/lending.yaml`` that one loan is held against."""

    cap_multiple: Decimal
    lpr_rule_from: date
    old_protected_pct: Decimal
    old_void_pct: Decimal
    illegal_pct: Decimal
    aggravated_pct: Decimal
    exempt_licences: frozenset[str]
    rollover_days: int
    data: Mapping[str, Any]


@lru_cache(maxsize=1)
def lending_rules() -> LendingRules:
    """The shipped lending lines."""
    data = load_yaml("lending.yaml")
    cap, lines = data["cap"], data["lines"]
    return LendingRules(
        cap_multiple=Decimal(str(cap["lpr_multiple"])),
        lpr_rule_from=cap["lpr_rule_from"],
        old_protected_pct=Decimal(str(cap["old_protected_pct"])),
        old_void_pct=Decimal(str(cap["old_void_above_pct"])),
        illegal_pct=Decimal(str(lines["illegal_lending_pct"])),
        aggravated_pct=Decimal(str(lines["aggravated_pct"])),
        exempt_licences=frozenset(data["cap_exempt_licences"]),
        rollover_days=int(data["rollover_days"]),
        data=data,
    )
