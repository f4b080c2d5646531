"""The seeded sources of randomness every part of the demo county draws from."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from faker import Faker


@dataclass
class Draw:
    """The seeded sources of randomness and the keys already handed out."""

    fake: Faker
    rng: random.Random
    used: set[str] = field(default_factory=set)

    @classmethod
    def seeded(cls, seed: int) -> Draw:
        """Faker and Random, both seeded with ``seed``."""
        fake = Faker("zh_CN")
        fake.seed_instance(seed)
        return cls(fake, random.Random(seed))

    def weighted(self, options: Sequence[tuple[Any, int]]) -> Any:
        """One option drawn by its weight."""
        return self.rng.choices([o for o, _ in options], [w for _, w in options])[0]

    def day(self, first: date, last: date) -> date:
        """A day between ``first`` and ``last`` inclusive."""
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def fresh(self, make: Callable[[], str]) -> str:
        """A value from ``make`` that was not handed out before."""
        while (value := make()) in self.used:
            pass
        self.used.add(value)
        return value
